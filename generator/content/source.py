"""Read one YAML file safely into plain nodes that remember their line.

Why not ``yaml.safe_load``: it forgets where values came from, and it expands
aliases (a "billion laughs" file would eat the memory).  We only *compose* the
file (no Python object is ever constructed from a tag), refuse tags, anchors
and aliases, and convert the node graph into ``Node`` values ourselves.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.content import schema
from generator.content.model import Problem, Severity

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_TEXT_CHARS = 20_000

_STANDARD_TAG = "tag:yaml.org,2002:"
_NULL, _STR, _SEQ, _MAP = (_STANDARD_TAG + t for t in ("null", "str", "seq", "map"))
_NULL_WORDS = frozenset(("", "~", "null", "Null", "NULL"))


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Composes only; every plain scalar is text, except the empty/null ones.

    We never construct values, so the costly implicit resolution (ints, floats,
    booleans, timestamps by regular expression) is skipped: the loader decides
    what a count or a date is, with its own messages.  Explicit tags still reach
    ``_convert`` untouched and are refused there.
    """

    def resolve(self, kind, value, implicit):  # noqa: ANN001 - PyYAML's signature
        if kind is yaml.ScalarNode:
            return _NULL if implicit[0] and value in _NULL_WORDS else _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP


_ALLOWED_TAGS = frozenset(_STANDARD_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map"))

Value = str | None | list["Node"] | dict[str, "Node"]


@dataclass(slots=True)
class Node:
    """A scalar (text or None), a list or a mapping, with its 1-based line.

    A mapping value carries the line of its *key*, which is where a clerk looks.
    Not frozen: a file reads into hundreds of nodes, a frozen dataclass takes
    twice as long to create, and nothing changes a node once it is read.
    """

    value: Value
    line: int


class _Refused(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


# Parser messages a clerk meets most (libyaml and pure-Python wording), said in words they know.
_HINTS = (
    ("scanning an alias", "以 * 或 & 开头的文字请用引号括起来"),
    ("scanning an anchor", "以 * 或 & 开头的文字请用引号括起来"),
    ("mapping values are not allowed", "这里不能有“: ”（冒号加空格）；文字里有冒号时，请把整段文字用引号括起来"),
    ("unexpected end of stream", "引号没有闭合"),
    ("expected ',' or ']'", "方括号 [ ] 没有闭合"),
    ("expected ',' or '}'", "花括号 { } 没有闭合"),
    ("did not find expected key", "缩进与上一行不一致，或引号后面还有多余的文字"),
    ("could not find expected ':'", "缺少“:”，或上一行的引号没有闭合"),
    ("expected <block end>", "缩进与上下文不一致"),
)


def decode(data: bytes, shown: str) -> tuple[str | None, list[Problem]]:
    """Decode UTF-8 (with or without BOM) or UTF-16 (with BOM); read GB18030 with a warning.

    Notepad and Excel on Chinese Windows save GBK/GB18030 by default; refusing
    those files would only send the clerk looking for a setting.  A UTF-8 file with
    a few broken bytes is not taken for GBK: its broken lines are named.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as exc:
            line = data[: exc.start - exc.start % 2].decode("utf-16", errors="replace").count("\n") + 1
            return None, [Problem(shown, line, "文件是 UTF-16 编码，但从这一行起不完整（文件可能被截断或损坏）；"
                                               "请用记事本打开，检查内容后“另存为”，编码选择 UTF-8")]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    broken = _broken_utf8_lines(data)
    if broken:
        return None, [Problem(shown, line, "这一行有无法识别的字节（不是 UTF-8 编码，而文件的其余部分是 UTF-8），"
                                           "可能是粘贴进来的乱码或文件已损坏：请重新输入这一行的文字，保存为 UTF-8")
                      for line in broken[:5]]
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [Problem(shown, line, "文件既不是 UTF-8 也不是 GBK 编码，无法读取；请用记事本打开，“另存为”时编码选择 UTF-8")]
    warning = Problem(
        shown, 1,
        "文件不是 UTF-8 编码，已按 GBK/GB18030 读取；建议用记事本“另存为”，编码选择 UTF-8",
        Severity.WARNING,
    )
    return text, [warning]


def _broken_utf8_lines(data: bytes) -> list[int]:
    """Lines with invalid UTF-8 in what is otherwise plainly UTF-8 text (else [], e.g. for GBK).

    Chinese in UTF-8 is three bytes a character; GBK text seldom forms such sequences by chance.
    """
    bad: list[int] = []
    good = 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        text = line.decode("utf-8", errors="replace")
        errors = text.count("\ufffd") - line.count("\ufffd".encode())
        good += sum(1 for ch in text if ord(ch) >= 0x800 and ch != "\ufffd")  # 3-byte sequences: rare in GBK
        if errors:
            bad.append(number)
            if len(bad) > 5:
                return []
    return bad if good >= 10 * len(bad) else []


# Characters no text may hold: they break spreadsheets (export), terminals (escape
# sequences) and XML, and nobody types them on purpose.  Tab, newline and CR stay.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


# What YAML itself refuses in a file (its positions count bytes or characters depending on the parser).
_STREAM_CONTROL = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def control_problem(text: str) -> str | None:
    """A sentence about the first control character in ``text``, or None."""
    found = CONTROL.search(text)
    if found is None:
        return None
    return (f"文字里有不可见的控制字符 U+{ord(found.group()):04X}（第 {found.start() + 1} 个字），"
            "可能是从别处复制来的，或写了 \\0、\\e 这样的转义：请删除它")


_OS_REASONS = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "磁盘是只读的",
    errno.ENOENT: "文件或文件夹不存在（或是指向不存在的文件的链接）",
    errno.EISDIR: "这是一个文件夹",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.ELOOP: "链接绕成了圈",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EIO: "磁盘读写出错",
    errno.EEXIST: "已经存在",
    errno.ENOTEMPTY: "文件夹不是空的",
    errno.EBUSY: "正被别的程序占用",
    errno.EMFILE: "打开的文件太多",
    errno.EXDEV: "不能跨磁盘改名",
    errno.EPIPE: "接收输出的程序已经关闭（例如输出接到了 head）",
}


def os_reason(exc: BaseException) -> str:
    """An operating-system error in Chinese (its English text only for a rare one)."""
    code = getattr(exc, "errno", None)
    return _OS_REASONS.get(code) or getattr(exc, "strerror", None) or str(exc)


def refused(path: Path, inside: Path) -> str | None:
    """Why ``path`` is not a content file we may read, or None.

    Only regular files whose real location is inside the content folder ``inside``:
    a link to a file elsewhere would publish it, a device (``/dev/zero``) never
    ends and a named pipe never answers.
    """
    try:
        real = Path(os.path.realpath(path))
        if not real.is_relative_to(os.path.realpath(inside)):
            return f"是指向内容文件夹以外（{real}）的链接，不能读取：请把文件本身放进内容文件夹"
        mode = os.stat(path).st_mode
    except (OSError, ValueError) as exc:
        return f"无法读取文件：{os_reason(exc)}"
    if not stat.S_ISREG(mode):
        what = "文件夹" if stat.S_ISDIR(mode) else "设备、管道或其他特殊文件"
        return f"不是普通文件（是{what}），不能读取"
    return None


def read_bytes(path: Path, shown: str) -> tuple[bytes | None, list[Problem]]:
    """The file's bytes, unless it is missing, not a regular file or larger than a board file can be.

    The size is checked before reading and again while reading (a file may grow, and
    a device reports no size), and opening never waits (a named pipe would hang).
    """
    too_big = f"文件过大，单个文件最多 {MAX_FILE_BYTES // 1024 // 1024} MB"
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        return None, [Problem(shown, 0, f"无法读取文件：{os_reason(exc)}")]
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, [Problem(shown, 0, "不是普通文件（是设备、管道或其他特殊文件），不能读取")]
        if info.st_size > MAX_FILE_BYTES:
            return None, [Problem(shown, 0, f"{too_big}（这个文件 {info.st_size // 1024} KB）")]
        chunks, size = [], 0
        while size <= MAX_FILE_BYTES:
            chunk = os.read(fd, MAX_FILE_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_FILE_BYTES:
            return None, [Problem(shown, 0, too_big)]
        return b"".join(chunks), []
    except OSError as exc:
        return None, [Problem(shown, 0, f"无法读取文件：{os_reason(exc)}")]
    finally:
        os.close(fd)


def parse_yaml(data: bytes, shown: str) -> tuple[Node | None, list[Problem]]:
    """The root node of a YAML document, or None and the reasons it cannot be read."""
    text, problems = decode(data, shown)
    if text is None:
        return None, problems
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        return None, problems + (_ime_colons(text, shown, exc) or _missing_colon(text, shown, exc)
                                 or [_syntax_problem(exc, text, shown)])
    except yaml.reader.ReaderError:
        found = _STREAM_CONTROL.search(text)
        line = text.count("\n", 0, found.start()) + 1 if found else 1
        column = found.start() - text.rfind("\n", 0, found.start()) if found else 1
        code = f" U+{ord(found.group()):04X}" if found else ""
        return None, problems + [Problem(shown, line, f"第 {column} 列有不可见的控制字符{code}，"
                                                      "可能是从别处复制来的：请删除它")]
    except yaml.YAMLError as exc:
        return None, problems + [Problem(shown, 1, f"YAML 格式错误：{exc}")]
    if root is None:
        return Node(None, 1), problems
    try:
        return _convert(root, root.start_mark.line + 1, set()), problems
    except _Refused as exc:
        return None, problems + [Problem(shown, exc.line, exc.message)]


def read_yaml(path: Path, shown: str) -> tuple[Node | None, list[Problem]]:
    """Read and parse one file (see ``read_bytes`` and ``parse_yaml``)."""
    data, problems = read_bytes(path, shown)
    return (None, problems) if data is None else parse_yaml(data, shown)


# A key typed with a Chinese input method's full-width colon (owner：钱某某): YAML reads no key there, and the
# parser only notices a line later (or past the end of the file).
_IME_COLON = re.compile(r"^[ \t]*(?:-[ \t]+)?([a-z_]+)[ \t]*：", re.MULTILINE)


def _ime_message(key: str) -> str:
    return f"“{key}：”用的是中文全角冒号“：”（中文输入法打出的）：键后面要用英文冒号加空格，写成 {key}: ……"


def _ime_colons(text: str, shown: str, exc: yaml.MarkedYAMLError) -> list[Problem]:
    """The lines up to the parser's complaint whose key ends in a full-width colon: the cause, on its own line."""
    mark = exc.problem_mark or exc.context_mark
    last = mark.line + 1 if mark else text.count("\n") + 1
    found = [(text.count("\n", 0, m.start()) + 1, m.group(1)) for m in _IME_COLON.finditer(text)]
    return [Problem(shown, line, _ime_message(key)) for line, key in found if line <= last]


# A declared key typed without its colon (name 第一党支部): YAML reads the line as text and complains a line or
# more later, about a colon that is not the clerk's mistake.
_NO_COLON = re.compile(r"^[ \t]*(?:-[ \t]+)?([a-z_]+)[ \t]+[^\s:#][^\n]*$", re.MULTILINE)
_KEYS = frozenset(f.key for record in schema.RECORDS for f in record.fields)


def _missing_colon(text: str, shown: str, exc: yaml.MarkedYAMLError) -> list[Problem]:
    """The nearest line just before the parser's complaint that starts with a declared key and has no colon after it."""
    mark = exc.problem_mark or exc.context_mark
    last = mark.line + 1 if mark else text.count("\n") + 1
    found = [(text.count("\n", 0, m.start()) + 1, m.group(1)) for m in _NO_COLON.finditer(text)
             if m.group(1) in _KEYS and ":" not in m.group(0) and "：" not in m.group(0)]
    found = [(line, key) for line, key in found if last - 3 <= line <= last]  # the parser stops soon after
    return [Problem(shown, found[-1][0], f"“{found[-1][1]}”后面少了冒号：键后面要写英文冒号加空格，"
                                         f"写成 {found[-1][1]}: ……")] if found else []


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, shown: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    column = f"第 {mark.column + 1} 列" if mark else "位置不明"
    said = f"{exc.context or ''} {exc.problem or ''}"
    hint = next((h for key, h in _HINTS if key in said), None)
    lines = text.splitlines()
    at = lines[mark.line][mark.column:mark.column + 1] if mark and mark.line < len(lines) else ""
    if hint is None and "cannot start any token" in said:
        hint = "不能用 Tab 键缩进，请改用空格" if at == "\t" else f"以“{at}”开头的文字请用引号括起来"
    return Problem(shown, line, f"YAML 格式错误（{column}）：{hint or exc.problem or '无法解析'}")


def _convert(node: yaml.Node, line: int, seen: set[int]) -> Node:
    """Turn a composed node into a ``Node``; ``line`` is where the caller points.

    A collection met twice is an alias (a "billion laughs" file is all aliases):
    refused before anything is expanded.
    """
    tag = node.tag
    if tag not in _ALLOWED_TAGS:
        raise _Refused(node.start_mark.line + 1, f"不允许使用 YAML 标签 {tag}，请去掉以 ! 开头的标记")
    if isinstance(node, yaml.ScalarNode):
        if tag == _NULL:
            return Node(None, line)
        value = node.value
        control = control_problem(value)
        if control:
            raise _Refused(node.start_mark.line + 1, control)
        if len(value) > MAX_TEXT_CHARS:
            raise _Refused(node.start_mark.line + 1, f"文字过长（{len(value)} 字），每项最多 {MAX_TEXT_CHARS} 字")
        ime = _IME_COLON.match(value) if not node.style else None  # name：第一党支部 read as one plain text
        if ime:
            raise _Refused(node.start_mark.line + 1, _ime_message(ime.group(1)))
        return Node(value, line)
    if id(node) in seen:
        raise _Refused(node.start_mark.line + 1, "不支持 YAML 锚点和别名（& 和 *）；以 * 或 & 开头的文字请用引号括起来")
    seen.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        return Node([_convert(item, item.start_mark.line + 1, seen) for item in node.value], line)
    mapping: dict[str, Node] = {}
    for key_node, value_node in node.value:
        key_line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            raise _Refused(key_line, "键必须是文字")
        key = str(key_node.value)
        if control_problem(key):
            raise _Refused(key_line, f"键{control_problem(key)}")
        if key in mapping:
            raise _Refused(key_line, f"重复的键“{key}”（第 {mapping[key].line} 行已有）")
        mapping[key] = _convert(value_node, key_line, seen)
    return Node(mapping, line)
