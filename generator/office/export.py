"""Workbooks for the office: a blank template that imports cleanly, and the content as a record.

Both use the column names ``importer`` reads first, so an exported workbook
imports back to the same content.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from generator.board.figures import compute, ledger
from generator.content import fieldtypes, schema
from generator.content.model import Audience, Branch, Content, Item
from generator.files import replacing
from generator.office.headers import TEMPLATE_NOTE

# The columns, from the declaration: the item's exported fields; the tally is the branch name and the eight counts.
COLUMNS = schema.ITEM.columns()
BRANCH_COLUMN = schema.BRANCH["name"]
TALLY_COLUMNS = (BRANCH_COLUMN, *schema.EVALUATION.columns())
TEMPLATE_ROWS = 200
DATE_FORMAT = "yyyy-mm-dd"
_RED = PatternFill("solid", fgColor="B71C1C")
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _title(ws: Worksheet, text: str, width: int) -> None:
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    _put(ws, 1, 1, text).font = Font(size=16, bold=True)  # a branch name may start with "="
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.row_dimensions[1].height = 28


def _header(ws: Worksheet, row: int, names: list[str], widths: list[int]) -> None:
    for column, (name, width) in enumerate(zip(names, widths, strict=True), start=1):
        cell = ws.cell(row, column, name)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _RED
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = ws.cell(row + 1, 1)


def _validations(ws: Worksheet, columns: tuple[schema.Field, ...], first: int, last: int) -> None:
    """Drop-downs and date checks on rows ``first``..``last``, so what is typed imports cleanly."""
    for column, field in enumerate(columns, start=1):
        letter = get_column_letter(column)
        spec = fieldtypes.check(field, f"{letter}{first}")
        if spec is not None:
            validation = DataValidation(**spec)
            validation.add(f"{letter}{first}:{letter}{last}")
            ws.add_data_validation(validation)


def _dated(columns: tuple[schema.Field, ...]) -> list[int]:
    """The (1-based) columns that hold dates."""
    return [i for i, f in enumerate(columns, start=1) if fieldtypes.dated(f)]


def _list_sheet(ws: Worksheet, title: str) -> tuple[int, int]:
    """Title, the 填报单位/填报时间 row and the header; returns the cells (row, column) for the unit and the date."""
    _title(ws, title, len(COLUMNS))
    ws.cell(2, 1, "填报单位：").font = Font(color="666666")
    when = _dated(COLUMNS)[0]  # the date goes under the first date column, which is wide enough for it
    ws.cell(2, when - 1, "填报时间：").font = Font(color="666666")
    _header(ws, 3, [f.header for f in COLUMNS], [f.width for f in COLUMNS])
    return (2, 2), (2, when)


def _tally_sheet(book: Workbook) -> Worksheet:
    """The 民主评议 sheet with its title and header (rows start at 3)."""
    tally = book.create_sheet("民主评议")
    _title(tally, "民主评议党员情况统计表", len(TALLY_COLUMNS))
    _header(tally, 2, [f.header for f in TALLY_COLUMNS], [f.width for f in TALLY_COLUMNS])
    return tally


def template(path: Path) -> None:
    """A blank 整改清单 (with drop-downs) and a blank 民主评议 tally."""
    book = Workbook()
    ws = book.active
    ws.title = "整改清单"
    _list_sheet(ws, "××党支部组织生活会整改清单")
    rows = range(4, 4 + TEMPLATE_ROWS)
    for row in rows:
        for column in range(1, len(COLUMNS) + 1):
            ws.cell(row, column).alignment = Alignment(wrap_text=True, vertical="top")
        for column in _dated(COLUMNS):
            ws.cell(row, column).number_format = DATE_FORMAT
    _validations(ws, COLUMNS, rows.start, rows.stop - 1)
    ws.cell(rows.stop + 1, 1, TEMPLATE_NOTE)
    tally = _tally_sheet(book)
    _validations(tally, TALLY_COLUMNS, 3, 2 + TEMPLATE_ROWS)
    for sheet in record_sheets():  # 党员承诺; a person's own items are typed on a 整改清单 (import --person)
        if len(sheet.path) == 1:
            _validations(sheet.make(book), sheet.columns, 3, 2 + TEMPLATE_ROWS)
    save(book, path)


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "", name)[:28] or "支部"
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base[:25]}({n})", n + 1
    used.add(candidate)
    return candidate


def _cell_value(item: object, field: schema.Field) -> object:
    """A field's value in a cell, as the importer reads it back (``fieldtypes.cell``)."""
    return fieldtypes.cell(field, getattr(item, field.name))


# Text a spreadsheet would take for a formula (or turn into one when the cell is edited).
FORMULA_LIKE = ("=", "+", "-", "@")


def _put(ws: Worksheet, row: int, column: int, value: object) -> Cell:
    """A cell holding ``value`` as it is: text is always text, never a formula.

    openpyxl stores a string that starts with ``=`` as a formula; such text (and text starting
    with ``+``, ``-`` or ``@``) is written as a string cell with Excel's quote prefix, the way
    Excel and WPS keep text typed after an apostrophe: shown as typed, read back as typed.
    """
    cell = ws.cell(row, column, value)
    if isinstance(value, str) and value.startswith(FORMULA_LIKE):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _write_items(ws: Worksheet, first_row: int, rows: list[tuple[Branch | None, Item]]) -> None:
    offset = 1 if rows and rows[0][0] is not None else 0
    for r, (branch, item) in enumerate(rows, start=first_row):
        if branch is not None:
            _put(ws, r, 1, _cell_value(branch, BRANCH_COLUMN))
        for c, field in enumerate(COLUMNS, start=1 + offset):
            cell = _put(ws, r, c, _cell_value(item, field))
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = _BORDER
            if isinstance(cell.value, dt.date):
                cell.number_format = DATE_FORMAT


def export(content: Content, path: Path, as_of: dt.date) -> None:
    """One sheet per branch (every item, party-only included), the ledger, and the tally."""
    book = Workbook()
    book.remove(book.active)
    used: set[str] = {"整改台账", "民主评议"}
    for branch in content.branches:
        ws = book.create_sheet(_sheet_name(branch.name, used))
        unit, when = _list_sheet(ws, f"{branch.name}整改清单（{branch.id}）")
        _put(ws, *unit, content.board.organization)
        ws.cell(*when, as_of).number_format = DATE_FORMAT
        _write_items(ws, 4, [(None, item) for item in branch.items])
        _validations(ws, COLUMNS, 4, 3 + max(len(branch.items), 1))
    ws = book.create_sheet("整改台账")
    ledger_columns = (BRANCH_COLUMN, *COLUMNS)
    _title(ws, f"{content.board.organization}{content.board.period}整改台账", len(ledger_columns))
    _header(ws, 2, [f.header for f in ledger_columns], [f.width for f in ledger_columns])
    rows = ledger(compute(content, Audience.PARTY, as_of))
    _write_items(ws, 3, [(bf.branch, item) for bf, item in rows])
    tally = _tally_sheet(book)
    evaluated = [b for b in content.branches if b.evaluation is not None]
    for r, branch in enumerate(evaluated, start=3):
        _put(tally, r, 1, _cell_value(branch, BRANCH_COLUMN))
        for c, field in enumerate(TALLY_COLUMNS[1:], start=2):
            _put(tally, r, c, _cell_value(branch.evaluation, field))
    for sheet in record_sheets():
        sheet.fill(sheet.make(book), content)
    save(book, path)


@dataclass(frozen=True)
class RecordSheet:
    """The sheet of one list of records a branch holds (``schema``), board-wide: 党员承诺, 个人整改清单 …

    Its columns: the branch's name, the holder's first column when the list is inside
    another record (a person's items: 姓名), then the record's own columns.  Any
    list declared on a branch gets one, every audience included (the export is the office's record).
    """

    path: tuple[schema.Field, ...]  # the records fields from the branch down to this list
    name: str

    @property
    def columns(self) -> tuple[schema.Field, ...]:
        holders = tuple(f.record.columns()[0] for f in self.path[:-1])
        return (BRANCH_COLUMN, *holders, *self.path[-1].record.columns())

    def make(self, book: Workbook) -> Worksheet:
        ws = book.create_sheet(self.name)
        _title(ws, self.name, len(self.columns))
        _header(ws, 2, [f.header for f in self.columns], [f.width for f in self.columns])
        return ws

    def rows(self, content: Content) -> Iterator[tuple[object, ...]]:
        """Per record: the branch, each holder, the record."""
        def walk(holders: tuple[object, ...], fields: tuple[schema.Field, ...]) -> Iterator[tuple[object, ...]]:
            for obj in getattr(holders[-1], fields[0].name):
                yield from ([(*holders, obj)] if len(fields) == 1 else walk((*holders, obj), fields[1:]))

        for branch in content.branches:
            yield from walk((branch,), self.path)

    def fill(self, ws: Worksheet, content: Content) -> None:
        last = 2
        for last, row in enumerate(self.rows(content), start=3):
            owners = (*row[:-1], *([row[-1]] * len(self.path[-1].record.columns())))
            for c, (obj, field) in enumerate(zip(owners, self.columns, strict=True), start=1):
                cell = _put(ws, last, c, _cell_value(obj, field))
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if isinstance(cell.value, dt.date):
                    cell.number_format = DATE_FORMAT
        _validations(ws, self.columns, 3, max(last, 3))


def record_sheets() -> list[RecordSheet]:
    """A sheet for every list of records a branch holds besides its own 整改清单 (which has its sheets above)."""
    def under(path: tuple[schema.Field, ...]) -> Iterator[RecordSheet]:
        record = path[-1].record
        yield RecordSheet(path, record.sheet or path[-1].label)
        for field in record.lists():
            yield from under((*path, field))

    return [sheet for field in schema.BRANCH.lists() if field.key != "rectifications" for sheet in under((field,))]


def save(book: Workbook, path: Path) -> None:
    """Write beside ``path`` and rename over it (a failed save leaves the old file), keeping its mode."""
    with replacing(path) as temp:
        book.save(temp)
