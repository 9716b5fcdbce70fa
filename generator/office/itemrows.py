"""The rectification grammar: rows of a 整改台账 / 整改清单 → items, every bad cell named.

What a row is, is told by its cells: an item has a problem (or a 序号 and measures); a
row with one text across it is a group heading (``（一）在“政治建设”方面``, kept as the
问题类别 of the items below) or a note; 备注, 注：, 合计, 公示时间, 联系电话, signature and
date rows are footers.  Every such row is listed as skipped, never dropped without a word.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from generator.content import cells, fieldtypes, schema
from generator.content.model import Labeled
from generator.office.headers import (
    TEMPLATE_NOTE,
    Column,
    Table,
    columns_of,
    find_table,
    footer,
    normal,
    unread_columns,
)
from generator.office.sheets import Sheet, SheetError

REMARK = Column("remark", ("备注", "说明"))  # joins 整改进展 as 备注：…
COLUMNS = columns_of(schema.ITEM, REMARK)
NEEDED = ("problem", "measures")
GROUPED = tuple(f.key for f in schema.ITEM.fields if f.grouped)  # columns offices merge down over a group of items

# A group heading: （一）…, 一、…, 第一…, or …方面 (the numbering is not kept).
_GROUP = re.compile(r"^\s*(?:[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+\s*[、.．]|第[一二三四五六七八九十]+[部类项方]?[分面]?[、：:\s])\s*")
_GROUP_NUMBER = re.compile(r"^[（(]?[一二三四五六七八九十]+[)）、.．]?$")  # 一 / （一） alone in the 序号 cell of a group row


@dataclass
class SheetItem:
    """One item row: its YAML-ready values and which keys the sheet gave (a key it lacks keeps the file's value)."""

    row: int  # 0-based row of the sheet
    values: dict[str, Any]
    given: set[str]


@dataclass
class Imported:
    """What a rectification sheet yields: items and notes for the clerk."""

    table: Table
    items: list[SheetItem]
    notes: list[str] = field(default_factory=list)

    def dicts(self) -> list[dict[str, Any]]:
        """The items as a branch file would hold them, empty values left out."""
        return [{k: v for k, v in item.values.items() if v is not None} for item in self.items]


def rectification_table(sheets: list[Sheet], wanted: str | None = None, hints: tuple[str, ...] = ()) -> Table:
    """The rectification table: the named sheet, else one matching a hint, else the only one."""
    needed = [schema.ITEM[key] for key in NEEDED]
    tables = [t for s in sheets if (t := find_table(s, COLUMNS, NEEDED))]
    if wanted is not None:
        chosen = [t for t in tables if t.sheet.name == wanted]
        if not chosen:
            raise SheetError([f"没有名为“{wanted}”、带有" + "".join(f"“{f.header}”" for f in needed) + "表头的工作表"])
        return chosen[0]
    if not tables:
        either = "和".join(f"“{f.header}（或 {f.headers[1]}）”" for f in needed)
        raise SheetError([f"没有找到整改清单的表头：需要{either}两列"])
    hinted = [t for t in tables if any(h and (h == t.sheet.name or h in t.title()) for h in hints)]
    if len(hinted) == 1 or len(tables) == 1:
        return (hinted or tables)[0]
    names = "、".join(t.sheet.name for t in tables)
    raise SheetError([f"有多张整改清单（{names}），请用 --sheet 指定要导入哪一张"])


def item_count(table: Table) -> int:
    """How many body rows are items (to tell a rectification sheet with content from a blank template)."""
    return sum(kind == "item" for _, _, kind in _classified(table))


def skipped_count(table: Table) -> int:
    """How many body rows with text are no item (footers, notes, group headings): told when a list has no item."""
    return sum(kind not in ("item", "empty") for _, _, kind in _classified(table))


def import_items(table: Table, record: schema.Record = schema.ITEM,
                 keep: Callable[[Table, list[Any]], bool] | None = None) -> Imported:
    """Every item row of a rectification table; raises ``SheetError`` listing every bad cell.

    ``record``: the items' declaration (a person's own items: ``schema.PERSONAL_ITEM``, whose owner may be left out);
    ``keep``: which item rows are this import's (one person's rows of a sheet that lists everyone's)."""
    rows = [r for r in _classified(table) if keep is None or r[2] != "item" or keep(table, r[1])]
    items = {n for n, _, kind in rows if kind == "item"}
    problems: list[str] = audience_columns(table, items)
    result = Imported(table, [])
    group: str | None = None
    told: list[str] = []
    for number, values, kind in rows:
        if kind == "group":
            title = _texts(values)[-1]
            group = _GROUP.sub("", title) or title
            result.notes.append(f"{table.sheet.name} 第 {number + 1} 行是分组标题“{group[:30]}”，作为下面各项的问题类别")
        elif kind == "item":
            row = _Row(table, number, values, problems)
            item = _item(row, group, record)
            if item is not None:
                result.items.append(item)
                told.extend(row.told)
        elif kind != "empty":
            result.notes.append(f"{table.sheet.name} 第 {number + 1} 行{kind}，已忽略：“{' '.join(_texts(values))[:40]}”")
    _number_items(result.items, table, problems)
    if problems:
        raise SheetError(problems)
    result.notes.extend(unread_columns(table, items))
    if told:
        more = f"等 {len(told)} 行" if len(told) > 5 else ""
        result.notes.append(f"{table.sheet.name}：{'；'.join(told[:5])}{more}（这些说法比状态多一层意思，"
                            f"原文一并写入{schema.ITEM['progress'].label}）")
    return result


def _texts(values: list[Any]) -> list[str]:
    """The row's texts left to right, each once (a merged cell spreads one text over many columns)."""
    return list(dict.fromkeys(t for v in values if (t := cells.text(v))))


def _group(texts: list[str]) -> bool:
    """A group heading: （一）在“……”方面 / 一、…… / ……方面 alone, or 一 | ……方面 (its numeral apart)."""
    if len(texts) == 2 and _GROUP_NUMBER.match(texts[0]):
        return True
    return len(texts) == 1 and bool(_GROUP.match(texts[0]) or texts[0].endswith("方面"))


def _spread(table: Table, number: int, values: list[Any]) -> bool:
    """Whether the row's one text fills several columns (a merged cell across the row, or typed in each)."""
    return sum(1 for v in values if cells.text(v)) > 1 or any((number, c) in table.sheet.spread for c in range(len(values)))


def _classified(table: Table) -> list[tuple[int, list[Any], str]]:
    """Each body row with what it is: item, group, empty, or why it is skipped (a CSV filled down first)."""
    above: dict[str, Any] = {}
    header = table.header_words()
    rows = []
    for number, values in table.body():
        texts = _texts(values)
        if not texts or texts == [TEMPLATE_NOTE]:  # the template's own note is no news to the clerk
            rows.append((number, values, "empty"))
        elif footer(texts[0]):
            rows.append((number, values, "是备注、合计或签字行"))
        elif {normal(t) for t in texts} <= header:
            rows.append((number, values, "重复了表头"))
        elif texts == [str(n) for n in range(1, len(texts) + 1)] and len(texts) > 2:
            rows.append((number, values, "是栏目编号行（1、2、3……）"))
        elif _group(texts):  # merged across, typed in one cell, or its numeral in 序号 and its title beside it
            rows.append((number, values, "group"))
        elif len(texts) == 1 and (_spread(table, number, values) or table.get(values, "problem") is None):
            rows.append((number, values, "是说明行"))
        else:
            if table.sheet.merges_lost:
                values = _fill_down(table, values, above)
            is_item = cells.text(table.get(values, "problem")) or (
                cells.text(table.get(values, "id")) and cells.text(table.get(values, "measures")))
            rows.append((number, values, "item" if is_item else "没有序号和问题"))
    return rows


def _fill_down(table: Table, values: list[Any], above: dict[str, Any]) -> list[Any]:
    """A CSV row with its grouping cells (问题类别, 问题来源) taken from the row above when empty."""
    values = list(values)
    for name in GROUPED:
        column = table.column(name)
        if column is None:
            continue
        if cells.text(table.get(values, name)):
            above[name] = values[column]
        elif name in above:
            values += [None] * (column + 1 - len(values))
            values[column] = above[name]
    return values


@dataclass
class _Row:
    table: Table
    number: int
    values: list[Any]
    problems: list[str]
    told: list[str] = field(default_factory=list)  # 第 5 行“基本完成”→整改中: status cells kept whole in 整改进展

    def raws(self, key: str) -> list[tuple[int, Any]]:
        """(column, value) of every column the key reads, empty cells left out."""
        return [(c, v) for c in self.table.columns.get(key, ()) if c < len(self.values)
                and (v := self.values[c]) is not None and not (isinstance(v, str) and not v.strip())]

    def raw(self, key: str) -> Any:
        found = self.raws(key)
        return found[0][1] if found else None

    def ref(self, key: str, column: int | None = None) -> str:
        if column is None:
            column = self.table.column(key)
        return self.table.sheet.ref(self.number, column if column is not None else 0)

    def error(self, key: str, message: str, column: int | None = None) -> None:
        self.problems.append(f"{self.ref(key, column)}: {message}")


def _item(row: _Row, group: str | None, record: schema.Record = schema.ITEM) -> SheetItem | None:
    """One row → an item: every declared field the table has a column for, read by its type."""
    before = len(row.problems)
    values: dict[str, Any] = {}
    notes: list[str] = []  # what followed a status word (``已完成。已建立台账``) goes to 整改进展
    given = {key for key in row.table.columns if key in record}
    for f in record.fields:
        if f.key in given and f.type == "enum" and not row.raws(f.key):
            given.discard(f.key)  # a blank 公开范围 or 完成情况 says nothing: an item keeps its own, a new one the default
        elif f.key in given:
            values[f.key] = fieldtypes.read_cell(row, f, notes)
    if group and not values.get("category"):
        values["category"] = group
        given.add("category")
    remark = cells.text(row.raw(REMARK.key))
    progress = "\n".join(t for t in (*notes, values.get("progress"), remark and f"备注：{remark}") if t) or None
    if progress or "progress" in given:
        values["progress"] = progress
        given.add("progress")
    completed = values.get("completed")
    if completed is not None and completed > dt.date.today():
        row.error("completed", f"{schema.ITEM['completed'].header} {completed} 是将来的日期")
    if len(row.problems) > before:
        return None
    return SheetItem(row.number, {k: _yaml_value(record[k], v) for k, v in values.items()}, given)


def _yaml_value(f: schema.Field, value: Any) -> Any:
    """A cell's value as the branch file holds it: labels for enumerations (the implicit default left out), ISO dates."""
    if isinstance(value, Labeled):
        return None if f.implicit and value is f.default else value.label
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _number_items(items: list[SheetItem], table: Table, problems: list[str]) -> None:
    """Ids: as written; a 序号 merged down over several rows numbers them 3-1, 3-2 …; a row without one
    takes the next free number.  The same 序号 on rows apart is an error."""
    runs: dict[str, list[SheetItem]] = {}
    for item in items:
        if item.values.get("id"):
            runs.setdefault(item.values["id"], []).append(item)
    for item_id, run in runs.items():
        if len(run) == 1:
            continue
        column = table.column("id")
        if all((i.row, column) in table.sheet.spread for i in run[1:]):
            for k, item in enumerate(run, start=1):
                item.values["id"] = f"{item_id}-{k}"
            continue
        where = table.sheet.ref(run[1].row, table.column("id") or 0)
        problems.append(f"{where}: 序号“{item_id}”与第 {run[0].row + 1} 行重复")
    taken = {i.values["id"] for i in items if i.values.get("id")}
    for position, item in enumerate(items, start=1):
        if not item.values.get("id"):
            candidate = position
            while f"{candidate:02d}" in taken:
                candidate += 1
            item.values["id"] = f"{candidate:02d}"
            item.given.add("id")
            taken.add(item.values["id"])


_PARTY_WORDS = re.compile(r"党内|不公开|不宜公开|不予公开|保密|涉密|密级")


def audience_columns(table: Table, items: set[int]) -> list[str]:
    """Columns that look like an audience (是否公开, 公开情况 …) but are not read as 公开范围: never ignored.

    Told by the header, or by what is written under it (a column 范围 holding 仅党内).
    """
    used = {c for columns in table.columns.values() for c in columns}
    problems = []
    fix = f"请把表头改为“{schema.ITEM['audience'].header}”，每行填 公开 或 党内（不公开的事项写 党内）"
    for column, name in enumerate(table.names):
        if column in used:
            continue
        texts = [(n, t) for n, row in table.body() if n in items and column < len(row) and (t := cells.text(row[column]))]
        if not texts:
            continue
        if any(word in name for word in ("公开", "党内", "保密", "密级")):
            problems.append(f"{table.sheet.ref(table.header_row, column)}: 不认识的列“{name}”，它的内容不能忽略：{fix}")
            continue
        marked = next(((n, t) for n, t in texts if _PARTY_WORDS.search(t)), None)
        if marked:
            problems.append(f"{table.sheet.ref(marked[0], column)}: 程序不读“{name or '没有表头的'}”列，但这一格写着"
                            f"“{marked[1][:20]}”，不能忽略：如果它说的是公开范围，{fix}；否则请删去这一列")
    return problems


def read_record(table: Table, number: int, values: list[Any], record: schema.Record,
                problems: list[str]) -> tuple[dict[str, Any], set[str]] | None:
    """One row of any record's sheet (党员承诺 …): each declared field the table has a column for, read by its
    type as an item's cells are; a blank implicit choice says nothing.  None when a cell is bad (noted)."""
    row, before = _Row(table, number, values, problems), len(problems)
    values_read: dict[str, Any] = {}
    given = {key for key in table.columns if key in record and record[key].type not in ("record", "records")}
    for f in record.fields:
        if f.key in given and f.implicit and not row.raws(f.key):
            given.discard(f.key)
        elif f.key in given:
            values_read[f.key] = fieldtypes.read_cell(row, f, [])
    if len(problems) > before:
        return None
    return {k: _yaml_value(record[k], v) for k, v in values_read.items()}, given
