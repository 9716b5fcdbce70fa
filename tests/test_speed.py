"""speed.beside: work made in a forked process is the same work, and its failures are not lost."""

from __future__ import annotations

import os

import pytest

from conftest import REPO
from generator import core, speed

MADE_IN: list[int] = []


def _made_here() -> tuple[int, int]:
    MADE_IN.append(os.getpid())
    return os.getpid(), len(MADE_IN)


def test_a_value_made_beside_comes_from_another_process():
    later = speed.beside(_made_here)
    pid, count = later()
    assert pid != os.getpid() and count == 1 and MADE_IN == []  # the parent did none of it
    assert speed.beside(_made_here, worth_it=False)() == (os.getpid(), 1)


class Unpicklable(Exception):
    def __init__(self) -> None:
        super().__init__("无法序列化")
        self.handle = lambda: None  # a lambda cannot be pickled


def _fails() -> None:
    raise ValueError("子进程里的错误")


def _fails_oddly() -> None:
    raise Unpicklable()


def test_an_error_beside_is_raised_where_the_value_is_asked_for():
    with pytest.raises(ValueError, match="子进程里的错误"):
        speed.beside(_fails)()
    with pytest.raises(RuntimeError, match="Unpicklable"):
        speed.beside(_fails_oddly)()


def test_a_big_board_made_on_two_cores_is_the_same_site(monkeypatch):
    options = core.make_options(REPO / "content", audience="public", as_of="2026-11-25")
    checked = core.validate(options)
    monkeypatch.setattr(speed, "BIG_BOARD", 10**9)
    alone = core.generate(options, None, checked)
    monkeypatch.setattr(speed, "BIG_BOARD", 1)
    monkeypatch.setattr(speed, "beside", _counting(speed.beside))
    both = core.generate(options, None, checked)
    assert _counting.calls == 1  # the ledger and the printed board, in one other process
    assert both.pages == alone.pages and list(both.pages) == list(alone.pages) and both.data == alone.data


def _counting(beside):  # noqa: ANN001, ANN202
    def counted(make, worth_it=True):  # noqa: ANN001, ANN202
        _counting.calls += worth_it
        return beside(make, worth_it)

    _counting.calls = 0
    return counted


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


def _dies() -> None:
    os._exit(3)  # killed, out of memory: no result, no exception


def test_a_worker_that_dies_says_so_where_the_value_is_asked_for():
    with pytest.raises(RuntimeError, match="exit code 3"):
        speed.beside(_dies)()
