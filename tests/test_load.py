"""Content folder → model: every field's parse rules and messages, with lines."""

from __future__ import annotations

import datetime as dt
import gc

import pytest

from generator.content.dates import DateError, parse_date
from generator.content.load import load_content, suggest_branch_id
from generator.content.model import Audience, DeadlineKind, Kind, Status
from generator.speed import PARALLEL_FROM
from helpers import evaluation, item, tiny_board, write_yaml


def messages(content_dir):
    _, problems = load_content(content_dir)
    return [(p.path.rsplit("/", 1)[-1], p.line, p.message) for p in problems]


def test_valid_board_loads_into_the_model(tmp_path):
    root = tiny_board(tmp_path, {
        "b": {"name": "乙支部", "order": 2, "rectifications": [item()]},
        "a": {"name": "甲支部", "kind": "temporary", "order": 1, "secretary": "李某某",
              "meeting": {"date": "2023年2月10日", "supervisor": "局党委委员 王某某"},
              "evaluation": evaluation(honor_roll=["王某某"], opinions=12),
              "rectifications": [item(status="closed", completed="2024-05-01", deadline="立行立改", audience="党内")]},
    }, notice={"from": "2024-02-20", "to": "2024-02-26"}, feedback=["电话：0000"])
    content, problems = load_content(root)
    assert problems == []
    assert [b.id for b in content.branches] == ["a", "b"]
    a = content.branches[0]
    assert a.kind is Kind.TEMPORARY and a.meeting.date == dt.date(2023, 2, 10)
    assert a.evaluation.members == 10 and a.evaluation.honor_roll == ("王某某",)
    first = a.items[0]
    assert (first.status, first.audience, first.deadline.kind) == (Status.CLOSED, Audience.PARTY, DeadlineKind.IMMEDIATE)
    assert content.board.notice.end == dt.date(2024, 2, 26) and content.board.feedback == ("电话：0000",)


def test_unknown_key_suggests_the_right_one(tmp_path):
    root = tiny_board(tmp_path, {"a": {"name": "甲", "rectifications": [item(owenr="x")]}})
    assert ("a.yml", 10, "不认识的键“owenr”，是不是想写 owner？") in messages(root)


def test_unknown_key_without_close_match_lists_the_keys(tmp_path):
    root = tiny_board(tmp_path, {"a": {"name": "甲", "remark": "x"}})
    [(_, line, message)] = messages(root)
    assert line == 2 and "可用的键" in message and "rectifications" in message


@pytest.mark.parametrize("value, expected", [
    ("已完成", Status.DONE), ("done", Status.DONE), ("整改中", Status.IN_PROGRESS), ("closed", Status.CLOSED),
])
def test_status_accepts_chinese_label_or_english_key(tmp_path, value, expected):
    root = tiny_board(tmp_path, {"a": {"name": "甲", "rectifications": [item(status=value, completed="2024-01-01")]}})
    content, _ = load_content(root)
    assert content.branches[0].items[0].status is expected


def test_bad_enumeration_lists_the_valid_values(tmp_path):
    root = tiny_board(tmp_path, {"a": {"name": "甲", "kind": "支部", "rectifications": [item(status="完成")]}})
    found = messages(root)
    assert ("a.yml", 2, "kind（支部类型）不能是“支部”，可选：党支部（branch）、临时党支部（temporary）") in found
    assert any(line == 10 and "已销号（closed）" in msg for _, line, msg in found)
    # 完成 means 已完成 in a sheet and here alike: the file is asked for the one spelling, saying so
    assert any(line == 10 and msg.endswith("；表格里的“完成”按“已完成”导入，这里请写 已完成") for _, line, msg in found)


@pytest.mark.parametrize("key, value, read", [
    ("deadline", "2026年6月底前", "2026-06-30"), ("deadline", "2026年底前", "2026-12-31"),
    ("deadline", "2026年上半年", "2026-06-30"), ("deadline", "2026.6", "2026-06-30"),
    ("deadline", "2026年第二季度", "2026-06-30"), ("completed", "2024年6月底", "2024-06-30"),
])
def test_a_date_the_sheet_reads_is_refused_naming_the_spelling_to_use(tmp_path, key, value, read):
    root = tiny_board(tmp_path, {"a": {"name": "甲", "rectifications": [item(**{key: value}, status="已完成")]}})
    found = [msg for _, _, msg in messages(root) if msg.startswith(key)]
    assert len(found) == 1 and found[0].endswith(f"不能是“{value}”：表格里的“{value}”按 {read} 导入，这里请写 {read}")


def test_a_date_no_sheet_reads_keeps_the_plain_message(tmp_path):
    root = tiny_board(tmp_path, {"a": {"name": "甲", "rectifications": [item(deadline="下个月")]}})
    [msg] = [msg for _, _, msg in messages(root)]
    assert msg == "deadline（整改时限）：无法识别的日期“下个月”，请写成 2024-06-30 或 2024年6月30日；不定期的事项写 长期坚持 或 立行立改"


@pytest.mark.parametrize("text, expected", [
    ("2024-06-30", dt.date(2024, 6, 30)), ("2024-6-3", dt.date(2024, 6, 3)), ("2024年6月30日", dt.date(2024, 6, 30)),
    ("2024/6/30", dt.date(2024, 6, 30)), ("2024.6.30", dt.date(2024, 6, 30)),
])
def test_date_forms(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text, said", [
    ("2024-02-30", "2024年2月没有 30 日"), ("2023-02-29", "没有 29 日"), ("2024-13-01", "没有 13 月"),
    ("30/06/2024", "无法识别"), ("下个月", "无法识别"),
])
def test_impossible_and_unknown_dates(text, said):
    with pytest.raises(DateError, match=said):
        parse_date(text)


def test_month_end_only_where_allowed():
    assert parse_date("2024年2月底", month_end=True) == dt.date(2024, 2, 29)
    with pytest.raises(DateError):
        parse_date("2024年2月底")


def test_deadline_kinds_and_bad_deadline(tmp_path):
    root = tiny_board(tmp_path, {"a": {"name": "甲", "rectifications": [
        item(id="1", deadline="长期坚持"), item(id="2", deadline="ongoing"), item(id="3", deadline="尽快")]}})
    content, problems = load_content(root)
    assert [i.deadline.kind for i in content.branches[0].items] == [DeadlineKind.ONGOING, DeadlineKind.ONGOING]
    assert "长期坚持 或 立行立改" in problems[0].message and problems[0].line == 22


@pytest.mark.parametrize("value, said", [
    (-1, "不能是负数"), (2.5, "应为不小于 0 的整数"), ("十", "应为不小于 0 的整数"), ([1], "现在是“列表”"),
])
def test_counts_must_be_whole_numbers(tmp_path, value, said):
    root = tiny_board(tmp_path, {"a": {"name": "甲", "evaluation": evaluation(members=value)}})
    [(_, line, message)] = messages(root)
    assert line == 3 and "members（党员总数）" in message and said in message


def test_wrong_types_for_text(tmp_path):
    root = tiny_board(tmp_path, {"a": {"name": ["甲", "乙"], "rectifications": [item(problem={"a": 1})]}})
    found = messages(root)
    assert ("a.yml", 1, "name（支部名称）应为一段文字，不能是列表或“键: 值”") in found
    assert any(line == 6 and "problem（问题）应为一段文字" in msg for _, line, msg in found)


def test_whitespace_only_required_text_is_empty(tmp_path):
    root = tiny_board(tmp_path, {"a": {"name": "甲", "rectifications": [item(owner="   ", measures=[" "])]}})
    found = {(line, msg) for _, line, msg in messages(root)}
    assert (7, "owner（责任人）不能为空") in found
    assert (6, "measures（整改措施）的每一项都应为非空文字") in found


def test_missing_required_fields_point_at_their_item(tmp_path):
    entry = item()
    del entry["owner"], entry["deadline"]
    root = tiny_board(tmp_path, {"a": {"name": "甲", "rectifications": [item(id="1"), entry]}})
    found = {(line, msg) for _, line, msg in messages(root)}
    assert found == {(10, "缺少必填项 owner（责任人）"), (10, "缺少必填项 deadline（整改时限）")}


@pytest.mark.parametrize("stem, suggestion", [
    ("Jiguan-1", "jiguan-1"), ("jiguan 1", "jiguan-1"), ("机关一支部", "branch-1"), ("..x", "x"),
])
def test_file_names_must_be_urls(tmp_path, stem, suggestion):
    root = tiny_board(tmp_path, {stem: {"name": "甲"}})
    [(name, line, message)] = messages(root)
    assert name == f"{stem}.yml" and line == 0
    assert "小写英文字母" in message and f"建议改名为 {suggestion}.yml" in message


def test_suggestion_is_always_a_valid_id():
    assert suggest_branch_id("第一 支部 2", 7) == "branch-7"


def test_missing_board_and_empty_branches(tmp_path):
    (tmp_path / "branches").mkdir()
    found = messages(tmp_path)
    assert any(name == "board.yml" and "缺少 board.yml" in msg for name, _, msg in found)
    assert any(name == "branches" and "没有任何支部文件" in msg for name, _, msg in found)


def test_notice_needs_both_dates_in_order(tmp_path):
    root = tiny_board(tmp_path, notice={"from": "2024-03-01", "to": "2024-02-01"})
    [(_, line, message)] = messages(root)
    assert line == 3 and "早于开始日期" in message


def test_parsed_files_are_cached_until_they_change(tmp_path):
    root = tiny_board(tmp_path)
    first, _ = load_content(root)
    again, _ = load_content(root)
    assert again.branches[0] is first.branches[0]
    path = root / "branches" / "first.yml"
    write_yaml(path, {"name": "改名后的支部"})
    changed, _ = load_content(root)
    assert changed.branches[0].name == "改名后的支部"


def test_a_big_board_is_kept_out_of_the_collector_until_the_next_read(tmp_path):
    big = tiny_board(tmp_path / "big", {f"b{n:03d}": {"name": f"第{n}支部", "rectifications": [item()]}
                                        for n in range(PARALLEL_FROM)})
    gc.unfreeze()
    content, _ = load_content(big)
    assert len(content.branches) == PARALLEL_FROM and gc.get_freeze_count() > 0 and gc.isenabled()
    small, _ = load_content(tiny_board(tmp_path / "small"))
    assert gc.get_freeze_count() == 0 and gc.isenabled()  # the small read unfroze the big one
    assert len(small.branches) == 1


def test_text_that_would_show_in_another_order_or_not_at_all_is_a_warning_at_its_line(tmp_path):
    """U+202E lays the rest of a line out reversed on the page, U+200B shows nothing: the clerk hears of both
    before review, at the line, spelled out (the page still shows the text as typed; it is only a warning)."""
    root = tiny_board(tmp_path, {"a": {"name": "甲支部", "rectifications": [
        item(problem="已整改完毕\u202e不未尚", measures=["一是\u200b学习", "二是考核"])]}})
    content, problems = load_content(root)
    assert content is not None
    hidden = [(p.line, p.message) for p in problems if "看不见或会改变文字显示顺序" in p.message]
    assert len(hidden) == 2, problems
    assert all(p.severity.name == "WARNING" for p in problems)
    assert "\\u202e" in hidden[0][1] and hidden[0][1].startswith("problem") and "\\u200b" in hidden[1][1]
    assert hidden[0][0] < hidden[1][0]


def test_ordinary_chinese_text_gets_no_hidden_character_warning(tmp_path):
    root = tiny_board(tmp_path, {"a": {"name": "甲支部", "rectifications": [item(problem="理论学习不够深入（“两个维护”）")]}})
    assert load_content(root)[1] == []
