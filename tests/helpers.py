"""What the tests share: tiny boards in tmp folders, the real CLI in-process or as a process, HTML reading,
Chromium settings and the screen's clock.  A plain module (``pythonpath`` in pyproject.toml puts tests/ on the
path), so tests import it the same way under every ``--import-mode``; fixtures stay in conftest.py."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import html.parser
import http.server
import os
import re
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# Chromium 156 keeps the omnibox's drop-down (a WebUI page in its own renderer) loaded even when headless; it is never
# shown, and it cost about a third of the browser's CPU in the tests.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update",
                 "--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup"]
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                    reason="needs Debian's chromium (tests/install-system.sh)")
CONFIG = REPO / "site-config.yml"
AS_OF = "2024-07-01"


def write_yaml(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def item(**fields) -> dict:
    base = {"id": "01", "problem": "理论学习不够深入", "measures": ["制定学习计划"], "owner": "张某某",
            "deadline": "2024-06-30", "status": "整改中"}
    return {**base, **fields}


def evaluation(**fields) -> dict:
    base = {"members": 10, "probationary": 1, "participants": 9, "rated": 9,
            "excellent": 2, "qualified": 6, "basic": 1, "unqualified": 0}
    return {**base, **fields}


def tiny_board(root: Path, branches: dict[str, dict] | None = None, **board) -> Path:
    """A small, valid board; ``branches`` maps file stem → branch fields."""
    write_yaml(root / "board.yml", {"organization": "测试局党委", "period": "2023年度", **board})
    branches = branches if branches is not None else {"first": {"name": "第一党支部", "rectifications": [item()]}}
    for stem, data in branches.items():
        write_yaml(root / "branches" / f"{stem}.yml", data)
    return root


def approve_board(content: Path, audience: str = "public", reviewer: str = "审核人甲", approver: str = "审批人乙") -> None:
    """Record a review and an approval of what ``content`` shows ``audience`` now, as board review/approve do
    (in-process: a test of something else gets past the publish gate quickly)."""
    from generator import core
    from generator.approval import approved, log, state

    options = core.make_options(content, audience=audience)
    today = dt.date.today()
    for step, by in ((log.Step.REVIEW, reviewer), (log.Step.APPROVE, approver)):
        checked = core.validate(options)
        if checked.errors:  # nothing to approve: the command under test reports them
            return
        record, _ = state.sign(step, by, today, None, checked.content, checked.log, checked.approval, today)
        approved.register(content, checked.content, record)


@dataclass
class Run:
    code: int
    out: str
    err: str


def clean_env(**settings: str) -> dict[str, str]:
    """This environment without the developer's BOARD_ settings (the tests' parse cache stays), plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOARD_") or k == "BOARD_CACHE_DIR"}
    return {**env, "NO_MKDOCS_2_WARNING": "1", **settings}


def board(*args: str, env: dict[str, str] | None = None) -> Run:
    """The ``board`` command run in this process (click's CliRunner), from the repository folder.

    The same code, messages and exit status as ``board_cli``, without starting
    Python and importing MkDocs again; each run starts with nothing kept in
    memory, like a new process.  ``env``: variables set for this run only.
    Use ``board_cli`` where the process itself is under test (signals,
    tracebacks on stderr, the environment).
    """
    from click.testing import CliRunner

    from generator import speed
    from generator.cli import main

    speed.forget()
    with contextlib.chdir(REPO):
        result = CliRunner(env=env).invoke(main, list(args), catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


def board_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> Run:
    """The real ``board`` command in a subprocess (as a clerk runs it)."""
    full_env = clean_env(**(env or {}))
    proc = subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=cwd or REPO, env=full_env,
        capture_output=True, text=True, timeout=300,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def build_site(content: Path, site: Path, *extra: str) -> Run:
    run = board("build", "--config", str(CONFIG), "--content", str(content), "--site-dir", str(site),
                    "--as-of", AS_OF, *extra)
    assert run.code == 0, run.err
    return run


@dataclass
class Html(html.parser.HTMLParser):
    """Text and elements of one HTML document (stdlib only)."""

    text: list[str] = field(default_factory=list)
    tags: list[tuple[str, dict]] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def read_html(path: Path) -> Html:
    doc = Html()
    doc.feed(path.read_text(encoding="utf-8"))
    return doc


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now (for a dev server under test)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_folder(folder: Path, port: int = 0) -> http.server.ThreadingHTTPServer:
    """Serve a built site on 127.0.0.1 in a thread; the caller shuts it down and closes it."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


SCREEN_START = dt.datetime(2024, 7, 1, 9, 0)


def open_screen(page, url: str) -> None:
    """Open the lobby screen with its clock stopped: its timers (next slide, retry, poll, the clock line) fire only
    as a test moves the clock on (``page.clock.run_for``), so no test waits out a slide; fetches stay real."""
    page.clock.install(time=SCREEN_START)
    page.clock.pause_at(SCREEN_START + dt.timedelta(seconds=1))
    page.goto(url)


def run_clock_until(page, done, step_ms: int, steps: int = 100) -> None:
    """Move the page's clock on ``step_ms`` at a time until ``done`` holds: a JavaScript expression, or a function
    of no arguments.  Between steps the fetches a timer started get a moment of real time to arrive."""
    from playwright.sync_api import TimeoutError as Timeout

    for _ in range(steps):
        if callable(done):
            page.wait_for_timeout(30)   # lets request events reach this process
            if done():
                return
        else:
            try:
                page.wait_for_function(done, timeout=60)
                return
            except Timeout:
                pass
        page.clock.run_for(step_ms)
    raise AssertionError(f"not reached in {steps} steps of {step_ms} ms: {done}")


def assert_offline(site: Path) -> None:
    """No page or stylesheet of a built site loads anything from another host (the intranet has no internet)."""
    external = re.compile(r"^(https?:)?//", re.I)
    for page in site.rglob("*.html"):
        for tag, attrs in read_html(page).tags:
            for name in ("src", "href", "srcset", "data-src"):
                assert not external.match(attrs.get(name) or ""), (page, tag, attrs)
    for css in site.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css.read_text(encoding="utf-8")), css
