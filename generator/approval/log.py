"""``content/approvals.yml``: the record of every review and approval, each chained to the one before.

The file is a log a person can read: ``board review`` and ``board approve``
append one record each (step, by, on, note, audience, fingerprint, files,
chain).  ``chain`` is the SHA-256 of the record's own values and of the chain
of the record before it, so a record edited by hand (another signer's name, a
later date), or one removed, added or moved, no longer matches: the log is
refused from that line on, and nothing is published on its word.  This stops
edits in a text editor and makes them evident; it does not stop someone who
can run the board (or recompute the hashes) from signing in another's name —
the paper form (``form``), signed by hand and filed, is the check on that.

Records an earlier version wrote (no ``chain``, short prints) are read and
count for nothing: their content has to be reviewed and approved again.
Nothing here touches MkDocs or the clock; callers pass ``today``.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.approval.fingerprints import PRINT_CHARS, digest, is_print
from generator.content.dates import DateError, parse_date
from generator.content.model import Audience, Labeled, Problem, Severity
from generator.content.source import Node, read_yaml, refused
from generator.files import write_atomic
from generator.names import printable

FILE_NAME = "approvals.yml"
KEYS = ("step", "by", "on", "note", "audience", "fingerprint", "files", "chain")
REQUIRED = ("step", "by", "on", "audience", "fingerprint")
OLD_PRINT_CHARS = (16, 12)  # an earlier version's whole and per-file prints: read, never trusted
HEADER = ("# 审核和审批记录（先审后公开）：由 board review 和 board approve 追加，请不要手工修改。\n"
          "# 每条记录：step 步骤（审核/审批）、by 经办人、on 日期、note 意见、audience 公开范围、\n"
          "# fingerprint 该范围读者所见内容的指纹、files 各内容文件的指纹、chain 本条和上一条记录的指纹（防改动）。\n")
_LABELS = {"step": "步骤", "by": "经办人", "on": "日期", "audience": "公开范围", "fingerprint": "内容指纹", "note": "意见",
           "chain": "记录链指纹"}


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
    chain: str = ""  # this record's link (``link``); empty in an earlier version's record


@dataclass(frozen=True)
class Log:
    """The chained records of ``approvals.yml`` in file order (appended, so oldest first)."""

    path: str  # as shown in messages
    records: tuple[Record, ...] = ()
    exists: bool = False
    old: tuple[Record, ...] = field(default=())  # an earlier version's records: shown, never trusted

    @property
    def head(self) -> str:
        """The chain value the next record links to."""
        return self.records[-1].chain if self.records else ""


def link(previous: str, record: Record) -> str:
    """The chain value of ``record`` after the record whose chain is ``previous``."""
    return digest([previous, record.step.key, record.by, record.on.isoformat(), record.note or "",
                   record.audience.key, record.fingerprint, sorted(record.files.items())])


# ---- reading ---------------------------------------------------------------------------------


def load(content_dir: Path, shown: str, today: dt.date) -> tuple[Log, list[Problem]]:
    """The log and every problem of its own (syntax, keys, values, chain, order of steps), at once."""
    path = content_dir / FILE_NAME
    if not path.exists() and not path.is_symlink():
        return Log(shown), []
    reason = refused(path, content_dir)  # a link out, a pipe, a device or a folder is never taken for the log
    if reason:
        return Log(shown, (), True), [Problem(shown, 0, reason)]
    root, problems = read_yaml(path, shown)
    if root is None or root.value is None:
        return Log(shown, (), True), problems
    if not isinstance(root.value, list):
        problems.append(Problem(shown, root.line, "approvals.yml 应为记录的列表，每条记录以“- step:”开头"))
        return Log(shown, (), True), problems
    read = [r for r in (_record(node, shown, today, problems) for node in root.value) if r is not None]
    if len(read) < len(root.value):  # a record with errors: its link cannot be checked, nor anything after it
        return Log(shown, (), True), problems
    log = _chained(shown, read, problems)
    problems.extend(_order_problems(log))
    return log, problems


def _chained(shown: str, read: list[Record], problems: list[Problem]) -> Log:
    """The log with its chain checked: an earlier version's records first, then unbroken links."""
    old = []
    while read and not read[0].chain:
        old.append(read.pop(0))
    previous = ""
    for record in read:
        if not record.chain or record.chain != link(previous, record):
            problems.append(Problem(shown, record.line, broken(record.line)))
            return Log(shown, (), True, tuple(old))
        previous = record.chain
    if old and not read:
        problems.append(Problem(shown, old[0].line, OLD_RECORDS, Severity.WARNING))
    return Log(shown, tuple(read), True, tuple(old))


OLD_RECORDS = ("这些审核、审批记录是旧版本程序登记的（指纹较短，不能防伪），已不再作为发布的凭据："
               "请重新审核、审批（board review、board approve）")


def broken(line: int) -> str:
    return (f"第 {line} 行的记录在登记后被改动过，或它前面的记录被改动、删除或调换了顺序（记录链断开）："
            "审核、审批记录不能手工修改，这份记录不能作为发布的凭据。请从备份恢复原来的 approvals.yml；"
            "或者把它改名留存（登记归档），再重新审核、审批")


def _record(node: Node, shown: str, today: dt.date, problems: list[Problem]) -> Record | None:
    def error(line: int, message: str) -> None:
        problems.append(Problem(shown, line, message))

    if not isinstance(node.value, dict):
        error(node.line, "每条记录应为“键: 值”的形式（step、by、on、audience、fingerprint …）")
        return None
    values = node.value
    _unknown_keys(values, error)
    text = _texts(node, error)
    if "by" in text and (why := name_problem(text["by"])):
        error(values["by"].line, f"by（经办人）{why}")
        del text["by"]
    step = _choice(text.get("step"), Step)
    if "step" in text and step is None:
        error(values["step"].line, f"step（步骤）不能是“{text['step']}”，可选：审核（review）、审批（approve）")
    audience = _choice(text.get("audience"), Audience)
    if "audience" in text and audience is None:
        error(values["audience"].line, f"不认识的公开范围“{text['audience']}”，可选：公开（public）、党内（party）")
    on = _day(text, values, today, error)
    chained = "chain" in text
    mark = _print(text, values, "fingerprint", chained, error)
    files = _files(values.get("files"), chained, error)
    if step is None or audience is None or on is None or not mark or "by" not in text or files is None:
        return None
    if chained and not is_print(text["chain"]):
        error(values["chain"].line, f"chain（记录链指纹）应为 {PRINT_CHARS} 位十六进制数")
        return None
    return Record(step, text["by"], on, audience, mark, files, text.get("note"), node.line, text.get("chain", ""))


def _unknown_keys(values: dict[str, Node], error: Any) -> None:
    for key, value in values.items():
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1, cutoff=0.6)
            hint = f"，是不是想写 {close[0]}？" if close else f"；可用的键：{', '.join(KEYS)}"
            error(value.line, f"不认识的键“{key}”{hint}")


def _texts(node: Node, error: Any) -> dict[str, str]:
    text: dict[str, str] = {}
    for key in (*REQUIRED, "note", "chain"):
        found = node.value.get(key)
        if found is None or found.value is None or (isinstance(found.value, str) and not found.value.strip()):
            if key in REQUIRED:
                error(found.line if found else node.line, f"审批记录缺少 {key}（{_LABELS[key]}）")
            continue
        if not isinstance(found.value, str):
            error(found.line, f"{key}（{_LABELS[key]}）应为一段文字")
            continue
        text[key] = found.value.strip()
    return text


def _day(text: dict[str, str], values: dict[str, Node], today: dt.date, error: Any) -> dt.date | None:
    if "on" not in text:
        return None
    try:
        on = parse_date(text["on"])
    except DateError as exc:
        error(values["on"].line, f"on（日期）：{exc}")
        return None
    if on > today:
        error(values["on"].line, f"日期 {on} 在今天（{today}）之后：不能预先登记审核或审批")
        return None
    return on


def _print(text: dict[str, str], values: dict[str, Node], key: str, chained: bool, error: Any) -> str:
    """A fingerprint: a whole SHA-256, or in an earlier version's record (no chain) also a short one."""
    mark = text.get(key, "")
    if mark and not (is_print(mark) or (not chained and is_print(mark, OLD_PRINT_CHARS[0]))):
        error(values[key].line, f"{key}（{_LABELS[key]}）应为 {PRINT_CHARS} 位十六进制数，现在是“{printable(mark)[:80]}”")
        return ""
    return mark


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot stand as who signed off (pages show it as the signature), or None.

    One line of visible text: a line break, tab, terminal escape or invisible mark
    could make a page read as if someone else had signed.
    """
    if printable(name) != name or any(c in name for c in "\u200b\u200c\u200d\u2060\ufeff"):
        return f"只能是一行看得见的文字，不能有换行、制表符、控制字符或看不见的字符（现在是“{printable(name)[:40]}”）"
    return None


def _choice(text: str | None, enum_type: type[Labeled]) -> Any:
    if text is None:
        return None
    return next((m for m in enum_type if text in (m.key, m.label)), None)


def _files(node: Node | None, chained: bool, error: Any) -> dict[str, str] | None:
    if node is None or node.value is None:
        return {}
    if not isinstance(node.value, dict):
        error(node.line, "files（各文件指纹）应为“文件: 指纹”的形式")
        return None
    files = {}
    for name, value in node.value.items():
        if not (is_print(value.value) or (not chained and is_print(value.value, OLD_PRINT_CHARS[1]))):
            error(value.line, f"文件 {name} 的指纹应为 {PRINT_CHARS} 位十六进制数")
            return None
        files[name] = value.value
    return files


def _order_problems(log: Log) -> list[Problem]:
    """Every 审批 follows a matching 审核, not dated before it; the same person doing both is warned
    about in the approval in force only (a later proper review and approval settles it)."""
    problems = []
    latest = {r.audience: r for r in log.records if r.step is Step.APPROVE}
    for index, record in enumerate(log.records):
        if record.step is not Step.APPROVE:
            continue
        review = review_for(log.records[:index], record)
        if review is None:
            problems.append(Problem(log.path, record.line,
                                    f"第 {record.line} 行的审批没有对应的审核记录（同一公开范围、同一内容指纹 "
                                    f"{record.fingerprint}）：先审核，后审批"))
        elif record.on < review.on:
            problems.append(Problem(log.path, record.line,
                                    f"审批日期 {record.on} 早于审核日期 {review.on}（第 {review.line} 行）：先审核，后审批"))
        elif review.by == record.by and latest[record.audience] is record:
            problems.append(Problem(log.path, record.line,
                                    f"审核人和审批人都是“{record.by}”：审核和审批一般应由不同的人负责",
                                    Severity.WARNING))
    return problems


def review_for(earlier: tuple[Record, ...], approve: Record) -> Record | None:
    """The latest review among ``earlier`` of exactly what ``approve`` approves."""
    matching = [r for r in earlier if r.step is Step.REVIEW and r.audience is approve.audience
                and r.fingerprint == approve.fingerprint]
    return matching[-1] if matching else None


# ---- writing ---------------------------------------------------------------------------------


def record_text(record: Record) -> str:
    """One record as the YAML block appended to the log (values quoted only where YAML needs it)."""
    lines = [f"- step: {record.step.label}", f"  by: {_scalar(record.by)}", f"  on: {record.on.isoformat()}"]
    if record.note:
        lines.append(f"  note: {_scalar(record.note)}")
    lines += [f"  audience: {record.audience.label}", f"  fingerprint: {record.fingerprint}", "  files:"]
    lines += [f"    {_scalar(name)}: {mark}" for name, mark in record.files.items()]
    lines.append(f"  chain: {record.chain}")
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
