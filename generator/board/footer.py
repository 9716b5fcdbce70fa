"""The printed board's footer line: who reviewed and approved, and the page number, on one line.

Chromium lays ``@page`` margin boxes out by their text's width and wraps a
long one in the middle of a title or of "第 2 页 共 13 页".  So the whole
footer is one box that never wraps (``white-space: nowrap``), and its size is
chosen here from the text's width: the full text at 9 pt if it fits the
narrowest sheet (A4 portrait), else smaller, else with short dates, else
without dates.  Names are never cut.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from generator.content.dates import chinese

WIDTH_PT = (210 - 2 * 14) / 25.4 * 72 * 0.95  # A4 portrait between print.css's side margins, 5% to spare
PAGE_NUMBER = "　第 999 页 共 999 页"  # the widest page number the footer keeps room for
SIZES_PT = (9.0, 8.5, 8.0, 7.5, 7.0, 6.5, 6.0)
SEPARATOR = "　"
READABLE_PT = 7.5  # below this, dates go first


@dataclass(frozen=True)
class Footer:
    text: str  # what precedes the page number
    size: float  # font size in pt


def em_width(text: str) -> float:
    """The text's width in em: CJK and full-width characters are one em, the rest at most 0.6."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in text)


def _short(day: str) -> str:
    value = dt.date.fromisoformat(day)
    return f"{value.year}.{value.month}.{value.day}"


def _variants(signed: dict[str, str]) -> list[str]:
    """The footer's wordings, the fullest first."""
    def line(dated) -> str:
        return SEPARATOR.join(f"{step}：{signed[f'{key}_by']}{dated(signed[f'{key}_on'])}"
                              for step, key in (("审核", "reviewed"), ("审批", "approved")))

    return [line(lambda day: f"（{chinese(dt.date.fromisoformat(day))}）"), line(lambda day: f"（{_short(day)}）"),
            line(lambda day: "")]


def print_footer(signed: dict[str, str] | None) -> Footer:
    """The fullest wording at the largest size that fits one line of the narrowest sheet.

    Dates are shortened, then dropped, before the text goes below ``READABLE_PT``.
    """
    if not signed:
        return Footer("", SIZES_PT[0])
    variants = [text + SEPARATOR for text in _variants(signed)]
    for floor in (READABLE_PT, SIZES_PT[-1]):
        for text in variants:
            for size in (s for s in SIZES_PT if s >= floor):
                if em_width(text + PAGE_NUMBER) * size <= WIDTH_PT:
                    return Footer(text, size)
    return Footer(variants[-1], SIZES_PT[-1])  # very long names: the smallest size, still whole, never wrapped
