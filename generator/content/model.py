"""Typed model of a board, parsed once at the edge (see ``load``).

The content classes are derived from the declaration in ``schema``: one
attribute per declared field, typed by the field's type.  The enumerations are
declared there too and re-exported here.

Every value a clerk typed keeps the line it came from (``lines``), so that the
checks that run after parsing can still point at ``path:line``.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from generator.content import fieldtypes, schema
from generator.content.fieldtypes import Deadline
from generator.content.schema import Audience, DeadlineKind, Kind, Labeled, Status
from generator.names import printable

__all__ = [
    "Audience", "Board", "Branch", "Content", "Deadline", "DeadlineKind", "Evaluation", "Item", "Kind", "Labeled",
    "Meeting", "Notice", "Person", "PersonalItem", "Problem", "Report", "Severity", "Status",
]


class Severity(enum.Enum):
    ERROR = "错误"
    WARNING = "警告"


@dataclass(frozen=True, order=True)
class Problem:
    """One defect of the content, reported as ``path:line: message``."""

    path: str
    line: int
    message: str
    severity: Severity = field(default=Severity.ERROR, compare=False)

    def __str__(self) -> str:
        """``path:line: message``; a folder or a whole file (line 0) has no line."""
        prefix = "警告：" if self.severity is Severity.WARNING else ""
        where = f"{self.path}:{self.line}" if self.line else self.path
        return printable(f"{where}: {prefix}{self.message}")


Lines = Mapping[str, int]


def _default(f: schema.Field) -> object:
    """Optional fields default to None, (), or their enumeration's default: code that builds a
    model (tests, tools) need not know every optional field."""
    if f.required:
        return dataclasses.MISSING
    return fieldtypes.empty(f)


def declared(record: schema.Record) -> type:
    """A frozen, keyword-only dataclass with one attribute per declared field of ``record``.

    The model classes below extend it with what is not content (where a value
    was written, the file it came from) and with their properties.
    """
    fields = [(f.name, fieldtypes.python_type(f, model_of), dataclasses.field(default=_default(f))) for f in record.fields]
    cls = dataclasses.make_dataclass(f"{record.name}Fields", fields, frozen=True, kw_only=True)
    cls.__module__ = __name__
    return cls


_MODELS: dict[str, type] = {}


def _model(cls: type) -> type:
    """Register a model class under its record's name, for the records that hold it."""
    _MODELS[cls.__name__] = cls
    return cls


def model_of(record: schema.Record) -> type:
    """The model class of ``record``; a record type added to ``schema`` gets one without code here."""
    return _MODELS.get(record.name) or _declare(record, f"{record.what.strip()}: its fields and where they were written.")


def _declare(record: schema.Record, doc: str, *, lines: bool = True) -> type:
    """The model class of a record with no code of its own: its declared fields, and where each was written."""
    extra = [("lines", Lines, dataclasses.field(default_factory=dict))] if lines else []
    cls = dataclasses.make_dataclass(record.name, extra, bases=(declared(record),), frozen=True, kw_only=True)
    cls.__module__, cls.__doc__ = __name__, doc
    return _model(cls)


Notice = _declare(schema.NOTICE, "公示期: ``from`` and ``to`` (``start`` and ``end`` here: ``from`` is a Python keyword).",
                  lines=False)
Report = _declare(schema.REPORT, "``report:`` in ``board.yml``: the text of the report to the level above (``board report``).",
                  lines=False)
Meeting = _declare(schema.MEETING, "组织生活会.", lines=False)
Evaluation = _declare(schema.EVALUATION, "民主评议: the eight counts, the honour roll and the opinions gathered.")
Item = _declare(schema.ITEM, "One rectification item (整改事项).")
PersonalItem = _declare(schema.PERSONAL_ITEM,
                        "One item of a person's own list (个人整改清单); ``load`` fills ``owner`` with the person.")
Person = _declare(schema.PERSON, "A committee member or member (班子成员和党员): pledge, fulfilment, own items.")


@_model
@dataclass(frozen=True, kw_only=True)
class Board(declared(schema.BOARD)):
    """``board.yml``."""

    path: str
    lines: Lines

    @property
    def period_id(self) -> str:
        """The period's short name (URLs ``archive/<id>/``, ``carried_from``): ``id`` as written, else the digits
        of ``period`` (2024年度 → 2024), else empty (only an archived period needs one: ``checks``)."""
        return self.id or "".join(c for c in self.period if c in "0123456789")


@_model
@dataclass(frozen=True, kw_only=True)
class Branch(declared(schema.BRANCH)):
    """One branch file; ``id`` is its stem."""

    id: str
    path: str
    lines: Lines
    key: str = ""  # its file's bytes and path, hashed (``speed.Source.key``): the same key, the same branch

    @property
    def sort_key(self) -> tuple[int, int, str]:
        return (self.order is None, self.order or 0, self.name)

    def every_item(self) -> Iterator[tuple[str, Item | PersonalItem]]:
        """Every item of the branch's list and of its people's, with its name within the branch:
        ``01`` for the branch's own, ``罗某某/01`` for a person's (how ``carried_from`` names it)."""
        for item in self.items:
            yield item.id, item
        for person in self.people:
            for item in person.items:
                yield f"{person.name}/{item.id}", item


@dataclass(frozen=True)
class Content:
    board: Board
    branches: tuple[Branch, ...]
    digest: str = ""  # a hash of every file's bytes (and of the previous periods'): "the same content"
    previous: Content | None = None  # the previous period (``board.yml`` ``previous``), loaded and valid
