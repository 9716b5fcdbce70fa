"""Apply an office spreadsheet to the content folder: a plan to preview, then all of it or nothing.

The new branch texts are produced in memory (round-trip YAML, the clerk's comments and
spelling kept), parsed and checked exactly as ``board check`` would, and described item by
item and field by field; only ``Plan.apply`` writes, every file at once (``transaction``).
A field the sheet has no column for keeps its value in the file; so does an item's
公开范围 when the sheet has no such column (rows are matched to items by content).
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from generator.board.checks import check_branch
from generator.content import cells, schema
from generator.content.load import BRANCH_ID, load_branch_text, load_content
from generator.content.model import Branch, Item, Severity
from generator.content.source import refused
from generator.names import display_path
from generator.office import branchfile, itemrows, recordrows, transaction
from generator.office.headers import Table, find_table
from generator.office.importer import read_list, read_tally
from generator.office.itemrows import Imported, SheetItem
from generator.office.matching import match
from generator.office.sheets import Sheet, SheetError, read_sheets


@dataclass
class Plan:
    """What an import would change: the files' new bytes, the preview lines, notes, open questions."""

    content_dir: Path
    what: str
    changes: dict[Path, bytes] = field(default_factory=dict)
    preview: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)

    def apply(self) -> None:
        """Write every changed file and the undo record, or nothing."""
        transaction.commit_with_undo(self.content_dir, self.changes, self.what)


def _checked(path: Path, text: str, as_of: dt.date) -> Branch:
    branch, problems = load_branch_text(text, path)
    if branch is not None:
        problems += check_branch(branch, as_of)
    errors = [f"导入后 {p}" for p in problems if p.severity is Severity.ERROR]
    if errors or branch is None:
        raise SheetError(errors or [f"{path.name}: 导入后的文件无法读取"])
    return branch


# ---- describing a change --------------------------------------------------------------------------


def _same(a: Item, b: Item) -> bool:
    return dataclasses.replace(a, lines={}) == dataclasses.replace(b, lines={})


def _content(obj: Any, record: schema.Record) -> tuple:
    """A record's declared values, nested records too, without where they were written (``lines``)."""
    def value(f: schema.Field) -> Any:
        held = getattr(obj, f.name)
        if f.type == "records":
            return tuple(_content(v, f.record) for v in held)
        return _content(held, f.record) if f.type == "record" and held is not None else held

    return tuple(value(f) for f in record.fields)


def _shown(value: Any) -> str:
    if value is None or value == ():
        return "（空）"
    if isinstance(value, tuple | list):
        value = "；".join(map(_shown, value))
    text = str(getattr(value, "label", value)).replace("\n", " ")
    return text if len(text) <= 40 else text[:39] + "…"


def field_changes(old: Any, new: Any, record: schema.Record) -> list[str]:
    """``label：old → new`` for every field whose meaning differs (nested records by their values, not by the
    lines they were written on; shown by how many there are)."""
    changes = []
    for f in record.fields:
        a, b = getattr(old, f.name, None), getattr(new, f.name, None)
        if f.type == "records":
            if tuple(_content(v, f.record) for v in a) != tuple(_content(v, f.record) for v in b):
                changes.append(f"{f.label}：{len(a)} 项 → {len(b)} 项（有改动）")
        elif f.key != "id" and a != b:
            changes.append(f"{f.label}：{_shown(a)} → {_shown(b)}")
    return changes


def describe(old: tuple[Item, ...], new: tuple[Item, ...], pairs: list[int | None]) -> list[str]:
    """Per item: added, changed field by field (old → new), audience changes first, removed; and a total."""
    lines, moved, counts = [], [], {"新增": 0, "修改": 0, "删除": 0, "不变": 0}
    for item, o in zip(new, pairs, strict=True):
        if o is None:
            counts["新增"] += 1
            lines.append(f"新增 {item.id}（{item.audience.label}）：{item.problem[:30]}")
            continue
        was = old[o]
        if _same(was, item):
            counts["不变"] += 1
            continue
        counts["修改"] += 1
        renumbered = f"，原序号 {was.id}" if was.id != item.id else ""
        lines.append(f"修改 {item.id}（{item.audience.label}{renumbered}）：{item.problem[:30]}")
        lines += [f"    {change}" for change in field_changes(was, item, schema.ITEM)]
        if was.audience != item.audience:
            moved.append(f"！公开范围改变：事项 {item.id} 从“{was.audience.label}”改为“{item.audience.label}”："
                         f"{item.problem[:30]}")
    kept = {o for o in pairs if o is not None}
    for o, was in enumerate(old):
        if o not in kept:
            counts["删除"] += 1
            lines.append(f"删除 {was.id}（{was.audience.label}）：{was.problem[:30]}")
    total = f"共 {len(new)} 项：" + "，".join(f"{k} {v}" for k, v in counts.items())
    return [total, *moved, *lines]


# ---- a rectification list into one branch ---------------------------------------------------------


def _branch_file(content_dir: Path, branch_id: str) -> Path:
    if not BRANCH_ID.fullmatch(branch_id):
        branch_id = _named(content_dir, branch_id)
    path = content_dir / "branches" / f"{branch_id}.yml"
    if path.is_symlink() or path.exists():
        reason = refused(path, content_dir)
        if reason:
            raise SheetError([f"{display_path(path)}: {reason}"])
    return path


def _named(content_dir: Path, given: str) -> str:
    """The file name of the branch a clerk gave by its full name (``--branch 机关第一党支部``: one branch has
    exactly that name, and the preview names its file); else a refusal listing the branches there are."""
    content, _ = load_content(content_dir)
    branches = content.branches if content else ()
    named = [b.id for b in branches if b.name == given]
    if len(named) == 1:
        return named[0]
    raise SheetError([f"--branch “{given}”不能用作网址：支部的文件名只能用小写英文字母、数字和连字符“-”；"
                      f"它也不是哪个已有支部的名称{_which(given, branches)}"])


def _which(given: str, branches: tuple[Branch, ...]) -> str:
    """The branch a clerk probably meant (a name that differs by a word or two), else the ones there are."""
    by_name = {b.name: b for b in branches}
    close = difflib.get_close_matches(given, list(by_name), n=1, cutoff=0.6)
    if close:
        return f"。是不是“{close[0]}”（{by_name[close[0]].id}）？"
    known = "、".join(f"{b.id}（{b.name}）" for b in branches[:20]) + ("……" if len(branches) > 20 else "")
    return f"。已有的支部：{known}" if known else ""


def _merged(node: CommentedMap | None, item: SheetItem, record: schema.Record = schema.ITEM) -> CommentedMap:
    """The file's record with the sheet's values for the keys the sheet gives (a None removes the key);
    whatever else the record holds in the file (a person's own items, comments) stays."""
    fresh = branchfile.record_map(record, {k: v for k, v in item.values.items() if v is not None})
    if node is None:
        return fresh
    node = copy.deepcopy(node)
    for key in item.given:
        if key not in fresh:
            node.pop(key, None)
        elif key in node:
            node[key] = fresh[key]
        else:
            order = record.keys()
            position = sum(1 for k in node if k in order and order.index(k) < order.index(key))
            node.insert(position, key, fresh[key])
    return node


def _refuse_missing(imported: Imported, pairs: list[int | None], record: schema.Record) -> None:
    """A new item (no counterpart in the file) needs every required field from the sheet: else ``SheetError``."""
    problems = []
    for item, o in zip(imported.items, pairs, strict=True):
        lacking = [f.header for f in record.fields if f.required and item.values.get(f.key) is None]
        if o is None and lacking:
            where = imported.table.sheet.ref(item.row, 0).rsplit("!", 1)[0]
            problems.append(f"{where} 第 {item.row + 1} 行是新事项，表格没有" + "、".join(f"“{h}”" for h in lacking)
                            + "列，无法补全：请在表格里加上" + ("这些列" if len(lacking) > 1 else "这一列"))
    if problems:
        raise SheetError(problems)


def _as_written(fresh: list[CommentedMap], new: tuple[Item, ...], pairs: list[int | None],
                old: tuple[Item, ...], written: list) -> None:
    """Keep the clerk's spelling (``2026年12月30日``) of every value whose meaning is unchanged, and an item
    that did not change at all whole (comments included)."""
    for index, (item, o) in enumerate(zip(new, pairs, strict=True)):
        if o is None or not hasattr(written[o], "get"):
            continue
        was, was_node = old[o], written[o]
        if _same(was, item):
            fresh[index] = was_node
            continue
        node = fresh[index]
        for key in [k for k in node if k in schema.ITEM and k in was_node]:
            name = schema.ITEM[str(key)].name
            if getattr(item, name) == getattr(was, name):
                node[key] = was_node[key]
                if key in was_node.ca.items:  # and the comment at the end of its line
                    node.ca.items[key] = was_node.ca.items[key]


def plan_rectifications(sheet_path: Path, content_dir: Path, branch_id: str, *, sheet: str | None = None,
                        name: str | None = None, kind: str | None = None, as_of: dt.date | None = None,
                        ask: Callable[[str], bool] | None = None, person: str | None = None) -> Plan:
    """What importing a list into one branch would change; ``ask`` settles uncertain matches (None: unresolved).
    ``name`` and ``kind`` (党支部 | 临时党支部) make a new branch file; ``person``: the list is that person's own.
    A file with no rectification list but a 党员承诺 table (or ``sheet`` naming one) imports people (``plan_records``)."""
    path = _branch_file(content_dir, branch_id)
    data = _branch_data(path, name, kind)
    sheets = read_sheets(sheet_path) if person is None and path.exists() else None  # read once, for both readers
    if sheets is not None and _records_sheet(sheets, sheet) is not None:
        return plan_records(sheet_path, content_dir, branch_id, sheet=sheet, as_of=as_of, sheets=sheets)
    old_branch = load_branch_text(branchfile.dump(data), path)[0] if path.exists() else None
    holder, record = _holder(data, person, path), schema.PERSONAL_ITEM if person else schema.ITEM
    imported = _read_items(sheet_path, sheet, data, branch_id, person, sheets)
    old = _items_of(old_branch, person)
    written = holder.get("rectifications") if isinstance(holder.get("rectifications"), CommentedSeq) else []
    complete = {f.key for f in record.columns()} <= set(imported.table.columns)  # every field, 公开范围 too
    found = match([(str(i.values.get("id")), str(i.values.get("problem") or "")) for i in imported.items], old, ask,
                  lambda r: f"表格第 {imported.items[r].row + 1} 行", unsure_matters=not complete)
    whose = f"{data.get('name', branch_id)}{f' {person} 的个人整改清单' if person else ''}"
    plan = Plan(content_dir, f"导入整改清单 {sheet_path.name} 到 {whose}", notes=imported.notes,
                unresolved=found.unresolved)
    if found.unresolved:
        return plan
    _refuse_missing(imported, found.rows, record)
    nodes = [_merged(written[o] if o is not None and o < len(written) else None, item, record)
             for item, o in zip(imported.items, found.rows, strict=True)]
    branchfile.with_items(holder, nodes)
    _as_written(nodes, _items_of(_checked(path, branchfile.dump(data), as_of or dt.date.today()), person),
                found.rows, old, written)
    branchfile.with_items(holder, nodes)
    text = branchfile.dump(data)
    new = _checked(path, text, as_of or dt.date.today())
    plan.notes += _missing_column_notes(imported.table, record, sum(o is None for o in found.rows), bool(old))
    new_items = _items_of(new, person)
    plan.preview = [f"{whose}（{display_path(path)}）", *describe(old, new_items, found.rows)]
    unchanged = old_branch is not None and len(old) == len(new_items) and all(map(_same, old, new_items))
    if not unchanged:  # a file read the same is left byte for byte, whatever its layout
        plan.changes[path] = text.encode("utf-8")
    return plan


def _read_items(sheet_path: Path, sheet: str | None, data: CommentedMap, branch_id: str,
                person: str | None, sheets: list[Sheet] | None) -> Imported:
    """The sheet's items for the branch, or for one person of it (their rows only; 姓名 and 支部名称 were read)."""
    names = (str(data.get("name", "")), branch_id)
    record = schema.PERSONAL_ITEM if person else schema.ITEM
    imported = read_list(sheet_path, sheet, (f"（{branch_id}）", names[0], person or ""), record,
                         _theirs(person, names) if person else None, sheets)
    if person:
        used = (*schema.PERSON["name"].headers, *schema.BRANCH["name"].headers)
        imported.notes = [n for n in imported.notes if not any(f"“{h}”程序不认识" in n for h in used)]
    return imported


def _branch_data(path: Path, name: str | None, kind: str | None) -> CommentedMap:
    """The branch file as round-trip YAML, or a new one named ``name`` (of ``kind``)."""
    data = branchfile.read(path)
    if not path.exists():
        if not name:
            raise SheetError([f"{path} 不存在：新支部请用 --name 给出支部名称（临时党支部再加 --kind 临时党支部）"])
        data["name"] = name
        if kind:
            data["kind"] = kind
    elif kind:
        raise SheetError([f"{path} 已存在：--kind 只用于新支部；要改类型请直接改支部文件里的 kind"])
    return data


def _holder(data: CommentedMap, person: str | None, path: Path) -> CommentedMap:
    """The mapping whose ``rectifications`` the sheet replaces: the branch's own, or the named person's."""
    if person is None:
        return data
    people = data.get("people") if isinstance(data.get("people"), CommentedSeq) else []
    found = [p for p in people if hasattr(p, "get") and str(p.get("name") or "").strip() == person.strip()]
    if len(found) != 1:
        why = f"有 {len(found)} 个人都叫“{person}”" if found else f"没有名为“{person}”的人"
        raise SheetError([f"{display_path(path)}: 班子成员和党员（people）里{why}：个人整改清单只导入给一个已有的人，"
                          "请先在支部文件的 people 里写上此人（或导入党员承诺表），同名的请先在 name 里区分"])
    return found[0]


def _theirs(person: str, branch_names: tuple[str, ...]) -> Callable[[Table, list[Any]], bool]:
    """Which rows are the person's, in a sheet that lists everyone's own items (the export's 个人整改清单, with
    姓名 and 支部名称 columns); every row of a sheet without them (a 整改清单 filled in for one person)."""
    def column(table: Table, field: schema.Field) -> int | None:
        return next((c for c, name in enumerate(table.names) if name in field.headers), None)

    def keep(table: Table, values: list[Any]) -> bool:
        who, where = column(table, schema.PERSON["name"]), column(table, schema.BRANCH["name"])
        def cell(c: int) -> str | None:
            return cells.text(values[c]) if c < len(values) else None
        return (who is None or cell(who) == person.strip()) and (where is None or cell(where) in branch_names)

    return keep


def _items_of(branch: Branch | None, person: str | None) -> tuple:
    """The items the sheet replaces, as read: the branch's, or the named person's own."""
    if branch is None:
        return ()
    if person is None:
        return branch.items
    return next((p.items for p in branch.people if p.name == person.strip()), ())


def _audience_note(record: schema.Record, added: int) -> str:
    column, default = record["audience"].header, record["audience"].default.label
    return (f"表格没有“{column}”列：原有事项保持原来的公开范围（按问题文字与原事项对应）"
            + (f"；新增的 {added} 项按“{default}”导入，需要时请在表格里加“{column}”列" if added else ""))


def _missing_column_notes(table: Table, record: schema.Record, added: int, kept: bool) -> list[str]:
    """What the clerk should know when the sheet lacks the 公开范围 or the status column (``added``: new items)."""
    notes = [_audience_note(record, added)] if "audience" not in table.columns and kept else []
    return notes + ([_status_note(record, added, kept)] if "status" not in table.columns and added else [])


def _status_note(record: schema.Record, added: int, kept: bool) -> str:
    """Said when the sheet has no status column: new items take the default, which the clerk should know."""
    column, default = record["status"].header, record["status"].default.label
    return (f"表格没有“{column}”列：新增的 {added} 项按“{default}”导入" + ("，原有事项保持原来的状态" if kept else "")
            + f"；已开始整改或已完成的，请在表格里加“{column}”列（写 正在整改、已完成 等）再导入")


# ---- records other than items (党员承诺 …) into one branch ------------------------------------------


def _records_sheet(sheets: list[Sheet], sheet: str | None) -> tuple[schema.Field, Table] | None:
    """The list of records (other than items) the file holds for a branch: the field and its table, when ``sheet``
    names a records sheet, or when no sheet of the file has a rectification item in it (a template whose
    党员承诺 alone was filled in is never read as an empty 整改清单 that deletes the branch's items)."""
    lists = [t for s in sheets if (t := find_table(s, itemrows.COLUMNS, itemrows.NEEDED))]
    if sheet is None and any(itemrows.item_count(t) for t in lists):
        return None
    for held in schema.BRANCH.lists():
        if held.key != "rectifications":
            table = recordrows.record_table(sheets, held.record, sheet)
            if table is not None and (sheet is not None or not lists or recordrows.has_rows(table)):
                return held, table
    return None


def plan_records(sheet_path: Path, content_dir: Path, branch_id: str, *, sheet: str | None = None,
                 as_of: dt.date | None = None, sheets: list[Sheet] | None = None) -> Plan:
    """What importing a records sheet (党员承诺) into one existing branch would change: rows update the record
    of the same name and add new ones; records the sheet does not list are kept as they are (and named)."""
    path = _branch_file(content_dir, branch_id)
    if not path.exists():
        raise SheetError([f"{display_path(path)} 不存在：请先建立这个支部（board init 或导入它的整改清单），再导入承诺"])
    data = branchfile.read(path)
    found = _records_sheet(read_sheets(sheet_path) if sheets is None else sheets, sheet)
    if found is None:
        raise SheetError([f"{sheet_path.name}: 没有找到党员承诺表的表头（需要“姓名”和“承诺内容”等列）"])
    held, table = found
    record, key = held.record, held.record.fields[0].key
    rows = recordrows.import_records(table, record, (str(data.get("name", "")), branch_id))
    old = getattr(load_branch_text(branchfile.dump(data), path)[0], held.name)
    written = data.get(held.key) if isinstance(data.get(held.key), CommentedSeq) else CommentedSeq()
    position = {str(node.get(key)): n for n, node in enumerate(written) if hasattr(node, "get")}
    for values, given in rows.records:
        n = position.get(str(values.get(key)))
        merged = _merged(written[n] if n is not None else None, SheetItem(0, values, given), record)
        if n is None:
            written.append(merged)
        else:
            written[n] = merged
    data[held.key] = written
    text = branchfile.dump(data)
    new = getattr(_checked(path, text, as_of or dt.date.today()), held.name)
    plan = Plan(content_dir, f"导入{record.sheet or held.label} {sheet_path.name} 到 {data.get('name', branch_id)}",
                notes=rows.notes)
    listed = {str(values.get(key)) for values, _ in rows.records}
    plan.preview = [f"{data.get('name', branch_id)}（{display_path(path)}）{held.label}",
                    *_describe_records(old, new, record, listed)]
    if [_content(r, record) for r in old] != [_content(r, record) for r in new]:
        plan.changes[path] = text.encode("utf-8")
    return plan


def _describe_records(old: tuple, new: tuple, record: schema.Record, listed: set[str]) -> list[str]:
    """Per record: added, changed field by field, kept because the sheet does not list it; and a total."""
    name = record.fields[0].name
    before = {getattr(r, name): r for r in old}
    lines, counts = [], {"新增": 0, "修改": 0, "不变": 0, "表格未列出、保留": 0}
    for r in new:
        was = before.get(getattr(r, name))
        if was is None:
            counts["新增"] += 1
            seen = getattr(r, "audience", None)  # who will see the new entry, as the item preview says it
            lines.append(f"新增 {getattr(r, name)}" + (f"（{seen.label}）" if seen is not None else ""))
        elif getattr(r, name) not in listed:
            counts["表格未列出、保留"] += 1
            lines.append(f"保留 {getattr(r, name)}（表格里没有，原样保留；要删除请直接改支部文件）")
        elif _content(was, record) == _content(r, record):
            counts["不变"] += 1
        else:
            counts["修改"] += 1
            lines += [f"修改 {getattr(r, name)}", *(f"    {change}" for change in field_changes(was, r, record))]
    return [f"共 {len(new)} 人：" + "，".join(f"{k} {v}" for k, v in counts.items()), *lines]


# ---- a tally into many branches -------------------------------------------------------------------


def _resolve(rows: list, branches: tuple[Branch, ...]) -> tuple[dict[str, Branch], list[str]]:
    """Each row's branch, by its full name or its file name; a name two branches share, or a branch written
    twice (once by name, once by file name), is an error."""
    by_id = {b.id: b for b in branches}
    by_name: dict[str, list[Branch]] = {}
    for b in branches:
        by_name.setdefault(b.name, []).append(b)
    found: dict[str, Branch] = {}
    problems, seen = [], {}
    for row in rows:
        named = by_name.get(row.name, [])
        if len(named) > 1:
            files = "、".join(f"{b.id}.yml" for b in named)
            problems.append(f"{row.ref}: 有 {len(named)} 个支部都叫“{row.name}”（{files}）：请在统计表里改写支部文件名（如 {named[0].id}）")
            continue
        branch = named[0] if named else by_id.get(row.name)
        if branch is None:
            problems.append(f"{row.ref}: 没有名为“{row.name}”的支部（写支部全称或文件名）{_which(row.name, branches)}")
        elif branch.id in seen:
            problems.append(f"{row.ref}: “{row.name}”和 {seen[branch.id]} 是同一个支部（{branch.id}.yml）：每个支部只能有一行")
        else:
            seen[branch.id] = row.ref
            found[row.name] = branch
    return found, problems


def plan_evaluation(sheet_path: Path, content_dir: Path, *, as_of: dt.date | None = None,
                    sheet: str | None = None) -> Plan:
    """What importing a 民主评议 tally would change, branch by branch (``sheet``: only that sheet)."""
    rows, notes = read_tally(sheet_path, sheet)
    content, _ = load_content(content_dir)
    found, problems = _resolve(rows, content.branches if content else ())
    if problems:
        raise SheetError(problems)
    plan = Plan(content_dir, f"导入民主评议统计表 {sheet_path.name}", notes=notes)
    for row in rows:
        branch = found[row.name]
        path = content_dir / "branches" / f"{branch.id}.yml"
        text = branchfile.dump(branchfile.with_evaluation(branchfile.read(path), row.values))
        try:
            new = _checked(path, text, as_of or dt.date.today())
        except SheetError as exc:
            problems += [f"{row.ref}（{branch.name}）: {p}" for p in exc.problems]  # its name, however the row wrote it
            continue
        changes = field_changes(branch.evaluation, new.evaluation, schema.EVALUATION) if branch.evaluation else []
        if branch.evaluation is not None and not changes:  # the same counts: the file is left byte for byte
            plan.preview.append(f"不变 {branch.name}（{branch.id}.yml）")
            continue
        plan.changes[path] = text.encode("utf-8")
        plan.preview.append(f"{'修改' if branch.evaluation else '新增评议结果'} {branch.name}（{branch.id}.yml）")
        plan.preview += [f"    {change}" for change in changes]
    if problems:
        raise SheetError(problems)
    plan.preview.insert(0, f"共 {len(rows)} 个支部：改动 {len(plan.changes)}，不变 {len(rows) - len(plan.changes)}")
    return plan
