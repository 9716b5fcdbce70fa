"""The parse cache on disk: used when it can be, never stale, never in the way."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import time

import pytest

from generator.speed import cache
from helpers import AS_OF, REPO, board, evaluation, item, tiny_board, write_yaml


def check(content, cache_dir, *extra):
    return board("check", "--content", str(content), "--as-of", AS_OF, *extra,
                     env={"BOARD_CACHE_DIR": str(cache_dir)})


def entries(cache_dir):
    """Every stored entry with the time it was written and its bytes (a rewrite changes the time)."""
    found = {}
    for database in cache_dir.glob(f"v-*/{cache.DATABASE}"):
        with contextlib.closing(sqlite3.connect(database)) as db:
            found.update((name, (written, value)) for name, written, value in db.execute("SELECT * FROM entries"))
    return found


def broken_board(root):
    """Errors from parsing and from the checks, on several lines of two files."""
    return tiny_board(root, {
        "a": {"name": "甲", "evaluation": evaluation(rated=99),
              "rectifications": [item(status="已完成"), item(id="02", deadline="下个月")]},
        "b": {"name": "乙", "rectifications": [item(owenr="x")]},
    })


def test_a_second_check_reads_every_file_from_the_cache(tmp_path):
    content, cache_dir = tiny_board(tmp_path / "content"), tmp_path / "cache"
    first = check(content, cache_dir)
    stored = entries(cache_dir)
    second = check(content, cache_dir)
    assert first.code == second.code == 0 and first.out == second.out
    assert len(stored) == 3  # board.yml, the branch file and its approval print (speed.remembered_all)
    assert entries(cache_dir) == stored  # nothing parsed again, so nothing written again


def test_cached_and_uncached_checks_say_the_same(tmp_path):
    content, cache_dir = broken_board(tmp_path / "content"), tmp_path / "cache"
    off = board("check", "--content", str(content), "--as-of", AS_OF, env={"BOARD_CACHE_DIR": "off"})
    cold, warm = check(content, cache_dir), check(content, cache_dir)
    assert off.code == cold.code == warm.code == 1
    assert off.err == cold.err == warm.err
    assert "下个月" in warm.err and "owenr" in warm.err and "rated" in warm.err
    assert not (REPO / "off").exists()  # "off" is not a folder name


def test_an_edited_file_is_read_again_and_its_old_result_kept(tmp_path):
    content, cache_dir = tiny_board(tmp_path / "content"), tmp_path / "cache"
    branch = content / "branches" / "first.yml"
    good = branch.read_bytes()
    assert check(content, cache_dir).code == 0
    write_yaml(branch, {"name": "第一党支部", "rectifications": [item(status="进行中")]})
    edited = check(content, cache_dir)
    assert edited.code == 1 and "进行中" in edited.err
    branch.write_bytes(good)
    before = entries(cache_dir)
    assert check(content, cache_dir).code == 0
    assert entries(cache_dir) == before


def test_a_copied_folder_reports_its_own_paths(tmp_path):
    cache_dir = tmp_path / "cache"
    original = broken_board(tmp_path / "one")
    assert "one/branches/b.yml" in check(original, cache_dir).err
    copy = shutil.copytree(original, tmp_path / "two")
    err = check(copy, cache_dir).err
    assert "two/branches/b.yml" in err and "one/" not in err


def test_a_damaged_entry_is_parsed_again_and_replaced(tmp_path):
    content, cache_dir = tiny_board(tmp_path / "content"), tmp_path / "cache"
    assert check(content, cache_dir).code == 0
    database = next(cache_dir.glob(f"v-*/{cache.DATABASE}"))
    with contextlib.closing(sqlite3.connect(database)) as db, db:
        db.execute("UPDATE entries SET value = substr(value, 1, 20)")
    damaged = entries(cache_dir)
    run = check(content, cache_dir)
    assert run.code == 0 and "1 个支部" in run.out
    assert len(damaged) == 3 and all(entries(cache_dir)[name] != seen for name, seen in damaged.items())


def test_a_damaged_database_is_replaced(tmp_path):
    content, cache_dir = tiny_board(tmp_path / "content"), tmp_path / "cache"
    assert check(content, cache_dir).code == 0
    database = next(cache_dir.glob(f"v-*/{cache.DATABASE}"))
    database.write_bytes(b"not a database at all" * 100)
    run = check(content, cache_dir)
    assert run.code == 0 and "1 个支部" in run.out and run.err == ""
    assert len(entries(cache_dir)) == 3  # board.yml, the branch file and its approval print


def test_an_unusable_cache_folder_is_skipped(tmp_path):
    content = tiny_board(tmp_path / "content")
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    run = check(content, not_a_folder)
    assert run.code == 0 and "1 个支部" in run.out and run.err == ""


def test_folder_honours_off_and_refuses_one_others_can_write(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV, "off")
    assert cache.folder() is None
    monkeypatch.setenv(cache.ENV, str(tmp_path / "c"))
    place = cache.folder()
    assert place is not None and place.parent == tmp_path / "c" and place.stat().st_mode & 0o777 == 0o700
    place.chmod(0o777)
    assert cache.folder() is None


def test_prune_removes_old_versions_only(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV, str(tmp_path))
    place = cache.folder()
    (tmp_path / "v-0123456789abcdef").mkdir()
    (tmp_path / "v-0123456789abcdef" / cache.MARK).touch()  # another version's folder, as this cache makes them
    (tmp_path / "v-fedcba9876543210").mkdir()
    (tmp_path / "v-fedcba9876543210" / cache.DATABASE).touch()  # one an earlier version made (no mark yet)
    (tmp_path / "someone-elses").mkdir()
    cache.prune(place)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([place.name, "someone-elses"])


def test_prune_never_removes_a_folder_it_did_not_make(tmp_path, monkeypatch):
    """BOARD_CACHE_DIR pointed at a folder of the user's: their ``v-2025备份`` with notes stays."""
    monkeypatch.setenv(cache.ENV, str(tmp_path))
    notes = tmp_path / "v-2025备份" / "笔记.txt"
    notes.parent.mkdir()
    notes.write_text("不要删", encoding="utf-8")
    cache.keep(cache.folder(), [("entry", b"1")])
    assert notes.read_text(encoding="utf-8") == "不要删"


def test_entries_not_written_for_a_month_go_when_new_ones_are_kept(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV, str(tmp_path))
    place = cache.folder()
    cache.keep(place, [("fresh", b"1"), ("stale", b"2")])
    long_ago = time.time_ns() - (cache.KEEP_DAYS + 1) * 86400 * 10**9
    with contextlib.closing(sqlite3.connect(place / cache.DATABASE)) as db, db:
        db.execute("UPDATE entries SET written = ? WHERE name = 'stale'", (long_ago,))
    assert cache.find(place, ["fresh", "stale"]) == {"fresh": b"1", "stale": b"2"}
    cache.keep(place, [("new", b"3")])
    assert cache.find(place, ["fresh", "stale", "new"]) == {"fresh": b"1", "new": b"3"}


def test_find_takes_more_names_than_one_query_can(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV, str(tmp_path))
    place = cache.folder()
    stored = [(f"name-{n}", str(n).encode()) for n in range(cache.BATCH * 2 + 3)]
    cache.keep(place, stored)
    asked = [name for name, _ in stored] + ["never-stored"]
    assert cache.find(place, asked) == dict(stored)
    assert cache.find(None, asked) == {}


@pytest.mark.parametrize("blob", [None, b"", b"garbage", b"\x80\x05K"])
def test_decode_takes_damage_as_missing(blob):
    assert cache.decode(blob) is None


def test_keys_differ_by_bytes_kind_and_path():
    base = cache.key("_parse_branch", "content/branches/a.yml", b"digest")
    assert base != cache.key("_parse_board", "content/branches/a.yml", b"digest")
    assert base != cache.key("_parse_branch", "other/branches/a.yml", b"digest")
    assert base != cache.key("_parse_branch", "content/branches/a.yml", b"digesu")
    assert base == cache.key("_parse_branch", "content/branches/a.yml", b"digest")


def test_a_cache_another_run_is_writing_is_not_waited_for_long(tmp_path):
    content, cache_dir = broken_board(tmp_path / "content"), tmp_path / "cache"
    first = check(content, cache_dir)
    stored = entries(cache_dir)
    database = next(cache_dir.glob(f"v-*/{cache.DATABASE}"))
    (content / "branches" / "b.yml").write_text("name: 乙\n", encoding="utf-8")
    with contextlib.closing(sqlite3.connect(database)) as busy:
        busy.execute("BEGIN EXCLUSIVE")  # another board check in the middle of storing
        during = check(content, cache_dir)
        busy.rollback()
    assert first.code == during.code == 1 and "owenr" not in during.err and "下个月" in during.err
    assert entries(cache_dir) == stored  # a busy database is left alone, not taken for a damaged one
    assert check(content, cache_dir).err == during.err


def test_a_database_locked_while_it_is_set_up_is_not_replaced(tmp_path, monkeypatch):
    content, cache_dir = tiny_board(tmp_path / "content"), tmp_path / "cache"
    monkeypatch.setenv(cache.ENV, str(cache_dir))
    database = cache.folder() / cache.DATABASE
    with contextlib.closing(sqlite3.connect(database)) as other:  # another run, still in its first transaction
        other.execute("CREATE TABLE entries (name TEXT PRIMARY KEY, written INTEGER, value BLOB)")
        other.execute("INSERT INTO entries VALUES ('theirs', 0, x'00')")
        other.commit()
        other.execute("BEGIN EXCLUSIVE")
        run = check(content, cache_dir)
        other.rollback()
    assert run.code == 0 and "1 个支部" in run.out and run.err == ""
    assert "theirs" in entries(cache_dir)
