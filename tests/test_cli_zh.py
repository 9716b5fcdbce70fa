"""Chinese everywhere a user reads (issue 29.5): click's help and usage errors, board serve's log, the 404 page."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.cli_zh import mkdocs_line

REPO = Path(__file__).resolve().parent.parent
# click's English words, and anything else English a clerk should not meet in help or errors
ENGLISH = re.compile(r"\b(Usage|Options|Commands|Error|Invalid|Missing|Show|Try|help\b(?! )|TEXT|INTEGER|RANGE|"
                     r"default|required|No such|Did you mean|Got unexpected|is not|version|Building|Serving|"
                     r"Documentation|Cleaning|Watching|Detected|Reloading|Not found)", re.I)


def run(*args: str):
    return CliRunner().invoke(main, list(args), prog_name="board", catch_exceptions=False)


def english(text: str) -> list[str]:
    """English words left once option names (--help), command names and file names are taken out."""
    return ENGLISH.findall(re.sub(r"-[-\w]+|site-config\.yml|\bboard \w+|\b(public|party|MkDocs)\b", "", text))


@pytest.mark.parametrize("args", [["--help"], ["publish", "-h"], ["--version"],
                                  *([name, "--help"] for name in sorted(main.commands))])  # every command, added later too
def test_help_is_chinese(args):
    result = run(*args)
    assert result.exit_code == 0
    assert english(result.output) == [], result.output
    if "--version" not in args:
        assert result.output.startswith("用法：board") and "选项：" in result.output


@pytest.mark.parametrize("args, says", [
    (["build", "--audience", "x"], "“x”不对，只能是"),
    (["publish"], "缺少选项 '--to'。"),
    (["template"], "缺少参数 '输出文件'。"),
    (["buld"], "没有命令 buld。 是不是 'build'？"),
    (["build", "extra"], "多了参数（extra）"),
    (["build", "--site"], "没有选项 --site。 是不是 '--site-dir'？"),
    (["publish", "--to", "x", "--keep", "0"], "'--keep' 的值不对：0 不在"),
    (["build", "--content"], "选项 --content 后面要写一个值。"),
    ([], "用法：board [选项] 命令 [参数]..."),
])
def test_usage_errors_are_chinese_and_exit_1(args, says):
    result = run(*args)
    assert result.exit_code == 1, result.output  # also bare "board": its help, as a usage error
    assert says in result.output
    assert english(result.output) == [], result.output


def test_mkdocs_log_lines_are_worded_in_chinese_keeping_time_and_address():
    assert mkdocs_line("[15:45:01] Serving on http://127.0.0.1:8765/") == "[15:45:01] 预览网站已启动：http://127.0.0.1:8765/"
    assert mkdocs_line("Documentation built in 1.49 seconds") == "生成完成，用时 1.49 秒"
    assert mkdocs_line('[15:45:14] "GET /nonexist/ HTTP/1.1" code 404') == "[15:45:14] 找不到这个网址：/nonexist/（404）"
    assert mkdocs_line("something MkDocs says that we do not know") is None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_speaks_chinese_and_its_404_page_leads_home(tmp_path):
    content = tmp_path / "content"
    (content / "branches").mkdir(parents=True)
    (content / "board.yml").write_text(yaml.safe_dump({"organization": "测试局党委", "period": "2024年度"},
                                                      allow_unicode=True), encoding="utf-8")
    (content / "branches" / "a.yml").write_text("name: 第一党支部\n", encoding="utf-8")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--content", str(content), "-a",
                             f"127.0.0.1:{port}"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        page, code = None, None
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/no-such-page/", timeout=1)
            except urllib.error.HTTPError as exc:
                page, code = exc.read().decode("utf-8"), exc.code
                break
            except OSError:
                time.sleep(0.2)
        assert code == 404
        assert "找不到这个页面（404）" in page and "返回公开栏首页" in page and "Not found" not in page
        time.sleep(0.5)  # the server logs the request
    finally:
        proc.terminate()
        log = proc.communicate(timeout=30)[0]
    assert f"预览网站已启动：http://127.0.0.1:{port}/" in log and "找不到这个网址：/no-such-page/（404）" in log
    assert english(log) == [], log


def test_help_lists_are_aligned_by_display_width_and_never_cut():
    from generator.cli_zh import width

    listing = run("--help").output.split("命令：\n", 1)[1].splitlines()
    assert listing and not any(line.endswith("...") for line in listing)  # each command's first sentence, whole
    options = run("init", "--help").output.split("选项：\n", 1)[1].splitlines()
    starts = {width(line) - width(line.split("  ", 2)[-1].lstrip()) for line in options if line.strip()}
    assert len(starts) == 1, options  # every description starts in the same terminal column
