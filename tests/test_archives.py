"""Archived periods: only public facts on public pages; kept pages keyed by approval state, address and audience."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import core

PARTY_DONE = "2023-11-30"


@pytest.fixture
def two_periods(kit, tmp_path) -> Path:
    """2023 (archived: a public item done 2023-05-01, a 党内 one done later) and 2024, which names it as previous."""
    old = kit.tiny_board(tmp_path / "old", {"a": {"name": "第一党支部", "rectifications": [
        kit.item(id="01", problem="公开的整改", status="已完成", completed="2023-05-01", deadline="2023-06-30"),
        kit.item(id="02", problem="党内的整改", status="已完成", completed=PARTY_DONE, audience="党内"),
        kit.item(id="03", problem="公开的未完成", deadline="2023-04-30")]}}, period="2023年度")
    return kit.tiny_board(tmp_path / "new", {"a": {"name": "第一党支部", "rectifications": [kit.item(id="01")]}},
                          period="2024年度", previous=f"../{old.name}")


def generate(content: Path, audience: str = "public") -> core.Site:
    return core.generate(core.make_options(content, audience=audience, as_of="2024-07-01"))


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_a_party_items_date_shows_nowhere_on_the_public_archive_and_moves_no_id(two_periods):
    site = generate(two_periods)
    [archive] = site.archives
    pages = archive.render()
    shown = "".join(pages.values())
    assert "2023年5月1日" in shown and "2023年11月30日" not in shown  # 数据截至: the latest public fact
    assert "2023年11月30日" in "".join(generate(two_periods, "party").archives[0].render().values())
    edit(two_periods.parent / "old" / "branches" / "a.yml", PARTY_DONE, "2023-12-20")
    again = generate(two_periods)
    assert again.archives[0].render() == pages  # overdue marks and dates as before: nothing public changed
    assert again.build == site.build  # the id a public reader sees does not betray a 党内 edit
    assert generate(two_periods, "party").build != site.build


def test_kept_archive_pages_follow_the_approval_and_the_address(kit, two_periods, tmp_path, monkeypatch):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site = tmp_path / "site"
    archived = site / "archive" / "2023" / "index.html"
    preview = kit.build_site(two_periods, site)
    assert preview.code == 0, preview.err
    assert "预览稿 · 未经审批" in archived.read_text(encoding="utf-8")
    kit.approve_board(two_periods)
    assert kit.build_site(two_periods, site).code == 0
    assert "预览稿 · 未经审批" not in archived.read_text(encoding="utf-8")  # not the preview's kept pages

    served = tmp_path / "served"  # what `board serve -a 127.0.0.1:8911` builds: its address as the site's
    monkeypatch.setenv("BOARD_CONTENT", str(two_periods))
    monkeypatch.setenv("BOARD_AS_OF", kit.AS_OF)
    config = load_config(str(kit.CONFIG), docs_dir=str(two_periods), site_dir=str(served),
                         site_url="http://127.0.0.1:8911/")
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    config.plugins.on_shutdown()
    monkeypatch.delenv("BOARD_CONTENT")
    monkeypatch.delenv("BOARD_AS_OF")
    assert "127.0.0.1:8911" in (served / "archive" / "2023" / "index.html").read_text(encoding="utf-8")
    assert kit.build_site(two_periods, site).code == 0
    assert "127.0.0.1:8911" not in archived.read_text(encoding="utf-8")
