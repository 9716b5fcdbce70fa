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
