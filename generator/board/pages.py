"""Figures → ``{page path: Markdown}`` through Jinja2 templates.

Text from content is plain text.  It only ever lands inside raw HTML blocks of
the Markdown, autoescaped, so Markdown, HTML and Jinja syntax typed by a clerk
(``|``, ``<script>``, ``{{ }}``, ``**``) is shown exactly as typed.  Page titles
go into front matter already HTML-escaped, because Material prints
``page.title`` without escaping it.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2
import yaml
from markupsafe import Markup, escape

from generator.board.figures import BranchFigures, Figures, ledger
from generator.board.footer import print_footer
from generator.board.periods import Links, item_anchor, record_anchor, row_anchor
from generator.board.qr import code_for
from generator.content import fieldtypes, schema
from generator.content.dates import chinese
from generator.content.model import Item, Status
from generator.speed import Memo

GRADE_LABELS = tuple((key, schema.EVALUATION[key].label) for key in schema.GRADES)
STATUS_MARKS = dict(zip((s.key for s in Status), "○◐●✔", strict=True))  # print and screen readers tell them apart
# The templates' names for things, from the declaration: ``label.item.problem`` is 问题 (the site's word),
# ``header.item.problem`` 存在问题 (the sheet's, used on the printed board); ``label.counts`` names the item counts.
LABELS = {
    **{record.name.lower(): record.labels() for record in schema.RECORDS},
    "counts": schema.ITEM_COUNT_LABELS, "people": schema.PEOPLE_COUNT_LABELS, "status": {s.key: s.label for s in Status},
}
HEADERS = {record.name.lower(): {f.name: f.header for f in record.fields} for record in schema.RECORDS}
# Every record's declaration by the templates' name for it (``records.item``): ``_macros.md.j2`` ``rest`` shows
# the declared fields a template does not lay out itself, so a new field appears without a template line.
RECORDS = {record.name.lower(): record for record in schema.RECORDS}
# The order the overview, the printed board and the branch pages list the item counts in: finished first.
COUNT_COLUMNS = ("total", *(s.key for s in Status if s.finished), *(s.key for s in reversed(Status) if not s.finished),
                 "overdue")
NO_SHARES = dict.fromkeys(schema.GRADES)  # the report's shares when nobody was graded
Beside = Callable[[Callable[[], dict[str, str]]], Callable[[], dict[str, str]]]  # see ``speed.beside``
LEDGER_PAGE_ROWS = 1000  # rows per ledger page: a bureau's ledger is one page


# Whatever str.splitlines() breaks at, and tabs.
_SPECIAL = re.compile("[\t\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")


def _plain(value: object) -> object:
    """Every ``{{ value }}`` that is text: escaped, tabs as ``&#9;`` (Markdown would
    expand them), line breaks as ``<br>``.  Applied by the environment, so no
    template can forget it.  Each distinct text is escaped once per build (an
    item's texts appear on its branch page, in the ledger and in print)."""
    if type(value) is not str:
        return value if not isinstance(value, str) or isinstance(value, Markup) else _escaped(value)
    found = _ESCAPED.get(value)
    if found is None:
        found = _ESCAPED[value] = _escaped(value)
    return found


_ESCAPED: dict[str, Markup] = {}  # emptied by each ``render_pages``


def _escaped(value: str) -> Markup:
    if not _SPECIAL.search(value):  # nearly every value: one line, no tabs
        return escape(value)
    lines = (str(escape(line)).replace("\t", "&#9;") for line in value.splitlines() or [""])
    return Markup("<br>".join(lines))


def _meta_text(text: str) -> Markup:
    """A front-matter value: HTML-escaped (see module doc), then a double-quoted YAML scalar."""
    quoted = yaml.safe_dump(str(escape(text)), default_style='"', allow_unicode=True, width=float("inf"))
    return Markup(quoted.strip())


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _cn_date(value: dt.date | str) -> str:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return chinese(value)


def _display(value: object, field: schema.Field) -> object:
    """A declared field's value as a reader sees it (``fieldtypes.shown``), for the templates' ``display`` filter."""
    return fieldtypes.shown(field, value)


def person_anchor(number: int) -> str:
    """A person's row on the branch page (``people`` is ordered as written; names may repeat or change)."""
    return record_anchor(schema.PERSON, number)


def _css_string(text: str) -> Markup:
    """A CSS string literal that shows ``text`` as typed, safe inside ``<style>`` (no < > & " \\ raw)."""
    def char(c: str) -> str:
        return f"\\{ord(c):x} " if c in '"\\<>&\'' or ord(c) < 0x20 or c in "\x7f\u2028\u2029" else c

    return Markup('"' + "".join(char(c) for c in text) + '"')


def carried_sentence(figures: Figures) -> str | None:
    """The carry-over line (上年度整改落实情况) of the overview, the screen and the print page; None without a previous period."""
    previous, c = figures.previous, figures.carried
    if previous is None:
        return None
    if not c.total:
        return f"{previous.period}没有结转到本年度的{'公开' if figures.audience.key == 'public' else ''}整改事项。"
    return f"{previous.period}结转事项 {c.total} 项：已完成 {c.done} 项，已销号 {c.closed} 项，仍在整改 {c.open} 项。"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_plain,
    )
    env.filters.update(meta_text=_meta_text, pct=_pct, cn_date=_cn_date, css_string=_css_string, anchor=item_anchor,
                       display=_display, person_anchor=person_anchor, row_anchor=row_anchor)
    env.globals.update(marks=STATUS_MARKS, grades=GRADE_LABELS, label=LABELS, header=HEADERS, records=RECORDS,
                       statuses=tuple(Status), count_columns=COUNT_COLUMNS, no_shares=NO_SHARES,
                       carried_sentence=carried_sentence, print_footer=print_footer)
    return env


_ENV = _environment()


def _url_from(page: str):
    """Relative links for directory URLs (``branches/x.md`` is served at ``branches/x/``).

    ``page`` is the path within its period: ``url(target)`` leads to ``target``
    of the same period, wherever the period's pages sit (see ``_site_from``).
    """
    stem = page.removesuffix(".md")
    folder = "" if stem == "index" else stem.removesuffix("/index")
    depth = folder.count("/") + 1 if folder else 0

    def url(target: str) -> str:
        return posixpath.join("../" * depth, target) or "./"

    return url


def render_template(template: str, **context) -> str:
    """Any template of ``templates/`` with the pages' environment (escaping, filters, labels); not a page."""
    return _ENV.get_template(template).render(**context)


def _site_from(page: str, base: str = ""):
    """``site(target)``: a relative link to ``target`` from the site root (another period's page);
    the period's pages sit under ``base`` (``""``, or ``archive/<id>/`` for an earlier period)."""
    return _url_from(base + page)


def _render(template: str, page: str, base: str = "", **context) -> str:
    return _ENV.get_template(template).render(url=_url_from(page), site=_site_from(page, base), **context)


def _per_branch(memo: Memo | None, name: str, figures: Figures, bf: BranchFigures, place: str,
                render: Callable[[jinja2.Template], object], links: Links | None = None) -> object:
    """One branch's fragment from template ``name`` for ``place`` (a page, or a depth), through the memo if any.

    What it depends on is the memo's key: the branch's file (``Branch.key``), the
    templates' sources, the date, the audience, the place (``figures.branch_figures``)
    and what links across periods (``links``).
    """
    template = _ENV.get_template(name)
    if memo is None or not bf.branch.key:
        return render(template)
    key = (bf.branch.key, name, _template_source(name), place, figures.as_of, figures.audience,
           links.token if links else "")
    return memo.fragment(key, lambda: render(template))


def _template_source(name: str) -> tuple[str, ...]:
    """The source of template ``name``, of the macros it imports and of the section templates a branch page
    includes (``sections/``), hashed (read again once edited)."""
    paths = [Path(_ENV.get_template(n).filename) for n in (name, "_macros.md.j2")]
    paths += sorted(paths[0].parent.joinpath("sections").glob("*.md.j2"))
    return tuple(_digest(path, path.stat().st_mtime_ns) for path in paths)


@functools.lru_cache(maxsize=64)
def _digest(path: Path, mtime_ns: int) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


def branch_page(figures: Figures, index: int, memo: Memo | None = None, links: Links | None = None) -> tuple[str, str]:
    bf = figures.branches[index]
    path = f"branches/{bf.branch.id}.md"
    base = links.here.root if links else ""
    context = dict(url=_url_from(path), site=_site_from(path, base), bf=bf, branch=bf.branch, ev=bf.evaluation,
                   links=links, archived=bool(links and not links.here.current), board=figures.board)
    return base + path, _per_branch(memo, "branch.md.j2", figures, bf, path, lambda t: t.render(context), links)


def render_pages(figures: Figures, *, history: list[dict] | None = None,
                 ledger_page_rows: int = LEDGER_PAGE_ROWS, memo: Memo | None = None,
                 links: Links | None = None, signed: dict[str, str] | None = None,
                 preview: bool = False, public: Figures | None = None, site_url: str = "",
                 beside: Beside = lambda make: make) -> dict[str, str]:
    """Every Markdown page of the site, keyed by its path under the docs folder.

    ``signed``: who reviewed and approved it (``approval.State.view``); ``preview``: not approved.
    ``public``: the public figures, for the printed board (``render_print``; none without them).
    ``beside``: how the ledger and the printed board are made while the branch pages are
    (``speed.beside``: in one other process, on the other core).
    """
    _ESCAPED.clear()  # texts of the last build (serve) need not stay
    common = dict(f=figures, board=figures.board, party=figures.audience.key == "party", signed=signed,
                  preview=preview, links=links, archived=False)
    ev = figures.evaluation
    history = history or []
    pages = {
        "index.md": _render("overview.md.j2", "index.md", ev=ev, recent=history[0] if history else None, **common),
        "changes.md": _render("changes.md.j2", "changes.md", history=history, **common),
        "screen.md": _render("screen.md.j2", "screen.md", **common),
    }
    rest = beside(lambda: {**ledger_pages(figures, ledger_page_rows, common, memo),
                           **(render_print(public, memo, site_url, signed, preview) if public else {})})
    branches = dict(branch_page(figures, i, memo, links) for i in range(len(figures.branches)))
    return {**pages, **rest(), **branches}


def render_archive(figures: Figures, links: Links, ledger_page_rows: int = LEDGER_PAGE_ROWS) -> dict[str, str]:
    """An earlier period, read-only, under ``archive/<id>/``: overview, ledger and branch pages."""
    base = links.here.root
    common = dict(f=figures, board=figures.board, party=figures.audience.key == "party", links=links, archived=True,
                  signed=None, preview=False)  # an archived period's sign-off is its own year's, not shown again
    pages = {f"{base}index.md": _render("overview.md.j2", "index.md", base, ev=figures.evaluation, recent=None, **common)}
    pages.update((base + path, text) for path, text in ledger_pages(figures, ledger_page_rows, common, None, base).items())
    pages.update(branch_page(figures, i, None, links) for i in range(len(figures.branches)))
    return pages


def ledger_page_path(number: int) -> str:
    """The ledger's first page is ``/ledger/``, the next ones ``/ledger/2/``, ``/ledger/3/`` …"""
    return "ledger.md" if number == 1 else f"ledger/{number}.md"


def ledger_page_number(path: str) -> int | None:
    """Which ledger page ``path`` is (the inverse of ``ledger_page_path``), or None."""
    if path == ledger_page_path(1):
        return 1
    match = re.fullmatch(r"ledger/([1-9][0-9]*)\.md", path)
    return int(match.group(1)) if match and match.group(1) != "1" else None


def ledger_pages(figures: Figures, rows_per_page: int, common: dict, memo: Memo | None = None,
                 base: str = "") -> dict[str, str]:
    """The ledger in pages of ``rows_per_page`` rows (one page for a bureau; a city's would be tens of MB)."""
    rows = ledger(figures)
    count = max(1, math.ceil(len(rows) / rows_per_page))
    made: dict[tuple[str, str], dict[str, Markup]] = {}
    pages = {}
    for number in range(1, count + 1):
        path = ledger_page_path(number)
        first = (number - 1) * rows_per_page
        pager = Pager(number, count, first + 1, min(first + rows_per_page, len(rows)), len(rows))
        shown = _ledger_rows(figures, rows[first:first + rows_per_page], path, memo, made)
        pages[path] = _render("ledger.md.j2", path, base, rows=shown, pager=pager, **common)
    return pages


def _ledger_rows(figures: Figures, rows: list[tuple[BranchFigures, Item]], page: str, memo: Memo | None,
                 made: dict[tuple[str, str], dict[str, Markup]]) -> list[Markup]:
    """Each row's HTML (``ledger_rows.md.j2``), in ledger order, each rendered once.

    A row depends on its branch and on how deep its page sits (its link is
    relative), not on which page it is on: rows are kept per branch and depth
    in ``made`` (this build) and in the memo (serve rebuilds), filled as pages
    need them.
    """
    url = _url_from(page)
    depth = url("")
    module = _ENV.get_template("ledger_rows.md.j2").make_module({"url": url})
    shown = []
    for bf, item in rows:
        kept = made.get((bf.branch.id, depth))
        if kept is None:
            kept = made[bf.branch.id, depth] = _per_branch(memo, "ledger_rows.md.j2", figures, bf, depth, lambda _: {})
        row = kept.get(item.id)
        if row is None:
            row = kept[item.id] = module.row(bf, item)
        shown.append(row)
    return shown


@dataclass(frozen=True)
class Pager:
    """Where one ledger page is among all of them."""

    number: int
    count: int
    first_row: int
    last_row: int
    total_rows: int

    @staticmethod
    def target(number: int) -> str:
        """Page ``number``'s address from the site root, for the templates' ``url()``."""
        return ledger_page_path(number).removesuffix(".md") + "/"


def render_print(public: Figures, memo: Memo | None = None, site_url: str = "", signed: dict[str, str] | None = None,
                 preview: bool = False) -> dict[str, str]:
    """The bulletin-board document ``/print/``; given the public figures only.

    With ``site_url`` each branch's page carries a QR code of its address on the site.
    ``signed``: who reviewed and approved it; ``preview``: not approved (marked on every printed page).
    """
    if public.audience.key != "public":
        raise ValueError("the printed bulletin board shows the public board only")
    sections = [_per_branch(memo, "print_branch.md.j2", public, bf, f"print.md {site_url}",
                            lambda t, bf=bf: Markup(t.render(bf=bf, qr=code_for(site_url, f"branches/{bf.branch.id}/"))))
                for bf in public.branches]
    return {"print.md": _render("print.md.j2", "print.md", f=public, board=public.board, ev=public.evaluation,
                                sections=sections, signed=signed, preview=preview)}
