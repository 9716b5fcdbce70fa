"""Where a roll-up's boards are, and reading each one's ``data/summary.json``.

A source is what the city's clerk typed: a published board's folder (or its
publish root, whose ``current`` is the live release), its ``data/summary.json``,
or its intranet address over http.  Reading checks the shape of a summary (the
keys ``figures.summary`` writes) and nothing else: whether its figures add up is
for the roll-up to flag, not to refuse.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.board.figures import SUMMARY_COUNTS
from generator.content.schema import COUNTS, ITEM_COUNTS
from generator.content.source import os_reason

SUMMARY = ("data", "summary.json")
MAX_BYTES = 50_000_000  # a 1,000-branch board's summary is well under 1 MB
TIMEOUT_SECONDS = 15  # each wait for the server
DOWNLOAD_SECONDS = 60  # the whole download: a server trickling a byte at a time never trips TIMEOUT_SECONDS
DOWNLOADS = 8  # summaries fetched over http at once
MAX_COUNT = 100_000_000  # no organization has more members or items; a larger count is not a real summary


class SourceError(ValueError):
    """A source that could not be read as a board's summary: names it and says why, in Chinese."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}：{reason}")
        self.source = source
        self.reason = reason


@dataclass(frozen=True)
class Source:
    """One source as typed, where its summary is read from, and where its board is (for the link)."""

    given: str
    summary: str  # a file path or an http(s) address
    board: str  # the board's folder or address
    remote: bool

    @property
    def local_paths(self) -> tuple[Path, ...]:
        """The files and folders a roll-up reads here (its output must not replace them)."""
        return () if self.remote else (Path(self.board),)


@dataclass(frozen=True)
class Read:
    source: Source
    data: dict


def _is_http(given: str) -> bool:
    """Whether a source as typed is an http(s) address (else a path)."""
    return given.lower().startswith(("http://", "https://"))


def locate(given: str) -> Source:
    """Where ``given`` (as typed) keeps its summary; raises ``SourceError`` for a path that is not there."""
    if _is_http(given):
        if given.endswith(".json"):
            base = given.rsplit("/", 1)[0]
            base = base.removesuffix("/data")
            return Source(given, given, base + "/", True)
        base = given if given.endswith("/") else given + "/"
        return Source(given, base + "/".join(SUMMARY), base, True)
    path = Path(given)
    if path.is_file():
        board = path.parent.parent if path.parent.name == SUMMARY[0] else path.parent
        return Source(given, str(path), str(board), False)
    if path.is_dir():
        for board in (path, path / "current"):  # a publish root serves its ``current`` release
            if board.joinpath(*SUMMARY).is_file():
                return Source(given, str(board.joinpath(*SUMMARY)), str(board), False)
        raise SourceError(given, f"这个文件夹里没有 {'/'.join(SUMMARY)}：请给出已生成或已发布的公开栏网站文件夹")
    raise SourceError(given, "找不到这个文件或文件夹")


class _SameHost(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only on the host the clerk named: elsewhere would roll up another board's figures."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001 - urllib's hook
        there = urllib.parse.urlsplit(urllib.parse.urljoin(req.full_url, newurl)).hostname
        if there != urllib.parse.urlsplit(req.full_url).hostname:
            raise urllib.error.URLError(f"地址被转到了别的服务器 {there}，不读")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _read_within(answer: Any, source: Source) -> bytes:
    """The answer's body, up to ``MAX_BYTES`` + 1, read piece by piece within ``DOWNLOAD_SECONDS``."""
    deadline = time.monotonic() + DOWNLOAD_SECONDS
    body = bytearray()
    while len(body) <= MAX_BYTES and (piece := answer.read1(1 << 16)):
        body += piece
        if time.monotonic() > deadline:
            raise SourceError(source.given, f"{DOWNLOAD_SECONDS:g} 秒内没有下载完（服务器回答得太慢）：请检查地址和网络")
    return bytes(body)


def _fetch(source: Source) -> bytes:
    if not source.remote:
        try:
            with open(source.summary, "rb") as file:
                return file.read(MAX_BYTES + 1)
        except OSError as exc:
            raise SourceError(source.given, f"读不出来：{os_reason(exc)}") from None
    try:
        opener = urllib.request.build_opener(_SameHost)
        with opener.open(source.summary, timeout=TIMEOUT_SECONDS) as answer:
            return _read_within(answer, source)
    except urllib.error.HTTPError as exc:
        raise SourceError(source.given, f"服务器回答 {exc.code}（{source.summary} 不存在或无权访问）") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SourceError(source.given, f"连不上（{reason}）：请检查地址和网络") from None


def _is_date(text: str) -> bool:
    try:
        return dt.date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


def _is_count(value: object) -> bool:
    return type(value) is int and 0 <= value <= MAX_COUNT


def _shape_problem(data: object) -> str | None:
    """What keeps ``data`` from being a board's summary (the keys ``figures.summary`` writes), or None."""
    if not isinstance(data, dict):
        return "内容不是一个 JSON 对象"
    for key in ("organization", "period", "as_of"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            return f"缺少 {key}"
    if not _is_date(data["as_of"]):
        return "as_of 不是日期（应为 YYYY-MM-DD）"
    if data.get("audience") not in ("public", "party"):
        return "缺少 audience（public 或 party）"
    totals = data.get("totals")
    if not isinstance(totals, dict):
        return "缺少 totals"
    for key in SUMMARY_COUNTS:
        if not _is_count(totals.get(key)):
            return f"totals.{key} 不是非负整数"
    items = totals.get("rectifications")
    if not isinstance(items, dict) or not all(_is_count(items.get(key)) for key in ITEM_COUNTS):
        return "totals.rectifications 不完整"
    branches = data.get("branches")
    if not isinstance(branches, list) or not all(_branch_ok(b) for b in branches):
        return "branches 不完整"
    if not isinstance(data.get("overdue_items", []), list) or not isinstance(data.get("approval") or {}, dict):
        return "overdue_items 或 approval 的格式不对"
    return None


def _branch_ok(branch: object) -> bool:
    if not isinstance(branch, dict) or branch.get("kind") not in ("branch", "temporary"):
        return False
    evaluation = branch.get("evaluation")
    counts_ok = evaluation is None or (isinstance(evaluation, dict) and all(_is_count(evaluation.get(k)) for k in COUNTS))
    items = branch.get("rectifications")
    return counts_ok and isinstance(items, dict) and all(_is_count(items.get(k)) for k in ITEM_COUNTS)


def parse(source: Source, raw: bytes) -> dict:
    """The summary in ``raw``; raises ``SourceError`` when it is not a board's summary."""
    if len(raw) > MAX_BYTES:
        raise SourceError(source.given, f"文件超过 {MAX_BYTES // 1_000_000} MB，不像公开栏的 summary.json")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # ValueError: JSON errors and 4,300-digit numbers
        raise SourceError(source.given, "不是公开栏的 summary.json（不是 JSON 文件）") from None
    problem = _shape_problem(data)
    if problem:
        raise SourceError(source.given, f"不是公开栏的 summary.json（{problem}）")
    return data


def read_one(given: str) -> Read:
    source = locate(given)
    return Read(source, parse(source, _fetch(source)))


def read_all(given: Iterable[str]) -> Iterator[Read | SourceError]:
    """Every source in the order given: its summary, or the error that names it (remote ones fetched in parallel)."""
    def attempt(text: str) -> Read | SourceError:
        try:
            return read_one(text)
        except SourceError as exc:
            return exc

    given = list(given)
    workers = min(DOWNLOADS, max(1, sum(map(_is_http, given))))
    if workers == 1:
        yield from map(attempt, given)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(attempt, given)


def board_link(read: Read, out: Path) -> tuple[str, bool]:
    """The link to a bureau's board and whether it is an address: the ``site_url`` its summary gives (where the
    bureau publishes it, valid from any machine), else ``relative_link``."""
    site = read.data.get("site_url")
    if isinstance(site, str) and _is_address(site):
        return site, True
    return relative_link(read.source, out), read.source.remote


def _is_address(text: str) -> bool:
    """An http(s) address with a host and nothing a link must not hold (a summary is another bureau's file)."""
    try:
        parts = urllib.parse.urlsplit(text)
    except ValueError:  # http://[x: not an address
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and text.isprintable() and " " not in text


def relative_link(source: Source, out: Path) -> str:
    """The link from the roll-up's folder to the board: its address, or a relative path to its folder's index.html."""
    if source.remote:
        return source.board
    board = Path(os.path.relpath(Path(source.board).absolute(), out.absolute()))
    return urllib.parse.quote(board.as_posix()) + "/index.html"
