"""The site's data files beside its pages: ``data/summary.json``, the figures as data (DESIGN.md)."""

from __future__ import annotations

import json

from generator.board.figures import Figures, summary

SUMMARY_PATH = "data/summary.json"


def render_data(figures: Figures, signed: dict[str, str] | None = None, site_url: str = "") -> dict[str, str]:
    """Non-page files of the site: ``data/summary.json`` (with who reviewed and approved it, or null, and the
    site's address when set, so a roll-up links the board where it is published, not a folder path)."""
    data = {**summary(figures), "site_url": site_url or None, "approval": signed}
    return {SUMMARY_PATH: json.dumps(data, ensure_ascii=False, indent=2) + "\n"}
