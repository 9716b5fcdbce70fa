"""The pure core in one call: content folder → problems, figures, pages.

The MkDocs plugin and the CLI are thin shells around these two functions.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path

from generator import __version__, names, speed
from generator.approval import fingerprints
from generator.approval import log as approvals
from generator.approval import state as approval
from generator.board import changes, checks, periods
from generator.board.figures import Figures, compute
from generator.board.pages import LEDGER_PAGE_ROWS, render_archive, render_pages
from generator.board.screen import ScreenSettings, screen_files
from generator.board.sitedata import render_data
from generator.content.dates import DateError, parse_date
from generator.content.load import load_content
from generator.content.model import Audience, Content, Problem, Severity
from generator.content.schema import parse_choice
from generator.speed import Memo

AS_OF_RANGE = (dt.date(1970, 1, 1), dt.date(2099, 12, 31))  # page dates, sitemap and archive times must fit


NOT_FINGERPRINTED = {"fingerprint": False}  # an ``Options`` field left out of its fingerprint


class OptionError(ValueError):
    """An option (CLI flag, plugin setting, environment variable) that makes no sense."""


@dataclass(frozen=True)
class Options:
    """Everything a build depends on besides the content; made once per run (``make_options``).

    Every field changes the output and so is part of ``fingerprint``, unless
    declared with ``metadata=NOT_FINGERPRINTED`` (where the content is, what the
    last output left: they are the content's side of a build id).
    """

    content_dir: Path = field(metadata=NOT_FINGERPRINTED)
    audience: Audience = Audience.PUBLIC
    as_of: dt.date = field(default_factory=dt.date.today)
    excellent_ceiling: float = checks.DEFAULT_EXCELLENT_CEILING
    screen: ScreenSettings = field(default_factory=ScreenSettings)
    previous: changes.Previous = field(default_factory=changes.Previous, metadata=NOT_FINGERPRINTED)
    ledger_page_rows: int = LEDGER_PAGE_ROWS
    site_url: str = ""  # where the site is published: QR codes on print and screen point there
    approval: bool = True  # the gate (`approval: off`: pages are previews; refused where a release root had approval)

    def fingerprint(self) -> str:
        """Everything besides the content that changes the output: the generator's version and every field."""
        values = (getattr(self, f.name) for f in fields(self) if f.metadata.get("fingerprint", True))
        return "|".join([__version__, *(v.key if isinstance(v, Audience) else str(v) for v in values)])


def make_options(content_dir: str | Path, *, audience: str | None = None, as_of: str | None = None,
                 excellent_ceiling: float | None = None, screen: ScreenSettings | None = None,
                 previous: changes.Previous | None = None, ledger_page_rows: int | None = None,
                 site_url: str | None = None, approval: bool = True) -> Options:
    """Options from the strings users type; empty means default."""
    chosen = parse_choice(audience, Audience) if audience else Audience.PUBLIC
    if chosen is None:
        raise OptionError(f"audience 只能是 public（公开）或 party（党内），不能是“{audience}”")
    try:
        day = parse_date(as_of) if as_of else dt.date.today()
    except DateError as exc:
        raise OptionError(f"as-of：{exc}") from None
    if not AS_OF_RANGE[0] <= day <= AS_OF_RANGE[1]:
        raise OptionError(f"as-of（数据日期）{day.isoformat()} 不在 {AS_OF_RANGE[0].year} 年到 {AS_OF_RANGE[1].year} 年之间")
    if screen is not None and (why := screen.problem()):
        raise OptionError(why)
    ceiling = checks.DEFAULT_EXCELLENT_CEILING if excellent_ceiling is None else excellent_ceiling
    rows = LEDGER_PAGE_ROWS if ledger_page_rows is None else ledger_page_rows
    if rows < 1:
        raise OptionError(f"ledger_page_rows（整改台账每页行数）至少是 1，不能是 {rows}")
    return Options(Path(content_dir), chosen, day, ceiling, screen or ScreenSettings(), previous or changes.Previous(),
                   rows, site_url or "", approval)


@dataclass(frozen=True)
class Checked:
    content: Content | None
    problems: list[Problem]
    log: approvals.Log | None = None  # approvals.yml (None: the gate is off)
    approval: approval.State | None = None  # where this audience's content stands (None: gate off, or errors)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]


def validate(options: Options, progress: Callable[[int, int], None] | None = None,
             today: dt.date | None = None) -> Checked:
    """Load and check the content and its approvals: every problem at once, sorted by file and line."""
    content, problems = load_content(options.content_dir, progress)
    if content is not None:
        problems = problems + checks.check(content, options.as_of, options.excellent_ceiling)
    if not options.approval:
        return Checked(content, sorted(problems))
    log, found = approvals.load(options.content_dir, names.display_path(options.content_dir / approvals.FILE_NAME),
                               today or dt.date.today())
    problems += found
    state = None
    if content is not None and not any(p.severity is Severity.ERROR for p in problems):
        state = approval.state(content, log, options.audience)
        problems += approval.content_problems(content, log, state)
    return Checked(content, sorted(problems), log, state)


@dataclass(frozen=True)
class Archive:
    """An earlier period's read-only pages under ``archive/<id>/``, rendered only when asked for.

    ``key`` names exactly what they show (that period's content and the ones
    before it, what the following period carried, the period list, the
    audience, the options, the generator's version): a shell may keep the
    output made from them and reuse it while the key stays the same.
    """

    id: str
    period: str
    root: str
    key: str
    render: Callable[[], dict[str, str]] = field(compare=False, repr=False)


@dataclass(frozen=True)
class Site:
    checked: Checked
    figures: Figures | None
    pages: dict[str, str]
    data: dict[str, str]
    build: str = ""
    signed: dict[str, str] | None = None  # who reviewed and approved what this site shows (None: not approved)
    preview: bool = False  # the gate is on and the content is not approved: every page says 预览稿
    archives: tuple[Archive, ...] = ()
    notes: tuple[str, ...] = ()  # what the user should know about this build (a change log started afresh)

    def all_pages(self) -> dict[str, str]:
        """The current period's pages and every archived period's (``board render``)."""
        pages = dict(self.pages)
        for archive in self.archives:
            pages.update(archive.render())
        return pages


def generate(options: Options, memo: Memo | None = None, checked: Checked | None = None) -> Site:
    """Everything the site needs, or no pages at all when the content has errors.

    ``memo``: what the last build rendered per branch (``mkdocs serve``; see ``speed.Memo``).
    ``checked``: ``validate(options)`` when the caller has it already (one validation per build).
    """
    checked = checked or validate(options)
    if checked.errors or checked.content is None:
        return Site(checked, None, {}, {})
    content = checked.content
    figures = compute(content, options.audience, options.as_of)
    public = figures if options.audience is Audience.PUBLIC else compute(content, Audience.PUBLIC, options.as_of)
    signed, preview = signoff(checked, options)
    build = build_id(checked, options, signed)
    snapshot = changes.snapshot(figures)
    # The new entry registers who reviewed and approved the version it describes.
    history = changes.carry(options.previous, snapshot, options.as_of.isoformat(), build, signed)
    links = periods.links(content, options.audience)
    big = memo is None and len(figures.branches) >= speed.BIG_BOARD  # a big one-off build: use both cores
    pages = render_pages(figures, history=history, ledger_page_rows=options.ledger_page_rows, memo=memo, links=links[0],
                         signed=signed, preview=preview, public=public, site_url=options.site_url,
                         beside=lambda make: speed.beside(make, big))
    if memo is not None:
        memo.finish()
    data = {
        **render_data(figures, signed, options.site_url),
        **screen_files(public, options.screen, build, options.site_url, signed=signed, preview=preview),
        changes.SNAPSHOT_PATH: _json(snapshot),
        changes.CHANGES_PATH: _json(history),
        changes.BUILD_PATH: _json({"build": build, "as_of": options.as_of.isoformat(), "audience": options.audience.key,
                                   "organization": content.board.organization}),
    }
    notes = tuple(filter(None, [changes.fresh_start(options.previous, content.board.organization)]))
    return Site(checked, figures, pages, data, build, signed, preview, archives(content, options, links, signed), notes)


def archives(content: Content, options: Options, links: list[periods.Links],
             signed: dict[str, str] | None) -> tuple[Archive, ...]:
    """Every earlier period of ``content``, newest first, each shown as of its own last date.

    Their pages carry the site's marks too (预览稿, or who approved) and its address
    (canonical links, QR codes): the key names both, so kept pages never outlive them.
    """
    found = []
    for period, link in zip(periods.chain(content)[1:], links[1:], strict=True):
        day = periods.archive_date(period, options.audience)
        key = names.build_id(period.digest, link.token, options.audience.key, day.isoformat(),
                             str(options.ledger_page_rows), __version__, options.site_url, _json(signed),
                             str(options.approval))

        def render(period: Content = period, link: periods.Links = link, day: dt.date = day) -> dict[str, str]:
            return render_archive(compute(period, options.audience, day), link, options.ledger_page_rows)

        found.append(Archive(period.board.period_id, period.board.period, link.here.root, key, render))
    return tuple(found)


def signoff(checked: Checked, options: Options) -> tuple[dict[str, str] | None, bool]:
    """(who reviewed and approved, or None; whether the site is a preview) for checked content.

    Without the gate (``approval: off``) nothing is approved: every page says 预览稿.
    """
    if not options.approval:
        return None, True
    signed = checked.approval.view() if checked.approval is not None else None
    return signed, signed is None


def build_id(checked: Checked, options: Options, signed: dict[str, str] | None = None) -> str:
    """The id of what this checked content, these options and this sign-off build (without building it).

    Made from what the audience sees (``fingerprints``), not from the files' bytes: the id a
    public site shows must not change when only 党内 content does.  The approval state has
    that print already (``validate``); only without the gate is it made here.
    """
    if checked.approval is not None:
        seen = checked.approval.fingerprint
    else:
        seen = fingerprints.content_fingerprint(checked.content, options.audience)[0]
    return names.build_id(seen, options.fingerprint(), _json(signed))


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
