"""The search index (Material's ``search/search_index.json``), made from the model.

Why not let Material's search plugin make it: that plugin parses every built
page's HTML back into text and cuts all of it into words with jieba, the
biggest part of a city-wide build, and its cut keeps words such as 公车管理 or
重新学习 whole, so a reader typing 管理 or 学习 misses those pages (the browser
matches whole words and their beginnings only).  We know every text we
publish, so the index is written from it:

- entries: the overview, each branch page and its two sections, and one entry
  per rectification item (``#item-N``, the row's anchor), with the fields a
  reader searches (problem, measures, target, owner, progress, category,
  source, branch name, secretary, supervisor, honour roll; no statuses, dates
  or figures).  Items a build does not show (党内 items in a public build) are
  not in it: the entries come from the audience's figures.
- ``text`` and ``title`` are HTML, as in Material's own index, and read like
  the page: one paragraph per field.  Word boundaries are ``<wbr/>`` (an empty
  element: the browser's search tokenizer splits there, nothing is shown or
  copied), never a visible or copyable ``\\u200b``.
- ``words``: a field the search box searches but never shows.  It holds every
  dictionary word of two to four characters inside the entry's text that the
  shown text does not already split off (jieba's search mode, completed by
  jieba's word graph), so a word a reader types is found on every page that
  contains it.  ``PARTY_TERMS`` adds Party-affairs terms jieba would split.

Each distinct string is segmented once (``Segmenter``); segmentations are kept
in memory (``mkdocs serve``) and in the parse cache on disk (``cache``), per
branch, so an unchanged board never loads jieba's dictionary at all.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html import escape

from . import cache
from .dates import chinese
from .figures import BranchFigures, Figures
from .model import Audience

# Terms of Party affairs that jieba's dictionary lacks or cuts apart (checked against jieba 0.42).
PARTY_TERMS = (
    "主题党日", "三会一课", "对账销号", "民主评议", "组织生活会", "组织生活", "民主生活会", "党务公开", "党支部",
    "临时党支部", "党小组", "党委委员", "支委会", "党员大会", "谈心谈话", "批评与自我批评", "入党积极分子",
    "积极分子", "发展对象", "预备党员", "正式党员", "优秀党员", "党费", "党课", "党建", "第一议题", "两学一做",
    "不忘初心", "牢记使命", "四风", "一岗双责", "全面从严治党", "党风廉政", "廉政建设", "党性教育", "警示教育",
    "理论学习", "中心组", "学习强国", "整改清单", "整改措施", "整改目标", "整改时限", "整改进展", "问题清单",
    "责任清单", "任务清单", "销号", "立行立改", "长期坚持", "征求意见", "会前征求意见", "上级反馈", "对照检查",
    "党员教育", "党员管理", "先锋岗", "示范岗", "党员示范岗", "结对共建", "主题教育", "专题组织生活会",
    "基本合格", "不合格", "参与率", "列席指导",
)
WORDS_FIELD = "words"  # the hidden field (see the module doc); its boost equals the text's
SHORTEST, LONGEST = 2, 4  # lengths of the hidden words: what readers type
VERSION = "1"  # bump when the segmentation changes (the cache key also holds the generator's source)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD_CHAR = re.compile(r"\w")
_BREAK = "<wbr/>"  # self-closing: Material's tokenizer treats ``<wbr>`` as an unclosed tag


@dataclass(frozen=True)
class Segmented:
    """One string, cut: its HTML with ``<wbr/>`` between words, and the words inside them."""

    html: str
    words: tuple[str, ...]


class Segmenter:
    """jieba with ``PARTY_TERMS``; each distinct string is cut once and remembered.

    ``separator``: the search's separator (a regular expression): no ``<wbr/>``
    is needed beside a character it already splits at.
    """

    def __init__(self, separator: str = r"\s+") -> None:
        self.known: dict[str, Segmented] = {}
        self.separator = separator
        try:
            self._splits = re.compile(separator)
        except re.error:  # a JavaScript-only pattern: break beside every word
            self._splits = re.compile(r"\s")
        self._jieba = None

    def __call__(self, text: str) -> Segmented:
        found = self.known.get(text)
        if found is None:
            found = self.known[text] = self._cut(text)
        return found

    def _tokenizer(self):  # noqa: ANN202 - jieba.Tokenizer
        if self._jieba is None:
            import jieba  # imported late: its dictionary takes a second to load, and a cached board needs none

            logging.getLogger("jieba").setLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            for term in PARTY_TERMS:
                known = tokenizer.FREQ.get(term, 0)
                tokenizer.add_word(term, freq=max(known, tokenizer.suggest_freq(term, tune=False), 1000))
            self._jieba = tokenizer
        return self._jieba

    def _cut(self, text: str) -> Segmented:
        if not _HAN.search(text):
            return Segmented(escape(text, quote=False), ())
        jieba = self._tokenizer()
        pieces: list[str] = []
        words: dict[str, None] = {}
        at = 0
        for match in _HAN.finditer(text):
            if match.start() > at:
                pieces.append(text[at:match.start()])
            run = match.group()
            graph = jieba.get_DAG(run)  # every dictionary word at every position
            pieces.extend(_no_single_characters(list(_best_cut(jieba, run, graph))))
            covered = set()  # characters inside a dictionary word
            for start, ends in graph.items():
                for end in ends:
                    if end > start:
                        covered.update(range(start, end + 1))
                    if SHORTEST <= end + 1 - start <= LONGEST:
                        words[run[start:end + 1]] = None
            for start in range(len(run) - 1):  # words jieba does not know (入职): every two characters there
                if start not in covered:
                    words[run[start:start + SHORTEST]] = None
            at = match.end()
        if at < len(text):
            pieces.append(text[at:])
        html = escape(pieces[0], quote=False)
        for left, right in zip(pieces, pieces[1:], strict=False):
            if not (self._splits.match(left[-1]) or self._splits.match(right[0])) and _breaks(left[-1], right[0]):
                html += _BREAK
            html += escape(right, quote=False)
        shown = set(pieces)
        return Segmented(html, tuple(word for word in words if word not in shown))


def _no_single_characters(cut: list[str]) -> list[str]:
    """Single characters joined: two or more in a row make a word, one joins the next word (or the last).

    Why: Material's search box cuts a Chinese query at words of the index; a
    one-character word there (党) turns 主题党日 into 主题 or 党, and 党 matches
    every branch.  Nothing is lost: the words inside are in the hidden field.
    """
    out: list[str] = []
    single = ""
    for piece in cut:
        if len(piece) == 1:
            single += piece
        elif len(single) == 1:
            out.append(single + piece)
            single = ""
        else:
            out.extend((single, piece) if single else (piece,))
            single = ""
    if len(single) == 1 and out:
        out[-1] += single
    elif single:
        out.append(single)
    return out


def _best_cut(jieba, run: str, graph: dict[int, list[int]]) -> Iterator[str]:  # noqa: ANN001 - jieba.Tokenizer
    """jieba's default cut of a run of Chinese (``Tokenizer.cut`` with HMM), given the word graph made once."""
    from jieba import finalseg

    route: dict[int, tuple[float, int]] = {}
    jieba.calc(run, graph, route)
    at, single = 0, ""
    while at < len(run):
        end = route[at][1] + 1
        if end - at == 1:
            single += run[at]
        else:
            yield from _singles(jieba, finalseg, single)
            single = ""
            yield run[at:end]
        at = end
    yield from _singles(jieba, finalseg, single)


def _singles(jieba, finalseg, chars: str) -> Iterator[str]:  # noqa: ANN001
    """Characters the dictionary left alone: unknown words found by jieba's HMM (names, new words)."""
    if len(chars) == 1:
        yield chars
    elif chars:
        yield from (finalseg.cut(chars) if not jieba.FREQ.get(chars) else chars)


def _breaks(left: str, right: str) -> bool:
    """A word boundary the browser must be shown: beside Chinese, or between two words."""
    return bool(_HAN.match(left) or _HAN.match(right) or (_WORD_CHAR.match(left) and _WORD_CHAR.match(right)))


def branch_texts(bf: BranchFigures) -> Iterator[str]:
    """Every string of one branch that its search entries show, in a fixed order."""
    branch = bf.branch
    yield branch.name
    yield branch.kind.label
    if branch.secretary:
        yield branch.secretary
    if branch.meeting and branch.meeting.date:
        yield chinese(branch.meeting.date)
    if branch.meeting and branch.meeting.supervisor:
        yield branch.meeting.supervisor
    if branch.evaluation:
        yield from branch.evaluation.honor_roll
        if branch.evaluation.opinions:
            yield OPINIONS.format(branch.evaluation.opinions)
    for item in bf.items:
        yield item.problem
        yield from item.measures
        yield item.owner
        yield from (text for text in (item.category, item.source, item.target, item.progress) if text)


# Fixed words the entries show besides the content (labels and headings).
LABELS = ("书记", "组织生活会", "列席指导", "优秀党员", "整改措施", "整改目标", "责任人", "整改进展", "党内",
          "民主评议党员结果", "整改清单", "本支部未开展民主评议党员。", "总览", "公示期与意见反馈")
HEADING = "{period}组织生活会和民主评议党员情况公示"
OPINIONS = "征求意见建议 {} 条。"


def board_texts(figures: Figures) -> Iterator[str]:
    """The strings of the overview's entries, and the labels."""
    board = figures.board
    yield board.organization
    yield HEADING.format(period=board.period)
    yield from board.feedback
    yield from LABELS


def warm(segmenter: Segmenter, figures: Figures) -> None:
    """Segment every string of the board once, through the parse cache on disk (one entry per branch)."""
    groups = [("", tuple(board_texts(figures)))]
    groups += [(bf.branch.id, tuple(branch_texts(bf))) for bf in figures.branches]
    keys = {}
    for name, texts in groups:
        if not all(text in segmenter.known for text in texts):
            digest = hashlib.blake2b("\0".join(texts).encode(), digest_size=16).digest()
            keys[cache.key(f"search-{VERSION}-{segmenter.separator}", name, digest)] = texts
    if not keys:
        return
    place = cache.folder()
    stored = cache.find(place, list(keys))
    new: list[tuple[str, bytes]] = []
    for name, texts in keys.items():
        found = cache.decode(stored.get(name))
        if isinstance(found, tuple) and len(found) == len(texts):
            segmenter.known.update(zip(texts, found, strict=True))
        else:
            new.append((name, cache.encode(tuple(segmenter(text) for text in texts))))
    cache.keep(place, new)


@dataclass
class _Entry:
    """One search entry being assembled: its paragraphs and hidden words."""

    segment: Segmenter
    html: list[str]
    words: dict[str, None]

    def add(self, text: str, label: str | None = None, tag: str = "p") -> None:
        cut = self.segment(text)
        self.words.update(dict.fromkeys(cut.words))
        shown = cut.html
        if label is not None:
            lead = self.segment(label)
            self.words.update(dict.fromkeys(lead.words))
            shown = f"{lead.html}：{shown}"
        self.html.append(f"<{tag}>{shown}</{tag}>")

    def listed(self, texts: Iterable[str]) -> None:
        cuts = [self.segment(text) for text in texts]
        for cut in cuts:
            self.words.update(dict.fromkeys(cut.words))
        if cuts:
            self.html.append("<ul>" + "".join(f"<li>{cut.html}</li>" for cut in cuts) + "</ul>")

    def joined(self, texts: Iterable[str], separator: str, label: str | None = None) -> None:
        cuts = [self.segment(text) for text in texts]
        for cut in cuts:
            self.words.update(dict.fromkeys(cut.words))
        shown = separator.join(cut.html for cut in cuts)
        if label is not None:
            lead = self.segment(label)
            shown = f"{lead.html}：{shown}"
        self.html.append(f"<p>{shown}</p>")


def _doc(segment: Segmenter, location: str, title: str, fill: Callable[[_Entry], None] | None = None) -> dict:
    entry = _Entry(segment, [], {})
    if fill is not None:
        fill(entry)
    heading = segment(title)
    words = dict(entry.words)
    words.update(dict.fromkeys(heading.words))
    doc = {"location": location, "title": heading.html, "text": "".join(entry.html)}
    if words:
        doc[WORDS_FIELD] = " ".join(words)
    return doc


def branch_docs(segment: Segmenter, bf: BranchFigures, url: str) -> list[dict]:
    """The entries of one branch page at ``url``: the page, its sections, each item."""
    branch = bf.branch

    def page(entry: _Entry) -> None:
        entry.add(branch.kind.label)
        if branch.secretary:
            entry.add(branch.secretary, "书记")
        if branch.meeting and branch.meeting.date:
            entry.add(chinese(branch.meeting.date), "组织生活会")
        if branch.meeting and branch.meeting.supervisor:
            entry.add(branch.meeting.supervisor, "列席指导")

    def evaluation(entry: _Entry) -> None:
        if branch.evaluation is None:
            entry.add("本支部未开展民主评议党员。")
        else:
            if branch.evaluation.honor_roll:
                entry.joined(branch.evaluation.honor_roll, "、", "优秀党员")
            if branch.evaluation.opinions:
                entry.add(OPINIONS.format(branch.evaluation.opinions))

    docs = [_doc(segment, url, branch.name, page), _doc(segment, f"{url}#evaluation", "民主评议党员结果", evaluation),
            _doc(segment, f"{url}#rectifications", "整改清单")]
    for number, item in enumerate(bf.items, start=1):
        def fill(entry: _Entry, item=item) -> None:
            tags = [text for text in (item.category, item.source) if text]
            if item.audience is Audience.PARTY:
                tags.append("党内")
            if tags:
                entry.joined(tags, " · ")
            entry.joined(item.measures, "；", "整改措施")
            if item.target:
                entry.add(item.target, "整改目标")
            entry.add(item.owner, "责任人")
            if item.progress:
                entry.add(item.progress, "整改进展")

        docs.append(_doc(segment, f"{url}#item-{number}", item.problem, fill))
    return docs


def overview_docs(segment: Segmenter, figures: Figures, url: str) -> list[dict]:
    board = figures.board

    def page(entry: _Entry) -> None:
        entry.add(board.organization)
        entry.add(HEADING.format(period=board.period))

    docs = [_doc(segment, url, "总览", page)]
    if board.notice or board.feedback:
        docs.append(_doc(segment, f"{url}#notice", "公示期与意见反馈", lambda entry: entry.listed(board.feedback)))
    return docs


def documents(figures: Figures, url: Callable[[str], str], segment: Segmenter | None = None) -> list[dict]:
    """Every entry of the board's pages; ``url`` gives a page's URL from its source path (``branches/x.md``)."""
    segment = segment or Segmenter()
    warm(segment, figures)
    docs = overview_docs(segment, figures, url("index.md"))
    for bf in figures.branches:
        docs.extend(branch_docs(segment, bf, url(f"branches/{bf.branch.id}.md")))
    return docs


def index_json(config: dict, docs: list[dict]) -> str:
    """The file Material's search reads: its ``config`` (lang, separator, pipeline, fields) and ``docs``.

    ``config`` is the search plugin's; the hidden field is added to its fields.
    Written as UTF-8 (not ``\\uXXXX`` escapes): a third of the size.
    """
    fields = dict(config.get("fields") or {})
    text_boost = (fields.get("text") or {}).get("boost", 1.0)
    fields.setdefault(WORDS_FIELD, {"boost": text_boost})
    data = {"config": {**config, "fields": fields}, "docs": docs}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
