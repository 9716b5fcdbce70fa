"""Change one part of a branch file and keep everything else byte for byte.

Clerks annotate their YAML with comments and their own key order; an import
must replace only ``rectifications`` (or ``evaluation``), through ruamel.yaml's
round-trip mode, and write the file atomically so a failure leaves it as it was.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from generator.content import fieldtypes, schema
from generator.content.source import decode


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.preserve_quotes = True
    return yaml


def read(path: Path) -> CommentedMap:
    """The branch file as a round-trip mapping (an empty one for a new file)."""
    if not path.exists():
        return CommentedMap()
    text, _ = decode(path.read_bytes(), path.name)
    data = _yaml().load(text or "")
    return data if isinstance(data, CommentedMap) else CommentedMap()


def _scalar(value: Any) -> Any:
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)
    if isinstance(value, list):
        return CommentedSeq(_scalar(v) for v in value)
    return value


def item_map(item: dict[str, Any]) -> CommentedMap:
    """One item as a clerk would write it: ``id: "01"``, dates unquoted, keys in the usual order."""
    return record_map(schema.ITEM, item)


def record_map(record: schema.Record, values: dict[str, Any]) -> CommentedMap:
    """One record of any declared type as a clerk would write it: keys in declaration order, ``id: "01"``,
    dates unquoted; a value that is already a YAML mapping or list of them (a nested record) is kept."""
    ordered = CommentedMap()
    for key in record:
        if key not in values:
            continue
        value, field = values[key], record[key]
        if field.type in ("record", "records"):
            ordered[key] = value
            continue
        if field.quoted:
            value = DoubleQuotedScalarString(value)
        elif fieldtypes.dated(field) and _is_iso(value):
            value = dt.date.fromisoformat(value)
        ordered[key] = _scalar(value)
    return ordered


def _is_iso(value: Any) -> bool:
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def dump(data: CommentedMap) -> str:
    buffer = io.StringIO()
    _yaml().dump(data, buffer)
    return buffer.getvalue()


def with_rectifications(data: CommentedMap, items: list[dict[str, Any]]) -> CommentedMap:
    """Replace the list in place (its position among the keys is kept)."""
    return with_items(data, [item_map(item) for item in items])


def with_items(data: CommentedMap, nodes: list[CommentedMap]) -> CommentedMap:
    """Replace the list with these item mappings, in place (its position among the keys is kept)."""
    data["rectifications"] = CommentedSeq(nodes)
    return data


def with_evaluation(data: CommentedMap, counts: dict[str, int]) -> CommentedMap:
    """Set the counts the sheet gives; every other key (honor_roll, opinions …) and the comments in ``evaluation`` stay.

    A key the file lacks goes in declaration order (members first, as the manual writes it), not at the end."""
    evaluation = data.get("evaluation")
    if not isinstance(evaluation, CommentedMap):
        evaluation = CommentedMap()
        data["evaluation"] = evaluation
    order = schema.EVALUATION.keys()
    for key, value in counts.items():
        if key in evaluation or key not in order:
            evaluation[key] = value
            continue
        later = [k for k in order[order.index(key) + 1:] if k in evaluation]  # a new key goes where a clerk writes it
        evaluation.insert(list(evaluation).index(later[0]) if later else len(evaluation), key, value)
    return data
