"""The lobby screen in Debian's Chromium: every slide, every size, no scroll, no clipping, offline."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

import pytest

from generator import core
from generator.board.figures import compute
from generator.board.screen import ScreenSettings, screen_files
from generator.content.load import load_content
from generator.content.model import Audience
from helpers import (
    AS_OF,
    board,
    build_site,
    evaluation,
    item,
    needs_chromium,
    open_screen,
    run_clock_until,
    serve_folder,
    tiny_board,
)

SIZES = [(1920, 1080), (1080, 1920), (1366, 768), (960, 540)]
LED_SIZES = [(384, 192), (768, 384), (1152, 576), (1920, 240)]  # small-pixel LED boards and a strip (issue 29.4)
LONG = "理论学习不够深入系统，满足于读原文、记笔记，联系实际思考不够，" * 3

pytestmark = needs_chromium


def screen_board(root: Path, organization: str = "测试局党委") -> Path:
    many = [item(id=f"{n:02d}", problem=LONG if n % 3 == 0 else f"第{n}项问题", status="整改中",
                 deadline="2024-06-01" if n % 4 == 0 else "2024-12-31") for n in range(1, 25)]
    return tiny_board(root, {
        "a-big": {"name": "事项很多的第一党支部", "order": 1, "evaluation": evaluation(), "rectifications": many},
        "b-small": {"name": "第二党支部", "order": 2, "evaluation": evaluation(),
                    "rectifications": [item(id="1", status="已销号", completed="2024-02-01"),
                                       item(id="2", problem="仅党内可见的问题", audience="党内")],
                    "people": [{"name": f"党员{n}", "role": "支部委员", "pledge": LONG if n == 1 else f"第{n}条承诺",
                                "fulfilled": "已践诺", "rectifications": [item(problem="公开的个人问题", audience="公开")]}
                               for n in range(1, 9)] + [{"name": "仅党内可见的人", "audience": "党内"}]},
        "c-temp": {"name": "临时党支部", "order": 3, "kind": "临时党支部", "rectifications": []},
    }, organization=organization)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("screen")
    site = root / "site"
    build_site(screen_board(root / "content"), site)
    server = serve_folder(site)
    yield root, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


INSPECT = """(minFont) => {
  const slides = [...document.querySelectorAll('[data-slide]')];
  const visible = slides.filter(s => getComputedStyle(s).visibility === 'visible');
  const doc = document.documentElement;
  const problems = [];
  if (doc.scrollHeight > innerHeight || doc.scrollWidth > innerWidth) problems.push('page scrolls');
  if (visible.length !== 1) problems.push('visible slides: ' + visible.length);
  const current = visible[0];
  let smallest = 1e9;
  const texts = [...document.querySelectorAll('#screen *')].filter(e =>
    [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()) && e.closest('[data-slide]') === current
      || (e.closest('.screen__bar, .screen__foot') && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())));
  const frame = current ? current.getBoundingClientRect() : null;
  for (const e of texts) {
    const r = e.getBoundingClientRect();
    if (frame && e.closest('[data-slide]') === current && r.height > 0 &&
        (r.top < frame.top - 1 || r.bottom > frame.bottom + 1 || r.left < frame.left - 1 || r.right > frame.right + 1))
      problems.push('cut off by the slide: ' + e.textContent.slice(0, 20));
    const size = parseFloat(getComputedStyle(e).fontSize);
    smallest = Math.min(smallest, size);
    if (r.left < -1 || r.top < -1 || r.right > innerWidth + 1 || r.bottom > innerHeight + 1)
      problems.push('outside: ' + e.textContent.slice(0, 20));
    if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow !== 'visible')
      problems.push('clipped: ' + e.textContent.slice(0, 20));
  }
  const list = current && current.querySelector('.slide__list');
  if (list && list.scrollHeight > list.clientHeight + 1) problems.push('list cut off');
  if (smallest < minFont) problems.push('font ' + smallest + ' < ' + minFont);
  return {slide: current ? current.dataset.slide : null, problems, text: current ? current.innerText : ''};
}"""


CURRENT = "document.querySelector('.slide.is-current').dataset.slide"
CHANGED = ("(last) => { const s = document.querySelector('.slide.is-current');"
           " return s && s.dataset.slide !== last && s.dataset.slide !== 'loading'; }")


def next_slide(page, shown: str) -> str:
    """Let the shown slide's second (``?seconds=1``) pass on the page's clock; the next slide, once it is up."""
    page.clock.run_for(1000)
    page.wait_for_function(CHANGED, arg=shown, timeout=15000)
    return page.evaluate(CURRENT)


def until_slide(page, prefix: str) -> None:
    """Rotate until the current slide's name starts with ``prefix``."""
    page.wait_for_function(CHANGED, arg="", timeout=15000)
    shown = page.evaluate(CURRENT)
    for _ in range(20):
        if shown.startswith(prefix):
            return
        shown = next_slide(page, shown)
    raise AssertionError(f"no slide {prefix} in 20 turns")


def walk(page, expected_prefixes: set[str], limit: int = 120) -> dict[str, dict]:
    """Visit slides until every expected one was seen; inspect each as it comes up."""
    seen: dict[str, dict] = {}
    w, h = page.viewport_size["width"], page.viewport_size["height"]
    min_font = max(12, 20 * min(w, h) / 1080) - 0.5  # readable on the smallest boards, scaled up with the screen
    page.wait_for_function(CHANGED, arg="", timeout=15000)
    for _ in range(limit):
        report = page.evaluate(INSPECT, min_font)
        seen[report["slide"]] = report
        if all(any(s.startswith(p) for s in seen) for p in expected_prefixes):
            break
        next_slide(page, report["slide"])
    return seen


@pytest.mark.parametrize("size", SIZES + LED_SIZES, ids=[f"{w}x{h}" for w, h in SIZES + LED_SIZES])
def test_every_slide_fits_every_screen(browser, served, size):
    _, url = served
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    open_screen(page, url + "screen/?seconds=1&refresh=60")
    seen = walk(page, {"overview", "branch:a-big", "branch:b-small", "pledges:b-small", "branch:c-temp", "overdue"})
    page.close()
    for name, report in seen.items():
        assert report["problems"] == [], (name, report["problems"])
    big = sorted(s for s in seen if s.startswith("branch:a-big"))
    assert len(big) >= 2 and "1/" in seen[big[0]]["text"]            # split, never scrolled
    text = " ".join(r["text"] for r in seen.values())
    for n in range(1, 25):
        assert f"第{n}项问题" in text or n % 3 == 0
    assert "仅党内可见的问题" not in text and "仅党内可见的人" not in text
    assert all(f"党员{n}" in text for n in range(1, 9)) and not any(s.startswith("pledges:a-big") for s in seen)
    origin = urlparse(url).netloc
    assert all(urlparse(u).netloc == origin for u in requests), requests


def test_scale_on_the_smallest_board_keeps_text_readable_and_whole(browser, served):
    _, url = served
    page = browser.new_page(viewport={"width": 384, "height": 192})
    open_screen(page, url + "screen/?seconds=1&refresh=60&scale=2")
    seen = walk(page, {"overview", "branch:a-big", "branch:c-temp", "overdue"})
    page.close()
    for name, report in seen.items():
        assert report["problems"] == [], (name, report["problems"])
    assert sum(name.startswith("overview") for name in seen) >= 2  # the figures flow over several slides


NODES = "[document.getElementsByTagName('*').length, document.querySelectorAll('[data-slide]').length]"


def test_screen_weighs_under_300_kb_and_does_not_pile_up(browser, served):
    _, url = served
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    sizes: list[int] = []
    page.on("requestfinished", lambda r: sizes.append(r.sizes()["responseBodySize"]))
    open_screen(page, url + "screen/?seconds=1&refresh=60")
    walk(page, {"overview", "branch:c-temp", "overdue"})
    assert 0 < sum(sizes) < 300 * 1024, sum(sizes)
    until_slide(page, "overview")
    first = page.evaluate(NODES)
    next_slide(page, "overview")
    until_slide(page, "overview")
    second = page.evaluate(NODES)                      # one whole rotation later
    page.close()
    assert first == second and first[1] == 1


def test_no_material_javascript_or_search(served):
    root, _ = served
    html = (root / "site" / "screen" / "index.html").read_text(encoding="utf-8")
    assert "bundle" not in html and "search" not in html and "assets/screen.js" in html
    index = json.loads((root / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert not any(d["location"].startswith("screen/") for d in index["docs"])


def test_republishing_changes_what_is_shown_without_reload(browser, tmp_path):
    site = tmp_path / "site"
    build_site(screen_board(tmp_path / "first", organization="第一次发布的单位"), site)
    server = serve_folder(site)
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    loads: list[str] = []
    failed: list[str] = []
    page.on("load", lambda p: loads.append(p.url))
    page.on("requestfailed", lambda r: failed.append(r.url))
    try:
        open_screen(page, f"http://127.0.0.1:{server.server_port}/screen/?seconds=1&refresh=5&theme=light")
        page.wait_for_function("document.getElementById('screen-org').textContent === '第一次发布的单位'")
        assert "screen--light" in page.get_attribute("#screen", "class")
        server.shutdown()                                   # the server goes away for a while
        server.server_close()
        run_clock_until(page, lambda: len(failed) >= 3 and any(u.endswith("/index.json") for u in failed), 1000)
        assert page.locator(".slide.is-current").count() == 1    # slides and a poll failed: still showing
        assert page.evaluate("document.getElementById('screen-org').textContent") == "第一次发布的单位"
        server2 = serve_folder(site, server.server_port)
        build_site(screen_board(tmp_path / "second", organization="第二次发布的单位"), site)
        run_clock_until(page, "document.getElementById('screen-org').textContent === '第二次发布的单位'", 1000)
        assert len(loads) == 1                                # switched without reloading the page
        server2.shutdown()
        server2.server_close()
    finally:
        page.close()


def test_screen_data_is_public_even_in_a_party_build(tmp_path):
    root = screen_board(tmp_path / "content")
    site = tmp_path / "site"
    build_site(root, site, "--audience", "party")
    everything = "".join(p.read_text(encoding="utf-8") for p in (site / "data" / "screen").rglob("*.json"))
    assert "仅党内可见的问题" not in everything
    content, _ = load_content(root)
    with pytest.raises(ValueError):
        screen_files(compute(content, Audience.PARTY, core.make_options(root).as_of), ScreenSettings(), "b")


def test_settings_come_from_site_config_and_url(tmp_path):
    run = board("render", "--config", str(Path(__file__).parent.parent / "site-config.yml"), "--content",
                    str(screen_board(tmp_path / "c")), "--out", str(tmp_path / "md"), "--as-of", AS_OF)
    assert run.code == 0, run.err
    data = tmp_path / "md" / "docs" / "data"
    index = json.loads((data / "screen" / "index.json").read_text(encoding="utf-8"))
    assert index["settings"] == {"seconds": 15, "refresh": 300, "theme": "dark", "scale": 1.0}
    build = json.loads((data / "build.json").read_text(encoding="utf-8"))["build"]
    assert index["branches"] == ["a-big", "b-small", "c-temp"] and index["build"] == build


def test_overdue_slides_show_the_longest_overdue_only(tmp_path):
    from generator.board.screen import OVERDUE_SHOWN

    many = [item(id=f"{n:03d}", deadline=f"2024-0{1 + n % 5}-01") for n in range(OVERDUE_SHOWN + 20)]
    content, _ = load_content(tiny_board(tmp_path / "c", {"a": {"name": "甲", "rectifications": many}}))
    options = core.make_options(tmp_path / "c", as_of=AS_OF)
    files = screen_files(compute(content, Audience.PUBLIC, options.as_of), ScreenSettings(), "b")
    overdue = json.loads(files["data/screen/overdue.json"])
    assert overdue["total"] == OVERDUE_SHOWN + 20 and len(overdue["items"]) == OVERDUE_SHOWN
    deadlines = [i["deadline"] for i in overdue["items"]]
    assert deadlines == sorted(deadlines) and deadlines[0] == "2024-01-01"


ROWS = """() => {
  const s = document.querySelector('.slide.is-current');
  const table = s.querySelector('table.list'), box = s.querySelector('.slide__list');
  return {font: parseFloat(getComputedStyle(table.querySelector('td')).fontSize), used: table.offsetHeight / box.clientHeight,
          legend: [...document.querySelectorAll('.legend span')].map(e => e.textContent), text: s.innerText};
}"""


def test_few_rows_grow_dates_read_like_the_site_and_the_legend_names_every_status(browser, served):
    _, url = served
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    open_screen(page, url + "screen/?seconds=1&refresh=60")
    until_slide(page, "overview")
    legend = page.evaluate("[...document.querySelectorAll('.slide.is-current .legend span')].map(e => e.textContent)")
    until_slide(page, "branch:a-big")
    many = page.evaluate(ROWS)
    until_slide(page, "branch:b-small")
    few = page.evaluate(ROWS)
    page.close()
    assert legend == ["已销号", "已完成", "整改中", "未开始", "逾期"]
    assert "2024年12月31日" in many["text"] and "2024-12-31" not in many["text"]
    assert few["font"] > 1.5 * many["font"] and many["used"] > 0.8    # a full page keeps the base size


def test_progress_parts_add_up(tmp_path):
    content, _ = load_content(screen_board(tmp_path / "c"))
    files = screen_files(compute(content, Audience.PUBLIC, core.make_options(tmp_path / "c", as_of=AS_OF).as_of),
                         ScreenSettings(), "b")
    for counts in [json.loads(files["data/screen/index.json"])["overview"]["counts"],
                   json.loads(files["data/screen/branches/a-big.json"])["counts"]]:
        on_time = counts["on_time"]
        assert on_time["in_progress"] + on_time["not_started"] + counts["overdue"] == counts["in_progress"] + counts["not_started"]
        assert counts["overdue"] > 0 and on_time["in_progress"] > 0


def test_timers_past_what_a_browser_can_wait_are_held_to_an_hour(browser, served):
    """``?refresh=`` or ``?seconds=`` of 2^31 ms and more made the browser fire at once, in a loop."""
    _, url = served
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    polls: list[str] = []
    page.on("request", lambda r: polls.append(r.url) if r.url.endswith("data/screen/index.json") else None)
    open_screen(page, url + "screen/?seconds=3000000&refresh=1e12")
    run_clock_until(page, "document.querySelector('[data-slide]') !== null", 1000)
    for _ in range(20):  # a minute on the page's clock, in steps that let fetches arrive
        page.clock.run_for(3000)
        page.wait_for_timeout(20)
    page.close()
    assert 1 <= len(polls) <= 2, len(polls)


def test_site_config_timers_outside_their_range_are_refused():
    for bad in (ScreenSettings(refresh=2**31), ScreenSettings(seconds=0), ScreenSettings(seconds=10**12)):
        with pytest.raises(core.OptionError, match="应在 .* 到 3600 之间"):
            core.make_options("content", screen=bad)
