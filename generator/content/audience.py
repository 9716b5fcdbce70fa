"""Who may see what: every record that declares an ``audience`` is filtered here, at every depth.

A public build works on the content as the public sees it (``shown``): 党内
items, 党内 people and everything they hold, a person's items left 党内 (their
default) are simply not in it.  Pages, search, screen, print, the article, the
change log and the approval fingerprints all start from that view, so no
consumer has to remember to filter, and a record type added to ``schema`` is
guarded the day it is declared.
"""

from __future__ import annotations

import dataclasses
from typing import TypeVar

from generator.content import schema
from generator.content.schema import Audience

T = TypeVar("T")


def visible(obj: object, record: schema.Record, audience: Audience) -> bool:
    """Whether ``audience`` may see this one record (not what it holds): a party build sees all."""
    field = record.audience
    return audience is Audience.PARTY or field is None or getattr(obj, field.name) is Audience.PUBLIC


def shown(obj: T, record: schema.Record, audience: Audience) -> T | None:
    """``obj`` as ``audience`` sees it: None when it is hidden, else with every list of records filtered.

    The same object comes back when nothing in it is hidden (the common case, and every party build).
    """
    if audience is Audience.PARTY:
        return obj
    if not visible(obj, record, audience):
        return None
    changes = {}
    for field in record.fields:
        if field.type == "records":
            held = getattr(obj, field.name)
            kept = tuple(seen for seen in (shown(v, field.record, audience) for v in held) if seen is not None)
            if len(kept) != len(held) or any(a is not b for a, b in zip(kept, held, strict=True)):
                changes[field.name] = kept
        elif field.type == "record" and getattr(obj, field.name) is not None:
            nested = shown(getattr(obj, field.name), field.record, audience)
            if nested is not getattr(obj, field.name):
                changes[field.name] = nested
    return dataclasses.replace(obj, **changes) if changes else obj
