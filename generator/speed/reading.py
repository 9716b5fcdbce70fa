"""Reading a board's files: each file parsed once, from memory, the disk cache or by a worker.

``Reading.parse(parse, sources)`` gives each file's ``parse(source)`` in order,
reusing results kept in memory (``memory``), else in the disk cache
(``cache``), else parsing, spread over every core when there are many files
(``workers``).  While a reading is open Python's cycle collector is paused;
a big board is then kept out of it (``gc.freeze``) until the next read.
"""

from __future__ import annotations

import functools
import gc
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from generator.speed import cache
from generator.speed.memory import PARSED
from generator.speed.workers import PARALLEL_FROM, parse_all


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
        stored = cache.find(place, [key for key in keys if key not in PARSED])
        results: list[tuple | None] = []
        misses: list[int] = []
        for index, key in enumerate(keys):
            found = PARSED.get(key) or cache.decode(stored.get(key))
            if found is None:
                misses.append(index)
            else:
                PARSED.keep(key, found)
            results.append(found)
        new: list[tuple[str, bytes]] = []
        jobs = [sources[index] for index in misses]
        for done, (index, (result, blob)) in enumerate(zip(misses, parse_all(parse, jobs, place), strict=True), start=1):
            results[index] = PARSED.keep(keys[index], result)
            if blob is not None:
                new.append((keys[index], blob))
            if progress:
                progress(done, len(jobs))
        cache.keep(place, new)
        return results  # type: ignore[return-value]


def before_exit() -> None:
    """The process ends next: keep a big board out of the collector for good.

    Without this the collector walks the whole model once more while Python
    shuts down (a second on a 3,000-branch board).
    """
    if gc.get_freeze_count():  # a big board was read
        gc.freeze()
