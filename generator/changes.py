"""What changed since the previous output: the board's change log (最近更新, ``/changes/``).

Each build leaves a snapshot of what it showed (``data/snapshot.json``) and
the history so far (``data/changes.json``).  The next build compares its own
snapshot with the previous one and, if anything changed, adds one entry.
Entries are dated by the data's as-of date and carry the build id, never the
wall clock, so the same content gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import schema
from .figures import Figures

MAX_ENTRIES = 50
MAX_LISTED = 100  # per kind and entry: a city-wide first publish must not make a 1 MB change log
SNAPSHOT_PATH = "data/snapshot.json"
CHANGES_PATH = "data/changes.json"
BUILD_PATH = "data/build.json"
# The evaluation figures and item counts the change log follows, with how it names them.
FIGURE_LABELS = {
    **{key: schema.EVALUATION[key].label for key in ("members", "participants")},
    "participation_rate": "参与率（%）",
    **{key: schema.EVALUATION[key].label for key in schema.GRADES},
    **schema.ITEM_COUNT_LABELS,
}


def snapshot(figures: Figures) -> dict[str, Any]:
    """What this build shows, reduced to what the change log compares."""
    items = {
        f"{bf.branch.id}/{item.id}": {"branch": bf.branch.name, "id": item.id, "problem": item.problem[:60],
                                      "status": item.status.label}
        for bf in figures.branches for item in bf.items
    }
    ev = figures.evaluation
    every = {**ev.counts, "participation_rate": ev.participation_rate, **figures.counts.as_dict()}
    totals = {key: every[key] for key in FIGURE_LABELS}
    return {"audience": figures.audience.key, "items": items, "totals": totals}


def entry(previous: dict[str, Any] | None, current: dict[str, Any], as_of: str, build: str) -> dict[str, Any] | None:
    """One change-log entry, or None when nothing changed (or there is nothing to compare with).

    Items removed (or no longer public) are named by branch and number only: their text
    may not be for this audience any more.
    """
    if not previous or previous.get("audience") != current["audience"]:
        return None
    old, new = previous.get("items", {}), current["items"]
    added = [new[k] for k in new if k not in old]
    removed = [{"branch": old[k]["branch"], "id": old[k]["id"]} for k in old if k not in new]
    status = [{**new[k], "from": old[k]["status"], "to": new[k]["status"]}
              for k in new if k in old and old[k]["status"] != new[k]["status"]]
    figures = [{"name": FIGURE_LABELS[k], "from": previous.get("totals", {}).get(k), "to": v}
               for k, v in current["totals"].items() if previous.get("totals", {}).get(k) != v]
    if not (added or removed or status or figures):
        return None
    return {"as_of": as_of, "build": build, "added": added[:MAX_LISTED], "removed": removed[:MAX_LISTED],
            "status": status[:MAX_LISTED], "figures": figures,
            "counts": {"added": len(added), "removed": len(removed), "status": len(status)}}


def history(previous: tuple[dict[str, Any], ...] | list[dict[str, Any]] | None,
            new: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Newest first, at most ``MAX_ENTRIES``."""
    entries = list(previous or [])
    if new is not None:
        entries.insert(0, new)
    return entries[:MAX_ENTRIES]


def build_id(*parts: str) -> str:
    """A short hash of the content's bytes and the options: same content, same id."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Previous:
    """What the previous output left: its snapshot and its change history (both may be missing)."""

    snapshot: dict[str, Any] | None = None
    history: tuple[dict[str, Any], ...] = ()


def read_previous(folder: Path) -> Previous:
    """The snapshot and history a previous output folder left (nothing, if it left none)."""
    def load(name: str) -> Any:
        try:
            return json.loads((folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    snapshot, history = load(SNAPSHOT_PATH), load(CHANGES_PATH)
    entries = [_with_counts(e) for e in history if isinstance(e, dict)] if isinstance(history, list) else []
    return Previous(snapshot if isinstance(snapshot, dict) else None, tuple(entries))


def _with_counts(entry: dict[str, Any]) -> dict[str, Any]:
    """Entries written before lists were capped carry no counts: count their lists."""
    kinds = ("added", "removed", "status")
    return {**entry, "counts": entry.get("counts") or {k: len(entry.get(k) or []) for k in kinds}}
