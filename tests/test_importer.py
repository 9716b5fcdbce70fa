"""Office spreadsheets as they really look → items, and every bad cell named."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from generator.content.model import Status
from generator.office.importer import (
    SheetError,
    cell_date,
    import_items,
    import_tally,
    parse_status,
    read_sheets,
    rectification_table,
    split_measures,
    tally_table,
)


@pytest.mark.parametrize("cell, expected", [
    ("1.制定学习计划；2.开展专题研讨。", ["制定学习计划", "开展专题研讨"]),
    ("1、制定学习计划\n2、开展专题研讨；", ["制定学习计划", "开展专题研讨"]),
    ("（1）制定学习计划\n（2）开展专题研讨", ["制定学习计划", "开展专题研讨"]),
    ("①制定学习计划；②开展专题研讨", ["制定学习计划", "开展专题研讨"]),
    ("一、制定计划\n二、落实到人。", ["制定计划", "落实到人"]),
    ("只有一条措施", ["只有一条措施"]),
    ("1. 每年2次以上\r\n2. 形成3.5万字材料", ["每年2次以上", "形成3.5万字材料"]),
])
def test_measures_are_split_and_unnumbered(cell, expected):
    assert split_measures(cell) == expected


@pytest.mark.parametrize("value, expected", [
    (dt.datetime(2024, 6, 30), dt.date(2024, 6, 30)), ("2024-06-30", dt.date(2024, 6, 30)),
    ("2024/6/30", dt.date(2024, 6, 30)), ("2024.6.30", dt.date(2024, 6, 30)),
    ("2024年6月30日", dt.date(2024, 6, 30)), ("2024年6月底", dt.date(2024, 6, 30)), ("2024年2月底", dt.date(2024, 2, 29)),
    (45473, dt.date(2024, 6, 30)),
])
def test_deadline_forms(value, expected):
    assert cell_date(value) == expected


def test_status_words_alone_or_leading_a_sentence():
    assert parse_status("已完成") == (Status.DONE, None)
    assert parse_status("closed") == (Status.CLOSED, None)
    assert parse_status("已完成。已建立群众诉求台账") == (Status.DONE, "已建立群众诉求台账")
    assert parse_status("正在整改，已召开推进会") == (Status.IN_PROGRESS, "已召开推进会")
    assert parse_status("差不多了") is None


def messy_workbook(path: Path, *, owner_row3: str = "李某某") -> Path:
    """A list as an office keeps it: title, 填报 row, synonyms, merged cells, mixed dates, a signature row."""
    book = Workbook()
    ws = book.active
    ws.title = "整改清单"
    ws.merge_cells("A1:I1")
    ws["A1"] = "机关第一党支部2023年度组织生活会整改清单"
    ws["A2"], ws["E2"] = "填报单位：机关第一党支部", "填报时间：2024年3月1日"
    ws.append(["序号", "类别", "问题表现", "整改措施", "整改目标", "责任领导", "完成时限", "整改情况", "销号时间\n（年月日）"])
    ws.append([1, "理论学习", "学习不够深入", "1.制定计划；2.专题研讨。", "计划落实率100%", "张某某",
               dt.datetime(2024, 6, 30), "已完成", dt.datetime(2024, 5, 20)])
    ws.append([2, None, "学用结合不紧", "（1）结合业务学习\n（2）撰写体会", None, owner_row3, "2024/9/30", "整改中", None])
    ws.append([3, None, "青年党员参学少", "①建立学习小组", None, "王某某", "2024年12月底", None, None])
    ws.append([4, "作风建设", "窗口服务不规范", "推行一次告知", None, "赵某某", "长期坚持", "正在整改，已印发制度", None])
    ws.append([5, "作风建设", "调研不够深入", "每季度调研", None, "赵某某", "立行立改", "已销号", "2024.3.15"])
    ws.merge_cells("B4:B6")
    ws.append([])
    ws.append(["填表人：刘某某", None, None, None, None, "审核人：陈某某"])
    book.save(path)
    return path


def test_messy_workbook_imports_exactly(tmp_path):
    table = rectification_table(read_sheets(messy_workbook(tmp_path / "list.xlsx")))
    result = import_items(table)
    assert result.items == [
        {"id": "1", "category": "理论学习", "problem": "学习不够深入", "measures": ["制定计划", "专题研讨"],
         "target": "计划落实率100%", "owner": "张某某", "deadline": "2024-06-30", "status": "已完成",
         "completed": "2024-05-20"},
        {"id": "2", "category": "理论学习", "problem": "学用结合不紧", "measures": ["结合业务学习", "撰写体会"],
         "owner": "李某某", "deadline": "2024-09-30", "status": "整改中"},
        {"id": "3", "category": "理论学习", "problem": "青年党员参学少", "measures": ["建立学习小组"],
         "owner": "王某某", "deadline": "2024-12-31", "status": "未开始"},
        {"id": "4", "category": "作风建设", "problem": "窗口服务不规范", "measures": ["推行一次告知"], "owner": "赵某某",
         "deadline": "长期坚持", "status": "整改中", "progress": "已印发制度"},
        {"id": "5", "category": "作风建设", "problem": "调研不够深入", "measures": ["每季度调研"], "owner": "赵某某",
         "deadline": "立行立改", "status": "已销号", "completed": "2024-03-15"},
    ]
    assert result.notes == ["整改清单 第 10 行是备注或签字行，已忽略：“填表人：刘某某 审核人：陈某某”"]


def test_gb18030_csv_imports_the_same(tmp_path):
    rows = [["某党支部整改清单"], ["序号", "问题", "措施", "责任人", "时限", "状态", "完成时间", "备注"],
            ["1", "学习不够深入", "1.制定计划\n2.专题研讨", "张某某", "2024年6月30日", "已完成", "2024/5/20", "已报党委"],
            ["2", "窗口服务不规范", "推行一次告知", "赵某某", "长期坚持", "", "", ""]]
    import csv
    import io
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    for name, data in (("gbk.csv", buffer.getvalue().encode("gb18030")),
                       ("bom.csv", "\ufeff".encode() + buffer.getvalue().encode())):
        (tmp_path / name).write_bytes(data)
        items = import_items(rectification_table(read_sheets(tmp_path / name))).items
        assert items[0] == {"id": "1", "problem": "学习不够深入", "measures": ["制定计划", "专题研讨"], "owner": "张某某",
                            "deadline": "2024-06-30", "status": "已完成", "completed": "2024-05-20", "progress": "备注：已报党委"}
        assert items[1]["status"] == "未开始" and items[1]["deadline"] == "长期坚持"


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
        "整改清单!F2: 完成情况“完成了吧”无法识别，应以 未开始、整改中、已完成、已销号 之一开头",
        "整改清单!E3: 整改时限：无法识别的日期“下个月”，请写成 2024-06-30 或 2024年6月30日；也可以写 长期坚持 或 立行立改",
        "整改清单!G3: “已销号”的事项要填写完成时间",
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


TALLY_HEADER = ["支部名称", "党员总数", "预备党员", "参加评议", "参加评定", "优秀", "合格", "基本合格", "不合格"]


def tally_workbook(path: Path, rows: list[list], title: str | None = None):
    """A 民主评议 statistics sheet: an optional title row, the header, one row per branch."""
    book = Workbook()
    ws = book.active
    for row in ([[title]] if title else []) + [TALLY_HEADER] + rows:
        ws.append(row)
    book.save(path)
    return book, ws


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
    assert import_tally(tally_table(read_sheets(tmp_path / "tally.xlsx"))) == {
        "第一党支部": {"members": 10, "probationary": 1, "participants": 9, "rated": 9, "excellent": 2,
                   "qualified": 6, "basic": 1, "unqualified": 0},
        "第二党支部": {"members": 8, "probationary": 0, "participants": 8, "rated": 8, "excellent": 2,
                   "qualified": 6, "basic": 0, "unqualified": 0},
    }


OFFICE_HEADER = ["序号", "问题类别", "存在问题", "整改措施", "责任人", "整改时限", "完成情况", "完成时间", "备注"]
OFFICE_FOOTER = "备注：整改完成后由支部书记签字确认，报局党委办对账销号。"


def office_rows(owner: str = "李某某") -> list[list]:
    """An office's list, row by row as typed (merged cells hold their value in the first cell only)."""
    return [
        ["交警大队党支部2025年度组织生活会问题整改清单"],
        ["填报单位（盖章）：交警大队党支部", None, None, None, None, "填报日期：2026年3月2日"],
        OFFICE_HEADER,
        [1, "政治建设", "学习贯彻上级精神不够及时", "1.每月第一周集中学习\n2.建立学习台账", "胡某某",
         dt.datetime(2026, 6, 30), "已完成。已建立学习台账", dt.datetime(2026, 5, 28), None],
        [2, None, "专题研讨流于形式", "（1）确定研讨主题；（2）每人撰写发言提纲", owner, "2026年12月30日", "整改中", None, None],
        [3, None, "青年民警理论学习参与少", "①成立青年理论学习小组\n②每季度开展一次交流", "周某某", 46387, None, None, "与团支部共同落实"],
        [4, "作风建设", "窗口办事等候时间长", "推行预约办理；增设自助终端", "陈某某", "2026/9/30", "整改中", None, None],
        [5, "作风建设", "执法记录仪使用不规范", "1、开展专项培训\n2、每月抽查", "吴某某", "长期坚持", "已销号", "2026.4.10", None],
        [OFFICE_FOOTER],
        ["填表人：刘某某", None, None, None, "审核人：陈某某", None, "联系电话：0000-1234567"],
    ]


OFFICE_ITEMS = [
    {"id": "1", "category": "政治建设", "problem": "学习贯彻上级精神不够及时", "measures": ["每月第一周集中学习", "建立学习台账"],
     "owner": "胡某某", "deadline": "2026-06-30", "status": "已完成", "completed": "2026-05-28", "progress": "已建立学习台账"},
    {"id": "2", "category": "政治建设", "problem": "专题研讨流于形式", "measures": ["确定研讨主题", "每人撰写发言提纲"],
     "owner": "李某某", "deadline": "2026-12-30", "status": "整改中"},
    {"id": "3", "category": "政治建设", "problem": "青年民警理论学习参与少", "measures": ["成立青年理论学习小组", "每季度开展一次交流"],
     "owner": "周某某", "deadline": "2026-12-31", "status": "未开始", "progress": "备注：与团支部共同落实"},
    {"id": "4", "category": "作风建设", "problem": "窗口办事等候时间长", "measures": ["推行预约办理", "增设自助终端"],
     "owner": "陈某某", "deadline": "2026-09-30", "status": "整改中"},
    {"id": "5", "category": "作风建设", "problem": "执法记录仪使用不规范", "measures": ["开展专项培训", "每月抽查"],
     "owner": "吴某某", "deadline": "长期坚持", "status": "已销号", "completed": "2026-04-10"},
]


def office_workbook(path: Path, owner: str = "李某某") -> Path:
    """The office's list as .xlsx: merged title, category merged down, a footer merged across A:I."""
    book = Workbook()
    ws = book.active
    ws.title = "整改清单"
    for row in office_rows(owner):
        ws.append(row)
    for cells in ("A1:I1", "A2:E2", "F2:I2", "B4:B6", "B7:B8", "A9:I9", "A10:D10", "E10:F10", "G10:I10"):
        ws.merge_cells(cells)
    book.save(path)
    return path


def office_csv(path: Path, owner: str = "李某某") -> Path:
    """The same list as Excel's “CSV (逗号分隔)” saves it on a Chinese Windows: GB18030, dates as text."""
    import csv
    import io

    def shown(value):
        if isinstance(value, dt.datetime):
            return f"{value.year}/{value.month}/{value.day}"
        if value == 46387:
            return "2026/12/31"
        return "" if value is None else value

    buffer = io.StringIO()
    csv.writer(buffer).writerows([[shown(v) for v in row] for row in office_rows(owner)])
    path.write_bytes(buffer.getvalue().encode("gb18030"))
    return path


def test_office_workbook_and_its_gb18030_csv_import_exactly(tmp_path):
    for sheet in (office_workbook(tmp_path / "交警.xlsx"), office_csv(tmp_path / "交警.csv")):
        result = import_items(rectification_table(read_sheets(sheet)))
        assert result.items == OFFICE_ITEMS, sheet.name
        assert [note.split("，")[0] for note in result.notes] == [f"{sheet.stem if sheet.suffix == '.csv' else '整改清单'} "
                                                                  f"第 {n} 行是备注或签字行" for n in (9, 10)]
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
    assert [i["id"] for i in result.items] == ["4"] and len(result.notes) == 1
