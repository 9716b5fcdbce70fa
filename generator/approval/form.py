"""The 党务公开审批表: the paper form the reviewer and approver sign and the office files (登记归档).

It names the organisation, period and audience, every entry added, changed
(old → new) or removed since the last approval — earlier periods included,
with their text — and the whole fingerprint, which ``approvals.yml`` records
too: the filed paper and the publish gate can be matched line for line.
Printed to A4 by the same Chromium as ``board pdf``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from generator.approval.approved import Entry
from generator.approval.state import State
from generator.approval.wording import entry_lines
from generator.board.figures import visible
from generator.board.pages import render_template
from generator.content.model import Content
from generator.shell import safe
from generator.site.printing import to_pdf


def html(content: Content, current: State, entries: list[Entry]) -> str:
    """The form as one HTML page (autoescaped: a clerk's text is shown as typed, invisible characters spelled)."""
    audience = current.audience
    items = sum(visible(i, audience) for b in content.branches for i in b.items)
    last = current.last_approve
    since = (f"与上次审批（{last.on}，审批人 {last.by}）的内容对照" if last else
             "首次审批：列出全部内容")
    return render_template("approval_form.html.j2", organization=safe(content.board.organization),
                           period=safe(content.board.period), audience=f"{audience.label}版",
                           summary=f"{len(content.branches)} 个支部，{items} 项整改事项",
                           fingerprint=current.fingerprint, since=since, entries=entries, lines=_spelled_lines,
                           spelled=safe)


def _spelled_lines(entry: Entry) -> list[str]:
    """An entry's lines as ``board review`` shows them: a character that reorders or hides text (U+202E,
    U+200B) spelled out, so the paper signed shows what the file holds, not how a browser lays it out."""
    return [safe(line) for line in entry_lines(entry)]


def print_form(content: Content, current: State, entries: list[Entry], out: Path, browser: str | None = None) -> None:
    """Write the form to ``out`` as an A4 PDF (``printing.PrintError`` when no browser can print it)."""
    with tempfile.TemporaryDirectory(prefix="board-form-") as folder:
        page = Path(folder) / "form.html"
        page.write_text(html(content, current, entries), encoding="utf-8")
        to_pdf(page, out, paper="A4", browser=browser)
