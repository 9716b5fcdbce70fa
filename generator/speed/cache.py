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
``~/.cache/disclosure-board``, in a ``v-<version>`` folder holding one SQLite
file.  ``BOARD_CACHE_DIR=off`` turns it off.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import shutil
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ENV = "BOARD_CACHE_DIR"
OFF = "off"
_PREFIX = "v-"  # only folders named so, and marked as ours, are ever removed (the base may be shared)
MARK = ".disclosure-board-cache"  # in every folder this cache makes: the only ones ``prune`` may remove
_OLD_LAYOUT = frozenset(("entries.sqlite", "entries.sqlite-wal", "entries.sqlite-shm"))  # made before the mark
KEEP_DAYS = 30  # entries of files not written since are removed when new ones are stored
DATABASE = "entries.sqlite"
BATCH = 500  # names per lookup query (SQLite limits the parameters of one statement)


def key(kind: str, shown: str, digest: bytes) -> str:
    """The entry name for one file's parse result (``digest``: a hash of its bytes)."""
    return hashlib.blake2b(b"\0".join((digest, kind.encode(), shown.encode())), digest_size=20).hexdigest()


@functools.cache
def code_version() -> str:
    """A hash of the generator's source and the Python version: any change starts a new cache."""
    h = hashlib.blake2b(sys.version.encode(), digest_size=8)
    package = Path(__file__).parent.parent  # every module of the generator
    for source in sorted(package.rglob("*.py")):
        h.update(str(source.relative_to(package)).encode() + source.read_bytes())
    return h.hexdigest()


def folder() -> Path | None:
    """This version's cache folder, or None when there is no usable one."""
    chosen = os.environ.get(ENV, "")
    if chosen.lower() == OFF:
        return None
    base = Path(chosen) if chosen else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "disclosure-board"
    here = base / f"{_PREFIX}{code_version()}"
    try:
        here.mkdir(parents=True, exist_ok=True, mode=0o700)
        status = here.stat()
    except OSError:
        return None
    with contextlib.suppress(OSError):
        (here / MARK).touch()
    if hasattr(os, "getuid") and (status.st_uid != os.getuid() or status.st_mode & 0o022):
        return None  # someone else could plant entries
    return here


def find(place: Path | None, names: list[str]) -> dict[str, bytes]:
    """The stored entries among ``names`` (missing ones are simply not there)."""
    found: dict[str, bytes] = {}
    with _opened(place) as db:
        if db is None:
            return found
        for start in range(0, len(names), BATCH):
            batch = names[start:start + BATCH]
            marks = ",".join("?" * len(batch))
            found.update(db.execute(f"SELECT name, value FROM entries WHERE name IN ({marks})", batch))
    return found


def keep(place: Path | None, entries: list[tuple[str, bytes]]) -> None:
    """Store new entries in one transaction, dropping those not written for ``KEEP_DAYS``
    and other versions' folders.

    One transaction, not a file per entry: creating 3,000 small files cost more
    than parsing them (2 s of system time here).  A reader sees all of it or none.
    """
    if not entries:
        return
    prune(place)
    now = time.time_ns()
    with _opened(place) as db:
        if db is None:
            return
        with db:  # an error (another board busy writing, a full disk): the next run stores them
            db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)",
                           ((name, now, blob) for name, blob in entries))
            db.execute("DELETE FROM entries WHERE written < ?", (now - KEEP_DAYS * 86400 * 10**9,))


@contextlib.contextmanager
def _opened(place: Path | None) -> Iterator[sqlite3.Connection | None]:
    """The entries database, or None; a damaged one is replaced by an empty one.

    Opened and closed around each use, never held across the fork of parsing
    workers (SQLite forbids using a connection in a forked child).
    """
    db = _connect(place / DATABASE) if place is not None else None
    try:
        yield db
    except sqlite3.Error:
        pass
    finally:
        if db is not None:
            db.close()


_BUSY_PAUSE = 10.0  # seconds a busy database is left alone before it is tried again
_busy_until: dict[Path, float] = {}


def _connect(path: Path) -> sqlite3.Connection | None:
    """An open database with the entries table, or None when it cannot be used now.

    One that stayed busy is not waited for again for ``_BUSY_PAUSE`` seconds: a run
    asks for the cache several times, and each wait costs a second.
    """
    if time.monotonic() < _busy_until.get(path, 0.0):
        return None
    for attempt in range(2):
        try:
            db = sqlite3.connect(path, timeout=1.0)  # a writer holds it for a fraction of that
        except (sqlite3.Error, OSError):
            return None
        try:
            db.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS entries (name TEXT PRIMARY KEY, written INTEGER, value BLOB)")
            return db
        except sqlite3.OperationalError:  # busy for too long, read-only, disk full: no cache this time
            db.close()
            _busy_until[path] = time.monotonic() + _BUSY_PAUSE
            return None
        except sqlite3.DatabaseError:  # not a database (damaged, or another program's file): start over once
            db.close()
            if attempt == 0:
                for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                    leftover.unlink(missing_ok=True)
        except sqlite3.Error:
            db.close()
            return None
    return None


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
    """Drop other versions' folders (their entries can never be used again): only folders this cache made.

    ``BOARD_CACHE_DIR`` may name a folder people keep other things in, a ``v-2025备份`` too: a folder is
    removed only when it has ``MARK``, or holds nothing but the database an earlier version left there.
    """
    if place is None:
        return
    try:
        for other in place.parent.iterdir():
            if other != place and other.name.startswith(_PREFIX) and not other.is_symlink() and _ours(other):
                shutil.rmtree(other, ignore_errors=True)
    except OSError:
        pass


def _ours(folder: Path) -> bool:
    if (folder / MARK).is_file():
        return True
    try:
        return folder.is_dir() and {p.name for p in folder.iterdir()} <= _OLD_LAYOUT
    except OSError:
        return False
