"""Fingerprints of what each audience sees: full SHA-256, so no two contents can share one.

The fingerprint is of the *model the audience sees*, not of the rendered pages:
every declared field of ``board.yml`` and of every branch, with only the items
that audience is shown (``figures.visible``).  Pages also change with the as-of
date (overdue marks, "数据截至") and with the program version; an approval of the
text people read must not lapse at midnight or on an upgrade.  So an edit to a
党内 item changes the party fingerprint only, and the public approval stands;
any edit to public text changes both.

Every print is a whole SHA-256 (64 hex digits).  Earlier versions kept 12 and
16 digits, few enough for a birthday search to find two versions of a file with
one print; a log with such short prints is read, and simply asks to sign again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
from collections.abc import Collection, Iterator, Mapping
from typing import Any

from generator import speed
from generator.board.periods import chain
from generator.content import audience as audiences
from generator.content import schema
from generator.content.model import Audience, Branch, Content, Labeled

PRINT_CHARS = 64  # a whole SHA-256
_AS_IS = frozenset((str, int, float, bool))


def _plain(value: Any) -> Any:
    """A value of a declared field as JSON: enums by key, dates as ISO, dataclasses (a deadline) field by field."""
    if type(value) in _AS_IS:  # nearly every value: a text or a number
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if getattr(value, f.name) is not None}
    if isinstance(value, enum.Enum):
        return value.key if isinstance(value, Labeled) else value.name
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def declared(obj: Any, record: schema.Record) -> dict[str, Any]:
    """The declared fields (``schema``) of a model object, by YAML key: what a clerk wrote, nothing else.

    Where a value came from (file, line, cache key) is not content; unset fields are left
    out, so a field a later version declares does not void an approval.
    """
    out = {}
    for f in record.fields:
        value = getattr(obj, f.name)
        if value is None or value == () or not f.on_site:
            continue
        if f.type == "record":
            out[f.key] = declared(value, f.record)
        elif f.type == "records":
            out[f.key] = [declared(v, f.record) for v in value]
        else:
            out[f.key] = _plain(value)
    return out


def digest(value: Any) -> str:
    """The SHA-256 of ``value`` as canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_print(text: object, chars: int = PRINT_CHARS) -> bool:
    return isinstance(text, str) and len(text) == chars and all(c in "0123456789abcdef" for c in text)


def branch_file(branch: Branch) -> str:
    """A branch's file as the log names it, relative to the content folder."""
    return f"branches/{branch.id}.yml"


def seen(branch: Branch, audience: Audience) -> dict[str, Any]:
    """A branch as ``audience`` sees it (``audience.shown``: every record it may not see left out), and its id (the URL)."""
    return {"id": branch.id, **declared(audiences.shown(branch, schema.BRANCH, audience), schema.BRANCH)}


def views(content: Content, audience: Audience, only: Collection[str] | None = None) -> dict[str, dict[str, Any]]:
    """``{file: what audience sees of it}`` for every period published (earlier ones as ``archive/<id>/…``);
    ``only``: just these files."""
    out: dict[str, dict[str, Any]] = {}
    for prefix, period in _published(content):
        out[f"{prefix}board.yml"] = declared(period.board, schema.BOARD)
        out.update((prefix + branch_file(b), seen(b, audience)) for b in period.branches
                   if only is None or prefix + branch_file(b) in only)
    return out


def file_prints(content: Content, audience: Audience) -> dict[str, str]:
    """``{file: fingerprint}`` of what ``audience`` sees of each content file.

    Earlier periods are published too (``/archive/<id>/``), so their files count,
    named ``archive/<id>/…``: an edit to last year's folder needs a new approval.
    """
    prints: dict[str, str] = {}
    for prefix, period in _published(content):
        prints.update(_period_prints(period, audience, prefix))
    return prints


def _published(content: Content) -> Iterator[tuple[str, Content]]:
    """Each published period with the prefix its files are named by (``archive/<id>/`` for earlier ones)."""
    for index, period in enumerate(chain(content)):
        yield "" if index == 0 else f"archive/{period.board.period_id}/", period


def _period_prints(content: Content, audience: Audience, prefix: str) -> dict[str, str]:
    prints = {f"{prefix}board.yml": digest(declared(content.board, schema.BOARD))}
    branches = content.branches
    # A file's print depends on its bytes (``Branch.key``) and the audience: kept between runs.
    keys = [f"{branch.key}\0{audience.key}" if branch.key else "" for branch in branches]
    made = speed.remembered_all("approval-print", keys, lambda i: digest(seen(branches[i], audience)))
    prints.update((prefix + branch_file(branch), value) for branch, value in zip(branches, made, strict=True))
    return prints


def fingerprint(files: Mapping[str, str]) -> str:
    """The whole board's fingerprint from its files' (order and position in the board included)."""
    return digest(sorted(files.items()))


def content_fingerprint(content: Content, audience: Audience) -> tuple[str, dict[str, str]]:
    files = file_prints(content, audience)
    # Order comes from `order` and names, both inside the files: the sorted map is enough.
    return fingerprint(files), files
