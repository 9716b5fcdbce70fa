"""Everything that only makes the board faster, behind one small interface.

None of it changes a result; switch any part off and the output is the same.

- ``Reading``: a board is read through it.  ``Reading.parse(parse, sources)``
  gives each file's ``parse(source)`` in order, reusing results kept in memory
  (``mkdocs serve`` rebuilds), else in the disk cache (``cache``), else parsing,
  spread over every core when there are many files.  While it is open Python's
  cycle collector is paused; a big board is then kept out of it (``gc.freeze``)
  until the next read.
- ``Memo``: what was rendered from each branch, kept between serve rebuilds.
- ``remembered(key, make)``: a value made from one branch file (its search
  entries), kept in memory by what it is made from, so a serve rebuild makes
  it again only for the file that changed; ``remembered_all`` does the same for
  many at once and keeps them in the disk cache too (approval prints).
- ``beside(make, worth_it)``: ``make()`` in a forked process on the second
  core while the caller goes on (a big board's ledger, printed board and
  search index are made beside its branch pages and MkDocs' work).

What is kept is keyed by content: a file's results by its bytes and shown path
(``Source.key``), a branch's fragments and values by that key of its file, never
by which Python object holds them.
"""

from __future__ import annotations

import concurrent.futures
import functools
import gc
import hashlib
import multiprocessing
import multiprocessing.connection
import os
import pickle
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from generator.speed import cache

PARALLEL_FROM = 200  # files: below this, starting worker processes costs more than it saves
BIG_BOARD = 200  # branches: from here work done ``beside`` the build saves more than forking costs
MEMORY_ENTRIES = 8192  # parse results kept in memory (a city-wide board, twice)
T = TypeVar("T")


@dataclass(frozen=True)
class Source:
    """One file's bytes as read, and where it was read from."""

    path: Path
    shown: str  # the path as messages show it
    data: bytes

    @functools.cached_property
    def digest(self) -> bytes:
        """A hash of the bytes: the same bytes, the same content."""
        return hashlib.blake2b(self.data, digest_size=16).digest()

    def key(self, kind: str) -> str:
        """What this file parses into with parser ``kind``: its bytes and shown path."""
        return cache.key(kind, self.shown, self.digest)


Parse = Callable[[Source], tuple]  # a module-level function (it may run in a worker process)

class _Recent(OrderedDict):
    """Values kept in memory, at most ``MEMORY_ENTRIES``: the least recently used go first."""

    def keep(self, key: object, value: T) -> T:
        self[key] = value
        self.move_to_end(key)
        while len(self) > MEMORY_ENTRIES:
            self.popitem(last=False)
        return value


_MEMORY = _Recent()  # parse results, by ``Source.key``
_REMEMBERED = _Recent()  # values made from one branch file (``remembered``, ``remembered_all``)


def forget() -> None:
    """Drop the results kept in memory (tests of the disk cache start from it)."""
    _MEMORY.clear()
    _REMEMBERED.clear()


class Reading:
    """One read of a board: ``with Reading() as reading: reading.parse(...)``."""

    def __init__(self) -> None:
        self.files = 0
        self._was_enabled = gc.isenabled()

    def __enter__(self) -> Reading:
        """Pause the cycle collector: reading makes hundreds of thousands of small objects that
        all survive, so it would walk them again and again (half the time of reading a
        3,000-branch board from the cache) to find nothing; the model has no cycles."""
        if gc.get_freeze_count():  # a big board read before (mkdocs serve): let it be collected now
            gc.unfreeze()
            gc.collect()
        gc.disable()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        """Keep a big board out of the collector's walks (``gc.freeze``).

        Re-enabling the collector is not enough: the first full collection after
        reading walks every object just made, 0.6 s at 3,000 branches, to free
        nothing.  Frozen objects are still freed when no longer used; the next read
        unfreezes them, so a long ``mkdocs serve`` keeps nothing frozen longer than
        one rebuild.  Small boards are left as they are.
        """
        if self.files >= PARALLEL_FROM:
            gc.freeze()
        if self._was_enabled:
            gc.enable()

    def parse(self, parse: Parse, sources: list[Source],
              progress: Callable[[int, int], None] | None = None) -> list[tuple]:
        """``parse(source)`` for each source, in order; ``progress(done, total)`` as files are parsed."""
        self.files += len(sources)
        place = cache.folder()
        keys = [source.key(parse.__name__) for source in sources]
        stored = cache.find(place, [key for key in keys if key not in _MEMORY])
        results: list[tuple | None] = []
        misses: list[int] = []
        for index, key in enumerate(keys):
            found = _MEMORY.get(key) or cache.decode(stored.get(key))
            if found is None:
                misses.append(index)
            else:
                _MEMORY.keep(key, found)
            results.append(found)
        new: list[tuple[str, bytes]] = []
        jobs = [sources[index] for index in misses]
        for done, (index, (result, blob)) in enumerate(zip(misses, _run(parse, jobs, place), strict=True), start=1):
            results[index] = _MEMORY.keep(keys[index], result)
            if blob is not None:
                new.append((keys[index], blob))
            if progress:
                progress(done, len(jobs))
        cache.keep(place, new)
        return results  # type: ignore[return-value]


def _pickled(job: tuple[Parse, Source]) -> bytes:
    """One parse in a worker, pickled once: the bytes it sends are the bytes the parent stores."""
    parse, source = job
    return cache.encode(parse(source))


def _run(parse: Parse, sources: list[Source], place: Path | None) -> Iterator[tuple[tuple, bytes | None]]:
    """Each source's result and, when there is a cache to keep it in, its pickle."""
    workers = min(os.cpu_count() or 1, 8)
    if len(sources) < PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for source in sources:
            result = parse(source)
            yield result, (cache.encode(result) if place is not None else None)
        return
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        chunks = max(1, len(sources) // (workers * 8))
        for blob in pool.map(_pickled, [(parse, source) for source in sources], chunksize=chunks):
            yield pickle.loads(blob), blob


def before_exit() -> None:
    """The process ends next: keep a big board out of the collector for good.

    Without this the collector walks the whole model once more while Python
    shuts down (a second on a 3,000-branch board).
    """
    if gc.get_freeze_count():  # a big board was read
        gc.freeze()


def remembered(key: tuple, make: Callable[[], T]) -> T:
    """``make()``, or the value it gave for the same ``key`` before (``mkdocs serve`` rebuilds).

    ``key`` names everything the value depends on, by content (a branch's
    ``Branch.key``, the audience, a URL), never by which object holds it; a key
    with an empty part (a branch not read from a file) is not kept.
    """
    if not all(key):
        return make()
    return _REMEMBERED.keep(key, _REMEMBERED[key] if key in _REMEMBERED else make())


def remembered_all(kind: str, keys: list[str], make: Callable[[int], T]) -> list[T]:
    """For each of ``keys``, ``make(index)``, or the value it gave for that key before: from
    memory (serve rebuilds), else from the disk cache (``cache``, one lookup for all), else made
    now and kept in both.  ``kind`` names what is made; a key names everything its value depends
    on, by content (a branch's ``Branch.key`` and the audience); an empty key is never kept."""
    names = [cache.key(kind, key, b"") if key else "" for key in keys]
    found: list[object] = [_REMEMBERED.get((kind, name), _MISSING) if name else _MISSING for name in names]
    place = cache.folder()
    asked = [name for name, value in zip(names, found, strict=True) if name and value is _MISSING]
    stored = cache.find(place, asked) if asked else {}
    new: list[tuple[str, bytes]] = []
    for index, name in enumerate(names):
        value = found[index]
        if value is _MISSING and name in stored:
            value = cache.decode(stored[name])  # None when damaged
        if value is _MISSING or value is None:
            value = make(index)
            if name:
                new.append((name, cache.encode(value)))
        found[index] = _REMEMBERED.keep((kind, name), value) if name else value
    cache.keep(place, new)
    return found  # type: ignore[return-value]


_MISSING = object()


def beside(make: Callable[[], T], worth_it: bool = True) -> Callable[[], T]:
    """Start ``make()`` in a forked process; the returned function waits for its value.

    The caller goes on with its own work meanwhile, so one build uses both
    cores.  The child inherits everything (nothing is pickled on the way in;
    the value is pickled once on the way back) and any exception it raises is
    raised again by the returned function.  When not ``worth_it``, on one core
    or without fork, ``make`` runs when its value is asked for: the same value.
    """
    if not worth_it or (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return make
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_make_and_send, args=(make, send), daemon=True)
    child.start()
    send.close()

    def value() -> T:
        try:
            data = receive.recv_bytes()
        except EOFError:  # the child died before sending (killed, out of memory)
            data = b""
        finally:
            receive.close()
            child.join()
        if not data:
            raise RuntimeError(f"a worker process ended without a result (exit code {child.exitcode})")
        ok, result = pickle.loads(data)
        if not ok:
            raise result
        return result

    return value


def _make_and_send(make: Callable[[], object], send: multiprocessing.connection.Connection) -> None:
    """The forked child's whole life: make the value, send it (or the exception) back."""
    gc.disable()  # short-lived: nothing it makes is garbage before it ends
    try:
        message = (True, make())
    except BaseException as error:  # noqa: BLE001 - handed to the parent, which raises it
        message = (False, error)
    try:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as error:  # noqa: BLE001 - an exception that cannot be pickled: its text then
        data = pickle.dumps((False, RuntimeError(repr(message[1] if not message[0] else error))))
    send.send_bytes(data)
    send.close()


class Memo:
    """What was rendered from each branch, kept between ``mkdocs serve`` rebuilds.

    A fragment is reused when its key is the same: the caller puts in it
    everything the fragment depends on (the branch's file key, the template's
    source, the date, the audience, where the page sits).  So after one edit
    one branch in fifty is rendered again, not all of them.  Only the last
    build's fragments are kept; one-off builds use no memo.
    """

    def __init__(self) -> None:
        self._last: dict[tuple, object] = {}
        self._now: dict[tuple, object] = {}

    def fragment(self, key: tuple, render: Callable[[], object]) -> object:
        """``render()``'s value, reused when the last build rendered the same ``key``."""
        value = self._last[key] if key in self._last else render()
        self._now[key] = value
        return value

    def finish(self) -> None:
        """This build's fragments are the ones the next build may reuse."""
        self._last, self._now = self._now, {}
