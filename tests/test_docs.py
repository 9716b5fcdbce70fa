"""docs/ for developers: the module table names every module of generator/, once, and no other."""

from __future__ import annotations

import re

from helpers import REPO


def test_the_module_table_lists_every_module_once():
    table = (REPO / "docs" / "modules.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(generator/[^`]+\.py)` \| (.+) \|$", table, re.M)
    listed = [path for path, _ in rows]
    modules = sorted(str(p.relative_to(REPO)) for p in (REPO / "generator").rglob("*.py"))
    assert sorted(set(listed)) == sorted(listed), "a module listed twice in docs/modules.md"
    missing, stale = sorted(set(modules) - set(listed)), sorted(set(listed) - set(modules))
    assert not missing and not stale, f"docs/modules.md: add a line for {missing}, remove {stale}"
    assert all(len(owns) <= 160 for _, owns in rows), "one short line per module"


def test_developer_links_resolve():
    for page in (REPO / "docs").glob("*.md"):
        for target in re.findall(r"\]\(([^)#:]+\.md)\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).is_file(), (page.name, target)
