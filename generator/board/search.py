"""What the board's search finds, made from the model: one entry per page, section and record.

We know every text we publish, so the search index is written from it rather
than from the built HTML (``site.search_index`` writes Material's format):

- entries: the overview, each branch page and its sections, and one entry per
  record (a rectification item, a person; the row's anchor,
  ``periods.item_anchor``), with the fields the schema declares ``searched``
  (no statuses, dates or figures).  Records a build does not show (党内 ones in
  a public build) are not in it: the entries come from the audience's figures.
- each entry is plain text (title, labelled paragraphs); ``warm`` cuts all of a
  branch's strings into words at once (``board.segmenter``), through the parse
  cache on disk, so an unchanged board never loads jieba's dictionary at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from generator.board.figures import BranchFigures, Figures
from generator.board.periods import row_anchor
from generator.board.segmenter import Segmenter
from generator.content import schema
from generator.content.dates import chinese
from generator.speed import cache

VERSION = "1"  # bump when the segmentation changes (the cache key also holds the generator's source)


# The model's searched fields (``schema``): a record's title is its first required searched field (an item's
# problem, a person's name), the other searched fields its paragraphs; any record type declared is searched.
HEADING = "{period}组织生活会和民主评议党员情况公示"
OPINIONS = "征求意见建议 {} 条。"
NO_EVALUATION = "本支部未开展民主评议党员。"
JOIN = "；"
# A branch page's section for a list is anchored at the list's key (``#rectifications``, ``#people``) and titled
# by its label, or by the heading the page gives it.
SECTION_TITLES = {"people": "班子成员和党员承诺"}


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
            *_searched(schema.BRANCH, branch, schema.BRANCH["name"]),
            *_paragraph(schema.BRANCH["meeting"].label, chinese(meeting.date) if meeting and meeting.date else None),
            *(_searched(schema.MEETING, meeting) if meeting else ()))
    if evaluation is None:
        results = _paragraph(None, NO_EVALUATION)
    else:
        results = (*_searched(schema.EVALUATION, evaluation),
                   *_paragraph(None, OPINIONS.format(evaluation.opinions) if evaluation.opinions else None))
    entries = [Entry(url, branch.name, page), Entry(f"{url}#evaluation", "民主评议党员结果", results)]
    # Items are anchored by the 序号 this audience reads (``number``), as the page's rows are: no gap betrays one hidden.
    numbers = {id(i): bf.number(i) for i in bf.items} | {id(i): pf.number(i) for pf in bf.people for i in pf.items}
    for field in schema.BRANCH.lists():
        held = getattr(branch, field.name)
        if held or field.key == "rectifications":  # the branch's own list is a section even when empty
            title = SECTION_TITLES.get(field.key, field.label)
            entries.append(Entry(f"{url}#{field.key}", title, (), False, _labels(field.record)))
        entries.extend(_record_entries(field.record, held, url, "", numbers))
    return entries


def _searched(record: schema.Record, obj: object,
              title: schema.Field | None = None) -> tuple[tuple[str | None, tuple[str, ...]], ...]:
    """A paragraph per searched field of ``obj`` but its ``title``, in declaration order: a field declared
    ``searched`` is found, whatever record it is on."""
    return tuple(p for f in record.searched() if f is not title for p in _paragraph(f.label, getattr(obj, f.name)))


def _record_entries(record: schema.Record, held: tuple, url: str, prefix: str,
                    numbers: dict[int, str]) -> Iterator[Entry]:
    """One entry per record (its row's anchor, as the branch page has it), then the records it holds."""
    title = _title_field(record)
    for number, obj in enumerate(held, start=1):
        anchor = prefix + row_anchor(obj, record, number, numbers.get(id(obj)))
        fields = list(_searched(record, obj, title))
        if record.audience and getattr(obj, record.audience.name) is not schema.Audience.PUBLIC:
            fields += _paragraph(record.audience.label, getattr(obj, record.audience.name).label)
        yield Entry(f"{url}#{anchor}", getattr(obj, title.name) or record.what, tuple(fields))
        for field in record.lists():
            yield from _record_entries(field.record, getattr(obj, field.name), url, f"{anchor}-", numbers)


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
