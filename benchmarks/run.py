"""Benchmark: board build / board check against plain MkDocs + Material on the same content.

Usage: python benchmarks/run.py [--sizes 100,1000,3000] [--items 20] [--repeat 3] [--repeat-big 1]

For each size it writes a synthetic board (benchmarks/synthetic.py) and the same
content as hand-written Markdown for the baseline of issue 8: plain MkDocs +
Material, a flat nav that does not list the branch pages (``not_in_nav``), and
Material's search, which segments Chinese with jieba.  It then alternates
``board build`` and ``mkdocs build`` runs (so both see the same machine state;
the order swaps every repeat) and prints medians of wall time and of CPU time
(user + system, worker processes included), their ratios, site and search-index
sizes, the lobby screen's weight and peak memory: of the largest single process (GNU time)
and of all the command's processes together (sampled proportional set size).
``board check`` runs twice per repeat: with an empty parse cache (cold), then
with the one it filled (warm); builds run without the cache.
Wall-clock times on a shared machine vary: compare ratios within one run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
AS_OF = "2024-07-01"
GNU_TIME = "/usr/bin/time"
# The `board` installed beside this Python (the venv's, activated or not), else the one on PATH.
BOARD = shutil.which("board", path=str(Path(sys.executable).parent)) or "board"


def timed(command: list[str], env: dict | None = None) -> tuple[float, float, int, int]:
    """Wall seconds, CPU seconds (user + system, children included), peak resident memory (KB) of the
    largest single process, and peak memory of all its processes together (KB, proportional set size)."""
    prefix = [GNU_TIME, "-f", "%M %U %S"] if os.path.exists(GNU_TIME) else []
    started = time.perf_counter()
    proc = subprocess.Popen(prefix + command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            cwd=REPO)
    tree_peak = [0]
    sampler = threading.Thread(target=_sample_tree, args=(proc, tree_peak), daemon=True)
    sampler.start()
    _, stderr = proc.communicate()
    elapsed = time.perf_counter() - started
    sampler.join()
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{stderr[-2000:]}")
    if not prefix:
        return elapsed, 0.0, 0, tree_peak[0]
    peak, user, system = stderr.strip().splitlines()[-1].split()
    return elapsed, float(user) + float(system), int(peak), tree_peak[0]


def _sample_tree(proc: subprocess.Popen, peak: list[int]) -> None:
    """Every 0.25 s, the sum of the proportional set sizes (shared pages split between their users) of
    ``proc`` and all its descendants: what a build with worker processes holds at once."""
    while proc.poll() is None:
        total = sum(_pss(pid) for pid in _tree(proc.pid))
        peak[0] = max(peak[0], total)
        time.sleep(0.25)


def _tree(root: int) -> list[int]:
    """``root`` and its descendants (a scan of /proc: about 6 ms, once per sample)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _pss(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def size_of(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def screen_weight(site: Path) -> int:
    """What /screen/ loads before its first branch slide: page, script, style, index and one branch."""
    parts = [site / "screen" / "index.html", site / "assets" / "screen.js", site / "assets" / "screen.css",
             site / "data" / "screen" / "index.json", site / "data" / "screen" / "overdue.json"]
    first = json.loads((site / "data" / "screen" / "index.json").read_text(encoding="utf-8"))["branches"][0]
    parts.append(site / "data" / "screen" / "branches" / f"{first}.json")
    return sum(p.stat().st_size for p in parts)


def bench(size: int, items: int, repeat: int, work: Path) -> dict:
    content, markdown = work / f"content-{size}", work / f"markdown-{size}"
    subprocess.run([sys.executable, str(HERE / "synthetic.py"), str(size), str(items), str(content),
                    "--markdown", str(markdown)], check=True)
    # Builds never see a parse cache (plain MkDocs has none); checks run cold, then warm.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CI": "1", "BOARD_CACHE_DIR": "off"}
    site, base_site = work / f"site-{size}", work / f"base-{size}"
    runs: dict[str, list[tuple[float, float, int, int]]] = {"board": [], "plain": []}
    commands = {
        "board": [BOARD, "build", "--content", str(content), "--site-dir", str(site), "--as-of", AS_OF],
        "plain": [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(markdown / "mkdocs.yml"), "-d", str(base_site)],
    }
    cold_times, warm_times = [], []
    for number in range(repeat):
        for name in (("board", "plain") if number % 2 == 0 else ("plain", "board")):
            shutil.rmtree(site if name == "board" else base_site, ignore_errors=True)
            runs[name].append(timed(commands[name], env))
        cache = work / f"cache-{size}"
        shutil.rmtree(cache, ignore_errors=True)
        check = [BOARD, "check", "--content", str(content), "--as-of", AS_OF]
        cold_times.append(timed(check, {**env, "BOARD_CACHE_DIR": str(cache)})[0])
        warm_times.append(timed(check, {**env, "BOARD_CACHE_DIR": str(cache)})[0])

    def median(name: str, what: int) -> float:
        return statistics.median(run[what] for run in runs[name])

    result = {
        "branches": size, "items": size * items,
        "build_s": median("board", 0), "baseline_s": median("plain", 0),
        "build_cpu_s": median("board", 1), "baseline_cpu_s": median("plain", 1),
        "ratios": [round(b[0] / p[0], 2) for b, p in zip(runs["board"], runs["plain"], strict=True)],
        "check_cold_s": statistics.median(cold_times), "check_s": statistics.median(warm_times),
        "peak_mb": max(run[2] for run in runs["board"]) / 1024,
        "baseline_peak_mb": max(run[2] for run in runs["plain"]) / 1024,
        "tree_peak_mb": max(run[3] for run in runs["board"]) / 1024,
        "baseline_tree_peak_mb": max(run[3] for run in runs["plain"]) / 1024,
        "site_mb": size_of(site) / 1e6, "baseline_mb": size_of(base_site) / 1e6,
        "search_mb": (site / "search" / "search_index.json").stat().st_size / 1e6,
        "baseline_search_mb": (base_site / "search" / "search_index.json").stat().st_size / 1e6,
        "screen_kb": screen_weight(site) / 1024,
    }
    result["ratio"] = result["build_s"] / result["baseline_s"]
    result["cpu_ratio"] = result["build_cpu_s"] / result["baseline_cpu_s"]
    for folder in (content, markdown, site, base_site, work / f"cache-{size}"):
        shutil.rmtree(folder, ignore_errors=True)
    return result


def table(results: list[dict]) -> str:
    head = ("| branches | items | board build (s) | plain MkDocs (s) | ratio | CPU (s): board / plain | CPU ratio | "
            "per branch (ms) | board check, cold / warm (s) | peak memory (MB): board / plain | "
            "all processes (MB): board / plain | site (MB): board / plain | "
            "search index (MB): board / plain | screen first load (KB) |")
    rows = [head, "|" + "---|" * 14]
    for r in results:
        rows.append(f"| {r['branches']} | {r['items']} | {r['build_s']:.1f} | {r['baseline_s']:.1f} | "
                    f"{r['ratio']:.2f} | {r['build_cpu_s']:.1f} / {r['baseline_cpu_s']:.1f} | {r['cpu_ratio']:.2f} | "
                    f"{r['build_s'] / r['branches'] * 1000:.0f} | {r['check_cold_s']:.1f} / {r['check_s']:.1f} | "
                    f"{r['peak_mb']:.0f} / {r['baseline_peak_mb']:.0f} | "
                    f"{r['tree_peak_mb']:.0f} / {r['baseline_tree_peak_mb']:.0f} | {r['site_mb']:.0f} / {r['baseline_mb']:.0f} | "
                    f"{r['search_mb']:.1f} / {r['baseline_search_mb']:.1f} | {r['screen_kb']:.0f} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,3000")
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3, help="alternating runs per size up to 1,000 branches")
    parser.add_argument("--repeat-big", type=int, default=1, help="alternating runs per size above 1,000 branches")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="board-bench-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            repeat = args.repeat if size <= 1000 else args.repeat_big
            results.append(bench(size, args.items, repeat, Path(tmp)))
            print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    print(table(results))


if __name__ == "__main__":
    main()
