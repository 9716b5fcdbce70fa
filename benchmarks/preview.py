"""Benchmark: from saving a branch file to seeing the change in the browser, under ``mkdocs serve``.

Usage: python benchmarks/preview.py [--branches 50] [--items 20] [--edits 15]

Writes a synthetic board (benchmarks/synthetic.py) and the same content as
hand-written Markdown pages, and for each starts ``mkdocs serve`` (the server
``board serve`` runs), opens one branch page in Debian's Chromium (Playwright,
no downloaded browser), then edits that branch's file several times, each at a random point of
MkDocs' 0.5 s polling cycle, and measures until the new text is on the page
(MkDocs reloads the page itself).
The first rebuild after start-up is not measured.  Prints the median, the
fastest and the slowest, in seconds, for the board and for plain MkDocs.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CHROMIUM = "/usr/bin/chromium"
AS_OF = "2024-07-01"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_served(url: str, server: subprocess.Popen, limit: float = 300) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"mkdocs serve stopped:\n{server.stderr.read()}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"{url} not served after {limit} s")


def edit(path: Path, marker: str) -> None:
    """Put ``marker`` as the first problem's text: a YAML ``problem:`` line or a Markdown table cell."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    if path.suffix == ".yml":
        at = next(i for i, line in enumerate(lines) if line.lstrip().startswith("problem:"))
        indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
        lines[at] = f"{indent}problem: {marker}\n"
    else:
        at = next(i for i, line in enumerate(lines) if line.startswith("| 01 |"))
        cells = lines[at].split("|")
        cells[2] = f" {marker} "
        lines[at] = "|".join(cells)
    path.write_text("".join(lines), encoding="utf-8")


def measure(config: Path, edited: Path, url_path: str, edits: int, env: dict) -> list[float]:
    """Serve ``config`` and time each edit of ``edited`` until the page at ``url_path`` shows it."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "-a", f"127.0.0.1:{port}"],
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env}, cwd=REPO,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    url = f"http://127.0.0.1:{port}/{url_path}"
    times = []
    pauses = random.Random(8)
    try:
        wait_until_served(url, server)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM,
                                        args=["--no-sandbox", "--disable-background-networking"])
            page = browser.new_page()
            page.goto(url)
            for n in range(edits + 1):
                marker = f"预览测量标记{n}号"
                started = time.perf_counter()
                edit(edited, marker)
                page.wait_for_function("m => document.body && document.body.innerText.includes(m)", arg=marker,
                                       polling="raf", timeout=120_000)
                if n:  # the first rebuild after start-up warms caches
                    times.append(time.perf_counter() - started)
                # MkDocs looks for changes every 0.5 s: a random pause puts each edit at another
                # point of that cycle (a fixed one would measure the same delay every time).
                time.sleep(1.5 + pauses.uniform(0, 0.5))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return times


def summary(name: str, times: list[float]) -> str:
    return (f"{name}: median {statistics.median(times):.2f} s, fastest {min(times):.2f} s, "
            f"slowest {max(times):.2f} s ({len(times)} edits)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--branches", type=int, default=50)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--edits", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="board-preview-") as tmp:
        content, markdown = Path(tmp) / "content", Path(tmp) / "markdown"
        subprocess.run([sys.executable, str(HERE / "synthetic.py"), str(args.branches), str(args.items),
                        str(content), "--markdown", str(markdown)], check=True)
        board = measure(REPO / "site-config.yml", content / "branches" / "b00001.yml", "branches/b00001/",
                        args.edits, {"BOARD_CONTENT": str(content), "BOARD_AS_OF": AS_OF})
        plain = measure(markdown / "mkdocs.yml", markdown / "docs" / "b00001.md", "b00001/", args.edits, {})
    print(f"preview of one edit, {args.branches} branches × {args.items} items")
    print(summary("board (mkdocs serve)", board))
    print(summary("plain MkDocs, hand-written Markdown (mkdocs serve)", plain))


if __name__ == "__main__":
    main()
