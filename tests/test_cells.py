"""One cell as offices write it: numbered measures, dates and deadlines, status words."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.content import schema
from generator.content.model import Status
from generator.office.cells import cell_date, parse_words, split_measures


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
