"""What changed since the previous output: the board's change log (最近更新, ``/changes/``).

Each build leaves a snapshot of what it showed (``data/snapshot.json``) and
the history so far (``data/changes.json``).  The next build compares its own
snapshot with the previous one and, if anything changed, adds one entry.
Entries are dated by the data's as-of date and carry the build id, never the
wall clock, so the same content gives the same bytes.

What is carried is keyed by organisation and audience (``carry``): a build
reads only what a build of the same organisation for its own audience left
(a new bureau built over the sample's output starts afresh, ``fresh_start``
says so), and keeps an item's text only while it shows that item itself.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.board.figures import BranchFigures, Figures
from generator.content import schema

MAX_ENTRIES = 50
APPROVAL_KEYS = ("reviewed_by", "reviewed_on", "approved_by", "approved_on")
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
    **schema.PEOPLE_COUNT_LABELS,
}
NOT_GIVEN = "未填写"
# How a removed record other than a branch's own item is named: never by its name or text, as it may now be
# 党内 (a person made 党内 showed by name in the public change log).  Its ``kind`` is its record type's.
GONE = {"person": "一位班子成员或党员的承诺", "personal": "一项个人整改事项",
        **{r.name.lower(): f"一项{r.what.strip()}" for r in schema.RECORDS if r not in (schema.PERSON, schema.PERSONAL_ITEM)}}
KINDS = {schema.PERSON.name: "person", schema.PERSONAL_ITEM.name: "personal"}  # as snapshots already name them


def _entries(bf: BranchFigures) -> Iterator[tuple[str, dict[str, str]]]:
    """What the change log follows of one branch as shown: every record of every list the branch holds
    (``schema``), at every depth.  A record with a status (an item, a person's item: named ``罗某某/01``) is
    followed by its status; any other (a person: key ``~罗某某``) by its last searched field (践诺情况)."""
    numbers = {f"{pf.person.name}/{item.id}": f"{pf.person.name}/{pf.number(item)}"
               for pf in bf.people for item in pf.items}
    numbers.update(bf.numbers)
    for name, record, obj in _records(schema.BRANCH, bf.branch, ""):
        shown = numbers.get(name, name)  # keyed as the audience reads it: a public file id (a/04) betrays a/02, a/03
        key = f"{bf.branch.id}/{shown if 'id' in record else '~' + name}"
        kind = {} if record is schema.ITEM else {"kind": KINDS.get(record.name, record.name.lower())}
        yield key, {"branch": bf.branch.name, "id": shown, **_state(record, obj), **kind}


def _records(record: schema.Record, obj: object, prefix: str) -> Iterator[tuple[str, schema.Record, object]]:
    """(name within the branch, record type, record) of every record ``obj`` holds, nested ones after their holder."""
    for field in record.lists():
        held = field.record
        for child in getattr(obj, field.name):
            name = prefix + (child.id if "id" in held else str(getattr(child, held.fields[0].name)))
            yield name, held, child
            yield from _records(held, child, f"{name}/")


def _state(record: schema.Record, obj: object) -> dict[str, str]:
    """A record as the change log compares it: ``problem`` its text, ``status`` what changes as it is done."""
    if "status" in record:
        return {"problem": obj.problem[:60], "status": obj.status.label}
    texts = [f for f in record.searched() if f.type == "text"][1:]  # after the title (a person's name)
    if not texts:
        return {"problem": "", "status": ""}
    *described, last = texts
    problem = "；".join(f"{f.label}：{getattr(obj, f.name)}" for f in described if getattr(obj, f.name))
    return {"problem": problem[:60], "status": f"{last.label}：{getattr(obj, last.name) or NOT_GIVEN}"[:60]}


def snapshot(figures: Figures) -> dict[str, Any]:
    """What this build shows, reduced to what the change log compares."""
    items = dict(entry for bf in figures.branches for entry in _entries(bf))
    ev = figures.evaluation
    every = {**ev.counts, "participation_rate": ev.participation_rate, **figures.counts.as_dict(),
             **figures.people.as_dict()}
    totals = {key: every[key] for key in FIGURE_LABELS}
    return {"audience": figures.audience.key, "organization": figures.board.organization, "items": items,
            "totals": totals}


def entry(previous: dict[str, Any] | None, current: dict[str, Any], as_of: str, build: str) -> dict[str, Any] | None:
    """One change-log entry, or None when nothing changed (or there is nothing to compare with).

    Items removed (or no longer public) are named by branch and number only: their text
    may not be for this audience any more; a person or a personal item not even by the
    person's name (a person made 党内 shows nothing of themselves).
    """
    if not previous or previous.get("audience") != current["audience"]:
        return None
    old, new = previous.get("items", {}), current["items"]
    pairs = _paired(old, new)
    added = [{**new[k], "key": k} for k in new if k not in pairs]
    removed = [{"branch": old[k]["branch"], "id": _gone_name(k, old[k])} for k in old if k not in pairs.values()]
    status = [{**new[k], "key": k, "from": old[o]["status"], "to": new[k]["status"]}
              for k, o in pairs.items() if old[o]["status"] != new[k]["status"]]
    figures = [{"name": FIGURE_LABELS[k], "from": previous.get("totals", {}).get(k), "to": v}
               for k, v in current["totals"].items() if previous.get("totals", {}).get(k) != v]
    if not (added or removed or status or figures):
        return None
    return {"as_of": as_of, "build": build, "audience": current["audience"], "added": added[:MAX_LISTED],
            "removed": removed[:MAX_LISTED], "status": status[:MAX_LISTED], "figures": figures,
            "counts": {"added": len(added), "removed": len(removed), "status": len(status)}}


def _paired(old: dict[str, dict[str, str]], new: dict[str, dict[str, str]]) -> dict[str, str]:
    """Each new record's counterpart in the previous snapshot (new key → old key): the same key and text; else
    the same text in the same branch (public 序号 shift when an item is added or removed above); else the same key
    (reworded in place)."""
    pairs = {k: k for k in new if k in old and old[k]["problem"] == new[k]["problem"]}
    free = {(v["branch"], v["problem"], k.split("/", 1)[0]): k for k, v in old.items() if k not in pairs}
    for k in [k for k in new if k not in pairs]:
        found = free.pop((new[k]["branch"], new[k]["problem"], k.split("/", 1)[0]), None)
        if found is not None:
            pairs[k] = found
    taken = set(pairs.values())
    pairs.update({k: k for k in new if k not in pairs and k in old and k not in taken})
    return pairs


def _gone_name(key: str, shown: dict[str, str]) -> str:
    """How the change log names a removed entry (a snapshot older than ``kind`` marks a person by ``/~``)."""
    kind = shown.get("kind") or ("person" if "/~" in key else None)
    return GONE.get(kind, shown["id"])


def history(previous: tuple[dict[str, Any], ...] | list[dict[str, Any]] | None,
            new: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Newest first, at most ``MAX_ENTRIES``."""
    entries = list(previous or [])
    if new is not None:
        entries.insert(0, new)
    return entries[:MAX_ENTRIES]


def carry(previous: Previous, current: dict[str, Any], as_of: str, build: str,
          approval: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The change log this build shows, rebuilt from what its audience may see.

    Only an output this audience wrote is compared with or carried forward (a
    public build never reads what a party build left), only entries this audience
    wrote are kept, and an item's text stays in an old entry only while this
    build shows that very item with that very text: an item made 党内 later, or
    renumbered, or reworded, is no longer listed (the entry's counts remain).
    """
    audience = current["audience"]
    if previous.audience != audience or previous.organization != current["organization"]:
        previous = Previous()
    shown = current["items"]
    kept = [_visible(e, shown) for e in previous.history if e["audience"] == audience]
    new = entry(previous.snapshot, current, as_of, build)
    if new is not None and approval is not None:  # who reviewed and approved this version (approval.State.view)
        new["approval"] = dict(approval)
    return history(kept, new)


def fresh_start(previous: Previous, organization: str) -> str | None:
    """Why this build's change log starts afresh although the output folder held a build, or None.

    History belongs to one organisation: another bureau's (or an older build that
    named none) is never compared with nor carried.
    """
    if previous.snapshot is None or previous.organization == organization:
        return None
    whose = f"另一单位“{previous.organization}”" if previous.organization else "旧版本程序（没有记下单位名称）"
    return f"输出文件夹里原来是{whose}的网站：更新记录从这次生成重新开始，不沿用原来的记录。"


def _visible(entry: dict[str, Any], shown: dict[str, dict[str, Any]]) -> dict[str, Any]:
    def still_shown(c: dict[str, Any]) -> bool:
        item = shown.get(c["key"])
        return item is not None and item["problem"] == c["problem"] and item["branch"] == c["branch"]

    return {**entry, "added": [c for c in entry["added"] if still_shown(c)],
            "status": [c for c in entry["status"] if still_shown(c)]}


@dataclass(frozen=True)
class Previous:
    """What the previous output left: who it was for, its snapshot and its history (all may be missing).

    Everything is checked for shape when read: a damaged or hand-edited file counts as missing.
    """

    audience: str | None = None
    snapshot: dict[str, Any] | None = None
    history: tuple[dict[str, Any], ...] = ()
    organization: str | None = None  # whose board it was (older outputs named none: never carried)


def read_previous(folder: Path) -> Previous:
    """What a previous output folder left (nothing, if it left none or its audience is unclear)."""
    def load(name: str) -> Any:
        try:
            return json.loads((folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return None

    build, snapshot, history = load(BUILD_PATH), _snapshot(load(SNAPSHOT_PATH)), load(CHANGES_PATH)
    audience = build.get("audience") if isinstance(build, dict) else None
    if audience not in ("public", "party") or snapshot is None or snapshot["audience"] != audience:
        return Previous()
    entries = tuple(e for e in map(_entry, history if isinstance(history, list) else []) if e is not None)
    organization = build.get("organization")
    return Previous(audience, snapshot, entries[:MAX_ENTRIES], organization if _text(organization) else None)


def _text(value: Any) -> bool:
    return isinstance(value, str)


def _count(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _snapshot(data: Any) -> dict[str, Any] | None:
    """A snapshot as ``snapshot`` makes it, or None."""
    if not isinstance(data, dict) or not _text(data.get("audience")):
        return None
    items, totals = data.get("items"), data.get("totals")
    if not isinstance(items, dict) or not isinstance(totals, dict):
        return None
    fields = ("branch", "id", "problem", "status")
    if not all(isinstance(i, dict) and all(_text(i.get(f)) for f in fields) for i in items.values()):
        return None
    if not all(v is None or _count(v) for v in totals.values()):
        return None
    organization = data.get("organization")
    return {"audience": data["audience"], "organization": organization if _text(organization) else None,
            "items": items, "totals": totals}


def _entry(data: Any) -> dict[str, Any] | None:
    """One change-log entry as ``entry`` makes it, or None (older entries name no audience: dropped)."""
    if not isinstance(data, dict) or not all(_text(data.get(f)) for f in ("as_of", "build", "audience")):
        return None
    try:
        dt.date.fromisoformat(data["as_of"])
    except ValueError:
        return None
    shapes = {
        "added": ("key", "branch", "id", "problem", "status"),
        "status": ("key", "branch", "id", "problem", "status", "from", "to"),
        "removed": ("branch", "id"),
    }
    lists = {}
    for kind, fields in shapes.items():
        value = data.get(kind)
        if not isinstance(value, list) or not all(
                isinstance(c, dict) and all(_text(c.get(f)) for f in fields) for c in value):
            return None
        lists[kind] = [{f: c[f] for f in fields} for c in value[:MAX_LISTED]]
    figures = data.get("figures")
    if not isinstance(figures, list) or not all(
            isinstance(c, dict) and _text(c.get("name")) and all(c.get(f) is None or _count(c.get(f))
                                                                 for f in ("from", "to")) for c in figures):
        return None
    counts = data.get("counts")
    if not isinstance(counts, dict) or not all(_count(counts.get(k)) for k in shapes):
        return None
    signed = data.get("approval")
    approval = ({"approval": {k: signed[k] for k in APPROVAL_KEYS}}
                if isinstance(signed, dict) and all(_text(signed.get(k)) for k in APPROVAL_KEYS) else {})
    return {"as_of": data["as_of"], "build": data["build"], "audience": data["audience"], **lists,
            "figures": [{f: c.get(f) for f in ("name", "from", "to")} for c in figures],
            "counts": {k: int(counts[k]) for k in shapes}, **approval}
