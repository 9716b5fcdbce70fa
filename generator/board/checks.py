"""Rules across fields: the ones that need the whole model or the as-of date.

``load`` already refused anything it could not parse; here the model is typed
and only the relations between values are checked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from generator.board.figures import GRADES, grade_shares
from generator.board.periods import chain
from generator.content import schema
from generator.content.model import Branch, Content, Evaluation, Item, Person, PersonalItem, Problem, Severity, Status
from generator.names import item_key

DEFAULT_EXCELLENT_CEILING = 100 / 3  # percent of those graded: 优秀 is "generally within about a third"


def check(content: Content, as_of: dt.date, excellent_ceiling: float = DEFAULT_EXCELLENT_CEILING) -> list[Problem]:
    """Every cross-field error and warning of a loaded board, in file order."""
    problems = list(_check_notice(content, as_of))
    problems.extend(_check_names(content))
    for branch in content.branches:
        problems.extend(check_branch(branch, as_of, excellent_ceiling))
    problems.extend(_check_periods(content, as_of, excellent_ceiling))
    return problems


def _check_periods(content: Content, as_of: dt.date, ceiling: float) -> Iterator[Problem]:
    """The link to the previous period: it is valid, every ``carried_from`` resolves, nothing open is dropped."""
    previous = content.previous
    if previous is not None:
        yield from _check_previous(content, as_of, ceiling)
    origins = {} if previous is None else {
        item_key(previous.board.period_id, b.id, name): (b, i) for b in previous.branches for name, i in b.every_item()
    }
    carried: dict[str, tuple[str, int]] = {}
    yield from _check_carried(content, origins, carried)
    if previous is not None:
        yield from _check_dropped(content, origins, carried)


def _check_previous(content: Content, as_of: dt.date, ceiling: float) -> Iterator[Problem]:
    """The earlier periods pass their own checks, and each has an id of its own (it is their URL)."""
    board = content.board
    earlier = [p for p in check(content.previous, as_of, ceiling) if p.severity is Severity.ERROR]
    yield from earlier
    if earlier:
        yield Problem(board.path, board.lines.get("previous", 0),
                      f"previous（上年度内容）“{board.previous}”里的内容有错误（见上），上年度必须是一个能通过检查的公开栏")
    ids = [board.period_id]
    for period in chain(content.previous):
        if not period.board.period_id:
            yield Problem(period.board.path, period.board.lines.get("period", 0),
                          f"年度“{period.board.period}”里没有数字，请在 board.yml 加上 id（年度简称，用于网址 /archive/<id>/），例如 id: 2024")
        elif period.board.period_id in ids:
            yield Problem(period.board.path, period.board.lines.get("id") or period.board.lines.get("period", 0),
                          f"年度简称 id“{period.board.period_id}”与较晚的年度重复：每个年度的 id 必须不同（它是网址 /archive/{period.board.period_id}/）")
        ids.append(period.board.period_id)


def _check_carried(content: Content, origins: dict[str, tuple[Branch, Item]],
                   carried: dict[str, tuple[str, int]]) -> Iterator[Problem]:
    """Every ``carried_from`` names one item of the previous period, once; ``carried`` collects them."""
    for branch in content.branches:
        for _, item in branch.every_item():
            if item.carried_from is None:
                continue
            at = item.lines.get("carried_from", 0)
            problem = _carried_problem(content, item.carried_from, origins)
            if problem or item.carried_from not in origins:
                if problem:
                    yield Problem(branch.path, at, problem)
                continue
            if item.carried_from in carried:
                first = carried[item.carried_from]
                yield Problem(branch.path, at, f"carried_from（结转自）“{item.carried_from}”已被 {first[0]} 第 {first[1]} 行的事项结转，一项只能结转一次")
                continue
            carried[item.carried_from] = (branch.path, at)
            origin = origins[item.carried_from][1]
            if origin.audience is not item.audience:
                yield Problem(branch.path, at, (
                    f"结转事项的公开范围（{item.audience.label}）与上年度原事项（{origin.audience.label}）不同，请核对"
                ), Severity.WARNING)


def _check_dropped(content: Content, origins: dict[str, tuple[Branch, Item]],
                   carried: dict[str, tuple[str, int]]) -> Iterator[Problem]:
    """A warning for each open item of the previous period that this one does not carry."""
    for key, (branch, origin) in origins.items():
        if not origin.status.finished and key not in carried:
            yield Problem(branch.path, origin.lines.get("id") or _item_line(origin), (
                f"上年度事项未结转：{key}“{origin.problem[:30]}”（{origin.status.label}）；"
                f"请在{content.board.period}的支部文件里结转它（carried_from: {key}），或在{content.previous.board.period}里改为已完成或已销号"
            ), Severity.WARNING)


def _carried_problem(content: Content, written: str, origins: dict[str, tuple[Branch, Item]]) -> str | None:
    """Why ``carried_from`` does not name an item of the previous period (None when it does)."""
    previous = content.previous
    what = f"carried_from（结转自）“{written}”"
    if previous is None:
        if content.board.previous is not None:
            return None  # the broken previous link is reported once, at board.yml
        return f"{what}：board.yml 没有写 previous（上年度内容文件夹），无法核对结转来源"
    period_id, branch_id, item_id = written.split("/", 2)
    if period_id != previous.board.period_id:
        return f"{what}：上年度是 {previous.board.period_id}（{previous.board.period}），不是 {period_id}"
    if written in origins:
        return None
    if not any(b.id == branch_id for b in previous.branches):
        return f"{what}：{previous.board.period}没有支部 {branch_id}"
    return f"{what}：{previous.board.period}的支部 {branch_id} 没有序号为“{item_id}”的事项"


def check_branch(branch: Branch, as_of: dt.date, excellent_ceiling: float = DEFAULT_EXCELLENT_CEILING) -> list[Problem]:
    """The rules of one branch file (also used on an import before it is written)."""
    problems = list(_check_items(branch.path, branch.items, as_of))
    problems.extend(_check_people(branch, as_of))
    if branch.evaluation is not None:
        problems.extend(_check_evaluation(branch.path, branch.evaluation, excellent_ceiling))
        problems.extend(_check_graded(branch))
    return problems


def _check_names(content: Content) -> Iterator[Problem]:
    """Two branch files with one name are most likely a file copied as a model and not renamed: every page
    would list the branch twice and every total count it twice (a tally import refuses such names)."""
    first: dict[str, Branch] = {}
    for branch in content.branches:
        if branch.name in first:
            yield Problem(branch.path, branch.lines.get("name") or 1, (
                f"支部名称“{branch.name}”与 {first[branch.name].path} 相同：复制支部文件做新支部后，请改 name；"
                "同一个支部只能有一个文件"), Severity.WARNING)
        else:
            first[branch.name] = branch


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
            f"优秀比例 {shares['excellent']:.1f}% 高于 {ceiling:.1f}%（优秀一般不超过参加评定人数的约三分之一），请核对",
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


def _check_items(path: str, items: tuple[Item | PersonalItem, ...], as_of: dt.date, whose: str = "") -> Iterator[Problem]:
    first_line: dict[str, int] = {}
    for item in items:
        line = item.lines.get("id") or _item_line(item)
        if item.id in first_line:
            yield Problem(path, line, f"{whose}序号 id“{item.id}”重复：第 {first_line[item.id]} 行和第 {line} 行")
        else:
            first_line[item.id] = line
        yield from _check_item(path, item, as_of)


def _check_people(branch: Branch, as_of: dt.date) -> Iterator[Problem]:
    """A person's own items follow the items' rules; a name twice in a branch is most likely a slip."""
    first_line: dict[str, int] = {}
    for person in branch.people:
        line = person.lines.get("name") or _item_line(person)
        if person.name in first_line:
            yield Problem(branch.path, line, (
                f"班子成员和党员 people 里“{person.name}”出现了两次（第 {first_line[person.name]} 行和第 {line} 行）；"
                f"同名的两个人请在 name 里加以区分，例如 {person.name}（二）"
            ), Severity.WARNING)
        else:
            first_line[person.name] = line
        yield from _check_items(branch.path, person.items, as_of, f"{person.name}的个人整改清单里")


def _item_line(item: Item | PersonalItem | Person) -> int:
    return min(item.lines.values())


def _check_item(path: str, item: Item | PersonalItem, as_of: dt.date) -> Iterator[Problem]:
    if item.status.finished and item.completed is None:  # public lists mark items done without a date: never invent one
        yield Problem(path, item.lines.get("status") or _item_line(item),
                      f"事项 {item.id} 状态为“{item.status.label}”，但没有填写 completed（完成日期）；知道日期的请补上",
                      Severity.WARNING)
    if item.completed and item.completed > as_of:
        yield Problem(path, item.lines["completed"], f"完成日期 {item.completed} 晚于数据日期 {as_of}，不能是将来的日期")
    deadline = item.deadline.date
    if item.status is Status.NOT_STARTED and deadline and deadline < as_of:
        yield Problem(
            path, item.lines["deadline"],
            f"事项 {item.id} 的整改时限 {deadline} 已过，状态仍为“未开始”",
            Severity.WARNING,
        )
