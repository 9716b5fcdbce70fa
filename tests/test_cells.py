"""One cell as offices write it: numbered measures, dates and deadlines, status words."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.content import schema
from generator.content.cells import cell_date, deadline, parse_words, split_measures
from generator.content.model import Status


def parse_status(text):
    return parse_words(text, schema.ITEM["status"])


@pytest.mark.parametrize("cell, expected", [
    ("1.制定学习计划；2.开展专题研讨。", ["制定学习计划", "开展专题研讨"]),
    ("1、制定学习计划\n2、开展专题研讨；", ["制定学习计划", "开展专题研讨"]),
    ("（1）制定学习计划\n（2）开展专题研讨", ["制定学习计划", "开展专题研讨"]),
    ("①制定学习计划；②开展专题研讨", ["制定学习计划", "开展专题研讨"]),
    ("一、制定计划\n二、落实到人。", ["制定计划", "落实到人"]),
    ("只有一条措施", ["只有一条措施"]),
    ("1. 每年2次以上\r\n2. 形成3.5万字材料", ["每年2次以上", "形成3.5万字材料"]),
    ("一是加强学习；二是统一、规范台账。", ["加强学习", "统一、规范台账"]),            # 统一、 is no numbering
    ("一是加强学习。二是完善制度。三是强化监督。", ["加强学习", "完善制度", "强化监督"]),
    ("针对此问题：一是加强学习；二是完善制度", ["针对此问题：加强学习", "完善制度"]),   # the lead is kept
    ("1.甲 2.乙", ["甲", "乙"]), ("（1）甲（2）乙", ["甲", "乙"]), ("①甲②乙③丙", ["甲", "乙", "丙"]),
    ("第一，加强学习；第二，完善制度", ["加强学习", "完善制度"]),
    ("一是落实（1）甲（2）乙；二是丙", ["落实（1）甲（2）乙", "丙"]),                 # the outer numbering splits
    ("落实2024年6月30日前的3项任务", ["落实2024年6月30日前的3项任务"]),
    # a marker stands at the start or after a sentence end or separator, never mid-phrase
    ("一是加强学习，做到一是一、二是二；二是严格考核", ["加强学习，做到一是一、二是二", "严格考核"]),
    ("1.完善制度。2.开展培训。3.2025年6月前验收", ["完善制度", "开展培训", "2025年6月前验收"]),
    ("1.完善制度\n2.2025年底前验收", ["完善制度", "2025年底前验收"]),
    ("1.完善制度，2.5万元资金到位", ["完善制度，2.5万元资金到位"]),                     # after ， a decimal
    ("1.完善制度；共开展2次培训。2.落实整改", ["完善制度；共开展2次培训", "落实整改"]),
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


@pytest.mark.parametrize("cell, expected", [
    ("2023年6月底前", "2023-06-30"), ("2024年12月底", "2024-12-31"), ("2023.12.31", "2023-12-31"),
    ("2024年底前", "2024-12-31"), ("2023年12月31日前", "2023-12-31"), ("2024年6月", "2024-06-30"),
    ("2024年上半年", "2024-06-30"), ("2024年6月底前完成，长期坚持", "2024-06-30"),
    ("2024年第二季度", "2024-06-30"), ("2024年一季度末前", "2024-03-31"), ("2024年第4季度", "2024-12-31"),
    ("即知即改", "立行立改"), ("立行立改", "立行立改"), ("长期坚持", "长期坚持"), ("立行立改、长期坚持", "长期坚持"),
])
def test_deadline_wordings(cell, expected):
    assert str(deadline(cell, schema.ITEM["deadline"])) == expected


@pytest.mark.parametrize("cell, status", [
    ("已完成整改", Status.DONE), ("完成整改", Status.DONE), ("整改完成", Status.DONE), ("已办结", Status.DONE),
    ("该问题已完成整改。", Status.DONE), ("已销号", Status.CLOSED), ("正在整改", Status.IN_PROGRESS),
    ("未完成", Status.IN_PROGRESS), ("持续整改", Status.IN_PROGRESS),
])
def test_office_status_wordings(cell, status):
    assert parse_status(cell) == (status, None)


@pytest.mark.parametrize("cell", ["部分整改", "阶段性办结", "持续推进", "未销号", "基本完成", "基本完成，持续整改",
                                  "阶段性完成（待验收）"])
def test_a_status_word_that_says_more_keeps_the_whole_cell(cell):
    assert parse_status(cell) == (Status.IN_PROGRESS, cell)
    assert parse_status(f" {cell}\n") == (Status.IN_PROGRESS, cell)


@pytest.mark.parametrize("cell", ["公开：否", "公开，仅限党内", "公开 否", "不"])
def test_an_audience_is_one_word_or_nothing(cell):
    assert parse_words(cell, schema.ITEM["audience"]) is None
    assert parse_words("仅党内", schema.ITEM["audience"])[0].label == "党内"


def test_status_words_alone_or_leading_a_sentence():
    assert parse_status("已完成") == (Status.DONE, None)
    assert parse_status("closed") == (Status.CLOSED, None)
    assert parse_status("已完成。已建立群众诉求台账") == (Status.DONE, "已建立群众诉求台账")
    assert parse_status("正在整改，已召开推进会") == (Status.IN_PROGRESS, "已召开推进会")
    assert parse_status("差不多了") is None
