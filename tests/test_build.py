"""End to end: real MkDocs builds of small boards in tmp folders, read back."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from helpers import AS_OF, CONFIG, REPO, assert_offline, build_site, clean_env, evaluation, item, read_html, tiny_board
from helpers import board as cli  # this module's ``board`` is its content fixture

HOSTILE = ("A|B <script>alert(1)</script> {{ x }} {% if %} **粗** `code` [x](javascript:alert(1)) "
           "&amp; \"q\" 's' <!-- c --> ![i](http://example.com/i.png)\n第二行 | --- |")
MARK = f"PARTYONLY{uuid.uuid4().hex}"


def party_item() -> dict:
    return item(id="99", problem=f"{MARK}问题", measures=[f"{MARK}措施"], owner=f"{MARK}人", category=f"{MARK}类",
                source=f"{MARK}源", target=f"{MARK}目标", progress=f"{MARK}进展", audience="党内")


@pytest.fixture(scope="module")
def board(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("board") / "content"
    return tiny_board(root, {
        "alpha": {"name": "第一党支部", "order": 1, "secretary": HOSTILE, "evaluation": evaluation(honor_roll=[HOSTILE]),
                  "rectifications": [
                      item(id="1", problem="党员学习积极性不高", status="整改中", deadline="2024-06-30"),
                      item(id="2", problem=HOSTILE, measures=[HOSTILE, "第二条措施"], owner=HOSTILE, target=HOSTILE,
                           progress=HOSTILE, category=HOSTILE, source=HOSTILE, deadline="长期坚持"),
                      party_item(),
                  ]},
        "beta": {"name": HOSTILE, "order": 2, "kind": "临时党支部", "rectifications": [
            item(id="1", status="已销号", completed="2024-03-01", deadline="立行立改")]},
    }, feedback=[HOSTILE], notice={"from": "2024-06-20", "to": "2024-07-20"})


@pytest.fixture(scope="module")
def public_site(board, tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("public") / "site"
    build_site(board, site)
    return site


@pytest.fixture(scope="module")
def party_site(board, tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("party") / "site"
    build_site(board, site, "--audience", "party")
    return site


def all_files(site: Path) -> list[Path]:
    return [p for p in site.rglob("*") if p.is_file()]


def test_every_branch_has_its_page(public_site):
    for branch in ("alpha", "beta"):
        assert (public_site / "branches" / branch / "index.html").is_file()
    assert (public_site / "index.html").is_file() and (public_site / "ledger" / "index.html").is_file()


def test_summary_json_figures(public_site, party_site):
    public = json.loads((public_site / "data" / "summary.json").read_text(encoding="utf-8"))
    party = json.loads((party_site / "data" / "summary.json").read_text(encoding="utf-8"))
    assert public["audience"] == "public" and party["audience"] == "party" and public["as_of"] == AS_OF
    assert public["totals"]["rectifications"] == {
        "total": 3, "not_started": 0, "in_progress": 2, "done": 0, "closed": 1, "overdue": 1}
    assert party["totals"]["rectifications"]["total"] == 4
    assert public["totals"]["participation_rate"] == 90.0
    assert [b["id"] for b in public["branches"]] == ["alpha", "beta"]


def test_public_build_leaks_no_byte_of_party_items(public_site):
    leaks = [p for p in all_files(public_site) if MARK.encode() in p.read_bytes()]
    assert leaks == []
    assert (public_site / "search" / "search_index.json").is_file()
    assert (public_site / "sitemap.xml").is_file() and (public_site / "404.html").is_file()


def test_party_build_shows_party_items(party_site):
    page = (party_site / "branches" / "alpha" / "index.html").read_text(encoding="utf-8")
    assert f"{MARK}问题" in page and "党内" in page
    assert MARK in (party_site / "search" / "search_index.json").read_text(encoding="utf-8")


def test_hostile_text_is_shown_literally_and_creates_nothing(public_site):
    for page in ("branches/alpha/index.html", "branches/beta/index.html", "index.html", "ledger/index.html"):
        doc = read_html(public_site / page)
        text = "".join(doc.text)
        for line in HOSTILE.splitlines():
            assert line in text, (page, line)
        raw = (public_site / page).read_text(encoding="utf-8")
        assert "<script>alert" not in raw and "<strong>粗" not in raw and "<code>code" not in raw
        assert not any(attrs.get("href", "").startswith("javascript") for _, attrs in doc.tags)
        assert not any(tag == "img" and "example.com" in attrs.get("src", "") for tag, attrs in doc.tags)


def test_page_title_shows_the_name_as_typed(public_site):
    doc = read_html(public_site / "branches" / "beta" / "index.html")
    raw = (public_site / "branches" / "beta" / "index.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", raw, re.S).group(1)
    assert "<script>" not in title and "&lt;script&gt;alert(1)&lt;/script&gt;" in title
    assert HOSTILE.splitlines()[0] in "".join(doc.text)


def test_no_page_loads_anything_from_outside(public_site):
    assert_offline(public_site)
    manual = (public_site / "manual" / "index.html").read_text(encoding="utf-8")  # the manual, offline too
    assert "使用说明" in manual and "board build" in manual


def test_content_yaml_never_ships(public_site):
    assert not list(public_site.rglob("*.yml"))


def test_sample_board_builds_strict_with_mkdocs(tmp_path):
    env = clean_env(BOARD_AS_OF="2026-11-25", BOARD_SITE_DIR=str(tmp_path / "site"))
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(CONFIG)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "WARNING" not in proc.stderr
    assert len(list((tmp_path / "site" / "branches").iterdir())) == len(list((REPO / "content" / "branches").glob("*.yml")))


def tree_digest(site: Path) -> dict[str, str]:
    return {str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest() for p in all_files(site)}


def test_failed_build_leaves_previous_site_untouched(tmp_path):
    content = tiny_board(tmp_path / "content")
    site = tmp_path / "site"
    build_site(content, site)
    before = tree_digest(site)
    (content / "branches" / "first.yml").write_text("name: 甲\nevaluation: {members: -3}\n", encoding="utf-8")
    run = cli("build", "--config", str(CONFIG), "--content", str(content), "--site-dir", str(site))
    assert run.code == 1 and "Traceback" not in run.err
    assert "first.yml:2: members（党员总数）不能是负数（-3）" in run.err
    assert tree_digest(site) == before
    assert {p.name for p in tmp_path.iterdir()} == {"content", "site"}  # no staging folder left behind


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill", "ctrl-c"])
def test_interrupted_build_leaves_previous_site_untouched(tmp_path, sig):
    content = tiny_board(tmp_path / "content")
    site = tmp_path / "site"
    build_site(content, site)
    before = tree_digest(site)
    proc = subprocess.Popen([sys.executable, "-m", "generator", "build", "--config", str(CONFIG), "--content",
                             str(content), "--site-dir", str(site)], cwd=REPO, stderr=subprocess.PIPE, text=True)
    staging = tmp_path / f".site.tmp-{proc.pid}"
    for _ in range(3000):
        if staging.exists() or proc.poll() is not None:
            break
        time.sleep(0.01)
    assert staging.exists(), "the build should be interrupted while writing"
    proc.send_signal(sig)
    err = proc.communicate(timeout=60)[1]
    assert tree_digest(site) == before
    if sig == signal.SIGINT:
        assert proc.returncode == 130 and "已中断" in err and "Traceback" not in err
        assert not staging.exists()
    build_site(content, site)   # a later build clears what a killed one left
    assert not staging.exists()


def test_render_writes_markdown_for_any_builder(board, tmp_path):
    out = tmp_path / "md"
    run = cli("render", "--config", str(CONFIG), "--content", str(board), "--out", str(out), "--as-of", AS_OF)
    assert run.code == 0, run.err
    docs = out / "docs"
    assert sorted(str(p.relative_to(docs)) for p in docs.rglob("*.md")) == [
        "branches/alpha.md", "branches/beta.md", "changes.md", "index.md", "ledger.md", "manual.md", "print.md", "screen.md"]
    summary = json.loads((docs / "data" / "summary.json").read_text(encoding="utf-8"))
    assert summary["totals"]["rectifications"]["total"] == 3
    assert MARK not in "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.md"))


@pytest.fixture
def small_disk(tmp_path):
    """A real 8 MB file system (tmpfs); needs root, as on CI."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(disk)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


def test_full_disk_leaves_previous_site_untouched(tmp_path, small_disk):
    content = tiny_board(tmp_path / "content")
    site = small_disk / "site"
    build_site(content, site)
    before = tree_digest(site)
    free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
    (small_disk / "filler").write_bytes(b"\0" * (free - 512 * 1024))
    run = cli("build", "--config", str(CONFIG), "--content", str(content), "--site-dir", str(site),
                    "--as-of", AS_OF)
    assert run.code == 1 and "磁盘空间不足" in run.err and "Traceback" not in run.err
    assert tree_digest(site) == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "site"]


def test_a_long_ledger_is_split_into_linked_pages(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    config = CONFIG.read_text(encoding="utf-8")
    assert "ledger_page_rows: 1000" in config
    (project / "site-config.yml").write_text(config.replace("ledger_page_rows: 1000", "ledger_page_rows: 2"),
                                             encoding="utf-8")
    shutil.copytree(REPO / "theme", project / "theme")
    deadlines = ["2024-08-31", "2024-09-30", "2024-10-31", "2024-11-30", "2024-12-31"]
    content = tiny_board(tmp_path / "content", {
        "alpha": {"name": "甲支部", "rectifications": [
            item(id=f"0{n}", problem=f"台账第{n}行", deadline=deadlines[n - 1]) for n in (1, 3, 5)]},
        "beta": {"name": "乙支部", "rectifications": [
            item(id=f"0{n}", problem=f"台账第{n}行", deadline=deadlines[n - 1]) for n in (2, 4)]},
    })
    site = tmp_path / "site"
    run = cli("build", "--config", str(project / "site-config.yml"), "--content", str(content),
                    "--site-dir", str(site), "--as-of", AS_OF, "--strict")
    assert run.code == 0, run.err
    pages = [site / "ledger" / "index.html", site / "ledger" / "2" / "index.html", site / "ledger" / "3" / "index.html"]
    assert not (site / "ledger" / "4").exists()
    texts = ["".join(read_html(p).text) for p in pages]
    shown = [re.findall(r"台账第(\d)行", text) for text in texts]
    assert shown == [["1", "2"], ["3", "4"], ["5"]]  # every row once, in ledger order
    assert "第 3–4 项（共 5 项）" in texts[1] and "第 2 页，共 3 页" in texts[1]
    for page in pages:  # every pager link leads to a built page
        doc = read_html(page)
        links = [a["href"] for tag, a in doc.tags if tag == "a" and "ledger/" in a.get("href", "")]
        assert links and all((page.parent / href / "index.html").resolve().is_file() for href in links)
    def pager_rels(page):
        return [a["rel"] for tag, a in read_html(page).tags if tag == "a" and a.get("rel") in ("prev", "next")]

    assert pager_rels(pages[0]) == ["next", "next"]  # above and below the table
    assert pager_rels(pages[1]) == ["prev", "next", "prev", "next"]
    assert pager_rels(pages[2]) == ["prev", "prev"]

    def active_tab(page):
        return re.findall(r'md-tabs__item--active">\s*<a [^>]*>\s*([^<]*?)\s*</a>', page.read_text(encoding="utf-8"))

    assert [active_tab(page) for page in pages] == [["整改台账"]] * 3  # pages 2 and 3 are not in the nav
    assert active_tab(site / "index.html") == ["总览"] and active_tab(site / "branches" / "alpha" / "index.html") == []
    single = tmp_path / "single"
    build_site(content, single)  # the default: a bureau's ledger is one page, without a pager
    assert not (single / "ledger" / "2").exists() and "台账分页" not in (single / "ledger" / "index.html").read_text()
