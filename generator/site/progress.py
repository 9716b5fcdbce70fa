"""Progress for big boards on a terminal: count, rate, time left; silent in pipes and CI."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

MINIMUM = 200  # below this many files or pages a build is quick enough to stay quiet


class Progress:
    """``update(done, total)`` redraws one status line at most ten times a second."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.shown = 0.0
        self.drawn = False
        self.enabled = self.stream.isatty() and not os.environ.get("CI")

    def update(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or total < MINIMUM or (now - self.shown < 0.1 and done < total):
            return
        self.shown = now
        rate = done / max(now - self.started, 1e-6)
        left = (total - done) / rate if rate else 0
        self.stream.write(f"\r{self.label} {done}/{total}（每秒 {rate:.0f} 个，剩余约 {left:.0f} 秒）  ")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()
            self.drawn = False
