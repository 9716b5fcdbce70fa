"""The figures' definitions (DESIGN.md), checked against hand-worked values."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from generator import core
from generator.board.figures import GRADES, compute, grade_shares, is_overdue, ledger, rate, summary
from generator.content.load import load_content
from generator.content.model import Audience
from helpers import evaluation, item, tiny_board

JULY = dt.date(2024, 7, 1)


def test_rate_is_half_up_to_one_decimal():
    assert rate(31, 32) == 96.9       # 96.875
    assert rate(1, 8) == 12.5         # exact
    assert rate(5, 16) == 31.3        # 31.25 rounds up, not to even
    assert rate(1, 6) == 16.7
    assert rate(2, 3) == 66.7
    assert rate(0, 0) is None


def test_shares_by_largest_remainder():
    assert grade_shares({"excellent": 1, "qualified": 1, "basic": 1, "unqualified": 0}) == {
        "excellent": 33.4, "qualified": 33.3, "basic": 33.3, "unqualified": 0.0}
    assert grade_shares({"excellent": 5, "qualified": 23, "basic": 1, "unqualified": 0}) == {
        "excellent": 17.2, "qualified": 79.3, "basic": 3.5, "unqualified": 0.0}
    assert grade_shares(dict.fromkeys(GRADES, 0)) is None


@given(st.lists(st.integers(0, 10_000), min_size=4, max_size=4).filter(lambda c: sum(c) > 0))
def test_shares_always_add_up_to_100(counts):
    shares = grade_shares(dict(zip(GRADES, counts, strict=True)))
    assert round(sum(shares.values()) * 10) == 1000
    for grade, count in zip(GRADES, counts, strict=True):
        assert abs(shares[grade] - count * 100 / sum(counts)) < 0.1 + 1e-9


def board_with_items(tmp_path):
    return tiny_board(tmp_path, {
        "a": {"name": "甲", "order": 1, "evaluation": evaluation(opinions=3), "rectifications": [
            item(id="1", status="未开始", deadline="2024-06-30"),
            item(id="2", status="整改中", deadline="2024-07-01"),
            item(id="3", status="整改中", deadline="长期坚持"),
            item(id="4", status="已完成", deadline="2024-01-31", completed="2024-02-01"),
            item(id="5", status="已销号", deadline="立行立改", completed="2024-02-01", audience="党内"),
            item(id="6", status="整改中", deadline="2024-03-01", audience="党内"),
        ]},
        "b": {"name": "乙", "order": 2, "kind": "临时党支部", "rectifications": [item(id="1", deadline="2024-05-01")]},
        "c": {"name": "丙", "order": 3, "evaluation": evaluation(
            members=7, probationary=0, participants=7, rated=6, excellent=1, qualified=5, basic=0),
            "rectifications": [item(id="1", status="已完成", completed="2024-01-01")]},
    })


def test_overdue_means_open_and_dated_before_as_of(tmp_path):
    content, _ = load_content(board_with_items(tmp_path))
    items = content.branches[0].items
    assert [is_overdue(i, JULY) for i in items] == [True, False, False, False, False, True]


def test_public_summary(tmp_path):
    content, _ = load_content(board_with_items(tmp_path))
    data = summary(compute(content, Audience.PUBLIC, JULY))
    assert data["as_of"] == "2024-07-01" and data["audience"] == "public"
    totals = data["totals"]
    assert (totals["branches"], totals["temporary_branches"]) == (2, 1)
    assert {k: totals[k] for k in ("members", "probationary", "participants", "rated", "opinions")} == {
        "members": 17, "probationary": 1, "participants": 16, "rated": 15, "opinions": 3}
    assert totals["participation_rate"] == 94.1                 # 16/17 = 94.117…
    assert totals["shares"] == {"excellent": 20.0, "qualified": 73.3, "basic": 6.7, "unqualified": 0.0}
    assert totals["rectifications"] == {"total": 6, "not_started": 1, "in_progress": 3, "done": 2, "closed": 0, "overdue": 2}
    a, b, c = data["branches"]
    assert a["rectifications"]["total"] == 4 and a["evaluation"]["participation_rate"] == 90.0
    assert b["kind"] == "temporary" and b["evaluation"] is None
    assert c["evaluation"]["shares"] == {"excellent": 16.7, "qualified": 83.3, "basic": 0.0, "unqualified": 0.0}


def test_party_summary_counts_every_item(tmp_path):
    content, _ = load_content(board_with_items(tmp_path))
    data = summary(compute(content, Audience.PARTY, JULY))
    assert data["audience"] == "party"
    assert data["totals"]["rectifications"] == {
        "total": 8, "not_started": 1, "in_progress": 4, "done": 2, "closed": 1, "overdue": 3}


def test_summary_has_exactly_the_designed_keys(tmp_path):
    content, _ = load_content(board_with_items(tmp_path))
    data = summary(compute(content, Audience.PUBLIC, JULY))
    assert list(data) == ["organization", "period", "as_of", "audience", "totals", "previous", "carried", "branches",
                          "overdue_items"]
    assert set(data["totals"]) == {
        "branches", "temporary_branches", "members", "probationary", "participants", "rated", "excellent",
        "qualified", "basic", "unqualified", "opinions", "participation_rate", "shares", "rectifications", "people"}
    assert set(data["branches"][0]) == {"id", "name", "kind", "evaluation", "rectifications", "people", "carried"}
    assert set(data["totals"]["people"]) == {"people", "pledges", "fulfilled", "rectifications"}
    assert data["previous"] is None and set(data["carried"]) == {"total", "done", "closed", "open"}


def test_summary_lists_overdue_public_items_only_most_overdue_first(tmp_path):
    """What a roll-up of many boards shows: the overdue 公开 items; a party summary leaves its 党内 ones out too."""
    content, _ = load_content(board_with_items(tmp_path))
    for audience in Audience:
        listed = summary(compute(content, audience, JULY))["overdue_items"]
        assert [(row["branch"], row["id"], row["deadline"]) for row in listed] == [
            ("b", "01", "2024-05-01"), ("a", "01", "2024-06-30")]   # numbered as the public board shows them
    assert listed[0] == {"branch": "b", "branch_name": "乙", "id": "01", "problem": "理论学习不够深入",
                         "owner": "张某某", "deadline": "2024-05-01", "status": "in_progress"}


def test_ledger_puts_overdue_first_then_by_deadline(tmp_path):
    content, _ = load_content(board_with_items(tmp_path))
    rows = ledger(compute(content, Audience.PARTY, JULY))
    order = [(bf.branch.id, i.id) for bf, i in rows]
    assert order[:3] == [("a", "6"), ("b", "1"), ("a", "1")]   # overdue, by deadline
    assert order[3:] == [("a", "4"), ("c", "1"), ("a", "2"), ("a", "5"), ("a", "3")]  # 立行立改, then 长期坚持


def test_generate_refuses_pages_when_content_has_errors(tmp_path):
    root = tiny_board(tmp_path, {"a": {"name": "甲", "evaluation": evaluation(rated=1)}})
    site = core.generate(core.make_options(root, as_of="2024-07-01"))
    assert site.checked.errors and site.pages == {} and site.data == {}


def test_public_numbers_leave_no_gap_where_a_party_item_is_hidden(tmp_path):
    import json
    import re

    items = [item(id=f"{n:02d}", problem=f"第{n}项问题", **({"audience": "党内"} if n == 4 else {})) for n in range(1, 6)]
    root = tiny_board(tmp_path, {"a": {"name": "甲", "rectifications": items}})
    numbers = {}
    for audience in ("public", "party"):
        site = core.generate(core.make_options(root, audience=audience, as_of="2024-07-01"))
        page = site.pages["branches/a.md"]
        numbers[audience] = re.findall(r'board-cell--id" data-search-exclude>([^<]*)<', page)
        shown = json.loads(site.data["data/screen/branches/a.json"])["items"]
        changes_ids = [v["id"] for v in json.loads(site.data["data/snapshot.json"])["items"].values()]
        assert changes_ids == numbers[audience]  # the change log names items as the page numbers them
    assert numbers == {"public": ["01", "02", "03", "04"], "party": ["01", "02", "03", "04", "05"]}
    assert [i["id"] for i in shown] == ["01", "02", "03", "04"]  # the screen is always public
    public = compute(load_content(root)[0], Audience.PUBLIC, JULY)
    [bf] = public.branches
    assert [bf.number(i) for i in bf.items] == ["01", "02", "03", "04"] and bf.items[3].problem == "第5项问题"
