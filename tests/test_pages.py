"""Pages rendered with the serve-time memo are exactly the pages rendered without it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import core, speed
from generator.board.pages import ledger_page_number, ledger_page_path
from generator.site.htmlblocks import stash_html
from generator.speed import Memo
from helpers import evaluation, item, tiny_board, write_yaml

TEMPLATES = Path(core.__file__).parent / "templates"
BLOCK_ELEMENTS = ("table", "thead", "tbody", "tr", "th", "td", "ul", "ol", "li", "p", "div", "section", "nav",
                  "h1", "h2", "h3")


def board(root):
    return tiny_board(root, {
        "a": {"name": "甲", "order": 1, "rectifications": [
            item(id="1", status="未开始", deadline="2024-06-30"),
            item(id="2", status="整改中", deadline="2024-09-30", audience="党内"),
        ]},
        "b": {"name": "乙", "order": 2, "rectifications": [item(id="1", deadline="2024-08-31"),
                                                          item(id="2", deadline="2024-12-31")]},
    })  # public ledger at two rows a page: a-1, b-1 | b-2


def pages(root, memo=None, **settings):
    options = core.make_options(root, **{"as_of": "2024-07-01", "ledger_page_rows": 2, **settings})
    return core.generate(options, memo).pages


def test_a_memo_reuses_unchanged_branches_and_renders_the_edited_one(tmp_path):
    root, memo = board(tmp_path), Memo()
    first = pages(root, memo)
    assert pages(root, memo) == first
    write_yaml(root / "branches" / "b.yml", {"name": "乙", "order": 2, "rectifications": [item(problem="新写的问题")]})
    edited = pages(root, memo)
    assert edited == pages(root)
    assert edited["branches/a.md"] is first["branches/a.md"]  # reused, not rendered again
    assert edited["branches/b.md"] != first["branches/b.md"] and "新写的问题" in edited["branches/b.md"]
    assert "新写的问题" in edited["print.md"] + edited["ledger.md"] and "ledger/2.md" in first


def test_a_memo_never_serves_another_date_audience_or_page(tmp_path):
    root, memo = board(tmp_path), Memo()
    pages(root, memo)
    one_page = pages(root, memo, ledger_page_rows=1000)  # b-2 moves from /ledger/2/ to /ledger/: other links
    assert one_page == pages(root, ledger_page_rows=1000)
    later = pages(root, memo, as_of="2024-10-31")  # more items overdue
    assert later == pages(root, as_of="2024-10-31") != pages(root)
    party = pages(root, memo, audience="party")  # the party-only item appears
    assert party == pages(root, audience="party")


def test_ledger_page_number_inverts_ledger_page_path():
    assert [ledger_page_number(ledger_page_path(n)) for n in (1, 2, 3, 12)] == [1, 2, 3, 12]
    assert [ledger_page_number(p) for p in ("ledger/1.md", "ledger/02.md", "ledger/x.md", "index.md")] == [None] * 4


def test_templates_put_one_element_on_a_line_and_no_line_over_160_characters():
    opening = re.compile(r"<(?:" + "|".join(BLOCK_ELEMENTS) + r")[\s>]")
    templates = sorted(TEMPLATES.glob("*.j2"))
    assert templates
    for path in templates:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            assert len(line) <= 160, f"{path.name}:{number}: {len(line)} characters"
            assert len(opening.findall(line)) <= 1, f"{path.name}:{number}: more than one element"


@pytest.mark.parametrize("audience", ["public", "party"])
def test_no_html_block_is_cut_by_a_blank_line(tmp_path, audience):
    """Markdown ends a raw-HTML block at a blank line: every block the templates make is whole."""
    def full(**fields):
        return item(category="类别", source="来源", target="目标", progress="进展", status="已销号",
                    completed="2024-05-01", **fields)

    root = tiny_board(tmp_path, {
        "a": {"name": "甲", "secretary": "张某某", "meeting": {"date": "2024-01-10", "supervisor": "李某某"},
              "evaluation": evaluation(honor_roll=["王某某"], opinions=3),
              "rectifications": [full(id="1", audience="党内"), full(id="2"), item(id="3", deadline="2024-01-31"),
                                 item(id="4", audience="党内")]},
        "b": {"name": "乙", "kind": "临时党支部", "rectifications": []},
    }, notice={"from": "2024-06-01", "to": "2024-07-10"}, feedback=["电话"])
    made = pages(root, audience=audience, ledger_page_rows=1)
    assert "branches/a.md" in made and "ledger/2.md" in made
    for path, markdown in made.items():
        for block in stash_html(markdown)[1]:
            for tag in BLOCK_ELEMENTS:
                opened = len(re.findall(rf"<{tag}[\s>]", block))
                assert opened == block.count(f"</{tag}>"), (path, tag, block[:200])


def test_a_memo_is_keyed_by_content_not_by_the_objects_read(tmp_path):
    root, memo = board(tmp_path), Memo()
    first = pages(root, memo)
    speed.forget()  # the files are parsed again: other objects, the same content
    again = pages(root, memo)
    assert again["branches/a.md"] is first["branches/a.md"]  # reused all the same
    copy = board(tmp_path / "copy")  # the same bytes elsewhere: other paths, so rendered afresh
    elsewhere = pages(copy, memo)["branches/a.md"]
    assert elsewhere == first["branches/a.md"] and elsewhere is not first["branches/a.md"]


def test_anchors_and_search_locations_leave_no_gap_where_a_party_item_is_hidden(tmp_path):
    """Public numbering hides a 党内 item's place; so must the row ids a reader sees in the address bar (#item-03
    after #item-01 told of a hidden 02), the search index's locations, and a person's list likewise."""
    import datetime as dt

    from generator.board.figures import compute
    from generator.board.search import branch_entries
    from generator.content.load import load_content
    from generator.content.model import Audience

    mine = [item(id=f"{n:02d}", problem=f"个人问题{n}", audience="党内" if n == 1 else "公开") for n in (1, 2)]
    items = [item(id=f"{n:02d}", problem=f"第{n}项问题", **({"audience": "党内"} if n == 2 else {})) for n in (1, 2, 3)]
    root = tiny_board(tmp_path, {"a": {"name": "甲", "rectifications": items,
                                       "people": [{"name": "钱某某", "rectifications": mine}]}})
    site = core.generate(core.make_options(root, as_of="2024-07-01"))
    assert re.findall(r'<tr id="([^"]*item[^"]*)"', site.pages["branches/a.md"]) == [
        "item-01", "item-02", "person-1-item-01"]
    [bf] = compute(load_content(root)[0], Audience.PUBLIC, dt.date(2024, 7, 1)).branches
    located = [e.location.split("#")[1] for e in branch_entries(bf, "branches/a/") if "item-" in e.location]
    assert located == ["item-01", "item-02", "person-1-item-01"]
