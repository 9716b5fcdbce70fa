"""Replacing a file so that no reader ever sees half of it: the board's one atomic write.

Branch files, the approval log, exported workbooks, PDFs, the search index and
cached archives are all written the same way: beside the file first, flushed
to disk, given the mode the old file had (a publish timer running as another
user must still read a branch file the clerk's import rewrote), then renamed
over it in one step.  A failure, or Ctrl-C, leaves the old file as it was.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path


def mode_for(path: Path) -> int:
    """The permissions a rewritten ``path`` keeps: its own, or a new file's (umask applied).

    The temporary file is private (``mkstemp``: 0600); renamed over a file as it
    is, it would lock out everyone else who read that file.
    """
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def replacing(path: Path, mode: int | None = None) -> Iterator[Path]:
    """A new empty file beside ``path``; what the block writes there replaces ``path`` when it ends without error.

    For writers that want a path of their own (a workbook's ``save``, a
    browser's ``--print-to-pdf``).  ``mode``: the replacement's permissions
    (default: ``path``'s own, see ``mode_for``).
    """
    path = Path(path).absolute()
    temp = _new_beside(path)
    try:
        yield temp
        _settle(temp, mode_for(path) if mode is None else mode)
        os.replace(temp, path)
        _sync_folder(path.parent)
    finally:
        temp.unlink(missing_ok=True)


def written_beside(path: Path, data: bytes) -> Path:
    """``data`` in a new file beside ``path``, on disk and with ``path``'s mode, for the caller to rename over it.

    For a change of several files that must all be ready before any is renamed
    (``office.transaction``); on failure nothing is left behind.
    """
    temp = _new_beside(Path(path).absolute())
    try:
        temp.write_bytes(data)
        _settle(temp, mode_for(path))
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _new_beside(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    return Path(name)


def _settle(temp: Path, mode: int) -> None:
    """The written file gets its final mode and is on disk before anything is renamed over the old one."""
    with temp.open("rb+") as written:
        os.fchmod(written.fileno(), mode)
        os.fsync(written.fileno())


def write_atomic(path: Path, data: str | bytes, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` (text as UTF-8 with ``\\n`` line ends) in one step, keeping its mode."""
    with replacing(path, mode) as temp:
        if isinstance(data, str):
            with temp.open("w", encoding="utf-8", newline="\n") as out:
                out.write(data)
        else:
            temp.write_bytes(data)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (where the file system lets a folder be synced)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
