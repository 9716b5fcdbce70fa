"""Each field type's ways of writing a value down, declared once: as a clerk writes it in a branch file, as a
reader sees it on a page, as an office's spreadsheet cell holds it.

``schema.TYPES`` names the types; reading a value stays with each reader (``load`` for YAML, ``itemrows`` for
cells), which check and word their problems.  Writing one is the same everywhere, so it lives here: a new
field of an existing type needs nothing of its own, and a new type is one more ``FieldType``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.content import schema
from generator.content.dates import chinese


def _same(value: Any) -> Any:
    return value


def _label(value: Any) -> str:
    return value.label


def _nested(value: Any) -> Any:
    raise TypeError("a record is written field by field by its caller")


@dataclass(frozen=True)
class FieldType:
    """How a value of one type is written: ``yaml`` (a branch file), ``shown`` (a page), ``cell`` (a sheet)."""

    yaml: Callable[[Any], Any]
    shown: Callable[[Any], Any]
    cell: Callable[[Any], Any]


TYPES = {
    "text": FieldType(_same, _same, _same),
    "texts": FieldType(list, "；".join, lambda texts: "\n".join(f"{n}. {t}" for n, t in enumerate(texts, start=1))),
    "count": FieldType(_same, _same, _same),
    "integer": FieldType(_same, _same, _same),
    "date": FieldType(lambda day: day.isoformat(), chinese, _same),
    "deadline": FieldType(lambda d: d.date.isoformat() if d.date else d.kind.label,
                          lambda d: chinese(d.date) if d.date else d.kind.label,
                          lambda d: d.date or d.kind.label),
    "enum": FieldType(_label, _label, _label),
    "record": FieldType(_nested, _nested, _nested),
    "records": FieldType(_nested, _nested, _nested),
}
assert set(TYPES) == set(schema.TYPES)


def written(field: schema.Field, value: Any) -> Any:
    """``value`` as a clerk writes it in a branch file; None when it is left out (empty, or an implicit default)."""
    if value is None or value == () or (field.implicit and value is field.default):
        return None
    return TYPES[field.type].yaml(value)


def shown(field: schema.Field, value: Any) -> Any:
    """``value`` as a reader sees it on a page (a date in Chinese, a choice by its label, texts joined)."""
    return TYPES[field.type].shown(value)


def cell(field: schema.Field, value: Any) -> Any:
    """``value`` as a spreadsheet cell holds it, the way the importer reads it back (numbered measures …)."""
    return None if value is None else TYPES[field.type].cell(value)
