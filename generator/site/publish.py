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
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.content.source import os_reason
from generator.files import write_atomic

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


class OutputError(RuntimeError):
    """An output path that would replace or land among the inputs, in words a clerk can act on."""


MARKER = Path("data") / "build.json"  # every output we write has it: a folder with it is ours to replace


def check_output(target: Path, inputs: Iterable[Path], project: Path | None = None, *,
                 replaces: str = "folder", marker: Path = MARKER) -> None:
    """Refuse an output that would replace, contain or sit inside an input (content, config, theme),
    or replace or contain the project folder (outputs inside it, like ``site/``, are fine).

    ``replaces``: ``"folder"`` (the target is replaced as a whole: it must be new, empty or
    an earlier output of ours, which has ``marker``), ``"root"`` (a publish root: new folders are only added) or
    a file type (``"pdf"``, ``"xlsx"``: an existing file must be one of that type).
    """
    resolved = _resolved(target)
    for source in [*inputs, *([project] if project else [])]:
        source = _resolved(source)
        if resolved == source or source.is_relative_to(resolved):
            raise OutputError(f"输出位置 {target} 会覆盖或包含 {source}（内容、配置或项目文件夹）："
                              "请换一个输出位置，例如 site")
    for source in map(_resolved, inputs):
        if source.is_dir() and resolved.is_relative_to(source):
            raise OutputError(f"输出位置 {target} 在 {source} 里面（内容或主题文件夹）：请换一个这个文件夹以外的位置")
    served = _publish_root_around(resolved)
    if served is not None:
        raise OutputError(f"输出位置 {target} 在发布目录 {served} 里面（网站服务器正在用的版本）：不能直接写到这里，"
                          f"发布请用 board publish --to {served}；要生成别的请换一个发布目录以外的位置")
    if replaces == "folder" and target.is_symlink():
        raise OutputError(f"输出位置 {target} 是一个链接（指向 {resolved}）：生成时会把链接换成文件夹；请直接写链接指向的文件夹，"
                          "或换一个位置")
    if not target.exists() and not target.is_symlink():
        return
    if replaces in ("folder", "root"):
        if not target.is_dir():
            raise OutputError(f"输出位置 {target} 是一个文件，不是文件夹：请换一个位置")
        if replaces == "folder" and any(target.iterdir()) and not (target / marker).is_file():
            raise OutputError(f"输出文件夹 {target} 里已有别的文件，不是本程序生成的网站；为免误删，没有写入。"
                              "请换一个新的或空的文件夹")
        return
    signatures = {"pdf": b"%PDF", "xlsx": b"PK\x03\x04", "docx": b"PK\x03\x04"}
    try:
        with open(target, "rb") as existing:
            head = existing.read(4)
    except OSError:
        head = b""
    if not target.is_file() or head != signatures[replaces]:
        raise OutputError(f"{target} 已存在，但不是 .{replaces} 文件；为免覆盖，没有写入。请换一个文件名")


def _publish_root_around(path: Path) -> Path | None:
    """The publish root (``releases/`` and the ``current`` link) that ``path`` is inside of, if any."""
    for folder in path.parents:
        if (folder / RELEASES).is_dir() and (folder / CURRENT).is_symlink():
            return folder
    return None


def _resolved(path: Path) -> Path:
    return Path(os.path.realpath(path.absolute()))


@contextlib.contextmanager
def staged(target: Path) -> Iterator[Path]:
    """A fresh folder beside ``target``; swapped in only if the block succeeds."""
    target = target.absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(target)
    work = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:  # made inside the try: a Ctrl-C right after mkdir still removes it
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        yield work
        swap_in(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---- releases: DIR/releases/<time>-<build>/ and DIR/current → one of them ----------------------

RELEASES = "releases"
CURRENT = "current"
HISTORY = ".live-history.json"  # the releases made live, oldest first (what rollback goes back through)
_RELEASE_NAME = re.compile(r"\d{8}-\d{6}-[0-9a-f]{12}(?:-1)*")
AUDIENCE_LABELS = {"public": "公开版", "party": "党内版"}


class PublishError(RuntimeError):
    """A publish, rollback or listing that cannot go ahead, in words IT staff can act on."""


@dataclass(frozen=True)
class Release:
    path: Path
    build: str
    audience: str | None
    summary: dict
    live: bool

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def time(self) -> str:
        stamp = self.name.split("-", 2)
        return f"{stamp[0][:4]}-{stamp[0][4:6]}-{stamp[0][6:]} {stamp[1][:2]}:{stamp[1][2:4]}:{stamp[1][4:]}"

    @property
    def audience_label(self) -> str:
        return AUDIENCE_LABELS.get(self.audience or "", "版本不明")


def _json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def prepare(root: Path) -> Path:
    """The releases folder, after making sure we may write there and ``current`` is ours."""
    current = root / CURRENT
    if current.exists() and not current.is_symlink():
        what = "普通文件夹" if current.is_dir() else "普通文件"
        raise PublishError(f"{current} 是{what}，不是发布用的链接：请先把它改名或移走（例如 {current}.old）")
    releases = root / RELEASES
    try:
        releases.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=releases, prefix=".probe-"):
            pass
    except OSError as exc:
        raise PublishError(f"不能写入 {releases}：{os_reason(exc)}。请用有写权限的账号运行，或换一个目录") from None
    return releases


def check_audience(root: Path, audience: str) -> None:
    """Refuse to publish one audience's site where the other's releases are (a rollback could mix them)."""
    other = [r for r in releases(root) if r.audience not in (None, audience)]
    if other:
        raise PublishError(
            f"{root} 里已有{other[-1].audience_label}的版本（{other[-1].name}），不能再发布{AUDIENCE_LABELS[audience]}："
            "公开版和党内版请发布到不同目录（例如 --to /srv/board 和 --to /srv/board-party）")


def live(root: Path) -> Path | None:
    current = root / CURRENT
    return (root / os.readlink(current)).resolve() if current.is_symlink() else None


def releases(root: Path) -> list[Release]:
    """Every complete release, oldest first (other folders in ``releases/`` are left alone)."""
    folder = root / RELEASES
    if not folder.is_dir():
        return []
    now = live(root)
    found = sorted(p for p in folder.iterdir() if _RELEASE_NAME.fullmatch(p.name) and p.is_dir() and not p.is_symlink())
    listed = []
    for path in found:
        build = _json(path / "data" / "build.json")
        audience = build.get("audience") if build.get("audience") in AUDIENCE_LABELS else None
        listed.append(Release(path, str(build.get("build", "?")), audience, _json(path / "data" / "summary.json"),
                              now is not None and path.resolve() == now))
    return listed


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


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    """One publish or rollback at a time switches ``current`` and writes the live history."""
    try:
        import fcntl
    except ImportError:  # not on Linux: no lock (publishing runs on the intranet server)
        yield
        return
    with open(root / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _read_history(root: Path) -> list[str]:
    try:
        data = json.loads((root / HISTORY).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return []
    return [n for n in data if isinstance(n, str)] if isinstance(data, list) else []


def _write_history(root: Path, names: list[str]) -> None:
    write_atomic(root / HISTORY, json.dumps(names[-1000:]) + "\n")


def _after_every_release(root: Path) -> dt.datetime:
    """Now, or one second after the newest release when that is not earlier (two publishes in one
    second, a clock set back): release names sort in the order they were made, which listing,
    rollback and pruning go by."""
    now = dt.datetime.now().replace(microsecond=0)
    newest = max((r.name[:15] for r in releases(root)), default=None)
    if newest is None:
        return now
    return max(now, dt.datetime.strptime(newest, "%Y%m%d-%H%M%S") + dt.timedelta(seconds=1))


def install(root: Path, staging: Path, build: str) -> Path:
    """Move a finished build into place as a new release and make it live."""
    with _locked(root):
        target = root / RELEASES / release_name(build, _after_every_release(root))
        while target.exists():
            target = target.with_name(target.name + "-1")
        staging.rename(target)
        history = _live_history(root, releases(root))
        switch(root, target)
        _write_history(root, [*history, target.name])
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


def _live_history(root: Path, known: list[Release]) -> list[str]:
    """The releases that were live, oldest first, ending with the live one (those still there).

    Read from ``HISTORY``; where it is missing or does not end at the live release
    (published by an older version, or ``current`` switched by hand), the releases
    up to the live one in time order.
    """
    names = {r.name for r in known}
    now = next((r for r in known if r.live), None)
    if now is None:
        return []
    saved = [n for n in _read_history(root) if n in names]
    if now.name in saved:
        saved = saved[: len(saved) - saved[::-1].index(now.name)]
    else:
        saved = [r.name for r in known[: known.index(now) + 1]]
    collapsed = [n for i, n in enumerate(saved) if i == 0 or saved[i - 1] != n]
    return collapsed


def rollback(root: Path) -> Release:
    """Make the release that was live before the live one live again (of the same audience)."""
    if not (root / RELEASES).is_dir():
        raise PublishError(f"{root} 还没有发布过")
    with _locked(root):
        known = releases(root)
        now = next((r for r in known if r.live), None)
        if now is None:
            raise PublishError(f"{root} 还没有发布过")
        by_name = {r.name: r for r in known}
        history = _live_history(root, known)[:-1]
        while history and (history[-1] == now.name or by_name[history[-1]].audience != now.audience):
            history.pop()
        if not history:
            raise PublishError("没有更早的版本可以回退")
        target = by_name[history[-1]]
        switch(root, target.path)
        _write_history(root, history)
    return target
