"""The search index (Material's ``search/search_index.json``), made from the model.

Why not let Material's search plugin make it: that plugin parses every built
page's HTML back into text and cuts all of it into words with jieba, the
biggest part of a city-wide build, and its cut keeps words such as 公车管理 or
重新学习 whole, so a reader typing 管理 or 学习 misses those pages (the browser
matches whole words and their beginnings only).  We know every text we
publish, so the index is written from it:

- entries: the overview, each branch page and its two sections, and one entry
  per rectification item (the row's anchor, ``periods.item_anchor``), with the fields a
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
from pathlib import Path

from generator import speed
from generator.board.figures import BranchFigures, Figures
from generator.board.periods import row_anchor
from generator.content import schema
from generator.content.dates import chinese
from generator.files import replacing
from generator.speed import cache

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


# The model's searched fields (``schema``): a record's title is its first required searched field (an item's
# problem, a person's name), the other searched fields its paragraphs; any record type declared is searched.
HEADING = "{period}组织生活会和民主评议党员情况公示"
OPINIONS = "征求意见建议 {} 条。"
NO_EVALUATION = "本支部未开展民主评议党员。"
JOIN = "；"
SECTIONS = {"rectifications": "rectifications", "people": "people"}  # a branch's lists → their section's anchor


def _title_field(record: schema.Record) -> schema.Field:
    """What an entry of this record is called: its first required searched text, else its first text."""
    return next((f for f in record.searched() if f.required), None) or next(f for f in record.fields if f.type == "text")


def _labels(record: schema.Record) -> tuple[str, ...]:
    """What a section's entries are labelled with: searched under the section (once per page), not per entry."""
    audience = (record.audience.label,) if record.audience else ()
    return (*(f.label for f in record.searched() if f is not _title_field(record)), *audience)


ITEM_LABELS = _labels(schema.ITEM)


@dataclass(frozen=True)
class Entry:
    """One search entry, in plain text: where it points, its title, and its paragraphs (label, texts)."""

    location: str
    title: str
    paragraphs: tuple[tuple[str | None, tuple[str, ...]], ...] = ()
    listed: bool = False  # the paragraphs are a list (``<ul>``)
    hidden: tuple[str, ...] = ()  # searched, not shown: the labels of the entries below it (once per page)

    def strings(self) -> Iterator[str]:
        yield self.title
        for label, texts in self.paragraphs:
            if label:
                yield label
            yield from texts
        yield from self.hidden


def _paragraph(label: str | None, value: str | tuple[str, ...] | None) -> tuple[tuple[str | None, tuple[str, ...]], ...]:
    texts = (value,) if isinstance(value, str) else tuple(value or ())
    return ((label, texts),) if texts else ()


def branch_entries(bf: BranchFigures, url: str) -> list[Entry]:
    """The entries of one branch page at ``url``: the page, its sections, one per record shown (items, people,
    a person's items: every ``records`` field of the branch, at every depth)."""
    branch, meeting, evaluation = bf.branch, bf.branch.meeting, bf.branch.evaluation
    page = (*_paragraph(None, branch.kind.label),
            *_paragraph(schema.BRANCH["secretary"].label, branch.secretary),
            *_paragraph(schema.BRANCH["meeting"].label, chinese(meeting.date) if meeting and meeting.date else None),
            *_paragraph(schema.MEETING["supervisor"].label, meeting.supervisor if meeting else None))
    if evaluation is None:
        results = _paragraph(None, NO_EVALUATION)
    else:
        results = (*_paragraph(schema.EVALUATION["honor_roll"].label, evaluation.honor_roll),
                   *_paragraph(None, OPINIONS.format(evaluation.opinions) if evaluation.opinions else None))
    entries = [Entry(url, branch.name, page), Entry(f"{url}#evaluation", "民主评议党员结果", results)]
    for field in schema.BRANCH.lists():
        held = getattr(branch, field.name)
        if held or field.key == "rectifications":  # the branch's own list is a section even when empty
            title = "班子成员和党员承诺" if field.key == "people" else field.label
            entries.append(Entry(f"{url}#{SECTIONS.get(field.key, field.key)}", title, (), False, _labels(field.record)))
        entries.extend(_record_entries(field.record, held, url, ""))
    return entries


def _record_entries(record: schema.Record, held: tuple, url: str, prefix: str) -> Iterator[Entry]:
    """One entry per record (its row's anchor, as the branch page has it), then the records it holds."""
    title = _title_field(record)
    for number, obj in enumerate(held, start=1):
        anchor = prefix + row_anchor(obj, record, number)
        fields = [p for f in record.searched() if f is not title for p in _paragraph(f.label, getattr(obj, f.name))]
        if record.audience and getattr(obj, record.audience.name) is not schema.Audience.PUBLIC:
            fields += _paragraph(record.audience.label, getattr(obj, record.audience.name).label)
        yield Entry(f"{url}#{anchor}", getattr(obj, title.name) or record.what, tuple(fields))
        for field in record.lists():
            yield from _record_entries(field.record, getattr(obj, field.name), url, f"{anchor}-")


def overview_entries(figures: Figures, url: str) -> list[Entry]:
    board = figures.board
    entries = [Entry(url, "总览", (*_paragraph(None, board.organization),
                                  *_paragraph(None, HEADING.format(period=board.period))))]
    if board.notice or board.feedback:
        entries.append(Entry(f"{url}#notice", "公示期与意见反馈", tuple((None, (t,)) for t in board.feedback), True))
    return entries


def warm(segmenter: Segmenter, groups: list[tuple[str, list[Entry]]]) -> None:
    """Segment every string once, through the parse cache on disk (one cache entry per group: a branch)."""
    keys = {}
    for name, entries in groups:
        texts = tuple(dict.fromkeys(text for entry in entries for text in entry.strings()))
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


def document(segment: Segmenter, entry: Entry) -> dict:
    """An entry as Material's index holds it: HTML title and text, and the hidden words."""
    words: dict[str, None] = {}

    def shown(text: str, searched: bool = True) -> str:
        cut = segment(text)
        if searched:
            words.update(dict.fromkeys(cut.words))
        return cut.html

    title = shown(entry.title)
    blocks = []
    for label, texts in entry.paragraphs:
        body = JOIN.join(shown(text) for text in texts)
        blocks.append(f"{shown(label, False)}：{body}" if label else body)  # label words: in ``hidden``
    for text in entry.hidden:
        shown(text)
    if entry.listed:
        text = "<ul>" + "".join(f"<li>{block}</li>" for block in blocks) + "</ul>" if blocks else ""
    else:
        text = "".join(f"<p>{block}</p>" for block in blocks)
    doc = {"location": entry.location, "title": title, "text": text}
    if words:
        doc[WORDS_FIELD] = " ".join(words)
    return doc


def documents(figures: Figures, url: Callable[[str], str], segment: Segmenter | None = None) -> list[dict]:
    """Every entry of the board's pages; ``url`` gives a page's URL from its source path (``branches/x.md``)."""
    return list(each_document(figures, url, segment or Segmenter()))


def each_document(figures: Figures, url: Callable[[str], str], segment: Segmenter) -> Iterator[dict]:
    """``documents``, one at a time: a big board's index is written without holding them all."""
    overview = overview_entries(figures, url("index.md"))
    groups = [(bf, branch_entries(bf, url(f"branches/{bf.branch.id}.md"))) for bf in figures.branches]
    warm(segment, [("", overview), *((bf.branch.id, entries) for bf, entries in groups)])
    yield from (document(segment, entry) for entry in overview)
    for bf, entries in groups:  # a serve rebuild makes them again for the edited branch only
        key = ("search-docs", bf.branch.key, figures.audience.key, entries[0].location, segment.separator)
        yield from speed.remembered(key, lambda entries=entries: [document(segment, entry) for entry in entries])


def index_json(config: dict, docs: Iterable[dict]) -> str:
    """The file Material's search reads: its ``config`` (lang, separator, pipeline, fields) and ``docs``."""
    return "".join(index_parts(config, docs))


def index_parts(config: dict, docs: Iterable[dict]) -> Iterator[str]:
    """``index_json``'s text in pieces, one per entry.

    ``config`` is the search plugin's; the hidden field is added to its fields.
    Written as UTF-8 (not ``\\uXXXX`` escapes): a third of the size.
    """
    fields = dict(config.get("fields") or {})
    text_boost = (fields.get("text") or {}).get("boost", 1.0)
    fields.setdefault(WORDS_FIELD, {"boost": text_boost})
    head = _json({"config": {**config, "fields": fields}})
    yield head[:-1] + ',"docs":['
    for number, doc in enumerate(docs):
        yield ("," if number else "") + _json(doc)
    yield "]}"


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def index_later(config: dict, figures: Figures, url: Callable[[str], str], segment: Segmenter, path: Path,
                parallel: bool = True) -> Callable[[], None]:
    """Write the index (``index_parts`` of the board's entries) to ``path``, beside the caller's own work when that pays.

    A big board's index is cut into words and written by a forked process (on
    a second core, ``speed.beside``) while MkDocs renders the pages; the
    returned function waits for it.  Small boards and ``parallel=False``
    (serve: its segmenter is kept between rebuilds) write it when asked.
    Entries are written one at a time, never all held at once.
    """
    def write() -> None:
        with replacing(path) as part, part.open("w", encoding="utf-8") as out:
            out.writelines(index_parts(config, each_document(figures, url, segment)))

    return speed.beside(write, parallel and len(figures.branches) >= speed.BIG_BOARD)
