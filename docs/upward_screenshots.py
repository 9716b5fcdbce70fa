"""Take the README's pictures of ``board report`` and ``board rollup`` from the sample content.

The roll-up: three bureaus made from the sample board (the second with more 优秀, the
third without its approvals), rolled up and shown at 1440×900 in headless Debian Chromium.
The report: its first page, converted to PDF by LibreOffice (``soffice --headless``,
only if installed) and to PNG by pdftoppm; without LibreOffice that picture is skipped.

Usage: python docs/upward_screenshots.py [OUT_DIR]   (from the repository folder; default docs/screenshots)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from playwright.sync_api import sync_playwright

from generator import core

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-12-01"


def _bureau(work: Path, number: int, organization: str) -> Path:
    """A copy of the sample content under another name; its public data files as a build writes them."""
    content = work / f"content-{number}"
    shutil.copytree(REPO / "content", content)
    board = yaml.safe_load((content / "board.yml").read_text(encoding="utf-8"))
    (content / "board.yml").write_text(yaml.safe_dump({**board, "organization": organization}, allow_unicode=True),
                                       encoding="utf-8")
    if number == 2:  # more 优秀 than the ceiling
        for path in (content / "branches").glob("*.yml"):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            ev = data.get("evaluation")
            if ev:
                moved = ev["qualified"] // 2
                ev["excellent"], ev["qualified"] = ev["excellent"] + moved, ev["qualified"] - moved
                path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    if number == 3:
        (content / "approvals.yml").unlink(missing_ok=True)
    site = core.generate(core.make_options(content, as_of=AS_OF, approval=number != 2))
    folder = work / f"bureau-{number}"
    for path, text in site.data.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text, encoding="utf-8")
    return folder


def _board(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "generator", *args], cwd=REPO, check=True)


def rollup(work: Path, out: Path) -> None:
    names = ("某市某局党委", "某市交通运输局党委", "某市审计局党组")
    folders = [_bureau(work, n, name) for n, name in enumerate(names, start=1)]
    _board("rollup", *map(str, folders), "--out", str(work / "rollup"), "--title", "某市直机关工委")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto((work / "rollup" / "index.html").as_uri())
        page.screenshot(path=str(out / "rollup.png"))
        browser.close()


def report(work: Path, out: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        print("LibreOffice (soffice) is not installed: no picture of the report", file=sys.stderr)
        return
    _board("report", "--as-of", AS_OF, "--out", str(work / "report.docx"))
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(work), str(work / "report.docx")],
                   check=True, capture_output=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(work / "report.pdf"),
                    str(out / "report-01")], check=True)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="board-upward-shots-") as work:
        rollup(Path(work), out)
        report(Path(work), out)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "screenshots")
