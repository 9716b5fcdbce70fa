"""Benchmark: what refusing a workbook with too many cells costs, against loading it with openpyxl.

Usage: python benchmarks/sheets.py [--cells 500000]

A workbook whose one sheet holds ``--cells`` styled empty cells compresses to a few dozen KB
(the XML repeats itself); openpyxl builds one object per cell when it loads it.  The baseline is
what the importer did before it counted cells (issue 26): ``openpyxl.load_workbook`` on the file
(what any reader built on openpyxl does first).  Each side runs in its own process; the figures
are wall time and that process's peak resident memory (``ru_maxrss``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from openpyxl import Workbook

_PROBE = """
import json, resource, sys, time
from pathlib import Path
started = time.perf_counter()
if sys.argv[1] == "board":
    from generator.office.sheets import SheetError, read_sheets
    try:
        read_sheets(Path(sys.argv[2]))
        outcome = "read"
    except SheetError as exc:
        outcome = exc.problems[0][:60]
else:
    from openpyxl import load_workbook
    load_workbook(sys.argv[2], data_only=True)
    outcome = "loaded"
print(json.dumps({"seconds": time.perf_counter() - started,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "outcome": outcome}))
"""


def workbook(path: Path, cells: int) -> Path:
    """A real workbook (openpyxl's parts), its sheet XML replaced by ``cells`` styled empty cells in 100 columns
    (rows and cells without their optional ``r`` references, so the XML repeats itself exactly)."""
    book = Workbook()
    book.active["A1"] = "序号"
    book.save(path)
    body = ("<row>" + '<c s="0"/>' * 100 + "</row>") * (cells // 100)
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f"<sheetData>{body}</sheetData></worksheet>")
    with zipfile.ZipFile(path) as old:
        parts = {name: old.read(name) for name in old.namelist()}
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in parts.items():
            new.writestr(name, data)
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cells", type=int, default=500_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        path = workbook(Path(work) / "bomb.xlsx", args.cells)
        print(f"file: {path.stat().st_size / 1024:.0f} KB, {args.cells} cells")
        for side in ("board", "openpyxl"):
            out = subprocess.run([sys.executable, "-c", _PROBE, side, str(path)], capture_output=True, text=True,
                                 check=True, cwd=Path(__file__).resolve().parent.parent)
            result = json.loads(out.stdout)
            print(f"{side:9} {result['seconds']:6.2f} s  {result['peak_mb']:7.0f} MB  {result['outcome']}")


if __name__ == "__main__":
    main()
