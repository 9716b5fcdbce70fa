"""The tally grammar: a 民主评议党员 statistics sheet → each branch's evaluation counts.

Tallies differ in what they count and how: 正式党员 + 预备党员 instead of 党员总数,
参评党员数 or 参评人数, a 参评率 column, three grades (no 基本合格) or four, an
优秀党员名单 column.  A count the sheet does not give is derived where the rules fix it
(参加评定 = the sum of the grades, a grade with no column = 0, 党员总数 = 正式 + 预备),
else left to the branch file; a 参评率 is checked against the counts, never trusted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from generator.content import cells, schema
from generator.content.fieldtypes import MAX_DIGITS
from generator.office.headers import Column, Table, columns_of, find_table, footer, normal
from generator.office.sheets import Sheet, SheetError

FULL = Column("full", schema.FULL_MEMBER_HEADERS)
RATE = Column("rate", schema.PARTICIPATION_RATE_HEADERS)
BRANCH = Column("branch", schema.BRANCH["name"].headers, first=True)
NUMBER = Column("number", schema.ITEM["id"].headers)  # a line's 序号: read past, never a count
COLUMNS = (BRANCH, *columns_of(schema.EVALUATION), FULL, RATE, NUMBER)
NEEDED = ("branch", "excellent", "qualified")
_BLANK_GRADE = ("-", "—", "－", "/", "无")  # a grade nobody received is often left blank or dashed


@dataclass
class TallyRow:
    """One branch's line: where its name is, and the evaluation values the sheet gives or fixes."""

    name: str
    ref: str  # the cell of the name, for messages
    number: int  # its row (0-based)
    values: dict[str, Any] = field(default_factory=dict)


def tally_table(sheets: list[Sheet]) -> Table | None:
    """The 民主评议 statistics table, if the file has one."""
    for sheet in sheets:
        table = find_table(sheet, COLUMNS, NEEDED)
        if table:
            return table
    return None


def import_tally(table: Table) -> list[TallyRow]:
    """Every branch line of a tally (合计, 注 and signature rows skipped); raises ``SheetError`` on bad cells
    and on a branch written twice."""
    problems: list[str] = []
    rows: list[TallyRow] = []
    header = table.header_words()
    for number, values in table.body():
        name = cells.text(table.get(values, "branch"))
        texts = [t for v in values if (t := cells.text(v))]
        if (name is None or footer(texts[0]) or footer(name) or name.endswith(("合计", "小计", "总计"))
                or {normal(t) for t in texts} <= header):
            continue
        row = TallyRow(name, table.sheet.ref(number, table.column("branch") or 0), number)
        _read_counts(table, number, values, row, problems)
        rows.append(row)
    seen: dict[str, TallyRow] = {}
    for row in rows:
        if row.name in seen:
            problems.append(f"{row.ref}: 支部“{row.name}”在表中出现了两次（另一次在 {seen[row.name].ref}）；每个支部只能有一行")
        seen.setdefault(row.name, row)
    if problems:
        raise SheetError(problems)
    return rows


def total_notes(table: Table, rows: list[TallyRow]) -> list[str]:
    """A 合计 line that does not add up to the branch lines: a typo in one of them (or in the total), told, as the
    total itself is never imported."""
    notes = []
    for number, values in table.body():
        texts = [t for v in values if (t := cells.text(v))]
        if not texts or not (texts[0].startswith(("合计", "总计"))
                             or (cells.text(table.get(values, "branch")) or "").startswith(("合计", "总计"))):
            continue
        off = []
        for key in (k for k in schema.COUNTS if k in table.columns):
            written = cells.text(table.get(values, key))
            summed = sum(row.values.get(key) or 0 for row in rows)
            if written is not None and re.fullmatch(r"\d+", written) and int(written) != summed:
                off.append(f"{table.names[table.column(key) or 0]}合计写 {written}，各支部相加是 {summed}")
        if off:
            notes.append(f"{table.sheet.name} 第 {number + 1} 行的合计与各支部之和不一致：{'；'.join(off)}；"
                         "合计行不导入，请核对各支部的数字")
    return notes


def _read_counts(table: Table, number: int, values: list[Any], row: TallyRow, problems: list[str]) -> None:
    before = len(problems)
    read: dict[str, int | None] = {}
    for key in (*schema.COUNTS, "opinions", "full"):
        if key in table.columns:
            read[key] = _count(table, number, values, key, problems)
    if "honor_roll" in table.columns:
        names = cells.text(table.get(values, "honor_roll"))
        listed = cells.split_measures(names) if names else []  # numbered one a line, as the export writes them
        row.values["honor_roll"] = [n for line in listed for n in re.split(r"[、，,；;\s]+", line) if n]
    if len(problems) > before:
        return
    _derive(read, table, number, problems)
    row.values.update({k: v for k, v in read.items() if k != "full" and v is not None})
    rate = cells.text(table.get(values, "rate"))
    if rate is not None and rate not in _BLANK_GRADE:  # a dash: no rate written
        _check_rate(rate, row.values, table.sheet.ref(number, table.column("rate") or 0), problems)


def _count(table: Table, number: int, values: list[Any], key: str, problems: list[str]) -> int | None:
    value = cells.text(table.get(values, key))
    label = table.names[table.column(key) or 0]
    if key in schema.GRADES and (value is None or value in _BLANK_GRADE):
        return 0
    if key in ("members", "probationary", "full") and "full" in table.columns and value is None:
        return None  # left blank beside 正式党员: derived (``_derive``)
    if key == "probationary" and (value is None or value in _BLANK_GRADE):
        return None  # 预备党员 left blank: none (``_derive``)
    where = table.sheet.ref(number, table.column(key) or 0)
    if value is None or not re.fullmatch(r"\d+", value):
        problems.append(f"{where}: {label}应为不小于 0 的整数，现在是“{(value or '空')[:20]}”")
        return None
    if len(value) > MAX_DIGITS:
        problems.append(f"{where}: {label}数字太大（{len(value)} 位），最多 {MAX_DIGITS} 位")
        return None
    return int(value)


def _derive(read: dict[str, int | None], table: Table, number: int, problems: list[str]) -> None:
    """Counts the sheet leaves out but the rules fix: 党员总数 = 正式 + 预备, grades with no column = 0,
    参加评定 = the sum of the grades (预备党员 are not graded)."""
    full, members, probationary = read.get("full"), read.get("members"), read.get("probationary")
    if full is not None:
        if members is None:
            read["members"] = full + (probationary or 0)
        elif probationary is None and members is not None:
            read["probationary"] = members - full
            if members < full:
                problems.append(f"{table.sheet.ref(number, table.column('full') or 0)}: 正式党员 {full} 人，多于党员总数 {members} 人")
        elif members is not None and members != full + probationary:
            problems.append(f"{table.sheet.ref(number, table.column('members') or 0)}: 党员总数 {members} 不等于"
                            f"正式党员 {full} + 预备党员 {probationary}")
    if "probationary" in read and read["probationary"] is None:
        read["probationary"] = 0
    if "members" in read and read["members"] is None:
        problems.append(f"{table.sheet.ref(number, table.column('members') or 0)}: 党员总数不能为空（或填上正式党员人数）")
    for grade in schema.GRADES:
        read.setdefault(grade, 0)
    if "rated" not in read:
        read["rated"] = sum(read[g] or 0 for g in schema.GRADES)


def _check_rate(rate: str, counts: dict[str, Any], where: str, problems: list[str]) -> None:
    """参评率 as written (96.8%, 96.8, 0.968) against 参加评议 / 党员总数, to one decimal."""
    members, participants = counts.get("members"), counts.get("participants")
    try:
        written = Decimal(rate.rstrip("%％").strip())
    except InvalidOperation:
        problems.append(f"{where}: 参评率“{rate[:20]}”不是数字（应写成 96.8% 这样）")
        return
    if not members or participants is None:
        return
    if written <= 1 and not rate.rstrip().endswith(("%", "％")):
        written *= 100
    actual = (Decimal(participants) * 100 / Decimal(members)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    if abs(written - actual) > Decimal("0.1"):
        problems.append(f"{where}: 参评率写的是 {rate}，而参加评议 {participants} ÷ 党员总数 {members} = {actual}%；请核对")
