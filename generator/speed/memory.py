"""What the board keeps in memory between reads and rebuilds (``mkdocs serve``), keyed by content.

Parse results by ``Source.key``; values made from one branch file
(``remembered``, ``remembered_all``, which keep them in the disk cache too);
rendered fragments of the last build (``Memo``).  Never keyed by which Python
object holds a value: an edit makes a new key, so nothing stale is served.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from generator.speed import cache

MEMORY_ENTRIES = 8192  # parse results kept in memory (a city-wide board, twice)
T = TypeVar("T")


class _Recent(OrderedDict):
    """Values kept in memory, at most ``MEMORY_ENTRIES``: the least recently used go first."""

    def keep(self, key: object, value: T) -> T:
        self[key] = value
        self.move_to_end(key)
        while len(self) > MEMORY_ENTRIES:
            self.popitem(last=False)
        return value


PARSED = _Recent()  # parse results, by ``Source.key``
REMEMBERED = _Recent()  # values made from one branch file (``remembered``, ``remembered_all``)


def forget() -> None:
    """Drop what is kept in memory, as a new process starts (tests of the disk cache start from it): the results,
    and the code version naming the cache folder, read again from the source as a new process reads it."""
    PARSED.clear()
    REMEMBERED.clear()
    cache.code_version.cache_clear()


def remembered(key: tuple, make: Callable[[], T]) -> T:
    """``make()``, or the value it gave for the same ``key`` before (``mkdocs serve`` rebuilds).

    ``key`` names everything the value depends on, by content (a branch's
    ``Branch.key``, the audience, a URL), never by which object holds it; a key
    with an empty part (a branch not read from a file) is not kept.
    """
    if not all(key):
        return make()
    return REMEMBERED.keep(key, REMEMBERED[key] if key in REMEMBERED else make())


def remembered_all(kind: str, keys: list[str], make: Callable[[int], T]) -> list[T]:
    """For each of ``keys``, ``make(index)``, or the value it gave for that key before: from
    memory (serve rebuilds), else from the disk cache (``cache``, one lookup for all), else made
    now and kept in both.  ``kind`` names what is made; a key names everything its value depends
    on, by content (a branch's ``Branch.key`` and the audience); an empty key is never kept."""
    names = [cache.key(kind, key, b"") if key else "" for key in keys]
    found: list[object] = [REMEMBERED.get((kind, name), _MISSING) if name else _MISSING for name in names]
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
        found[index] = REMEMBERED.keep((kind, name), value) if name else value
    cache.keep(place, new)
    return found  # type: ignore[return-value]


_MISSING = object()


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
