"""What the last approval signed for, kept beside the log, and what changed since, entry by entry.

``board approve`` keeps the content it approved, as each audience sees it
(``fingerprints.views``), in ``content/approved/<audience>.json``.  The next
review and the 审批表 compare with it, so a reviewer reads every entry added,
changed (old → new) or removed — in earlier periods too — with its text, not
only the names of the files that changed.  The copy is believed only where
its SHA-256 matches the print the approval record names: an edited or lost
copy makes the entries it would have shown read "旧内容无法核对".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.approval.fingerprints import digest, views
from generator.approval.log import Record, Step, append
from generator.approval.state import State
from generator.content import schema
from generator.content.model import Audience, Content, DeadlineKind
from generator.files import write_atomic

FOLDER = "approved"
_FILE_RECORDS = {"board.yml": schema.BOARD}


def path(content_dir: Path, audience: Audience) -> Path:
    return content_dir / FOLDER / f"{audience.key}.json"


def save(content_dir: Path, audience: Audience, views: dict[str, dict[str, Any]]) -> None:
    """Keep ``views`` as what was approved for ``audience`` (atomic: a crash keeps the old copy)."""
    write_atomic(path(content_dir, audience), json.dumps(views, ensure_ascii=False, sort_keys=True, indent=1) + "\n")


def register(content_dir: Path, content: Content, record: Record) -> Path:
    """Append ``record`` to the log; an approval also keeps what it approved (what the next review compares with)."""
    path = append(content_dir, record)
    if record.step is Step.APPROVE:
        save(content_dir, record.audience, views(content, record.audience))
    return path


def load(content_dir: Path, audience: Audience, record: Record | None) -> dict[str, dict[str, Any]]:
    """The kept views whose print is the one ``record`` approved (none without a record)."""
    if record is None:
        return {}
    try:
        kept = json.loads(path(content_dir, audience).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(kept, dict):
        return {}
    return {f: v for f, v in kept.items() if isinstance(v, dict) and record.files.get(f) == digest(v)}


@dataclass(frozen=True)
class Entry:
    """One entry (an item, a branch's own fields, board.yml) added, changed or removed."""

    file: str
    what: str  # 支部名称 序号 …, or 支部信息 / 公开栏信息
    kind: str  # 新增 | 修改 | 删除
    old: tuple[str, ...]  # "label：value" lines; empty when added or unknown
    new: tuple[str, ...]
    unknown: bool = False  # the old text could not be checked against the approval


def compare(old: dict[str, dict[str, Any]], old_prints: dict[str, str] | None,
            new: dict[str, dict[str, Any]], new_prints: dict[str, str]) -> list[Entry]:
    """Every entry that differs between the approved views and the current ones, file by file.

    ``old_prints``: the last approval's file prints (None: never approved, all is new).
    A changed file whose approved view is missing lists its entries with ``unknown`` set.
    """
    entries: list[Entry] = []
    years = {f.removesuffix("board.yml"): f"{v.get('period')} " for f, v in {**old, **new}.items()
             if f.startswith("archive/") and f.endswith("/board.yml")}  # an earlier period's entries say which
    for file in sorted(new_prints.keys() | (old_prints or {}).keys(), key=lambda f: (f.startswith("archive/"), f)):
        if old_prints is not None and old_prints.get(file) == new_prints.get(file):
            continue
        unknown = old_prints is not None and file in old_prints and file not in old
        year = years.get(file.split("branches/")[0].removesuffix("board.yml"), "")
        entries += _file_entries(file, old.get(file, {}), new.get(file, {}), unknown, year)
    return entries


def _file_entries(file: str, old: dict[str, Any], new: dict[str, Any], unknown: bool, year: str) -> list[Entry]:
    record = _FILE_RECORDS.get(file.rsplit("/", 1)[-1], schema.BRANCH)
    name = year + (new.get("name") or old.get("name") or file)
    lists = [f for f in record.fields if f.type == "records"]
    own_old = {k: v for k, v in old.items() if k not in {f.key for f in lists}}
    own_new = {k: v for k, v in new.items() if k not in {f.key for f in lists}}
    found = []
    if own_old != own_new or unknown:
        what = f"{year}公开栏信息" if record is schema.BOARD else f"{name} 支部信息"
        found.append(_entry(file, what, own_old, own_new, record, unknown))
    for f in lists:
        found += _list_entries(file, name, f, old.get(f.key, []), new.get(f.key, []), unknown)
    return [e for e in found if e.old or e.new]


def _list_entries(file: str, where: str, f: schema.Field, old: list, new: list, unknown: bool) -> list[Entry]:
    """The entries of one list of records, each named by its id (an item) or its first field (a person's name),
    and of the lists inside them (a person's own items), each compared on its own fields."""
    def key(e: dict) -> str:
        return str(e.get("id") if "id" in f.record else e.get(f.record.fields[0].key))

    inner = [g for g in f.record.fields if g.type == "records"]
    before, after = {key(e): e for e in old}, {key(e): e for e in new}
    found = []
    for k in [*after, *(k for k in before if k not in after)]:
        was, now = before.get(k, {}), after.get(k, {})
        if lines(was, f.record) != lines(now, f.record) or unknown or not (was and now):
            found.append(_entry(file, f"{where} {f.label} {k}", was, now, f.record, unknown))
        for g in inner:
            found += _list_entries(file, f"{where} {k}", g, was.get(g.key, []), now.get(g.key, []), unknown)
    return found


def _entry(file: str, what: str, old: dict, new: dict, record: schema.Record, unknown: bool) -> Entry:
    kind = "修改" if (old or unknown) and new else ("新增" if new else "删除")
    return Entry(file, what, kind, lines(old, record), lines(new, record), unknown)


def lines(view: dict[str, Any], record: schema.Record) -> tuple[str, ...]:
    """A view as ``label：value`` lines in declaration order (nested records on one line)."""
    out = []
    for f in record.fields:
        if f.key in view and f.type != "records":
            out.append(f"{f.label}：{_value(view[f.key], f)}")
    return tuple(out)


def _value(value: Any, f: schema.Field) -> str:
    if isinstance(value, dict) and f.record is not None:
        return "，".join(f"{g.label} {_value(value[g.key], g)}" for g in f.record.fields if g.key in value)
    if isinstance(value, dict):  # a deadline: its date, or 长期坚持 / 立行立改
        kind = value.get("kind")
        return str(value.get("date") or next((k.label for k in DeadlineKind if k.key == kind), kind))
    if isinstance(value, list):
        return "；".join(str(v) for v in value)
    if f.choices is not None:
        return next((m.label for m in f.choices if m.key == value), str(value))
    return str(value)


def since_approved(content_dir: Path, content: Content, current: State) -> list[Entry]:
    """Every entry ``current.audience`` sees that differs from its last approval (all of them at first)."""
    last = current.last_approve
    old = load(content_dir, current.audience, last)
    changed = {f for f in current.files if last is None or last.files.get(f) != current.files[f]}
    new = views(content, current.audience, changed)  # only what differs (and each board.yml): a big board stays quick
    return compare(old, dict(last.files) if last else None, new, dict(current.files))
