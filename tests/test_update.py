"""Importing into the content folder: only the imported part changes, or nothing at all."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from generator.content.load import load_content
from helpers import CONFIG, board, evaluation, item, tiny_board, write_yaml
from office_sheets import messy_workbook, office_csv, office_workbook, tally_workbook

BRANCH_TEXT = """# 机关第一党支部 — 由党委办维护，请勿删除本行注释
name: 机关第一党支部
order: 3        # 排在第三
secretary: 张某某
evaluation:
  members: 10   # 含预备党员
  probationary: 1
  participants: 9
  rated: 9
  excellent: 2
  qualified: 6
  basic: 1
  unqualified: 0
  honor_roll: [王某某]
rectifications:
  - id: "old"
    problem: 旧问题
    measures: [旧措施]
    owner: 张某某
    deadline: 2024-01-31
    status: 整改中
meeting: {date: 2024-02-10, supervisor: 局党委委员 李某某}
"""


def run_import(content, *args):
    return board("import", "--config", str(CONFIG), "--content", str(content), "--as-of", "2024-07-01", "--yes", *args)


def test_import_replaces_only_the_list_and_keeps_comments(tmp_path):
    content = tiny_board(tmp_path / "c", {})
    branch = content / "branches" / "jiguan-1.yml"
    branch.parent.mkdir()
    branch.write_text(BRANCH_TEXT, encoding="utf-8")
    # the sheet drops the branch's only item ("old"): deleting most of a branch needs --yes (issue 13)
    run = run_import(content, str(messy_workbook(tmp_path / "list.xlsx")), "--branch", "jiguan-1", "--yes")
    assert run.code == 0, run.err
    text = branch.read_text(encoding="utf-8")
    head, tail = BRANCH_TEXT.split("rectifications:")
    assert text.startswith(head + "rectifications:")                   # every line before the list, byte for byte
    assert text.rstrip().endswith(tail.split("\n", 7)[-1].strip())     # and the key after it
    loaded, problems = load_content(content)
    assert [p for p in problems if "错误" in p.severity.value] == []
    items = loaded.branches[0].items
    assert [i.id for i in items] == ["1", "2", "3", "4", "5"] and items[2].deadline.date.isoformat() == "2024-12-31"
    assert "新增 1（公开）" in run.out and "删除 old（公开）" in run.out and "共 5 项：新增 5，修改 0，删除 1，不变 0" in run.out
    assert "第 10 行是备注、合计或签字行，已忽略" in run.out


def test_a_bad_sheet_changes_nothing(tmp_path):
    content = tiny_board(tmp_path / "c", {})
    branch = content / "branches" / "jiguan-1.yml"
    branch.parent.mkdir()
    branch.write_text(BRANCH_TEXT, encoding="utf-8")
    before = branch.read_bytes()
    run = run_import(content, str(messy_workbook(tmp_path / "bad.xlsx", owner_row3="")), "--branch", "jiguan-1")
    assert run.code == 1 and "Traceback" not in run.err
    assert "整改清单!F5: 责任人不能为空" in run.err and "没有导入，文件保持不变" in run.err
    assert branch.read_bytes() == before
    assert sorted(p.name for p in branch.parent.iterdir()) == ["jiguan-1.yml"]


def test_status_changes_are_reported(tmp_path):
    content = tiny_board(tmp_path / "c", {"a": {"name": "甲", "rectifications": [item(id="1", status="整改中")]}})
    book = Workbook()
    book.active.append(["序号", "存在问题", "整改措施", "责任人", "整改时限", "完成情况", "完成时间"])
    book.active.append(["1", "理论学习不够深入", "制定学习计划", "张某某", "2024-06-30", "已销号", "2024-06-01"])
    book.save(tmp_path / "s.xlsx")
    run = run_import(content, str(tmp_path / "s.xlsx"), "--branch", "a")
    assert run.code == 0, run.err
    assert "修改 1（公开）：理论学习不够深入\n    整改状态：整改中 → 已销号\n    完成日期：（空） → 2024-06-01\n" in run.out


def test_new_branch_needs_a_name(tmp_path):
    content = tiny_board(tmp_path / "c")
    sheet = str(messy_workbook(tmp_path / "list.xlsx"))
    run = run_import(content, sheet, "--branch", "new-one")
    assert run.code == 1 and "--name" in run.err
    run = run_import(content, sheet, "--branch", "new-one", "--name", "新成立的党支部")
    assert run.code == 0, run.err
    loaded, _ = load_content(content)
    assert "新成立的党支部" in [b.name for b in loaded.branches]


def test_tally_fills_each_branch_evaluation(tmp_path):
    content = tiny_board(tmp_path / "c", {
        "a": {"name": "第一党支部", "evaluation": evaluation(honor_roll=["王某某"], opinions=4)},
        "b": {"name": "第二党支部"},
    })
    tally_workbook(tmp_path / "tally.xlsx", [["第一党支部", 20, 2, 19, 18, 3, 15, 0, 0], ["b", 8, 0, 8, 8, 1, 7, 0, 0]],
                   title="民主评议党员情况统计表")
    run = run_import(content, str(tmp_path / "tally.xlsx"))
    assert run.code == 0, run.err
    loaded, _ = load_content(content)
    a, b = loaded.branches
    assert (a.evaluation.members, a.evaluation.honor_roll, a.evaluation.opinions) == (20, ("王某某",), 4)
    assert b.evaluation.rated == 8


def test_tally_with_unknown_branch_or_bad_sum_changes_nothing(tmp_path):
    content = tiny_board(tmp_path / "c", {"a": {"name": "第一党支部"}})
    before = (content / "branches" / "a.yml").read_bytes()
    book, ws = tally_workbook(tmp_path / "tally.xlsx", [["第一党支部", 20, 2, 19, 18, 3, 3, 0, 0],
                                                        ["第九党支部", 8, 0, 8, 8, 1, 7, 0, 0]])
    run = run_import(content, str(tmp_path / "tally.xlsx"))
    assert run.code == 1 and "Sheet!A3: 没有名为“第九党支部”的支部" in run.err
    assert "是不是“第一党支部”（a）？" in run.err  # a name a word off: the branch it may mean, never taken for it
    ws.delete_rows(3)
    book.save(tmp_path / "tally.xlsx")
    run = run_import(content, str(tmp_path / "tally.xlsx"))
    assert run.code == 1 and "评定结果相加不等于参加组织评定人数" in run.err and "Sheet!A2（第一党支部）" in run.err
    assert (content / "branches" / "a.yml").read_bytes() == before


def test_gbk_branch_file_is_rewritten_as_utf8(tmp_path):
    content = tiny_board(tmp_path / "c", {})
    write_yaml(content / "branches" / "a.yml", {"name": "第一党支部"})
    path = content / "branches" / "a.yml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    run = run_import(content, str(messy_workbook(tmp_path / "l.xlsx")), "--branch", "a")
    assert run.code == 0, run.err
    assert path.read_text(encoding="utf-8").startswith("name: 第一党支部")


def test_reimport_keeps_the_clerks_spelling_and_an_unchanged_sheet_changes_no_byte(tmp_path):
    content = tiny_board(tmp_path / "c", {"jiaojing": {"name": "交警大队党支部"}})
    branch = content / "branches" / "jiaojing.yml"
    assert run_import(content, str(office_workbook(tmp_path / "a.xlsx")), "--branch", "jiaojing", "--as-of", "2026-11-25").code == 0
    text = branch.read_text(encoding="utf-8")
    assert text.count("deadline: 2026-12-30\n") == 1
    spelled = text.replace("deadline: 2026-12-30\n", "deadline: 2026年12月30日   # 按党委要求\n")
    branch.write_text(spelled, encoding="utf-8")
    for sheet in (office_workbook(tmp_path / "b.xlsx"), office_csv(tmp_path / "b.csv")):
        run = run_import(content, str(sheet), "--branch", "jiaojing", "--as-of", "2026-11-25")
        assert run.code == 0 and "文件没有改动" in run.out, run.err
        assert branch.read_text(encoding="utf-8") == spelled
    run = run_import(content, str(office_workbook(tmp_path / "c.xlsx", owner="赵某某")), "--branch", "jiaojing", "--as-of", "2026-11-25")
    assert run.code == 0 and "修改 2（公开）：专题研讨流于形式" in run.out, run.err
    assert branch.read_text(encoding="utf-8") == spelled.replace("owner: 李某某", "owner: 赵某某")
    run = run_import(content, str(office_csv(tmp_path / "d.csv", owner="")), "--branch", "jiaojing", "--as-of", "2026-11-25")
    assert run.code == 1 and run.err.splitlines()[0] == "d!E5: 责任人不能为空"
    assert branch.read_text(encoding="utf-8") == spelled.replace("owner: 李某某", "owner: 赵某某")


# ---- the invariants: an import never loses, leaks or half-applies ------------------------------------------

SECRET = "党内讨论的人事问题"
HEAD = ["序号", "存在问题", "整改措施", "责任人", "整改时限", "完成情况"]


def _sheet(path, header, *rows):
    book = Workbook()
    book.active.title = "清单"
    for row in (header, *rows):
        book.active.append(row)
    book.save(path)
    return str(path)


def _files(content):
    return {p.relative_to(content).as_posix(): p.read_bytes() for p in sorted(content.rglob("*")) if p.is_file()}


def test_a_field_the_sheet_has_no_column_for_keeps_its_value(tmp_path):
    full = item(id="1", category="理论学习", source="会前征求意见", target="全覆盖", progress="已制定计划",
                verified_by="王某某", status="已完成", completed="2024-05-01")
    content = tiny_board(tmp_path / "c", {"a": {"name": "甲", "rectifications": [full]}})
    sheet = _sheet(tmp_path / "s.xlsx", HEAD, ["1", "理论学习不够深入", "制定学习计划", "李某某", "2024-06-30", "已完成"])
    run = run_import(content, sheet, "--branch", "a")
    assert run.code == 0, run.err
    assert "    责任人：张某某 → 李某某" in run.out and "问题类别" not in run.out
    [after] = load_content(content)[0].branches[0].items
    assert (after.category, after.source, after.target, after.progress, after.verified_by, after.completed.isoformat()) == \
        ("理论学习", "会前征求意见", "全覆盖", "已制定计划", "王某某", "2024-05-01")
    assert after.owner == "李某某"


def test_a_party_item_renumbered_and_reworded_stays_party(tmp_path):
    content = tiny_board(tmp_path / "c", {"a": {"name": "甲", "rectifications": [
        item(id="01", problem="公开的问题一"), item(id="02", problem=SECRET, audience="党内"),
        item(id="03", problem="公开的问题三")]}})
    rows = [["01", SECRET + "，涉及两名干部", "措施", "张某某", "2024-06-30", "整改中"],   # 01 deleted, 序号 filled again
            ["02", "公开的问题三", "措施", "张某某", "2024-06-30", "整改中"]]
    run = run_import(content, _sheet(tmp_path / "s.xlsx", HEAD, *rows), "--branch", "a")
    assert run.code == 0, run.err
    assert "修改 01（党内，原序号 02）" in run.out and "删除 01（公开）：公开的问题一" in run.out and "公开范围改变" not in run.out
    items = load_content(content)[0].branches[0].items
    assert [(i.id, i.audience.label) for i in items] == [("01", "党内"), ("02", "公开")]


def test_an_uncertain_match_is_never_guessed_under_yes(tmp_path):
    content = tiny_board(tmp_path / "c", {"a": {"name": "甲", "rectifications": [
        item(id="01", problem="公开的问题一"), item(id="02", problem=SECRET, audience="党内")]}})
    before = _files(content)
    rows = [["01", "公开的问题一", "措施", "张某某", "2024-06-30", "整改中"],
            ["02", "窗口服务态度生硬", "措施", "张某某", "2024-06-30", "整改中"]]   # the 党内 item's 序号, other words
    run = run_import(content, _sheet(tmp_path / "s.xlsx", HEAD, *rows), "--branch", "a")
    assert run.code == 1 and "表格第 3 行“窗口服务态度生硬”是原有事项 02（党内）" in run.err
    assert "--yes 时不替你猜" in run.err and _files(content) == before


@pytest.mark.parametrize("cell", ["公开：否", "公开，仅限党内", "否", "半公开"])
def test_an_audience_cell_is_read_strictly(tmp_path, cell):
    content = tiny_board(tmp_path / "c", {"a": {"name": "甲", "rectifications": [item(id="1")]}})
    before = _files(content)
    sheet = _sheet(tmp_path / "s.xlsx", [*HEAD, "公开范围"], ["1", "理论学习不够深入", "措施", "张某某", "2024-06-30", "整改中", cell])
    run = run_import(content, sheet, "--branch", "a")
    assert run.code == 1 and f"清单!G2: 公开范围“{cell}”无法识别，应为 公开、党内 之一" in run.err
    assert _files(content) == before


def test_a_status_headed_xiaohao_is_read_and_an_unreadable_one_refused(tmp_path):
    content = tiny_board(tmp_path / "c", {"a": {"name": "甲", "rectifications": []}})
    header = ["序号", "存在问题", "整改措施", "责任人", "整改时限", "销号情况"]
    sheet = _sheet(tmp_path / "s.xlsx", header, ["1", "问题", "措施", "张某某", "2024-06-30", "已销号"])
    assert run_import(content, sheet, "--branch", "a").code == 0
    [closed] = load_content(content)[0].branches[0].items
    assert closed.status.label == "已销号"
    before = _files(content)
    sheet = _sheet(tmp_path / "t.xlsx", header, ["1", "问题", "措施", "张某某", "2024-06-30", "待定"])
    run = run_import(content, sheet, "--branch", "a")
    assert run.code == 1 and "清单!F2: 销号情况“待定”无法识别" in run.err and _files(content) == before


def test_a_tally_naming_a_branch_twice_or_a_shared_name_is_refused(tmp_path):
    content = tiny_board(tmp_path / "c", {"a": {"name": "第一党支部"}, "b": {"name": "第二党支部"}})
    before = _files(content)
    tally_workbook(tmp_path / "t.xlsx", [["第一党支部", 10, 1, 9, 9, 2, 6, 1, 0], ["a", 10, 1, 9, 9, 2, 7, 0, 0]])
    run = run_import(content, str(tmp_path / "t.xlsx"))
    assert run.code == 1 and "Sheet!A3: “a”和 Sheet!A2 是同一个支部（a.yml）：每个支部只能有一行" in run.err
    tally_workbook(tmp_path / "u.xlsx", [["第一党支部", 10, 1, 9, 9, 2, 6, 1, 0], ["第一党支部", 10, 1, 9, 9, 2, 7, 0, 0]])
    run = run_import(content, str(tmp_path / "u.xlsx"))
    assert run.code == 1 and "Sheet!A3: 支部“第一党支部”在表中出现了两次（另一次在 Sheet!A2）" in run.err
    write_yaml(content / "branches" / "c.yml", {"name": "第一党支部"})
    before = _files(content)
    tally_workbook(tmp_path / "v.xlsx", [["第一党支部", 10, 1, 9, 9, 2, 6, 1, 0]])
    run = run_import(content, str(tmp_path / "v.xlsx"))
    assert run.code == 1 and "Sheet!A2: 有 2 个支部都叫“第一党支部”（a.yml、c.yml）" in run.err
    assert _files(content) == before


def test_a_tally_write_that_fails_half_way_changes_nothing(tmp_path, monkeypatch):
    import os

    content = tiny_board(tmp_path / "c", {"a": {"name": "第一党支部"}, "b": {"name": "第二党支部"}})
    before = _files(content)
    tally_workbook(tmp_path / "t.xlsx", [["第一党支部", 10, 1, 9, 9, 2, 6, 1, 0], ["第二党支部", 8, 0, 8, 8, 1, 7, 0, 0]])
    real, calls = os.replace, []

    def second_rename_fails(source, target):                 # the disk fills up after the first file is in place
        calls.append(target)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(target))
        return real(source, target)

    monkeypatch.setattr(os, "replace", second_rename_fails)
    run = run_import(content, str(tmp_path / "t.xlsx"))
    monkeypatch.undo()
    assert run.code == 1 and "读写文件失败" in run.err and len(calls) >= 3    # the first was renamed, then put back
    assert _files(content) == before                                          # no file rewritten, no temporary left
    assert not list(tmp_path.glob(".c.import-undo.json"))


def test_undo_restores_exactly_the_files_the_last_import_changed(tmp_path):
    content = tiny_board(tmp_path / "c", {"a": {"name": "第一党支部"}, "b": {"name": "第二党支部"},
                                           "z": {"name": "第九党支部"}})
    before = _files(content)
    tally_workbook(tmp_path / "t.xlsx", [["第一党支部", 10, 1, 9, 9, 2, 6, 1, 0], ["第二党支部", 8, 0, 8, 8, 1, 7, 0, 0]])
    run = run_import(content, str(tmp_path / "t.xlsx"))
    assert run.code == 0 and "已写入 2 个文件" in run.out and "board import --undo" in run.out
    record = tmp_path / ".c.import-undo.json"
    assert record.exists() and not list(content.rglob("*undo*"))        # beside content/, never in what is published
    undo = board("import", "--undo", "--config", str(CONFIG), "--content", str(content))
    assert undo.code == 0 and "a.yml" in undo.out and "b.yml" in undo.out and "z.yml" not in undo.out
    assert _files(content) == before and not record.exists()
    again = board("import", "--undo", "--config", str(CONFIG), "--content", str(content))
    assert again.code == 1 and "没有可以撤销的导入" in again.err
    assert run_import(content, str(tmp_path / "t.xlsx")).code == 0
    edited = content / "branches" / "a.yml"
    edited.write_text(edited.read_text(encoding="utf-8") + "secretary: 新书记\n", encoding="utf-8")
    after_edit = _files(content)
    refused = board("import", "--undo", "--config", str(CONFIG), "--content", str(content))
    assert refused.code == 1 and "a.yml: 导入之后又被修改过" in refused.err and _files(content) == after_edit


def test_a_new_branch_may_be_made_a_temporary_one_and_an_existing_one_keeps_its_kind(tmp_path):
    content = tiny_board(tmp_path / "c")
    sheet = tmp_path / "list.csv"
    sheet.write_text("序号,存在问题,整改措施,责任人,整改时限,完成情况\n1,值班制度落实不到位,建立值班台账,张某某,2024-12-31,整改中\n",
                     encoding="utf-8")
    run = run_import(content, str(sheet), "--branch", "linshi", "--name", "专班临时党支部", "--kind", "临时党支部")
    assert run.code == 0, run.err
    [made] = [b for b in load_content(content)[0].branches if b.id == "linshi"]
    assert made.kind.label == "临时党支部" and made.items
    run = run_import(content, str(sheet), "--branch", "first", "--kind", "临时党支部")
    assert run.code == 1 and "--kind 只用于新支部" in run.err


def test_a_tally_row_written_by_file_name_is_reported_by_the_branchs_name(tmp_path):
    content = tiny_board(tmp_path / "c")
    sheet = tmp_path / "评议.csv"
    sheet.write_text("支部名称,党员总数,预备党员,参加评议,参加评定,优秀,合格,基本合格,不合格\nfirst,10,1,9,9,2,5,1,0\n",
                     encoding="utf-8")
    run = run_import(content, str(sheet))
    assert run.code == 1 and "评议!A2（第一党支部）: " in run.err and "（first）" not in run.err


def test_a_tally_with_the_counts_a_file_already_has_leaves_it_byte_for_byte(tmp_path):
    content = tiny_board(tmp_path / "c", {"a": {"name": "第一党支部", "evaluation": evaluation()}})
    before = (content / "branches" / "a.yml").read_bytes()                   # written by PyYAML, not ruamel
    tally_workbook(tmp_path / "t.xlsx", [["第一党支部", 10, 1, 9, 9, 2, 6, 1, 0]])
    run = run_import(content, str(tmp_path / "t.xlsx"))
    assert run.code == 0 and "不变 第一党支部（a.yml）" in run.out and "文件没有改动" in run.out
    assert (content / "branches" / "a.yml").read_bytes() == before


def test_a_blank_status_cell_keeps_the_items_status_and_a_new_item_starts_not_started(tmp_path):
    done = item(id="1", status="已销号", completed="2024-05-01")
    content = tiny_board(tmp_path / "c", {"a": {"name": "甲", "rectifications": [done]}})
    sheet = _sheet(tmp_path / "s.xlsx", HEAD, ["1", "理论学习不够深入", "制定学习计划", "张某某", "2024-06-30", None],
                   ["2", "调研不够深入", "每季度调研", "张某某", "2024-12-31", None])
    run = run_import(content, sheet, "--branch", "a")
    assert run.code == 0 and "整改状态" not in run.out, run.err
    first, second = load_content(content)[0].branches[0].items
    assert (first.status.label, second.status.label) == ("已销号", "未开始")


def test_evaluation_keys_a_file_lacks_go_in_the_order_the_manual_writes_them(tmp_path):
    from generator.content import schema
    from generator.office import branchfile

    counts = {"honor_roll": ["吴某某"], "members": 31, "probationary": 1, "participants": 30, "excellent": 8,
              "qualified": 21, "unqualified": 0, "basic": 0, "rated": 29}
    path = tmp_path / "b.yml"
    path.write_text("name: 林场党支部\n", encoding="utf-8")
    fresh = branchfile.with_evaluation(branchfile.read(path), counts)["evaluation"]
    assert list(fresh) == [k for k in schema.EVALUATION if k in counts]
    text = "name: 林场党支部\nevaluation:\n  members: 30   # 含预备党员\n  excellent: 2\n  unqualified: 0\n"
    path.write_text(text, encoding="utf-8")
    kept = branchfile.with_evaluation(branchfile.read(path), {"basic": 1, "members": 31})
    assert list(kept["evaluation"]) == ["members", "excellent", "basic", "unqualified"]
    assert "members: 31   # 含预备党员" in branchfile.dump(kept)


def test_branch_may_be_given_by_the_branchs_full_name(tmp_path):
    content = tiny_board(tmp_path / "c", {"jiguan-1": {"name": "局机关党支部"}, "jiguan-2": {"name": "林场党支部"}})
    (tmp_path / "s.csv").write_text("序号,存在问题,整改措施,责任人,整改时限,完成情况\n1,问题一,措施,张某某,2024-06-30,整改中\n",
                                    encoding="utf-8")
    run = run_import(content, str(tmp_path / "s.csv"), "--branch", "局机关党支部")
    assert run.code == 0, run.err
    assert "局机关党支部（" in run.out and "jiguan-1.yml" in run.out
    assert "问题一" in (content / "branches" / "jiguan-1.yml").read_text(encoding="utf-8")
    before = {p.name: p.read_bytes() for p in (content / "branches").iterdir()}
    run = run_import(content, str(tmp_path / "s.csv"), "--branch", "机关党支部")     # never guessed: asked
    assert run.code == 1 and "不是哪个已有支部的名称。是不是“局机关党支部”（jiguan-1）？" in run.err
    run = run_import(content, str(tmp_path / "s.csv"), "--branch", "第三支部")
    assert run.code == 1 and "不是哪个已有支部的名称。已有的支部：jiguan-1（局机关党支部）、jiguan-2（林场党支部）" in run.err
    assert {p.name: p.read_bytes() for p in (content / "branches").iterdir()} == before


def test_a_list_with_no_status_column_says_its_new_items_start_as_not_started(tmp_path):
    content = tiny_board(tmp_path / "c", {"a": {"name": "第一党支部"}})
    (tmp_path / "s.csv").write_text("序号,查摆问题,具体整改措施,责任人,整改时间,进展情况\n"
                                    "1,学习不深入,制定计划,张某某,2026年6月底前,正在整改\n", encoding="utf-8")
    run = run_import(content, str(tmp_path / "s.csv"), "--branch", "a")
    assert run.code == 0, run.err
    assert "表格没有“完成情况”列：新增的 1 项按“未开始”导入" in run.out
    item = load_content(content)[0].branches[0].items[0]
    assert (item.problem, item.measures, item.progress) == ("学习不深入", ("制定计划",), "正在整改")
    assert item.deadline.date.isoformat() == "2026-06-30" and item.status.label == "未开始"
