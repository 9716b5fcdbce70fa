"""Year after year: the chain of periods, what links across them, and the archive's fixed date.

A board's ``board.yml`` may name the previous period's content (``previous``);
items continued from it carry ``carried_from: "<period id>/<branch id>/<item id>"``.
The current period is built at the site root, every earlier one read-only under
``archive/<id>/``.  This module says, for one audience, which pages link where
across periods; ``pages`` renders them and ``core`` decides what is built.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from dataclasses import dataclass, field

from generator.board.figures import shown_numbers, visible
from generator.content import audience as audiences
from generator.content import schema
from generator.content.model import Audience, Content, Item
from generator.names import item_key

ARCHIVE = "archive"


def chain(content: Content) -> list[Content]:
    """The current period first, then each previous one: the one walk along ``previous``.

    ``load`` refuses a cycle with an error; a chain stops where one would begin,
    so no caller can loop whatever it is handed.
    """
    periods: list[Content] = []
    period: Content | None = content
    while period is not None and all(period is not seen for seen in periods):
        periods.append(period)
        period = period.previous
    return periods


def root(content: Content, current: bool) -> str:
    """Where a period's pages sit, from the site root: ``""`` or ``archive/<id>/``."""
    return "" if current else f"{ARCHIVE}/{content.board.period_id}/"


def item_anchor(item_id: str) -> str:
    """A stable HTML id for an item (its row on the branch page), whatever its 序号 is, one per 序号.

    Other characters are spelled ``.<hex>.``: the closing dot keeps ``(1`` (``.28.1``) and
    ``ʁ`` (``.281.``) apart, and a dot is itself spelled, so no two 序号 share an anchor.
    """
    safe = re.sub(r"[^A-Za-z0-9_-]", lambda m: f".{ord(m.group(0)):x}.", item_id)
    return f"item-{safe}"


def record_anchor(record: schema.Record, number: int) -> str:
    """A stable HTML id for a record without an id of its own (a person): its type and place in its list."""
    return f"{record.name.lower()}-{number}"


def row_anchor(obj: object, record: schema.Record, number: int, shown: str | None = None) -> str:
    """A record's row on the branch page: by the 序号 shown (``shown``) or its id when it has one (items), else by
    its place (``record_anchor``)."""
    return item_anchor(shown or obj.id) if "id" in record else record_anchor(record, number)


def item_path(period_root: str, branch_id: str, item_id: str) -> str:
    """An item's address from the site root: its row on its branch page."""
    return f"{period_root}branches/{branch_id}/#{item_anchor(item_id)}"


@dataclass(frozen=True)
class Period:
    """One period as the period switcher shows it."""

    id: str
    label: str
    root: str
    branches: frozenset[str]
    current: bool


@dataclass(frozen=True)
class Links:
    """What one period's pages link to across periods, for one audience."""

    periods: tuple[Period, ...]  # newest first
    here: Period
    previous: Period | None
    following: Period | None  # the period that continues this one (for an archived period)
    origins: tuple[tuple[str, str], ...] = ()  # carried_from → origin's address (origin visible only)
    successors: tuple[tuple[str, str], ...] = ()  # item key → address of the item that continues it
    _origins: dict[str, str] = field(default_factory=dict, compare=False, hash=False, repr=False)
    _successors: dict[str, str] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        self._origins.update(self.origins)
        self._successors.update(self.successors)

    @functools.cached_property
    def token(self) -> str:
        """A short hash of everything here: part of memo and archive keys."""
        periods = tuple((p.id, p.label, p.root, tuple(sorted(p.branches)), p.current) for p in self.periods)
        same = repr((periods, self.here.id, self.origins, self.successors))  # no set order: same in every process
        return hashlib.blake2b(same.encode(), digest_size=12).hexdigest()

    @property
    def shown(self) -> bool:
        """The switcher appears once there is more than one period."""
        return len(self.periods) > 1

    def switch(self, page: str, branch_id: str | None = None) -> list[tuple[Period, str]]:
        """Each period and where its entry leads: the same page there when it has one, else its overview."""
        targets = []
        for period in self.periods:
            same = page if branch_id is None or branch_id in period.branches else ""
            if page == "changes/" and not period.current:
                same = ""
            targets.append((period, period.root + same))
        return targets

    def origin(self, item: Item) -> str | None:
        """The address of the item ``item`` continues (None when this audience cannot see it)."""
        return self._origins.get(item.carried_from or "")

    def successor(self, branch_id: str, item: Item) -> str | None:
        """The address of the item of the following period that continues ``item``, if any."""
        return self._successors.get(item_key(self.here.id, branch_id, item.id))


def links(content: Content, audience: Audience) -> list[Links]:
    """The cross-period links of every period of the chain, newest first."""
    periods_ = chain(content)
    shown = tuple(
        Period(p.board.period_id, p.board.period, root(p, i == 0), frozenset(b.id for b in p.branches), i == 0)
        for i, p in enumerate(periods_)
    )
    result = []
    numbers = [_numbers(p, audience) for p in periods_]  # rows are anchored by the 序号 the audience reads
    for index, period in enumerate(periods_):
        origins: list[tuple[str, str]] = []
        successors: list[tuple[str, str]] = []
        if index + 1 < len(periods_):
            before = periods_[index + 1]
            seen = {item_key(before.board.period_id, b.id, i.id) for b in before.branches for i in b.items if visible(i, audience)}
            origins = [(i.carried_from, _origin_path(shown[index + 1], i.carried_from, numbers[index + 1]))
                       for b in period.branches for i in b.items
                       if i.carried_from in seen and visible(i, audience)]
        if index > 0:
            after = periods_[index - 1]
            successors = [(i.carried_from, item_path(shown[index - 1].root, b.id, numbers[index - 1][b.id, i.id]))
                          for b in after.branches for i in b.items
                          if i.carried_from and visible(i, audience)]
        result.append(Links(
            shown, shown[index], shown[index + 1] if index + 1 < len(shown) else None,
            shown[index - 1] if index > 0 else None, tuple(sorted(origins)), tuple(sorted(successors)),
        ))
    return result


def _origin_path(period: Period, key: str, numbers: dict[tuple[str, str], str]) -> str:
    _, branch_id, item_id = key.split("/", 2)
    return item_path(period.root, branch_id, numbers[branch_id, item_id])


def _numbers(content: Content, audience: Audience) -> dict[tuple[str, str], str]:
    """(branch id, item id) → the 序号 ``audience`` reads for each item it sees (``figures.shown_numbers``)."""
    found = {}
    for branch in content.branches:
        items = tuple(i for i in branch.items if visible(i, audience))
        shown = shown_numbers(items, audience)
        found.update({(branch.id, i.id): shown.get(i.id, i.id) for i in items})
    return found


def archive_date(content: Content, audience: Audience) -> dt.date:
    """The date an archived period is shown "as of" to ``audience``: the last date it records that they see.

    An archived period never changes, so its pages must not depend on the
    day of the build: overdue marks and "数据截至" use the latest completion,
    meeting or notice date in it (31 December of its year if it records none).
    Only items ``audience`` sees count: a 党内 item's date must not show, or
    move, anything on a public page.
    """
    seen = [audiences.shown(b, schema.BRANCH, audience) for b in content.branches]  # people's own items too
    dates = [item.completed for b in seen for _, item in b.every_item() if item.completed]
    dates += [b.meeting.date for b in content.branches if b.meeting and b.meeting.date]
    if content.board.notice:
        dates.append(content.board.notice.end)
    if dates:
        return max(dates)
    year = re.search(r"(19|20)\d\d", content.board.period)
    return dt.date(int(year.group(0)), 12, 31) if year else dt.date(2000, 1, 1)
