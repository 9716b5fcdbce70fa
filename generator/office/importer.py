"""Spreadsheets as offices keep them (xlsx, CSV) → rectification items / evaluation counts.

Real sheets have a merged title row, a 填报单位 row, a header row written in
the office's own words, merged cells, several numbered measures in one cell
and dates in every form; a signature row closes them.  This module finds the
header by its names, reads what is under it, and reports every bad cell as
``整改清单!F7: …`` so nothing is imported from a sheet that has errors.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from generator.content import schema
from generator.content.dates import DateError, parse_date
from generator.content.load import MAX_DIGITS, parse_choice
from generator.content.model import DeadlineKind, Labeled, Status
from generator.content.source import MAX_TEXT_CHARS, control_problem, decode, os_reason

# Limits, each checked before the work it bounds, each with a message (never a silent cut):
MAX_ROWS = 20_000  # rows of one sheet
MAX_FILE_BYTES = 20 * 1024 * 1024  # the file as it is on disk
MAX_INFLATED_BYTES = 40 * 1024 * 1024  # an .xlsx unpacked (a 3 MB file can hold 800 MB of XML; 20,000 rows are ~10 MB)
MAX_CELL_CHARS = MAX_TEXT_CHARS  # one cell: the same cap as one text in a branch file
HEADER_SCAN_ROWS = 30

# Field → header names, most specific first (the first column found wins); from the declaration.
ITEM_HEADERS: dict[str, tuple[str, ...]] = {**schema.ITEM.headers(), "remark": ("备注",)}  # 备注 joins 整改进展
TALLY_HEADERS: dict[str, tuple[str, ...]] = {
    "branch": schema.BRANCH["name"].headers,
    **{key: schema.EVALUATION[key].headers for key in schema.COUNTS},
}
_NUMBERING = re.compile(r"^\s*(?:[（(]\s*\d+\s*[)）]|\d+\s*[.、．)）]|[①-⑳]|[一二三四五六七八九十]+\s*[、.．])\s*")
_SEPARATORS = "，,。；;：:、 \n"
_TRAILING = re.compile(r"[\s；;。，,、]+$")
# A row that begins with one of these words is a note or a signature line, not an item.
_NOTE_ROW = re.compile(r"^(?:备注|注|说明|填表人|审核人)(?:[\s：:，,、.。]|$)")


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

    def ref(self, row: int, column: int) -> str:
        return f"{self.name}!{get_column_letter(column + 1)}{row + 1}"


@dataclass
class Table:
    sheet: Sheet
    header_row: int
    columns: dict[str, int]

    def body(self) -> list[tuple[int, list[Any]]]:
        return [(i, row) for i, row in enumerate(self.sheet.rows) if i > self.header_row]

    def get(self, row: list[Any], field: str) -> Any:
        column = self.columns.get(field)
        return row[column] if column is not None and column < len(row) else None


@dataclass
class Imported:
    """What a rectification sheet yields: YAML-ready items and notes for the clerk."""

    items: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)


# ---- reading files ------------------------------------------------------------------------------


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


_PARTY_WORDS = re.compile(r"党内|不公开|不宜公开|不予公开|保密|涉密|密级")


def _unused_audience_columns(table: Table) -> list[str]:
    """Columns that look like an audience (是否公开, 公开情况 …) but are not read as 公开范围: never ignored.

    Told by the header, or by what is written under it (a column 范围 holding 仅党内).
    """
    header = table.sheet.rows[table.header_row]
    used = set(table.columns.values())
    problems = []
    fix = f"请把表头改为“{schema.ITEM['audience'].header}”，每行填 公开 或 党内（不公开的事项写 党内）"
    for column, cell in enumerate(header):
        name = _normal(cell)
        if column in used:
            continue
        texts = [(n, text) for n, row in table.body() if column < len(row) and (text := _text(row[column]))]
        if not texts:
            continue
        if any(word in name for word in ("公开", "党内", "保密", "密级")):
            problems.append(f"{table.sheet.ref(table.header_row, column)}: 不认识的列“{name}”，它的内容不能忽略：{fix}")
            continue
        marked = next(((n, text) for n, text in texts if _PARTY_WORDS.search(text)), None)
        if marked:
            problems.append(f"{table.sheet.ref(marked[0], column)}: 程序不读“{name or '没有表头的'}”列，但这一格写着"
                            f"“{marked[1][:20]}”，不能忽略：如果它说的是公开范围，{fix}；否则请删去这一列")
    return problems


def unread_columns(table: Table) -> list[str]:
    """Columns with content that no field reads (the clerk is told: never dropped without a word)."""
    header = table.sheet.rows[table.header_row]
    used = set(table.columns.values())
    notes = []
    for column in range(max(len(row) for row in table.sheet.rows)):
        if column in used or not any(column < len(row) and _text(row[column]) for _, row in table.body()):
            continue
        name = _normal(header[column]) if column < len(header) else ""
        notes.append(f"{table.sheet.name} 的 {get_column_letter(column + 1)} 列“{name or '没有表头'}”程序不认识，没有导入")
    return notes


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


def _inflated_size(path: Path) -> int:
    """What an .xlsx unpacks to, from its directory (zipfile stops at the declared sizes), 0 if not a zip."""
    try:
        with zipfile.ZipFile(path) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return 0  # not a workbook: load_workbook below says so


def _read_xlsx(path: Path) -> list[Sheet]:
    inflated = _inflated_size(path)
    if inflated > MAX_INFLATED_BYTES:
        raise SheetError([f"{path.name}: 工作簿解压后有 {_mb(inflated)}，最多 {_mb(MAX_INFLATED_BYTES)}；"
                          "请检查是否选错了文件，或删去不需要的工作表、把表格拆开后再导入"])
    try:
        workbook = load_workbook(path, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is one message
        raise SheetError([f"{path.name}: 无法打开这个 Excel 文件（{type(exc).__name__}）；请用 Excel/WPS 另存为 .xlsx 后再试"]) from None
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
        for merged in ws.merged_cells.ranges:
            value = ws.cell(merged.min_row, merged.min_col).value
            for r in range(merged.min_row - 1, min(merged.max_row, len(rows))):
                for c in range(merged.min_col - 1, merged.max_col):
                    if c < len(rows[r]):
                        rows[r][c] = value
        sheets.append(Sheet(ws.title, rows))
    return sheets


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


# ---- finding the table --------------------------------------------------------------------------


def _normal(text: Any) -> str:
    """A header as written, without spaces, stars, line breaks or a bracketed note."""
    if text is None:
        return ""
    text = re.sub(r"[（(][^）)]*[）)]", "", str(text))
    return re.sub(r"[\s*＊:：]", "", text)


def _columns(row: list[Any], headers: dict[str, tuple[str, ...]]) -> dict[str, int]:
    names = [_normal(cell) for cell in row]
    columns: dict[str, int] = {}
    for field_name, synonyms in headers.items():
        for synonym in synonyms:
            if synonym in names and names.index(synonym) not in columns.values():
                columns[field_name] = names.index(synonym)
                break
    return columns


def find_table(sheet: Sheet, headers: dict[str, tuple[str, ...]], needed: tuple[str, ...]) -> Table | None:
    for index, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        columns = _columns(row, headers)
        if all(name in columns for name in needed):
            return Table(sheet, index, columns)
    return None


def rectification_table(sheets: list[Sheet], wanted: str | None = None, hints: tuple[str, ...] = ()) -> Table:
    """The rectification table: the named sheet, else one matching a hint, else the only one."""
    needed = (schema.ITEM["problem"], schema.ITEM["measures"])
    tables = [t for s in sheets if (t := find_table(s, ITEM_HEADERS, tuple(f.key for f in needed)))]
    if wanted is not None:
        chosen = [t for t in tables if t.sheet.name == wanted]
        if not chosen:
            raise SheetError([f"没有名为“{wanted}”、带有" + "".join(f"“{f.header}”" for f in needed) + "表头的工作表"])
        return chosen[0]
    if not tables:
        either = "和".join(f"“{f.header}（或 {f.headers[-1]}）”" for f in needed)
        raise SheetError([f"没有找到整改清单的表头：需要{either}两列"])
    hinted = [t for t in tables if any(h and (h == t.sheet.name or h in _title_of(t)) for h in hints)]
    if len(hinted) == 1 or len(tables) == 1:
        return (hinted or tables)[0]
    names = "、".join(t.sheet.name for t in tables)
    raise SheetError([f"有多张整改清单（{names}），请用 --sheet 指定要导入哪一张"])


def _title_of(table: Table) -> str:
    return " ".join(str(v) for row in table.sheet.rows[: table.header_row] for v in row if v)


# ---- cells --------------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).replace("\r\n", "\n").strip()
    return text or None


def split_measures(text: str) -> list[str]:
    """One cell of numbered measures → a list, numbering and trailing punctuation removed."""
    lines = [line for line in text.replace("\r", "").split("\n") if line.strip()]
    if len(lines) == 1:
        lines = re.split(r"[；;]", lines[0])
    parts = [_TRAILING.sub("", _NUMBERING.sub("", line)) for line in lines]
    return [part for part in parts if part]


def cell_date(value: Any, *, month_end: bool = True) -> dt.date:
    """A date from an Excel date cell, an Excel serial number, or text in any known form."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and 20_000 < value < 80_000:
        return from_excel(value).date()
    return parse_date(str(value), month_end=month_end)


def parse_status(text: str) -> tuple[Status, str | None] | None:
    """A status word, alone or leading a sentence (``已完成。已建立台账``): (status, the rest)."""
    return parse_words(text, schema.ITEM["status"])  # type: ignore[return-value]


def parse_words(text: str, field: schema.Field) -> tuple[Labeled, str | None] | None:
    """An enum field's value as a sheet may write it: its label, key or another word for it,
    alone or leading a sentence (the rest is returned, for 整改进展)."""
    exact = parse_choice(text, field.choices)
    if exact:
        return exact, None
    for word, value in _words(field):
        rest = text[len(word):]
        if text.startswith(word) and (not rest or rest[0] in _SEPARATORS):
            return value, rest.lstrip(_SEPARATORS) or None
    return None


@functools.cache
def _words(field: schema.Field) -> list[tuple[str, Labeled]]:
    """Every word for every value, longest first (已完成 before 完成)."""
    words = [(m.label, m) for m in field.choices] + [(m.key, m) for m in field.choices] + list(field.sheet_words)
    return sorted(words, key=lambda kv: -len(kv[0]))


# ---- rows → items -------------------------------------------------------------------------------


@dataclass
class _Row:
    table: Table
    number: int
    values: list[Any]
    problems: list[str]

    def raw(self, name: str) -> Any:
        value = self.table.get(self.values, name)
        return None if isinstance(value, str) and not value.strip() else value

    def ref(self, name: str) -> str:
        column = self.table.columns.get(name)
        return self.table.sheet.ref(self.number, column if column is not None else 0)

    def error(self, name: str, message: str) -> None:
        self.problems.append(f"{self.ref(name)}: {message}")

    def text(self, name: str, label: str, required: bool = False) -> str | None:
        value = _text(self.raw(name))
        if value is None and required:
            self.error(name, f"{label}不能为空" if name in self.table.columns else f"缺少“{label}”列")
        return value


def import_items(table: Table) -> Imported:
    """Every item row of a rectification table; raises ``SheetError`` listing every bad cell.

    A row is an item when it has a problem, or a 序号 and measures; anything else
    (a signature line, a remark) is skipped and reported in ``notes``.
    """
    problems: list[str] = _unused_audience_columns(table)
    result = Imported([])
    numbers: list[int] = []
    above: dict[str, Any] = {}
    for number, values in table.body():
        note = _note(table, values)
        if table.sheet.merges_lost and not note:
            values = _fill_down(table, values, above)
        row = _Row(table, number, values, problems)
        if note:
            result.notes.append(f"{table.sheet.name} 第 {number + 1} 行是备注或签字行，已忽略：“{note[:40]}”")
            continue
        if row.raw("problem") is None and (row.raw("id") is None or row.raw("measures") is None):
            leftover = " ".join(t for v in values if (t := _text(v)))
            if leftover:
                result.notes.append(f"{table.sheet.name} 第 {number + 1} 行没有序号和问题，已忽略：“{leftover[:40]}”")
            continue
        item = _item(row, len(result.items) + 1)
        if item is not None:
            result.items.append(item)
            numbers.append(number)
    _check_ids(result.items, numbers, table, problems)
    if problems:
        raise SheetError(problems)
    result.notes.extend(unread_columns(table))
    return result


GROUPED = tuple(f.key for f in schema.ITEM.fields if f.grouped)  # columns offices merge down over a group of items


def _fill_down(table: Table, values: list[Any], above: dict[str, Any]) -> list[Any]:
    """A CSV row with its grouping cells (问题类别, 问题来源) taken from the row above when empty."""
    values = list(values)
    for name in GROUPED:
        column = table.columns.get(name)
        if column is None:
            continue
        if _text(table.get(values, name)):
            above[name] = values[column]
        elif name in above and any(_text(v) for v in values):
            values += [None] * (column + 1 - len(values))
            values[column] = above[name]
    return values


def _note(table: Table, values: list[Any]) -> str | None:
    """The text of a row that is not data: merged across the whole table, or led by 备注/注/说明/填表人/审核人."""
    texts = [text for value in values if (text := _text(value))]
    if not texts:
        return None
    across = [text for name in table.columns if (text := _text(table.get(values, name)))]
    if len(across) >= 3 and len(set(across)) == 1:  # one merged cell spread over the row
        return across[0]
    return " ".join(texts) if _NOTE_ROW.match(texts[0]) else None


def _item(row: _Row, position: int) -> dict[str, Any] | None:
    """One row → a YAML-ready item: every declared field that has sheet headers, read by its type."""
    before = len(row.problems)
    values: dict[str, Any] = {}
    notes: list[str] = []  # what followed a status word (``已完成。已建立台账``) goes to 整改进展
    for f in schema.ITEM.fields:
        if f.headers:
            values[f.key] = _CELL_READERS[f.type](row, f, notes)
    _item_rules(row, values)
    if len(row.problems) > before:
        return None
    values["id"] = values["id"] or f"{position:02d}"
    values["progress"] = "\n".join(t for t in (*notes, values["progress"], _remark(row)) if t) or None
    return {key: yaml_value for key, value in values.items()
            if (yaml_value := _yaml_value(schema.ITEM[key], value)) is not None}


def _yaml_value(field: schema.Field, value: Any) -> Any:
    """A cell's value as the branch file holds it: labels for enumerations (the implicit default left out), ISO dates."""
    if isinstance(value, Labeled):
        return None if field.implicit and value is field.default else value.label
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _item_rules(row: _Row, values: dict[str, Any]) -> None:
    """What a sheet must get right across cells: a finished item has a completion date, never in the future."""
    status, completed = values["status"], values["completed"]
    if completed is None and status.finished:
        row.error("completed" if "completed" in row.table.columns else "status", f"“{status.label}”的事项要填写完成时间")
    if completed is not None and completed > dt.date.today():
        row.error("completed", f"{schema.ITEM['completed'].header} {completed} 是将来的日期")


def _cell_text(row: _Row, f: schema.Field, notes: list[str]) -> str | None:
    return row.text(f.key, f.header, f.required)


def _cell_texts(row: _Row, f: schema.Field, notes: list[str]) -> list[str] | None:
    text = row.text(f.key, f.header, f.required)
    parts = split_measures(text) if text else []
    if text and not parts:
        row.error(f.key, f"{f.header}不能为空")
    return parts or None


def _cell_count(row: _Row, f: schema.Field, notes: list[str]) -> int | None:
    text = row.text(f.key, f.header, f.required)
    if text is None:
        return None
    if not re.fullmatch(r"-?\d+" if f.type == "integer" else r"\d+", text):
        row.error(f.key, f"{f.header}应为{'整数' if f.type == 'integer' else '不小于 0 的整数'}，现在是“{text[:20]}”")
        return None
    if len(text.lstrip("-")) > MAX_DIGITS:
        row.error(f.key, f"{f.header}数字太大（{len(text)} 位），最多 {MAX_DIGITS} 位")
        return None
    return int(text)


def _cell_date(row: _Row, f: schema.Field, notes: list[str]) -> dt.date | None:
    value = row.raw(f.key)
    if value is None:
        if f.required:
            row.error(f.key, f"{f.header}不能为空" if f.key in row.table.columns else f"缺少“{f.header}”列")
        return None
    try:
        return cell_date(value)
    except DateError as exc:
        row.error(f.key, f"{f.header}：{exc}")
        return None


def _cell_deadline(row: _Row, f: schema.Field, notes: list[str]) -> str | dt.date | None:
    value = row.raw(f.key)
    if value is None:
        row.error(f.key, f"{f.header}不能为空" if f.key in row.table.columns else f"缺少“{f.header}”列")
        return None
    kind = parse_choice(str(value), DeadlineKind) if isinstance(value, str) else None
    if kind in (DeadlineKind.ONGOING, DeadlineKind.IMMEDIATE):
        return kind.label
    try:
        return cell_date(value)
    except DateError as exc:
        row.error(f.key, f"{f.header}：{exc}；也可以写 长期坚持 或 立行立改")
        return None


def _cell_choice(row: _Row, f: schema.Field, notes: list[str]) -> Labeled:
    text = _text(row.raw(f.key))
    if text is None:
        return f.default
    found = parse_words(text, f)
    if found is None:
        valid = "、".join(m.label for m in f.choices)
        row.error(f.key, f"{f.header}“{text[:20]}”无法识别，应以 {valid} 之一开头")
        return f.default
    value, rest = found
    if rest:
        notes.append(rest)
    return value


def _cell_unsupported(row: _Row, f: schema.Field, notes: list[str]) -> None:
    raise TypeError(f"{f.key}: a {f.type} field has no spreadsheet column")


_CELL_READERS = {
    "text": _cell_text, "texts": _cell_texts, "count": _cell_count, "integer": _cell_count, "date": _cell_date,
    "deadline": _cell_deadline, "enum": _cell_choice, "record": _cell_unsupported, "records": _cell_unsupported,
}
assert set(_CELL_READERS) == set(schema.TYPES)


def _remark(row: _Row) -> str | None:
    remark = row.text("remark", "备注")
    return f"备注：{remark}" if remark else None


def _check_ids(items: list[dict[str, Any]], numbers: list[int], table: Table, problems: list[str]) -> None:
    seen: dict[str, int] = {}
    for item, number in zip(items, numbers, strict=True):
        if item["id"] in seen:
            where = table.sheet.ref(number, table.columns.get("id", 0))
            problems.append(f"{where}: 序号“{item['id']}”与第 {seen[item['id']] + 1} 行重复")
        else:
            seen[item["id"]] = number


# ---- the evaluation tally -----------------------------------------------------------------------


def tally_table(sheets: list[Sheet]) -> Table | None:
    """The 民主评议 statistics table, if the file has one."""
    for sheet in sheets:
        table = find_table(sheet, TALLY_HEADERS, ("branch", "members", "excellent", "qualified"))
        if table:
            return table
    return None


def import_tally(table: Table) -> dict[str, dict[str, int]]:
    """Branch name (as written) → its eight counts; raises ``SheetError`` on bad cells."""
    problems: list[str] = []
    tally: dict[str, dict[str, int]] = {}
    counts = [k for k in TALLY_HEADERS if k != "branch"]
    for number, values in table.body():
        row = _Row(table, number, values, problems)
        name = row.text("branch", schema.BRANCH["name"].header)
        if name is None or name in ("合计", "总计", "小计"):
            continue
        tally[name] = {}
        for key in counts:
            value = row.raw(key)
            text = _text(value)
            if text is None or not re.fullmatch(r"\d+", text):
                row.error(key, f"{TALLY_HEADERS[key][0]}应为不小于 0 的整数，现在是“{(text or '空')[:20]}”")
            elif len(text) > MAX_DIGITS:
                row.error(key, f"{TALLY_HEADERS[key][0]}数字太大（{len(text)} 位），最多 {MAX_DIGITS} 位")
            else:
                tally[name][key] = int(text)
    if problems:
        raise SheetError(problems)
    return tally
