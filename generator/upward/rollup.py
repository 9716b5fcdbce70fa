"""The city's board of boards: many bureaus' summaries merged into one set of figures (pure).

Every rate and share is computed again from the counts with the board's own
definitions (``figures.rate``, ``figures.evaluation_figures``), for each bureau and
for the totals; a summary whose own figures differ, or whose parts do not add up to
its totals, is flagged, never corrected.  Flags name the rules the city watches:
优秀 above the ceiling the board checks against, 参与率 under 95%, many overdue items,
figures that do not add up, a period unlike the others', no approval.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from generator.board.checks import DEFAULT_EXCELLENT_CEILING
from generator.board.figures import EvaluationFigures, evaluation_figures, rate
from generator.content.schema import COUNTS, GRADES, ITEM_COUNTS, Status

PARTICIPATION_FLOOR = 95.0  # 参与率 below this is flagged (percent)
OVERDUE_SHARE = 10.0  # overdue items at or above this share of a bureau's items are flagged (percent)
LEDGER_ROWS = 100  # the most overdue items across bureaus that the roll-up lists
OPEN = tuple(s.key for s in Status if not s.finished)
FINISHED = tuple(s.key for s in Status if s.finished)


@dataclass(frozen=True)
class Bureau:
    """One bureau's row: its summary's counts, the figures computed from them, and its flags."""

    source: str  # as the clerk typed it
    link: str  # to the bureau's board: an address, or a path relative to the roll-up's folder
    remote: bool
    organization: str
    period: str
    as_of: str
    branches: int
    temporary_branches: int
    evaluation: EvaluationFigures
    items: dict[str, int]
    approved_by: str  # who approved what its board shows; empty: not approved
    flags: tuple[str, ...]

    @property
    def finished(self) -> int:
        return sum(self.items[key] for key in FINISHED)

    @property
    def open(self) -> int:
        return sum(self.items[key] for key in OPEN)


@dataclass(frozen=True)
class Overdue:
    """One overdue public item in the cross-bureau ledger."""

    bureau: Bureau
    branch_name: str
    id: str
    problem: str
    owner: str
    deadline: dt.date
    status: str
    days: int  # how long past its deadline, as of the bureau's own data date


@dataclass(frozen=True)
class Rollup:
    title: str
    period: str
    audience: str  # public | party
    bureaus: tuple[Bureau, ...]
    evaluation: EvaluationFigures
    branches: int
    temporary_branches: int
    items: dict[str, int]
    ledger: tuple[Overdue, ...]
    overdue_listed: int  # overdue public items in all summaries (the ledger shows the first LEDGER_ROWS)
    missing: tuple[tuple[str, str], ...]  # (source, why) left out under --skip-missing

    @property
    def flagged(self) -> int:
        return sum(1 for b in self.bureaus if b.flags)

    @property
    def finished(self) -> int:
        return sum(self.items[key] for key in FINISHED)


def common_period(summaries: list[dict]) -> str | None:
    """The period most summaries report; None when two periods are equally common (the caller must ask)."""
    counted = Counter(s["period"] for s in summaries).most_common()
    if len(counted) > 1 and counted[0][1] == counted[1][1]:
        return None
    return counted[0][0] if counted else None


def _sum(rows: list[dict], key: str) -> int:
    return sum(row[key] for row in rows)


def _not_adding_up(data: dict) -> list[str]:
    """Where a summary's figures contradict each other (each as a short phrase)."""
    totals, branches = data["totals"], data["branches"]
    found = []
    evaluated = [b["evaluation"] for b in branches if b["evaluation"] is not None]
    wrong = [key for key in COUNTS if _sum(evaluated, key) != totals[key]]
    wrong += [key for key in ITEM_COUNTS if _sum([b["rectifications"] for b in branches], key) != totals["rectifications"][key]]
    if wrong:
        found.append("各支部相加不等于合计（" + "、".join(wrong) + "）")
    kinds = Counter(b["kind"] for b in branches)
    if (kinds["branch"], kinds["temporary"]) != (totals["branches"], totals["temporary_branches"]):
        found.append("支部个数与支部列表不符")
    if sum(totals[g] for g in GRADES) != totals["rated"]:
        found.append("各等次相加不等于参加评定人数")
    if not totals["rated"] <= totals["participants"] <= totals["members"] or totals["probationary"] > totals["members"]:
        found.append("评定、参评、党员人数大小关系不对")
    items = totals["rectifications"]
    if sum(items[s.key] for s in Status) != items["total"] or items["overdue"] > sum(items[k] for k in OPEN):
        found.append("整改事项各状态相加不等于总数")
    return found


def _flags(data: dict, ev: EvaluationFigures, period: str) -> tuple[str, ...]:
    flags = []
    shares = ev.shares
    if shares and shares["excellent"] > DEFAULT_EXCELLENT_CEILING:
        flags.append(f"优秀比例 {shares['excellent']:.1f}%，高于 {DEFAULT_EXCELLENT_CEILING:.1f}%")
    if ev.participation_rate is not None and ev.participation_rate < PARTICIPATION_FLOOR:
        flags.append(f"参与率 {ev.participation_rate:.1f}%，低于 {PARTICIPATION_FLOOR:.0f}%")
    items = data["totals"]["rectifications"]
    overdue_share = rate(items["overdue"], items["total"])
    if items["overdue"] and overdue_share is not None and overdue_share >= OVERDUE_SHARE:
        flags.append(f"逾期 {items['overdue']} 项（占整改事项 {overdue_share:.1f}%）")
    theirs = (data["totals"].get("participation_rate"), data["totals"].get("shares"))
    mismatch = ["比例与人数不符"] if theirs != (ev.participation_rate, ev.shares) else []
    for problem in _not_adding_up(data) + mismatch:
        flags.append(f"数字对不上：{problem}")
    if data["period"] != period:
        flags.append(f"年度为 {data['period']}，与其他单位（{period}）不同")
    if not _approver(data):
        flags.append("未经审核审批")
    return tuple(flags)


def bureau(data: dict, source: str, link: str, remote: bool, period: str) -> Bureau:
    """One summary's row, its figures computed again from its counts."""
    totals = data["totals"]
    ev = evaluation_figures({key: totals[key] for key in COUNTS}, totals["opinions"])
    return Bureau(source, link, remote, data["organization"], data["period"], data["as_of"], totals["branches"],
                  totals["temporary_branches"], ev, {key: totals["rectifications"][key] for key in ITEM_COUNTS},
                  _approver(data), _flags(data, ev, period))


def _approver(data: dict) -> str:
    signed = data.get("approval") or {}
    return str(signed.get("approved_by") or "")


def _overdue(row: Bureau, data: dict) -> list[Overdue]:
    day = dt.date.fromisoformat(data["as_of"])
    found = []
    for item in data.get("overdue_items", []):
        try:
            deadline = dt.date.fromisoformat(str(item["deadline"]))
            found.append(Overdue(row, str(item["branch_name"]), str(item["id"]), str(item["problem"]),
                                 str(item["owner"]), deadline, str(item["status"]), (day - deadline).days))
        except (KeyError, ValueError, TypeError):
            continue  # an item it cannot read is left out of the ledger; its counts still stand
    return found


def combine(read: list[tuple[dict, str, str, bool]], title: str, audience: str, period: str,
            missing: tuple[tuple[str, str], ...] = ()) -> Rollup:
    """The roll-up of ``read``: (summary, source as typed, link to its board, whether the link is an address)."""
    bureaus, ledger = [], []
    for data, source, link, remote in read:
        row = bureau(data, source, link, remote, period)
        bureaus.append(row)
        ledger.extend(_overdue(row, data))
    ledger.sort(key=lambda o: (-o.days, o.deadline, o.bureau.organization, o.branch_name, o.id))
    counts = {key: sum(b.evaluation.counts[key] for b in bureaus) for key in COUNTS}
    return Rollup(
        title=title, period=period, audience=audience, bureaus=tuple(bureaus),
        evaluation=evaluation_figures(counts, sum(b.evaluation.opinions for b in bureaus)),
        branches=sum(b.branches for b in bureaus), temporary_branches=sum(b.temporary_branches for b in bureaus),
        items={key: sum(b.items[key] for b in bureaus) for key in ITEM_COUNTS},
        ledger=tuple(ledger[:LEDGER_ROWS]), overdue_listed=len(ledger), missing=missing,
    )


def as_data(rollup: Rollup) -> dict:
    """The roll-up's figures as data (``data/rollup.json``): what a level further up could read."""
    ev = rollup.evaluation
    return {
        "title": rollup.title, "period": rollup.period, "audience": rollup.audience,
        "totals": {"bureaus": len(rollup.bureaus), "branches": rollup.branches,
                   "temporary_branches": rollup.temporary_branches, **ev.counts, "opinions": ev.opinions,
                   "participation_rate": ev.participation_rate, "shares": ev.shares, "rectifications": rollup.items},
        "bureaus": [{"organization": b.organization, "period": b.period, "as_of": b.as_of, "source": b.source,
                     "flags": list(b.flags)} for b in rollup.bureaus],
        "missing": [{"source": source, "reason": why} for source, why in rollup.missing],
    }
