"""Publishing releases to the folder nginx serves: atomic, reversible, reproducible."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import AS_OF, CONFIG, approve_board, board, build_site, item, tiny_board

READER = r'''
import json, sys, time
from pathlib import Path
root, stop = Path(sys.argv[1]), Path(sys.argv[2])
reads = errors = 0
while not stop.exists():
    for name in ("index.html", "ledger/index.html", "data/summary.json"):
        try:
            data = (root / "current" / name).read_bytes()
            if name.endswith(".json"):
                json.loads(data)
            elif not data.rstrip().endswith(b"</html>"):
                raise ValueError("truncated " + name)
            reads += 1
        except FileNotFoundError as exc:
            if (root / "current").exists():
                errors += 1; print("missing", exc, file=sys.stderr)
        except Exception as exc:
            errors += 1; print("broken", name, exc, file=sys.stderr)
print(json.dumps({"reads": reads, "errors": errors}))
'''


def publish(content: Path, root: Path, *extra: str, as_of: str = AS_OF):
    """Reviewed, approved (test_approval.py tests the gate itself) and published."""
    approve_board(content)
    return board("publish", "--config", str(CONFIG), "--content", str(content), "--to", str(root),
                     "--as-of", as_of, *extra)


def two_boards(tmp_path: Path) -> tuple[Path, Path]:
    a = tiny_board(tmp_path / "a", {"x": {"name": "甲单位第一支部", "rectifications": [item()]}}, organization="甲单位党委")
    b = tiny_board(tmp_path / "b", {"y": {"name": "乙单位第一支部", "rectifications": [item(status="整改中")]},
                                    "z": {"name": "乙单位第二支部"}}, organization="乙单位党委")
    return a, b


def organization(root: Path) -> str:
    return json.loads((root / "current" / "data" / "summary.json").read_text(encoding="utf-8"))["organization"]


def test_a_reader_never_sees_a_missing_or_broken_file(tmp_path):
    a, b = two_boards(tmp_path)
    root, stop = tmp_path / "www", tmp_path / "stop"
    assert publish(a, root).code == 0
    reader = subprocess.Popen([sys.executable, "-c", READER, str(root), str(stop)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        for n in range(8):
            run = publish(b if n % 2 == 0 else a, root, "--keep", "2")
            assert run.code == 0, run.err
            assert len([p for p in (root / "releases").iterdir() if not p.name.startswith(".")]) <= 3
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=60)
    result = json.loads(out)
    assert result["errors"] == 0, err
    assert result["reads"] > 100
    assert organization(root) == "甲单位党委"


def test_rollback_serves_the_previous_board_and_releases_lists_them(tmp_path):
    a, b = two_boards(tmp_path)
    root = tmp_path / "www"
    assert publish(a, root).code == 0
    assert publish(b, root).code == 0
    assert organization(root) == "乙单位党委"
    listing = board("releases", "--to", str(root))
    lines = listing.out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("*") and "← 当前在线" in lines[0] and "2 个支部，1 项" in lines[0]
    run = board("rollback", "--to", str(root))
    assert run.code == 0 and organization(root) == "甲单位党委"
    again = board("rollback", "--to", str(root))
    assert again.code == 1 and "没有更早的版本" in again.err
    republished = publish(b, root)  # the version rolled back from goes live again: listed once
    assert republished.code == 0 and "已重新上线" in republished.out and organization(root) == "乙单位党委"
    lines = board("releases", "--to", str(root)).out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("*") and "2 个支部，1 项" in lines[0]
    assert board("rollback", "--to", str(root)).code == 0 and organization(root) == "甲单位党委"


def test_same_content_is_not_published_twice_and_has_the_same_id(tmp_path):
    a, _ = two_boards(tmp_path)
    root = tmp_path / "www"
    first = publish(a, root)
    second = publish(a, root)
    assert first.code == second.code == 0 and "内容没有变化" in second.out
    build = json.loads((root / "current" / "data" / "build.json").read_text(encoding="utf-8"))["build"]
    assert build in first.out and build in second.out
    assert publish(a, root, "--force").code == 0
    assert len(list((root / "releases").iterdir())) == 2


def tree(site: Path) -> dict[str, str]:
    return {str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest() for p in site.rglob("*") if p.is_file()}


def test_two_builds_of_the_same_content_are_byte_identical(tmp_path):
    a, _ = two_boards(tmp_path)
    build_site(a, tmp_path / "one")
    build_site(a, tmp_path / "two")
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    build_site(a, tmp_path / "one")          # rebuilding over itself changes nothing either
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_failed_build_or_unusable_folder_leaves_current_alone(tmp_path):
    a, _ = two_boards(tmp_path)
    root = tmp_path / "www"
    assert publish(a, root).code == 0
    live = (root / "current").resolve()
    (a / "branches" / "x.yml").write_text("name: 甲\nkind: 不存在\n", encoding="utf-8")
    run = publish(a, root)
    assert run.code == 1 and "x.yml:2" in run.err and (root / "current").resolve() == live
    assert [p.name for p in (root / "releases").iterdir()] == [live.name]
    (tmp_path / "plain" / "current").mkdir(parents=True)
    run = publish(tiny_board(tmp_path / "c"), tmp_path / "plain")
    assert run.code == 1 and "不是发布用的链接" in run.err


def test_read_only_folder_is_refused(tmp_path):
    target = tmp_path / "ro"
    target.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(target)],
                      capture_output=True).returncode:
        pytest.skip("cannot mount a read-only tmpfs here (needs root)")
    try:
        run = publish(tiny_board(tmp_path / "c"), target)
        assert run.code == 1 and "不能写入" in run.err and "Traceback" not in run.err
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


def test_change_log_shows_what_changed(tmp_path):
    content = tiny_board(tmp_path / "c", {"x": {"name": "第一支部", "rectifications": [
        item(id="1", problem="学习不够深入"), item(id="2", problem="调研不够")]}})
    root = tmp_path / "www"
    assert publish(content, root).code == 0
    changes_page = (root / "current" / "changes" / "index.html").read_text(encoding="utf-8")
    assert "暂无更新记录" in changes_page
    tiny_board(content, {"x": {"name": "第一支部", "rectifications": [
        item(id="1", problem="学习不够深入", status="已销号", completed="2024-06-01"),
        item(id="2", problem="调研不够"), item(id="3", problem="新发现的问题")]}})
    assert publish(content, root).code == 0
    overview = (root / "current" / "index.html").read_text(encoding="utf-8")
    assert "最近更新" in overview and "（整改中 → 已销号）" in overview
    changes_page = (root / "current" / "changes" / "index.html").read_text(encoding="utf-8")
    assert "新增 1 项" in changes_page and "新发现的问题" in changes_page and "已销号 0 → 1" in changes_page
    history = json.loads((root / "current" / "data" / "changes.json").read_text(encoding="utf-8"))
    assert len(history) == 1 and history[0]["status"][0]["to"] == "已销号"


def test_check_publish_and_releases_count_alike(tmp_path):
    content = tiny_board(tmp_path / "c", {"x": {"name": "第一支部", "rectifications": [item()]},
                                          "t": {"name": "专班临时党支部", "kind": "临时党支部"}})
    size = "2 个支部（含临时党支部 1 个），1 项整改事项"
    check = board("check", "--config", str(CONFIG), "--content", str(content), "--as-of", AS_OF)
    published = publish(content, tmp_path / "www")
    listing = board("releases", "--to", str(tmp_path / "www"))
    assert [size in run.out for run in (check, published, listing)] == [True, True, True], (check.out, listing.out)


def test_a_first_publish_or_render_compares_with_nothing_not_the_projects_site(tmp_path):
    import shutil

    project = tmp_path / "project"               # a project whose site/ holds another board's build
    project.mkdir()
    shutil.copy(CONFIG, project / "site-config.yml")
    (project / "theme").symlink_to(CONFIG.parent / "theme")
    other = tiny_board(tmp_path / "other", {"o": {"name": "别的支部", "rectifications": [item(problem="别的问题")]}})
    config = str(project / "site-config.yml")
    assert board("build", "--config", config, "--content", str(other), "--as-of", AS_OF).code == 0
    assert (project / "site" / "data" / "snapshot.json").is_file()
    content = tiny_board(tmp_path / "c")
    approve_board(content)
    run = board("publish", "--config", config, "--content", str(content), "--to", str(tmp_path / "www"), "--as-of", AS_OF)
    assert run.code == 0, run.err
    assert json.loads((tmp_path / "www" / "current" / "data" / "changes.json").read_text(encoding="utf-8")) == []
    run = board("render", "--config", config, "--content", str(content), "--out", str(tmp_path / "z"), "--as-of", AS_OF)
    assert run.code == 0, run.err
    assert json.loads((tmp_path / "z" / "docs" / "data" / "changes.json").read_text(encoding="utf-8")) == []
