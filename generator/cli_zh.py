"""click's own words in Chinese: help pages, usage errors, version line.

click words its help and its usage errors through ``gettext`` (``_`` and
``ngettext`` in each of its modules), so the clerk would meet ``Usage:``,
``Options:``, ``Error: Missing option`` and exit status 2.  ``install()``
points those module names at ``ZH`` (a message with no entry stays as click
wrote it); ``ChineseGroup`` and ``ChineseCommand`` name the placeholders in
Chinese (``[选项]``, ``文字``) and give usage errors exit status 1, as every
other refusal of the ``board`` command.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import click

ZH = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示这份说明。",
    "Show the version and exit.": "显示版本号。",
    "%(prog)s, version %(version)s": "%(prog)s 版本 %(version)s",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 {command} {option} 查看说明。",
    "Missing option": "缺少选项",
    "Missing argument": "缺少参数",
    "Missing parameter": "缺少参数",
    "Missing command.": "缺少命令，例如 board build；运行 board --help 查看全部命令。",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "{missing}{param_hint}.{msg}": "{missing} {param_hint}。{msg}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值不对：{message}",
    "Invalid value: {message}": "值不对：{message}",
    "No such option {name!r}.": "没有选项 {name}。",
    "No such command {name!r}.": "没有命令 {name}。",
    "Did you mean {possibility}?": "是不是 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是不是其中之一：{possibilities}？）",
    "Got unexpected extra argument ({args})": "多了参数（{args}）",
    "Got unexpected extra arguments ({args})": "多了参数（{args}）",
    "Option {name!r} requires an argument.": "选项 {name} 后面要写一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name} 后面要写 {nargs} 个值。",
    "Option {name!r} does not take a value.": "选项 {name} 后面不能写值。",
    "{value!r} is not {choice}.": "“{value}”不对，只能是 {choice}。",
    "{value!r} is not one of {choices}.": "“{value}”不对，只能是 {choices} 之一。",
    "{value!r} is not a valid {number_type}.": "“{value}”不是{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在 {range} 范围内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "“{value}”不对，只能是 {states}。",
    "{name} {filename!r} does not exist.": "{name} {filename} 不存在。",
    "{name} {filename!r} is a directory.": "{name} {filename} 是文件夹。",
    "{name} {filename!r} is a file.": "{name} {filename} 是文件。",
    "Could not open file {filename!r}: {message}": "打不开文件 {filename}：{message}",
    "integer": "整数",
    "float": "数字",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "default": "默认",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
    "Aborted!": "已取消。",
    "Error: invalid input": "请回答 y（是）或 n（否）",
    "Do you want to continue?": "继续吗？",
    "unknown error": "未知错误",
}
# Option values' placeholders by click type name; arguments' by parameter name.
METAVARS = {"text": "文字", "integer": "数字", "integer range": "数字", "float": "数字", "float range": "数字",
            "path": "路径", "file": "文件"}
ARGUMENTS = {"sheet": "表格文件", "out": "输出文件", "folder": "文件夹"}
# What MkDocs logs under ``board serve`` (and ``-v``), in Chinese; the time stamp and the URL are kept.
MKDOCS_LINES = [
    (r"Building documentation\.\.\.", "正在生成网站……"),
    (r"Cleaning site directory", "清空预览文件夹"),
    (r"Building documentation to directory: (.*)", r"生成到文件夹 \1"),
    (r"Documentation built in ([\d.]+) seconds", r"生成完成，用时 \1 秒"),
    (r"(\[[\d:]+\] )?Watching paths for changes: (.*)", r"\1监视这些文件的改动：\2"),
    (r"(\[[\d:]+\] )?Serving on (\S+)( and opening it in a browser)?", r"\1预览网站已启动：\2"),
    (r"(\[[\d:]+\] )?Detected file changes", r"\1发现文件有改动，重新生成"),
    (r"(\[[\d:]+\] )?Reloading browsers", r"\1刷新浏览器"),
    (r"(\[[\d:]+\] )?Browser connected: (\S+)", r"\1浏览器已连接：\2"),
    (r'(\[[\d:]+\] )?"GET (\S+) HTTP/[\d.]+" code 404', r"\1找不到这个网址：\2（404）"),
    (r"Shutting down\.\.\.", "正在停止预览……"),
]


def mkdocs_line(said: str) -> str | None:
    """MkDocs' log line in Chinese, or None when it is not one we know."""
    for pattern, chinese in MKDOCS_LINES:
        match = re.fullmatch(pattern, said)
        if match:
            return match.expand(chinese)
    return None


_CLICK_MODULES = ("core", "exceptions", "formatting", "decorators", "types", "parser", "termui")


def say(message: str) -> str:
    """click's message in Chinese (as it is when there is no entry)."""
    return ZH.get(message, message)


def say_n(singular: str, plural: str, count: int) -> str:
    return say(singular if count == 1 else plural)


def install() -> None:
    """Have click word everything through ``say``: its modules look ``_`` and ``ngettext`` up when they speak."""
    for name in _CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = say
        if hasattr(module, "ngettext"):
            module.ngettext = say_n


def _usage_exits_1(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except click.UsageError as exc:
        error = exc
        if isinstance(exc, click.MissingParameter):  # click words this one with an f-string ("Missing option '--to'.")
            what = "选项" if isinstance(exc.param, click.Option) else "参数"
            hint = exc.param_hint or (exc.param.get_error_hint(exc.ctx) if exc.param and exc.ctx else "")
            error = click.UsageError(f"缺少{what} {hint}。", exc.ctx)
        error.exit_code = 1  # the board command promises 1 for every refusal
        if error is exc:
            raise
        raise error from None


def width(text: str) -> int:
    """Columns a terminal gives ``text``: two for each CJK or full-width character."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class ChineseFormatter(click.HelpFormatter):
    """Headings and the usage line with Chinese punctuation; option lists aligned by display width.

    click measures text in characters and wraps it with ``textwrap``: a Chinese
    placeholder (文字) then misaligns its column, and a Chinese description is cut
    at twice the terminal's width.  Descriptions are written whole here (the
    terminal wraps them), after a first column padded to its display width.
    """

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = [(first, " ".join(second.split())) for first, second in rows]
        first_col = min(max((width(first) for first, _ in rows), default=0), col_max) + col_spacing
        indent = " " * self.current_indent
        for first, second in rows:
            gap = first_col - width(first)
            self.write(f"{indent}{first}" + (" " * gap if gap >= col_spacing else "\n" + indent + " " * first_col))
            self.write(f"{second}\n")

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "用法：" if prefix is None else prefix)


class ChineseContext(click.Context):
    formatter_class = ChineseFormatter


class ChineseCommand(click.Command):
    """A command whose help names its placeholders in Chinese, listed by its first sentence (to 。, never cut)."""

    context_class = ChineseContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)
        if self.short_help is None and self.help:
            first = self.help.strip().split("\n\n")[0]
            self.short_help = first.split("。")[0] + ("。" if "。" in first else "")
        for param in self.params:
            if isinstance(param, click.Argument) and param.metavar is None:
                param.metavar = ARGUMENTS.get(param.name or "", param.human_readable_name)
            elif isinstance(param, click.Option) and param.metavar is None and not param.is_flag:
                param.metavar = METAVARS.get(param.type.name)


class ChineseGroup(click.Group):
    """The ``board`` group: Chinese help and usage errors (exit status 1) for it and its commands."""

    command_class = ChineseCommand
    context_class = ChineseContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        return _usage_exits_1(lambda: super(ChineseGroup, self).make_context(*args, **kwargs))

    def invoke(self, ctx: click.Context) -> Any:
        return _usage_exits_1(lambda: super(ChineseGroup, self).invoke(ctx))
