"""Reading files within limits: a workbook too large is refused from its XML, before it is loaded."""

from __future__ import annotations

import zipfile

import pytest

from generator.office.sheets import MAX_CELLS, MAX_INFLATED_BYTES, MAX_ROWS, SheetError, read_sheets


def _packed(path, rows: int, cells_per_row: int):
    """A small .xlsx whose sheet XML holds ``rows`` × ``cells_per_row`` styled empty cells (they compress to nothing)."""
    row = "".join(f'<c r="A{n}" s="1"/>' for n in range(cells_per_row))
    body = "".join(f'<row r="{r}">{row}</row>' for r in range(1, rows + 1))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", f"<worksheet><sheetData>{body}</sheetData></worksheet>")
    return path


def test_a_small_file_with_too_many_cells_is_refused_before_it_is_loaded(tmp_path):
    bomb = _packed(tmp_path / "小文件.xlsx", rows=1000, cells_per_row=MAX_CELLS // 1000 + 1)
    assert bomb.stat().st_size < 200_000 and zipfile.ZipFile(bomb).infolist()[1].file_size < MAX_INFLATED_BYTES
    # The file is no loadable workbook (no workbook.xml): had openpyxl been asked to load it, the message would
    # say it cannot be opened; this one is told from the XML alone.
    with pytest.raises(SheetError, match=f"工作簿有 {MAX_CELLS + 1000} 个单元格.*最多 {MAX_CELLS} 个"):
        read_sheets(bomb)


def test_rows_are_counted_in_the_xml_too(tmp_path):
    many = _packed(tmp_path / "多行.xlsx", rows=MAX_ROWS + 1, cells_per_row=1)
    with pytest.raises(SheetError, match=f"有 {MAX_ROWS + 1} 行，超过上限 {MAX_ROWS} 行"):
        read_sheets(many)


def test_cells_are_counted_exactly_across_the_chunks_the_xml_is_read_in(tmp_path):
    from generator.office.sheets import _count_tags

    path = tmp_path / "many.xlsx"
    # 10-byte cells placed so that one begins 17 bytes before the first 1 MB chunk ends: its tag straddles the cut.
    xml = "<row>" + "x" * 4 + '<c s="0"/>' * 200_000 + "</row>"
    assert xml.index('<c s="0"/>', (1 << 20) - 17) == (1 << 20) - 17
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", xml)
    with zipfile.ZipFile(path) as archive:
        assert _count_tags(archive, "xl/worksheets/sheet1.xml") == (1, 200_000)


@pytest.mark.parametrize("far", ["A1048576", "XFD1000", "ZZ20000"])
def test_one_cell_far_away_is_refused_before_the_sheet_becomes_a_grid(tmp_path, far):
    """One cell at XFD1048576 is a 5 KB file but a grid of 17 billion values: refused, not read row by row."""
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "序号"
    book.active[far] = "x"
    book.save(tmp_path / "远.xlsx")
    with pytest.raises(SheetError, match=f"远.xlsx 的工作表“Sheet”.*{far}"):
        read_sheets(tmp_path / "远.xlsx")
