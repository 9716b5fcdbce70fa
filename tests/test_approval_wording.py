"""What board review shows the reviewer: every entry they sign for, with its text, as a terminal can show it."""

from __future__ import annotations

import yaml


def review(kit, content, *extra: str):
    return kit.board("review", "--config", str(kit.CONFIG), "--content", str(content), "--as-of", kit.AS_OF,
                     "--by", "王某某", *extra)


def test_an_item_added_to_an_earlier_period_is_shown_with_its_text(kit, tmp_path):
    old = kit.tiny_board(tmp_path / "old", period="2023年度")
    new = kit.tiny_board(tmp_path / "new", period="2024年度", previous="../old")
    kit.approve_board(new)
    path = old / "branches" / "first.yml"
    branch = yaml.safe_load(path.read_text(encoding="utf-8"))
    branch["rectifications"].append(kit.item(id="09", problem="事后补进去年的问题", owner="补录人"))
    branch["rectifications"][0]["status"] = "已完成"
    branch["rectifications"][0]["completed"] = "2023-12-01"
    kit.write_yaml(path, branch)
    run = review(kit, new)
    assert run.code == 0, run.err
    assert "【新增】2023年度 第一党支部 整改清单 09（archive/2023/branches/first.yml）" in run.out
    assert "问题：事后补进去年的问题" in run.out and "责任人：补录人" in run.out
    assert "【修改】2023年度 第一党支部 整改清单 01（archive/2023/branches/first.yml）" in run.out
    assert "原：整改状态：整改中" in run.out and "新：整改状态：已完成" in run.out


def test_bidi_and_zero_width_characters_are_spelled_out(kit, tmp_path):
    content = kit.tiny_board(tmp_path / "c", {"first": {"name": "第一党支部", "rectifications": [
        kit.item(id="1", problem="已\u202e完成整改\u200b，无需公开")]}})
    run = review(kit, content)
    assert run.code == 0, run.err
    assert "\u202e" not in run.out and "\u200b" not in run.out
    assert "已\\u202e完成整改\\u200b，无需公开" in run.out



def test_a_value_of_several_lines_stays_indented_under_its_entry(kit, tmp_path):
    people = [{"name": "李某某", "pledge": "争当先锋", "fulfilled": "已完成\n备注：已验收"}]
    content = kit.tiny_board(tmp_path / "c", {"first": {"name": "第一党支部", "people": people}})
    run = review(kit, content)
    assert run.code == 0, run.err
    assert "    践诺情况：已完成\n      备注：已验收\n" in run.out
