"""The code stays clean under the project's ruff settings (pyproject.toml)."""

import subprocess
import sys

from helpers import REPO


def test_ruff_is_clean():
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "generator", "tests", "docs", "benchmarks"],
                          cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
