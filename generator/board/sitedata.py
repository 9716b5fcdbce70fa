"""The site's data files beside its pages: ``data/summary.json``, the figures as data (DESIGN.md)."""

from __future__ import annotations

import json

from generator.board.figures import Figures, summary

SUMMARY_PATH = "data/summary.json"


def render_data(figures: Figures, signed: dict[str, str] | None = None) -> dict[str, str]:
    """Non-page files of the site: ``data/summary.json`` (with who reviewed and approved it, or null)."""
    data = {**summary(figures), "approval": signed}
    return {SUMMARY_PATH: json.dumps(data, ensure_ascii=False, indent=2) + "\n"}
