"""Benchmark: ``board rollup`` of many bureaus' summaries, against a plain script that only tallies them.

Usage: python benchmarks/rollup.py [--bureaus 500] [--branches 100] [--items 20] [--repeat 3]

It writes one synthetic board (``synthetic.py``: ``--branches`` branches of ``--items``
items), computes its public ``data/summary.json`` once with the board's own code, and
writes it for ``--bureaus`` bureaus (each under its own organization name) — 500 × 100
is the issue's city of about 50,000 branches.  Then it alternates, ``--repeat`` times:

- ``board rollup`` of the bureaus' folders (the offline site, its ledger and 汇总表.xlsx);
- ``board rollup`` of the same bureaus over http (a local ``http.server`` serving them);
- the baseline: a plain Python script that reads every summary.json, sums the totals and
  writes the same table with openpyxl — what a city office would write by hand, with no
  site, no checks and no flags.

It prints medians of wall and CPU time and peak memory (GNU time; ``run.timed``) and
checks that the roll-up's totals are the bureaus' sums.  Wall-clock times on a shared
machine vary: compare within one run.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from run import AS_OF, BOARD, HERE, REPO, timed

sys.path.insert(0, str(REPO))


def summaries(root: Path, bureaus: int, branches: int, items: int) -> list[Path]:
    """``bureaus`` folders, each with the synthetic board's summary under its own organization name."""
    from generator import core
    from generator.board.sitedata import SUMMARY_PATH

    content = root / "content"
    subprocess.run([sys.executable, str(HERE / "synthetic.py"), str(branches), str(items), str(content)], check=True)
    site = core.generate(core.make_options(content, as_of=AS_OF, approval=False))
    data = json.loads(site.data[SUMMARY_PATH])
    folders = []
    for number in range(1, bureaus + 1):
        folder = root / "bureaus" / f"b{number:04d}"
        (folder / "data").mkdir(parents=True)
        text = json.dumps({**data, "organization": f"第{number}局党委"}, ensure_ascii=False, indent=2)
        (folder / "data" / "summary.json").write_text(text, encoding="utf-8")
        folders.append(folder)
    return folders


def baseline(out: Path, sources: list[str]) -> None:
    """The peer: read every summary, sum the counts, write one row per bureau and a total row (openpyxl)."""
    from openpyxl import Workbook

    keys = ("branches", "temporary_branches", "members", "probationary", "participants", "rated", "excellent",
            "qualified", "basic", "unqualified", "opinions")
    book = Workbook()
    sheet = book.active
    sheet.append(["单位", *keys, "参评率"])
    total = dict.fromkeys(keys, 0)
    for source in sources:
        data = json.loads((Path(source) / "data" / "summary.json").read_text(encoding="utf-8"))
        row = [data["totals"][key] for key in keys]
        for key, value in zip(keys, row, strict=True):
            total[key] += value
        sheet.append([data["organization"], *row, data["totals"]["participation_rate"]])
    sheet.append(["合计", *total.values(), round(total["participants"] * 100 / max(total["members"], 1), 1)])
    book.save(out)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _check(out: Path, one: dict, bureaus: int) -> None:
    totals = json.loads((out / "data" / "rollup.json").read_text(encoding="utf-8"))["totals"]
    for key in ("branches", "members", "participants", "rated", "excellent"):
        assert totals[key] == one["totals"][key] * bureaus, key
    assert totals["bureaus"] == bureaus


Measured = dict[str, list[tuple[float, float, int, int]]]


def measure(root: Path, folders: list[Path], repeat: int) -> Measured:
    """Each way, ``repeat`` times, alternating; the http runs read from a server in this process."""
    one = json.loads((folders[0] / "data" / "summary.json").read_text(encoding="utf-8"))
    runs: Measured = {"folders": [], "http": [], "baseline": []}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    urls = [f"http://127.0.0.1:{server.server_address[1]}/bureaus/{f.name}/" for f in folders]
    try:
        for n in range(repeat):
            out = root / f"out-{n}"
            runs["folders"].append(timed([BOARD, "rollup", *map(str, folders), "--out", str(out / "a")]))
            _check(out / "a", one, len(folders))
            runs["http"].append(timed([BOARD, "rollup", *urls, "--out", str(out / "b")]))
            _check(out / "b", one, len(folders))
            runs["baseline"].append(timed([sys.executable, __file__, "--baseline", str(out / "c.xlsx"),
                                           *map(str, folders)]))
    finally:
        server.shutdown()
        server.server_close()
    return runs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bureaus", type=int, default=500)
    parser.add_argument("--branches", type=int, default=100)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", nargs="+", help=argparse.SUPPRESS)  # OUT SOURCE...: run the peer
    args = parser.parse_args()
    if args.baseline:
        baseline(Path(args.baseline[0]), args.baseline[1:])
        return
    with tempfile.TemporaryDirectory(prefix="bench-rollup-") as work:
        root = Path(work)
        folders = summaries(root, args.bureaus, args.branches, args.items)
        branches = json.loads((folders[0] / "data" / "summary.json").read_text(encoding="utf-8"))["totals"]["branches"]
        size = sum((f / "data" / "summary.json").stat().st_size for f in folders)
        print(f"{args.bureaus} bureaus × {args.branches} branches = {args.bureaus * branches:,} branches; "
              f"summaries {size / 1e6:.1f} MB")
        runs = measure(root, folders, args.repeat)
        for name, measured in runs.items():
            wall = statistics.median(m[0] for m in measured)
            cpu = statistics.median(m[1] for m in measured)
            peak = max(m[2] for m in measured)
            print(f"{name:9} wall {wall:6.2f} s  cpu {cpu:6.2f} s  peak {peak / 1024:6.0f} MB")
        ratio = statistics.median(m[0] for m in runs["folders"]) / statistics.median(m[0] for m in runs["baseline"])
        print(f"rollup / baseline (wall, folders): {ratio:.1f}×")
        print(f"site: {sum(p.stat().st_size for p in (root / 'out-0' / 'a').rglob('*') if p.is_file()) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
