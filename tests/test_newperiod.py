"""office.newperiod: next year's content starts from this year's, every open item carried, nothing overwritten.

Core-level: ``new_period`` is called on loaded content and the folder it writes is loaded back (the CLI's
end-to-end run, the archive and the links between years are in test_periods.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.content import schema
from generator.content.load import load_content
from generator.content.model import Status
from generator.office.newperiod import NewPeriodError, new_period, refuse_place
from helpers import evaluation, item, tiny_board

AS_OF = dt.date(2025, 1, 10)
OPEN = item(id="01", status="整改中", category="理论学习", source="会前征求意见", target="学深悟透",
            progress="已学 3 次", audience="党内", deadline="2024-12-31")
DONE = item(id="02", status="已完成", completed="2024-05-01", verified_by="李某某")


def _board(root: Path) -> Path:
    return tiny_board(root, {"a": {"name": "第一党支部", "secretary": "王某某", "order": 2,
                                   "meeting": {"date": "2024-02-10"}, "evaluation": evaluation(),
                                   "rectifications": [OPEN, DONE]},
                             "b": {"name": "第二党支部", "rectifications": []}}, id="2024", period="2024年度")


def _start(tmp_path: Path, **kwargs):
    old, _ = load_content(_board(tmp_path / "c2024"))
    return old, new_period(old, tmp_path / "c2025", kwargs.get("period", "2025年度"), kwargs.get("period_id"), AS_OF)


def test_open_items_go_on_with_every_carried_field_and_finished_ones_stay(tmp_path):
    old, carried = _start(tmp_path)
    new, problems = load_content(tmp_path / "c2025")
    assert new is not None and not [p for p in problems if p.severity.name == "ERROR"]
    assert (new.board.period, new.board.period_id, new.previous.board.period) == ("2025年度", "2025", "2024年度")
    a_old, a_new = old.branches[0], new.branches[0]
    assert [i.id for i in a_new.items] == ["01"] and carried.items == 1
    moved = a_new.items[0]
    assert moved.carried_from == "2024/a/01" and moved.status is Status.IN_PROGRESS
    for field in schema.ITEM.fields:  # whatever the schema declares carried, and nothing else
        if field.key == "carried_from":
            continue
        before, after = getattr(a_old.items[0], field.name), getattr(moved, field.name)
        assert (after == before) if field.carried else (after in (None, (), field.default)), field.key
    assert (a_new.name, a_new.secretary, a_new.order) == ("第一党支部", "王某某", 2)
    assert a_new.meeting is None and a_new.evaluation is None  # this year's meeting and evaluation are new
    assert [b.id for b in new.branches] == ["a", "b"] and new.branches[1].items == ()


def test_the_report_names_each_carried_item_and_counts_the_party_ones(tmp_path):
    _, carried = _start(tmp_path)
    lines = carried.report()
    assert "结转未完成事项 1 项，其中党内事项 1 项" in lines[0]
    assert lines[1:] == ["  第一党支部（a）：结转 1 项：01（整改中）"]  # branch b carried nothing: not listed


def test_a_period_without_a_short_name_or_with_a_taken_one_is_refused(tmp_path):
    old, _ = load_content(_board(tmp_path / "c2024"))
    with pytest.raises(NewPeriodError, match="没有数字"):
        new_period(old, tmp_path / "next", "下一年度", None, AS_OF)
    with pytest.raises(NewPeriodError, match="已被现有年度使用"):
        new_period(old, tmp_path / "next", "2024年度（补）", None, AS_OF)
    assert not (tmp_path / "next").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["c2024"]  # no work folder left behind


def test_no_place_that_holds_anything_is_written(tmp_path):
    old, _ = load_content(_board(tmp_path / "c2024"))
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("别动", encoding="utf-8")
    assert "已存在且不是空文件夹" in refuse_place(full, old)
    for inside in (tmp_path / "c2024", tmp_path / "c2024" / "branches", tmp_path):
        assert "内容文件夹" in refuse_place(inside, old)
    (tmp_path / "empty").mkdir()
    assert refuse_place(tmp_path / "empty", old) is None and refuse_place(tmp_path / "new", old) is None
