"""How every ``board`` command runs: one run context, one error type, MkDocs' log lines in our words.

A content command opens the MkDocs config with its flags applied and makes
the one options object (``Run.open``), refuses an output that would hit an
input (``Run.check_output``), validates and reports every problem at once
(``Run.validate``), builds (``Run.build_into``) and says what it covered
(``Run.describe``).  Every refusal is a ``BoardError``: its sentences on stderr,
exit status 1, never a traceback (set BOARD_DEBUG=1 to see one); ``guard``
turns anything else into a sentence.  The commands and their wording are in
``cli``.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from generator import cli_zh, core, speed
from generator.approval import wording
from generator.board.figures import visible
from generator.content.model import Kind, Problem
from generator.content.source import os_reason
from generator.names import printable
from generator.site.outputs import MARKER
from generator.site.progress import Progress

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from generator.site.plugin import BoardPlugin


# MkDocs' own refusals a clerk can meet through our options, in their words.
_MKDOCS_SAYS = {
    "The 'site_dir' should not be within the 'docs_dir'":
        "输出文件夹在内容文件夹里面：请换一个内容文件夹以外的位置，例如 site。什么都没有改动。",
    "The 'docs_dir' should not be within the 'site_dir'":
        "输出文件夹会包含内容文件夹（生成时会替换它）：请换一个输出位置，例如 site。什么都没有改动。",
}


class _Formatter(logging.Formatter):
    """Board messages as they are (``path:line: message``); MkDocs' own with a label."""

    def format(self, record: logging.LogRecord) -> str:
        if record.name.startswith("mkdocs.plugins.board"):
            return record.getMessage()
        said = record.getMessage()
        known = cli_zh.mkdocs_line(said)
        if known is not None:
            return known
        label = {"WARNING": "MkDocs 警告", "ERROR": "MkDocs 错误"}.get(record.levelname, "MkDocs")
        return next((f"{label}：{ours}" for theirs, ours in _MKDOCS_SAYS.items() if theirs in said), f"{label}：{said}")


class _Stderr(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a message comes (click's test runner swaps it)."""

    @property
    def stream(self):  # noqa: ANN201
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:  # noqa: ANN001 - logging sets it once; the property wins
        pass


def _setup_logging(verbose: bool) -> None:
    handler = _Stderr()
    handler.setFormatter(_Formatter())
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.handlers[:] = [handler]
    mkdocs_log.setLevel(logging.INFO if verbose else logging.WARNING)
    mkdocs_log.propagate = False




def safe(message: str) -> str:
    """A message as a terminal may print it: each line with its control characters spelled out (``\\x1b``)."""
    return "\n".join(printable(line) for line in message.split("\n"))


class BoardError(click.ClickException):
    """Every refusal of the ``board`` command: its sentences on stderr as they are, exit status 1.

    Raised anywhere under a command (or an option callback); click renders it
    once, here, without its English "Error:" prefix and without a traceback.
    """

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file: Any = None) -> None:
        click.echo(safe(self.message), err=True)


def guard(func: Callable) -> Callable:
    """Turn every error into a sentence and exit status 1 (130 on Ctrl-C)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from mkdocs.exceptions import MkDocsException

        try:
            return func(*args, **kwargs)
        except BoardError:
            raise  # already a sentence: click renders it (MkDocs' errors are ClickExceptions too, worded below)
        except KeyboardInterrupt:
            raise BoardError("已中断；原有输出保持不变。", exit_code=130) from None
        except MkDocsException as exc:
            said = exc.format_message()
            if said.startswith("Aborted with"):  # MkDocs' closing line: the reasons were logged above it
                said = "--strict 模式下警告视为错误，见上面的警告" if "strict" in said else "原因见上面的说明"
            raise BoardError(f"生成失败：{said}；原有输出保持不变。") from None
        except OSError as exc:
            where = f"（{exc.filename}）" if exc.filename else ""
            raise BoardError(f"读写文件失败{where}：{os_reason(exc)}；原有输出保持不变。") from None
        except Exception as exc:  # noqa: BLE001 - the clerk must never see a traceback
            if os.environ.get("BOARD_DEBUG"):
                raise
            raise BoardError(f"内部错误：{type(exc).__name__}: {exc}（设置 BOARD_DEBUG=1 可查看详细信息）") from None
        finally:
            speed.before_exit()

    return wrapper


def audience_option(refused: tuple[str, ...], why: str, hidden: bool) -> Callable:
    """``--audience`` for a command that cannot honour some of its values: those are refused, saying ``why``."""

    def refuse(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value in refused:
            raise BoardError(f"--audience {value}：{why}")
        return value

    return click.option("--audience", type=click.Choice(["public", "party"]), callback=refuse, expose_value=False,
                        hidden=hidden, help=why)


def common(func: Callable | None = None, *, audience: Callable | None = None) -> Callable:
    """The options every content command takes; ``audience`` replaces the usual ``--audience``."""
    if func is None:
        return functools.partial(common, audience=audience)
    options = [
        click.option("--config", "config_file", default="site-config.yml", show_default=True, help="MkDocs 配置文件"),
        click.option("--content", help="内容文件夹（默认 content）"),
        audience or click.option("--audience", type=click.Choice(["public", "party"]),
                                 help="public 公开版 | party 党内版"),
        click.option("--as-of", "as_of", help="数据日期 YYYY-MM-DD（默认今天）"),
        click.option("-v", "--verbose", is_flag=True, help="显示 MkDocs 的详细日志"),
    ]
    for option in reversed(options):
        func = option(func)
    return guard(func)




def absolute(path: str | None) -> str | None:
    return None if path is None else str(Path(path).absolute())


def open_config(config_file: str, verbose: bool, content: str | None = None, site_dir: str | None = None) -> MkDocsConfig:
    """The MkDocs config with the flags that are MkDocs settings applied (``load_config`` overrides)."""
    from mkdocs.config import load_config

    _setup_logging(verbose)
    if content and not Path(content).is_dir():
        raise BoardError(f"找不到内容文件夹 {content}：里面应有 board.yml 和 branches/ 文件夹")
    if not Path(config_file).is_file():
        raise BoardError(f"找不到配置文件 {config_file}：请在项目文件夹里运行，或用 --config 指定")
    try:
        return load_config(config_file, docs_dir=absolute(content), site_dir=absolute(site_dir))
    except ValueError as exc:  # a value YAML cannot hold (2099-99-99), typed in the file or in an !ENV variable
        raise BoardError(f"配置文件 {config_file} 里有读不出来的值：{exc}；请检查配置文件，"
                         "以及它用 !ENV 读取的环境变量（如 BOARD_AS_OF 应为 YYYY-MM-DD 的真实日期）") from None


def plugin_of(config: MkDocsConfig) -> BoardPlugin:
    plugin = config.plugins.get("board")
    if plugin is None:
        raise BoardError("配置文件没有启用 board 插件（plugins: - board）")
    return plugin


def refuse_output(target: str | Path, inputs: list[Path], base: Path | None = None, *, replaces: str = "folder",
                   marker: Path = MARKER) -> None:
    """Stop before an output replaces, contains or lands inside one of ``inputs`` or the project ``base``."""
    from generator.site.outputs import OutputError, check_output

    try:
        check_output(Path(target), inputs, base, replaces=replaces, marker=marker)
    except OutputError as exc:
        raise BoardError(f"{exc}。什么都没有改动。") from None


WARNINGS_SHOWN = 30  # build and publish list this many warnings; check lists them all


def report_problems(checked: core.Checked, strict: bool, all_warnings: bool = False) -> None:
    shown = checked.warnings if all_warnings else checked.warnings[:WARNINGS_SHOWN]
    for problem in sorted(checked.errors + shown):
        click.echo(safe(str(problem)), err=True)
    hidden = len(checked.warnings) - len(shown)
    if hidden:
        click.echo(f"……另有 {hidden} 条警告，用 board check 查看全部。", err=True)
    if checked.errors:
        raise BoardError(f"发现 {len(checked.errors)} 处错误，请按上面的提示修改。")
    if strict and checked.warnings:
        raise BoardError(f"发现 {len(checked.warnings)} 处警告（--strict 模式下视为错误）。")


def count_text(branches: object, temporary: object, items: object) -> str:
    """The one wording of a board's size: build, publish, check, render, export and releases."""
    extra = f"（含临时党支部 {temporary} 个）" if temporary else ""
    return f"{branches} 个支部{extra}，{items} 项整改事项"


@dataclass
class Run:
    """One content command's run: the MkDocs config and the one options object, each made once.

    Every content command goes the same way — open the config, make the
    options, refuse an output that would hit an input, validate and report the
    problems, build — so each step is written here once and a command only
    says which steps it takes.
    """

    config: MkDocsConfig
    options: core.Options
    checked: core.Checked | None = None

    @classmethod
    def open(cls, config_file: str, content: str | None, audience: str | None, as_of: str | None, verbose: bool, *,
             site_dir: str | None = None, previous: Path | Callable[[MkDocsConfig], Path] | None = None) -> Run:
        """The config with the flags applied, and the options: the flags, else the plugin's settings.

        ``previous``: the output the change log compares with (a function of the
        config when it depends on it), default the plugin's setting or site_dir.
        """
        from generator.site.plugin import options_of

        config = open_config(config_file, verbose, content, site_dir)
        if callable(previous):
            previous = previous(config)
        try:
            options = options_of(plugin_of(config).config, config, content=Path(content).absolute() if content else None,
                                 audience=audience, as_of=as_of, previous=previous)
        except core.OptionError as exc:
            raise BoardError(f"选项有误：{exc}") from None
        return cls(config, options)

    @property
    def plugin(self) -> BoardPlugin:
        return plugin_of(self.config)

    def check_output(self, target: str | Path, replaces: str = "folder", marker: Path = MARKER) -> None:
        """Stop before ``target`` replaces, contains or lands inside the content, the config or the project."""
        config_file = Path(self.config.config_file_path).absolute()
        theme = self.config.theme.custom_dir
        inputs = [self.options.content_dir, config_file, *([Path(theme)] if theme else [])]
        refuse_output(target, inputs, config_file.parent, replaces=replaces, marker=marker)

    def validate(self, strict: bool = False, all_warnings: bool = False,
                 ignore: Callable[[Problem], bool] | None = None) -> core.Checked:
        """``core.validate`` (with a progress line on a terminal for big boards), its problems reported.

        Errors (and warnings under ``strict``) stop the command; ``ignore``
        leaves some warnings unsaid.
        """
        progress = Progress("读取支部文件")
        try:
            self.checked = core.validate(self.options, progress.update)
        finally:
            progress.close()
        shown = self.checked
        if ignore is not None:
            shown = dataclasses.replace(shown, problems=[p for p in shown.problems if not ignore(p)])
        report_problems(shown, strict, all_warnings)
        return self.checked

    def build_into(self, site_dir: Path) -> None:
        """MkDocs builds into ``site_dir`` with our options and validation (as ``mkdocs build`` would, with hooks)."""
        from mkdocs.commands.build import build

        self.config.site_dir = str(site_dir)
        self.config.plugins.on_startup(command="build", dirty=False)
        try:
            with self.plugin.given(self.options, self.checked):
                build(self.config)
        finally:
            self.config.plugins.on_shutdown()

    def describe(self, checked: core.Checked | None = None) -> str:
        """What this run covers: the board's size for its audience, the audience and the as-of date."""
        checked = checked or self.checked
        branches = checked.content.branches if checked and checked.content else ()
        items = sum(visible(i, self.options.audience) for b in branches for i in b.items)
        temporary = sum(b.kind is Kind.TEMPORARY for b in branches)
        return (f"{count_text(len(branches), temporary, items)}，{self.options.audience.label}版，"
                f"数据截至 {self.options.as_of.isoformat()}")

    def say_approval(self) -> None:
        """Where the content stands in review and approval (nothing when the gate is off or there are errors)."""
        if self.checked is not None and self.checked.approval is not None:
            click.echo(f"{wording.status(self.checked.approval)}。")
