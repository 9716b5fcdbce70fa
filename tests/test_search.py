"""The search index made from the model: every word a reader types finds every page that contains it.

``MaterialSearch`` does in Python what Material's search worker does with
``search_index.json`` (tokenize each field at tags and the separator; cut a
Chinese query against the index's words; match words and their beginnings),
so recall is checked on the index itself.  The browser test types words into
the real search box in Chromium and checks that it shows as many results.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from generator import speed
from generator.board.periods import item_anchor
from generator.board.segmenter import Segmenter
from generator.site import search_index
from helpers import REPO, build_site, item, needs_chromium, serve_folder, write_yaml

SAMPLE_AS_OF = "2026-11-25"  # the sample bureau's items are complete by then
# Words of two to four characters from the content, as a reader would type them.
WORDS = (
    "学习", "管理", "制度", "档案", "服务", "许可", "执法", "培训", "监督", "台账", "积极分子", "主题党日",
    "三会一课", "对账销号", "组织生活会", "民主评议", "群众", "公车", "公务", "接待", "青年", "理论", "计划", "数据",
    "录入", "流程", "信息", "推进", "谈心", "谈话", "警示", "教育", "调研", "基层", "考核", "社区", "走访",
    "党课", "意识形态", "办结", "回访", "窗口", "办事", "大厅", "先锋", "练兵", "入职", "积分", "规范", "宣传",
    "审核", "研讨", "融合", "联络", "征求意见", "批评", "好人主义", "整改", "党员", "支部",
)
EXTRA = {  # a branch with words the sample bureau lacks, inside longer words jieba keeps whole
    "extra": {"name": "执法监督党支部", "secretary": "钱某某", "rectifications": [
        item(id="01", problem="行政许可事项办理时限把关不严，执法监督不到位", measures=["开展行政执法监督专项检查"]),
        item(id="02", problem="入党积极分子培养考察不够经常", measures=["建立入党积极分子培养台账并对账销号"]),
        item(id="03", problem="主题党日活动流于形式", measures=["严格落实三会一课和主题党日制度"],
             progress="已重新学习公车管理规定"),
        item(id="04", problem="党内才有的问题", audience="党内"),
        item(id="05", problem="最后一项公开的问题"),
    ]},
}


def tokens(html: str, separator: re.Pattern) -> list[str]:
    """Material's tokenizer: text between tags, split at the separator, lower-cased."""
    return [t.lower() for chunk in re.split(r"<[^>]*>", html) for t in separator.split(chunk) if t]


def segment(query: str, words: set[str]) -> list[str]:
    """Material's ``segment`` (query/segment): a Chinese query cut at the index's words."""
    cuts = [0] * len(query)
    for i in range(len(query)):
        for j in range(i + 1, len(query)):  # sic: never the whole query, as in Material
            if query[i:j] in words:
                cuts[i] = j - i
    segments: dict[str, None] = {}
    stack = [0]
    while stack:
        p = stack.pop()
        for q in range(1, cuts[p]):
            if cuts[p + q] > cuts[p] - q:
                segments[query[p:p + q]] = None
                stack.append(p + q)
        q = p + cuts[p]
        if q < len(query) - 1 and cuts[q]:
            stack.append(q)
        segments[query[p:q]] = None
    return [query] if "" in segments else list(segments)


class MaterialSearch:
    """Which pages Material's search box lists for a query, computed on ``search_index.json``."""

    def __init__(self, index: dict) -> None:
        config = index["config"]
        self.separator = re.compile(config["separator"])
        self.docs = {d["location"]: {t for f in config["fields"] if f in d for t in tokens(d[f], self.separator)}
                     for d in index["docs"]}
        self.words = set().union(*self.docs.values())

    def pages(self, query: str) -> set[str]:
        query = re.sub(r"[\u4e00-\u9fff]+", lambda m: " ".join(segment(m.group(), self.words)), query)
        terms = [t.lower() for part in query.split() for t in self.separator.split(part) if t]
        return {location.split("#")[0] for location, words in self.docs.items()
                if any(w.startswith(t) for w in words for t in terms)}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("search")
    content = root / "content"
    shutil.copytree(REPO / "content", content)
    for stem, data in EXTRA.items():
        write_yaml(content / "branches" / f"{stem}.yml", data)
    build_site(content, root / "site", "--as-of", SAMPLE_AS_OF)
    return root / "site"


def page_texts(site: Path) -> dict[str, str]:
    """Each branch page's text (its article but the links back), by URL: read from the built HTML, not the index."""
    texts = {}
    for path in sorted(site.glob("branches/*/index.html")):
        raw = path.read_text(encoding="utf-8")
        article = raw[raw.index("<article"):raw.index('<p class="board-back">')]
        article = re.sub(r'<div class="board-(?:preview|watermark)".*?</div>', "", article, flags=re.S)  # page chrome
        texts[path.parent.relative_to(site).as_posix() + "/"] = "".join(read_html_text(article))
    return texts


def read_html_text(html: str) -> list[str]:
    from helpers import Html

    doc = Html()
    doc.feed(html)
    return doc.text


def test_every_word_finds_every_page_that_contains_it(site):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    engine = MaterialSearch(index)
    texts = page_texts(site)
    assert len(WORDS) >= 40 and all(2 <= len(w) <= 5 for w in WORDS)
    containing = {word: {url for url, text in texts.items() if word in text} for word in WORDS}
    assert [word for word, pages in containing.items() if not pages] == []  # every word is in the content
    missed = {word: sorted(pages - engine.pages(word)) for word, pages in containing.items()}
    assert {word: pages for word, pages in missed.items() if pages} == {}
    # and not everything: a word on one page finds that page
    assert engine.pages("许可") == containing["许可"] == {"branches/extra/"}


def test_snippets_read_like_the_page(site):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert "\u200b" not in json.dumps(index, ensure_ascii=False)
    docs = {d["location"]: d for d in index["docs"]}
    first = docs[f"branches/extra/#{item_anchor('01')}"]
    shown = re.sub(r"<[^>]*>", "", first["title"])
    assert shown == "行政许可事项办理时限把关不严，执法监督不到位"
    paragraphs = [re.sub(r"<[^>]*>", "", p) for p in re.findall(r"<p>(.*?)</p>", first["text"])]
    assert paragraphs == ["整改措施：开展行政执法监督专项检查", "责任人：张某某"]
    assert docs["branches/extra/"]["title"].replace("<wbr/>", "") == "执法监督党支部"
    assert "许可" in first[search_index.WORDS_FIELD].split() and "许可" not in first["text"].replace("<wbr/>", " ").split()


def test_items_not_shown_are_not_indexed(site):
    text = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    docs = {d["location"]: d for d in json.loads(text)["docs"]}
    assert "党内才有" not in text and f"branches/extra/#{item_anchor('05')}" not in docs  # a public build
    # 05 follows the hidden 04: it is found where the page shows it, as 04 (no gap betrays the hidden one)
    assert docs[f"branches/extra/#{item_anchor('04')}"]["title"].replace("<wbr/>", "") == "最后一项公开的问题"


def test_each_string_is_cut_once_and_kept_in_the_parse_cache(tmp_path, monkeypatch):
    from generator import core
    from generator.board.figures import compute

    monkeypatch.setenv("BOARD_CACHE_DIR", str(tmp_path / "cache"))
    options = core.make_options(REPO / "content", audience="public", as_of=SAMPLE_AS_OF)
    figures = compute(core.validate(options).content, options.audience, options.as_of)
    cut = Segmenter()
    calls = []
    original = cut._cut
    monkeypatch.setattr(cut, "_cut", lambda text: calls.append(text) or original(text))
    first = search_index.documents(figures, lambda path: path, cut)
    assert calls and len(calls) == len(set(calls))  # each distinct string once
    again = Segmenter()
    monkeypatch.setattr(again, "_cut", lambda text: pytest.fail(f"cut again: {text}"))
    assert search_index.documents(figures, lambda path: path, again) == first  # all from the cache on disk


@needs_chromium
def test_the_search_box_lists_every_page_with_the_word(browser, site):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    engine = MaterialSearch(index)
    texts = page_texts(site)
    server = serve_folder(site)
    page = browser.new_page()
    try:
        page.goto(f"http://127.0.0.1:{server.server_port}/", wait_until="networkidle")
        for word in ("学习", "管理", "许可", "积极分子", "主题党日", "公车"):
            page.click(".md-search__input")
            page.fill(".md-search__input", word)
            page.press(".md-search__input", "End")  # Material searches on key events
            expected = len(engine.pages(word))
            assert expected >= len([t for t in texts.values() if word in t]) > 0
            meta = page.locator(".md-search-result__meta")
            # The count of this word's results: the last word's list may still show (学习's "11" contains "1").
            page.wait_for_function("([el, n, word]) => (el.textContent.match(/\\d+/) || [])[0] === String(n)"
                                   " && document.querySelector('.md-search-result__list').textContent.includes(word)",
                                   arg=[meta.element_handle(), expected, word], timeout=15000)
            shown = int(re.search(r"\d+", meta.inner_text()).group())
            assert shown == expected, (word, meta.inner_text())
            text = page.locator(".md-search-result").inner_text()
            assert "\u200b" not in text and word in text
    finally:
        page.close()
        server.shutdown()


def test_a_big_board_index_made_in_another_process_is_the_same(monkeypatch, tmp_path):
    from generator import core
    from generator.board.figures import compute

    options = core.make_options(REPO / "content", audience="public", as_of=SAMPLE_AS_OF)
    figures = compute(core.validate(options).content, options.audience, options.as_of)
    config = {"lang": ["en"], "separator": r"[\s\-]+", "pipeline": [], "fields": {"title": {"boost": 1000.0}}}
    whole = search_index.index_json(config, search_index.documents(figures, lambda path: path, Segmenter(config["separator"])))
    speed.forget()
    here, there = tmp_path / "here" / "search_index.json", tmp_path / "there" / "search_index.json"
    search_index.index_later(config, figures, lambda path: path, Segmenter(config["separator"]), here, parallel=False)()
    speed.forget()
    monkeypatch.setattr(speed, "BIG_BOARD", 1)
    cut = Segmenter(config["separator"])
    search_index.index_later(config, figures, lambda path: path, cut, there)()
    assert cut.known == {} and not list(tmp_path.rglob("*.part"))  # made in the worker: nothing cut here
    assert there.read_text(encoding="utf-8") == here.read_text(encoding="utf-8") == whole  # written piece by piece
    index = json.loads(whole)
    assert index["config"]["fields"] == {"title": {"boost": 1000.0}, search_index.WORDS_FIELD: {"boost": 1.0}}
    assert len(index["docs"]) > len(figures.branches) * 3


def test_every_entry_points_at_its_place_on_the_page(site):
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    assert {d["location"].split("#")[0] for d in docs} == {"", *page_texts(site)}
    for doc in docs:
        page, _, anchor = doc["location"].partition("#")
        html = (site / page / "index.html").read_text(encoding="utf-8")
        assert not anchor or f'id="{anchor}"' in html, doc["location"]
