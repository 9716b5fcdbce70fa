"""speed.workers: work made in another process is the same work, and its failures are not lost."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from generator import core, speed
from helpers import REPO


def _made() -> tuple[str, int]:
    return "同一个值", sum(range(1000))


def test_a_value_made_beside_is_the_value_made_here():
    """Whether it is forked (two cores) or made when asked (one core, or not worth it): the same value."""
    assert speed.beside(_made)() == speed.beside(_made, worth_it=False)() == _made()


def test_work_goes_to_another_process_only_where_there_is_another_core():
    forks = (os.cpu_count() or 1) >= 2 and "fork" in multiprocessing.get_all_start_methods()
    assert (speed.beside(os.getpid)() != os.getpid()) is forks
    assert speed.beside(os.getpid, worth_it=False)() == os.getpid()


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


def _dies() -> None:
    os._exit(3)  # killed, out of memory: no result, no exception


def test_a_worker_that_dies_says_so_where_the_value_is_asked_for():
    with pytest.raises(RuntimeError, match="exit code 3"):
        speed.beside(_dies)()
