"""The declaration drives every consumer: loader, model, importer, exporter, round-trip writer, screen."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import re

import pytest
from openpyxl import load_workbook

from generator.board.figures import compute
from generator.board.screen import ScreenSettings, screen_files
from generator.content import schema
from generator.content.load import load_branch_text, load_content
from generator.content.model import Audience, Item
from generator.office import branchfile, export
from generator.office.itemrows import import_items, rectification_table
from generator.office.sheets import read_sheets
from helpers import REPO, tiny_board

AS_OF = dt.date(2024, 7, 1)


def every_field() -> dict:
    """One item with each declared field set, by its type, to a value that is not its default."""
    values = {}
    for f in schema.ITEM.fields:
        if f.type == "enum":
            values[f.key] = [m for m in f.choices if m is not f.default][-1].label
        else:
            values[f.key] = f.example or {
                "text": f"{f.label}的文字", "texts": [f"{f.label}一", f"{f.label}二"],
                "deadline": "2024-06-30", "date": "2024-05-20", "count": 3, "integer": -2,
            }[f.type]
    return values


def test_every_declared_item_field_round_trips_yaml_export_import(tmp_path):
    sample = every_field()
    content, problems = load_content(tiny_board(tmp_path / "c", {"a": {"name": "甲", "rectifications": [sample]}}))
    assert [str(p) for p in problems] == []
    [item] = content.branches[0].items
    for f in schema.ITEM.fields:                       # the loader read every field into the model
        assert getattr(item, f.name) not in (None, (), f.default), f.key
    out = tmp_path / "out.xlsx"
    export.export(content, out, AS_OF)
    [imported] = import_items(rectification_table(read_sheets(out), "甲")).dicts()
    assert imported == sample                          # exported and imported back, every key, the same values
    mapping = branchfile.item_map(imported)
    assert list(mapping) == list(schema.ITEM.keys())   # written back in the declared order
    text = branchfile.dump(branchfile.with_rectifications(branchfile.read(tmp_path / "new.yml"), [imported]))
    branch, problems = load_branch_text("name: 甲\n" + text, tmp_path / "a.yml")
    assert problems == [] and dataclasses.replace(branch.items[0], lines={}) == dataclasses.replace(item, lines={})


def header_cases():
    for f in schema.ITEM.fields:
        for header in f.headers:
            yield pytest.param(f, header, id=f"{f.key}-{header}")


@pytest.mark.parametrize("field, header", list(header_cases()))
def test_every_declared_header_is_read_into_its_field(tmp_path, field, header):
    sample = every_field()
    others = [f for f in schema.ITEM.fields if f.required and f is not field]
    row = {f.header: sample[f.key] for f in others}
    cell = sample[field.key]
    row[header] = "\n".join(cell) if isinstance(cell, list) else cell
    if field.key == "status":
        row[schema.ITEM["completed"].header] = sample["completed"]
    path = tmp_path / "sheet.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([list(row), ["\n".join(v) if isinstance(v, list) else v for v in row.values()]])
    [item] = import_items(rectification_table(read_sheets(path))).dicts()
    assert item[field.key] == sample[field.key]


@pytest.mark.parametrize("field", [f for f in schema.ITEM.fields if f.required], ids=lambda f: f.key)
def test_every_required_field_is_reported_missing_with_its_label(tmp_path, field):
    sample = every_field()
    del sample[field.key]
    _, problems = load_content(tiny_board(tmp_path, {"a": {"name": "甲", "rectifications": [sample]}}))
    assert [p.message for p in problems] == [f"缺少必填项 {field.key}（{field.label}）"]


@pytest.mark.parametrize("record, data", [
    (schema.BRANCH, {"name": "甲", "remark": "x"}),
    (schema.ITEM, {"name": "甲", "rectifications": [{**every_field(), "remark": "x"}]}),
    (schema.EVALUATION, {"name": "甲", "evaluation": {"remark": "x"}}),
], ids=lambda v: getattr(v, "name", ""))
def test_unknown_keys_list_the_declared_ones(tmp_path, record, data):
    _, problems = load_content(tiny_board(tmp_path, {"a": data}))
    [message] = [p.message for p in problems if "remark" in p.message]
    assert message.endswith("可用的键：" + ", ".join(record.keys()))


def test_template_columns_widths_and_checks_follow_the_declaration(tmp_path):
    export.template(tmp_path / "t.xlsx")
    book = load_workbook(tmp_path / "t.xlsx")
    ws = book["整改清单"]
    columns = schema.ITEM.columns()
    assert [c.value for c in ws[3]] == [f.header for f in columns]
    letters = [c.column_letter for c in ws[3]]
    assert [ws.column_dimensions[letter].width for letter in letters] == [f.width for f in columns]
    checks = {str(v.sqref).split(":")[0][:-1]: v for v in ws.data_validations.dataValidation}
    for letter, f in zip(letters, columns, strict=True):
        if f.type == "enum":
            assert checks[letter].formula1 == '"' + ",".join(m.label for m in f.choices) + '"'
        if f.type in ("date", "deadline"):
            assert ws[f"{letter}4"].number_format == "yyyy-mm-dd" and letter in checks
        if f.type == "text":
            assert letter not in checks
    tally = book["民主评议"]
    assert [c.value for c in tally[2]] == [schema.BRANCH["name"].header, *(schema.EVALUATION[k].header for k in schema.COUNTS),
                                           schema.EVALUATION["honor_roll"].header]


def test_the_screen_takes_its_labels_from_the_data(tmp_path):
    content, _ = load_content(REPO / "content")
    index = json.loads(screen_files(compute(content, Audience.PUBLIC, AS_OF), ScreenSettings(), "b")["data/screen/index.json"])
    labels = index["labels"]
    assert labels["grades"] == [[k, schema.EVALUATION[k].label] for k in schema.GRADES]
    assert labels["status"] == {s.key: s.label for s in schema.Status}
    assert labels["item"] == schema.ITEM.labels() and labels["counts"] == schema.ITEM_COUNT_LABELS
    script = (REPO / "theme" / "assets" / "screen.js").read_text(encoding="utf-8")
    words = [s.label for s in schema.Status] + [schema.EVALUATION[k].label for k in schema.GRADES]
    words += [schema.ITEM[k].label for k in ("id", "problem", "owner", "deadline")]
    typed = re.findall(r'"([^"]*)"', script)
    assert [w for w in words if w in typed] == []      # no label is a string of its own in the script


def test_the_model_is_the_declaration():
    declared = [f.name for f in schema.ITEM.fields]
    assert [f.name for f in dataclasses.fields(Item)] == [*declared, "lines"]
    optional = [f for f in schema.ITEM.fields if not f.required]
    item = Item(problem="问题", measures=("措施",), owner="张某某", deadline=None, lines={})
    assert {f.name: getattr(item, f.name) for f in optional} == {
        f.name: {"texts": (), "enum": f.default}.get(f.type) for f in optional}


def test_figures_and_change_log_name_the_counts_once():
    from generator.board.changes import FIGURE_LABELS
    from generator.board.figures import ItemCounts

    assert tuple(f.name for f in dataclasses.fields(ItemCounts)) == schema.ITEM_COUNTS
    assert set(schema.ITEM_COUNT_LABELS) <= set(FIGURE_LABELS)
    assert {k: FIGURE_LABELS[k] for k in schema.GRADES} == {k: schema.EVALUATION[k].label for k in schema.GRADES}


def test_a_bad_declaration_is_refused():
    with pytest.raises(ValueError, match="unknown type"):
        schema.Field("x", "某", "textt")
    with pytest.raises(ValueError, match="enum"):
        schema.Field("x", "某", "enum")
    with pytest.raises(ValueError, match="header"):
        schema.Field("x", "某", "text", width=10)
    with pytest.raises(ValueError, match="twice"):
        schema.Record("X", "某", (schema.Field("x", "某", "text"), schema.Field("x", "某", "text")))


def test_verified_by_goes_from_the_sheet_to_the_branch_page_the_ledger_and_the_export(tmp_path):
    """验证人 (who confirmed the 销号): read from 验证人 or 销号验证人, shown, exported."""
    from generator import core
    from generator.office.update import plan_rectifications

    content = tiny_board(tmp_path / "c", {"a": {"name": "甲", "rectifications": []}})
    for header, who in (("销号验证人", "王某某"), ("验证人", "赵某某")):
        sheet = tmp_path / f"{header}.csv"
        sheet.write_text(f"序号,存在问题,整改措施,责任人,整改时限,完成情况,完成时间,{header}\n"
                         f"1,问题,措施,张某某,2024-06-30,已销号,2024-05-20,{who}\n", encoding="utf-8")
        plan_rectifications(sheet, content, "a", as_of=AS_OF).apply()
        assert f"verified_by: {who}" in (content / "branches" / "a.yml").read_text(encoding="utf-8")
        site = core.generate(core.make_options(content, as_of=AS_OF.isoformat()))
        for page in ("branches/a.md", "ledger.md"):
            assert f"验证人：{who}" in site.pages[page], page
    loaded, _ = load_content(content)
    export.export(loaded, tmp_path / "out.xlsx", AS_OF)
    ws = load_workbook(tmp_path / "out.xlsx")["甲"]
    column = [c.value for c in ws[3]].index("验证人")
    assert ws.cell(4, column + 1).value == "赵某某"
