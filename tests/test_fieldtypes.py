"""Each field type written down (``content.fieldtypes``) reads back as the same value: a branch file through the
loader, a page's text as the clerk would recognise it, a cell as the importer reads it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from openpyxl.worksheet.datavalidation import DataValidation

from generator.content import fieldtypes, load, schema
from generator.content.load import load_branch_text
from generator.content.model import Audience, Deadline, DeadlineKind, Status, model_of
from generator.content.source import parse_yaml
from generator.office import branchfile, itemrows
from generator.office.headers import columns_of, find_table
from generator.office.sheets import read_sheets

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


# ---- a new field type is one entry ---------------------------------------------------------------------------

def _percent(text: object) -> int | None:
    """The test's new type: a share written ``85%`` (or ``85``), held as a whole number."""
    digits = str(text).strip().removesuffix("%")
    return int(digits) if digits.isdigit() and int(digits) <= 100 else None


def _read_percent(fields, field):
    node = fields.present(field)
    value = None if node is None else _percent(node.value)
    if node is not None and value is None:
        fields.error(node.line, f"{field.key}（{field.label}）应为 0–100 的百分数")
    return value


def _cell_percent(row, field, notes):
    raw = row.raw(field.key)
    value = None if raw is None else _percent(raw)
    if raw is not None and value is None:
        row.error(field.key, f"{field.header}应为 0–100 的百分数")
    return value


PERCENT = fieldtypes.FieldType(
    python=lambda f, model_of: int, read=_read_percent, cell_read=_cell_percent,
    check=lambda f, cell: {"type": "whole", "operator": "between", "formula1": "0", "formula2": "100"},
    yaml=lambda n: f"{n}%", shown=lambda n: f"{n}%", cell=lambda n: f"{n}%")


def test_a_new_field_type_is_one_entry_that_every_layer_uses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Declared in ``fieldtypes.TYPES`` (and named in ``schema.TYPES``) and nowhere else, a type gives its
    fields a model attribute, a YAML reading, a cell reading, a template check and its written forms."""
    monkeypatch.setattr(schema, "TYPES", (*schema.TYPES, "percent"))
    monkeypatch.setitem(fieldtypes.TYPES, "percent", PERCENT)
    gauge = schema.Record("Gauge", "测评", (
        schema.Field("name", "名称", "text", required=True, headers=("名称",), width=10),
        schema.Field("share", "满意率", "percent", headers=("满意率",), width=8)))
    share = gauge["share"]

    annotation = {f.name: f.type for f in dataclasses.fields(model_of(gauge))}["share"]
    assert annotation == int | None

    root, problems = parse_yaml("name: 甲\nshare: 85%\n".encode(), "a.yml")
    assert load._Fields.of(root, gauge, "a.yml", problems).read(gauge) == {"name": "甲", "share": 85}
    bad, problems = parse_yaml("name: 乙\nshare: lots\n".encode(), "b.yml")
    load._Fields.of(bad, gauge, "b.yml", problems).read(gauge)
    assert [str(p) for p in problems] == ["b.yml:2: share（满意率）应为 0–100 的百分数"]

    (tmp_path / "g.csv").write_text("名称,满意率\n甲,85%\n乙,很多\n", encoding="utf-8")
    table = find_table(read_sheets(tmp_path / "g.csv")[0], columns_of(gauge), ("name",))
    errors: list[str] = []
    rows = [itemrows.read_record(table, number, values, gauge, errors) for number, values in table.body()]
    assert rows[0] == ({"name": "甲", "share": 85}, {"name", "share"}) and rows[1] is None
    assert errors == ["g!B3: 满意率应为 0–100 的百分数"]

    assert DataValidation(**fieldtypes.check(share, "B3")).formula2 == "100"
    assert (fieldtypes.written(share, 85), fieldtypes.shown(share, 85), fieldtypes.cell(share, 85)) == ("85%",) * 3
