"""Data for the lobby screen (``/screen/``): small JSON files it loads as it rotates.

The screen page itself is a static shell (``theme/screen.html`` + ``assets/
screen.js``); everything it shows comes from here, always for the *public*
audience, so a party build's screen shows no party-only item either.  The
index is small and carries a build id the screen polls to notice a publish;
each branch is its own file, fetched when its slide comes up, so the page
stays light however many branches there are.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from generator.board.figures import BranchFigures, EvaluationFigures, Figures, ItemCounts, PersonFigures, ledger
from generator.board.pages import carried_sentence
from generator.board.qr import code_for
from generator.content import schema
from generator.content.model import Item, PersonalItem, Status

SCREEN_DIR = "data/screen"
OVERDUE_SHOWN = 100  # a lobby shows the longest-overdue items; the full list is on the site
ITEMS_SHOWN = 60  # per branch, overdue and open items first: a few slides, not 1,667 for a 10,000-item branch
THEMES = ("dark", "light")
SECONDS = (1, 3600)  # a slide's time on the screen, seconds: a browser timer past 2^31 ms fires at once
REFRESH = (5, 3600)  # how often the screen looks for a new publish, seconds


@dataclass(frozen=True)
class ScreenSettings:
    """Defaults for every screen; URL parameters override them per screen."""

    seconds: int = 15
    refresh: int = 300
    theme: str = "dark"
    scale: float = 1.0

    def problem(self) -> str | None:
        """Why these settings cannot drive a screen, or None (screen.js holds URL values to the same limits)."""
        for key, label, (low, high) in (("seconds", "每页停留秒数", SECONDS), ("refresh", "检查更新间隔秒数", REFRESH)):
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
                return f"screen.{key}（{label}）应在 {low} 到 {high} 之间，不能是 {value}"
        return None


def labels() -> dict:
    """What the screen calls things, from the declaration: the page's script types no label of its own."""
    return {
        "grades": [[key, schema.EVALUATION[key].label] for key in schema.GRADES],
        "status": {s.key: s.label for s in Status},
        "counts": schema.ITEM_COUNT_LABELS,
        "evaluation": schema.EVALUATION.labels(),
        "item": schema.ITEM.labels(),
        "person": schema.PERSON.labels(),
        "people": schema.PEOPLE_COUNT_LABELS,
    }


def _dump(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _counts(counts: ItemCounts, branches: list[BranchFigures]) -> dict:
    """The counts, plus the open items still within their deadline by status (the progress bar's parts)."""
    on_time = {status.key: 0 for status in (Status.IN_PROGRESS, Status.NOT_STARTED)}
    for bf in branches:
        for item in bf.items:
            if item.status.key in on_time and not bf.is_overdue(item):
                on_time[item.status.key] += 1
    return {**asdict(counts), "finished": counts.finished, "completion_rate": counts.completion_rate, "on_time": on_time}


def _evaluation(ev: EvaluationFigures | None) -> dict | None:
    if ev is None:
        return None
    return {**ev.counts, "full_members": ev.full_members, "participation_rate": ev.participation_rate,
            "shares": ev.shares, "opinions": ev.opinions}


def _item(bf: BranchFigures | PersonFigures, item: Item | PersonalItem) -> dict:
    return {
        "id": bf.number(item), "problem": item.problem, "owner": item.owner, "deadline": item.deadline.label,
        "status": item.status.key, "status_label": item.status.label, "overdue": bf.is_overdue(item),
    }


def _qr(site_url: str, path: str) -> dict | None:
    """A slide's QR code (``size`` and ``path``, drawn by screen.js), or None without ``site_url``."""
    code = code_for(site_url, path)
    return code.as_json() if code else None


def _person(pf: PersonFigures) -> dict:
    """One person's slide row: name, role, pledge, fulfilment and their own (public) items."""
    person = pf.person
    return {"name": person.name, "role": person.role or "", "pledge": person.pledge or "",
            "fulfilled": person.fulfilled or "", "counts": asdict(pf.counts), "finished": pf.counts.finished,
            "items": [_item(pf, item) for item in pf.items[:ITEMS_SHOWN]]}


def _branch(bf: BranchFigures, site_url: str) -> dict:
    first = sorted(range(len(bf.items)), key=lambda n: (not bf.is_overdue(bf.items[n]), bf.items[n].status.finished, n))
    return {
        "id": bf.branch.id, "name": bf.branch.name, "kind": bf.branch.kind.label,
        "evaluation": _evaluation(bf.evaluation), "counts": _counts(bf.counts, [bf]),
        "items": [_item(bf, bf.items[n]) for n in sorted(first[:ITEMS_SHOWN])],
        "people": [_person(pf) for pf in bf.people],
        "qr": _qr(site_url, f"branches/{bf.branch.id}/"),
    }


def screen_files(figures: Figures, settings: ScreenSettings, build: str, site_url: str = "",
                 signed: dict[str, str] | None = None, preview: bool = False) -> dict[str, str]:
    """``{path: JSON}`` for the screen; ``figures`` must be the public figures.

    ``build`` is the build id the screen polls: when it changes, the board was republished.
    With ``site_url`` every slide carries a QR code: a branch's slide its page, the
    overview the site, the overdue list the ledger.
    ``preview``: the content is not approved, the screen says 预览稿 (``signed``: who approved it).
    """
    if figures.audience.key != "public":
        raise ValueError("the lobby screen shows the public board only")
    files = {f"{SCREEN_DIR}/branches/{bf.branch.id}.json": _dump(_branch(bf, site_url)) for bf in figures.branches}
    overdue = [{"branch": bf.branch.name, **_item(bf, item)} for bf, item in ledger(figures) if bf.is_overdue(item)]
    files[f"{SCREEN_DIR}/overdue.json"] = _dump({"items": overdue[:OVERDUE_SHOWN], "total": len(overdue),
                                                 "qr": _qr(site_url, "ledger/")})
    index = {
        "organization": figures.board.organization,
        "period": figures.board.period,
        "as_of": figures.as_of.isoformat(),
        "settings": asdict(settings),
        "overview": {
            "branches": figures.branch_count, "temporary_branches": figures.temporary_count,
            "evaluated": figures.evaluated_count, "evaluation": _evaluation(figures.evaluation),
            "counts": _counts(figures.counts, list(figures.branches)),
            "people": figures.people.as_dict(),
            "carried": asdict(figures.carried) if figures.previous else None,
            "carried_line": carried_sentence(figures),
        },
        "branches": [bf.branch.id for bf in figures.branches],
        "pledges": [bf.branch.id for bf in figures.branches if bf.people],  # a 承诺公示 slide after the branch's
        "build": build,
        "labels": labels(),
        "qr": _qr(site_url, ""),
        "preview": preview,
        "approval": signed,
    }
    files[f"{SCREEN_DIR}/index.json"] = _dump(index)
    return files
