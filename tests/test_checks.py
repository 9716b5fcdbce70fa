"""Cross-field rules and the warnings that help."""

from __future__ import annotations

import datetime as dt

from generator import core
from generator.content.model import Severity
from helpers import evaluation, item, tiny_board


def problems_of(root, as_of="2024-07-01", **options):
    checked = core.validate(core.make_options(root, as_of=as_of, **options))
    return [(p.line, p.severity, p.message) for p in checked.problems]


def test_grade_sum_must_equal_rated_and_names_the_numbers(tmp_path):
    root = tiny_board(tmp_path, {"a": {"name": "甲", "evaluation": evaluation(rated=9, excellent=3)}})
    [(line, severity, message)] = problems_of(root)
    assert line == 6 and severity is Severity.ERROR
    assert message == "评定结果相加不等于参加组织评定人数：优秀 3 + 合格 6 + 基本合格 1 + 不合格 0 = 10，而 rated（参加组织评定）是 9"


def test_rated_participants_members_order(tmp_path):
    root = tiny_board(tmp_path, {"a": {"name": "甲", "evaluation": evaluation(
        members=8, probationary=9, participants=9, rated=10, excellent=3, qualified=6)}})
    messages = {line: message for line, _, message in problems_of(root)}
    assert messages[6] == "参加组织评定 10 人，多于参加评议 9 人"
    assert messages[5] == "参加评议 9 人，多于党员总数 8 人"
    assert messages[4] == "预备党员 9 人，多于党员总数 8 人"


def test_finished_items_without_a_date_warn_and_never_a_future_one(tmp_path):
    root = tiny_board(tmp_path, {"a": {"name": "甲", "rectifications": [
        item(id="1", status="已完成"), item(id="2", status="已销号", completed="2024-07-02")]}})
    found = problems_of(root)
    assert (9, Severity.WARNING, "事项 1 状态为“已完成”，但没有填写 completed（完成日期）；知道日期的请补上") in found
    assert (17, Severity.ERROR, "完成日期 2024-07-02 晚于数据日期 2024-07-01，不能是将来的日期") in found


def test_duplicate_ids_name_both_lines(tmp_path):
    root = tiny_board(tmp_path, {"a": {"name": "甲", "rectifications": [item(id="1"), item(id="2"), item(id="1")]}})
    assert problems_of(root) == [(17, Severity.ERROR, "序号 id“1”重复：第 3 行和第 17 行")]


def test_overdue_not_started_is_a_warning(tmp_path):
    root = tiny_board(tmp_path, {"a": {"name": "甲", "rectifications": [item(status="未开始")]}})
    assert problems_of(root) == [(8, Severity.WARNING, "事项 01 的整改时限 2024-06-30 已过，状态仍为“未开始”")]
    assert problems_of(root, as_of="2024-06-30") == []


def test_excellent_share_above_the_ceiling_is_a_warning(tmp_path):
    root = tiny_board(tmp_path, {"a": {"name": "甲", "evaluation": evaluation(excellent=4, qualified=4)}})
    [(line, severity, message)] = problems_of(root)
    assert (line, severity) == (7, Severity.WARNING) and "优秀比例 44.5% 高于 33.3%" in message and "三分之一" in message
    assert problems_of(root, excellent_ceiling=50) == []
    third = tiny_board(tmp_path / "third", {"a": {"name": "甲", "evaluation": evaluation(excellent=3, qualified=5, basic=1)}})
    assert problems_of(third) == []                              # 3 of 9 graded is a third: within the rule, no warning


def test_ended_notice_is_a_warning(tmp_path):
    root = tiny_board(tmp_path, notice={"from": "2024-02-20", "to": "2024-02-26"})
    [(line, severity, message)] = problems_of(root)
    assert (line, severity) == (3, Severity.WARNING) and "公示期已于 2024-02-26 结束" in message


def test_problems_come_sorted_by_file_and_line(tmp_path):
    root = tiny_board(tmp_path, {
        "b": {"name": "乙", "rectifications": [item(id="1"), item(id="1")]},
        "a": {"name": "甲", "bogus": 1, "evaluation": evaluation(rated=1)},
    })
    checked = core.validate(core.make_options(root, as_of="2024-07-01"))
    keys = [(p.path, p.line) for p in checked.problems]
    assert keys == sorted(keys) and len(keys) == 3


def test_options_refuse_nonsense():
    for kwargs, said in (({"audience": "all"}, "audience"), ({"as_of": "明天"}, "as-of"),
                         ({"ledger_page_rows": 0}, "ledger_page_rows")):
        try:
            core.make_options(".", **kwargs)
        except core.OptionError as exc:
            assert said in str(exc)
        else:
            raise AssertionError(kwargs)
    assert core.make_options(".", as_of="2024年6月1日").as_of == dt.date(2024, 6, 1)


def test_rated_above_full_members_is_a_warning_naming_the_branch(tmp_path):
    ev = evaluation(members=10, probationary=2, participants=10, rated=9, excellent=2, qualified=6, basic=1)
    root = tiny_board(tmp_path, {"a": {"name": "甲支部", "evaluation": ev}})
    assert problems_of(root) == [(6, Severity.WARNING, "甲支部：参加组织评定 9 人，多于正式党员 8 人（党员总数 10 − 预备党员 2）；"
                                                       "预备党员参加评议，但不参加组织评定，请核对")]
    root = tiny_board(tmp_path / "ok", {"a": {"name": "甲支部", "evaluation": {**ev, "probationary": 1}}})
    assert problems_of(root) == []


def test_sample_board_grades_no_probationary_member():
    from pathlib import Path

    content = Path(__file__).resolve().parent.parent / "content"
    checked = core.validate(core.make_options(content, as_of="2026-11-25"))
    assert checked.content.branches
    assert not [p for p in checked.problems if "正式党员" in p.message]
    for branch in checked.content.branches:
        ev = branch.evaluation
        assert ev is None or ev.rated <= ev.members - ev.probationary, branch.id


def test_two_branch_files_with_one_name_warn_at_the_second(tmp_path):
    root = tiny_board(tmp_path, {"a": {"name": "局机关党支部"}, "b": {"name": "林场党支部"}, "c": {"name": "局机关党支部"}})
    [(line, severity, message)] = problems_of(root)
    assert (line, severity) == (1, Severity.WARNING)
    assert message.startswith("支部名称“局机关党支部”与 ") and "a.yml 相同：复制支部文件做新支部后，请改 name" in message
