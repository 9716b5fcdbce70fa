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
