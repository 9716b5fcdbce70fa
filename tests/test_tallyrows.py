"""民主评议 tallies as offices keep them → each branch's counts."""

from __future__ import annotations

import pytest

from generator.office.sheets import SheetError, read_sheets
from generator.office.tallyrows import import_tally, tally_table
from office_sheets import tally_workbook


def test_tally_sheet(tmp_path):
    book, ws = tally_workbook(tmp_path / "tally.xlsx", [
        ["第一党支部", 10, 1, 9, 9, 2, 6, 1, 0], ["合计", 10, 1, 9, 9, 2, 6, 1, 0], ["第二党支部", 8, 0, 8, "八", 2, 6, 0, 0],
    ], title="2023年度民主评议党员情况统计表")
    table = tally_table(read_sheets(tmp_path / "tally.xlsx"))
    with pytest.raises(SheetError) as caught:
        import_tally(table)
    assert caught.value.problems == ["Sheet!E5: 参加评定应为不小于 0 的整数，现在是“八”"]
    ws["E5"] = 8
    book.save(tmp_path / "tally.xlsx")
    assert {r.name: r.values for r in import_tally(tally_table(read_sheets(tmp_path / "tally.xlsx")))} == {
        "第一党支部": {"members": 10, "probationary": 1, "participants": 9, "rated": 9, "excellent": 2,
                   "qualified": 6, "basic": 1, "unqualified": 0},
        "第二党支部": {"members": 8, "probationary": 0, "participants": 8, "rated": 8, "excellent": 2,
                   "qualified": 6, "basic": 0, "unqualified": 0},
    }


def test_a_blank_probationary_cell_is_derived_or_none(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    for row in (["支部名称", "党员总数", "正式党员", "预备党员", "参加评议", "优秀", "合格", "基本合格", "不合格"],
                ["甲", 10, 9, None, 10, 3, 6, None, "—"], ["乙", None, 8, "", 8, 2, 6, 0, 0]):
        book.active.append(row)
    book.save(tmp_path / "t.xlsx")
    rows = {r.name: r.values for r in import_tally(tally_table(read_sheets(tmp_path / "t.xlsx")))}
    assert (rows["甲"]["members"], rows["甲"]["probationary"], rows["甲"]["rated"]) == (10, 1, 9)
    assert (rows["乙"]["members"], rows["乙"]["probationary"]) == (8, 0)
