"""speed.memory: values kept by what they are made from, in memory and in the disk cache."""

from __future__ import annotations

import pytest

from generator import core, speed
from helpers import REPO


def test_a_remembered_value_is_made_once_per_key_and_never_for_a_keyless_one():
    made: list[str] = []

    def make(text: str):  # noqa: ANN202
        return lambda: made.append(text) or text

    assert speed.remembered(("甲", "文件一"), make("一")) == "一"
    assert speed.remembered(("甲", "文件一"), make("二")) == "一"        # same key: kept
    assert speed.remembered(("甲", "文件二"), make("三")) == "三"        # another file's bytes
    assert speed.remembered(("甲", ""), make("四")) == "四" and speed.remembered(("甲", ""), make("五")) == "五"
    assert made == ["一", "三", "四", "五"]
    speed.forget()
    assert speed.remembered(("甲", "文件一"), make("六")) == "六"


def test_values_remembered_all_at_once_are_kept_on_disk_between_runs():
    made: list[int] = []

    def make(index: int) -> str:
        made.append(index)
        return f"值{index}"

    keys = ["文件一的字节\0public", "文件二的字节\0public", ""]
    assert speed.remembered_all("测试", keys, make) == ["值0", "值1", "值2"] and made == [0, 1, 2]
    speed.forget()                                             # a new run: nothing in memory
    assert speed.remembered_all("测试", keys, make) == ["值0", "值1", "值2"]
    assert made == [0, 1, 2, 2]                                # from the disk cache; the keyless one made again
    keys[1] = "文件二改过\0public"
    assert speed.remembered_all("测试", keys, make)[1] == "值1" and made[-2:] == [1, 2]
    assert speed.remembered_all("另一种", keys[:1], make) == ["值0"] and made[-1] == 0  # the kind is part of the key


def test_a_board_checked_again_takes_its_approval_prints_from_the_cache(tmp_path, monkeypatch):
    from generator.approval import fingerprints

    options = core.make_options(REPO / "content", audience="public", as_of="2026-11-25")
    first = core.validate(options).approval
    speed.forget()
    monkeypatch.setattr(fingerprints, "seen", lambda *_: pytest.fail("made again"))
    assert core.validate(options).approval == first


def test_forget_reads_the_code_version_again_as_a_new_process_would(monkeypatch):
    """An in-process run after ``forget`` keeps its cache where a new process would: test_periods compares a build
    in this process with one in a subprocess, and a version read minutes earlier (a landing on main since) put the
    two in different cache folders, so the subprocess found nothing kept."""
    from generator.speed import cache

    before = cache.folder()
    monkeypatch.setattr("sys.version", "another Python")  # hashed into the version, as the generator's source is
    assert cache.folder() == before                       # one process, one version: cheap to ask again
    speed.forget()
    assert cache.folder() != before
    monkeypatch.undo()
    speed.forget()
    assert cache.folder() == before
