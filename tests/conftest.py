"""pytest's hooks and fixtures for the suite; the helpers they use live in ``helpers``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import (
    AS_OF,
    CHROMIUM,
    CHROMIUM_ARGS,
    CONFIG,
    REPO,
    approve_board,
    board,
    board_cli,
    build_site,
    item,
    read_html,
    tiny_board,
    write_yaml,
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules that drive Chromium (the slowest) run first, so that with two workers (pyproject's addopts,
    each module on one worker, in this order) the quick modules fill the end instead of one waiting for the other."""
    def drives_chromium(item: pytest.Item) -> bool:
        return "browser" in item.fixturenames or any(
            "chromium" in mark.kwargs.get("reason", "") for mark in item.iter_markers("skipif"))

    slow = {item.module for item in items if drives_chromium(item)}
    items.sort(key=lambda item: item.module not in slow)


@pytest.fixture(autouse=True, scope="session")
def _private_parse_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests and the CLIs they start keep their parse cache in a temp folder, not ~/.cache;
    the developer's own BOARD_ settings never reach a test."""
    for name in [k for k in os.environ if k.startswith("BOARD_")]:
        del os.environ[name]
    os.environ["BOARD_CACHE_DIR"] = str(tmp_path_factory.mktemp("parse-cache"))


_CODE = pytest.StashKey[str]()


def _code_print() -> str:
    """What every build reads besides its content (the generator, the theme, the site config), hashed."""
    from generator.speed import archives

    return archives.frame(str(CONFIG), str(REPO / "theme"), {})


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):  # the controller: once per run
        session.config.stash[_CODE] = _code_print()


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:  # noqa: ANN001
    """Say so when the code under test changed while the suite ran (a checkout others merge into, an edit):
    builds compared across processes (test_periods: a subprocess reusing pages kept by this one) then mix two
    versions and fail for that reason alone."""
    before = config.stash.get(_CODE, None)
    if before is not None and before != _code_print():
        terminalreporter.section("the code under test changed during this run", red=True)
        terminalreporter.line("generator/, theme/ or site-config.yml changed while the tests ran: results mix two "
                              "versions. Run the suite on a checkout nobody merges into (your own worktree, or "
                              "`git worktree add --detach`), without editing meanwhile.", red=True)


@pytest.fixture
def board_dir(tmp_path: Path) -> Path:
    return tiny_board(tmp_path / "content")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def kit():
    """The helpers above, for test modules that take them as a fixture instead of importing conftest."""
    import types

    return types.SimpleNamespace(AS_OF=AS_OF, CONFIG=CONFIG, REPO=REPO, board=board, board_cli=board_cli,
                                 tiny_board=tiny_board, item=item, approve_board=approve_board,
                                 write_yaml=write_yaml, read_html=read_html, build_site=build_site)
