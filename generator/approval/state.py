"""Where one audience's content stands in the review and approval steps, and what a new record may say.

Pure: the content, the log (``log``) and the day in; a ``State`` and records out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from generator.approval.fingerprints import content_fingerprint
from generator.approval.log import Log, Record, Step, link, name_problem, review_for
from generator.approval.wording import not_reviewed
from generator.board.figures import visible
from generator.content.model import Audience, Content, Problem, Severity
from generator.content.source import control_problem


@dataclass(frozen=True)
class Change:
    file: str
    kind: str  # 新增 | 修改 | 删除


@dataclass(frozen=True)
class State:
    """Where the content ``audience`` would see stands in the review and approval steps."""

    audience: Audience
    fingerprint: str
    files: Mapping[str, str]
    review: Record | None  # the latest review of exactly this content
    approve: Record | None  # the latest approval of exactly this content (after its review)
    last_approve: Record | None  # the latest approval for this audience, of whatever content
    last_review: Record | None  # the latest review for this audience, of whatever content
    old_approve: Record | None = None  # an earlier version's approval (short prints): to be signed again

    @property
    def approved(self) -> bool:
        return self.review is not None and self.approve is not None

    def changes_since(self, record: Record | None) -> list[Change]:
        """Files that differ from what ``record`` signed off, by file."""
        if record is None:
            return []
        return diff(record.files, self.files)

    def view(self) -> dict[str, str] | None:
        """``{reviewed_by, reviewed_on, approved_by, approved_on}`` of an approved state, else None."""
        if not self.approved:
            return None
        return {"reviewed_by": self.review.by, "reviewed_on": self.review.on.isoformat(),
                "approved_by": self.approve.by, "approved_on": self.approve.on.isoformat()}


def diff(old: Mapping[str, str], new: Mapping[str, str]) -> list[Change]:
    changes = [Change(f, "新增") for f in new if f not in old]
    changes += [Change(f, "修改") for f in new if f in old and old[f] != new[f]]
    changes += [Change(f, "删除") for f in old if f not in new]
    return sorted(changes, key=lambda c: (c.file != "board.yml", c.file))


def state(content: Content, log: Log, audience: Audience) -> State:
    mark, files = content_fingerprint(content, audience)
    mine = [r for r in log.records if r.audience is audience]
    reviews = [r for r in mine if r.step is Step.REVIEW and r.fingerprint == mark]
    approve = review = None
    for index, record in enumerate(log.records):
        if record.step is Step.APPROVE and record.audience is audience and record.fingerprint == mark:
            signed = review_for(log.records[:index], record)
            if signed is not None:
                approve, review = record, signed
    return State(
        audience, mark, files,
        review=review or (reviews[-1] if reviews else None),
        approve=approve,
        last_approve=next((r for r in reversed(mine) if r.step is Step.APPROVE), None),
        last_review=next((r for r in reversed(mine) if r.step is Step.REVIEW), None),
        old_approve=next((r for r in reversed(log.old) if r.step is Step.APPROVE and r.audience is audience), None),
    )


STALE = "生成的是预览稿"  # ends the warning that content changed since its approval (review/approve say it better)


def is_stale_warning(problem: Problem) -> bool:
    return problem.severity is Severity.WARNING and STALE in problem.message


def content_problems(content: Content, log: Log, current: State) -> list[Problem]:
    """The current review and approval against the content itself.

    Content that records something that happened after the day it was approved
    (a completion, a meeting) cannot have been approved that day: an error.
    Content changed since its last approval is a preview: a warning naming the files.
    """
    problems = []
    latest = latest_fact(content, current.audience)
    for record in (current.review, current.approve):
        if record is not None and latest is not None and record.on < latest[0]:
            problems.append(Problem(
                log.path, record.line,
                f"{record.step.label}日期 {record.on} 早于内容里的日期 {latest[0]}（{latest[1]}）："
                f"不能{record.step.label}还没有发生的事；请核对日期，或重新审核、审批"))
    if not current.approved and current.last_approve is not None:
        changed = "、".join(f"{c.kind} {c.file}" for c in current.changes_since(current.last_approve)) or "内容有改动"
        problems.append(Problem(
            log.path, current.last_approve.line,
            f"{current.audience.label}版内容在 {current.last_approve.on} 审批后有改动（{changed}），"
            f"{STALE}；发布前需要重新审核、审批", Severity.WARNING))
    return problems


def latest_fact(content: Content, audience: Audience) -> tuple[dt.date, str] | None:
    """The latest date the content reports as past (a completion, a meeting), with where it is."""
    found: list[tuple[dt.date, str]] = []
    for branch in content.branches:
        if branch.meeting and branch.meeting.date:
            found.append((branch.meeting.date, f"{branch.path}:{branch.lines.get('meeting', 0)}"))
        for item in branch.items:
            if visible(item, audience) and item.completed:
                found.append((item.completed, f"{branch.path}:{item.lines.get('completed', 0)}"))
    return max(found) if found else None


class Refused(ValueError):
    """A review, approval or publish that cannot go ahead; the message says why and what to do."""


def sign(step: Step, by: str, on: dt.date, note: str | None, content: Content, log: Log, current: State,
         today: dt.date, again: str = "") -> tuple[Record, list[str]]:
    """The record ``board review``/``board approve`` appends (chained to the log's last), and its warnings."""
    by, note = by.strip(), (note or "").strip() or None
    _check_signer(step, by, note, on, today)
    latest = latest_fact(content, current.audience)
    if latest is not None and on < latest[0]:
        raise Refused(f"--on：{step.label}日期 {on} 早于内容里的日期 {latest[0]}（{latest[1]}）：不能{step.label}还没有发生的事")
    warnings = []
    if step is Step.APPROVE:
        review = current.review
        if review is None:
            raise Refused(not_reviewed(current, again))
        if on < review.on:
            raise Refused(f"--on：审批日期 {on} 早于审核日期 {review.on}：先审核，后审批")
        if review.by == by:
            warnings.append(f"警告：审核人和审批人都是“{by}”：审核和审批一般应由不同的人负责")
    record = Record(step, by, on, current.audience, current.fingerprint, dict(current.files), note)
    return dataclasses.replace(record, chain=link(log.head, record)), warnings


def _check_signer(step: Step, by: str, note: str | None, on: dt.date, today: dt.date) -> None:
    who = "审核人" if step is Step.REVIEW else "审批人"
    if not by:
        raise Refused(f"--by：请写上{who}的姓名")
    if why := name_problem(by):
        raise Refused(f"--by：{who}的姓名{why}")
    if note and (why := control_problem(note)):
        raise Refused(f"--note：{why}")
    if on > today:
        raise Refused(f"--on：日期 {on} 在今天（{today}）之后；审核、审批只能登记已经做了的")
