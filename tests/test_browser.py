"""Real browser checks in Debian's Chromium: offline pages, Chinese search, live reload."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from urllib.parse import urlparse

import pytest

from helpers import (
    CONFIG,
    REPO,
    build_site,
    clean_env,
    free_port,
    item,
    needs_chromium,
    serve_folder,
    tiny_board,
    write_yaml,
)

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A small board built and served on 127.0.0.1."""
    root = tmp_path_factory.mktemp("board")
    content = tiny_board(root / "content", {
        "alpha": {"name": "第一党支部", "rectifications": [item(problem="窗口服务流程说明不清楚，群众需多次往返")]},
        "beta": {"name": "第二党支部", "rectifications": [item(problem="理论学习不够深入系统")]},
    })
    site = root / "site"
    build_site(content, site)
    server = serve_folder(site)
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


def test_pages_request_nothing_off_the_site(browser, served):
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    for path in ("", "branches/alpha/", "ledger/"):
        page.goto(served + path, wait_until="networkidle")
    page.close()
    origin = urlparse(served).netloc
    assert requests and all(urlparse(u).netloc == origin or u.startswith("data:") for u in requests), requests


def test_chinese_search_finds_a_branch_by_a_word_of_its_problem(browser, served):
    page = browser.new_page()
    page.goto(served, wait_until="networkidle")
    page.click(".md-search__input")
    page.fill(".md-search__input", "群众")
    page.press(".md-search__input", "End")  # Material searches on key events
    page.locator(".md-search-result__item a[href*='branches/alpha/']").first.wait_for(timeout=15000)
    assert page.locator(".md-search-result__item a[href*='branches/beta/']").count() == 0
    page.close()


def test_serve_reloads_the_browser_when_content_changes(browser, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(CONFIG, project / "site-config.yml")
    shutil.copytree(REPO / "theme", project / "theme")
    content = tiny_board(project / "content", {"alpha": {"name": "原来的名字"}})
    port = free_port()
    env = clean_env()
    server = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--as-of", "2024-07-01",
                               "--dev-addr", f"127.0.0.1:{port}"], cwd=project, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True)
    reader.start()
    error = "alpha.yml:2: kind（支部类型）不能是“不存在”"
    try:
        page = browser.new_page()
        for _ in range(200):
            try:
                page.goto(f"http://127.0.0.1:{port}/branches/alpha/")
                break
            except Exception:  # noqa: BLE001 - server still starting
                time.sleep(0.1)
        assert "原来的名字" in page.inner_text("h1")
        write_yaml(content / "branches" / "alpha.yml", {"name": "改过的名字"})
        page.wait_for_function("document.querySelector('h1')?.innerText.includes('改过的名字')", timeout=20000)  # h1: none mid-reload
        (content / "branches" / "alpha.yml").write_text("name: 坏\nkind: 不存在\n", encoding="utf-8")
        for _ in range(200):                            # the rebuild after the bad edit said why it failed
            if any(error in line for line in lines):
                break
            time.sleep(0.05)
        from playwright.sync_api import Error as PlaywrightError

        for _ in range(50):  # livereload may be navigating the page itself right now: then reload again
            try:
                page.reload()
                break
            except PlaywrightError:  # net::ERR_ABORTED while another navigation is under way
                time.sleep(0.1)
        else:
            pytest.fail("the page never reloaded from the server")
        assert "改过的名字" in page.inner_text("h1")   # the last good site is still served
        page.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
        reader.join(timeout=20)
    assert any(error in line for line in lines), "".join(lines)
