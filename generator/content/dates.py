"""Dates as clerks write them: ISO, 2024年6月30日, 2024/6/30, 2024.6.30.

One parser for YAML content and spreadsheets alike, so a date that builds also
imports, and the same words explain a wrong one.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$"),
)
_MONTH_END = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(底|末)$")
# The lenient reading of a sheet's deadline (``sheet_date``): 前/完成 after a date, and a period's last day.
_BEFORE = re.compile(r"(?:以前|之前|前)?(?:完成|办结|整改到位|整改完毕)?$")
_PERIOD_END = (
    (re.compile(r"^(\d{4})\s*年\s*(?:年)?(?:底|末|年底|年末|12月底)$"), lambda y, m=None: (y, 12)),
    (re.compile(r"^(\d{4})\s*年\s*上半年$"), lambda y, m=None: (y, 6)),
    (re.compile(r"^(\d{4})\s*年\s*下半年$"), lambda y, m=None: (y, 12)),
    (re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月(?:份)?$"), lambda y, m: (y, m)),
    (re.compile(r"^(\d{4})[.\-/](\d{1,2})$"), lambda y, m: (y, m)),
    # 2024年第二季度, 2024年二季度末, 2024年第2季度底: the quarter's last day
    *((re.compile(rf"^(\d{{4}})\s*年\s*第?(?:{cn}|{n})\s*季度(?:末|底)?$"), lambda y, m=None, q=n: (y, 3 * q))
      for n, cn in enumerate("一二三四", 1)),
)

FORMS_HINT = "请写成 2024-06-30 或 2024年6月30日"


def chinese(day: dt.date) -> str:
    """A date as the pages show it: 2024年6月30日."""
    return f"{day.year}年{day.month}月{day.day}日"


class DateError(ValueError):
    """A date a clerk wrote that is not a real date or not in a known form."""


def parse_date(text: str, *, month_end: bool = False) -> dt.date:
    """Parse one date; ``month_end`` also accepts 2024年6月底 (the last day)."""
    text = text.strip()
    for form in _FORMS:
        match = form.fullmatch(text)
        if match:
            return _real_date(text, *map(int, match.groups()))
    match = _MONTH_END.fullmatch(text) if month_end else None
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise DateError(f"日期不存在：“{text}”（没有 {month} 月）")
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    raise DateError(f"无法识别的日期“{text}”，{FORMS_HINT}")


def _real_date(text: str, year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        if not 1 <= month <= 12:
            raise DateError(f"日期不存在：“{text}”（没有 {month} 月）") from None
        raise DateError(f"日期不存在：“{text}”（{year}年{month}月没有 {day} 日）") from None


def sheet_date(text: str) -> dt.date:
    """A deadline's date as a sheet may write it: any form above, 2024年6月底, and a period's end with
    前/完成 after it (2024年6月底前, 2024年底前, 2024年上半年, 2024年第二季度, 2024.6).

    The one lenient reading: the importer reads sheets by it, and YAML, which stays strict (one spelling a
    file keeps), names what it would read in its error."""
    words = re.sub(r"\s+", "", text)
    bare = _BEFORE.sub("", words) or words
    try:
        return parse_date(bare, month_end=True)
    except DateError:
        found = _period_end(bare)
        if found is None:
            raise
        return found


def _period_end(words: str) -> dt.date | None:
    """2024年底, 2024年上半年, 2024年第二季度, 2024年6月, 2024.6: the last day of that period."""
    for form, last in _PERIOD_END:
        match = form.fullmatch(words)
        if match:
            year, month = last(*map(int, match.groups()))
            if not 1 <= month <= 12:
                raise DateError(f"日期不存在：“{words}”（没有 {month} 月）")
            return dt.date(year, month, calendar.monthrange(year, month)[1])
    return None
