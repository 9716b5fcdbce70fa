"""The README's two commands are the ones CI runs, and they never install into the system Python."""

from __future__ import annotations

import re

from helpers import REPO


def readme_commands() -> list[str]:
    section = (REPO / "README.md").read_text(encoding="utf-8").split("## 两条命令", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_ci_runs_exactly_the_readme_test_command():
    build, tests = readme_commands()
    ci = [line for line in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
          if line.strip() and not line.startswith(("#", "set ", "cd "))]
    assert ci == [tests]


def test_both_commands_make_and_use_a_virtual_environment():
    for command in readme_commands():
        steps = command.split(" && ")
        assert steps[0] == "python3 -m venv .venv", command
        assert all(not re.match(r"(python3? -m )?pip ", step) for step in steps), command  # PEP 668: never the system pip
        assert any(step.startswith(".venv/bin/") for step in steps[1:]), command


def test_the_manual_starts_with_the_weekly_routine_and_stays_short():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    headings = re.findall(r"(?m)^## (\S+)", text)
    assert headings[0] == "每周流程（党委办）", headings
    for early in ("第一次使用（建立本单位内容）", "大厅显示屏", "常见错误"):
        assert headings.index(early) <= 5, (early, headings)
    routine = text.split("## 每周流程", 1)[1].split("\n## ", 1)[0]
    steps = [re.search(r"`board (\w[\w-]*)", line).group(1) for line in routine.splitlines() if line.startswith("- [ ]")]
    assert steps == ["import", "check", "serve", "review", "approve", "publish", "pdf", "article"]
    assert len(text.splitlines()) <= 450


def test_every_command_and_option_the_manual_names_exists():
    from generator.cli import main

    text = (REPO / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\bboard ([a-z][a-z-]*)", text))
    assert named <= set(main.commands), named - set(main.commands)
    for command, options in re.findall(r"`board ([a-z][a-z-]*)((?: [^`]*?)?)`", text):
        known = {name for param in main.commands[command].params for name in param.opts}
        for option in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", options):
            assert option in known | {"--help"}, (command, option)
