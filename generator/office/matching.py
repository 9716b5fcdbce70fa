"""Which item of the branch file a sheet row stands for: by its problem text, then by its 序号.

Offices delete rows and renumber, and edit wording (words added or trimmed), so an id
alone would hand one item's audience and fields to another.  A row is that item when its
problem text is the item's, or contains it, or is nearly the same; a row whose match is
uncertain (half-similar text, or only the same 序号 as a 党内 item) is asked about, and
with nobody to ask it stays unresolved: the import refuses rather than guess.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from generator.content.model import Audience, Item

SURE = 0.8  # similarity from which a row is the item
MAYBE = 0.6  # similarity from which it may be: ask (different problems share phrases such as 不够深入)
PARTY_MAYBE = 0.5  # the same for a 党内 item: one question too many rather than a 党内 text published
_NOISE = re.compile(r"[\s\W_]+")


@dataclass
class Matches:
    """For each sheet row, the index of the file's item it is (None: a new item), and the questions left open."""

    rows: list[int | None]
    unresolved: list[str] = field(default_factory=list)


def _plain(problem: str) -> str:
    return _NOISE.sub("", problem)


def similarity(a: str, b: str) -> float:
    """1 for the same text; 0.9 when one contains the other (words added or trimmed); else difflib's ratio."""
    a, b = _plain(a), _plain(b)
    if a == b:
        return 1.0
    if a and b and (a in b or b in a) and min(len(a), len(b)) >= max(4, max(len(a), len(b)) // 3):
        return 0.9
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def match(rows: list[tuple[str, str]], old: tuple[Item, ...], ask: Callable[[str], bool] | None,
          where: Callable[[int], str], *, unsure_matters: bool = True) -> Matches:
    """``rows`` are (id, problem) of the sheet's items; ``where(i)`` names row i for a question.

    ``unsure_matters``: False when the sheet gives every field, 公开范围 included (an export read back): an
    uncertain row is then a new item and the unmatched one removed, which loses and leaks nothing, so no one is asked.
    """
    result = Matches([None] * len(rows))
    maybe = _pair(rows, old, result.rows)
    taken = {o for o in result.rows if o is not None}
    for r, (item_id, _) in enumerate(rows):  # the same 序号 as a 党内 item, the text unlike it: may be it, reworded
        same = next((o for o, item in enumerate(old) if item.id == item_id), None)
        if (result.rows[r] is None and same is not None and same not in taken and old[same].audience is Audience.PARTY
                and all(m[0] != r and m[1] != same for m in maybe)):
            maybe.append((r, same))
    for r, o in maybe if unsure_matters else ():
        question = (f"{where(r)}“{rows[r][1][:30]}”是原有事项 {old[o].id}（{old[o].audience.label}）"
                    f"“{old[o].problem[:30]}”改写后的吗？")
        if ask is None:
            result.unresolved.append(question)
        elif ask(question):
            result.rows[r] = o
    return result


def _pair(rows: list[tuple[str, str]], old: tuple[Item, ...], matched: list[int | None]) -> list[tuple[int, int]]:
    """Fill ``matched`` with the sure pairs, most similar first; return the uncertain ones.

    A 党内 item is asked about from a lower similarity (``PARTY_MAYBE``): were it taken for removed and the row
    for new, its reworded text would turn public.
    """
    scores = sorted(((similarity(problem, item.problem), r, o) for r, (_, problem) in enumerate(rows)
                     for o, item in enumerate(old)), reverse=True)
    taken: set[int] = set()
    maybe: list[tuple[int, int]] = []
    for score, r, o in scores:
        floor = PARTY_MAYBE if old[o].audience is Audience.PARTY else MAYBE
        if score < floor or matched[r] is not None or o in taken or any(r == m[0] or o == m[1] for m in maybe):
            continue
        if score >= SURE:
            matched[r] = o
            taken.add(o)
        else:
            maybe.append((r, o))
    return maybe
