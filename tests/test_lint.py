"""The code stays clean under the project's ruff settings (pyproject.toml), and its functions stay short."""

import ast
import subprocess
import sys

from helpers import REPO

LONGEST = 40  # lines of a function in generator/, from its ``def`` to its last line (docstring included)


def test_ruff_is_clean():
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "generator", "tests", "docs", "benchmarks"],
                          cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_no_function_in_generator_is_longer_than_40_lines():
    long = []
    for path in sorted((REPO / "generator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > LONGEST:
                    long.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name} ({lines} lines)")
    assert not long, "split these at their seams:\n" + "\n".join(long)
