"""Synthetic boards of any size, for the benchmarks (never committed output).

Usage: python benchmarks/synthetic.py BRANCHES ITEMS OUT_DIR [--markdown MD_DIR]

Valid as of 2024-07-01 (no errors, no warnings): build it with ``--as-of 2024-07-01``.

``--markdown`` also writes the same content by hand-written-style Markdown plus an
``mkdocs.yml`` for the plain MkDocs + Material baseline of issue 8: one page per
branch with Markdown tables, an index page linking every branch, a flat nav that
lists only the index (branch pages are ``not_in_nav``, so the nav does not grow
with the board), and Material's search, which segments Chinese with jieba.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import yaml

WORDS = ("理论学习", "组织生活", "作风建设", "服务群众", "廉洁自律", "业务培训", "调查研究", "意识形态", "党员教育",
         "制度落实", "窗口服务", "基层走访", "信息化", "档案管理", "谈心谈话", "警示教育")
PROBLEMS = ("不够深入系统", "质量不高", "落实不到位", "存在薄弱环节", "不够规范", "频次不够", "针对性不强", "反馈不及时")
MEASURES = ("制定年度计划，每月开展一次集中学习", "建立台账，实行限时办结", "每季度召开推进会", "开展专题培训",
            "班子成员带头落实", "纳入年度考核", "每半年开展一次督查", "建立长效机制")
STATUSES = ("未开始", "整改中", "已完成", "已销号")


def branch(rng: random.Random, number: int, items: int) -> dict:
    members = rng.randint(8, 60)
    rated = members - 1 - rng.randint(0, 1)  # probationary members are not graded
    excellent = max(1, rated // 6)
    basic = rng.choice((0, 0, 1))
    entries = []
    for i in range(1, items + 1):
        status = rng.choice(STATUSES)
        entry = {
            "id": f"{i:02d}", "category": rng.choice(WORDS), "source": "会前征求意见",
            "problem": f"{rng.choice(WORDS)}{rng.choice(PROBLEMS)}，{rng.choice(WORDS)}方面{rng.choice(PROBLEMS)}",
            "measures": rng.sample(MEASURES, 2), "owner": f"{rng.choice('张李王赵刘陈杨黄')}某某",
            "deadline": rng.choice(("2025-06-30", "长期坚持") if status == "未开始"
                                   else ("2024-06-30", "2024-12-31", "2025-06-30", "长期坚持", "立行立改")),
            "status": status,
        }
        if status in ("已完成", "已销号"):
            entry["completed"] = "2024-05-20"
        if status == "整改中":
            entry["progress"] = "已制定方案，正在按计划推进"
        entries.append(entry)
    return {
        "name": f"第{number}党支部", "order": number,
        "evaluation": {"members": members, "probationary": 1, "participants": rated, "rated": rated,
                       "excellent": excellent, "qualified": rated - excellent - basic, "basic": basic, "unqualified": 0},
        "rectifications": entries,
    }


def markdown_page(data: dict) -> str:
    """The same branch as an office would write it by hand: headings and Markdown tables."""
    ev = data["evaluation"]
    lines = [f"# {data['name']}", "", "## 民主评议结果", "", "| 项目 | 人数 |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in ev.items()]
    lines += ["", "## 整改清单", "", "| 序号 | 问题 | 整改措施 | 责任人 | 整改时限 | 状态 | 整改进展 |", "|---|---|---|---|---|---|---|"]
    for e in data["rectifications"]:
        lines.append(f"| {e['id']} | {e['problem']} | {'<br>'.join(e['measures'])} | {e['owner']} | {e['deadline']} | "
                     f"{e['status']} | {e.get('progress', '')} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("branches", type=int)
    parser.add_argument("items", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    rng = random.Random(2026)
    (args.out / "branches").mkdir(parents=True, exist_ok=True)
    (args.out / "board.yml").write_text("organization: 某市委组织部\nperiod: 2023年度\n", encoding="utf-8")
    pages = []
    for n in range(1, args.branches + 1):
        data = branch(rng, n, args.items)
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (args.out / "branches" / f"b{n:05d}.yml").write_text(text, encoding="utf-8")
        if args.markdown:
            (args.markdown / "docs").mkdir(parents=True, exist_ok=True)
            (args.markdown / "docs" / f"b{n:05d}.md").write_text(markdown_page(data), encoding="utf-8")
            pages.append((f"b{n:05d}.md", data["name"]))
    if args.markdown:
        links = "".join(f"| [{name}]({page}) |\n" for page, name in pages)
        index = f"# 党务公开\n\n| 支部 |\n|---|\n{links}"
        (args.markdown / "docs" / "index.md").write_text(index, encoding="utf-8")
        config = {"site_name": "党务公开", "theme": {"name": "material", "language": "zh", "font": False},
                  "plugins": [{"search": {"separator": "[\\s\\u200b\\-]"}}],
                  "nav": ["index.md"], "not_in_nav": "/b*.md"}
        (args.markdown / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")


if __name__ == "__main__":
    main()
