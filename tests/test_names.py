"""names: how paths, terminal text, items across periods and builds are named, the same way everywhere."""

from __future__ import annotations

import os

from generator.names import build_id, display_path, item_key, printable


def test_a_path_is_shown_from_where_the_command_ran(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert display_path(tmp_path / "content" / "branches" / "a.yml") == os.path.join("content", "branches", "a.yml")
    outside = tmp_path.parent / "elsewhere" / "b.yml"
    assert display_path(outside) == str(outside)


def test_terminal_controls_and_reordering_marks_are_spelled_out():
    assert printable("支部\x1b[2J书记\u202e甲\t乙\n丙") == "支部\\x1b[2J书记\\u202e甲\\t乙\\n丙"
    assert printable("机关第一党支部（张某某）") == "机关第一党支部（张某某）"


def test_an_item_is_named_by_period_branch_and_id():
    assert item_key("2024", "jiguan-1", "03") == "2024/jiguan-1/03"


def test_a_build_id_is_short_stable_and_changes_with_any_part():
    first = build_id("内容", "选项")
    assert first == build_id("内容", "选项") and len(first) == 12 and int(first, 16) >= 0
    assert len({first, build_id("内容", "选项2"), build_id("内容选项"), build_id("内", "容选项")}) == 4
