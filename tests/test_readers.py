"""Every reader (issue 18) in Debian's Chromium: phones, axe-core (WCAG 2.1 A/AA), keyboard, large print,
QR codes, and the 公众号 article.  One board (not the repo's), built once per audience for the module."""

from __future__ import annotations

import json
import re
import shutil
import struct
from dataclasses import dataclass
from pathlib import Path

import pytest
import segno
from click.testing import CliRunner

from generator.cli import main
from helpers import AS_OF, CONFIG, REPO, evaluation, item, needs_chromium, open_screen, serve_folder, tiny_board

pytestmark = needs_chromium

SITE_URL = "http://dangwu.example.org/board/"
PAGES = {"overview": "", "branch": "branches/alpha/", "ledger": "ledger/", "changes": "changes/",
         "print": "print/", "screen": "screen/"}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LONG = "窗口服务流程说明不清楚，群众办事需要多次往返，" * 3
UNBROKEN = "ABCDEFGHIJKLMNOPQRSTUVWXYZ" * 3
PARTY_ONLY = "仅党内可见的问题"


def invoke(*args: str):
    """The real ``board`` command, in this process."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def reader_board(root: Path) -> Path:
    return tiny_board(root, {
        "alpha": {"name": "第一党支部", "order": 1, "secretary": "张某某", "evaluation": evaluation(honor_roll=["王某某"]),
                  "rectifications": [
                      item(id="01", problem=LONG, category="服务群众", source="会前征求意见", target="按时办结率 100%",
                           measures=["建立群众诉求台账，实行限时办结", UNBROKEN], status="整改中", deadline="2024-05-31",
                           progress="已建立台账，正在落实"),
                      item(id="02", problem="理论学习不够深入系统", status="已完成", completed="2024-03-01",
                           deadline="长期坚持"),
                      item(id="03", problem="制度执行不够严格", status="已销号", completed="2024-04-01"),
                      item(id="04", problem=PARTY_ONLY, audience="党内", status="未开始", deadline="2024-12-31"),
                  ]},
        "beta": {"name": "第二党支部", "order": 2, "evaluation": evaluation(),
                 "rectifications": [item(id="1", problem="调查研究不够深入", status="未开始", deadline="2024-12-31")]},
        "gamma": {"name": "临时党支部（专项工作）", "order": 3, "kind": "临时党支部", "rectifications": []},
    }, notice={"from": "2024-06-20", "to": "2024-07-20"}, feedback=["电话：0000-1234567（党委办）", "电子邮箱：dangwei-feedback@example.gov.cn", "局机关一楼意见箱"])


@dataclass
class Sites:
    content: Path
    public_dir: Path
    party_dir: Path
    public: str  # base URLs, served on 127.0.0.1
    party: str


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> Sites:
    root = tmp_path_factory.mktemp("readers")
    content = reader_board(root / "content")
    # The public build knows where it is published (QR codes); the party build does not.
    config = CONFIG.read_text(encoding="utf-8").replace("custom_dir: theme", f"custom_dir: {REPO / 'theme'}")
    with_url = root / "site-config.yml"
    with_url.write_text(f"site_url: {SITE_URL}\n" + config, encoding="utf-8")
    for name, config_file, audience in (("public", with_url, "public"), ("party", CONFIG, "party")):
        result = invoke("build", "--config", str(config_file), "--content", str(content), "--site-dir",
                        str(root / name), "--as-of", AS_OF, "--audience", audience)
        assert result.exit_code == 0, result.output
    servers = [serve_folder(root / "public"), serve_folder(root / "party")]
    yield Sites(content, root / "public", root / "party",
                *(f"http://127.0.0.1:{s.server_port}/" for s in servers))
    for server in servers:
        server.shutdown()
        server.server_close()


def visit(page, url: str):
    """``url`` loaded in ``page`` (one tab goes from page to page, as a reader's does)."""
    page.goto(url, wait_until="load")
    if "/screen/" in url:
        page.wait_for_selector(".slide.is-current[data-slide^='overview']")
    return page


def open_page(context, url: str):
    return visit(context.new_page(), url)


LAYOUT = """() => {
  const doc = document.documentElement, problems = [];
  if (doc.scrollWidth > innerWidth) problems.push('document ' + doc.scrollWidth + ' px wide');
  for (const e of document.querySelectorAll('main *, .print-doc *, .md-header *')) {
    const r = e.getBoundingClientRect();
    if (r.width && e.checkVisibility({checkVisibilityCSS: true}) && r.right > innerWidth + 1
        && !e.closest('.md-search, .md-sidebar'))  /* closed search and drawer: off screen, clipped */
      problems.push('sticks out: ' + e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 15));
  }
  return problems.slice(0, 5);
}"""

# Everything a finger can tap: at least 44 × 44 px (links inside running text excepted: there are none on phones).
SMALL_TARGETS = """() => [...document.querySelectorAll('a[href], button, input:not([type=hidden]), label[for], select, [tabindex]')]
  .filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > 0 && r.left < innerWidth
      && e.checkVisibility({checkOpacity: true, checkVisibilityCSS: true}) && (r.width < 44 || r.height < 44);
  }).map(e => e.tagName + '.' + e.className + ' "' + (e.textContent || '').trim().slice(0, 10) + '" '
    + Math.round(e.getBoundingClientRect().width) + '×' + Math.round(e.getBoundingClientRect().height))"""

CARD = """() => {
  const row = document.querySelector('.board-items tbody tr.board-row--overdue');
  const cell = label => row.querySelector(`td[data-label="${label}"]`);
  const top = e => e.getBoundingClientRect().top;
  const head = row.querySelector('.board-cell--head:not(.board-cell--id)');
  const order = [head, cell('整改措施'), cell('责任人'), cell('整改时限'), cell('状态'), cell('整改进展')].map(top);
  const shown = sel => { const e = row.querySelector(sel); const r = e.getBoundingClientRect();
    return e.checkVisibility() && r.left >= 0 && r.right <= innerWidth; };
  return {
    display: getComputedStyle(row).display,
    ordered: order.every((t, i) => i === 0 || t > order[i - 1]),
    label: getComputedStyle(cell('责任人'), '::before').content,
    badges: shown('.board-badge--in_progress') && shown('.board-badge--overdue'),
    headerHidden: document.querySelector('.board-items thead').getBoundingClientRect().width <= 1,
  };
}"""


def with_axe(context) -> None:
    """axe-core (bundled in axe-playwright-python) in every page ``context`` opens: handed to the browser once,
    not sent again with each page."""
    from axe_playwright_python.sync_playwright import Axe

    context.add_init_script(Axe().axe_script)


def axe_violations(page) -> list[str]:
    options = json.dumps({"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]})
    result = page.evaluate(f"axe.run({options})")
    return [f"{v['id']}: {[n['target'] for n in v['nodes'][:3]]}" for v in result["violations"]]


@pytest.mark.parametrize("audience", ["public", "party"])
def test_every_page_fits_phones_and_zoom_and_passes_axe(browser, sites, audience):
    """Desktop, a desktop at 200 % zoom and a phone.  A party build's print and screen pages show the
    public board only (the same templates and data as the public build's), so they are audited there."""
    base = getattr(sites, audience)
    pages = PAGES if audience == "public" else {k: v for k, v in PAGES.items() if k not in ("print", "screen")}
    sizes = ((1440, 900, 1, True), (720, 450, 2, False), (360, 740, 1, True))
    found: dict[str, list[str]] = {}
    for width, height, scale, axe in sizes if audience == "public" else (sizes[0], sizes[2]):
        context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=scale)
        if axe:
            with_axe(context)
        page = context.new_page()
        for name, path in pages.items():
            visit(page, base + path)
            where = f"{name} {width}×{height}@{scale}x"
            if width < 1000:  # phones, and a 1440 px desktop at 200 % zoom
                found[where + " layout"] = page.evaluate(LAYOUT)
            if width < 400:
                found[where + " small tap targets"] = page.evaluate(SMALL_TARGETS)
            if axe:
                found[where + " axe"] = axe_violations(page)
            if name == "branch" and width < 400:
                card = page.evaluate(CARD)
                assert card == {"display": "flex", "ordered": True, "label": '"责任人："', "badges": True,
                                "headerHidden": True}, card
            if name == "branch" and width == 1440:  # the desktop keeps its table
                assert page.evaluate("getComputedStyle(document.querySelector('.board-items')).display") == "table"
                assert page.locator(".board-items thead th").first.is_visible()
        context.close()
    assert {k: v for k, v in found.items() if v} == {}


def test_large_print_switch_is_remembered_and_fits_320_px(browser, sites):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = open_page(context, sites.public)
    normal = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.board-report')).fontSize)")
    switch = page.locator("[data-board-large]")
    assert switch.get_attribute("aria-pressed") == "false"
    switch.focus()
    page.keyboard.press("Enter")
    assert switch.get_attribute("aria-pressed") == "true"
    large = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.board-report')).fontSize)")
    assert large >= 1.5 * normal
    page.close()
    problems = {}
    page = context.new_page()
    for name, path in PAGES.items():  # remembered on every page, and nothing sticks out at 320 px
        visit(page, sites.public + path)
        if name != "screen":  # the unattended lobby screen has no reader controls
            assert page.evaluate("document.documentElement.classList.contains('board-large')"), name
            assert page.locator("[data-board-large]").get_attribute("aria-pressed") == "true", name
            problems[name] = page.evaluate(LAYOUT) + page.evaluate(SMALL_TARGETS)
        if name == "print":  # sized in pt, so the whole document is zoomed
            assert page.evaluate("document.querySelector('.print-text').currentCSSZoom") >= 1.5
    assert {k: v for k, v in problems.items() if v} == {}
    visit(page, sites.public + "print/")
    page.locator("[data-board-large]").click()  # off again, from the print page
    page.reload()
    assert not page.evaluate("document.documentElement.classList.contains('board-large')")
    context.close()


def test_keyboard_skip_link_and_visible_focus(browser, sites):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(sites.public + "branches/alpha/", wait_until="load")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('md-skip')")
    page.wait_for_function("getComputedStyle(document.activeElement).opacity === '1'", timeout=3000)  # it fades in
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#title"
    rings = []
    for _ in range(12):  # the content's links and the 大字模式 switch all show where focus is
        page.keyboard.press("Tab")
        rings.append(page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
          return [e.tagName + ' ' + e.textContent.trim().slice(0, 8), s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2];
        }"""))
    rings = [ring for ring in rings if not ring[0].startswith("BODY")]  # past the last element: the browser's own UI
    assert rings and all(ok for _, ok in rings), rings
    assert any("返回总览" in name for name, _ in rings)  # focus went on from the title into the content
    page.close()


def qr_matrix(svg_path: str, size: int) -> list[list[int]]:
    """Read a code back from its SVG path (``M x y h n v1 h-n z`` runs) into rows of modules."""
    rows = [[0] * size for _ in range(size)]
    for x, y, n in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", svg_path):
        for dx in range(int(n)):
            rows[int(y)][int(x) + dx] = 1
    return rows


def test_qr_codes_open_each_branch_page_only_with_site_url(browser, sites):
    printed = (sites.public_dir / "print" / "index.html").read_text(encoding="utf-8")
    codes = re.findall(r'<svg class="print-qr__code" viewBox="-4 -4 (\d+) \d+" role="img" aria-label="二维码：([^"]+)">'
                       r'<path d="([^"]+)"/>', printed)
    assert [url for _, url, _ in codes] == [f"{SITE_URL}branches/{b}/" for b in ("alpha", "beta", "gamma")]
    for side, url, path in codes:
        expected = [list(row) for row in segno.make(url, error="m", micro=False).matrix]
        assert qr_matrix(path, int(side) - 8) == expected
    assert "print-qr" not in (sites.party_dir / "print" / "index.html").read_text(encoding="utf-8")
    assert '"qr":null' in (sites.party_dir / "data" / "screen" / "branches" / "alpha.json").read_text(encoding="utf-8")
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    open_screen(page, sites.public + "screen/?seconds=1")
    for slide, url in (("overview", SITE_URL), ("branch:alpha", f"{SITE_URL}branches/alpha/")):
        if slide != "overview":
            page.clock.run_for(1000)  # the overview's second is up
        page.wait_for_selector(f".slide.is-current[data-slide^='{slide}'] .slide__qr svg", timeout=20000)
        label = page.get_attribute(".slide.is-current .slide__qr svg", "aria-label")
        assert label == f"二维码：{url}"
    page.close()


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_article_for_the_wechat_editor_and_its_long_image(browser, sites, tmp_path):
    out = tmp_path / "公众号"
    common = ("--config", str(CONFIG), "--content", str(sites.content), "--as-of", AS_OF)
    result = invoke("article", *common, "--out", str(out))
    assert result.exit_code == 0, result.output
    html = (out / "公众号文章.html").read_text(encoding="utf-8")
    assert html.startswith('<meta charset="utf-8">')  # opened from disk in a browser whose default is GBK
    for kept_out in ("<style", "<script", "class=", " id=", "<link", "<img", "src=", "href="):
        assert kept_out not in html
    assert all(name in html for name in ("第一党支部", "第二党支部", "临时党支部（专项工作）"))
    assert PARTY_ONLY not in html
    assert "预览稿" in html  # no approval records: a preview
    overview = (sites.public_dir / "index.html").read_text(encoding="utf-8")
    report = re.search(r'<p class="board-report">(.*?)</p>', overview, re.S).group(1)
    assert report in html  # the same report paragraph as the site's
    alpha = html[html.index("第一党支部</h3>"):html.index("第二党支部</h3>")]
    groups = re.findall(r">(.) (未开始|整改中|已完成|已销号)（(\d+) 项）<", alpha)
    assert [(g, n) for _, g, n in groups] == [("整改中", "1"), ("已完成", "1"), ("已销号", "1")]
    assert "▲ 已逾期" in alpha  # overdue said in words, not only in red
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto((out / "公众号文章.html").as_uri())
    widths = page.evaluate("[document.documentElement.scrollWidth, ...[...document.querySelectorAll('table')]"
                           ".map(t => t.getBoundingClientRect().width)]")
    page.close()
    assert max(widths) <= 360, widths
    width, height = png_size(out / "总览长图.png")
    assert width == 1080 and height > 900
    for wrong in (sites.content, sites.content / "branches", REPO):  # never into the content or over the project
        before = sorted(p.name for p in sites.content.rglob("*"))
        refused = invoke("article", *common, "--out", str(wrong))
        assert refused.exit_code == 1 and "什么都没有改动" in refused.output
        assert sorted(p.name for p in sites.content.rglob("*")) == before
    assert invoke("article", *common, "--audience", "party", "--out", str(out)).exit_code == 1
    signed = tmp_path / "signed"  # reviewed and approved: no preview mark, the signers named
    shutil.copytree(sites.content, signed)
    mine = ("--config", str(CONFIG), "--content", str(signed), "--as-of", AS_OF)
    for step, who in (("review", "审核人甲"), ("approve", "审批人乙")):
        assert invoke(step, *mine, "--by", who, "--on", AS_OF).exit_code == 0
    assert invoke("article", *mine, "--out", str(out)).exit_code == 0
    html = (out / "公众号文章.html").read_text(encoding="utf-8")
    assert "预览稿" not in html and "审核：审核人甲" in html and "审批：审批人乙" in html
