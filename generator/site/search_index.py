"""Material's search index (``search/search_index.json``), written from the board's entries.

Material's own search plugin would parse every built page's HTML back into
text and cut it with jieba, the biggest part of a city-wide build; the
entries (``board.search``) already hold every text we publish, cut once
(``board.segmenter``).  ``text`` and ``title`` are HTML, as in Material's own
index; ``words`` is a field the search box searches but never shows (the
words inside the text it does not split off).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from generator import speed
from generator.board.figures import Figures
from generator.board.search import JOIN, Entry, branch_entries, overview_entries, warm
from generator.board.segmenter import Segmenter
from generator.files import replacing

WORDS_FIELD = "words"  # the hidden field (see the module doc); its boost equals the text's


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
