"""The publish gate belongs to the release root: once it held an approved release, no config turns it off."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.site import gate, releases


def off_config(tmp_path: Path, repo: Path) -> Path:
    """The 6-line config of the attack: the real one INHERITed, the board plugin with approval: false."""
    path = tmp_path / "off.yml"
    path.write_text(f"INHERIT: {repo / 'site-config.yml'}\ntheme:\n  name: material\n  custom_dir: {repo / 'theme'}\n"
                    "plugins:\n  - board:\n      approval: false\n", encoding="utf-8")
    return path


def test_approval_off_through_an_inherited_config_is_refused_where_approved_releases_went(kit, tmp_path):
    content = kit.tiny_board(tmp_path / "c", {"first": {"name": "第一党支部", "rectifications": [
        kit.item(id="1", problem="公开的问题"), kit.item(id="2", problem="党内的问题", audience="党内")]}})
    kit.approve_board(content)
    root = tmp_path / "www"
    first = kit.board("publish", "--config", str(kit.CONFIG), "--content", str(content), "--as-of", kit.AS_OF,
                      "--to", str(root))
    assert first.code == 0, first.err
    live = (root / "current").resolve()
    (content / "branches" / "first.yml").write_text(
        (content / "branches" / "first.yml").read_text(encoding="utf-8").replace("公开的问题", "未经审批的改动"),
        encoding="utf-8")
    config = off_config(tmp_path, kit.REPO)
    for _ in range(2):  # with the root's mark, then with only the approved release left to tell
        run = kit.board("publish", "--config", str(config), "--content", str(content), "--as-of", kit.AS_OF,
                        "--to", str(root))
        assert run.code == 1 and "Traceback" not in run.err
        assert "发布被拒绝" in run.err and "approval: off 在这里不起作用" in run.err
        assert (root / "current").resolve() == live and len(releases.releases(root)) == 1
        (root / gate.MARK).unlink(missing_ok=True)
    elsewhere = kit.board("publish", "--config", str(config), "--content", str(content), "--as-of", kit.AS_OF,
                          "--to", str(tmp_path / "preview"))
    assert elsewhere.code == 0, elsewhere.err  # a root that never held approved content takes previews, marked
    assert "预览稿 · 未经审批" in (tmp_path / "preview" / "current" / "index.html").read_text(encoding="utf-8")


def test_the_gate_is_checked_again_under_the_release_lock(tmp_path):
    """An approved release that went live while an unapproved build was being made still stops it."""
    root = tmp_path / "www"
    releases.prepare(root)
    (root / gate.MARK).write_text(json.dumps({"first": "20240701-000000-000000000001"}))
    staging = root / "releases" / ".release.tmp-test"
    (staging / "data").mkdir(parents=True)
    with pytest.raises(releases.PublishError, match="只能发布经审核、审批的内容"):
        releases.install(root, staging, "000000000002", keep=2, approved=False)
    assert releases.releases(root) == [] and not (root / "current").exists()
    release, _ = releases.install(root, staging, "000000000002", keep=2, approved=True)
    assert (root / "current").resolve() == release


def test_a_rollback_never_brings_an_unapproved_release_back_where_approved_ones_went(tmp_path):
    root = tmp_path / "www"
    releases.prepare(root)
    for number, approved in ((1, False), (2, True)):
        staging = root / "releases" / f".release.tmp-{number}"
        (staging / "data").mkdir(parents=True)
        summary = {"approval": {"reviewed_by": "王某某"} if approved else None}
        (staging / "data" / "summary.json").write_text(json.dumps(summary))
        releases.install(root, staging, f"{number:012x}", keep=5, approved=approved)
    live = (root / "current").resolve()
    with pytest.raises(releases.PublishError, match="未经审核、审批.*不能回退到未经审批的版本"):
        releases.rollback(root)
    assert (root / "current").resolve() == live
