"""Sheet rows to the file's items: by content first, an id never hands one item's audience to another."""

from __future__ import annotations

import datetime as dt

from generator.content.model import Audience, Deadline, DeadlineKind, Item, Status
from generator.office.matching import match, similarity


def _item(item_id: str, problem: str, audience: Audience = Audience.PUBLIC) -> Item:
    return Item(id=item_id, problem=problem, measures=("措施",), owner="张某某",
                deadline=Deadline(DeadlineKind.DATE, dt.date(2024, 6, 30)), status=Status.IN_PROGRESS,
                audience=audience, lines={})


def test_similarity_of_edited_wording():
    assert similarity("理论学习不够深入", "理论学习不够深入。") == 1.0
    assert similarity("理论学习不够深入", "理论学习不够深入系统，学用结合不紧") == 0.9      # words added
    assert similarity("窗口服务态度生硬", "理论学习不够深入") < 0.6
    assert similarity("理论学习不够深入系统", "调查研究不够深入") < 0.6              # a shared phrase is no match


def test_rows_are_matched_by_content_and_asked_about_when_uncertain():
    old = (_item("01", "公开的问题一"), _item("02", "干部选拔程序不规范", Audience.PARTY), _item("03", "公开的问题三"))
    rows = [("01", "干部选拔程序不规范，个别环节缺失"), ("02", "公开的问题三"), ("03", "办公用房装修超出标准")]
    found = match(rows, old, None, lambda r: f"第 {r} 行")
    assert found.rows == [1, 2, None] and found.unresolved == []
    reworded = [("02", "窗口服务态度生硬")]                                    # the 党内 item's 序号, other words
    found = match(reworded, old, None, lambda r: f"第 {r} 行")
    assert found.rows == [None] and found.unresolved == ["第 0 行“窗口服务态度生硬”是原有事项 02（党内）“干部选拔程序不规范”改写后的吗？"]
    asked = []
    found = match(reworded, old, lambda q: asked.append(q) or True, lambda r: f"第 {r} 行")
    assert found.rows == [1] and len(asked) == 1
    assert match(reworded, old, lambda q: False, lambda r: "").rows == [None]
    assert match(reworded, old, None, lambda r: "", unsure_matters=False).unresolved == []   # every field given


def test_a_party_item_heavily_reworded_under_another_number_is_asked_about():
    old = (_item("01", "公开的问题一"), _item("07", "干部选拔任用程序不规范", Audience.PARTY))
    rows = [("01", "公开的问题一"), ("02", "选拔任用干部时个别程序执行不到位")]   # renumbered, rewritten
    assert similarity(rows[1][1], old[1].problem) < 0.6
    found = match(rows, old, None, lambda r: f"第 {r} 行")
    assert found.rows == [0, None] and len(found.unresolved) == 1 and "原有事项 07（党内）" in found.unresolved[0]
    public = (old[0], _item("07", "干部选拔任用程序不规范"))
    assert match(rows, public, None, lambda r: "").unresolved == []              # a public one is not at stake
