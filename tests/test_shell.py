"""shell: every way a command can fail ends as sentences on stderr with one exit status, never a traceback."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner
from mkdocs.exceptions import Abort, ConfigurationError

from generator.shell import BoardError, guard


def _run(error: BaseException, env: dict[str, str] | None = None):
    @click.command()
    @guard
    def failing() -> None:
        raise error

    return CliRunner(env=env).invoke(failing, [], catch_exceptions=False)


@pytest.mark.parametrize(("error", "code", "said"), [
    (BoardError("找不到配置文件 x.yml\n第二行"), 1, "找不到配置文件 x.yml\n第二行\n"),
    (BoardError("终端\x1b[2J控制符"), 1, "终端\\x1b[2J控制符\n"),
    (KeyboardInterrupt(), 130, "已中断；原有输出保持不变。\n"),
    (PermissionError(13, "Permission denied", "/srv/board/site"), 1, "读写文件失败（/srv/board/site）："),
    (ConfigurationError("theme 不存在"), 1, "生成失败：theme 不存在；原有输出保持不变。\n"),
    (Abort("Aborted with 2 warnings in strict mode!"), 1, "生成失败：--strict 模式下警告视为错误，见上面的警告；原有输出保持不变。\n"),
    (ValueError("意外"), 1, "内部错误：ValueError: 意外（设置 BOARD_DEBUG=1 可查看详细信息）\n"),
])
def test_each_failure_is_one_sentence_and_one_exit_status(error, code, said):
    result = _run(error)
    assert result.exit_code == code
    assert result.stderr.startswith(said) and not result.stderr.startswith("Error") and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_board_debug_shows_the_traceback_of_an_internal_error():
    with pytest.raises(ValueError, match="意外"):
        _run(ValueError("意外"), env={"BOARD_DEBUG": "1"})


@pytest.mark.parametrize("value", ["2099-99-99", "2026-02-30"])
def test_a_config_value_no_yaml_type_can_hold_is_a_sentence_naming_the_config(value, tmp_path, monkeypatch):
    """``as_of: !ENV BOARD_AS_OF`` reads the variable as YAML: an impossible date failed inside the YAML reader."""
    import contextlib

    from generator.cli import main
    from helpers import REPO

    monkeypatch.setenv("BOARD_AS_OF", value)
    with contextlib.chdir(REPO):
        result = CliRunner().invoke(main, ["check"], catch_exceptions=False)
    assert result.exit_code == 1 and "内部错误" not in result.stderr, result.stderr
    assert "site-config.yml" in result.stderr and "环境变量" in result.stderr
