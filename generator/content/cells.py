"""One cell's value as offices write it: text, numbered measures, dates and deadlines, status words.

Used by the field types' cell readers (``fieldtypes``) and both sheet grammars (``office.itemrows``,
``office.tallyrows``); every reader either returns a value or raises with words a clerk understands, never a
silent default.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

from generator.content import schema
from generator.content.dates import parse_date, sheet_date
from generator.content.schema import DeadlineKind, Labeled, parse_choice

_SEPARATORS = "，,。；;：:、 \n"
_TRAILING = re.compile(r"[\s；;。，,、]+$")
_NUMBERING = re.compile(r"^\s*(?:[（(]\s*\d+\s*[)）]|\d+\s*[.、．)）]|[①-⑳]|[一二三四五六七八九十]+\s*[、.．])\s*")
_HAN = r"\u4e00-\u9fff"
_CN = "一二三四五六七八九十"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
# Where a 一是 or 1. marker may stand: the cell's start or after a sentence end or separator (a strong end:
# 。；or a new line, or a weak one: ，：or a space) — never mid-phrase, so "做到一是一、二是二" is text.
_STRONG = "。；;！!？?\n"
_AFTER = rf"(?:^\s*|(?<=[{_STRONG}])\s*|(?<=[，,：:\s]))"
# Numbering styles of measures in one cell; group 1 is the number.  Each style is split only where its
# numbers run 1, 2, 3 … in order, so "3.5万字" or "统一、规范" never split a measure.  "3.2025年6月前"
# numbers a measure only after a strong end ("。3.2025年…"): after a weak one it reads as a decimal.
_STYLES = tuple(re.compile(p) for p in (
    rf"{_AFTER}([{_CN}]+)是",                                # 一是……；二是……
    r"([①-⑳])",                                             # ①…②…
    rf"[（(]\s*(\d{{1,2}}|[{_CN}]+)\s*[)）]",               # （1）甲（2）乙, （一）
    rf"(?:^\s*|(?<=[{_STRONG}])\s*|(?<=[，,：:\s])(?!\d{{1,2}}\s*[.、．)）]\d))(\d{{1,2}})\s*[.、．)）]",  # 1.甲 2.乙, 1、, 1）
    rf"(?<![{_HAN}{_CN}])([{_CN}]+)\s*[、．]",              # 一、甲 二、乙
    rf"第([{_CN}]+)[，,、：:]",                              # 第一，……第二，……
))


def text(value: Any) -> str | None:
    """A cell as text (dates as ISO, whole floats without .0), None when empty."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    result = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    return result or None


def _number(numeral: str) -> int:
    """1–20 from 1, ①, 一, 十一 or 二十."""
    if numeral.isascii():
        return int(numeral)
    if numeral in _CIRCLED:
        return _CIRCLED.index(numeral) + 1
    tens, _, ones = numeral.rpartition("十")
    if "十" not in numeral:
        return _CN.find(numeral) + 1 if len(numeral) == 1 else 0
    return (_CN.find(tens) + 1 if tens else 1) * 10 + (_CN.find(ones) + 1 if ones else 0)


def _sequence(style: re.Pattern[str], cell: str) -> list[re.Match[str]]:
    """The style's markers numbered 1, 2, 3 … in order (other matches are ordinary text)."""
    found: list[re.Match[str]] = []
    for match in style.finditer(cell):
        if _number(match.group(1)) == len(found) + 1:
            found.append(match)
    return found


def split_measures(cell: str) -> list[str]:
    """One cell of numbered measures → a list, numbering and trailing punctuation removed.

    The numbering style that starts first wins (一是 … 二是 …, ①②, （1）（2）, 1. 2., 一、二、); text
    before the first number leads the first measure.  Without numbering: one measure a line, or
    one per "；" on a single line.
    """
    cell = cell.replace("\r\n", "\n").replace("\r", "\n")
    runs = [run for style in _STYLES if len(run := _sequence(style, cell)) >= 2]
    if runs:
        run = min(runs, key=lambda r: (r[0].start(), -len(r)))
        cuts = [m.start() for m in run] + [len(cell)]
        parts = [cell[m.end():end] for m, end in zip(run, cuts[1:], strict=True)]
        lead = _TRAILING.sub("", cell[: run[0].start()].strip())
        if lead:
            parts[0] = lead + ("" if lead[-1] in "：:，," else "：") + parts[0].strip()
    else:
        parts = [line for line in cell.split("\n") if line.strip()]
        if len(parts) == 1:
            parts = re.split(r"[；;]", parts[0])
        parts = [_NUMBERING.sub("", part) for part in parts]
    cleaned = [_TRAILING.sub("", part.strip()) for part in parts]
    return [part for part in cleaned if part]


# ---- dates and deadlines --------------------------------------------------------------------------

def cell_date(value: Any, *, month_end: bool = True) -> dt.date:
    """A date from an Excel date cell, an Excel serial number, or text in any known form."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and 20_000 < value < 80_000:
        # imported here: a build loads this module (``fieldtypes``) but never needs openpyxl
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    return parse_date(str(value), month_end=month_end)


def deadline(value: Any, field: schema.Field) -> str | dt.date:
    """A deadline: a date in any form (``2023年6月底前``, ``2023.12.31``, ``2024年底``), or a word for
    长期坚持 / 立行立改 (``即知即改``; ``立行立改、长期坚持`` is 长期坚持).  Raises ``DateError``."""
    if not isinstance(value, str):
        return cell_date(value)
    words = re.sub(r"\s+", "", value)
    parts = [part for part in re.split(r"[，,、；;和并及/]+", words) if part]
    kinds = [_deadline_word(part, field) for part in parts]
    if kinds and all(kinds):
        return (DeadlineKind.ONGOING if DeadlineKind.ONGOING in kinds else DeadlineKind.IMMEDIATE).label
    if len(parts) > 1 and all(kinds[1:]):  # 2024年6月底前完成，长期坚持: the date is the deadline
        words = parts[0]
    return sheet_date(words)


def _deadline_word(word: str, field: schema.Field) -> DeadlineKind | None:
    kind = parse_choice(word, DeadlineKind)
    if kind is None:
        kind = next((value for w, value in field.sheet_words if w == word), None)
    return kind if kind in (DeadlineKind.ONGOING, DeadlineKind.IMMEDIATE) else None


# ---- words for an enumeration ---------------------------------------------------------------------

_SUBJECT = re.compile(r"^(?:该|此|本)(?:问题|项问题|项工作|事项|项|条)?(?:已经)?(?=[已完正未基部阶持整销推办])")


def parse_words(cell: str, field: schema.Field) -> tuple[Labeled, str | None] | None:
    """An enum field's value as a sheet may write it: its label, key or another word for it,
    alone or (unless the field is ``strict``) leading a sentence: the rest is returned, for 整改进展.
    ``该问题已完成整改。`` reads as 已完成.  After a word that says more than the label
    (``field.telling_words``: 基本完成 is 整改中) the whole cell is returned, so the nuance is kept."""
    cell = cell.strip()
    exact = parse_choice(cell, field.choices)
    if exact:
        return exact, None
    if field.strict:
        word = next((value for w, value in _words(field) if w == cell), None)
        return (word, None) if word is not None else None
    said = _SUBJECT.sub("", cell)
    for word, value in _words(field):
        rest = said[len(word):]
        if said.startswith(word) and (not rest or rest[0] in _SEPARATORS or rest[0] in "（("):
            return value, cell if word in field.telling_words else rest.lstrip(_SEPARATORS) or None
    return None


@functools.cache
def _words(field: schema.Field) -> list[tuple[str, Labeled]]:
    """Every word for every value, longest first (已完成整改 before 已完成 before 完成)."""
    words = [(m.label, m) for m in field.choices] + [(m.key, m) for m in field.choices] + list(field.sheet_words)
    return sorted(words, key=lambda kv: -len(kv[0]))
