"""``board new-period``: start next year's content from this year's, every open item carried.

The new folder gets the same branches, and in each every record with every
field the schema declares ``carried`` (``carried_map``): name, kind, order and
secretary, not the meeting or evaluation; every item that is neither 已完成
nor 已销号 with its text, owner, deadline, status and audience and
``carried_from`` pointing at the item it continues; the same people (name,
role, audience) with their open personal items, their pledges and fulfilment
cleared: pledges are made anew each year at the meeting (亮身份、作承诺).  ``board.yml`` links back with
``previous``.  The folder is written beside its final place and renamed in
only after it loads and checks like ``board check``: never half a year.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from generator.board.checks import check
from generator.board.periods import chain
from generator.content import fieldtypes, schema
from generator.content.load import load_content
from generator.content.model import Audience, Branch, Content, Item, PersonalItem, Severity
from generator.files import write_atomic
from generator.names import display_path
from generator.office import branchfile


class NewPeriodError(RuntimeError):
    """A new period that cannot be started, in words the clerk can act on."""


@dataclass(frozen=True)
class Carried:
    """What was carried: per branch (id, name), the items that continue."""

    folder: Path
    period: str
    period_id: str
    branches: tuple[tuple[str, str, tuple[tuple[str, Item | PersonalItem], ...]], ...]

    @property
    def items(self) -> int:
        return sum(len(items) for _, _, items in self.branches)

    def report(self) -> list[str]:
        party = sum(1 for _, _, items in self.branches for _, i in items if i.audience is Audience.PARTY)
        lines = [f"已建立{self.period}：{display_path(self.folder)}（{len(self.branches)} 个支部，"
                 f"结转未完成事项 {self.items} 项{f'，其中党内事项 {party} 项' if party else ''}）"]
        for branch_id, name, items in self.branches:
            if items:
                listed = "、".join(f"{name}（{i.status.label}）" for name, i in items)
                lines.append(f"  {name}（{branch_id}）：结转 {len(items)} 项：{listed}")
        return lines


def open_items(content: Content) -> dict[str, tuple[tuple[str, Item | PersonalItem], ...]]:
    """Branch id → its items that are not finished, by name (``Branch.every_item``: its people's too, every
    audience): what a new period carries."""
    return {b.id: tuple((n, i) for n, i in b.every_item() if not i.status.finished) for b in content.branches}


def carried_map(record: schema.Record, obj: object, key: str) -> CommentedMap:
    """What of ``obj`` next year starts from: every field declared ``carried``, nested records too.

    In any list of records that have a status, only the unfinished ones go on, each
    with ``carried_from`` naming it (``key``: the period and branch, then the
    person for a person's items).  A field or record type added to ``schema`` is
    carried without code here.
    """
    data: dict[str, object] = {}
    for field in record.fields:
        value = getattr(obj, field.name)
        if not field.carried or value is None:
            continue
        if field.type == "records":
            rows = [carried_map(field.record, v, _key_of(key, field.record, v)) for v in value if _goes_on(v)]
            if rows:
                data[field.key] = CommentedSeq(rows)
        elif field.type == "record":
            data[field.key] = carried_map(field.record, value, key)
        elif fieldtypes.written(field, value) is not None:
            data[field.key] = fieldtypes.written(field, value)
    if "status" in record and "carried_from" in record:
        data["carried_from"] = key
    return branchfile.record_map(record, data)


def _goes_on(obj: object) -> bool:
    status = getattr(obj, "status", None)
    return status is None or not status.finished


def _key_of(key: str, record: schema.Record, obj: object) -> str:
    """How a nested record is named in ``carried_from``: an item by its id, a holder of items (a person) by name."""
    if "status" in record:
        return f"{key}/{obj.id}"
    return f"{key}/{obj.name}" if "name" in record else key


def _board_text(content: Content, period: str, period_id: str | None, previous: str) -> str:
    board = CommentedMap()
    board["organization"] = content.board.organization
    board["period"] = period
    if period_id:
        board["id"] = period_id
    board["previous"] = previous
    if content.board.feedback:
        board["feedback"] = CommentedSeq(content.board.feedback)
    board.yaml_set_start_comment(f"由 board new-period 从{content.board.period}建立；previous 指向上年度内容（按本文件所在文件夹计算）")
    return branchfile.dump(board)


def _branch_text(content: Content, branch: Branch) -> str:
    return branchfile.dump(carried_map(schema.BRANCH, branch, f"{content.board.period_id}/{branch.id}"))


def refuse_place(out: Path, content: Content) -> str | None:
    """Why ``out`` must not be written (None when it may): an existing non-empty folder, or in or over any period.

    The shared output rules (not over or into the content, config, theme or project) are checked by the caller.
    """
    target = out.resolve()
    for period in chain(content):
        folder = Path(period.board.path).parent.resolve()
        if target == folder or folder.is_relative_to(target) or target.is_relative_to(folder):
            return f"{display_path(out)} 是{period.board.period}的内容文件夹，或在它里面、包含它：新年度要放在另一个文件夹，例如 content-2026"
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        return f"{display_path(out)} 已存在且不是空文件夹：新年度只写进新的或空的文件夹，不会覆盖任何文件"
    return None


def new_period(content: Content, out: Path, period: str, period_id: str | None, as_of: dt.date) -> Carried:
    """Write the next period's content to ``out`` (refused by the caller via ``refuse_place`` first)."""
    out = out.absolute()
    new_id = period_id or "".join(c for c in period if c in "0123456789")  # as ``Board.period_id`` will read it
    if not content.board.period_id:
        raise NewPeriodError(f"{content.board.path}: 年度“{content.board.period}”里没有数字：请先在 board.yml 加上 id（年度简称，如 2024）")
    if not new_id:
        raise NewPeriodError(f"新年度“{period}”里没有数字：请用 --id 给出年度简称（用于网址），例如 --id 2025")
    taken = {c.board.period_id for c in chain(content)}
    if new_id in taken:
        raise NewPeriodError(f"年度简称 {new_id} 已被现有年度使用：请换一个 --period，或用 --id 指定另一个简称")
    work = out.with_name(f".{out.name}.new-{os.getpid()}")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        previous = os.path.relpath(Path(content.board.path).parent.absolute(), out)
        write_atomic(work / "board.yml", _board_text(content, period, period_id, Path(previous).as_posix()))
        carried = open_items(content)
        for branch in content.branches:
            write_atomic(work / "branches" / f"{branch.id}.yml", _branch_text(content, branch))
        _verify(work, out, as_of)
        if out.exists():
            out.rmdir()  # empty: refuse_place said so
        work.rename(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Carried(out, period, new_id, tuple((b.id, b.name, carried[b.id]) for b in content.branches))



def _verify(work: Path, out: Path, as_of: dt.date) -> None:
    """The new folder loads and checks without errors (as it will once renamed to ``out``)."""
    loaded, problems = load_content(work)
    if loaded is not None:
        problems += check(loaded, as_of)
    errors = [str(p).replace(work.name, out.name) for p in problems if p.severity is Severity.ERROR]
    if errors or loaded is None:
        raise NewPeriodError("新年度的内容没有通过检查，没有写入：\n" + "\n".join(errors))
