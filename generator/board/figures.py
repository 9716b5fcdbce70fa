"""The figures of a board: one definition, used by pages, screen and summary.json.

Percentages are computed on integers (tenths of a percent) so that rounding is
exact and the same everywhere: grade shares by largest remainder (they add up
to 100.0), rates half up.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from generator.content import audience as audiences
from generator.content import schema
from generator.content.model import (
    Audience,
    Board,
    Branch,
    Content,
    DeadlineKind,
    Evaluation,
    Item,
    Kind,
    Person,
    PersonalItem,
    Status,
)
from generator.content.schema import COUNTS, GRADES, ITEM_COUNTS, PEOPLE_COUNT_LABELS

__all__ = ["COUNTS", "GRADES", "ITEM_COUNTS", "PEOPLE_COUNT_LABELS"]  # declared in ``schema``, used from here by the board's modules


def rate(part: int, whole: int) -> float | None:
    """``part / whole`` in percent, one decimal, rounded half up; None if whole is 0."""
    if whole <= 0:
        return None
    tenths = (part * 2000 + whole) // (2 * whole)
    return tenths / 10


def grade_shares(counts: dict[str, int]) -> dict[str, float] | None:
    """Shares of ``rated`` per grade, one decimal, by largest remainder (sum 100.0)."""
    rated = sum(counts[g] for g in GRADES)
    if rated <= 0:
        return None
    exact = {g: counts[g] * 1000 for g in GRADES}
    tenths = {g: exact[g] // rated for g in GRADES}
    left = 1000 - sum(tenths.values())
    by_remainder = sorted(GRADES, key=lambda g: (-(exact[g] % rated), GRADES.index(g)))
    for grade in by_remainder[:left]:
        tenths[grade] += 1
    return {g: tenths[g] / 10 for g in GRADES}


def is_overdue(item: Item, as_of: dt.date) -> bool:
    """Not finished, and its (dated) deadline lies before the as-of date."""
    return (
        item.status in (Status.NOT_STARTED, Status.IN_PROGRESS)
        and item.deadline.kind is DeadlineKind.DATE
        and item.deadline.date is not None
        and item.deadline.date < as_of
    )


def visible(item: Item, audience: Audience) -> bool:
    """A public build shows only 公开 items; a party build shows all (``content.audience``)."""
    return audiences.visible(item, schema.ITEM, audience)


@dataclass(frozen=True)
class EvaluationFigures:
    counts: dict[str, int]
    opinions: int
    participation_rate: float | None
    shares: dict[str, float] | None

    @property
    def full_members(self) -> int:
        """正式党员: members who are not probationary."""
        return self.counts["members"] - self.counts["probationary"]


def evaluation_figures(counts: dict[str, int], opinions: int) -> EvaluationFigures:
    return EvaluationFigures(
        counts=counts,
        opinions=opinions,
        participation_rate=rate(counts["participants"], counts["members"]),
        shares=grade_shares(counts),
    )


def _counts_of(evaluation: Evaluation) -> dict[str, int]:
    return {key: getattr(evaluation, key) for key in COUNTS}


class _Progress:
    """What every ``ItemCounts`` says beyond its six counts."""

    @property
    def finished(self) -> int:
        return sum(getattr(self, status.key) for status in Status if status.finished)

    @property
    def completion_rate(self) -> float | None:
        """Share of items done or closed, for progress bars."""
        return rate(self.finished, self.total)

    def as_dict(self) -> dict[str, int]:
        """The six counts by name (``schema.ITEM_COUNTS``), as ``summary.json`` has them."""
        return {name: getattr(self, name) for name in ITEM_COUNTS}


# How many items: ``total``, one count per status (by its key), ``overdue``.
ItemCounts = dataclasses.make_dataclass("ItemCounts", [(name, int) for name in ITEM_COUNTS], bases=(_Progress,),
                                        frozen=True)
ItemCounts.__module__ = __name__


def item_counts(items: tuple[Item | PersonalItem, ...], overdue: frozenset[str]) -> ItemCounts:
    by_status = {status.key: 0 for status in Status}
    for item in items:
        by_status[item.status.key] += 1
    return ItemCounts(total=len(items), **by_status, overdue=sum(1 for item in items if item.id in overdue))


@dataclass(frozen=True)
class CarriedCounts:
    """Items continued from the previous period (``carried_from``), by where they stand now."""

    total: int
    done: int
    closed: int
    open: int


def carried_counts(items: tuple[Item, ...]) -> CarriedCounts:
    carried = [item for item in items if item.carried_from is not None]
    done = sum(1 for item in carried if item.status is Status.DONE)
    closed = sum(1 for item in carried if item.status is Status.CLOSED)
    return CarriedCounts(len(carried), done, closed, len(carried) - done - closed)


@dataclass(frozen=True)
class PersonFigures:
    """One person as the audience sees them, with their own items' counts."""

    person: Person
    counts: ItemCounts
    overdue: frozenset[str]  # the ids of their overdue items (unique within the person)
    numbers: dict[str, str] = field(default_factory=dict, compare=False)  # item id → 序号 shown

    @property
    def items(self) -> tuple[PersonalItem, ...]:
        return self.person.items

    def is_overdue(self, item: PersonalItem) -> bool:
        return item.id in self.overdue

    def number(self, item: PersonalItem) -> str:
        """The 序号 this audience sees: a person's list is filtered item by item (党内 unless marked 公开), so a
        public list is numbered 01, 02 … as shown, like a branch's (``shown_numbers``)."""
        return self.numbers.get(item.id, item.id)


@dataclass(frozen=True)
class PeopleCounts:
    """承诺公示 in figures: people shown, how many pledged, how many reported fulfilment, and their own items."""

    people: int
    pledges: int
    fulfilled: int
    items: ItemCounts

    def as_dict(self) -> dict:
        """As ``summary.json`` has them: the three counts by name and ``rectifications`` (the six item counts)."""
        return {**{name: getattr(self, name) for name in PEOPLE_COUNT_LABELS}, "rectifications": self.items.as_dict()}


def people_counts(people: tuple[PersonFigures, ...]) -> PeopleCounts:
    return PeopleCounts(
        people=len(people),
        pledges=sum(1 for p in people if p.person.pledge),
        fulfilled=sum(1 for p in people if p.person.fulfilled),
        items=_summed([p.counts for p in people]),
    )


def _summed(counts: list[ItemCounts]) -> ItemCounts:
    return ItemCounts(**{name: sum(getattr(c, name) for c in counts) for name in ITEM_COUNTS})


def person_figures(person: Person, audience: Audience, as_of: dt.date) -> PersonFigures:
    overdue = frozenset(item.id for item in person.items if is_overdue(item, as_of))
    numbers = {} if audience is Audience.PARTY else {i.id: f"{n:02d}" for n, i in enumerate(person.items, start=1)}
    return PersonFigures(person, item_counts(person.items, overdue), overdue, numbers)


@dataclass(frozen=True)
class BranchFigures:
    branch: Branch  # as the audience sees it (``audience.shown``): nothing hidden is left in it
    evaluation: EvaluationFigures | None
    items: tuple[Item, ...]
    counts: ItemCounts
    overdue: frozenset[str]  # the ids of the overdue items (unique within a branch)
    carried: CarriedCounts
    people: tuple[PersonFigures, ...] = ()
    people_counts: PeopleCounts | None = None
    numbers: dict[str, str] = field(default_factory=dict, compare=False)  # item id → 序号 shown (``shown_numbers``)

    def is_overdue(self, item: Item) -> bool:
        return item.id in self.overdue

    def number(self, item: Item) -> str:
        """The 序号 this audience sees for the item (pages, print, screen, article, change log)."""
        return self.numbers.get(item.id, item.id)


@dataclass(frozen=True)
class Figures:
    board: Board
    as_of: dt.date
    audience: Audience
    branches: tuple[BranchFigures, ...]
    evaluation: EvaluationFigures
    counts: ItemCounts
    branch_count: int
    temporary_count: int
    evaluated_count: int
    carried: CarriedCounts
    previous: Board | None  # the previous period's board (``board.yml`` ``previous``), if any
    people: PeopleCounts | None = None  # pledges and personal items, counted apart from the branches' lists


def shown_numbers(items: tuple[Item, ...], audience: Audience) -> dict[str, str]:
    """序号 as each audience reads them: the public list is numbered 01, 02, 03 … in the order it is shown,
    so a gap never betrays a 党内 item between; the party list, which hides nothing, keeps the file's ids."""
    if audience is Audience.PARTY:
        return {}
    shown = [i for i in items if i.carried_from] + [i for i in items if not i.carried_from]  # the page's order
    return {item.id: f"{n:02d}" for n, item in enumerate(shown, start=1)}


def branch_figures(branch: Branch, audience: Audience, as_of: dt.date) -> BranchFigures:
    branch = audiences.shown(branch, schema.BRANCH, audience)
    items = branch.items
    overdue = frozenset(item.id for item in items if is_overdue(item, as_of))
    evaluation = None
    if branch.evaluation is not None:
        evaluation = evaluation_figures(_counts_of(branch.evaluation), branch.evaluation.opinions or 0)
    people = tuple(person_figures(person, audience, as_of) for person in branch.people)
    return BranchFigures(branch, evaluation, items, item_counts(items, overdue), overdue, carried_counts(items),
                         people, people_counts(people), shown_numbers(items, audience))


def compute(content: Content, audience: Audience, as_of: dt.date) -> Figures:
    """All figures of a board for one audience and as-of date."""
    branches = tuple(branch_figures(b, audience, as_of) for b in content.branches)
    evaluated = [bf.evaluation for bf in branches if bf.evaluation is not None]
    totals = {key: sum(e.counts[key] for e in evaluated) for key in COUNTS}
    counts = _summed([bf.counts for bf in branches])
    everyone = tuple(p for bf in branches for p in bf.people)
    return Figures(
        board=content.board,
        as_of=as_of,
        audience=audience,
        branches=branches,
        evaluation=evaluation_figures(totals, sum(e.opinions for e in evaluated)),
        counts=counts,
        branch_count=sum(1 for b in content.branches if b.kind is Kind.BRANCH),
        temporary_count=sum(1 for b in content.branches if b.kind is Kind.TEMPORARY),
        evaluated_count=len(evaluated),
        carried=CarriedCounts(**{
            field: sum(getattr(bf.carried, field) for bf in branches) for field in ("total", "done", "closed", "open")
        }),
        previous=content.previous.board if content.previous else None,
        people=people_counts(everyone),
    )


def ledger(figures: Figures) -> list[tuple[BranchFigures, Item]]:
    """Every visible item of every branch: overdue first, then by deadline."""
    open_ended = {DeadlineKind.IMMEDIATE: 0, DeadlineKind.ONGOING: 1}
    rows = [(bf, item) for bf in figures.branches for item in bf.items]

    def key(row: tuple[BranchFigures, Item]) -> tuple:
        bf, item = row
        deadline = item.deadline
        when = (0, deadline.date, 0) if deadline.date else (1, dt.date.max, open_ended[deadline.kind])
        return (not bf.is_overdue(item), *when)

    return sorted(rows, key=key)


def overdue_public(figures: Figures) -> list[dict]:
    """The overdue 公开 items, most overdue first: what a roll-up of many boards lists (``board rollup``).

    Public items only, in a party build too: a summary travels to the level above, and
    the wording of a 党内 item stays in its bureau.
    """
    rows = [(bf, item) for bf in figures.branches for item in bf.items
            if bf.is_overdue(item) and item.audience is Audience.PUBLIC]
    rows.sort(key=lambda row: (row[1].deadline.date, row[0].branch.sort_key, row[1].id))
    public = {bf.branch.id: shown_numbers(tuple(i for i in bf.items if i.audience is Audience.PUBLIC), Audience.PUBLIC)
              for bf in figures.branches}  # numbered as the public board shows them
    return [{"branch": bf.branch.id, "branch_name": bf.branch.name, "id": public[bf.branch.id][item.id],
             "problem": item.problem,
             "owner": item.owner, "deadline": item.deadline.date.isoformat(), "status": item.status.key}
            for bf, item in rows]


# ---- summary.json: the figures as data, declared once (DESIGN.md) ---------------------------------------------

@dataclass(frozen=True)
class Figure:
    """One key of ``summary.json``: how its value is had from the figures it describes (a board's, a branch's …).

    ``count``: a whole number a reader of the file (``upward.sources``) may check as one.
    """

    key: str
    of: Callable[[Any], object]
    count: bool = False


def _data(figures: tuple[Figure, ...], source: Any) -> dict:
    """``source`` as the declared ``figures`` say, in their order."""
    return {figure.key: figure.of(source) for figure in figures}


def _evaluation_count(key: str) -> Figure:
    return Figure(key, lambda ev: ev.counts[key], count=True)


# An evaluation (a branch's, or the board's totals): the eight counts, then the rates.
EVALUATION_COUNTS = tuple(_evaluation_count(key) for key in COUNTS)
EVALUATION_RATES = (Figure("participation_rate", lambda ev: ev.participation_rate), Figure("shares", lambda ev: ev.shares))


def _of_evaluation(figure: Figure) -> Figure:
    """An evaluation figure read from the board's figures (its totals)."""
    return Figure(figure.key, lambda f: figure.of(f.evaluation), figure.count)


SUMMARY_TOTALS = (
    Figure("branches", lambda f: f.branch_count, count=True),
    Figure("temporary_branches", lambda f: f.temporary_count, count=True),
    *(_of_evaluation(figure) for figure in EVALUATION_COUNTS),
    Figure("opinions", lambda f: f.evaluation.opinions, count=True),
    *(_of_evaluation(figure) for figure in EVALUATION_RATES),
    Figure("rectifications", lambda f: f.counts.as_dict()),
    Figure("people", lambda f: f.people.as_dict()),
)
SUMMARY_COUNTS = tuple(figure.key for figure in SUMMARY_TOTALS if figure.count)  # what a roll-up checks are whole numbers

SUMMARY_BRANCH = (
    Figure("id", lambda bf: bf.branch.id),
    Figure("name", lambda bf: bf.branch.name),
    Figure("kind", lambda bf: bf.branch.kind.key),
    Figure("evaluation", lambda bf: _data((*EVALUATION_COUNTS, *EVALUATION_RATES), bf.evaluation) if bf.evaluation else None),
    Figure("rectifications", lambda bf: bf.counts.as_dict()),
    Figure("people", lambda bf: bf.people_counts.as_dict()),
    Figure("carried", lambda bf: asdict(bf.carried)),
)

SUMMARY = (
    Figure("organization", lambda f: f.board.organization),
    Figure("period", lambda f: f.board.period),
    Figure("as_of", lambda f: f.as_of.isoformat()),
    Figure("audience", lambda f: f.audience.key),
    Figure("totals", lambda f: _data(SUMMARY_TOTALS, f)),
    Figure("previous", lambda f: f.previous.period_id if f.previous else None),
    Figure("carried", lambda f: asdict(f.carried)),
    Figure("branches", lambda f: [_data(SUMMARY_BRANCH, bf) for bf in f.branches]),
    Figure("overdue_items", overdue_public),
)


def summary(figures: Figures) -> dict:
    """The figures as data: the keys of ``/data/summary.json`` (DESIGN.md), as ``SUMMARY`` declares them."""
    return _data(SUMMARY, figures)
