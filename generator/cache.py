"""What each content file parsed into, kept on disk between runs.

Why: on a city-wide board (3,000 branch files) reading the YAML and building
the model is most of ``board check``, yet between two checks a clerk changes a
handful of files.  Each file's result is stored under a key made of its bytes,
its shown path and the generator's own source, so a changed file, a moved
folder or a new version of the board can never be served a stale result.

Entries are pickles, so the folder is private (created 0700, and ignored when
another user owns it).  A cache that cannot be used is skipped silently: it
only ever makes things faster, never fails a check or a build.

Where: ``$BOARD_CACHE_DIR``, else ``$XDG_CACHE_HOME/disclosure-board``, else
``~/.cache/disclosure-board``.  ``BOARD_CACHE_DIR=off`` turns it off.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import shutil
import sys
import time
from pathlib import Path

ENV = "BOARD_CACHE_DIR"
OFF = "off"
_PREFIX = "v-"  # only folders named so are ever removed (the base may be shared)
KEEP_DAYS = 30  # entries of files not written since are removed when new ones are stored


def key(kind: str, shown: str, digest: bytes) -> str:
    """The entry name for one file's parse result (``digest``: a hash of its bytes)."""
    return hashlib.blake2b(b"\0".join((digest, kind.encode(), shown.encode())), digest_size=20).hexdigest()


@functools.cache
def _code_version() -> str:
    """A hash of the generator's source and the Python version: any change starts a new cache."""
    h = hashlib.blake2b(sys.version.encode(), digest_size=8)
    for source in sorted(Path(__file__).parent.glob("*.py")):
        h.update(source.name.encode() + source.read_bytes())
    return h.hexdigest()


def folder() -> Path | None:
    """This version's cache folder, or None when there is no usable one."""
    chosen = os.environ.get(ENV, "")
    if chosen.lower() == OFF:
        return None
    base = Path(chosen) if chosen else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "disclosure-board"
    here = base / f"{_PREFIX}{_code_version()}"
    try:
        here.mkdir(parents=True, exist_ok=True, mode=0o700)
        status = here.stat()
    except OSError:
        return None
    if hasattr(os, "getuid") and (status.st_uid != os.getuid() or status.st_mode & 0o022):
        return None  # someone else could plant entries
    return here


def load(place: Path | None, name: str) -> bytes | None:
    """A stored entry's bytes, or None."""
    if place is None:
        return None
    try:
        return (place / name).read_bytes()
    except OSError:
        return None


def store(place: Path | None, name: str, blob: bytes) -> None:
    """Write an entry whole or not at all (a reader never sees half of one)."""
    if place is None:
        return
    temporary = place / f".{name}.{os.getpid()}.tmp"
    try:
        temporary.write_bytes(blob)
        os.replace(temporary, place / name)
    except OSError:
        temporary.unlink(missing_ok=True)


def decode(blob: bytes | None) -> object | None:
    """An entry's value, or None for a missing or damaged one."""
    if blob is None:
        return None
    try:
        return pickle.loads(blob)
    except Exception:  # noqa: BLE001 - any damage means "parse again"
        return None


def encode(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def prune(place: Path | None) -> None:
    """Drop other versions' folders and entries not written for ``KEEP_DAYS``."""
    if place is None:
        return
    cutoff = time.time() - KEEP_DAYS * 86400
    try:
        for other in place.parent.iterdir():
            if other != place and other.name.startswith(_PREFIX) and other.is_dir():
                shutil.rmtree(other, ignore_errors=True)
        for entry in os.scandir(place):
            if entry.stat().st_mtime < cutoff:
                os.unlink(entry.path)
    except OSError:
        pass
