"""Review and approval (审核, 审批) before anything is published: ``content/approvals.yml``.

The file is a log a person can read: ``board review`` and ``board approve``
append one record each (step, by, on, note, audience, fingerprint, files).
Nothing here touches MkDocs or the clock; callers pass ``today``.

The fingerprint is of the *model the audience sees*, not of the rendered pages:
every field of ``board.yml`` and of every branch, with only the items that
audience is shown (``figures.visible``).  Pages also change with the as-of date
(overdue marks, "数据截至") and with the program version; an approval of the
text people read must not lapse at midnight or on an upgrade.  So an edit to a
党内 item changes the party fingerprint only, and the public approval stands;
any edit to public text changes both.  ``files`` keeps one short fingerprint per
content file, so a refusal can say which files changed since the approval.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import enum
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator import speed
from generator.board.figures import visible
from generator.content import audience as audiences
from generator.content import schema
from generator.content.dates import DateError, parse_date
from generator.content.model import Audience, Branch, Content, Labeled, Problem, Severity, printable
from generator.content.source import Node, control_problem, read_yaml, refused
from generator.files import write_atomic

FILE_NAME = "approvals.yml"
KEYS = ("step", "by", "on", "note", "audience", "fingerprint", "files")
REQUIRED = ("step", "by", "on", "audience", "fingerprint")
FINGERPRINT_CHARS = 16
FILE_PRINT_CHARS = 12
HEADER = ("# 审核和审批记录（先审后公开）：由 board review 和 board approve 追加，请不要手工修改。\n"
          "# 每条记录：step 步骤（审核/审批）、by 经办人、on 日期、note 意见、audience 公开范围、\n"
          "# fingerprint 该范围读者所见内容的指纹、files 各内容文件的指纹。\n")


class Step(Labeled):
    REVIEW = ("review", "审核")
    APPROVE = ("approve", "审批")


@dataclass(frozen=True)
class Record:
    step: Step
    by: str
    on: dt.date
    audience: Audience
    fingerprint: str
    files: Mapping[str, str]
    note: str | None = None
    line: int = 0


@dataclass(frozen=True)
class Log:
    """The records of ``approvals.yml`` in file order (appended, so oldest first)."""

    path: str  # as shown in messages
    records: tuple[Record, ...] = ()
    exists: bool = False


# ---- fingerprints -----------------------------------------------------------------------------


_AS_IS = frozenset((str, int, float, bool))


def _plain(value: Any) -> Any:
    """A value of a declared field as JSON: enums by key, dates as ISO, dataclasses (a deadline) field by field."""
    if type(value) in _AS_IS:  # nearly every value: a text or a number
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if getattr(value, f.name) is not None}
    if isinstance(value, enum.Enum):
        return value.key if isinstance(value, Labeled) else value.name
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _declared(obj: Any, record: schema.Record) -> dict[str, Any]:
    """The declared fields (``schema``) of a model object, by YAML key: what a clerk wrote, nothing else.

    Where a value came from (file, line, cache key) is not content; unset fields are left
    out, so a field a later version declares does not void an approval.
    """
    out = {}
    for f in record.fields:
        value = getattr(obj, f.name)
        if value is None or value == ():
            continue
        if f.type == "record":
            out[f.key] = _declared(value, f.record)
        elif f.type == "records":
            out[f.key] = [_declared(v, f.record) for v in value]
        else:
            out[f.key] = _plain(value)
    return out


def _digest(value: Any, chars: int) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:chars]


def branch_file(branch: Branch) -> str:
    """A branch's file as the log names it, relative to the content folder."""
    return f"branches/{branch.id}.yml"


def _seen(branch: Branch, audience: Audience) -> dict[str, Any]:
    """A branch as ``audience`` sees it (``audience.shown``: every record it may not see left out), and its id (the URL)."""
    return {"id": branch.id, **_declared(audiences.shown(branch, schema.BRANCH, audience), schema.BRANCH)}


def file_prints(content: Content, audience: Audience) -> dict[str, str]:
    """``{file: short fingerprint}`` of what ``audience`` sees of each content file.

    Earlier periods are published too (``/archive/<id>/``), so their files count,
    named ``archive/<id>/…``: an edit to last year's folder needs a new approval.
    """
    prints = _period_prints(content, audience, "")
    seen = {id(content)}
    earlier = content.previous
    while earlier is not None and id(earlier) not in seen:  # a cycle is an error elsewhere; never loop here
        seen.add(id(earlier))
        prints.update(_period_prints(earlier, audience, f"archive/{earlier.board.period_id}/"))
        earlier = earlier.previous
    return prints


def _period_prints(content: Content, audience: Audience, prefix: str) -> dict[str, str]:
    prints = {f"{prefix}board.yml": _digest(_declared(content.board, schema.BOARD), FILE_PRINT_CHARS)}
    branches = content.branches
    # A file's print depends on its bytes (``Branch.key``) and the audience: kept between runs.
    keys = [f"{branch.key}\0{audience.key}" if branch.key else "" for branch in branches]
    made = speed.remembered_all("approval-print", keys, lambda i: _digest(_seen(branches[i], audience), FILE_PRINT_CHARS))
    prints.update((prefix + branch_file(branch), value) for branch, value in zip(branches, made, strict=True))
    return prints


def fingerprint(files: Mapping[str, str]) -> str:
    """The whole board's fingerprint from its files' (order and position in the board included)."""
    return _digest(sorted(files.items()), FINGERPRINT_CHARS)


def content_fingerprint(content: Content, audience: Audience) -> tuple[str, dict[str, str]]:
    files = file_prints(content, audience)
    # Order comes from `order` and names, both inside the files: the sorted map is enough.
    return fingerprint(files), files


# ---- reading the log --------------------------------------------------------------------------


def load(content_dir: Path, shown: str, today: dt.date) -> tuple[Log, list[Problem]]:
    """The log and every problem of its own (syntax, keys, values, order of steps), at once."""
    path = content_dir / FILE_NAME
    if not path.exists() and not path.is_symlink():
        return Log(shown), []
    reason = refused(path, content_dir)  # a link out, a pipe, a device or a folder is never taken for the log
    if reason:
        return Log(shown, (), True), [Problem(shown, 0, reason)]
    root, problems = read_yaml(path, shown)
    if root is None:
        return Log(shown, (), True), problems
    if root.value is None:
        return Log(shown, (), True), problems
    if not isinstance(root.value, list):
        problems.append(Problem(shown, root.line, "approvals.yml 应为记录的列表，每条记录以“- step:”开头"))
        return Log(shown, (), True), problems
    records = []
    for node in root.value:
        record = _record(node, shown, today, problems)
        if record is not None:
            records.append(record)
    log = Log(shown, tuple(records), True)
    problems.extend(_order_problems(log))
    return log, problems


def _record(node: Node, shown: str, today: dt.date, problems: list[Problem]) -> Record | None:
    def error(line: int, message: str) -> None:
        problems.append(Problem(shown, line, message))

    if not isinstance(node.value, dict):
        error(node.line, "每条记录应为“键: 值”的形式（step、by、on、audience、fingerprint …）")
        return None
    values = node.value
    for key, value in values.items():
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1, cutoff=0.6)
            hint = f"，是不是想写 {close[0]}？" if close else f"；可用的键：{', '.join(KEYS)}"
            error(value.line, f"不认识的键“{key}”{hint}")
    text: dict[str, str] = {}
    for key in REQUIRED + ("note",):
        found = values.get(key)
        if found is None or found.value is None or (isinstance(found.value, str) and not found.value.strip()):
            if key in REQUIRED:
                error(found.line if found else node.line, f"审批记录缺少 {key}（{_LABELS[key]}）")
            continue
        if not isinstance(found.value, str):
            error(found.line, f"{key}（{_LABELS[key]}）应为一段文字")
            continue
        text[key] = found.value.strip()
    if "by" in text and (why := name_problem(text["by"])):
        error(values["by"].line, f"by（经办人）{why}")
        del text["by"]
    step = _choice(text.get("step"), Step)
    if "step" in text and step is None:
        error(values["step"].line, f"step（步骤）不能是“{text['step']}”，可选：审核（review）、审批（approve）")
    audience = _choice(text.get("audience"), Audience)
    if "audience" in text and audience is None:
        error(values["audience"].line, f"不认识的公开范围“{text['audience']}”，可选：公开（public）、党内（party）")
    on = None
    if "on" in text:
        try:
            on = parse_date(text["on"])
        except DateError as exc:
            error(values["on"].line, f"on（日期）：{exc}")
        else:
            if on > today:
                error(values["on"].line, f"日期 {on} 在今天（{today}）之后：不能预先登记审核或审批")
    mark = text.get("fingerprint", "")
    if mark and not _is_hex(mark, FINGERPRINT_CHARS):
        error(values["fingerprint"].line, f"fingerprint（内容指纹）应为 {FINGERPRINT_CHARS} 位十六进制数，现在是“{mark}”")
        mark = ""
    files = _files(values.get("files"), shown, problems)
    if step is None or audience is None or on is None or not mark or "by" not in text or files is None:
        return None
    return Record(step, text["by"], on, audience, mark, files, text.get("note"), node.line)


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot stand as who signed off (pages show it as the signature), or None.

    One line of visible text: a line break, tab, terminal escape or invisible mark
    could make a page read as if someone else had signed.
    """
    if printable(name) != name or any(c in name for c in "\u200b\u200c\u200d\u2060\ufeff"):
        return f"只能是一行看得见的文字，不能有换行、制表符、控制字符或看不见的字符（现在是“{printable(name)[:40]}”）"
    return None


_LABELS = {"step": "步骤", "by": "经办人", "on": "日期", "audience": "公开范围", "fingerprint": "内容指纹", "note": "意见"}


def _choice(text: str | None, enum_type: type[Labeled]) -> Any:
    if text is None:
        return None
    return next((m for m in enum_type if text in (m.key, m.label)), None)


def _is_hex(text: str, chars: int) -> bool:
    return len(text) == chars and all(c in "0123456789abcdef" for c in text)


def _files(node: Node | None, shown: str, problems: list[Problem]) -> dict[str, str] | None:
    if node is None or node.value is None:
        return {}
    if not isinstance(node.value, dict):
        problems.append(Problem(shown, node.line, "files（各文件指纹）应为“文件: 指纹”的形式"))
        return None
    files = {}
    for name, value in node.value.items():
        if not isinstance(value.value, str) or not _is_hex(value.value, FILE_PRINT_CHARS):
            problems.append(Problem(shown, value.line, f"文件 {name} 的指纹应为 {FILE_PRINT_CHARS} 位十六进制数"))
            return None
        files[name] = value.value
    return files


def _order_problems(log: Log) -> list[Problem]:
    """Every 审批 follows a matching 审核, not dated before it; the same person doing both is warned."""
    problems = []
    for index, record in enumerate(log.records):
        if record.step is not Step.APPROVE:
            continue
        review = _review_for(log.records[:index], record)
        if review is None:
            problems.append(Problem(log.path, record.line,
                                    f"第 {record.line} 行的审批没有对应的审核记录（同一公开范围、同一内容指纹 "
                                    f"{record.fingerprint}）：先审核，后审批"))
        elif record.on < review.on:
            problems.append(Problem(log.path, record.line,
                                    f"审批日期 {record.on} 早于审核日期 {review.on}（第 {review.line} 行）：先审核，后审批"))
        elif review.by == record.by:
            problems.append(Problem(log.path, record.line,
                                    f"审核人和审批人都是“{record.by}”：审核和审批一般应由不同的人负责",
                                    Severity.WARNING))
    return problems


def _review_for(earlier: Iterable[Record], approve: Record) -> Record | None:
    matching = [r for r in earlier if r.step is Step.REVIEW and r.audience is approve.audience
                and r.fingerprint == approve.fingerprint]
    return matching[-1] if matching else None


# ---- the state of one audience's content --------------------------------------------------------


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
            signed = _review_for(log.records[:index], record)
            if signed is not None:
                approve, review = record, signed
    return State(
        audience, mark, files,
        review=review or (reviews[-1] if reviews else None),
        approve=approve,
        last_approve=next((r for r in reversed(mine) if r.step is Step.APPROVE), None),
        last_review=next((r for r in reversed(mine) if r.step is Step.REVIEW), None),
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


# ---- writing a record -------------------------------------------------------------------------


def record_text(record: Record) -> str:
    """One record as the YAML block appended to the log (values quoted only where YAML needs it)."""
    lines = [f"- step: {record.step.label}", f"  by: {_scalar(record.by)}", f"  on: {record.on.isoformat()}"]
    if record.note:
        lines.append(f"  note: {_scalar(record.note)}")
    lines += [f"  audience: {record.audience.label}", f"  fingerprint: {record.fingerprint}", "  files:"]
    lines += [f"    {_scalar(name)}: {mark}" for name, mark in record.files.items()]
    return "\n".join(lines) + "\n"


def _scalar(text: str) -> str:
    dumped = yaml.safe_dump(text, allow_unicode=True, width=float("inf"), default_flow_style=True)
    return dumped.removesuffix("\n...\n").removesuffix("\n")


def append(content_dir: Path, record: Record) -> Path:
    """Add ``record`` at the end of the log, keeping everything before it byte for byte; atomic."""
    path = content_dir / FILE_NAME
    old = path.read_bytes() if path.is_file() else HEADER.encode("utf-8")
    if old and not old.endswith(b"\n"):
        old += b"\n"
    write_atomic(path, old + b"\n" + record_text(record).encode("utf-8"))
    return path


# ---- signing off and the publish gate ---------------------------------------------------------


class Refused(ValueError):
    """A review, approval or publish that cannot go ahead; the message says why and what to do."""


def sign(step: Step, by: str, on: dt.date, note: str | None, content: Content, log: Log, current: State,
         today: dt.date) -> tuple[Record, list[str]]:
    """The record ``board review``/``board approve`` appends, and its warnings; ``Refused`` if it cannot be."""
    by, note = by.strip(), (note or "").strip() or None
    who = "审核人" if step is Step.REVIEW else "审批人"
    if not by:
        raise Refused(f"--by：请写上{who}的姓名")
    if why := name_problem(by):
        raise Refused(f"--by：{who}的姓名{why}")
    if note and (why := control_problem(note)):
        raise Refused(f"--note：{why}")
    if on > today:
        raise Refused(f"--on：日期 {on} 在今天（{today}）之后；审核、审批只能登记已经做了的")
    latest = latest_fact(content, current.audience)
    if latest is not None and on < latest[0]:
        raise Refused(f"--on：{step.label}日期 {on} 早于内容里的日期 {latest[0]}（{latest[1]}）：不能{step.label}还没有发生的事")
    warnings = []
    if step is Step.APPROVE:
        review = current.review
        if review is None:
            raise Refused(not_reviewed(current))
        if on < review.on:
            raise Refused(f"--on：审批日期 {on} 早于审核日期 {review.on}：先审核，后审批")
        if review.by == by:
            warnings.append(f"警告：审核人和审批人都是“{by}”：审核和审批一般应由不同的人负责")
    record = Record(step, by, on, current.audience, current.fingerprint, dict(current.files), note)
    return record, warnings


def not_reviewed(current: State) -> str:
    label = current.audience.label
    since = current.last_review
    if since is None:
        return f"{label}版内容还没有审核：请先由审核人运行 board review --by 姓名"
    changed = _listed(current.changes_since(since))
    return (f"{label}版内容在最近一次审核（{since.on}，{since.by}）之后有改动，需要重新审核：\n{changed}\n"
            f"请先由审核人运行 board review --by 姓名")


def status(current: State) -> str:
    """One line for ``board check`` and ``board build``: approved by whom, or a preview."""
    if current.approved:
        return (f"{current.audience.label}版已审核（{current.review.by}，{current.review.on}）、"
                f"已审批（{current.approve.by}，{current.approve.on}）")
    if current.review is not None:
        return f"预览稿：{current.audience.label}版已审核（{current.review.by}，{current.review.on}），还没有审批"
    return f"预览稿：{current.audience.label}版内容还没有审核、审批"


def refusal(current: State) -> str | None:
    """Why ``board publish`` must not publish this content, or None when it is reviewed and approved."""
    if current.approved:
        return None
    label = current.audience.label
    if current.review is not None:
        return (f"{label}版内容已审核（{current.review.on}，{current.review.by}），还没有审批：\n"
                f"请由审批人运行 board approve --by 姓名{_audience_flag(current)}，然后再发布")
    last = current.last_approve
    if last is not None:
        return (f"{label}版内容在最近一次审批（{last.on}，{last.by}）之后有改动，需要重新审核、审批：\n"
                f"{_listed(current.changes_since(last))}\n"
                f"请先 board review --by 审核人{_audience_flag(current)}，再 board approve --by 审批人{_audience_flag(current)}")
    return (f"{label}版内容还没有审核和审批（先审后公开）：\n"
            f"请先由审核人运行 board review --by 姓名{_audience_flag(current)}，"
            f"再由审批人运行 board approve --by 姓名{_audience_flag(current)}")


def _audience_flag(current: State) -> str:
    return "" if current.audience is Audience.PUBLIC else f" --audience {current.audience.key}"


def _listed(changes: list[Change]) -> str:
    return "\n".join(f"  {c.kind} {c.file}" for c in changes) or "  （各文件相同，但支部的组成或顺序有变化）"


ITEMS_LISTED = 200  # what a review prints, at most, item by item


def describe(content: Content, current: State) -> list[str]:
    """What is being signed off: branches and items the audience sees, and what changed since the last approval."""
    audience = current.audience
    items = sum(visible(i, audience) for b in content.branches for i in b.items)
    lines = [f"{content.board.organization} {content.board.period}，{audience.label}版：{len(content.branches)} 个支部，"
             f"{items} 项整改事项（内容指纹 {current.fingerprint}）"]
    last = current.last_approve
    changes = {c.file: c.kind for c in current.changes_since(last)} if last else {}
    for branch in content.branches:
        shown = sum(visible(i, audience) for i in branch.items)
        mark = f"  【{changes[branch_file(branch)]}】" if branch_file(branch) in changes else ""
        lines.append(f"  {branch.name}（{branch_file(branch)}）：{shown} 项{mark}")
    if last is None:
        lines.append("首次审批：以上全部内容都要审核、审批。事项如下：")
        listed = [b for b in content.branches]
    else:
        lines.append(f"自上次审批（{last.on}，审批人 {last.by}）以来的改动：")
        lines.append(_listed(current.changes_since(last)) if changes else "  没有改动")
        if "board.yml" in changes:
            board = content.board
            lines.append(f"  board.yml：{board.organization}，{board.period}"
                         + (f"，公示期 {board.notice.start} 至 {board.notice.end}" if board.notice else ""))
        listed = [b for b in content.branches if branch_file(b) in changes]
        if listed:
            lines.append("有改动的支部的事项：")
    count = 0
    for branch in listed:
        for item in branch.items:
            if not visible(item, audience):
                continue
            count += 1
            if count <= ITEMS_LISTED:
                party = "【党内】" if item.audience is Audience.PARTY else ""
                lines.append(f"  {branch.name} {item.id}：{party}{_short(item.problem)}（{item.status.label}，"
                             f"时限 {item.deadline.label}）")
    if count > ITEMS_LISTED:
        lines.append(f"  ……另有 {count - ITEMS_LISTED} 项（board export 可导出全部事项核对）")
    return lines


def _short(text: str, chars: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= chars else text[:chars] + "…"
