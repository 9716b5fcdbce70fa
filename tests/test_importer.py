"""Office workbooks in their real layouts import unchanged with --yes, and ``board check`` passes after;
the wrong grammar is never chosen silently."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from generator.content.load import load_content
from office_sheets import (
    EVALUATION_NAMES,
    INSPECTION_ISSUE_1,
    INSPECTION_ISSUE_2,
    audit_ledger,
    evaluation_summary,
    inspection_ledger,
    three_grade_csv,
)

BRANCHES = {"jiguan-1": EVALUATION_NAMES[0], "jiguan-2": EVALUATION_NAMES[1], "tuixiu": EVALUATION_NAMES[2]}


@pytest.fixture
def content(kit, tmp_path):
    return kit.tiny_board(tmp_path / "c", {stem: {"name": name} for stem, name in BRANCHES.items()})


def _run(kit, content, *args):
    return kit.board("import", "--config", str(kit.CONFIG), "--content", str(content), "--as-of", "2024-07-01", *args)


def _checks(kit, content):
    run = kit.board("check", "--config", str(kit.CONFIG), "--content", str(content), "--as-of", "2024-07-01")
    assert run.code == 0, run.err
    return run.err


def _branch(content, stem):
    loaded, _ = load_content(content)
    return next(b for b in loaded.branches if b.id == stem)


def test_an_inspection_ledger_imports_as_it_is(kit, content, tmp_path):
    run = _run(kit, content, str(inspection_ledger(tmp_path / "巡察.xlsx")), "--branch", "jiguan-1", "--yes")
    assert run.code == 0, run.err
    items = _branch(content, "jiguan-1").items
    assert [i.id for i in items] == ["1", "2", "3", "4"]
    first, second, third, fourth = items
    assert first.category == second.category == "在“贯彻落实党中央重大决策部署”方面"       # the group row above them
    assert third.category == fourth.category == "在“全面从严治党”方面"
    assert first.source == second.source == INSPECTION_ISSUE_1                              # 反馈问题 over 具体问题
    assert third.source == fourth.source == INSPECTION_ISSUE_2
    assert first.problem == "理论学习中心组学习流于形式，研讨不深入"
    assert first.owner == "责任领导：张某某；责任处室：办公室"                            # every owner column kept
    assert first.measures == ("制定年度学习计划，每月集中学习一次", "开展专题研讨，班子成员轮流领学")
    assert second.measures == ("成立青年理论学习小组", "每季度开展一次交流")
    assert third.measures == ("全面梳理岗位风险点", "建立风险防控台账")
    assert fourth.measures == ("用好本系统典型案例", "每半年开展一次警示教育")
    assert [i.status.label for i in items] == ["已完成", "整改中", "已完成", "整改中"]
    assert [i.completed for i in items] == [None] * 4                                        # never invented
    assert [str(i.deadline.date or i.deadline.kind.label) for i in items] == ["2023-06-30", "2023-12-31", "立行立改", "长期坚持"]
    assert first.progress == "修订中心组学习制度，全年集中学习12次"
    assert second.progress == "基本完成，持续整改\n已成立学习小组\n备注：与团委共同落实"
    assert "“基本完成，持续整改”记为 整改中" in run.out                                      # and the preview says so
    assert "第 12 行是备注、合计或签字行，已忽略：“联系电话：0000-1234567”" in run.out    # a merged footer, said once
    for skipped in ("第 5 行是分组标题", "第 11 行是备注、合计或签字行", "第 13 行是备注"):
        assert skipped in run.out
    warnings = _checks(kit, content)
    assert "事项 1 状态为“已完成”，但没有填写 completed" in warnings


def test_an_audit_ledger_imports_as_it_is(kit, content, tmp_path):
    run = _run(kit, content, str(audit_ledger(tmp_path / "审计.xlsx")), "--branch", "jiguan-2", "--yes")
    assert run.code == 0, run.err
    first, second, third = _branch(content, "jiguan-2").items
    assert first.problem == "公务接待审批手续不全" and first.target == "规范接待审批"
    assert first.owner == "责任单位：办公室；责任人：陈某某"
    assert (first.status.label, second.status.label, third.status.label) == ("已销号", "整改中", "已完成")  # the furthest
    assert second.measures == ("开展资产清查", "建立资产台账", "定期对账")
    assert (first.deadline.date.isoformat(), second.deadline.date.isoformat(), third.deadline.date.isoformat()) == \
        ("2024-06-30", "2024-12-31", "2024-12-31")
    assert second.progress == "部分整改\n未销号\n已完成清查，台账在建"  # the words kept
    assert "第 6 行是备注、合计或签字行" in run.out
    _checks(kit, content)


def test_a_four_grade_evaluation_summary_imports_as_it_is(kit, content, tmp_path):
    run = _run(kit, content, str(evaluation_summary(tmp_path / "汇总.xlsx")), "--yes")
    assert run.code == 0, run.err
    first = _branch(content, "jiguan-1").evaluation
    assert (first.members, first.probationary, first.participants, first.rated) == (30, 2, 29, 28)  # rated: the grades
    assert (first.excellent, first.qualified, first.basic, first.unqualified) == (8, 19, 1, 0)
    assert first.honor_roll == ("王某某", "刘某某", "陈某某", "赵某某", "孙某某", "周某某", "吴某某", "郑某某")
    assert _branch(content, "tuixiu").evaluation.participants == 18
    assert "共 3 个支部：改动 3，不变 0" in run.out and "程序不认识" not in run.out   # every column read
    assert "民主评议汇总 第 8 行不是支部（合计、小计、备注或签字行），已忽略：“机关党委小计 62 60 2 59" in run.out
    assert "第 9 行不是支部" in run.out and "第 10 行不是支部" in run.out
    _checks(kit, content)


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
def test_a_three_grade_csv_tally_imports_as_it_is(kit, content, tmp_path, encoding):
    run = _run(kit, content, str(three_grade_csv(tmp_path / "评议.csv", encoding)), "--yes")
    assert run.code == 0, run.err
    first, second = _branch(content, "jiguan-1").evaluation, _branch(content, "jiguan-2").evaluation
    assert (first.members, first.probationary, first.participants, first.rated, first.basic) == (30, 2, 29, 28, 0)
    assert (second.members, second.probationary, second.rated, second.unqualified) == (12, 1, 11, 0)
    _checks(kit, content)


def test_a_rate_that_disagrees_with_the_counts_is_an_error(kit, content, tmp_path):
    from openpyxl import load_workbook

    sheet = evaluation_summary(tmp_path / "汇总.xlsx")
    book = load_workbook(sheet)
    book.active["G6"] = "90%"
    book.save(sheet)
    before = {p.name: p.read_bytes() for p in (content / "branches").iterdir()}
    run = _run(kit, content, str(sheet), "--yes")
    assert run.code == 1 and "民主评议汇总!G6: 参评率写的是 90%，而参加评议 12 ÷ 党员总数 12 = 100.0%" in run.err
    assert {p.name: p.read_bytes() for p in (content / "branches").iterdir()} == before


def test_a_rectification_sheet_without_branch_is_refused_saying_to_add_it(kit, content, tmp_path):
    before = {p.name: p.read_bytes() for p in (content / "branches").iterdir()}
    run = _run(kit, content, str(inspection_ledger(tmp_path / "巡察.xlsx")), "--yes")
    assert run.code == 1 and "这是整改清单：导入整改清单请加 --branch" in run.err
    template = tmp_path / "模板.xlsx"
    assert kit.board("template", str(template)).code == 0
    from openpyxl import load_workbook

    book = load_workbook(template)
    ws = book["整改清单"]
    ws["A4"], ws["D4"], ws["E4"], ws["G4"], ws["H4"] = "1", "问题", "措施", "张某某", "2024-06-30"
    book.save(template)
    run = _run(kit, content, str(template), "--yes")                 # the template: a list filled in, its tally blank
    assert run.code == 1 and "没有任何支部的数据" in run.err and "--branch" in run.err and "已写入" not in run.out
    book["民主评议"].append(["机关第一党支部", 10, 1, 9, 9, 2, 6, 1, 0])
    book.save(template)
    run = _run(kit, content, str(template), "--yes")                 # both filled: the tally, and a word on the list
    assert run.code == 0 and "工作表“整改清单”的整改清单没有导入：这是整改清单：导入整改清单请加 --branch" in run.out
    before["jiguan-1.yml"] = (content / "branches" / "jiguan-1.yml").read_bytes()
    run = _run(kit, content, str(evaluation_summary(tmp_path / "汇总.xlsx")), "--branch", "jiguan-1", "--yes")
    assert run.code == 1 and "是民主评议统计表，不是整改清单：导入统计表请去掉 --branch" in run.err
    assert {p.name: p.read_bytes() for p in (content / "branches").iterdir()} == before


def test_sheet_names_the_one_sheet_read_without_branch(kit, content, tmp_path):
    from openpyxl import load_workbook

    template = tmp_path / "模板.xlsx"
    assert kit.board("template", str(template)).code == 0
    book = load_workbook(template)
    book["党员承诺"].append([BRANCHES["jiguan-1"], "罗某某", "支部书记", "带头讲党课", None, "公开"])
    book["民主评议"].append([BRANCHES["jiguan-1"], 10, 1, 10, 9, 2, 7, 0, 0])
    book.save(template)
    before = {p.name: p.read_bytes() for p in (content / "branches").iterdir()}
    run = _run(kit, content, str(template), "--sheet", "党员承诺", "--yes")    # pledges need --branch
    assert run.code == 1 and "导入整改清单或党员承诺请加 --branch" in run.err and "没有任何支部的数据" not in run.err
    run = _run(kit, content, str(template), "--sheet", "评议表", "--yes")
    assert run.code == 1 and "没有名为“评议表”的工作表" in run.err
    assert {p.name: p.read_bytes() for p in (content / "branches").iterdir()} == before
    run = _run(kit, content, str(template), "--sheet", "民主评议", "--yes")
    assert run.code == 0, run.err
    assert _branch(content, "jiguan-1").evaluation.members == 10


def test_two_filled_tallies_in_one_workbook_need_sheet(kit, content, tmp_path):
    from openpyxl import load_workbook

    sheet = evaluation_summary(tmp_path / "汇总.xlsx")
    book = load_workbook(sheet)
    book.copy_worksheet(book.active).title = "2022年度"
    book.save(sheet)
    run = _run(kit, content, str(sheet), "--yes")
    assert run.code == 1 and "有多张民主评议统计表（民主评议汇总、2022年度），请用 --sheet 指定" in run.err
    assert _run(kit, content, str(sheet), "--sheet", "2022年度", "--yes").code == 0


@pytest.mark.parametrize("below", [
    [],                                                             # the header alone
    [[None], ["备注：整改完成后由支部书记签字确认"], ["合计", None, None], ["填表人：刘某某", None, "审核人：陈某某"]],
], ids=["header-only", "footers-only"])
@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_a_list_without_one_item_is_refused_never_read_as_delete_everything(kit, tmp_path, below, suffix):
    content = kit.tiny_board(tmp_path / "c", {"a": {"name": "甲", "rectifications": [kit.item(id="1"), kit.item(id="2")]}})
    rows = [["序号", "存在问题", "整改措施", "责任人", "整改时限", "完成情况"], *below]
    sheet = tmp_path / f"空表.{suffix}"
    if suffix == "csv":
        sheet.write_text("".join(",".join(str(v or "") for v in row) + "\n" for row in rows), encoding="utf-8")
    else:
        book = Workbook()
        for row in rows:
            book.active.append(row)
        book.save(sheet)
    before = {p: p.read_bytes() for p in content.rglob("*") if p.is_file()}
    run = _run(kit, content, str(sheet), "--branch", "a", "--yes")
    assert run.code == 1 and "Traceback" not in run.err, run.out
    assert "没有任何整改事项" in run.err and "空表不会被当作“删除全部事项”" in run.err and "文件保持不变" in run.err
    assert ("行是备注、合计、签字或说明行，已忽略" in run.err) == bool(below)
    assert {p: p.read_bytes() for p in content.rglob("*") if p.is_file()} == before
    assert [i.id for i in load_content(content)[0].branches[0].items] == ["1", "2"]


def test_a_total_line_that_does_not_add_up_is_told(kit, content, tmp_path):
    from openpyxl import load_workbook

    sheet = evaluation_summary(tmp_path / "汇总.xlsx")
    run = _run(kit, content, str(sheet))
    assert "合计与各支部之和不一致" not in run.out + run.err  # the sheet as made adds up
    book = load_workbook(sheet)
    book.active["H7"], book.active["I7"] = 4, 14  # one branch's 优秀 typed one short, 合格 one over
    book.save(sheet)
    run = _run(kit, content, str(sheet))
    assert ("民主评议汇总 第 9 行的合计与各支部之和不一致：优秀合计写 16，各支部相加是 15；合格合计写 41，各支部相加是 42"
            in run.out), run.out
