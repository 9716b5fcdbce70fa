"""Each field type written down (``content.fieldtypes``) reads back as the same value: a branch file through the
loader, a page's text as the clerk would recognise it, a cell as the importer reads it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.content import fieldtypes, schema
from generator.content.load import load_branch_text
from generator.content.model import Audience, Deadline, DeadlineKind, Status
from generator.office import branchfile

ITEM = {
    "id": "07", "category": "理论学习", "problem": "问题 | <b> {{ x }}", "measures": ("一", "二"), "owner": "张某",
    "deadline": Deadline(DeadlineKind.DATE, dt.date(2026, 6, 30)), "status": Status.DONE,
    "completed": dt.date(2026, 5, 20), "audience": Audience.PARTY,
}


def test_every_type_has_one_way_to_be_written():
    assert set(fieldtypes.TYPES) == set(schema.TYPES)


def test_an_item_written_field_by_field_loads_back_the_same(tmp_path: Path):
    values = {key: fieldtypes.written(schema.ITEM[key], value) for key, value in ITEM.items()}
    data = {"name": "甲", "rectifications": [branchfile.record_map(schema.ITEM, values)]}
    text = branchfile.dump(branchfile.record_map(schema.BRANCH, data))
    branch, problems = load_branch_text(text, tmp_path / "a.yml")
    assert problems == []
    item = branch.items[0]
    assert {key: getattr(item, schema.ITEM[key].name) for key in ITEM} == ITEM


def test_implicit_defaults_and_empty_values_are_left_out():
    assert fieldtypes.written(schema.ITEM["audience"], Audience.PUBLIC) is None
    assert fieldtypes.written(schema.PERSONAL_ITEM["audience"], Audience.PARTY) is None
    assert fieldtypes.written(schema.PERSONAL_ITEM["audience"], Audience.PUBLIC) == "公开"
    assert fieldtypes.written(schema.ITEM["status"], Status.NOT_STARTED) == "未开始"   # not implicit: written
    assert fieldtypes.written(schema.ITEM["measures"], ()) is None


def test_shown_and_cell_forms():
    deadline = schema.ITEM["deadline"]
    assert fieldtypes.shown(deadline, ITEM["deadline"]) == "2026年6月30日"
    assert fieldtypes.shown(deadline, Deadline(DeadlineKind.ONGOING)) == "长期坚持"
    assert fieldtypes.cell(deadline, ITEM["deadline"]) == dt.date(2026, 6, 30)
    assert fieldtypes.cell(schema.ITEM["measures"], ITEM["measures"]) == "1. 一\n2. 二"
    assert fieldtypes.shown(schema.ITEM["measures"], ITEM["measures"]) == "一；二"
    assert fieldtypes.cell(schema.ITEM["progress"], None) is None
