"""Template and export workbooks: they import back cleanly and exactly."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from generator.content import schema
from generator.content.load import load_content
from generator.office.export import record_sheets
from generator.office.itemrows import import_items, rectification_table
from generator.office.sheets import read_sheets
from helpers import CONFIG, REPO, board


def test_template_has_headers_dropdowns_and_imports_once_filled(tmp_path):
    out = tmp_path / "模板.xlsx"
    run = board("template", str(out))
    assert run.code == 0, run.err
    book = load_workbook(out)
    ws = book["整改清单"]
    header = [c.value for c in ws[3]]  # columns by header, never by letter: a field declared mid-list moves them
    assert header == [f.header for f in schema.ITEM.columns()]
    column = {name: get_column_letter(n) for n, name in enumerate(header, start=1)}
    formulas = {v.formula1 for v in ws.data_validations.dataValidation}
    assert '"未开始,整改中,已完成,已销号"' in formulas and '"公开,党内"' in formulas
    assert ws.column_dimensions[column["存在问题"]].width == 40 and ws.freeze_panes == "A4"
    assert [c.value for c in book["民主评议"][2]][:3] == ["支部名称", "党员总数", "预备党员"]
    filled = {"序号": "1", "存在问题": "问题", "整改措施": "1.措施一\n2.措施二", "责任人": "张某某",
              "整改时限": dt.datetime(2024, 6, 30)}
    for name, value in filled.items():
        ws[f"{column[name]}4"] = value
    book.save(out)
    items = import_items(rectification_table(read_sheets(out))).dicts()
    assert items == [{"id": "1", "problem": "问题", "measures": ["措施一", "措施二"], "owner": "张某某",
                      "deadline": "2024-06-30"}]


def test_export_then_import_gives_the_same_content(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    before, _ = load_content(content)
    out = tmp_path / "全部.xlsx"
    run = board("export", "--config", str(CONFIG), "--content", str(content), "--as-of", "2026-11-25", str(out))
    assert run.code == 0, run.err
    book = load_workbook(out)
    sheets = [sheet.name for sheet in record_sheets()]
    assert sheets == ["党员承诺", "个人整改清单"]
    assert book.sheetnames[-4:] == ["整改台账", "民主评议", *sheets]
    assert len(book.sheetnames) == len(before.branches) + 4
    ledger_rows = book["整改台账"].max_row - 2
    assert ledger_rows == sum(len(b.items) for b in before.branches)
    for branch in before.branches:
        path = content / "branches" / f"{branch.id}.yml"
        written = path.read_bytes()
        run = board("import", "--config", str(CONFIG), "--content", str(content), "--as-of", "2026-11-25",
                    str(out), "--branch", branch.id)
        assert run.code == 0, run.err
        assert "文件没有改动" in run.out and path.read_bytes() == written, run.out
    run = board("import", "--config", str(CONFIG), "--content", str(content), "--as-of", "2026-11-25", str(out))
    assert run.code == 0, run.err
    assert "改动 0" in run.out and "文件没有改动" in run.out, run.out         # honor rolls too: exported, read back
    after, _ = load_content(content)

    def plain(content):
        return [dataclasses.replace(b, lines={}, items=tuple(dataclasses.replace(i, lines={}) for i in b.items),
                                    evaluation=b.evaluation and dataclasses.replace(b.evaluation, lines={}))
                for b in content.branches]

    assert plain(after) == plain(before)


def test_the_template_only_reminds_where_import_reads_more_than_its_checks_know(tmp_path):
    out = tmp_path / "模板.xlsx"
    assert board("template", str(out)).code == 0
    book = load_workbook(out)
    ws = book["整改清单"]
    checks = {str(v.sqref)[0]: v for v in ws.data_validations.dataValidation}
    for column in ("H", "I", "J", "M"):   # 整改时限, 完成情况, 完成时间, 公开范围: never a refusal
        assert checks[column].errorStyle == "information", column
    assert "已完成。已建立台账" in checks["I"].error and "2024.6.30" in checks["H"].error
    assert all(v.errorStyle in (None, "stop") for v in book["民主评议"].data_validations.dataValidation)
    ws["A4"], ws["D4"], ws["E4"], ws["G4"], ws["H4"], ws["I4"], ws["J4"] = (
        "1", "问题", "措施", "张某某", "2024年6月底", "已完成。已建立台账", "2024.6.20")
    ws["A5"], ws["D5"], ws["E5"], ws["G5"], ws["H5"] = "2", "问题二", "措施", "李某某", "2024.6.30"
    book.save(out)
    imported = import_items(rectification_table(read_sheets(out)))
    assert not any("说明" in note for note in imported.notes)  # the template's own note is not news
    first, second = imported.dicts()
    assert (first["deadline"], first["status"], first["completed"], first["progress"]) == (
        "2024-06-30", "已完成", "2024-06-20", "已建立台账")
    assert second["deadline"] == "2024-06-30"
