"""Benchmark: what a board with two archived periods costs compared with one period.

Usage: python benchmarks/periods.py [--sizes 100,1000] [--items 20] [--repeat 3]

For each size it writes a synthetic board (``synthetic.py``, 2023年度), starts
2024年度 and 2025年度 from it with ``board new-period`` (every open item carried)
and gives every branch of each new year as many new items again.  Then it times
``board build`` of the one-period board and of the three-period board (current
year plus ``/archive/2024/`` and ``/archive/2023/``), each with an empty cache
folder (cold: the archives are built) and again with the cache it filled (warm:
the archives' pages are copied from the last build, see ``generator/speed/archives.py``).
Wall-clock times on a shared machine vary: compare the ratios within one run.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from run import AS_OF, BOARD, HERE, REPO, size_of, timed
from synthetic import branch


def board(*args: str, env: dict) -> None:
    proc = subprocess.run([BOARD, *args], capture_output=True, text=True, env=env, cwd=REPO)
    if proc.returncode != 0:
        sys.exit(f"failed: board {' '.join(args)}\n{proc.stderr[-2000:]}")


def next_year(previous: Path, out: Path, period: str, items: int, seed: int, env: dict) -> None:
    """``board new-period`` from ``previous``, then ``items`` new items and an evaluation per branch."""
    board("new-period", "--content", str(previous), "--period", period, "--out", str(out), "--as-of", AS_OF, env=env)
    rng = random.Random(seed)
    for number, path in enumerate(sorted((out / "branches").glob("*.yml")), start=1):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        fresh = branch(rng, number, items)
        data["evaluation"] = fresh["evaluation"]
        data["rectifications"] = (data.get("rectifications") or []) + [
            {**entry, "id": f"{seed}-{entry['id']}"} for entry in fresh["rectifications"]]
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def bench(size: int, items: int, repeat: int, work: Path) -> dict:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CI": "1", "BOARD_CACHE_DIR": "off"}
    one, y2024, y2025 = work / f"y2023-{size}", work / f"y2024-{size}", work / f"y2025-{size}"
    subprocess.run([sys.executable, str(HERE / "synthetic.py"), str(size), str(items), str(one)], check=True)
    next_year(one, y2024, "2024年度", items, 2024, env)
    next_year(y2024, y2025, "2025年度", items, 2025, env)
    times: dict[str, list[float]] = {"one-cold": [], "one-warm": [], "three-cold": [], "three-warm": []}
    peaks: dict[str, list[int]] = {key: [] for key in times}
    sites = {}
    for _ in range(repeat):
        for name, content in (("one", one), ("three", y2025)):
            cache = work / f"cache-{name}-{size}"
            shutil.rmtree(cache, ignore_errors=True)
            for state in ("cold", "warm"):
                site = work / f"site-{name}-{size}"
                shutil.rmtree(site, ignore_errors=True)
                seconds, _, peak, _ = timed([BOARD, "build", "--content", str(content), "--site-dir", str(site),
                                          "--as-of", AS_OF], {**env, "BOARD_CACHE_DIR": str(cache)})
                times[f"{name}-{state}"].append(seconds)
                peaks[f"{name}-{state}"].append(peak)
                sites[name] = site
    counted = {name: sum(len(yaml.safe_load(p.read_text(encoding="utf-8")).get("rectifications") or [])
                         for p in (folder / "branches").glob("*.yml"))
               for name, folder in (("y2023", one), ("y2024", y2024), ("y2025", y2025))}
    return {
        "size": size, "items": counted, **{k: statistics.median(v) for k, v in times.items()},
        "peak": {k: max(v) // 1024 for k, v in peaks.items()},
        "site_one": size_of(sites["one"]) / 1e6, "site_three": size_of(sites["three"]) / 1e6,
    }


def table(results: list[dict]) -> str:
    head = ("| 支部 | 事项（2023 / 2024 / 2025） | 一个年度 冷 / 热（秒） | 三个年度 冷 / 热（秒） | 三年度 ÷ 一年度 冷 / 热 "
            "| 峰值内存 一 / 三（MB） | 网站 一 / 三（MB） |")
    lines = [head, "|---|---|---|---|---|---|---|"]
    for r in results:
        n = r["items"]
        lines.append(
            f"| {r['size']:,} | {n['y2023']:,} / {n['y2024']:,} / {n['y2025']:,} "
            f"| {r['one-cold']:.1f} / {r['one-warm']:.1f} | {r['three-cold']:.1f} / {r['three-warm']:.1f} "
            f"| {r['three-cold'] / r['one-cold']:.2f} / {r['three-warm'] / r['one-warm']:.2f} "
            f"| {r['peak']['one-cold']} / {r['peak']['three-cold']} | {r['site_one']:.0f} / {r['site_three']:.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="board-periods-") as tmp:
        results = [bench(int(s), args.items, args.repeat, Path(tmp)) for s in args.sizes.split(",")]
    print(table(results))


if __name__ == "__main__":
    main()
