"""The 公众号 article: one HTML file for the WeChat official-account editor.

The editor keeps inline styles and drops everything else (``<style>``,
``<script>``, classes, ids, outside images and links), so the article is built
from inline styles only, in blocks no wider than a phone (a two-column figures
table, items as stacked blocks).  It shows the public board only: the notice,
the figures, the report paragraph and every branch's items grouped by status.
An article of content that is not approved says "预览稿" at the top.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.board.figures import Figures
from generator.board.pages import render_template
from generator.content.model import Status

ARTICLE_FILE = "公众号文章.html"
LONG_IMAGE_FILE = "总览长图.png"
PREVIEW_MARK = "预览稿 · 未经审批"


@dataclass(frozen=True)
class Approval:
    """What the approval records (issue 15) say about the public content: approved, and by whom."""

    approved: bool = False
    reviewer: str = ""
    approver: str = ""


def render_article(public: Figures, approval: Approval | None = None) -> str:
    """The article's HTML; ``public`` must be the public figures (the article goes outside the Party)."""
    if public.audience.key != "public":
        raise ValueError("the 公众号 article shows the public board only")
    approval = approval or Approval()
    groups = [[(bf, status, [i for i in bf.items if i.status is status]) for status in Status] for bf in public.branches]
    return render_template("article.html.j2", f=public, board=public.board, ev=public.evaluation, approval=approval,
                           preview_mark=PREVIEW_MARK, groups=groups)
