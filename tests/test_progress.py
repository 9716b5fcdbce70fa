"""Progress lines: on a real terminal (a pty) for big boards, never in pipes or CI."""

from __future__ import annotations

import os
import select
import subprocess
import sys

from generator.site.progress import MINIMUM, Progress
from helpers import CONFIG, REPO, item, tiny_board


def read_all(fd: int) -> str:
    chunks = []
    while select.select([fd], [], [], 0.5)[0]:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_draws_on_a_terminal_only(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    master, slave = os.openpty()
    with open(slave, "w", encoding="utf-8") as terminal:
        progress = Progress("读取支部文件", terminal)
        progress.update(MINIMUM, MINIMUM * 2)
        progress.update(MINIMUM * 2, MINIMUM * 2)
        progress.close()
    shown = read_all(master)
    os.close(master)
    assert f"读取支部文件 {MINIMUM * 2}/{MINIMUM * 2}" in shown and "剩余约" in shown and "每秒" in shown


def test_small_boards_and_pipes_stay_quiet(tmp_path, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    log = tmp_path / "log.txt"
    with open(log, "w", encoding="utf-8") as pipe:
        Progress("读取", pipe).update(MINIMUM * 5, MINIMUM * 5)
    master, slave = os.openpty()
    with open(slave, "w", encoding="utf-8") as terminal:
        Progress("读取", terminal).update(5, 10)
    assert log.read_text(encoding="utf-8") == "" and read_all(master) == ""
    os.close(master)


def test_board_check_shows_progress_in_a_terminal_not_in_ci(tmp_path):
    content = tiny_board(tmp_path / "c", {f"b{n:03d}": {"name": f"第{n}支部", "rectifications": [item()]}
                                          for n in range(MINIMUM + 10)})
    command = [sys.executable, "-m", "generator", "check", "--config", str(CONFIG), "--content", str(content),
               "--as-of", "2024-07-01"]
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    master, slave = os.openpty()
    proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    out = proc.communicate(timeout=120)[0].decode()
    shown = read_all(master)
    os.close(master)
    assert proc.returncode == 0 and "检查通过" in out
    assert f"读取支部文件 {MINIMUM + 10}/{MINIMUM + 10}" in shown
    quiet = subprocess.run(command, cwd=REPO, env={**env, "CI": "true"}, capture_output=True, text=True)
    assert quiet.returncode == 0 and quiet.stderr == ""
