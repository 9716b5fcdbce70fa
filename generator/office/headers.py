"""Finding a table's header band in a sheet and naming its columns through the field declaration.

Real headers sit under title rows and 填报单位 rows, and often take two rows: a merged
group cell (整改责任, 评议等次, 其中) over the columns it groups (责任领导 | 责任科室).  A
column is named by its lowest header cell, matched against the headers a field declares
(``schema``), so the synonyms live with the field and never here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter

from generator.content import schema
from generator.content.cells import text
from generator.office.sheets import Sheet

HEADER_SCAN_ROWS = 30
# The note under the template's list (``export.template``): the importer skips it without a word.
TEMPLATE_NOTE = "说明：整改措施可在一格里分行写，或用“1. 2.”“（1）”“①”编号；整改时限写日期或“长期坚持”“立行立改”。"
# A row whose first text begins with one of these words is a footer (a note, a total, a signature or a date line).
_FOOTER = re.compile(r"^(?:备注|注|说明|填表人|填报人|制表人|审核人|审批人|负责人|联系人|联系电话|电话|公示时间|公示期|"
                     r"合计|总计|小计|签字|签名|盖章|日期|时间|单位负责人|支部书记签字|党组织书记)(?:[\s：:，,、.。（(]|$)")
_DATE_LINE = re.compile(r"^\d{4}\s*[年.\-/]\s*\d{1,2}\s*[月.\-/]\s*(?:\d{1,2}\s*日?)?$")


def footer(first_text: str) -> bool:
    """Whether a row led by this text is a footer, never an item or a branch."""
    return bool(_FOOTER.match(first_text) or _DATE_LINE.match(first_text))


@dataclass(frozen=True)
class Column:
    """A column a grammar reads: its key (a field's, or a grammar's own), its headers, and whether
    every column with one of them is read (owners spread over several columns) or only the first."""

    key: str
    headers: tuple[str, ...]
    several: bool = False
    first: bool = False  # matched before the others (a required field takes 反馈问题 before 问题来源 may)


def columns_of(record: schema.Record, *extra: Column) -> tuple[Column, ...]:
    """The declared fields with sheet headers (required ones first), then the grammar's own columns."""
    fields = [f for f in record.fields if f.headers]
    return (*(Column(f.key, f.headers, f.several, f.required) for f in fields), *extra)


@dataclass
class Table:
    """A table found in a sheet: where its header band is and which columns hold which key."""

    sheet: Sheet
    header_row: int  # first row of the header band
    body_start: int  # first row after it
    columns: dict[str, list[int]]
    names: list[str]  # every column's header as read (the lowest cell of the band)

    def body(self) -> list[tuple[int, list[Any]]]:
        return [(i, row) for i, row in enumerate(self.sheet.rows) if i >= self.body_start]

    def column(self, key: str) -> int | None:
        found = self.columns.get(key)
        return found[0] if found else None

    def get(self, row: list[Any], key: str) -> Any:
        column = self.column(key)
        return row[column] if column is not None and column < len(row) else None

    def header_words(self) -> set[str]:
        """Every header cell of the band, normalized (a header repeated further down, as printed pages do, is no item)."""
        return {name for row in self.sheet.rows[self.header_row:self.body_start] for v in row if (name := normal(v))}

    def title(self) -> str:
        """The text above the header (the sheet's title, 填报单位 …)."""
        return " ".join(str(v) for row in self.sheet.rows[: self.header_row] for v in row if v)


def normal(cell: Any) -> str:
    """A header as written, without spaces, stars, line breaks or a bracketed note (责任处室（单位） → 责任处室)."""
    if cell is None:
        return ""
    name = re.sub(r"[（(][^）)]*[）)]", "", str(cell))
    return re.sub(r"[\s*＊:：]", "", name)


def assign(names: list[str], wanted: tuple[Column, ...]) -> dict[str, list[int]]:
    """Key → its columns: for each key (``first`` ones before the rest) its most specific header
    present, or, for a ``several`` key, every column with any of its headers; a column serves one key."""
    used: set[int] = set()
    found: dict[str, list[int]] = {}
    for column in sorted(wanted, key=lambda c: not c.first):
        for header in column.headers:
            hits = [i for i, name in enumerate(names) if name == header and i not in used]
            if hits and not column.several:
                hits = hits[:1]
            if hits:
                found.setdefault(column.key, []).extend(hits)
                used.update(hits)
                if not column.several:
                    break
        if column.key in found:
            found[column.key].sort()
    return found


def _band(top: list[Any], sub: list[Any]) -> list[str]:
    """Column names of a two-row header: the sub-header cell where there is one, else the cell above."""
    width = max(len(top), len(sub))
    cells = [(top[i] if i < len(top) else None, sub[i] if i < len(sub) else None) for i in range(width)]
    return [normal(below) or normal(above) for above, below in cells]


def find_table(sheet: Sheet, wanted: tuple[Column, ...], needed: tuple[str, ...]) -> Table | None:
    """The first header band (one row, or two with a group row above) that has every ``needed`` key.

    Two rows are read as one band only when the upper row names a column itself (a title or 填报单位
    row above a one-row header is no group row) and the lower row names more columns than the upper
    alone, so the first item under a one-row header is never taken for a sub-header.
    """
    rows = sheet.rows
    for index in range(min(HEADER_SCAN_ROWS, len(rows))):
        single = [normal(cell) for cell in rows[index]]
        one = assign(single, wanted)
        two: dict[str, list[int]] = {}
        if one and index + 1 < len(rows):
            double = _band(rows[index], rows[index + 1])
            two = assign(double, wanted)
        if sum(map(len, two.values())) > sum(map(len, one.values())) and all(k in two for k in needed):
            return Table(sheet, index, index + 2, two, double)
        if all(k in one for k in needed):
            return Table(sheet, index, index + 1, one, single)
    return None


def unread_columns(table: Table, rows: set[int]) -> list[str]:
    """Columns with content in ``rows`` that no key reads (the clerk is told: never dropped without a word)."""
    used = {c for columns in table.columns.values() for c in columns}
    notes = []
    for column in range(max((len(row) for row in table.sheet.rows), default=0)):
        if column in used or not any(column < len(row) and text(row[column]) for n, row in table.body() if n in rows):
            continue
        name = table.names[column] if column < len(table.names) else ""
        notes.append(f"{table.sheet.name} 的 {get_column_letter(column + 1)} 列“{name or '没有表头'}”程序不认识，没有导入")
    return notes
