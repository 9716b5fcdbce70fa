"""Rules across fields: the ones that need the whole model or the as-of date.

``load`` already refused anything it could not parse; here the model is typed
and only the relations between values are checked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from . import schema
from .figures import GRADES, grade_shares
from .model import Branch, Content, Evaluation, Item, Problem, Severity, Status

DEFAULT_EXCELLENT_CEILING = 30.0


def check(content: Content, as_of: dt.date, excellent_ceiling: float = DEFAULT_EXCELLENT_CEILING) -> list[Problem]:
    """Every cross-field error and warning of a loaded board, in file order."""
    problems = list(_check_notice(content, as_of))
    for branch in content.branches:
        problems.extend(check_branch(branch, as_of, excellent_ceiling))
    return problems


def check_branch(branch: Branch, as_of: dt.date, excellent_ceiling: float = DEFAULT_EXCELLENT_CEILING) -> list[Problem]:
    """The rules of one branch file (also used on an import before it is written)."""
    problems = list(_check_items(branch, as_of))
    if branch.evaluation is not None:
        problems.extend(_check_evaluation(branch.path, branch.evaluation, excellent_ceiling))
        problems.extend(_check_graded(branch))
    return problems


def _check_notice(content: Content, as_of: dt.date) -> Iterator[Problem]:
    board = content.board
    if board.notice and board.notice.end < as_of:
        yield Problem(
            board.path, board.lines["notice"],
            f"公示期已于 {board.notice.end} 结束（数据日期 {as_of}），请更新 notice 或删除它",
            Severity.WARNING,
        )


def _check_evaluation(path: str, ev: Evaluation, ceiling: float) -> Iterator[Problem]:
    line = ev.lines
    graded = sum(_grades(ev).values())
    if graded != ev.rated:
        terms = " + ".join(f"{schema.EVALUATION[grade].label} {count}" for grade, count in _grades(ev).items())
        yield Problem(path, line["rated"], (
            f"评定结果相加不等于参加组织评定人数：{terms} = {graded}，而 rated（{schema.EVALUATION['rated'].label}）是 {ev.rated}"
        ))
    if ev.rated > ev.participants:
        yield Problem(path, line["rated"], f"参加组织评定 {ev.rated} 人，多于参加评议 {ev.participants} 人")
    if ev.participants > ev.members:
        yield Problem(path, line["participants"], f"参加评议 {ev.participants} 人，多于党员总数 {ev.members} 人")
    if ev.probationary > ev.members:
        yield Problem(path, line["probationary"], f"预备党员 {ev.probationary} 人，多于党员总数 {ev.members} 人")
    if len(ev.honor_roll) > ev.excellent:
        yield Problem(path, line["honor_roll"], f"优秀党员名单有 {len(ev.honor_roll)} 人，多于评定为优秀的 {ev.excellent} 人")
    shares = grade_shares(_grades(ev)) if graded == ev.rated else None
    if shares and shares["excellent"] > ceiling:
        yield Problem(
            path, line["excellent"],
            f"优秀比例 {shares['excellent']:.1f}% 高于 {ceiling:.1f}%，请核对",
            Severity.WARNING,
        )


def _check_graded(branch: Branch) -> Iterator[Problem]:
    """预备党员 take part in the evaluation but are not graded: rated ≤ members − probationary."""
    ev = branch.evaluation
    full = ev.members - ev.probationary
    if ev.probationary <= ev.members and ev.rated > full:
        yield Problem(branch.path, ev.lines["rated"], (
            f"{branch.name}：参加组织评定 {ev.rated} 人，多于正式党员 {full} 人（党员总数 {ev.members} − 预备党员 "
            f"{ev.probationary}）；预备党员参加评议，但不参加组织评定，请核对"
        ), Severity.WARNING)


def _grades(ev: Evaluation) -> dict[str, int]:
    return {grade: getattr(ev, grade) for grade in GRADES}


def _check_items(branch: Branch, as_of: dt.date) -> Iterator[Problem]:
    first_line: dict[str, int] = {}
    for item in branch.items:
        line = item.lines.get("id") or _item_line(item)
        if item.id in first_line:
            yield Problem(branch.path, line, f"序号 id“{item.id}”重复：第 {first_line[item.id]} 行和第 {line} 行")
        else:
            first_line[item.id] = line
        yield from _check_item(branch.path, item, as_of)


def _item_line(item: Item) -> int:
    return min(item.lines.values())


def _check_item(path: str, item: Item, as_of: dt.date) -> Iterator[Problem]:
    if item.status.finished and item.completed is None:
        yield Problem(path, item.lines.get("status") or _item_line(item), f"状态为“{item.status.label}”的事项必须填写 completed（完成日期）")
    if item.completed and item.completed > as_of:
        yield Problem(path, item.lines["completed"], f"完成日期 {item.completed} 晚于数据日期 {as_of}，不能是将来的日期")
    deadline = item.deadline.date
    if item.status is Status.NOT_STARTED and deadline and deadline < as_of:
        yield Problem(
            path, item.lines["deadline"],
            f"事项 {item.id} 的整改时限 {deadline} 已过，状态仍为“未开始”",
            Severity.WARNING,
        )
