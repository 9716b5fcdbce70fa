"""Output folders put in place all at once, and never where they would replace something else.

A build writes into a temporary sibling folder (same file system, so rename
is atomic).  Only when it succeeded is the folder swapped in; a failed,
interrupted or out-of-space build leaves the previous output untouched.
``check_output`` refuses, before anything is written, an output that would
replace or land among the inputs, a folder of other files, or a publish root.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
from collections.abc import Iterable, Iterator
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


def remove_stale(target: Path) -> None:
    """Leftovers of builds that were killed (their process is gone)."""
    for leftover in target.parent.glob(f".{target.name}.tmp-*"):
        pid = leftover.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _pid_alive(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)


class OutputError(RuntimeError):
    """An output path that would replace or land among the inputs, in words a clerk can act on."""


MARKER = Path("data") / "build.json"  # every output we write has it: a folder with it is ours to replace
RELEASES = "releases"  # a publish root holds releases/ and the current link (``releases``)
CURRENT = "current"


def publish_root(folder: Path) -> bool:
    """Whether ``folder`` is a publish root (never replaced by a build, only added to by a publish)."""
    return (folder / RELEASES).is_dir() and ((folder / CURRENT).is_symlink() or any((folder / RELEASES).iterdir()))


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
    _refuse_publish_roots(target, resolved, replaces)
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


def _refuse_publish_roots(target: Path, resolved: Path, replaces: str) -> None:
    """A publish root is only ever added to by ``board publish``: never replaced, never written into."""
    if replaces != "root" and publish_root(resolved):
        raise OutputError(f"输出位置 {target} 是发布目录（里面有 releases 和 current）：生成网站会替换掉所有已发布的版本。"
                          f"发布请用 board publish --to {target}；生成预览请换一个位置，例如 site")
    served = _publish_root_around(resolved)
    if served is not None:
        raise OutputError(f"输出位置 {target} 在发布目录 {served} 里面（网站服务器正在用的版本）：不能直接写到这里，"
                          f"发布请用 board publish --to {served}；要生成别的请换一个发布目录以外的位置")


def _publish_root_around(path: Path) -> Path | None:
    """The publish root (``releases/`` and the ``current`` link) that ``path`` is inside of, if any."""
    for folder in path.parents:
        if publish_root(folder):
            return folder
    return None


def _resolved(path: Path) -> Path:
    return Path(os.path.realpath(path.absolute()))


@contextlib.contextmanager
def staged(target: Path) -> Iterator[Path]:
    """A fresh folder beside ``target``; swapped in only if the block succeeds."""
    target = target.absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(target)
    work = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:  # made inside the try: a Ctrl-C right after mkdir still removes it
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        yield work
        swap_in(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---- releases: DIR/releases/<time>-<build>/ and DIR/current → one of them ----------------------
