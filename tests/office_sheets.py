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
     "owner": "周某某", "deadline": "2026-12-31", "progress": "备注：与团支部共同落实"},
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


def _book(path: Path, title: str, rows: list[list], merges: list[str]) -> Path:
    book = Workbook()
    ws = book.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for cells in merges:
        ws.merge_cells(cells)
    book.save(path)
    return path


INSPECTION_ISSUE_1 = "学习贯彻党的创新理论不够深入，用以指导实践不够"
INSPECTION_ISSUE_2 = "落实全面从严治党主体责任有差距"


def inspection_ledger(path: Path) -> Path:
    """A 巡察整改台账: title, 填报 row, a two-row header (整改责任 over 责任领导 | 责任科室, 整改情况 over
    完成情况 | 整改成效), group rows （一）在“……”方面, 反馈问题 merged down beside 具体问题, numbered measures
    in one cell, no completion dates, and footer rows (注, 联系电话, 公示时间)."""
    group_1, group_2 = "（一）在“贯彻落实党中央重大决策部署”方面", "（二）在“全面从严治党”方面"
    rows = [
        ["中共某某局党组关于市委第三巡察组反馈问题整改落实情况台账"],
        ["填报单位：某某局党组（盖章）", None, None, None, None, "填报时间：2024年3月5日"],
        ["序号", "反馈问题", "具体问题", "整改措施", "整改责任", None, "整改时限", "整改情况", None, "备注"],
        [None, None, None, None, "责任领导", "责任处室（单位）", None, "完成情况", "整改成效", None],
        [group_1],
        [1, INSPECTION_ISSUE_1, "理论学习中心组学习流于形式，研讨不深入",
         "一是制定年度学习计划，每月集中学习一次；二是开展专题研讨，班子成员轮流领学。", "张某某", "办公室",
         "2023年6月底前", "已完成整改", "修订中心组学习制度，全年集中学习12次", None],
        [2, None, "青年干部理论学习参与率低", "1.成立青年理论学习小组 2.每季度开展一次交流", "李某某", "人事科",
         "2023.12.31", "基本完成，持续整改", "已成立学习小组", "与团委共同落实"],
        [group_2],
        [3, INSPECTION_ISSUE_2, "廉政风险点排查不全面", "①全面梳理岗位风险点\n②建立风险防控台账", "王某某",
         "财务科", "即知即改", "该问题已完成整改。", None, None],
        [4, None, "警示教育针对性不强", "（1）用好本系统典型案例（2）每半年开展一次警示教育", "赵某某", "纪检组",
         "长期坚持", "正在整改", "已开展警示教育1次", None],
        ["注：整改时限为“长期坚持”的事项每半年报告一次进展。"],
        ["联系电话：0000-1234567"],
        ["公示时间：2024年3月5日至3月11日"],
    ]
    merges = ["A1:J1", "A2:E2", "F2:J2", "A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:F3", "G3:G4", "H3:I3", "J3:J4",
              "A5:J5", "B6:B7", "A8:J8", "B9:B10", "A11:J11", "A12:J12", "A13:J13"]
    return _book(path, "巡察整改台账", rows, merges)


def audit_ledger(path: Path) -> Path:
    """An 审计整改台账: other words for every column (审计发现问题, 整改要求, 责任单位 and 责任人, 完成时限,
    整改完成情况 and 销号情况), measures numbered on separate lines, a signature row."""
    rows = [
        ["2023年度经济责任审计发现问题整改台账"],
        ["序号", "审计发现问题", "整改要求", "整改措施", "责任单位", "责任人", "完成时限", "整改完成情况", "销号情况", "整改进展"],
        ["1", "公务接待审批手续不全", "规范接待审批", "1、修订公务接待管理办法\n2、逐笔补齐审批手续", "办公室", "陈某某",
         "2024年6月30日前", "已完成整改", "已销号", None],
        ["2", "固定资产账实不符", "全面清查资产", "1、开展资产清查\n2、建立资产台账\n3、定期对账", "财务科", "周某某",
         "2024年12月底", "部分整改", "未销号", "已完成清查，台账在建"],
        ["3", "政府采购程序不规范", "严格采购程序", "组织采购业务培训；实行采购事项集体决策", "采购中心", "吴某某",
         "2024年底前", "已办结", "未销号", None],
        ["审核人：郑某某", None, None, "填表人：孙某某", None, None, "日期：2024年4月1日"],
    ]
    return _book(path, "审计整改", rows, ["A1:J1"])


EVALUATION_NAMES = ("机关第一党支部", "机关第二党支部", "离退休干部党支部")


def evaluation_summary(path: Path) -> Path:
    """A four-grade 民主评议汇总表: title, 填报单位, a two-row header (其中 over 正式党员 | 预备党员, 评议等次
    over 优秀 | 合格 | 基本合格 | 不合格), 参评党员数 and 参评率, no 参加评定 column, 优秀党员名单, 合计 and 注."""
    rows = [
        ["2023年度民主评议党员情况汇总表"],
        ["填报单位：某某局机关党委", None, None, None, None, None, "填报时间：2024年2月28日"],
        ["序号", "党支部名称", "党员总数", "其中", None, "参评党员数", "参评率", "评议等次", None, None, None, "优秀党员名单"],
        [None, None, None, "正式党员", "预备党员", None, None, "优秀", "合格", "基本合格", "不合格", None],
        [1, EVALUATION_NAMES[0], 30, 28, 2, 29, "96.7%", 8, 19, 1, 0, "王某某、刘某某，陈某某 赵某某 孙某某、周某某、吴某某、郑某某"],
        [2, EVALUATION_NAMES[1], 12, 12, 0, 12, "100%", 3, 9, 0, 0, "冯某某、褚某某、卫某某"],
        [3, EVALUATION_NAMES[2], 20, 20, 0, 18, "90.0%", 5, 13, 0, 0, None],
        [None, "机关党委小计", 62, 60, 2, 59, "95.2%", 16, 41, 1, 0, None],
        ["合计", None, 62, 60, 2, 59, "95.2%", 16, 41, 1, 0, None],
        ["注：预备党员参加评议，不参加组织评定。"],
    ]
    merges = ["A1:L1", "A2:F2", "G2:L2", "A3:A4", "B3:B4", "C3:C4", "D3:E3", "F3:F4", "G3:G4", "H3:K3", "L3:L4",
              "A9:B9", "A10:L10"]
    return _book(path, "民主评议汇总", rows, merges)


def three_grade_csv(path: Path, encoding: str) -> Path:
    """A three-grade tally (no 基本合格) as a CSV with its two-row header's group cells in their first column only:
    参评人数 instead of 参加评议, 党员人数 for the total; GB18030 as Excel saves it, or UTF-8 with a BOM."""
    rows = [
        ["2023年度民主评议党员结果统计"],
        ["支部名称", "党员人数", "其中", "", "参评人数", "评议结果", "", ""],
        ["", "", "正式党员", "预备党员", "", "优秀", "合格", "不合格"],
        [EVALUATION_NAMES[0], "30", "28", "2", "29", "9", "19", "0"],
        [EVALUATION_NAMES[1], "12", "11", "1", "12", "2", "9", ""],
        ["合计", "42", "", "3", "41", "11", "28", "0"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    data = buffer.getvalue()
    path.write_bytes(data.encode("gb18030") if encoding == "gb18030" else "\ufeff".encode() + data.encode())
    return path
