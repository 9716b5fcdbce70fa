"""Everything that only makes the board faster, behind one small interface.

None of it changes a result; switch any part off and the output is the same.

- ``Reading`` (``reading``): a board is read through it.  ``Reading.parse(parse, sources)``
  gives each file's ``parse(source)`` in order, reusing results kept in memory
  (``mkdocs serve`` rebuilds), else in the disk cache (``cache``), else parsing,
  spread over every core when there are many files.  While it is open Python's
  cycle collector is paused; a big board is then kept out of it (``gc.freeze``)
  until the next read.
- ``Memo`` (``memory``): what was rendered from each branch, kept between serve rebuilds.
- ``remembered(key, make)`` (``memory``): a value made from one branch file (its search
  entries), kept in memory by what it is made from, so a serve rebuild makes
  it again only for the file that changed; ``remembered_all`` does the same for
  many at once and keeps them in the disk cache too (approval prints).
- ``beside(make, worth_it)`` (``workers``): ``make()`` in a forked process on the second
  core while the caller goes on (a big board's ledger, printed board and
  search index are made beside its branch pages and MkDocs' work).

What is kept is keyed by content: a file's results by its bytes and shown path
(``Source.key``), a branch's fragments and values by that key of its file, never
by which Python object holds them.
"""

from generator.speed.memory import MEMORY_ENTRIES, Memo, forget, remembered, remembered_all
from generator.speed.reading import Parse, Reading, Source, before_exit
from generator.speed.workers import BIG_BOARD, PARALLEL_FROM, beside

__all__ = ["BIG_BOARD", "MEMORY_ENTRIES", "PARALLEL_FROM", "Memo", "Parse", "Reading", "Source", "before_exit", "beside",
           "forget", "remembered", "remembered_all"]
