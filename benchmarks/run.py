"""Benchmark: board build / board check against plain MkDocs + Material on the same content.

Usage: python benchmarks/run.py [--sizes 100,1000,3000] [--items 20] [--repeat 3] [--baseline-max 1000]

For each size it writes a synthetic board (benchmarks/synthetic.py) and the same
content as hand-written Markdown, then alternates ``board build`` and ``mkdocs
build`` runs (so both see the same machine state), and prints medians, the ratio,
site and search-index sizes, the lobby screen's weight and peak memory (GNU time).
``board check`` runs twice per repeat: with an empty parse cache (cold), then
with the one it filled (warm); builds run without the cache.
Wall-clock times on a shared machine vary: compare ratios within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
AS_OF = "2024-07-01"
GNU_TIME = "/usr/bin/time"


def timed(command: list[str], env: dict | None = None) -> tuple[float, int]:
    """Wall seconds and peak resident memory (KB) of one command."""
    prefix = [GNU_TIME, "-f", "%M"] if os.path.exists(GNU_TIME) else []
    started = time.perf_counter()
    proc = subprocess.run(prefix + command, capture_output=True, text=True, env=env, cwd=REPO)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{proc.stderr[-2000:]}")
    peak = int(proc.stderr.strip().splitlines()[-1]) if prefix else 0
    return elapsed, peak


def size_of(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def screen_weight(site: Path) -> int:
    """What /screen/ loads before its first branch slide: page, script, style, index and one branch."""
    parts = [site / "screen" / "index.html", site / "assets" / "screen.js", site / "assets" / "screen.css",
             site / "data" / "screen" / "index.json", site / "data" / "screen" / "overdue.json"]
    first = json.loads((site / "data" / "screen" / "index.json").read_text(encoding="utf-8"))["branches"][0]
    parts.append(site / "data" / "screen" / "branches" / f"{first}.json")
    return sum(p.stat().st_size for p in parts)


def bench(size: int, items: int, repeat: int, baseline: bool, work: Path) -> dict:
    content, markdown = work / f"content-{size}", work / f"markdown-{size}"
    subprocess.run([sys.executable, str(HERE / "synthetic.py"), str(size), str(items), str(content),
                    *(["--markdown", str(markdown)] if baseline else [])], check=True)
    # Builds never see a parse cache (plain MkDocs has none); checks run cold, then warm.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CI": "1", "BOARD_CACHE_DIR": "off"}
    board_times, base_times, cold_times, warm_times, peaks = [], [], [], [], []
    site, base_site = work / f"site-{size}", work / f"base-{size}"
    for _ in range(repeat):
        shutil.rmtree(site, ignore_errors=True)
        seconds, peak = timed(["board", "build", "--content", str(content), "--site-dir", str(site),
                               "--as-of", AS_OF], env)
        board_times.append(seconds)
        peaks.append(peak)
        if baseline:
            shutil.rmtree(base_site, ignore_errors=True)
            base_times.append(timed([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(markdown / "mkdocs.yml"),
                                     "-d", str(base_site)], env)[0])
        cache = work / f"cache-{size}"
        shutil.rmtree(cache, ignore_errors=True)
        check = ["board", "check", "--content", str(content), "--as-of", AS_OF]
        cold_times.append(timed(check, {**env, "BOARD_CACHE_DIR": str(cache)})[0])
        warm_times.append(timed(check, {**env, "BOARD_CACHE_DIR": str(cache)})[0])
    result = {
        "branches": size, "items": size * items,
        "build_s": statistics.median(board_times),
        "check_cold_s": statistics.median(cold_times), "check_s": statistics.median(warm_times),
        "peak_mb": max(peaks) / 1024, "site_mb": size_of(site) / 1e6,
        "search_mb": (site / "search" / "search_index.json").stat().st_size / 1e6,
        "screen_kb": screen_weight(site) / 1024,
    }
    if baseline:
        result.update(baseline_s=statistics.median(base_times), baseline_mb=size_of(base_site) / 1e6,
                      ratio=result["build_s"] / statistics.median(base_times))
    for folder in (content, markdown, site, base_site, work / f"cache-{size}"):
        shutil.rmtree(folder, ignore_errors=True)
    return result


def _cell(result: dict, key: str, fmt: str) -> str:
    return format(result[key], fmt) if key in result else "—"


def table(results: list[dict]) -> str:
    head = ("| branches | items | board build (s) | plain MkDocs (s) | ratio | per branch (ms) | "
            "board check, cold / warm (s) | peak memory (MB) | site (MB) | plain site (MB) | search index (MB) | "
            "screen first load (KB) |")
    rows = [head, "|" + "---|" * 12]
    for r in results:
        rows.append(f"| {r['branches']} | {r['items']} | {r['build_s']:.1f} | {_cell(r, 'baseline_s', '.1f')} | "
                    f"{_cell(r, 'ratio', '.2f')} | {r['build_s'] / r['branches'] * 1000:.0f} | "
                    f"{r['check_cold_s']:.1f} / {r['check_s']:.1f} | "
                    f"{r['peak_mb']:.0f} | {r['site_mb']:.0f} | {_cell(r, 'baseline_mb', '.0f')} | "
                    f"{r['search_mb']:.1f} | {r['screen_kb']:.0f} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,3000")
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline-max", type=int, default=1000,
                        help="largest size also built with plain MkDocs (its nav makes it quadratic)")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="board-bench-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            repeat = args.repeat if size <= 1000 else 1
            results.append(bench(size, args.items, repeat, size <= args.baseline_max, Path(tmp)))
            print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    print(table(results))


if __name__ == "__main__":
    main()
