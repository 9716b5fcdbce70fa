"""Which grammar a file holds, and refusing the wrong one.

A rectification list goes to one branch (``--branch``); a 民主评议 tally fills many
branches.  Which the clerk meant is never guessed: a list imported without
``--branch`` or a tally imported with it is refused with the fix in words.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.content import cells, schema
from generator.office import itemrows, tallyrows
from generator.office.headers import Table, find_table, unread_columns
from generator.office.sheets import Sheet, SheetError, read_sheets


def _has_list(sheets: list[Sheet]) -> bool:
    return any(find_table(s, itemrows.COLUMNS, itemrows.NEEDED) for s in sheets)


def read_list(path: Path, sheet: str | None, hints: tuple[str, ...], record: schema.Record = schema.ITEM,
              keep: Callable[[Table, list[Any]], bool] | None = None,
              sheets: list[Sheet] | None = None) -> itemrows.Imported:
    """The rectification list of a file imported with ``--branch`` (``record`` and ``keep``: a person's, ``--person``;
    ``sheets``: the file already read)."""
    sheets = read_sheets(path) if sheets is None else sheets
    if not _has_list(sheets) and tallyrows.tally_table(sheets) is not None:
        raise SheetError([f"{path.name} 是民主评议统计表，不是整改清单：导入统计表请去掉 --branch"])
    table = itemrows.rectification_table(sheets, sheet, hints)
    imported = itemrows.import_items(table, record, keep)
    if not imported.items:  # a header alone (or footers only) is no list: never read as "delete every item"
        raise SheetError([_no_items(path, table, mine=keep is not None)])
    return imported


def _no_items(path: Path, table: Table, *, mine: bool) -> str:
    """Why a list without one item row is refused, and what to do instead."""
    skipped = itemrows.skipped_count(table)
    whose = "没有这个人的" if mine else "下面没有任何"
    told = f"（{skipped} 行是备注、合计、签字或说明行，已忽略）" if skipped else ""
    return (f"{path.name}: 工作表“{table.sheet.name}”有整改清单的表头，但{whose}整改事项{told}。"
            "空表不会被当作“删除全部事项”，这次没有导入。要删去某几项，请在表格里只删去那几行再导入；"
            "确实要清空整改清单，请直接编辑支部文件")


def read_tally(path: Path, sheet: str | None = None) -> tuple[list[tallyrows.TallyRow], list[str]]:
    """The branch lines of a tally imported without ``--branch``, and notes for the clerk (columns not read,
    a filled list beside the tally left alone); a list alone is refused, never read as 0 branches.

    ``sheet`` (``--sheet``): only that sheet is read, so a named sheet is never passed over for another one.
    """
    sheets = read_sheets(path)
    if sheet is not None:
        sheets = [s for s in sheets if s.name == sheet]
        if not sheets:
            raise SheetError([f"{path.name}: 没有名为“{sheet}”的工作表"])
    tallies = [t for s in sheets if (t := find_table(s, tallyrows.COLUMNS, tallyrows.NEEDED))]
    filled = [t.sheet.name for t in tallies if tallyrows.import_tally(t)]
    if len(filled) > 1:  # 2023 and 2024 side by side: which one is never guessed
        raise SheetError([f"{path.name}: 有多张民主评议统计表（{'、'.join(filled)}），请用 --sheet 指定要导入哪一张"])
    table = next((t for t in tallies if t.sheet.name in filled), tallies[0] if tallies else None)
    lists = [t for s in sheets if (t := find_table(s, itemrows.COLUMNS, itemrows.NEEDED))]
    add_branch = "这是整改清单：导入整改清单请加 --branch 支部文件名（例如 --branch jiguan-1）"
    if table is None:
        if lists:
            raise SheetError([f"{path.name}: {add_branch}"])
        raise SheetError([f"{path.name}: 没有找到民主评议统计表的表头（需要 支部名称、优秀、合格 等列）；"
                          "导入整改清单或党员承诺请加 --branch 支部文件名"])
    rows = tallyrows.import_tally(table)
    if not rows:
        listed = any(itemrows.item_count(t) for t in lists)
        raise SheetError([f"{path.name}: 民主评议统计表“{table.sheet.name}”里没有任何支部的数据"
                          + (f"；{add_branch}" if listed else "")])
    read = {row.number for row in rows}
    notes = [*_skipped(table, read), *tallyrows.total_notes(table, rows), *unread_columns(table, read)]
    notes += [f"工作表“{t.sheet.name}”的整改清单没有导入：{add_branch}" for t in lists if itemrows.item_count(t)]
    return rows, notes


def _skipped(table: Table, read: set[int]) -> list[str]:
    """The tally's rows with text that are no branch's line, each told (合计, 小计, 注, signatures)."""
    notes = []
    for number, values in table.body():
        texts = list(dict.fromkeys(t for v in values if (t := cells.text(v))))
        if texts and number not in read:
            notes.append(f"{table.sheet.name} 第 {number + 1} 行不是支部（合计、小计、备注或签字行），已忽略：“{' '.join(texts)[:40]}”")
    return notes
