"""``board render`` output is a Zensical project: ``zensical build`` in it makes the whole board."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import urlparse

import pytest

from helpers import (
    AS_OF,
    CONFIG,
    assert_offline,
    board,
    clean_env,
    item,
    needs_chromium,
    read_html,
    serve_folder,
    tiny_board,
)

NAME = "第二党支部 A&B <i>"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("zensical")
    content = tiny_board(root / "content", {
        "alpha": {"name": "第一党支部", "rectifications": [item(problem="窗口服务流程说明不清楚，群众需多次往返")]},
        "beta": {"name": NAME, "kind": "临时党支部", "rectifications": [item(problem="理论学习不够深入系统")]},
    })
    out = root / "out"
    run = board("render", "--config", str(CONFIG), "--content", str(content), "--out", str(out), "--as-of", AS_OF)
    assert run.code == 0, run.err
    return out


@pytest.fixture(scope="module")
def site(project) -> Path:
    built = subprocess.run([sys.executable, "-m", "zensical", "build"], cwd=project, env=clean_env(),
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    return project / "site"


def test_render_writes_a_zensical_project(project):
    config = tomllib.loads((project / "zensical.toml").read_text(encoding="utf-8"))["project"]
    assert config["site_name"] == "党务公开栏" and config["theme"]["language"] == "zh"
    assert config["theme"]["font"] is False and config["extra_css"] == ["assets/board.css"]
    assert config["extra_javascript"] == ["assets/reader.js"]  # the 大字模式 switch
    assert (project / config["theme"]["custom_dir"] / "print.html").is_file()
    assert (project / config["docs_dir"] / "index.md").is_file()


def test_zensical_builds_every_page(site):
    pages = ["", "branches/alpha/", "branches/beta/", "ledger/", "changes/", "print/", "screen/"]
    for page in pages:
        assert (site / page / "index.html").is_file(), page
    assert "公开栏打印版" in "".join(read_html(site / "print" / "index.html").text)
    assert any(attrs.get("id") == "screen" for _, attrs in read_html(site / "screen" / "index.html").tags)
    assert (site / "data" / "screen" / "index.json").is_file() and (site / "assets" / "board.css").is_file()
    assert 'src="../assets/reader.js"' in (site / "ledger" / "index.html").read_text(encoding="utf-8")
    beta = site / "branches" / "beta" / "index.html"
    assert NAME in "".join(read_html(beta).text)
    assert "预览稿 · 未经审批" in "".join(read_html(beta).text)  # not approved: marked without our plugin too


def test_zensical_site_loads_nothing_from_outside(site):
    assert_offline(site)


@needs_chromium
def test_zensical_chinese_search_and_no_request_off_the_site(browser, site):
    server = serve_folder(site)
    base = f"http://127.0.0.1:{server.server_port}/"
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(base, wait_until="networkidle")
        page.click(".md-search__button")
        page.keyboard.type("群众")
        page.locator("a[role=option][href*='branches/alpha/']").first.wait_for(timeout=15000)
        assert page.locator("a[role=option][href*='branches/beta/']").count() == 0
        for path in ("branches/beta/", "ledger/", "print/", "screen/"):
            page.goto(base + path, wait_until="networkidle")
    finally:
        page.close()
        server.shutdown()
    assert requests and all(urlparse(u).netloc == urlparse(base).netloc or u.startswith("data:") for u in requests), requests


def test_render_again_compares_with_the_last_zensical_site(tmp_path):
    import json

    out = tmp_path / "out"
    for status in ("整改中", "已完成"):
        content = tiny_board(tmp_path / status, {"alpha": {"name": "第一党支部", "rectifications": [
            item(status=status, completed="2024-06-01" if status == "已完成" else None)]}})
        run = board("render", "--config", str(CONFIG), "--content", str(content), "--out", str(out), "--as-of", AS_OF)
        assert run.code == 0, run.err
        zensical = subprocess.run([sys.executable, "-m", "zensical", "build"], cwd=out, env=clean_env(),
                                  capture_output=True, text=True, timeout=300)
        assert zensical.returncode == 0, zensical.stderr
    [latest, *_] = json.loads((out / "site" / "data" / "changes.json").read_text(encoding="utf-8"))
    assert [(s["from"], s["to"]) for s in latest["status"]] == [("整改中", "已完成")]
