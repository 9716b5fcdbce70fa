"""The grammar of a sheet of records other than items, one row per record: 党员承诺 (姓名, 职务,
承诺内容, 践诺情况, 公开范围), or any list a branch holds in ``schema``.

The columns are the record's declared headers; a 支部名称 column (a board-wide export)
keeps the rows of the one branch imported, the others are counted, never read into it.
Rows are keyed by the record's first column (a person's 姓名): the sheet updates and adds,
and what the file has beyond the sheet's columns (a person's own items) stays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.content import cells, schema
from generator.office.headers import Column, Table, columns_of, find_table, footer
from generator.office.itemrows import audience_columns, read_record
from generator.office.sheets import Sheet, SheetError

BRANCH = Column("branch", schema.BRANCH["name"].headers)


@dataclass
class Rows:
    """What a record sheet yields for one branch: each record's values, the keys given, notes for the clerk."""

    table: Table
    records: list[tuple[dict[str, Any], set[str]]]
    notes: list[str] = field(default_factory=list)


def needed(record: schema.Record) -> tuple[str, ...]:
    """The columns that make a sheet one of this record's: its required fields that have sheet headers."""
    return tuple(f.key for f in record.fields if f.required and f.headers)


def record_table(sheets: list[Sheet], record: schema.Record, wanted: str | None = None) -> Table | None:
    """The record's table: the named sheet's, else the first sheet holding the record's columns beside its key."""
    columns = columns_of(record, BRANCH)
    more = [f.key for f in record.fields if f.headers and not f.required]
    for sheet in sheets:
        if wanted is not None and sheet.name != wanted:
            continue
        table = find_table(sheet, columns, needed(record))
        if table is not None and (wanted is not None or any(key in table.columns for key in more)):
            return table
    return None


def has_rows(table: Table) -> bool:
    """Whether the table holds any record (a blank template's sheet holds none)."""
    return any(cells.text(v) for _, values in table.body() for v in values)


def import_records(table: Table, record: schema.Record, branch_names: tuple[str, ...]) -> Rows:
    """Every record row of ``table`` for the branch called one of ``branch_names``; raises ``SheetError`` with
    every bad cell."""
    rows = Rows(table, [])
    body = [(n, values) for n, values in table.body()
            if (texts := [t for v in values if (t := cells.text(v))]) and not footer(texts[0])]
    mine = [(n, values) for n, values in body
            if (branch := cells.text(table.get(values, BRANCH.key))) is None or branch in branch_names]
    problems: list[str] = audience_columns(table, {n for n, _ in mine})  # a 是否公开 column is never ignored
    key = record.fields[0].key
    seen: dict[str, int] = {}
    for number, values in mine:
        read = read_record(table, number, values, record, problems)
        if read is None:
            continue
        name = read[0].get(key)
        if name in seen:
            problems.append(f"{table.sheet.ref(number, table.column(key) or 0)}: “{name}”与第 {seen[name] + 1} 行重复")
        seen[name] = number
        rows.records.append(read)
    if problems:
        raise SheetError(problems)
    if elsewhere := len(body) - len(mine):
        rows.notes.append(f"“{table.sheet.name}”里另有 {elsewhere} 行属于其他支部，没有导入到这个支部")
    return rows
