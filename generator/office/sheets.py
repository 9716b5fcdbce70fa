"""Reading an office's file (.xlsx or .csv) into plain grids, within limits checked before the work.

Nothing here knows what a rectification list or a tally is: a sheet is a grid of
values with merged cells spread over their range, and every refusal names the file
or the cell (``整改清单!F7: …``), so nothing is imported from a file that has errors.
"""

from __future__ import annotations

import csv
import io
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from generator.content.source import MAX_TEXT_CHARS, control_problem, decode, os_reason

# Limits, each checked before the work it bounds, each with a message (never a silent cut):
MAX_ROWS = 20_000  # rows of one sheet
MAX_CELLS = 400_000  # cells of a workbook, counted in its XML before openpyxl builds one object per cell
MAX_FILE_BYTES = 20 * 1024 * 1024  # the file as it is on disk
MAX_INFLATED_BYTES = 40 * 1024 * 1024  # an .xlsx unpacked (a 3 MB file can hold 800 MB of XML; 20,000 rows are ~10 MB)
MAX_CELL_CHARS = MAX_TEXT_CHARS  # one cell: the same cap as one text in a branch file
MAX_GRID = 5 * MAX_CELLS  # rows × columns a sheet spans: one cell at XFD1048576 spans 17 billion


class SheetError(Exception):
    """A sheet that cannot be imported; ``problems`` are ``sheet!cell: message`` lines."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Sheet:
    """One sheet as a grid of values (merged cells already spread over their range)."""

    name: str
    rows: list[list[Any]]
    merges_lost: bool = False  # a CSV: a merged cell kept its value in its first row only
    spread: frozenset[tuple[int, int]] = frozenset()  # (row, column) of cells given their value by a merged cell

    def ref(self, row: int, column: int) -> str:
        return f"{self.name}!{get_column_letter(column + 1)}{row + 1}"


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of an .xlsx, or the one table of a .csv, within the limits above."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise SheetError([f"{path.name}: 只能导入 .xlsx 或 .csv 文件（WPS/Excel 里“另存为”即可）；.xls 请先另存为 .xlsx"])
    try:
        info = path.stat()
    except OSError as exc:
        raise SheetError([f"{path}: 无法读取文件：{os_reason(exc)}"]) from None
    if not stat.S_ISREG(info.st_mode):  # a pipe would never answer, /dev/zero never end
        raise SheetError([f"{path}: 不是普通文件（是文件夹、设备或管道），不能导入"])
    size = info.st_size
    if size > MAX_FILE_BYTES:
        raise SheetError([f"{path.name}: 文件太大（{_mb(size)}），最多 {_mb(MAX_FILE_BYTES)}；"
                          "一个支部的整改清单不会这么大，请检查是否选错了文件，或把表格拆开分别导入"])
    sheets = [_read_csv(path)] if suffix == ".csv" else _read_xlsx(path)
    problems = [problem for sheet in sheets for problem in _cell_problems(sheet)]
    if problems:
        raise SheetError(problems)
    return sheets


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _too_many_rows(name: str, rows: int) -> SheetError:
    return SheetError([f"{name}: 有 {rows} 行，超过上限 {MAX_ROWS} 行；请把表格拆开分别导入（没有导入任何一行）"])


def _cell_problems(sheet: Sheet) -> list[str]:
    """Cells no branch file may hold: too long, or with control characters (terminal escapes, NUL)."""
    problems = []
    for r, row in enumerate(sheet.rows):
        for c, value in enumerate(row):
            if not isinstance(value, str):
                continue
            if len(value) > MAX_CELL_CHARS:
                problems.append(f"{sheet.ref(r, c)}: 这一格有 {len(value)} 个字，每格最多 {MAX_CELL_CHARS} 个字")
            elif control := control_problem(value.replace("\r", "")):
                problems.append(f"{sheet.ref(r, c)}: {control}")
            if len(problems) >= 50:
                return [*problems, f"{sheet.name}: ……还有更多格有问题，先改正以上各格"]
    return problems


def _read_csv(path: Path) -> Sheet:
    text, problems = decode(path.read_bytes(), path.name)
    if text is None:
        raise SheetError([str(p) for p in problems])
    reader = csv.reader(io.StringIO(text))
    try:
        rows = list(reader)
    except csv.Error as exc:
        limit = csv.field_size_limit()
        reason = (f"有一格超过 {limit // 1024} KB（{limit} 个字），不像是整改清单的内容"
                  if "field limit" in str(exc) else "格式错误（引号没有成对？）")
        raise SheetError([f"{path.name}: 第 {reader.line_num} 行{reason}；请检查这一行"]) from None
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if len(rows) > MAX_ROWS:
        raise _too_many_rows(path.name, len(rows))
    return Sheet(path.stem, [[cell if cell.strip() else None for cell in row] for row in rows], merges_lost=True)


_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _sizes(path: Path) -> tuple[int, dict[str, tuple[int, int]]]:
    """What an .xlsx unpacks to, and each worksheet's (rows, cells), counted by streaming its XML.

    zipfile stops at the declared sizes, so the count costs at most ``MAX_INFLATED_BYTES`` of reading
    and a few KB of memory; a dimension element can lie, the tags cannot.  (0, {}) if not a zip.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
            if inflated > MAX_INFLATED_BYTES:
                return inflated, {}
            return inflated, {name: _count_tags(archive, name) for name in archive.namelist()
                              if name.startswith("xl/worksheets/") and name.endswith(".xml")}
    except (zipfile.BadZipFile, OSError, RuntimeError):
        return 0, {}  # not a workbook (or an encrypted one): load_workbook below says so


def _count_tags(archive: zipfile.ZipFile, name: str) -> tuple[int, int]:
    rows = cells = 0
    tail = b""
    with archive.open(name) as stream:
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            cut = data.rfind(b"<")  # no tag straddles a cut made where one begins: it is counted with the next chunk
            if cut <= 0:  # one "<" at the start (a huge text): wait for the next, within reason
                cut = 0 if len(data) < (8 << 20) else len(data)
            rows += len(_ROW_TAG.findall(data, 0, cut))
            cells += len(_CELL_TAG.findall(data, 0, cut))
            tail = data[cut:]
    return rows + len(_ROW_TAG.findall(tail)), cells + len(_CELL_TAG.findall(tail))


def _refuse_large(path: Path) -> None:
    """Refuse a workbook too large to load, before openpyxl builds it (a 77 KB file can hold millions of cells)."""
    inflated, sheets = _sizes(path)
    if inflated > MAX_INFLATED_BYTES:
        raise SheetError([f"{path.name}: 工作簿解压后有 {_mb(inflated)}，最多 {_mb(MAX_INFLATED_BYTES)}；"
                          "请检查是否选错了文件，或删去不需要的工作表、把表格拆开后再导入"])
    rows = max((r for r, _ in sheets.values()), default=0)
    if rows > MAX_ROWS:
        raise _too_many_rows(path.name, rows)
    cells = sum(c for _, c in sheets.values())
    if cells > MAX_CELLS:
        raise SheetError([f"{path.name}: 工作簿有 {cells} 个单元格（含设置了格式的空格），最多 {MAX_CELLS} 个；"
                          "请删去不需要的工作表和空白行列（或只复制表格部分到新工作簿）后再导入"])


def _read_xlsx(path: Path) -> list[Sheet]:
    _refuse_large(path)
    try:
        workbook = load_workbook(path, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is one message
        raise SheetError([f"{path.name}: 无法打开这个 Excel 文件（{type(exc).__name__}）；请用 Excel/WPS 另存为 .xlsx 后再试"]) from None
    _refuse_far_cells(path, workbook)
    uncomputed = _uncomputed_formulas(path, workbook)
    if uncomputed:
        raise SheetError(uncomputed)
    sheets = []
    for ws in workbook.worksheets:
        rows = [list(row) for row in ws.iter_rows(values_only=True)]
        while rows and all(value is None or (isinstance(value, str) and not value.strip()) for value in rows[-1]):
            rows.pop()  # formatted but empty rows at the end
        if len(rows) > MAX_ROWS:
            raise _too_many_rows(f"{path.name} 的工作表“{ws.title}”", len(rows))
        spread = set()
        for merged in ws.merged_cells.ranges:
            value = ws.cell(merged.min_row, merged.min_col).value
            for r in range(merged.min_row - 1, min(merged.max_row, len(rows))):
                for c in range(merged.min_col - 1, merged.max_col):
                    if c < len(rows[r]):
                        rows[r][c] = value
                        spread.add((r, c))
            spread.discard((merged.min_row - 1, merged.min_col - 1))
        sheets.append(Sheet(ws.title, rows, spread=frozenset(spread)))
    return sheets


def _refuse_far_cells(path: Path, workbook: Any) -> None:
    """Refuse a sheet whose cells span more than ``MAX_GRID``: its few cells counted in the XML are
    fine, but reading it row by row would make a grid of every position up to the farthest one."""
    for ws in workbook.worksheets:
        rows, columns = ws.max_row, ws.max_column
        if rows > MAX_ROWS or rows * columns > MAX_GRID:
            far = max(ws._cells, key=lambda rc: rc[0] * columns + rc[1])  # noqa: SLF001 - the cells as stored
            raise SheetError([f"{path.name} 的工作表“{ws.title}”: 有一格远在 {get_column_letter(far[1])}{far[0]}，"
                              f"表格范围 {rows} 行 × {columns} 列，超过上限（{MAX_ROWS} 行、共 {MAX_GRID} 格）；"
                              "请删去表格以外不需要的格子（或只复制表格部分到新工作簿）后再导入"])


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _uncomputed_formulas(path: Path, workbook: Any) -> list[str]:
    """Formula cells the file holds no result for (written by a program, never opened in Excel/WPS).

    Read for their values they look empty, so a 公开范围 of ``=IF(…,"党内")`` would turn
    the item public and a formula in 整改进展 would be dropped without a word.
    """
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        if not any(_FORMULA.search(archive.read(n)) for n in sheets):
            return []
    problems = []
    formulas = load_workbook(path, data_only=False)
    for values, cells in zip(workbook.worksheets, formulas.worksheets, strict=True):
        for row in cells.iter_rows():
            for cell in row:
                if cell.data_type == "f" and values[cell.coordinate].value is None:
                    problems.append(f"{values.title}!{cell.coordinate}: 这一格是公式“{str(cell.value)[:40]}”，文件里没有它的计算结果"
                                    "（没有在 Excel/WPS 里保存过）：请用 Excel/WPS 打开、保存后再导入，或把它改成文字")
                    if len(problems) >= 50:
                        return [*problems, f"{values.title}: ……还有更多公式，先处理以上各格"]
    return problems
