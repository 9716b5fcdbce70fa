"""Workbooks for the office: a blank template that imports cleanly, and the content as a record.

Both use the column names ``importer`` reads first, so an exported workbook
imports back to the same content.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .figures import COUNTS, compute, ledger
from .model import Audience, Branch, Content, Item, Status

# (header, width, field)
COLUMNS = (
    ("序号", 6, "id"), ("问题类别", 12, "category"), ("问题来源", 12, "source"), ("存在问题", 40, "problem"),
    ("整改措施", 48, "measures"), ("整改目标", 24, "target"), ("责任人", 10, "owner"), ("整改时限", 14, "deadline"),
    ("完成情况", 10, "status"), ("完成时间", 14, "completed"), ("整改进展", 30, "progress"), ("公开范围", 10, "audience"),
)
TALLY_COLUMNS = ("支部名称", "党员总数", "预备党员", "参加评议", "参加评定", "优秀", "合格", "基本合格", "不合格")
TEMPLATE_ROWS = 200
_RED = PatternFill("solid", fgColor="B71C1C")
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _title(ws: Worksheet, text: str, width: int) -> None:
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(1, 1, text).font = Font(size=16, bold=True)
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


def _validations(ws: Worksheet, first: int, last: int) -> None:
    """Drop-downs and date checks, so what is typed imports cleanly."""
    letter = {field: get_column_letter(i) for i, (_, _, field) in enumerate(COLUMNS, start=1)}
    status = DataValidation(type="list", formula1='"' + ",".join(s.label for s in Status) + '"', allow_blank=True,
                            error="请从下拉列表中选择：未开始、整改中、已完成、已销号", showErrorMessage=True)
    audience = DataValidation(type="list", formula1='"公开,党内"', allow_blank=True, showErrorMessage=True,
                              error="请选择 公开 或 党内")
    completed = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True,
                               showErrorMessage=True, error="请填写日期，例如 2024-06-30")
    d = letter["deadline"]
    deadline = DataValidation(type="custom", formula1=f'OR(ISNUMBER({d}{first}),{d}{first}="长期坚持",{d}{first}="立行立改")',
                              allow_blank=True, showErrorMessage=True, error="请填写日期（2024-06-30），或 长期坚持、立行立改")
    for validation, field in ((status, "status"), (audience, "audience"), (completed, "completed"), (deadline, "deadline")):
        validation.add(f"{letter[field]}{first}:{letter[field]}{last}")
        ws.add_data_validation(validation)


def _list_sheet(ws: Worksheet, title: str) -> None:
    _title(ws, title, len(COLUMNS))
    ws.cell(2, 1, "填报单位：").font = Font(color="666666")
    ws.cell(2, 7, "填报时间：").font = Font(color="666666")
    _header(ws, 3, [c[0] for c in COLUMNS], [c[1] for c in COLUMNS])


def _tally_sheet(book: Workbook) -> Worksheet:
    """The 民主评议 sheet with its title and header (rows start at 3)."""
    tally = book.create_sheet("民主评议")
    _title(tally, "民主评议党员情况统计表", len(TALLY_COLUMNS))
    _header(tally, 2, list(TALLY_COLUMNS), [22] + [10] * (len(TALLY_COLUMNS) - 1))
    return tally


def template(path: Path) -> None:
    """A blank 整改清单 (with drop-downs) and a blank 民主评议 tally."""
    book = Workbook()
    ws = book.active
    ws.title = "整改清单"
    _list_sheet(ws, "××党支部组织生活会整改清单")
    for row in range(4, 4 + TEMPLATE_ROWS):
        for column in range(1, len(COLUMNS) + 1):
            ws.cell(row, column).alignment = Alignment(wrap_text=True, vertical="top")
    for column in ("H", "J"):
        for row in range(4, 4 + TEMPLATE_ROWS):
            ws[f"{column}{row}"].number_format = "yyyy-mm-dd"
    _validations(ws, 4, 3 + TEMPLATE_ROWS)
    ws.cell(5 + TEMPLATE_ROWS, 1, "说明：整改措施可在一格里分行写，或用“1. 2.”“（1）”“①”编号；整改时限写日期或“长期坚持”“立行立改”。")
    tally = _tally_sheet(book)
    whole = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                           showErrorMessage=True, error="请填写不小于 0 的整数")
    whole.add(f"B3:{get_column_letter(len(TALLY_COLUMNS))}{3 + TEMPLATE_ROWS}")
    tally.add_data_validation(whole)
    book.save(path)


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "", name)[:28] or "支部"
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base[:25]}({n})", n + 1
    used.add(candidate)
    return candidate


def _cell_value(item: Item, field: str) -> object:
    if field == "measures":
        return "\n".join(f"{i}. {m}" for i, m in enumerate(item.measures, start=1))
    if field == "deadline":
        return item.deadline.date or item.deadline.kind.label
    if field == "status":
        return item.status.label
    if field == "audience":
        return item.audience.label
    return getattr(item, field)


def _write_items(ws: Worksheet, first_row: int, rows: list[tuple[Branch | None, Item]]) -> None:
    offset = 1 if rows and rows[0][0] is not None else 0
    for r, (branch, item) in enumerate(rows, start=first_row):
        if branch is not None:
            ws.cell(r, 1, branch.name)
        for c, (_, _, field) in enumerate(COLUMNS, start=1 + offset):
            cell = ws.cell(r, c, _cell_value(item, field))
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = _BORDER
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"


def export(content: Content, path: Path, as_of: dt.date) -> None:
    """One sheet per branch (every item, party-only included), the ledger, and the tally."""
    book = Workbook()
    book.remove(book.active)
    used: set[str] = {"整改台账", "民主评议"}
    for branch in content.branches:
        ws = book.create_sheet(_sheet_name(branch.name, used))
        _list_sheet(ws, f"{branch.name}整改清单（{branch.id}）")
        ws.cell(2, 2, content.board.organization)
        ws.cell(2, 8, as_of)
        ws.cell(2, 8).number_format = "yyyy-mm-dd"
        _write_items(ws, 4, [(None, item) for item in branch.items])
        _validations(ws, 4, 3 + max(len(branch.items), 1))
    ws = book.create_sheet("整改台账")
    _title(ws, f"{content.board.organization}{content.board.period}整改台账", len(COLUMNS) + 1)
    _header(ws, 2, ["支部", *(c[0] for c in COLUMNS)], [20, *(c[1] for c in COLUMNS)])
    rows = ledger(compute(content, Audience.PARTY, as_of))
    _write_items(ws, 3, [(bf.branch, item) for bf, item in rows])
    tally = _tally_sheet(book)
    evaluated = [b for b in content.branches if b.evaluation is not None]
    for r, branch in enumerate(evaluated, start=3):
        tally.cell(r, 1, branch.name)
        for c, key in enumerate(COUNTS, start=2):
            tally.cell(r, c, getattr(branch.evaluation, key))
    book.save(path)
