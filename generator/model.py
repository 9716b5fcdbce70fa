"""Typed model of a board, parsed once at the edge (see ``load``).

Every value a clerk typed keeps the line it came from (``lines``), so that the
checks that run after parsing can still point at ``path:line``.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field


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
        return f"{where}: {prefix}{self.message}"


class Labeled(enum.Enum):
    """An enumeration whose members carry (English key, Chinese label)."""

    @property
    def key(self) -> str:
        return self.value[0]

    @property
    def label(self) -> str:
        return self.value[1]


class Kind(Labeled):
    BRANCH = ("branch", "党支部")
    TEMPORARY = ("temporary", "临时党支部")


class Status(Labeled):
    NOT_STARTED = ("not_started", "未开始")
    IN_PROGRESS = ("in_progress", "整改中")
    DONE = ("done", "已完成")
    CLOSED = ("closed", "已销号")

    @property
    def finished(self) -> bool:
        return self in (Status.DONE, Status.CLOSED)


class Audience(Labeled):
    PUBLIC = ("public", "公开")
    PARTY = ("party", "党内")


class DeadlineKind(Labeled):
    DATE = ("date", "日期")
    ONGOING = ("ongoing", "长期坚持")
    IMMEDIATE = ("immediate", "立行立改")


@dataclass(frozen=True)
class Deadline:
    """A date, or one of the two open-ended forms 长期坚持 / 立行立改."""

    kind: DeadlineKind
    date: dt.date | None = None

    @property
    def label(self) -> str:
        return self.date.isoformat() if self.date else self.kind.label


Lines = Mapping[str, int]


@dataclass(frozen=True)
class Notice:
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Board:
    path: str
    organization: str
    period: str
    notice: Notice | None
    feedback: tuple[str, ...]
    lines: Lines


@dataclass(frozen=True)
class Meeting:
    date: dt.date | None
    supervisor: str | None


@dataclass(frozen=True)
class Evaluation:
    members: int
    probationary: int
    participants: int
    rated: int
    excellent: int
    qualified: int
    basic: int
    unqualified: int
    honor_roll: tuple[str, ...]
    opinions: int | None
    lines: Lines


@dataclass(frozen=True)
class Item:
    """One rectification item (整改事项)."""

    id: str
    problem: str
    measures: tuple[str, ...]
    owner: str
    deadline: Deadline
    status: Status
    completed: dt.date | None
    category: str | None
    source: str | None
    target: str | None
    progress: str | None
    audience: Audience
    lines: Lines


@dataclass(frozen=True)
class Branch:
    id: str
    path: str
    name: str
    kind: Kind
    order: int | None
    secretary: str | None
    meeting: Meeting | None
    evaluation: Evaluation | None
    items: tuple[Item, ...]
    lines: Lines

    @property
    def sort_key(self) -> tuple[int, int, str]:
        return (self.order is None, self.order or 0, self.name)


@dataclass(frozen=True)
class Content:
    board: Board
    branches: tuple[Branch, ...]
    digest: str = ""  # a hash of every file's bytes: "the same content"
