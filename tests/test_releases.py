"""Releases under one lock: publish, prune, rollback and the live history never take the site down."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

from generator.site import releases
from generator.site.outputs import CURRENT, RELEASES


def staged_build(root: Path, number: int) -> Path:
    """A finished build as ``publish`` leaves it in the root before installing (only what listing reads)."""
    staging = root / RELEASES / f".release.tmp-test-{number}"
    (staging / "data").mkdir(parents=True)
    (staging / "data" / "build.json").write_text(json.dumps({"build": f"{number:012x}", "audience": "public"}))
    (staging / "index.html").write_text(f"版本 {number}", encoding="utf-8")
    return staging


def install(root: Path, number: int, keep: int = 2) -> tuple[Path, list[Path]]:
    releases.prepare(root)
    return releases.install(root, staged_build(root, number), f"{number:012x}", keep=keep, approved=False)


def live_page(root: Path) -> str:
    return (root / CURRENT / "index.html").read_text(encoding="utf-8")


def _roll_back_until(root: Path, stop, failures) -> None:  # noqa: ANN001 - multiprocessing's Event and Value
    """In another process: roll back again and again; count the times the root had no live site."""
    while not stop.is_set():
        try:
            releases.rollback(root)
        except releases.PublishError as exc:
            if "还没有发布过" in str(exc):
                with failures.get_lock():
                    failures.value += 1
        try:
            live_page(root)
        except OSError:
            with failures.get_lock():
                failures.value += 1


def test_publishes_and_rollbacks_racing_on_one_root_always_leave_a_live_site(tmp_path):
    """One process publishes (keep 2) while another rolls back: before the one lock, prune deleted the release
    a rollback had just made live, and ``current`` pointed nowhere (dozens of times in 60 publishes)."""
    root = tmp_path / "www"
    install(root, 0)
    install(root, 1)
    forked = multiprocessing.get_context("fork")
    stop, failures = forked.Event(), forked.Value("i", 0)
    other = forked.Process(target=_roll_back_until, args=(root, stop, failures))
    other.start()
    try:
        for number in range(2, 62):
            install(root, number)
            live_page(root)
    finally:
        stop.set()
        other.join(timeout=60)
    assert other.exitcode == 0 and failures.value == 0
    assert live_page(root).startswith("版本 ")
    assert len(releases.releases(root)) <= 3  # keep 2, plus a live one a rollback made older


def test_a_history_write_that_fails_leaves_the_site_as_it_was(tmp_path):
    root = tmp_path / "www"
    install(root, 1)
    history = root / releases.HISTORY
    history.unlink()
    history.mkdir()  # what a write there meets: as real as a full disk, and it leaves the old file in place
    (history / "keep").write_text("x")
    with pytest.raises(releases.PublishError, match="不能切换到新版本"):
        install(root, 2)
    assert live_page(root) == "版本 1"
    assert [r.build for r in releases.releases(root)] == [f"{1:012x}"]
    assert sorted(p.name for p in root.iterdir()) == sorted([".lock", CURRENT, RELEASES, releases.HISTORY])
    assert [p.name for p in (root / RELEASES).iterdir() if p.name.startswith(".")] == []


def test_a_rollback_whose_history_write_fails_leaves_the_site_as_it_was(tmp_path):
    root = tmp_path / "www"
    install(root, 1)
    install(root, 2)
    history = root / releases.HISTORY
    history.unlink()
    history.mkdir()
    with pytest.raises(releases.PublishError, match="不能切换版本"):
        releases.rollback(root)
    assert live_page(root) == "版本 2"


def test_history_left_ahead_of_current_is_repaired_by_the_next_rollback(tmp_path):
    """A crash between the history write and the switch: the history names a release that never went live."""
    root = tmp_path / "www"
    for number in (1, 2, 3):
        install(root, number, keep=5)
    names = [r.name for r in releases.releases(root)]
    (root / releases.HISTORY).write_text(json.dumps(names[:2]))  # as if 3's switch happened, 2's history not
    releases.switch(root, releases.releases(root)[1].path)  # … and then current back at 2 by hand
    assert releases.rollback(root).name == names[0]
    assert live_page(root) == "版本 1"


def test_two_first_publishes_of_both_audiences_racing_leave_one_audience_in_the_root(tmp_path):
    """``publish`` checks the root's audience before its build; a publish of the other audience may install in
    between (on a fresh root both pass): the install checks again under the lock, so party never goes live here."""
    root = tmp_path / "root"
    install(root, 1)  # the public publish that won the race
    party = staged_build(root, 2)
    (party / "data" / "build.json").write_text(json.dumps({"build": f"{2:012x}", "audience": "party"}))
    with pytest.raises(releases.PublishError, match="公开版的版本"):
        releases.install(root, party, f"{2:012x}", keep=2, approved=False)
    assert live_page(root) == "版本 1" and [r.audience for r in releases.releases(root)] == ["public"]
