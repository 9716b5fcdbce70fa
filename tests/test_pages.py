"""Pages rendered with the serve-time memo are exactly the pages rendered without it."""

from __future__ import annotations

from conftest import item, tiny_board, write_yaml
from generator import core
from generator.pages import Memo, ledger_page_number, ledger_page_path


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
