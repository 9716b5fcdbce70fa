"""Content folder → typed model, with every parse problem found at once.

Each field is parsed exactly once here; everything after this module works on
the typed model in ``model``.  Per-file results are kept by the file's bytes, in
memory (``board build`` checks, then MkDocs builds; ``mkdocs serve`` rebuilds)
and on disk between runs (``cache``), so only what changed is parsed again.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import difflib
import functools
import gc
import hashlib
import multiprocessing
import os
import pickle
import re
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from . import cache, schema
from .dates import FORMS_HINT, DateError, parse_date
from .model import (
    Board,
    Branch,
    Content,
    Deadline,
    DeadlineKind,
    Evaluation,
    Item,
    Labeled,
    Meeting,
    Notice,
    Problem,
)
from .source import Node, parse_yaml, read_bytes, refused

BRANCH_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")  # always used with fullmatch (``$`` lets "x\n" through)
MAX_DIGITS = 9  # counts and sort keys: nobody has a billion members, and Python refuses 4,300-digit ints
E = TypeVar("E", bound=Labeled)


def display_path(path: Path) -> str:
    """A path as the clerk sees it: relative to where they ran the command."""
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd()) else str(path)
    except (OSError, ValueError):
        return str(path)


@dataclass
class _Fields:
    """Reads the declared fields of one YAML mapping, collecting problems as it goes."""

    path: str
    problems: list[Problem]
    node: Node
    values: dict[str, Node] = field(default_factory=dict)

    @classmethod
    def of(cls, node: Node, record: schema.Record, path: str, problems: list[Problem]) -> _Fields | None:
        if not isinstance(node.value, dict):
            problems.append(Problem(path, node.line, f"{record.what}应为“键: 值”的形式"))
            return None
        fields = cls(path, problems, node, node.value)
        allowed = record.keys()
        for key, value in node.value.items():
            if key not in allowed:
                fields.error(value.line, _unknown_key(key, allowed, record.what))
        return fields

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def lines(self) -> dict[str, int]:
        return {key: node.line for key, node in self.values.items()}

    def get(self, key: str) -> Node | None:
        node = self.values.get(key)
        return None if node is None or node.value is None else node

    def missing(self, field: schema.Field) -> None:
        self.error(self.node.line, f"缺少必填项 {field.key}（{field.label}）")

    def present(self, field: schema.Field) -> Node | None:
        """The field's node, or None (noting a missing required field)."""
        node = self.get(field.key)
        if node is None and field.required:
            self.missing(field)
        return node

    def read(self, record: schema.Record) -> dict[str, object]:
        """Every declared field of ``record``, by its type: model attribute → value (None if bad or absent)."""
        return {field.name: _READERS[field.type](self, field) for field in record.fields}

    def text(self, field: schema.Field) -> str | None:
        node = self.present(field)
        if node is None:
            return None
        key, label = field.key, field.label
        if not isinstance(node.value, str):
            self.error(node.line, f"{key}（{label}）应为一段文字，不能是列表或“键: 值”")
            return None
        if not node.value.strip():
            if field.required:
                self.error(node.line, f"{key}（{label}）不能为空")
            return None
        return node.value.strip("\n")

    def texts(self, field: schema.Field) -> tuple[str, ...]:
        node = self.present(field)
        if node is None:
            return ()
        items = node.value if isinstance(node.value, list) else [node]
        result = []
        for item in items:
            if not isinstance(item.value, str) or not item.value.strip():
                self.error(item.line, f"{field.key}（{field.label}）的每一项都应为非空文字")
            else:
                result.append(item.value.strip("\n"))
        if field.required and not items:
            self.error(node.line, f"{field.key}（{field.label}）至少要有一项")
        return tuple(result)

    def count(self, field: schema.Field) -> int | None:
        node = self.present(field)
        if node is None:
            return None
        key, label = field.key, field.label
        text = node.value.strip() if isinstance(node.value, str) else None
        if text is None or not re.fullmatch(r"-?\d+", text):
            shown = text if text is not None else "列表"
            self.error(node.line, f"{key}（{label}）应为不小于 0 的整数，现在是“{shown}”")
            return None
        if len(text.lstrip("-")) > MAX_DIGITS:
            self.error(node.line, f"{key}（{label}）数字太大（{len(text)} 位），最多 {MAX_DIGITS} 位")
            return None
        if int(text) < 0:
            self.error(node.line, f"{key}（{label}）不能是负数（{text}）")
            return None
        return int(text)

    def integer(self, field: schema.Field) -> int | None:
        node = self.present(field)
        if node is None:
            return None
        if not isinstance(node.value, str) or not re.fullmatch(r"-?\d+", node.value.strip()):
            self.error(node.line, f"{field.key}（{field.label}）应为整数")
            return None
        if len(node.value.strip().lstrip("-")) > MAX_DIGITS:
            self.error(node.line, f"{field.key}（{field.label}）数字太大（{len(node.value.strip())} 位），最多 {MAX_DIGITS} 位")
            return None
        return int(node.value)

    def date(self, field: schema.Field) -> dt.date | None:
        node = self.present(field)
        if node is None:
            return None
        if not isinstance(node.value, str):
            self.error(node.line, f"{field.key}（{field.label}）应为日期，{FORMS_HINT}")
            return None
        try:
            return parse_date(node.value)
        except DateError as exc:
            self.error(node.line, f"{field.key}（{field.label}）：{exc}")
            return None

    def deadline(self, field: schema.Field) -> Deadline | None:
        node = self.present(field)
        if node is None:
            return None
        key, label = field.key, field.label
        if not isinstance(node.value, str):
            self.error(node.line, f"{key}（{label}）应为日期、长期坚持或立行立改")
            return None
        kind = parse_choice(node.value, DeadlineKind)
        if kind in (DeadlineKind.ONGOING, DeadlineKind.IMMEDIATE):
            return Deadline(kind)
        try:
            return Deadline(DeadlineKind.DATE, parse_date(node.value))
        except DateError as exc:
            self.error(node.line, f"{key}（{label}）：{exc}；不定期的事项写 长期坚持 或 立行立改")
            return None

    def choice(self, field: schema.Field) -> Labeled | None:
        """The value, the declared default when absent, None (noted) when not one of the choices."""
        node = self.present(field)
        if node is None:
            return field.default
        enum = field.choices
        found = parse_choice(node.value, enum) if isinstance(node.value, str) else None
        if found is None:
            valid = "、".join(f"{m.label}（{m.key}）" for m in enum)
            self.error(node.line, f"{field.key}（{field.label}）不能是“{node.value}”，可选：{valid}")
        return found

    def record(self, field: schema.Field) -> object:
        """A nested mapping, read by its record's parser (``_PARSERS``)."""
        node = self.present(field)
        if node is None:
            return None
        nested = _Fields.of(node, field.record, self.path, self.problems)
        return None if nested is None else _PARSERS[field.record.name](nested)

    def records(self, field: schema.Field) -> tuple:
        """A list of nested mappings, each read by its record's parser; the ones that failed are left out."""
        node = self.present(field)
        if node is None:
            return ()
        if not isinstance(node.value, list):
            self.error(node.line, f"{field.key}（{field.label}）应为列表，每项以“- ”开头")
            return ()
        parse = _PARSERS[field.record.name]
        found = []
        for number, entry in enumerate(node.value, start=1):
            nested = _Fields.of(entry, field.record, self.path, self.problems)
            value = None if nested is None else parse(nested, number)
            if value is not None:
                found.append(value)
        return tuple(found)


_READERS: dict[str, Callable[[_Fields, schema.Field], object]] = {
    "text": _Fields.text, "texts": _Fields.texts, "count": _Fields.count, "integer": _Fields.integer,
    "date": _Fields.date, "deadline": _Fields.deadline, "enum": _Fields.choice, "record": _Fields.record,
    "records": _Fields.records,
}
assert set(_READERS) == set(schema.TYPES)


def _complete(record: schema.Record, values: dict[str, object]) -> bool:
    """Whether every field the model cannot hold as None has a value (else a problem was noted)."""
    return all(values[f.name] not in (None, ()) for f in record.fields if f.required or f.type == "enum")


def parse_choice(text: str, enum: type[E]) -> E | None:
    """An enumeration value from its Chinese label or English key."""
    return _choices(enum).get(text.strip())


@functools.cache
def _choices(enum: type[E]) -> dict[str, E]:
    return {name: member for member in enum for name in (member.label, member.key)}


def _unknown_key(key: str, allowed: Sequence[str], what: str) -> str:
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    hint = f"，是不是想写 {close[0]}？" if close else f"；{what}可用的键：{', '.join(allowed)}"
    return f"不认识的键“{key}”{hint}"


def load_content(content_dir: Path, progress: Callable[[int, int], None] | None = None,
                 ) -> tuple[Content | None, list[Problem]]:
    """Load ``board.yml`` and every ``branches/*.yml``.

    Whatever parsed is returned even beside errors, so that the cross-field
    checks can still run on it and the clerk sees every problem at once.
    """
    problems: list[Problem] = []
    digests: list[bytes] = []
    with _collector_paused():
        board = _load_board_file(content_dir, problems, digests)
        branches = _load_branch_files(content_dir, problems, digests, progress)
        _set_aside(len(branches))
    if board is None:
        return None, problems
    ordered = tuple(sorted(branches, key=lambda b: b.sort_key))
    return Content(board, ordered, hashlib.sha256(b"".join(digests)).hexdigest()), problems


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a board is read.

    Reading creates hundreds of thousands of small objects that all survive, so
    the collector would walk them again and again (half the time of reading a
    3,000-branch board from the cache) to find nothing: the model has no cycles.
    """
    was_enabled = gc.isenabled()
    if gc.get_freeze_count():  # a big board read before (mkdocs serve): let it be collected now
        gc.unfreeze()
        gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _set_aside(branches: int) -> None:
    """Keep what a big board read into out of the collector's walks (``gc.freeze``).

    Re-enabling the collector is not enough: the first full collection after
    reading walks every object just made, 0.6 s at 3,000 branches, to free
    nothing.  Frozen objects are still freed when no longer used; the next read
    unfreezes them (``_collector_paused``), so a long ``mkdocs serve`` keeps
    nothing frozen longer than one rebuild.  Small boards are left as they are.
    """
    if branches >= PARALLEL_FROM:
        gc.freeze()


def _load_board_file(content_dir: Path, problems: list[Problem], digests: list[bytes]) -> Board | None:
    path = content_dir / "board.yml"
    shown = display_path(path)
    if not path.exists():
        problems.append(Problem(shown, 0, "缺少 board.yml：请在内容文件夹里建立它，至少写上 organization（发布单位）和 period（年度）"))
        return None
    reason = refused(path, content_dir)
    if reason:
        problems.append(Problem(shown, 0, reason))
        return None
    [(board, found)] = _parse_many([path], _parse_board, digests)
    problems.extend(found)
    return board


def _load_branch_files(content_dir: Path, problems: list[Problem], digests: list[bytes],
                       progress: Callable[[int, int], None] | None = None) -> list[Branch]:
    folder = content_dir / "branches"
    shown = display_path(folder)
    if not folder.is_dir():
        problems.append(Problem(shown, 0, "缺少 branches 文件夹：每个支部一个 .yml 文件放在这里"))
        return []
    files = sorted(p for p in folder.iterdir() if not p.name.startswith("~$"))  # ~$: Office lock files
    branch_files = [p for p in files if p.suffix == ".yml"]
    for other in files:
        if other.suffix.lower() in (".yaml", ".yml") and other.suffix != ".yml":
            problems.append(Problem(display_path(other), 0, f"请把扩展名改为小写 .yml（{other.stem}.yml）"))
    if not branch_files:
        problems.append(Problem(shown, 0, "branches 文件夹里没有任何支部文件（*.yml）"))
    usable = []
    for number, path in enumerate(branch_files, start=1):
        reason = refused(path, content_dir)
        if not BRANCH_ID.fullmatch(path.stem):
            problems.append(Problem(display_path(path), 0, _bad_file_name(path.stem, number)))
        elif reason:
            problems.append(Problem(display_path(path), 0, reason))
        else:
            usable.append(path)
    branches = []
    for branch, found in _parse_many(usable, _parse_branch, digests, progress):
        problems.extend(found)
        if branch is not None:
            branches.append(branch)
    return branches


def suggest_branch_id(stem: str, number: int) -> str:
    """A URL-safe name close to what the clerk typed (Chinese cannot be kept)."""
    name = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:64]
    has_letters = re.search(r"[a-z]", name)
    return name if has_letters and BRANCH_ID.fullmatch(name) else f"branch-{number}"


def _bad_file_name(stem: str, number: int) -> str:
    return (
        f"文件名“{stem}.yml”不能用作网址：只能用小写英文字母、数字和连字符“-”，"
        f"以字母或数字开头，最多 64 个字符；建议改名为 {suggest_branch_id(stem, number)}.yml"
    )


_CACHE: OrderedDict[str, tuple] = OrderedDict()
_CACHE_SIZE = 8192


PARALLEL_FROM = 200  # files: below this, starting worker processes costs more than it saves


def _parse_job(job: tuple[Callable, Path, str, bytes]) -> tuple:
    """Parse one file: (result or None, problems)."""
    parse, path, shown, data = job
    root, problems = parse_yaml(data, shown)
    return (None if root is None else parse(root, path, shown, problems)), tuple(problems)


def _parse_job_bytes(job: tuple) -> bytes:
    """``_parse_job`` in a worker, pickled once: the bytes it sends are the bytes the parent stores."""
    return cache.encode(_parse_job(job))


def _parse_many(paths: list[Path], parse: Callable, digests: list[bytes],
                progress: Callable[[int, int], None] | None = None) -> list[tuple]:
    """Parse files in order, reusing results for the very same bytes (any mtime).

    Results come from memory (``mkdocs serve`` rebuilds), else from the disk
    cache (``cache``), else files are parsed, spread over every core when there
    are many: parsing is most of ``board check`` on a city-wide board.
    """
    place = cache.folder()
    read: list[tuple[int, str, tuple]] = []  # (position in results, cache key, job) per readable file
    results: list[tuple | None] = []
    folders: dict[Path, str] = {}
    for path in paths:
        if path.parent not in folders:  # resolving every file's path took longer than reading it
            folders[path.parent] = display_path(path.parent)
        shown = os.path.normpath(os.path.join(folders[path.parent], path.name))
        data, problems = read_bytes(path, shown)
        if data is None:
            results.append((None, tuple(problems)))
            continue
        digest = hashlib.blake2b(data, digest_size=16).digest()
        digests.append(path.name.encode() + digest)
        read.append((len(results), cache.key(parse.__name__, shown, digest), (parse, path, shown, data)))
        results.append(None)
    stored = cache.find(place, [name for _, name, _ in read if name not in _CACHE])
    misses: list[tuple[int, str]] = []
    jobs: list[tuple] = []
    for index, name, job in read:
        found = _CACHE.get(name) or cache.decode(stored.get(name))
        if found is not None:
            results[index] = _CACHE[name] = found
            _CACHE.move_to_end(name)
        else:
            misses.append((index, name))
            jobs.append(job)
    new: list[tuple[str, bytes]] = []
    for done, ((index, name), (result, blob)) in enumerate(zip(misses, _run(jobs, place), strict=True), start=1):
        results[index] = _CACHE[name] = result
        if blob is not None:
            new.append((name, blob))
        if progress:
            progress(done, len(jobs))
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    cache.keep(place, new)
    return results  # type: ignore[return-value]


def _run(jobs: list[tuple], place: Path | None) -> Iterator[tuple[tuple, bytes | None]]:
    """Each job's result and, when there is a cache to keep it in, its pickle."""
    workers = min(os.cpu_count() or 1, 8)
    if len(jobs) < PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for job in jobs:
            result = _parse_job(job)
            yield result, (cache.encode(result) if place is not None else None)
        return
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        chunks = max(1, len(jobs) // (workers * 8))
        for blob in pool.map(_parse_job_bytes, jobs, chunksize=chunks):
            yield pickle.loads(blob), blob


def load_branch_text(text: str, path: Path) -> tuple[Branch | None, list[Problem]]:
    """A branch file's would-be text, parsed as if it were on disk at ``path`` (for imports)."""
    shown = display_path(path)
    root, problems = parse_yaml(text.encode("utf-8"), shown)
    branch = None if root is None else _parse_branch(root, path, shown, problems)
    return branch, problems


def _parse_board(root: Node, path: Path, shown: str, problems: list[Problem]) -> Board | None:
    f = _Fields.of(root, schema.BOARD, shown, problems)
    if f is None:
        return None
    values = f.read(schema.BOARD)
    if not _complete(schema.BOARD, values):
        return None
    return Board(**values, path=shown, lines=f.lines())


def _parse_notice(f: _Fields) -> Notice | None:
    values = f.read(schema.NOTICE)
    start, end = values["start"], values["end"]
    if start and end and end < start:
        f.error(f.node.line, f"公示期结束日期 {end} 早于开始日期 {start}")
        return None
    return Notice(**values) if _complete(schema.NOTICE, values) else None


def _parse_branch(root: Node, path: Path, shown: str, problems: list[Problem]) -> Branch | None:
    f = _Fields.of(root, schema.BRANCH, shown, problems)
    if f is None:
        return None
    values = f.read(schema.BRANCH)
    values["kind"] = values["kind"] or schema.BRANCH["kind"].default  # error noted; go on checking
    if not _complete(schema.BRANCH, values):
        return None
    return Branch(**values, id=path.stem, path=shown, lines=f.lines())


def _parse_meeting(f: _Fields) -> Meeting | None:
    return Meeting(**f.read(schema.MEETING))


def _parse_evaluation(f: _Fields) -> Evaluation | None:
    values = f.read(schema.EVALUATION)
    if not _complete(schema.EVALUATION, values):
        return None
    return Evaluation(**values, lines=f.lines())


def _parse_item(f: _Fields, number: int) -> Item | None:
    values = f.read(schema.ITEM)
    values["id"] = values["id"] or f"{number:02d}"
    if not _complete(schema.ITEM, values):
        return None
    return Item(**values, lines=f.lines())


_PARSERS: dict[str, Callable[..., object]] = {
    "Notice": _parse_notice, "Meeting": _parse_meeting, "Evaluation": _parse_evaluation, "Item": _parse_item,
}
