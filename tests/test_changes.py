"""The change log belongs to one organisation (issue 29.2): another bureau's output is never carried."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from generator import speed
from generator.board import changes
from generator.cli import main

REPO = Path(__file__).resolve().parent.parent


def _board(root: Path, organization: str, problems: list[str]) -> Path:
    """A one-branch board of ``organization`` with one item per problem."""
    (root / "branches").mkdir(parents=True, exist_ok=True)
    (root / "board.yml").write_text(yaml.safe_dump({"organization": organization, "period": "2024年度"},
                                                   allow_unicode=True), encoding="utf-8")
    items = [{"id": f"{n:02d}", "problem": text, "measures": ["制定计划"], "owner": "张某某",
              "deadline": "2024-12-30", "status": "整改中"} for n, text in enumerate(problems, 1)]
    (root / "branches" / "first.yml").write_text(
        yaml.safe_dump({"name": f"{organization}第一党支部", "rectifications": items}, allow_unicode=True),
        encoding="utf-8")
    return root


def _build(content: Path, site: Path):
    speed.forget()
    with contextlib.chdir(REPO):
        return CliRunner().invoke(main, ["build", "--content", str(content), "--site-dir", str(site),
                                         "--as-of", "2024-07-01"], catch_exceptions=False)


def _history(site: Path) -> list[dict]:
    return json.loads((site / changes.CHANGES_PATH).read_text(encoding="utf-8"))


def test_a_new_bureau_built_over_another_bureaus_site_starts_its_change_log_afresh_and_says_so(tmp_path):
    site = tmp_path / "site"
    sample = _board(tmp_path / "sample", "示例局党委", ["示例问题一", "示例问题二"])
    assert _build(sample, site).exit_code == 0
    _board(sample, "示例局党委", ["示例问题一", "示例问题二", "示例问题三"])
    assert _build(sample, site).exit_code == 0
    assert _history(site)[0]["counts"]["added"] == 1  # the same bureau's history carries on

    ours = _board(tmp_path / "ours", "林业局党委", ["我们的问题"])
    run = _build(ours, site)
    assert run.exit_code == 0, run.output
    assert "另一单位“示例局党委”" in run.output and "更新记录从这次生成重新开始" in run.output
    assert _history(site) == []
    shown = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*") if p.suffix in (".html", ".json"))
    assert "示例局党委" not in shown and "示例问题" not in shown  # no removed sample branch, no "党员总数 279 → 45"

    _board(ours, "林业局党委", ["我们的问题", "我们的第二个问题"])
    run = _build(ours, site)
    assert "重新开始" not in run.output  # from now on it is our own history
    [latest] = _history(site)
    assert latest["counts"] == {"added": 1, "removed": 0, "status": 0}


def test_an_output_that_names_no_organisation_is_not_carried(tmp_path):
    content, site = _board(tmp_path / "c", "林业局党委", ["问题一"]), tmp_path / "site"
    assert _build(content, site).exit_code == 0
    build = json.loads((site / changes.BUILD_PATH).read_text(encoding="utf-8"))
    assert build["organization"] == "林业局党委"
    del build["organization"]  # as an older version wrote it
    (site / changes.BUILD_PATH).write_text(json.dumps(build), encoding="utf-8")
    previous = changes.read_previous(site)
    assert previous.organization is None
    assert "旧版本程序" in changes.fresh_start(previous, "林业局党委")
    assert changes.fresh_start(changes.read_previous(tmp_path / "nothing"), "林业局党委") is None


def _people_board(root: Path, person_audience: str) -> Path:
    """A one-branch board whose one person (public or party) has a public personal item."""
    _board(root, "示例局党委", ["示例问题一"])
    branch = yaml.safe_load((root / "branches" / "first.yml").read_text(encoding="utf-8"))
    branch["people"] = [{"name": "钱某某", "pledge": "带头讲党课", "audience": person_audience, "rectifications": [
        {"id": "01", "problem": "学习不够", "measures": ["每周学习"], "deadline": "2024-12-30", "status": "整改中",
         "audience": "公开"}]}]
    (root / "branches" / "first.yml").write_text(yaml.safe_dump(branch, allow_unicode=True), encoding="utf-8")
    return root


def test_a_person_made_party_is_not_named_in_the_public_change_log(tmp_path):
    """A 党内 person shows nothing of themselves publicly: their removal is counted, not named (nor their items)."""
    content, site = tmp_path / "c", tmp_path / "site"
    assert _build(_people_board(content, "公开"), site).exit_code == 0
    assert "钱某某" in (site / "branches" / "first" / "index.html").read_text(encoding="utf-8")
    assert _build(_people_board(content, "党内"), site).exit_code == 0
    latest = _history(site)[0]
    assert latest["counts"]["removed"] == 2 and len(latest["removed"]) == 2
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml"):
            assert "钱某某" not in path.read_text(encoding="utf-8"), path


def test_a_public_number_shifted_by_a_new_item_above_is_paired_by_its_text():
    def snap(*rows):
        return {"audience": "public", "totals": {}, "items": {
            f"a/{n}": {"branch": "甲", "id": n, "problem": text, "status": status} for n, text, status in rows}}

    before = snap(("01", "问题X", "整改中"), ("02", "问题Y", "整改中"))
    after = snap(("01", "新问题W", "未开始"), ("02", "问题X", "已完成"), ("03", "问题Y", "整改中"))
    found = changes.entry(before, after, "2026-06-01", "b")
    assert [(c["key"], c["problem"]) for c in found["added"]] == [("a/01", "新问题W")] and found["removed"] == []
    assert [(c["key"], c["problem"], c["from"], c["to"]) for c in found["status"]] == [("a/02", "问题X", "整改中", "已完成")]
    reworded = snap(("01", "问题X（改写）", "已完成"), ("02", "问题Y", "整改中"))  # same 序号, new words: the same item
    found = changes.entry(before, reworded, "2026-06-01", "b")
    assert found["added"] == found["removed"] == [] and [c["key"] for c in found["status"]] == ["a/01"]
