"""``board pdf``: the bulletin-board document (``/print/``) to PDF with headless Chromium.

Chromium rather than WeasyPrint: it is what the browser tests already use, it
is packaged by Debian (no Python wheels with native libraries to match), it
supports ``@page`` margin boxes for "第 X 页 共 Y 页" and repeats table
headers, and what it prints is what a clerk sees with Ctrl+P in Chrome or Edge.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge", "chrome")
PAPERS = ("A4", "A3")
INSTALL_HINT = ("没有找到 Chromium/Chrome 浏览器，无法生成 PDF。Debian/Ubuntu：sudo apt-get install chromium fonts-noto-cjk；"
                "Windows：安装 Chrome 或 Edge，再用 --browser 指定 chrome.exe 或 msedge.exe 的完整路径。"
                "也可以直接用浏览器打开网站的 /print/ 页面，按 Ctrl+P 打印或另存为 PDF。")


class PrintError(RuntimeError):
    """A PDF that could not be made, said in words a clerk can act on."""


def find_browser(given: str | None = None) -> str:
    if given:
        if Path(given).is_file() or shutil.which(given):
            return shutil.which(given) or given
        raise PrintError(f"找不到浏览器 {given}。{INSTALL_HINT}")
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise PrintError(INSTALL_HINT)


def print_url(page: Path, paper: str = "A4", landscape: bool = False) -> str:
    query = f"?paper={paper}" + ("&orientation=landscape" if landscape else "")
    return page.resolve().as_uri() + query


def to_pdf(page: Path, out: Path, *, paper: str = "A4", landscape: bool = False, browser: str | None = None) -> None:
    """Print one local HTML page to ``out`` (written beside it first, then renamed)."""
    if paper not in PAPERS:
        raise PrintError(f"纸张只能是 {' 或 '.join(PAPERS)}")
    executable = find_browser(browser)
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="board-pdf-") as profile:
        partial = out.with_name(f".{out.name}.tmp-{os.getpid()}")
        command = [executable, "--headless", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                   "--disable-component-update", "--no-pdf-header-footer", f"--user-data-dir={profile}",
                   f"--print-to-pdf={partial}", print_url(page, paper, landscape)]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=300)
            if result.returncode != 0 or not partial.is_file() or partial.stat().st_size == 0:
                raise PrintError(f"浏览器没能生成 PDF（退出码 {result.returncode}）：{result.stderr.strip()[-300:]}")
            partial.replace(out)
        finally:
            partial.unlink(missing_ok=True)
