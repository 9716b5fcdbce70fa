"""The ``board`` command as a clerk meets it: messages, exit codes, no tracebacks."""

from __future__ import annotations

import calendar
import gzip
import json
import os

from helpers import CONFIG, board, board_cli, clean_env, evaluation, item, tiny_board


def check(content, *extra):
    return board("check", "--config", str(CONFIG), "--content", str(content), "--as-of", "2024-07-01", *extra)


def test_check_passes_and_says_what_it_saw(board_dir):
    run = check(board_dir)
    assert run.code == 0, run.err
    assert "检查通过：1 个支部，1 项整改事项，公开版，数据截至 2024-07-01" in run.out


def test_every_error_at_once_as_path_line_message(tmp_path):
    root = tiny_board(tmp_path / "c", {
        "a": {"name": "甲", "evaluation": evaluation(members="三十"), "rectifications": [item(status="完了")]},
        "b": {"name": "乙", "rectifications": [item(deadline="2024-02-30")]},
    })
    run = board_cli("check", "--config", str(CONFIG), "--content", str(root), "--as-of", "2024-07-01")  # a real process
    assert run.code == 1 and "Traceback" not in run.err
    lines = run.err.strip().splitlines()
    assert lines[0].endswith("branches/a.yml:3: members（党员总数）应为不小于 0 的整数，现在是“三十”")
    assert "branches/a.yml:18: status（整改状态）不能是“完了”" in lines[1]
    assert "branches/b.yml:8: deadline（整改时限）：日期不存在：“2024-02-30”（2024年2月没有 30 日）" in lines[2]
    assert lines[-1] == "发现 3 处错误，请按上面的提示修改。"


def test_warnings_pass_unless_strict(tmp_path):
    root = tiny_board(tmp_path / "c", {"a": {"name": "甲", "rectifications": [item(status="未开始")]}})
    run = check(root)
    assert run.code == 0 and "a.yml:8: 警告：事项 01 的整改时限 2024-06-30 已过，状态仍为“未开始”" in run.err
    strict = check(root, "--strict")
    assert strict.code == 1 and "--strict" in strict.err


def test_gbk_content_builds_correctly(tmp_path):
    root = tiny_board(tmp_path / "c")
    path = root / "branches" / "first.yml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    run = board("build", "--config", str(CONFIG), "--content", str(root), "--site-dir", str(tmp_path / "site"),
                    "--as-of", "2024-07-01")
    assert run.code == 0, run.err
    assert "first.yml:1: 警告：文件不是 UTF-8 编码" in run.err
    assert "第一党支部" in (tmp_path / "site" / "branches" / "first" / "index.html").read_text(encoding="utf-8")


def test_bad_options_and_missing_config_are_sentences(board_dir, tmp_path):
    run = board("check", "--config", str(CONFIG), "--content", str(board_dir), "--as-of", "2024-13-01")
    assert run.code == 1 and "as-of" in run.err and "没有 13 月" in run.err and "Traceback" not in run.err
    run = board("check", "--config", str(tmp_path / "nope.yml"))  # one error type, rendered once: no "Error:"
    assert run.code == 1 and run.err == f"找不到配置文件 {tmp_path / 'nope.yml'}：请在项目文件夹里运行，或用 --config 指定\n"
    run = board("check", "--config", str(tmp_path / "nope\x1b[2J.yml"))  # the terminal sees escapes spelled out
    assert run.code == 1 and "\x1b" not in run.err and "nope\\x1b[2J.yml" in run.err
    run = board("check", "--config", str(CONFIG), "--content", str(tmp_path / "nowhere"))
    assert run.code == 1 and "找不到内容文件夹" in run.err
    (tmp_path / "empty").mkdir()
    run = board("check", "--config", str(CONFIG), "--content", str(tmp_path / "empty"))
    assert run.code == 1 and "缺少 board.yml" in run.err and "Traceback" not in run.err


def test_hostile_yaml_is_refused_and_never_run(tmp_path):
    root = tiny_board(tmp_path / "c")
    marker = tmp_path / "pwned"
    (root / "branches" / "evil.yml").write_text(
        f'name: !!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    run = check(root)
    assert run.code == 1 and "evil.yml:1: 不允许使用 YAML 标签" in run.err
    assert not marker.exists()


def test_mkdocs_build_through_the_plugin_fails_on_content_errors(tmp_path):
    import subprocess
    import sys

    root = tiny_board(tmp_path / "c", {"a": {"name": "甲", "evaluation": evaluation(rated=3)}})
    env = clean_env(BOARD_CONTENT=str(root), BOARD_SITE_DIR=str(tmp_path / "site"))
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(CONFIG)], env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "a.yml:6: 评定结果相加不等于参加组织评定人数" in proc.stderr
    assert not (tmp_path / "site").exists()


def test_serve_on_a_busy_port_says_so_before_building(board_dir):
    import socket

    from helpers import free_port

    port = free_port()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", port))
        busy.listen()
        run = board("serve", "--config", str(CONFIG), "--content", str(board_dir), "-a", f"127.0.0.1:{port}")
    assert run.code == 1
    [line] = run.err.strip().splitlines()
    assert line.startswith(f"端口 {port} 已被占用，用 -a 127.0.0.1:") and line.endswith(" 换一个端口")
    spare = int(line.split("127.0.0.1:")[1].split()[0])
    assert spare > port and "预览地址" not in run.out


def test_commands_refuse_an_audience_they_cannot_honour(board_dir, tmp_path):
    common = ("--config", str(CONFIG), "--content", str(board_dir), "--as-of", "2024-07-01")
    run = board("pdf", *common, "--audience", "party", "--out", str(tmp_path / "x.pdf"))
    assert run.code == 1 and "--audience party：打印版用于张贴公开栏，只含公开内容" in run.err
    assert not (tmp_path / "x.pdf").exists()
    for command in (("export", str(tmp_path / "x.xlsx")), ("import", str(CONFIG))):
        for audience in ("public", "party"):
            run = board(command[0], *common, "--audience", audience, command[1])
            assert run.code == 1 and "不分公开版和党内版" in run.err, (command, audience, run.err)
    assert not (tmp_path / "x.xlsx").exists()


def test_options_reach_the_build_once_and_never_through_the_environment(board_dir, tmp_path, monkeypatch):
    from generator import core

    calls = []
    real = core.validate
    monkeypatch.setattr(core, "validate", lambda *a, **k: calls.append(a) or real(*a, **k))

    def environment():  # Material itself sets NO_MKDOCS_2_WARNING when it is imported: a banner switch
        return {k: v for k, v in os.environ.items() if k != "NO_MKDOCS_2_WARNING"}

    before = environment()
    site = tmp_path / "site"
    run = board("build", "--config", str(CONFIG), "--content", str(board_dir), "--site-dir", str(site),
                "--as-of", "2023-12-31", "--audience", "party")
    assert run.code == 0, run.err
    assert len(calls) == 1  # the CLI validated; the plugin reused it
    assert environment() == before
    summary = json.loads((site / "data" / "summary.json").read_text(encoding="utf-8"))
    assert summary["as_of"] == "2023-12-31" and summary["audience"] == "party"
    with gzip.open(site / "sitemap.xml.gz") as sitemap:  # dated by as-of: the same content, the same bytes
        sitemap.read()
        assert sitemap.mtime == calendar.timegm((2023, 12, 31, 0, 0, 0))


def _at_a_terminal(args: list[str], answers: list[str]) -> tuple[int, str]:
    """``board`` run at a pseudo-terminal (an import asks only there), answering each question in turn."""
    import pty
    import select
    import subprocess
    import sys

    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "generator", *args], stdin=follower, stdout=follower,
                            stderr=follower, env=clean_env(), close_fds=True)
    os.close(follower)
    said, pending = b"", list(answers)
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            proc.kill()
            raise AssertionError(f"no answer from board: {said.decode(errors='replace')}")
        try:
            chunk = os.read(leader, 4096)
        except OSError:                                    # the terminal closed: board has exited
            break
        if not chunk:
            break
        said += chunk
        if pending and said.rstrip().endswith("直接回车为否）：".encode()):
            os.write(leader, pending.pop(0).encode() + b"\n")
    os.close(leader)
    return proc.wait(timeout=60), said.decode("utf-8", errors="replace")


def test_an_import_at_a_terminal_asks_and_writes_only_on_yes(tmp_path):
    content = tiny_board(tmp_path / "c", {"a": {"name": "甲", "rectifications": [
        item(id="01", problem="公开的问题一"), item(id="02", problem="干部选拔程序不规范", audience="党内")]}})
    sheet = tmp_path / "s.csv"
    sheet.write_text("序号,存在问题,整改措施,责任人,整改时限,完成情况\n01,公开的问题一,措施,李某某,2024-06-30,整改中\n"
                     "02,窗口服务态度生硬,措施,张某某,2024-06-30,整改中\n", encoding="utf-8")
    branch = content / "branches" / "a.yml"
    before = branch.read_bytes()
    args = ["import", str(sheet), "--branch", "a", "--config", str(CONFIG), "--content", str(content), "--as-of", "2024-07-01"]
    code, said = _at_a_terminal(args, ["n", "n"])          # not the 党内 item reworded; then: do not write
    assert code == 1 and "是原有事项 02（党内）“干部选拔程序不规范”改写后的吗？" in said and "写入以上改动？" in said
    assert "新增 02（公开）：窗口服务态度生硬" in said and "没有写入任何文件" in said and branch.read_bytes() == before
    assert "[y/N]" not in said and "Error" not in said                 # the questions are asked in Chinese
    code, said = _at_a_terminal(args, ["y", "y"])          # it is: it keeps 党内; write
    assert code == 0 and "修改 02（党内）：窗口服务态度生硬" in said and "已写入 1 个文件" in said
    assert "audience: 党内" in branch.read_text(encoding="utf-8") and "李某某" in branch.read_text(encoding="utf-8")


def test_next_step_hints_repeat_the_content_folder_given(tmp_path):
    from office_sheets import inspection_ledger

    content = tiny_board(tmp_path / "林业局", {"first": {"name": "第一党支部"}})
    run = board("import", "--config", str(CONFIG), "--content", str(content), str(inspection_ledger(tmp_path / "x.xlsx")),
                "--branch", "first", "--yes")
    assert run.code == 0, run.err
    assert f"如需撤销这次导入：board import --undo --content {content}" in run.out
    run = board("approve", "--config", str(CONFIG), "--content", str(content), "--by", "李某某", "--audience", "party")
    assert run.code == 1 and f"请先由审核人运行 board review --by 姓名 --content {content} --audience party" in run.err
    run = board("review", "--config", str(CONFIG), "--content", str(content), "--by", "王某某", "--audience", "party")
    assert run.code == 0, run.err
    assert f"下一步：审批人运行 board approve --by 姓名 --content {content} --audience party" in run.out
    run = board("publish", "--config", str(CONFIG), "--content", str(content), "--audience", "party",
                "--to", str(tmp_path / "srv"))
    assert run.code == 1 and f"请由审批人运行 board approve --by 姓名 --content {content} --audience party" in run.err
    run = board("approve", "--config", str(CONFIG), "--content", str(content), "--by", "李某某", "--audience", "party")
    assert run.code == 0, run.err
    assert f"现在可以发布：board publish --to 发布目录 --content {content} --audience party" in run.out


def test_an_audience_left_in_the_environment_never_makes_a_party_board(board_dir):
    """BOARD_AUDIENCE=party left in an IT shell must not turn a plain build or first publish into the party
    site: the party board is made only when the command says --audience party."""
    run = board("check", "--config", str(CONFIG), "--content", str(board_dir), "--as-of", "2024-07-01",
                env={"BOARD_AUDIENCE": "party"})
    assert run.code == 0, run.err
    assert "公开版" in run.out and "党内版" not in run.out
    party = check(board_dir, "--audience", "party")
    assert party.code == 0 and "党内版" in party.out
