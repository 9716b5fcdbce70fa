"""Apply an office spreadsheet to the content folder: all of it, or nothing.

The new branch text is produced in memory (round-trip YAML), parsed and checked
exactly as ``board check`` would, and only then written; any problem leaves
every file byte for byte as it was.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from generator.board.checks import check_branch
from generator.content import schema
from generator.content.load import BRANCH_ID, load_branch_text, load_content
from generator.content.model import Audience, Branch, Item, Severity
from generator.content.source import refused
from generator.files import write_atomic
from generator.names import display_path
from generator.office import branchfile
from generator.office.importer import (
    SheetError,
    Table,
    import_items,
    import_tally,
    read_sheets,
    rectification_table,
    tally_table,
)


def _checked(path: Path, text: str, as_of: dt.date) -> Branch:
    branch, problems = load_branch_text(text, path)
    if branch is not None:
        problems += check_branch(branch, as_of)
    errors = [f"导入后 {p}" for p in problems if p.severity is Severity.ERROR]
    if errors or branch is None:
        raise SheetError(errors or [f"{path.name}: 导入后的文件无法读取"])
    return branch


def _same(a: Item, b: Item) -> bool:
    return dataclasses.replace(a, lines={}) == dataclasses.replace(b, lines={})


def describe_changes(old: tuple[Item, ...], new: tuple[Item, ...]) -> list[str]:
    """Added, removed and changed items by id, status changes spelled out."""
    before = {item.id: item for item in old}
    after = {item.id: item for item in new}
    added = [i for i in after if i not in before]
    removed = [i for i in before if i not in after]
    changed = [i for i in after if i in before and not _same(before[i], after[i])]
    lines = [f"共 {len(new)} 项：新增 {len(added)}，删除 {len(removed)}，修改 {len(changed)}"]
    lines += [f"新增 {i}：{after[i].problem[:30]}" for i in added]
    lines += [f"删除 {i}：{before[i].problem[:30]}" for i in removed]
    for i in changed:
        change = f"（{before[i].status.label} → {after[i].status.label}）" if before[i].status != after[i].status else ""
        lines.append(f"修改 {i}{change}：{after[i].problem[:30]}")
    return lines


class Unconfirmed(SheetError):
    """An import that would delete most of a branch or change an item's audience: it needs ``--yes``."""


def _counterparts(item_id: object, problem: object, old: tuple[Item, ...]) -> list[Item]:
    """The file's items a sheet row stands for: those with its problem text, else the one with its id.

    Text first: a sheet whose rows were renumbered (a row deleted, 序号 filled again)
    gives an item's id to another item, never its audience.
    """
    text = " ".join(str(problem or "").split())
    same_text = [o for o in old if " ".join(o.problem.split()) == text]
    return same_text or [o for o in old if o.id == item_id]


def _risks(old: tuple[Item, ...], new: tuple[Item, ...]) -> list[str]:
    """What an import must not do unasked: delete most items, or move any item between 公开 and 党内."""
    before = {item.id: item for item in old}
    after = {item.id: item for item in new}
    removed = [i for i in before if i not in after]
    risks = []
    if removed and len(removed) * 2 > len(old):
        listed = "、".join(removed[:20]) + ("……" if len(removed) > 20 else "")
        risks.append(f"导入会删除 {len(removed)} 项（原有 {len(old)} 项，导入后 {len(new)} 项）：{listed}")
    for i, item in after.items():
        for was in _counterparts(i, item.problem, old):
            if was.audience != item.audience:
                moved = "" if was.id == i else f"（原来的事项 {was.id}）"
                risks.append(f"事项 {i}{moved or ' '}的公开范围会从“{was.audience.label}”改为“{item.audience.label}”："
                             f"{item.problem[:30]}")
    return risks


def _keep_audiences(items: list[dict], old: tuple[Item, ...]) -> list[str]:
    """A sheet without a 公开范围 column: every existing item keeps its audience (a 党内 item never turns public),
    found by its problem text, else by its id."""
    before = {item.id for item in old}
    for item in items:
        if any(o.audience is Audience.PARTY for o in _counterparts(item.get("id"), item.get("problem"), old)):
            item["audience"] = Audience.PARTY.label
    new = sum(1 for item in items if item.get("id") not in before)
    column = schema.ITEM["audience"].header
    return [f"表格没有“{column}”列：原有事项保持原来的公开范围"
            + (f"；新增的 {new} 项按“公开”导入，不公开的请在表格里加“{column}”列写 党内" if new else "")]


def import_rectifications(sheet_path: Path, content_dir: Path, branch_id: str, *, sheet: str | None = None,
                          name: str | None = None, as_of: dt.date | None = None, confirmed: bool = False) -> list[str]:
    """Replace one branch's ``rectifications`` from a sheet; returns the report lines.

    Raises ``Unconfirmed`` (nothing written) when the import would delete most of the
    branch's items or change an item's audience, unless ``confirmed``.
    """
    if not BRANCH_ID.fullmatch(branch_id):
        raise SheetError([f"支部编号“{branch_id}”不能用作网址：只能用小写英文字母、数字和连字符“-”"])
    path = content_dir / "branches" / f"{branch_id}.yml"
    if path.is_symlink() or path.exists():
        reason = refused(path, content_dir)
        if reason:
            raise SheetError([f"{display_path(path)}: {reason}"])
    data = branchfile.read(path)
    if not path.exists():
        if not name:
            raise SheetError([f"{path} 不存在：新支部请用 --name 给出支部名称"])
        data["name"] = name
    old_branch = load_branch_text(branchfile.dump(data), path)[0] if path.exists() else None
    hints = (f"（{branch_id}）", str(data.get("name", "")))
    table = rectification_table(read_sheets(sheet_path), sheet, hints)
    imported = import_items(table)
    old_items = old_branch.items if old_branch else ()
    if "audience" not in table.columns and old_items:
        imported.notes.extend(_keep_audiences(imported.items, old_items))
    written = data.get("rectifications")
    text = branchfile.dump(branchfile.with_rectifications(data, imported.items))
    new_branch = _checked(path, text, as_of or dt.date.today())
    risks = _risks(old_items, new_branch.items)
    if risks and not confirmed:
        raise Unconfirmed(risks)
    if old_branch and len(old_items) == len(new_branch.items) and all(map(_same, old_items, new_branch.items)):
        return [f"{new_branch.name}（{path}）的整改清单和表格一致，文件没有改动", *imported.notes]
    if isinstance(written, list) and old_branch:
        data["rectifications"] = _as_written(written, old_items, new_branch.items, data["rectifications"])
        text = branchfile.dump(data)
        new_branch = _checked(path, text, as_of or dt.date.today())
    write_atomic(path, text)
    changes = describe_changes(old_items, new_branch.items)
    return [f"已导入 {new_branch.name}（{path}）", *changes, *imported.notes]


_UNSET = object()


def _as_written(written: list, old: tuple[Item, ...], new: tuple[Item, ...], fresh: list) -> list:
    """The imported list, keeping the clerk's spelling (``2026年12月30日``) of every value whose meaning is unchanged.

    ``written`` is the list as it was in the file and ``old`` its meaning, item for item; an item
    that did not change at all is kept whole (comments included).
    """
    if len(written) != len(old):
        return fresh
    before = {item.id: (item, node) for item, node in zip(old, written, strict=True) if hasattr(node, "get")}
    for index, (item, node) in enumerate(zip(new, fresh, strict=True)):
        if item.id not in before:
            continue
        was, was_node = before[item.id]
        if _same(was, item):
            fresh[index] = was_node
            continue
        for key in was_node:
            meaning = getattr(item, str(key), _UNSET)
            if meaning is not _UNSET and meaning == getattr(was, str(key), _UNSET):
                node[key] = was_node[key]  # also a key the sheet left out whose value means the default
                if key in was_node.ca.items:  # and the comment at the end of its line
                    node.ca.items[key] = was_node.ca.items[key]
    return fresh


def _tally_rows(table: Table) -> dict[str, tuple[str, int]]:
    """Name as written → (cell of the name, row) for error messages."""
    column = table.columns["branch"]
    return {str(values[column]).strip(): (table.sheet.ref(n, column), n)
            for n, values in table.body() if column < len(values) and values[column]}


def import_evaluation(sheet_path: Path, content_dir: Path, *, as_of: dt.date | None = None) -> list[str]:
    """Fill every listed branch's ``evaluation`` from a 民主评议 statistics sheet."""
    table = tally_table(read_sheets(sheet_path))
    if table is None:
        raise SheetError(["没有找到民主评议统计表的表头（需要 支部名称、党员总数、优秀、合格 等列）；导入整改清单请加 --branch"])
    tally = import_tally(table)
    content, _ = load_content(content_dir)
    branches = {b.name: b for b in content.branches} if content else {}
    branches.update({b.id: b for b in (content.branches if content else ())})
    where = _tally_rows(table)
    unknown = [f"{where[n][0]}: 没有名为“{n}”的支部（写支部全称或文件名，如 jiguan-1）" for n in tally if n not in branches]
    if unknown:
        raise SheetError(unknown)
    updates: dict[Path, str] = {}
    problems: list[str] = []
    for name, counts in tally.items():
        path = content_dir / "branches" / f"{branches[name].id}.yml"
        text = branchfile.dump(branchfile.with_evaluation(branchfile.read(path), counts))
        try:
            _checked(path, text, as_of or dt.date.today())
        except SheetError as exc:
            problems += [f"{where[name][0]}（{name}）: {p}" for p in exc.problems]
        updates[path] = text
    if problems:
        raise SheetError(problems)
    for path, text in updates.items():
        write_atomic(path, text)
    return [f"已导入 {len(updates)} 个支部的民主评议结果：" + "、".join(tally)]
