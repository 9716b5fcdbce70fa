"""Put a finished output folder in place of the old one, all at once; keep releases.

A build writes into a temporary sibling folder (same file system, so rename
is atomic).  Only when it succeeded is the folder swapped in; a failed,
interrupted or out-of-space build leaves the previous output untouched.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2``); False where unsupported."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def swap_in(new: Path, target: Path) -> None:
    """Replace ``target`` by ``new``; the old content is removed afterwards."""
    if not target.exists():
        new.rename(target)
        return
    if _exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)
        return
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale(target: Path) -> None:
    """Leftovers of builds that were killed (their process is gone)."""
    for leftover in target.parent.glob(f".{target.name}.tmp-*"):
        pid = leftover.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _pid_alive(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)


@contextlib.contextmanager
def staged(target: Path) -> Iterator[Path]:
    """A fresh folder beside ``target``; swapped in only if the block succeeds."""
    target = target.absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(target)
    work = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    try:
        yield work
        swap_in(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---- releases: DIR/releases/<time>-<build>/ and DIR/current → one of them ----------------------

RELEASES = "releases"
CURRENT = "current"


class PublishError(RuntimeError):
    """A publish, rollback or listing that cannot go ahead, in words IT staff can act on."""


@dataclass(frozen=True)
class Release:
    path: Path
    build: str
    summary: dict
    live: bool

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def time(self) -> str:
        stamp = self.name.split("-", 2)
        return f"{stamp[0][:4]}-{stamp[0][4:6]}-{stamp[0][6:]} {stamp[1][:2]}:{stamp[1][2:4]}:{stamp[1][4:]}"


def _json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def prepare(root: Path) -> Path:
    """The releases folder, after making sure we may write there and ``current`` is ours."""
    current = root / CURRENT
    if current.exists() and not current.is_symlink():
        raise PublishError(f"{current} 是普通文件夹，不是发布用的链接：请先把它改名或移走（例如 {current}.old）")
    releases = root / RELEASES
    try:
        releases.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=releases, prefix=".probe-"):
            pass
    except OSError as exc:
        raise PublishError(f"不能写入 {releases}：{exc.strerror}。请用有写权限的账号运行，或换一个目录") from None
    return releases


def live(root: Path) -> Path | None:
    current = root / CURRENT
    return (root / os.readlink(current)).resolve() if current.is_symlink() else None


def releases(root: Path) -> list[Release]:
    """Every complete release, oldest first."""
    folder = root / RELEASES
    if not folder.is_dir():
        return []
    now = live(root)
    found = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    return [Release(p, _json(p / "data" / "build.json").get("build", "?"), _json(p / "data" / "summary.json"),
                    now is not None and p.resolve() == now) for p in found]


def release_name(build: str, when: dt.datetime | None = None) -> str:
    when = when or dt.datetime.now()
    return f"{when:%Y%m%d-%H%M%S}-{build}"


def switch(root: Path, release: Path) -> None:
    """Point ``current`` at ``release`` in one step: a new link renamed over the old one."""
    link = root / f".{CURRENT}.tmp-{os.getpid()}"
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(release, root), link)
    os.replace(link, root / CURRENT)


def staging_dir(root: Path) -> Path:
    """Where a release is built before it is installed (cleared by ``prune`` if the build dies)."""
    return root / RELEASES / f".release.tmp-{os.getpid()}"


def install(root: Path, staging: Path, build: str) -> Path:
    """Move a finished build into place as a new release and make it live."""
    target = root / RELEASES / release_name(build)
    while target.exists():
        target = target.with_name(target.name + "-1")
    staging.rename(target)
    switch(root, target)
    return target


def prune(root: Path, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` releases (the live one always stays)."""
    removed = []
    for release in releases(root)[:-keep] if keep > 0 else releases(root):
        if not release.live:
            shutil.rmtree(release.path, ignore_errors=True)
            removed.append(release.path)
    _remove_stale(root / RELEASES / "release")  # builds that were killed
    return removed


def rollback(root: Path) -> Release:
    """Make the release before the live one live again."""
    known = releases(root)
    index = next((i for i, r in enumerate(known) if r.live), None)
    if index is None:
        raise PublishError(f"{root} 还没有发布过")
    if index == 0:
        raise PublishError("没有更早的版本可以回退")
    switch(root, known[index - 1].path)
    return known[index - 1]
