"""Workbooks and CSV files laid out as offices keep them, made in the tests (no copy of any public file)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from openpyxl import Workbook


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


TALLY_HEADER = ["支部名称", "党员总数", "预备党员", "参加评议", "参加评定", "优秀", "合格", "基本合格", "不合格"]


def tally_workbook(path: Path, rows: list[list], title: str | None = None):
    """A 民主评议 statistics sheet: an optional title row, the header, one row per branch."""
    book = Workbook()
    ws = book.active
    for row in ([[title]] if title else []) + [TALLY_HEADER] + rows:
        ws.append(row)
    book.save(path)
    return book, ws


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
