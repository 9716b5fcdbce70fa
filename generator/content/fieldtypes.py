"""Each field type, declared once: the model's Python type, how a value is read (from a branch file, from a
spreadsheet cell), the check a blank template puts on its column, and how a value is written down (in a branch
file, on a page, in a cell).

``schema.TYPES`` names the types; ``TYPES`` below is the one table every layer looks a type up in: the model
(``model``), the YAML loader (``load``), the cell grammar (``office.itemrows``), the exporter's drop-downs
(``office.export``), the round-trip writer, the pages and the export's cells.  A new field of an existing type
needs nothing of its own; a new type is one more ``FieldType`` here.

The readers keep their words: a YAML reader notes problems on the loader's ``_Fields`` (``path:line``), a cell
reader on the importer's row (its cell reference); both return the value or None.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.content import cells, schema
from generator.content.dates import FORMS_HINT, DateError, chinese, parse_date, sheet_date
from generator.content.schema import DeadlineKind, Labeled, parse_choice

MAX_DIGITS = 9  # counts and sort keys: nobody has a billion members, and Python refuses 4,300-digit ints


@dataclass(frozen=True)
class Deadline:
    """A date, or one of the two open-ended forms 长期坚持 / 立行立改."""

    kind: DeadlineKind
    date: dt.date | None = None

    @property
    def label(self) -> str:
        return self.date.isoformat() if self.date else self.kind.label


# ---- reading a branch file (``load._Fields``: present, string, error, nested) ---------------------------------

def _read_text(fields: Any, field: schema.Field) -> str | None:
    node = fields.string(field, "一段文字，不能是列表或“键: 值”")
    if node is None:
        return None
    key, label = field.key, field.label
    if not node.value.strip():
        if field.required:
            fields.error(node.line, f"{key}（{label}）不能为空")
        return None
    if field.pattern:
        if not re.fullmatch(field.pattern, node.value.strip()):
            fields.error(node.line, f"{key}（{label}）“{node.value.strip()}”应写成“{field.form}”，例如 {field.example}")
            return None
        return node.value.strip()
    return node.value.strip("\n")


def _read_texts(fields: Any, field: schema.Field) -> tuple[str, ...]:
    node = fields.present(field)
    if node is None:
        return ()
    items = node.value if isinstance(node.value, list) else [node]
    result = []
    for item in items:
        if not isinstance(item.value, str) or not item.value.strip():
            fields.error(item.line, f"{field.key}（{field.label}）的每一项都应为非空文字")
        else:
            fields.notice_hidden(field, item)
            result.append(item.value.strip("\n"))
    if field.required and not items:
        fields.error(node.line, f"{field.key}（{field.label}）至少要有一项")
    return tuple(result)


def _read_count(fields: Any, field: schema.Field) -> int | None:
    node = fields.present(field)
    if node is None:
        return None
    key, label = field.key, field.label
    text = node.value.strip() if isinstance(node.value, str) else None
    if text is None or not re.fullmatch(r"-?\d+", text):
        shown = text if text is not None else "列表"
        fields.error(node.line, f"{key}（{label}）应为不小于 0 的整数，现在是“{shown}”")
        return None
    if len(text.lstrip("-")) > MAX_DIGITS:
        fields.error(node.line, f"{key}（{label}）数字太大（{len(text)} 位），最多 {MAX_DIGITS} 位")
        return None
    if int(text) < 0:
        fields.error(node.line, f"{key}（{label}）不能是负数（{text}）")
        return None
    return int(text)


def _read_integer(fields: Any, field: schema.Field) -> int | None:
    node = fields.present(field)
    if node is None:
        return None
    if not isinstance(node.value, str) or not re.fullmatch(r"-?\d+", node.value.strip()):
        fields.error(node.line, f"{field.key}（{field.label}）应为整数")
        return None
    if len(node.value.strip().lstrip("-")) > MAX_DIGITS:
        fields.error(node.line, f"{field.key}（{field.label}）数字太大（{len(node.value.strip())} 位），最多 {MAX_DIGITS} 位")
        return None
    return int(node.value)


def _as_sheet_reads(value: str, read: Callable[[str], dt.date]) -> str:
    """What an import would read for a date a file refuses (2026年6月底前): a file keeps one spelling, so say
    which (like 完成 for 已完成); "" when a sheet would refuse it too."""
    try:
        day = read(value).isoformat()
    except DateError:
        return ""
    return f"不能是“{value.strip()}”：表格里的“{value.strip()}”按 {day} 导入，这里请写 {day}"


def _read_date(fields: Any, field: schema.Field) -> dt.date | None:
    node = fields.string(field, f"日期，{FORMS_HINT}")
    if node is None:
        return None
    try:
        return parse_date(node.value)
    except DateError as exc:
        sheet = _as_sheet_reads(node.value, functools.partial(parse_date, month_end=True))
        fields.error(node.line, f"{field.key}（{field.label}）" + (sheet or f"：{exc}"))
        return None


def _read_deadline(fields: Any, field: schema.Field) -> Deadline | None:
    node = fields.string(field, "日期、长期坚持或立行立改")
    if node is None:
        return None
    kind = parse_choice(node.value, DeadlineKind)
    if kind in (DeadlineKind.ONGOING, DeadlineKind.IMMEDIATE):
        return Deadline(kind)
    try:
        return Deadline(DeadlineKind.DATE, parse_date(node.value))
    except DateError as exc:
        sheet = _as_sheet_reads(node.value, sheet_date)
        fields.error(node.line, f"{field.key}（{field.label}）" + (sheet or f"：{exc}；不定期的事项写 长期坚持 或 立行立改"))
        return None


def _read_choice(fields: Any, field: schema.Field) -> Labeled | None:
    """The value, the declared default when absent, None (noted) when not one of the choices."""
    node = fields.present(field)
    if node is None:
        return field.default
    enum = field.choices
    found = parse_choice(node.value, enum) if isinstance(node.value, str) else None
    if found is None:
        valid = "、".join(f"{m.label}（{m.key}）" for m in enum)
        # A word a sheet may use (完成) means the same here, but a file keeps the one spelling: say which.
        meant = dict(field.sheet_words).get(node.value.strip()) if isinstance(node.value, str) else None
        hint = f"；表格里的“{node.value.strip()}”按“{meant.label}”导入，这里请写 {meant.label}" if meant else ""
        fields.error(node.line, f"{field.key}（{field.label}）不能是“{node.value}”，可选：{valid}{hint}")
    return found


def _read_record(fields: Any, field: schema.Field) -> object:
    """A nested mapping, read by its record's parser (``load._parser``)."""
    node = fields.present(field)
    if node is None:
        return None
    return fields.nested(node, field.record)


def _read_records(fields: Any, field: schema.Field) -> tuple:
    """A list of nested mappings, each read by its record's parser; the ones that failed are left out."""
    node = fields.present(field)
    if node is None:
        return ()
    if not isinstance(node.value, list):
        fields.error(node.line, f"{field.key}（{field.label}）应为列表，每项以“- ”开头")
        return ()
    found = []
    for number, entry in enumerate(node.value, start=1):
        value = fields.nested(entry, field.record, number)
        if value is not None:
            found.append(value)
    return tuple(found)


# ---- reading a cell (``office.itemrows._Row``: raw, raws, error, table, number, told) ------------------------

def _joined(row: Any, f: schema.Field) -> str | None:
    """A text field over several columns: 责任领导：张某某；责任科室：办公室 (one value alone, as written)."""
    found = [(row.table.names[c], t) for c, v in row.raws(f.key) if (t := cells.text(v))]
    if len({t for _, t in found}) <= 1:
        return found[0][1] if found else None
    return "；".join(f"{name}：{t}" for name, t in found)


def _cell_text(row: Any, f: schema.Field, notes: list[str]) -> str | None:
    value = _joined(row, f) if f.several else cells.text(row.raw(f.key))
    if value is None and f.required:
        row.error(f.key, f"{f.header}不能为空")
    return value


def _cell_texts(row: Any, f: schema.Field, notes: list[str]) -> list[str] | None:
    value = cells.text(row.raw(f.key))
    parts = cells.split_measures(value) if value else []
    if f.required and not parts:
        row.error(f.key, f"{f.header}不能为空")
    return parts or None


def _cell_count(row: Any, f: schema.Field, notes: list[str]) -> int | None:
    value = cells.text(row.raw(f.key))
    if value is None:
        return None
    if not re.fullmatch(r"-?\d+" if f.type == "integer" else r"\d+", value):
        row.error(f.key, f"{f.header}应为{'整数' if f.type == 'integer' else '不小于 0 的整数'}，现在是“{value[:20]}”")
        return None
    if len(value.lstrip("-")) > MAX_DIGITS:
        row.error(f.key, f"{f.header}数字太大（{len(value)} 位），最多 {MAX_DIGITS} 位")
        return None
    return int(value)


def _cell_date(row: Any, f: schema.Field, notes: list[str]) -> dt.date | None:
    value = row.raw(f.key)
    if value is None:
        return None
    try:
        return cells.cell_date(value)
    except DateError as exc:
        row.error(f.key, f"{f.header}：{exc}")
        return None


def _cell_deadline(row: Any, f: schema.Field, notes: list[str]) -> str | dt.date | None:
    value = row.raw(f.key)
    if value is None:
        row.error(f.key, f"{f.header}不能为空")
        return None
    try:
        return cells.deadline(value, f)
    except DateError as exc:
        row.error(f.key, f"{f.header}：{exc}；也可以写 长期坚持 或 立行立改")
        return None


def _cell_choice(row: Any, f: schema.Field, notes: list[str]) -> Labeled:
    """An enumeration; over several columns (完成情况, 销号情况) the furthest value read (已销号 over 已完成)."""
    read: list[Labeled] = []
    for column, raw in row.raws(f.key):
        value = cells.text(raw) or ""
        found = cells.parse_words(value, f)
        if found is None:
            valid = "、".join(m.label for m in f.choices)
            how = f"应为 {valid} 之一" if f.strict else f"应以 {valid} 之一（或“已完成整改”“已办结”“正在整改”等）开头"
            row.error(f.key, f"{row.table.names[column] or f.header}“{value[:20]}”无法识别，{how}", column)
            continue
        read.append(found[0])
        if found[1]:
            notes.append(found[1])
        if found[1] == value.strip():  # a telling word (基本完成): the whole cell is kept, and the preview says so
            row.told.append(f"第 {row.number + 1} 行“{value.strip()[:20]}”记为 {found[0].label}")
    order = list(f.choices)
    return max(read, key=order.index) if read else f.default


def _cell_unsupported(row: Any, f: schema.Field, notes: list[str]) -> None:
    raise TypeError(f"{f.key}: a {f.type} field has no spreadsheet column")


# ---- a blank template's check on a column (``office.export``: openpyxl ``DataValidation`` arguments) ---------

# What a clerk may type besides the drop-down or an Excel date: the importer reads all of it, so the template only
# reminds (errorStyle "information": Excel shows the note and keeps the value), never refuses.
DATE_FORMS = "2024-06-30、2024/6/30、2024.6.30、2024年6月30日"
STATUS_SENTENCE = "也可以写一句话，开头是其中之一，例如“已完成。已建立台账”（后面的话记入整改进展）"


def _reminder(kind: str, formula1: str, note: str, **more: str) -> dict[str, Any]:
    return dict(type=kind, formula1=formula1, allow_blank=True, showErrorMessage=True,
                errorStyle="information", errorTitle="请核对", error=note, **more)


def _check_choice(field: schema.Field, cell: str) -> dict[str, Any]:
    labels = [m.label for m in field.choices]
    note = "请从下拉列表中选择：" + "、".join(labels) + ("；" + STATUS_SENTENCE if field.key == "status" else "")
    return _reminder("list", '"' + ",".join(labels) + '"', note)


def _check_date(field: schema.Field, cell: str) -> dict[str, Any]:
    return _reminder("date", "36526", f"请填写日期，例如 {DATE_FORMS}", operator="greaterThan")


def _check_deadline(field: schema.Field, cell: str) -> dict[str, Any]:
    words = [k.label for k in DeadlineKind if k is not DeadlineKind.DATE]
    formula = "OR(" + ",".join([f"ISNUMBER({cell})", *(f'{cell}="{w}"' for w in words)]) + ")"
    return _reminder("custom", formula, f"请填写日期（{DATE_FORMS}、2024年6月底），或 " + "、".join(words))


def _check_count(field: schema.Field, cell: str) -> dict[str, Any]:
    """A refusal, the only one: counts are whole numbers, as imported."""
    return dict(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                showErrorMessage=True, error="请填写不小于 0 的整数")


def _no_check(field: schema.Field, cell: str) -> None:
    return None


# ---- writing a value down ------------------------------------------------------------------------------------

def _same(value: Any) -> Any:
    return value


def _label(value: Any) -> str:
    return value.label


def _nested(value: Any) -> Any:
    raise TypeError("a record is written field by field by its caller")


def _none(field: schema.Field) -> None:
    return None


def _no_values(field: schema.Field) -> tuple:
    return ()


def _numbered(texts: tuple[str, ...]) -> str:
    return "\n".join(f"{n}. {t}" for n, t in enumerate(texts, start=1))


# ---- the declaration -----------------------------------------------------------------------------------------

ModelOf = Callable[[schema.Record], type]


@dataclass(frozen=True)
class FieldType:
    """Everything one type of field does, by layer.

    ``python``: the model attribute's type (given the field and ``model.model_of``); ``read``: a YAML
    reader (``load._Fields``, field) → value; ``cell_read``: a cell reader (``itemrows._Row``, field, notes for
    整改进展) → value; ``check``: a template column's validation (field, first cell) → ``DataValidation``
    arguments or None; ``yaml`` (a branch file), ``shown`` (a page), ``cell`` (a sheet): a value written down;
    ``empty``: what the model holds for an optional field left out (None: the attribute may be None); ``dated``:
    a value is a date (a sheet's date format; a branch file's unquoted ISO date).
    """

    python: Callable[[schema.Field, ModelOf], object]
    read: Callable[[Any, schema.Field], object]
    cell_read: Callable[[Any, schema.Field, list[str]], object]
    check: Callable[[schema.Field, str], dict[str, Any] | None]
    yaml: Callable[[Any], Any]
    shown: Callable[[Any], Any]
    cell: Callable[[Any], Any]
    empty: Callable[[schema.Field], object] = _none
    dated: bool = False


TYPES = {
    "text": FieldType(lambda f, m: str, _read_text, _cell_text, _no_check, _same, _same, _same),
    "texts": FieldType(lambda f, m: tuple[str, ...], _read_texts, _cell_texts, _no_check, list, "；".join, _numbered,
                       empty=_no_values),
    "count": FieldType(lambda f, m: int, _read_count, _cell_count, _check_count, _same, _same, _same),
    "integer": FieldType(lambda f, m: int, _read_integer, _cell_count, _no_check, _same, _same, _same),
    "date": FieldType(lambda f, m: dt.date, _read_date, _cell_date, _check_date,
                      lambda day: day.isoformat(), chinese, _same, dated=True),
    "deadline": FieldType(lambda f, m: Deadline, _read_deadline, _cell_deadline, _check_deadline,
                          lambda d: d.date.isoformat() if d.date else d.kind.label,
                          lambda d: chinese(d.date) if d.date else d.kind.label,
                          lambda d: d.date or d.kind.label, dated=True),
    "enum": FieldType(lambda f, m: f.choices, _read_choice, _cell_choice, _check_choice, _label, _label, _label,
                      empty=lambda f: f.default),
    "record": FieldType(lambda f, m: m(f.record), _read_record, _cell_unsupported, _no_check,
                        _nested, _nested, _nested),
    "records": FieldType(lambda f, m: tuple[m(f.record), ...], _read_records, _cell_unsupported, _no_check,
                         _nested, _nested, _nested, empty=_no_values),
}
assert set(TYPES) == set(schema.TYPES)


def python_type(field: schema.Field, model_of: ModelOf) -> object:
    """The model's annotation for ``field``: its type's, or None beside it when optional with no empty value of its
    own (texts and lists are (), a choice its default)."""
    base = TYPES[field.type].python(field, model_of)
    return base | None if not field.required and empty(field) is None else base


def empty(field: schema.Field) -> object:
    """What the model holds for ``field`` when it is left out: None, (), or its enumeration's default."""
    return TYPES[field.type].empty(field)


def dated(field: schema.Field) -> bool:
    """Whether ``field``'s values are dates (a date or a dated deadline)."""
    return TYPES[field.type].dated


def read(fields: Any, field: schema.Field) -> object:
    """``field`` read from a branch file's mapping (``load._Fields``); problems noted there, None when bad."""
    return TYPES[field.type].read(fields, field)


def read_cell(row: Any, field: schema.Field, notes: list[str]) -> object:
    """``field`` read from a sheet's row (``itemrows._Row``); bad cells named there, None when bad."""
    return TYPES[field.type].cell_read(row, field, notes)


def check(field: schema.Field, cell: str) -> dict[str, Any] | None:
    """The ``DataValidation`` arguments for ``field``'s template column whose first cell is ``cell``, or None:
    a reminder where the importer reads more than the check knows, a refusal only for counts."""
    return TYPES[field.type].check(field, cell)


def written(field: schema.Field, value: Any) -> Any:
    """``value`` as a clerk writes it in a branch file; None when it is left out (empty, or an implicit default)."""
    if value is None or value == () or (field.implicit and value is field.default):
        return None
    return TYPES[field.type].yaml(value)


def shown(field: schema.Field, value: Any) -> Any:
    """``value`` as a reader sees it on a page (a date in Chinese, a choice by its label, texts joined)."""
    return TYPES[field.type].shown(value)


def cell(field: schema.Field, value: Any) -> Any:
    """``value`` as a spreadsheet cell holds it, the way the importer reads it back (numbered measures …)."""
    return None if value is None else TYPES[field.type].cell(value)
