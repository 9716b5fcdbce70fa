"""``汇总表.xlsx``: the roll-up laid out like the 民主评议党员情况 table organization departments collect.

One row per bureau and a 合计 row: branches, members (正式 / 预备), participants and
参评率, those graded, each grade's count and share, opinions gathered.  Percentages
are the figures' own values (97.5 means 97.5%), shown with a % sign.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from generator.board.figures import EvaluationFigures
from generator.content import schema
from generator.office.export import _header, _put, _title, save
from generator.upward.rollup import Rollup

FILE_NAME = "汇总表.xlsx"
PERCENT = '0.0"%"'
_GRADE_COLUMNS = tuple(col for key in schema.GRADES for col in ((schema.EVALUATION[key].label, key, 8), ("占比", key, 8)))
COLUMNS = (  # (header, width)
    ("序号", 6), ("单位", 28), ("年度", 10), ("党支部", 8), ("临时党支部", 8), ("党员总数", 8), ("正式党员", 8),
    ("预备党员", 8), ("参加评议", 8), ("参评率", 8), ("参加组织评定", 10),
    *((header, width) for header, _, width in _GRADE_COLUMNS), ("征求意见建议", 10),
)


def _figures(ev: EvaluationFigures) -> list[object]:
    """The evaluation columns of one row: counts, 参评率 and each grade's count and share."""
    counts, shares = ev.counts, ev.shares or dict.fromkeys(schema.GRADES)
    grades = [counts[key] if header != "占比" else shares[key] for header, key, _ in _GRADE_COLUMNS]
    return [counts["members"], ev.full_members, counts["probationary"], counts["participants"],
            ev.participation_rate, counts["rated"], *grades, ev.opinions]


def _text(value: object) -> object:
    """Text a workbook can hold: characters Excel refuses (from a summary's JSON) spelled out as \\x07."""
    if not isinstance(value, str):
        return value
    return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", value)


def _row(ws, row: int, values: list[object]) -> None:
    percent = {i for i, (header, _) in enumerate(COLUMNS) if header in ("参评率", "占比")}
    for column, value in enumerate(values, start=1):
        cell = _put(ws, row, column, "—" if value is None else _text(value))
        if column - 1 in percent and value is not None:
            cell.number_format = PERCENT


def write(rollup: Rollup, path: Path) -> None:
    """The table for ``rollup`` at ``path``."""
    book = Workbook()
    ws = book.active
    ws.title = "民主评议党员情况" + ("（党内）" if rollup.audience == "party" else "")
    party = "（党内）" if rollup.audience == "party" else ""
    _title(ws, _text(f"{rollup.title}{rollup.period}民主评议党员情况汇总表{party}"), len(COLUMNS))
    _header(ws, 2, [name for name, _ in COLUMNS], [width for _, width in COLUMNS])
    for number, b in enumerate(rollup.bureaus, start=1):
        _row(ws, number + 2, [number, b.organization, b.period, b.branches, b.temporary_branches, *_figures(b.evaluation)])
    total_row = len(rollup.bureaus) + 3
    _row(ws, total_row, ["合计", f"{len(rollup.bureaus)} 个单位", rollup.period, rollup.branches,
                         rollup.temporary_branches, *_figures(rollup.evaluation)])
    for cell in ws[total_row]:
        cell.font = Font(bold=True)
    save(book, path)
