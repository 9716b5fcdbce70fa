"""Rectification sheets as offices keep them → items, and every bad cell named."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook

from generator.office.itemrows import import_items, rectification_table
from generator.office.sheets import SheetError, read_sheets
from office_sheets import (
    OFFICE_FOOTER,
    OFFICE_HEADER,
    OFFICE_ITEMS,
    messy_workbook,
    office_csv,
    office_rows,
    office_workbook,
)


def test_messy_workbook_imports_exactly(tmp_path):
    table = rectification_table(read_sheets(messy_workbook(tmp_path / "list.xlsx")))
    result = import_items(table)
    assert result.dicts() == [
        {"id": "1", "category": "理论学习", "problem": "学习不够深入", "measures": ["制定计划", "专题研讨"],
         "target": "计划落实率100%", "owner": "张某某", "deadline": "2024-06-30", "status": "已完成",
         "completed": "2024-05-20"},
        {"id": "2", "category": "理论学习", "problem": "学用结合不紧", "measures": ["结合业务学习", "撰写体会"],
         "owner": "李某某", "deadline": "2024-09-30", "status": "整改中"},
        {"id": "3", "category": "理论学习", "problem": "青年党员参学少", "measures": ["建立学习小组"],
         "owner": "王某某", "deadline": "2024-12-31"},
        {"id": "4", "category": "作风建设", "problem": "窗口服务不规范", "measures": ["推行一次告知"], "owner": "赵某某",
         "deadline": "长期坚持", "status": "整改中", "progress": "已印发制度"},
        {"id": "5", "category": "作风建设", "problem": "调研不够深入", "measures": ["每季度调研"], "owner": "赵某某",
         "deadline": "立行立改", "status": "已销号", "completed": "2024-03-15"},
    ]
    assert result.notes == ["整改清单 第 10 行是备注、合计或签字行，已忽略：“填表人：刘某某 审核人：陈某某”"]


def test_gb18030_csv_imports_the_same(tmp_path):
    rows = [["某党支部整改清单"], ["序号", "问题", "措施", "责任人", "时限", "状态", "完成时间", "备注"],
            ["1", "学习不够深入", "1.制定计划\n2.专题研讨", "张某某", "2024年6月30日", "已完成", "2024/5/20", "已报党委"],
            ["2", "窗口服务不规范", "推行一次告知", "赵某某", "长期坚持", "", "", ""]]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    for name, data in (("gbk.csv", buffer.getvalue().encode("gb18030")),
                       ("bom.csv", "\ufeff".encode() + buffer.getvalue().encode())):
        (tmp_path / name).write_bytes(data)
        items = import_items(rectification_table(read_sheets(tmp_path / name))).dicts()
        assert items[0] == {"id": "1", "problem": "学习不够深入", "measures": ["制定计划", "专题研讨"], "owner": "张某某",
                            "deadline": "2024-06-30", "status": "已完成", "completed": "2024-05-20", "progress": "备注：已报党委"}
        assert "status" not in items[1] and items[1]["deadline"] == "长期坚持"


def test_every_bad_cell_is_named(tmp_path):
    book = Workbook()
    ws = book.active
    ws.title = "整改清单"
    ws.append(["序号", "存在问题", "整改措施", "责任人", "整改时限", "完成情况", "完成时间"])
    ws.append([1, "问题甲", "措施", None, "2024-02-30", "完成了吧", None])
    ws.append([2, "问题乙", "措施", "张某某", "下个月", "已销号", None])
    ws.append([2, "问题丙", "措施", "张某某", "长期坚持", "整改中", None])
    book.save(tmp_path / "bad.xlsx")
    with pytest.raises(SheetError) as caught:
        import_items(rectification_table(read_sheets(tmp_path / "bad.xlsx")))
    assert caught.value.problems == [
        "整改清单!D2: 责任人不能为空",
        "整改清单!E2: 整改时限：日期不存在：“2024-02-30”（2024年2月没有 30 日）；也可以写 长期坚持 或 立行立改",
        "整改清单!F2: 完成情况“完成了吧”无法识别，应以 未开始、整改中、已完成、已销号 之一（或“已完成整改”“已办结”“正在整改”等）开头",
        "整改清单!E3: 整改时限：无法识别的日期“下个月”，请写成 2024-06-30 或 2024年6月30日；也可以写 长期坚持 或 立行立改",
    ]


def test_duplicate_ids_are_refused(tmp_path):
    book = Workbook()
    book.active.append(["序号", "问题", "措施", "责任人", "时限"])
    book.active.append(["01", "甲", "措施", "张某某", "长期坚持"])
    book.active.append(["01", "乙", "措施", "张某某", "长期坚持"])
    book.save(tmp_path / "dup.xlsx")
    with pytest.raises(SheetError, match="A3: 序号“01”与第 2 行重复"):
        import_items(rectification_table(read_sheets(tmp_path / "dup.xlsx")))


def test_no_header_or_wrong_file_type(tmp_path):
    book = Workbook()
    book.active.append(["姓名", "电话"])
    book.save(tmp_path / "other.xlsx")
    with pytest.raises(SheetError, match="没有找到整改清单的表头"):
        rectification_table(read_sheets(tmp_path / "other.xlsx"))
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(SheetError, match="另存为 .xlsx"):
        read_sheets(tmp_path / "old.xls")


def test_office_workbook_and_its_gb18030_csv_import_exactly(tmp_path):
    for sheet in (office_workbook(tmp_path / "交警.xlsx"), office_csv(tmp_path / "交警.csv")):
        result = import_items(rectification_table(read_sheets(sheet)))
        assert result.dicts() == OFFICE_ITEMS, sheet.name
        assert [note.split("，")[0] for note in result.notes] == [f"{sheet.stem if sheet.suffix == '.csv' else '整改清单'} "
                                                                  f"第 {n} 行是备注、合计或签字行" for n in (9, 10)]
        assert OFFICE_FOOTER in result.notes[0]


def test_office_sheet_with_an_empty_owner_is_refused_naming_its_row(tmp_path):
    for sheet, where in ((office_workbook(tmp_path / "a.xlsx", owner=""), "整改清单!E5"),
                         (office_csv(tmp_path / "a.csv", owner=""), "a!E5")):
        with pytest.raises(SheetError) as caught:
            import_items(rectification_table(read_sheets(sheet)))
        assert caught.value.problems == [f"{where}: 责任人不能为空"]


@pytest.mark.parametrize("row", [
    ["注：时限为 长期坚持 的事项每半年报告一次进展"], ["说明：本表一式两份"], ["审核人：陈某某"],
])
def test_note_rows_are_not_items(tmp_path, row):
    book = Workbook()
    for values in (OFFICE_HEADER, office_rows()[6], row):
        book.active.append(values)
    book.save(tmp_path / "n.xlsx")
    result = import_items(rectification_table(read_sheets(tmp_path / "n.xlsx")))
    assert [i["id"] for i in result.dicts()] == ["4"] and len(result.notes) == 1


def test_group_rows_merged_or_typed_in_one_cell_name_the_category_of_the_items_below(tmp_path):
    book = Workbook()
    ws = book.active
    for row in (["序号", "存在问题", "整改措施", "责任人", "整改时限"], [None, "一、思想政治方面"],
                ["1", "学习不深入", "制定计划", "张某某", "长期坚持"], ["（二）作风建设方面"],
                ["2", "调研不够", "每季度调研", "李某某", "长期坚持"], ["3", "服务不规范", "推行告知", "王某某", "长期坚持"],
                ["三", "服务群众方面"], ["4", "办事慢", "限时办结", "赵某某", "长期坚持"]):
        ws.append(row)
    ws.merge_cells("A4:E4")
    book.save(tmp_path / "g.xlsx")
    result = import_items(rectification_table(read_sheets(tmp_path / "g.xlsx")))
    assert [(i["id"], i["category"]) for i in result.dicts()] == [("1", "思想政治方面"), ("2", "作风建设方面"), ("3", "作风建设方面"),
                                                                  ("4", "服务群众方面")]
    assert result.notes[0] == "Sheet 第 2 行是分组标题“思想政治方面”，作为下面各项的问题类别"


def test_a_two_row_header_repeated_on_a_later_page_is_no_item(tmp_path):
    book = Workbook()
    ws = book.active
    header = [["序号", "存在问题", "整改措施", "整改责任", None, "整改时限"], [None, None, None, "责任领导", "责任科室", None]]
    for row in (*header, ["1", "学习不深入", "制定计划", "张某某", "办公室", "长期坚持"], *header,
                ["2", "调研不够", "每季度调研", "李某某", "人事科", "长期坚持"]):
        ws.append(row)
    for cells in ("A1:A2", "B1:B2", "C1:C2", "D1:E1", "F1:F2", "A4:A5", "B4:B5", "C4:C5", "D4:E4", "F4:F5"):
        ws.merge_cells(cells)
    book.save(tmp_path / "pages.xlsx")
    result = import_items(rectification_table(read_sheets(tmp_path / "pages.xlsx")))
    assert [(i["id"], i["owner"]) for i in result.dicts()] == [("1", "责任领导：张某某；责任科室：办公室"),
                                                               ("2", "责任领导：李某某；责任科室：人事科")]
    assert [n.split("，")[0] for n in result.notes] == ["Sheet 第 4 行重复了表头", "Sheet 第 5 行重复了表头"]


def test_a_status_word_that_says_more_is_kept_in_progress_and_previewed(tmp_path):
    rows = [["序号", "问题", "措施", "责任人", "时限", "完成情况", "整改进展"],
            ["1", "学习不够深入", "制定计划", "张某某", "2026年6月底前", "基本完成，持续整改", "已印发计划"],
            ["2", "台账不规范", "规范台账", "李某某", "2026年底前", "部分整改", ""],
            ["3", "调研不深入", "每季度调研", "王某某", "长期坚持", "正在整改，已召开推进会", ""]]
    path = tmp_path / "list.csv"
    path.write_text("\n".join(",".join(row) for row in rows), encoding="utf-8")
    result = import_items(rectification_table(read_sheets(path)))
    items = result.dicts()
    assert [i["status"] for i in items] == ["整改中"] * 3
    assert [i["progress"] for i in items] == ["基本完成，持续整改\n已印发计划", "部分整改", "已召开推进会"]
    told = [n for n in result.notes if "基本完成" in n]
    assert len(told) == 1 and "第 3 行“部分整改”记为 整改中" in told[0] and "正在整改" not in told[0]
