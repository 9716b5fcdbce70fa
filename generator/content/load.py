"""Content folder → typed model, with every parse problem found at once.

Each field is parsed exactly once here; everything after this module works on
the typed model in ``model``.  Files are parsed through ``speed.Reading``, which
reuses the results of unchanged files and spreads big boards over every core;
parsing itself is the plain functions below.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import hashlib
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.content import fieldtypes, schema
from generator.content.model import (
    Board,
    Branch,
    Content,
    Evaluation,
    Meeting,
    Notice,
    Person,
    Problem,
    Report,
    Severity,
    model_of,
)
from generator.content.source import Node, parse_yaml, read_bytes, refused
from generator.names import display_path, hidden_marks
from generator.speed import Reading, Source

BRANCH_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")  # always used with fullmatch (``$`` lets "x\n" through)
PERIOD_ID = BRANCH_ID  # a period's short name is a URL folder too (archive/<id>/)


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

    def string(self, field: schema.Field, expected: str) -> Node | None:
        """The field's node when it holds one piece of text; None when absent or (noted: “应为 ``expected``”) not text."""
        node = self.present(field)
        if node is not None and not isinstance(node.value, str):
            self.error(node.line, f"{field.key}（{field.label}）应为{expected}")
            return None
        if node is not None:
            self.notice_hidden(field, node)
        return node

    def notice_hidden(self, field: schema.Field, node: Node) -> None:
        """A warning for text that the page would lay out in another order than typed, or marks no one sees."""
        if marks := hidden_marks(node.value):
            self.problems.append(Problem(self.path, node.line, (
                f"{field.key}（{field.label}）含有看不见或会改变文字显示顺序的字符 {marks}："
                "网页上显示的顺序可能与输入的不同，请删去（常见于从网页或聊天软件复制的文字）"), Severity.WARNING))

    def read(self, record: schema.Record) -> dict[str, object]:
        """Every declared field of ``record``, by its type (``fieldtypes``): model attribute → value (None if bad or absent)."""
        return {field.name: fieldtypes.read(self, field) for field in record.fields}

    def nested(self, node: Node, record: schema.Record, number: int | None = None) -> object:
        """A nested mapping (``number``: its place in a list), read by its record's parser (``_PARSERS``)."""
        nested = _Fields.of(node, record, self.path, self.problems)
        if nested is None:
            return None
        return _parser(record)(nested) if number is None else _parser(record)(nested, number)


def _complete(record: schema.Record, values: dict[str, object]) -> bool:
    """Whether every field the model cannot hold as None has a value (else a problem was noted)."""
    return all(values[f.name] not in (None, ()) for f in record.fields if f.required or f.type == "enum")


def _unknown_key(key: str, allowed: Sequence[str], what: str) -> str:
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    hint = f"，是不是想写 {close[0]}？" if close else f"；{what}可用的键：{', '.join(allowed)}"
    return f"不认识的键“{key}”{hint}"


def load_content(content_dir: Path, progress: Callable[[int, int], None] | None = None,
                 ) -> tuple[Content | None, list[Problem]]:
    """Load ``board.yml`` and every ``branches/*.yml``, then the previous periods it links to.

    Whatever parsed is returned even beside errors, so that the cross-field
    checks can still run on it and the clerk sees every problem at once.
    """
    return _load_period(content_dir, progress, ())


def _load_period(content_dir: Path, progress: Callable[[int, int], None] | None,
                 later: tuple[Path, ...]) -> tuple[Content | None, list[Problem]]:
    """One period and (through ``previous``) the ones before it; ``later``: the folders that link here."""
    problems: list[Problem] = []
    sources: list[Source] = []
    with Reading() as reading:
        board = _load_board_file(content_dir, reading, problems, sources)
        branches = _load_branch_files(content_dir, reading, problems, sources, progress)
    if board is None:
        return None, problems
    previous = None
    digests = [s.path.name.encode() + s.digest for s in sources]
    if board.previous is not None:
        previous = _load_previous(content_dir, board, problems, (*later, content_dir.resolve()))
        if previous is not None:
            digests.append(b"previous:" + previous.digest.encode())
    ordered = tuple(sorted(branches, key=lambda b: b.sort_key))
    return Content(board, ordered, hashlib.sha256(b"".join(digests)).hexdigest(), previous), problems


def _load_previous(content_dir: Path, board: Board, problems: list[Problem], chain: tuple[Path, ...]) -> Content | None:
    """The previous period ``board.previous`` names, or None with an error at its line."""
    line = board.lines.get("previous", 0)
    folder = (content_dir / board.previous).resolve()
    written = f"previous（上年度内容）“{board.previous}”"
    if not (folder / "board.yml").is_file():
        reason = "这个文件夹不存在" if not folder.is_dir() else "这个文件夹里没有 board.yml"
        problems.append(Problem(board.path, line, f"{written}：{reason}（按 board.yml 所在文件夹计算：{display_path(folder)}）"))
        return None
    if folder in chain:
        loop = " → ".join(display_path(p) for p in (*chain[chain.index(folder):], folder))
        problems.append(Problem(board.path, line, f"{written}：上年度链接形成了循环（{loop}），请检查各年度 board.yml 的 previous"))
        return None
    previous, found = _load_period(folder, None, chain)
    errors = [p for p in found if p.severity is Severity.ERROR]
    problems.extend(errors)  # an earlier period's warnings are history: not repeated every year
    if errors or previous is None:
        problems.append(Problem(board.path, line, f"{written}里的内容有错误（见上），上年度必须是一个能通过检查的公开栏"))
        return None
    return previous


def _read(paths: list[Path], problems: list[Problem], sources: list[Source]) -> list[Source]:
    """The readable files among ``paths`` (each added to ``sources``); problems for the others."""
    read = []
    folders: dict[Path, str] = {}
    for path in paths:
        if path.parent not in folders:  # resolving every file's path took longer than reading it
            folders[path.parent] = display_path(path.parent)
        shown = os.path.normpath(os.path.join(folders[path.parent], path.name))
        data, found = read_bytes(path, shown)
        problems.extend(found)
        if data is not None:
            read.append(Source(path, shown, data))
    sources.extend(read)
    return read


def _load_board_file(content_dir: Path, reading: Reading, problems: list[Problem], sources: list[Source],
                     ) -> Board | None:
    path = content_dir / "board.yml"
    shown = display_path(path)
    if not path.exists():
        problems.append(Problem(shown, 0, "缺少 board.yml：请在内容文件夹里建立它，至少写上 organization（发布单位）和 period（年度）"))
        return None
    reason = refused(path, content_dir)
    if reason:
        problems.append(Problem(shown, 0, reason))
        return None
    read = _read([path], problems, sources)
    if not read:
        return None
    [(board, found)] = reading.parse(_board_of, read)
    problems.extend(found)
    return board


def _load_branch_files(content_dir: Path, reading: Reading, problems: list[Problem], sources: list[Source],
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
    for branch, found in reading.parse(_branch_of, _read(usable, problems, sources), progress):
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


def _board_of(source: Source) -> tuple[Board | None, tuple[Problem, ...]]:
    """One ``board.yml``: (board or None, problems)."""
    root, problems = parse_yaml(source.data, source.shown)
    return (None if root is None else _parse_board(root, source.path, source.shown, problems)), tuple(problems)


def _branch_of(source: Source) -> tuple[Branch | None, tuple[Problem, ...]]:
    """One branch file: (branch or None, problems); the branch carries its file's key."""
    root, problems = parse_yaml(source.data, source.shown)
    branch = None if root is None else _parse_branch(root, source.path, source.shown, problems)
    if branch is not None:
        branch = dataclasses.replace(branch, key=source.key(_branch_of.__name__))
    return branch, tuple(problems)


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
    if values["id"] is not None and not PERIOD_ID.fullmatch(values["id"]):
        f.error(f.get("id").line, f"id（年度简称）“{values['id']}”不能用作网址：只能用小写英文字母、数字和连字符“-”，例如 2024")
        return None
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


def _parse_report(f: _Fields) -> Report | None:
    return Report(**f.read(schema.REPORT))


def _parse_evaluation(f: _Fields) -> Evaluation | None:
    values = f.read(schema.EVALUATION)
    if not _complete(schema.EVALUATION, values):
        return None
    return Evaluation(**values, lines=f.lines())


def _parse_listed(record: schema.Record, f: _Fields, number: int) -> object | None:
    """One entry of a list of records (an item, a person …): its fields, the lines they were written on.

    An ``id`` left out is the entry's position (01, 02 …).  Any record type
    declared in ``schema`` is read here; none needs a parser of its own.
    """
    values = f.read(record)
    if "id" in record:
        values["id"] = values["id"] or f"{number:02d}"
    if not _complete(record, values):
        return None
    return model_of(record)(**values, lines=f.lines())


def _parse_person(f: _Fields, number: int) -> Person | None:
    """A person; their own items name them as owner unless another owner is written."""
    person = _parse_listed(schema.PERSON, f, number)
    if person is None:
        return None
    items = tuple(i if i.owner else dataclasses.replace(i, owner=person.name) for i in person.items)
    return dataclasses.replace(person, items=items)


_PARSERS: dict[str, Callable[..., object]] = {
    "Notice": _parse_notice, "Meeting": _parse_meeting, "Evaluation": _parse_evaluation, "Person": _parse_person,
    "Report": _parse_report,
}


def _parser(record: schema.Record) -> Callable[..., object]:
    """How a nested record is read: its own parser for the ones with rules across fields, else the generic one."""
    return _PARSERS.get(record.name) or functools.partial(_parse_listed, record)
