"""``people:`` in a branch file (issue 28), the first record type after items: checks, change log,
new period and the 党员承诺 sheet handle people as they handle items.  What each audience sees
is in ``test_audience``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from openpyxl import load_workbook

from generator.board.changes import entry, snapshot
from generator.board.checks import check
from generator.board.figures import compute
from generator.content.load import load_content
from generator.content.model import Audience, Severity
from generator.office.export import export
from generator.office.newperiod import new_period

AS_OF = dt.date(2027, 7, 1)


def write(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def personal(problem: str, **more) -> dict:
    return {"problem": problem, "measures": ["改进"], "deadline": "2027-12-31", **more}


def board_with(root: Path, people: list[dict], **board) -> Path:
    write(root / "board.yml", {"organization": "测试局党委", "period": "2026年度", **board})
    write(root / "branches" / "a.yml", {"name": "第一党支部", "people": people})
    return root


def line_of(path: Path, text: str, nth: int = 1) -> int:
    """The line (1-based) of the ``nth`` line of ``path`` that holds ``text``."""
    found = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if text in line]
    return found[nth - 1]


def loaded(root: Path):
    content, problems = load_content(root)
    return content, [*problems, *(check(content, AS_OF) if content else [])]


def test_a_person_without_name_and_an_item_without_problem_are_errors_at_their_lines(tmp_path):
    root = board_with(tmp_path, [{"role": "党员", "pledge": "承诺"},
                                 {"name": "甲", "rectifications": [{"measures": ["改"], "deadline": "2027-06-30"}]}])
    _, problems = loaded(root)
    shown = sorted(str(p) for p in problems)
    path = root / "branches" / "a.yml"
    person, item = line_of(path, "- role: 党员"), line_of(path, "- measures:")
    assert any(s.startswith(f"{path}:{person}: ") and "缺少必填项 name（姓名）" in s for s in shown), shown
    assert any(s.startswith(f"{path}:{item}: ") and "缺少必填项 problem（问题）" in s for s in shown), shown


def test_duplicate_names_warn_and_personal_items_follow_the_items_rules(tmp_path):
    root = board_with(tmp_path, [
        {"name": "甲", "rectifications": [personal("一", id="01", status="已完成"), personal("二", id="01")]},
        {"name": "甲"},
    ])
    _, problems = loaded(root)
    messages = [p.message for p in problems]
    warnings = [p for p in problems if p.severity is Severity.WARNING]
    second = line_of(root / "branches" / "a.yml", "- name: 甲", 2)
    assert any("出现了两次" in p.message and p.line == second for p in warnings), problems
    assert any("completed（完成日期）" in p.message for p in problems), messages
    assert any("甲的个人整改清单里序号 id“01”重复" in p.message for p in problems), messages


def test_change_log_lists_fulfilment_and_personal_status_changes_for_the_audience(tmp_path):
    people = [{"name": "甲", "pledge": "讲党课", "rectifications": [personal("公开的个人问题", audience="公开")]},
              {"name": "乙", "pledge": "党内承诺", "audience": "党内"}]
    root = board_with(tmp_path, people)
    before = snapshot(compute(loaded(root)[0], Audience.PUBLIC, AS_OF))
    people[0]["fulfilled"] = "已讲 2 次"
    people[0]["rectifications"][0]["status"] = "整改中"
    people[1]["fulfilled"] = "党内践诺"
    board_with(tmp_path, people)
    after = snapshot(compute(loaded(root)[0], Audience.PUBLIC, AS_OF))
    change = entry(before, after, AS_OF.isoformat(), "b1")
    changed = {(c["id"], c["from"], c["to"]) for c in change["status"]}
    assert changed == {("甲", "践诺情况：未填写", "践诺情况：已讲 2 次"), ("甲/01", "未开始", "整改中")}
    assert "乙" not in str(after) and {"name": "报告践诺", "from": 0, "to": 1} in change["figures"]


def test_new_period_keeps_people_clears_pledges_and_carries_open_personal_items(tmp_path):
    root = board_with(tmp_path / "2026", [
        {"name": "甲", "role": "支部书记", "pledge": "讲党课", "fulfilled": "讲了", "rectifications": [
            personal("未完成", id="01", status="整改中"),
            personal("已完成", id="02", status="已完成", completed="2027-05-01"),
            personal("公开的", id="03", audience="公开")]},
        {"name": "乙", "audience": "党内"},
    ], id="2026")
    content, _ = loaded(root)
    carried = new_period(content, tmp_path / "2027", "2027年度", None, AS_OF)
    assert [name for name, _ in carried.branches[0][2]] == ["甲/01", "甲/03"]
    following, problems = loaded(tmp_path / "2027")
    assert [p for p in problems if p.severity is Severity.ERROR] == []
    first, second = following.branches[0].people
    assert (first.name, first.role, first.pledge, first.fulfilled) == ("甲", "支部书记", None, None)
    assert [(i.id, i.carried_from, i.audience) for i in first.items] == [
        ("01", "2026/a/甲/01", Audience.PARTY), ("03", "2026/a/甲/03", Audience.PUBLIC)]
    assert (second.name, second.audience, second.items) == ("乙", Audience.PARTY, ())
    assert not any("未结转" in p.message for p in problems)


def test_a_dropped_open_personal_item_is_named_when_the_next_year_is_checked(tmp_path):
    board_with(tmp_path / "2026", [{"name": "甲", "rectifications": [personal("未完成", id="01")]}], id="2026")
    root = board_with(tmp_path / "2027", [{"name": "甲"}], id="2027", previous="../2026")
    _, problems = loaded(root)
    assert any("上年度事项未结转：2026/a/甲/01" in p.message for p in problems), problems


def test_export_has_a_pledge_sheet_read_by_its_headers(tmp_path):
    root = board_with(tmp_path, [{"name": "甲", "role": "书记", "pledge": "=讲党课", "fulfilled": "讲了",
                                  "rectifications": [personal("个人问题")]},
                                 {"name": "乙", "audience": "党内"}])
    out = tmp_path / "out.xlsx"
    export(loaded(root)[0], out, AS_OF)
    book = load_workbook(out)
    rows = list(book["党员承诺"].iter_rows(min_row=2, values_only=True))
    header = rows[0]
    assert set(header) >= {"支部名称", "姓名", "职务", "承诺内容", "践诺情况", "公开范围"}
    people = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert [(p["姓名"], p["职务"], p["承诺内容"], p["践诺情况"], p["公开范围"]) for p in people] == [
        ("甲", "书记", "=讲党课", "讲了", "公开"), ("乙", None, None, None, "党内")]
    items = list(book["个人整改清单"].iter_rows(min_row=2, values_only=True))
    item = dict(zip(items[0], items[1], strict=True))
    assert (item["姓名"], item["存在问题"], item["责任人"], item["公开范围"]) == ("甲", "个人问题", "甲", "党内")


def cli(*args: str) -> tuple[int, str, str]:
    import contextlib

    from click.testing import CliRunner

    from generator import speed
    from generator.cli import main

    speed.forget()
    with contextlib.chdir(Path(__file__).resolve().parent.parent):
        result = CliRunner().invoke(main, [*args, "--as-of", AS_OF.isoformat()], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_the_pledge_sheet_and_a_persons_items_import_back(tmp_path):
    root = board_with(tmp_path / "content", [
        {"name": "甲", "role": "书记", "pledge": "讲党课", "rectifications": [
            personal("党内的个人问题", id="01"), personal("公开的个人问题", id="02", audience="公开")]},
        {"name": "乙", "pledge": "按时交党费", "audience": "党内"}])
    path, out = root / "branches" / "a.yml", tmp_path / "all.xlsx"
    export(loaded(root)[0], out, AS_OF)
    written = path.read_bytes()
    for extra in (("--sheet", "党员承诺"), ("--person", "甲", "--sheet", "个人整改清单")):
        code, stdout, err = cli("import", "--content", str(root), str(out), "--branch", "a", *extra, "--yes")
        assert code == 0 and "文件没有改动" in stdout and path.read_bytes() == written, (extra, stdout, err)
    book = load_workbook(out)
    sheet = book["党员承诺"]
    header = [c.value for c in sheet[2]]
    sheet.cell(3, header.index("践诺情况") + 1).value = "已讲党课 2 次"
    sheet.append(["第一党支部", "丙", "党员", "带头参加志愿服务", None, None])
    book.save(out)
    code, stdout, err = cli("import", "--content", str(root), str(out), "--branch", "a", "--sheet", "党员承诺", "--yes")
    assert code == 0, err
    assert "践诺情况：（空） → 已讲党课 2 次" in stdout and "新增 丙（公开）" in stdout
    people = loaded(root)[0].branches[0].people
    assert [(p.name, p.fulfilled, len(p.items)) for p in people] == [("甲", "已讲党课 2 次", 2), ("乙", None, 0),
                                                                    ("丙", None, 0)]
    code, _, err = cli("import", "--content", str(root), str(out), "--branch", "a", "--person", "丁", "--yes")
    assert code == 1 and "没有名为“丁”的人" in err and "文件保持不变" in err


def test_a_persons_list_from_a_plain_sheet_keeps_public_marks_and_defaults_new_items_to_party(tmp_path):
    root = board_with(tmp_path / "content", [{"name": "甲"}])
    sheet = tmp_path / "甲.csv"
    sheet.write_text("序号,存在问题,整改措施,整改时限,公开范围\n01,公开的问题,改进,2027-12-31,公开\n02,默认的问题,改进,2027-12-31,\n",
                     encoding="utf-8")
    code, stdout, err = cli("import", "--content", str(root), str(sheet), "--branch", "a", "--person", "甲", "--yes")
    assert code == 0, err
    items = loaded(root)[0].branches[0].people[0].items
    assert [(i.id, i.owner, i.audience) for i in items] == [("01", "甲", Audience.PUBLIC), ("02", "甲", Audience.PARTY)]


def test_a_sheet_without_a_row_of_the_person_is_refused_and_their_items_kept(tmp_path):
    root = board_with(tmp_path / "content", [{"name": "甲", "rectifications": [personal("甲的问题", id="01")]},
                                             {"name": "乙", "rectifications": [personal("乙的问题", id="01")]}])
    sheet = tmp_path / "个人.csv"
    sheet.write_text("姓名,序号,存在问题,整改措施,整改时限\n甲,01,甲的问题,改进,2027-12-31\n", encoding="utf-8")
    before = (root / "branches" / "a.yml").read_bytes()
    code, stdout, err = cli("import", "--content", str(root), str(sheet), "--branch", "a", "--person", "乙", "--yes")
    assert code == 1 and "没有这个人的整改事项" in err and "文件保持不变" in err, (stdout, err)
    assert (root / "branches" / "a.yml").read_bytes() == before


def test_review_lists_each_changed_person_and_personal_item_by_name(tmp_path):
    root = board_with(tmp_path / "content", [
        {"name": "甲", "pledge": "讲党课", "rectifications": [personal("公开的个人问题", id="01", audience="公开")]},
        {"name": "乙", "pledge": "按时交党费"}])
    for step, who in (("review", "审核人"), ("approve", "审批人")):
        assert cli(step, "--content", str(root), "--by", who)[0] == 0
    path = root / "branches" / "a.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["people"][0]["rectifications"][0]["status"] = "整改中"
    data["people"][1]["fulfilled"] = "已交"
    write(path, data)
    code, out, err = cli("review", "--content", str(root), "--by", "审核人")
    assert code == 0, err
    assert "【修改】第一党支部 班子成员和党员 乙" in out and "新：践诺情况：已交" in out
    assert "【修改】第一党支部 甲 个人整改清单 01" in out and "新：整改状态：整改中" in out
    assert "班子成员和党员 甲（" not in out  # 甲's own fields did not change


def test_the_template_workbook_has_a_blank_pledge_sheet_that_imports(tmp_path):
    from generator.office.export import template

    out = tmp_path / "模板.xlsx"
    template(out)
    book = load_workbook(out)
    sheet = book["党员承诺"]
    header = [c.value for c in sheet[2]]
    assert header == ["支部名称", "姓名", "职务", "承诺内容", "践诺情况", "公开范围"]
    assert '"公开,党内"' in {v.formula1 for v in sheet.data_validations.dataValidation}
    assert "个人整改清单" not in book.sheetnames   # a person's own list is typed on a 整改清单 (import --person)
    sheet.append([None, "甲", "书记", "讲党课", None, "党内"])
    book.save(out)
    root = board_with(tmp_path / "content", [{"name": "乙"}])
    data = yaml.safe_load((root / "branches" / "a.yml").read_text(encoding="utf-8"))
    write(root / "branches" / "a.yml", {**data, "rectifications": [personal("支部的问题", owner="张某")]})
    # no --sheet: the template's 整改清单 is blank, so the filled 党员承诺 is what is imported (never an empty list)
    code, stdout, err = cli("import", "--content", str(root), str(out), "--branch", "a", "--yes")
    assert code == 0, err
    assert [i.problem for i in loaded(root)[0].branches[0].items] == ["支部的问题"]
    people = loaded(root)[0].branches[0].people
    assert [(p.name, p.pledge, p.audience) for p in people] == [("乙", None, Audience.PUBLIC),
                                                               ("甲", "讲党课", Audience.PARTY)]


def test_the_pledge_sheet_reads_its_audience_as_strictly_as_the_items_sheet(tmp_path):
    """``公开：否`` or a 是否公开 column never turns a 党内 person public: each is an error naming its cell."""
    root = board_with(tmp_path / "content", [{"name": "甲", "pledge": "讲党课", "audience": "党内"}])
    path = root / "branches" / "a.yml"
    written = path.read_bytes()
    for header, cell in (("公开范围", "公开：否"), ("公开范围", "公开，仅限党内"), ("是否公开", "否")):
        sheet = tmp_path / "承诺.csv"
        sheet.write_text(f"姓名,承诺内容,{header}\n甲,讲党课,{cell}\n乙,交党费,{cell}\n", encoding="utf-8")
        code, stdout, err = cli("import", "--content", str(root), str(sheet), "--branch", "a", "--sheet", "承诺", "--yes")
        assert code == 1 and "承诺!C" in err and path.read_bytes() == written, (header, cell, stdout, err)


def test_a_pledge_sheet_preview_names_only_what_changes(tmp_path):
    """A person made 公开 by the sheet: the preview says so, and their own items (untouched, only moved a line in
    the file) are not listed as changed in Python's notation."""
    root = board_with(tmp_path / "content", [{"name": "甲", "pledge": "讲党课", "audience": "党内", "rectifications": [
        personal("公开的个人问题", id="01", audience="公开")]}])
    sheet = tmp_path / "承诺.csv"
    sheet.write_text("姓名,承诺内容,公开范围\n甲,讲党课,公开\n", encoding="utf-8")
    code, stdout, err = cli("import", "--content", str(root), str(sheet), "--branch", "a", "--sheet", "承诺", "--yes")
    assert code == 0, err
    assert "修改 甲\n    公开范围：党内 → 公开\n" in stdout and "个人整改清单" not in stdout, stdout


def test_an_archived_periods_date_counts_the_personal_items_each_audience_sees(tmp_path):
    from generator.board.periods import archive_date

    root = board_with(tmp_path, [{"name": "甲", "rectifications": [
        personal("公开的", id="01", audience="公开", status="已完成", completed="2026-09-01"),
        personal("党内的", id="02", status="已完成", completed="2026-11-01")]}])
    content = loaded(root)[0]
    assert archive_date(content, Audience.PUBLIC) == dt.date(2026, 9, 1)
    assert archive_date(content, Audience.PARTY) == dt.date(2026, 11, 1)


def test_a_slash_in_an_item_id_or_a_name_is_an_error_at_its_line(tmp_path):
    """``罗某某/01`` names a person's item 01 (``carried_from``, the change log): a branch item with that 序号, or a
    person called ``a/b``, would be two things under one name."""
    root = board_with(tmp_path / "content", [{"name": "罗某某", "rectifications": [personal("个人问题", id="01")]},
                                              {"name": "甲/乙"}])
    path = root / "branches" / "a.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["rectifications"] = [{"id": "罗某某/01", "problem": "支部问题", "measures": ["改"], "owner": "张",
                               "deadline": "2027-12-31", "status": "整改中"}]
    write(path, data)
    errors = [str(p) for p in loaded(root)[1] if p.severity is Severity.ERROR]
    assert any(f"a.yml:{line_of(path, 'id: 罗某某/01')}:" in e and "“/”" in e for e in errors), errors
    assert any(f"a.yml:{line_of(path, 'name: 甲/乙')}:" in e and "“/”" in e for e in errors), errors
