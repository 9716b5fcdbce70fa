"""The roll-up as a static, offline site in the board's theme, built by MkDocs like a board.

Its pages are Markdown from Jinja2 templates (``rollup.md.j2``, ``rollup_ledger.md.j2``)
rendered with the board's page environment (every text escaped, the same labels and
filters).  The MkDocs config is the board's look — theme, custom_dir, CSS, script,
Markdown extensions read from the board's own config file — with none of its plugins:
the roll-up reads summaries, never content.  Beside the pages: ``data/rollup.json``
(the figures as data; also what marks the folder as a roll-up that may be replaced)
and ``汇总表.xlsx``.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from generator.board.pages import NO_SHARES, render_template
from generator.files import write_atomic
from generator.upward import tally
from generator.upward.rollup import Rollup, as_data

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

DATA = Path("data") / "rollup.json"  # the marker of a roll-up folder (``publish.check_output``)
THEME_KEYS = ("language", "palette", "icon", "features")


def pages(rollup: Rollup) -> dict[str, str]:
    """Every page of the roll-up, keyed by its path under the docs folder."""
    party = rollup.audience == "party"
    common = dict(r=rollup, party=party, ev=rollup.evaluation, shares=rollup.evaluation.shares or NO_SHARES,
                  finished=rollup.finished)
    return {
        "index.md": render_template("rollup.md.j2", up="", **common),
        "ledger.md": render_template("rollup_ledger.md.j2", up="../", **common),
    }


def mkdocs_settings(board: MkDocsConfig, docs: Path, site: Path, title: str) -> dict:
    """The roll-up's MkDocs config: the board's look (from its config), the roll-up's pages, no plugins."""
    theme = board.theme
    return {
        "site_name": title, "docs_dir": str(docs), "site_dir": str(site), "use_directory_urls": True,
        "theme": {"name": "material", "custom_dir": theme.custom_dir, "font": False,
                  **{key: theme[key] for key in THEME_KEYS if theme.get(key)}},
        "extra": {"generator": False}, "extra_css": [str(css) for css in board.extra_css],
        "extra_javascript": [str(script) for script in board.extra_javascript],
        "markdown_extensions": [{name: board.mdx_configs.get(name, {})} for name in board.markdown_extensions],
        "nav": [{"汇总": "index.md"}, {"逾期事项": "ledger.md"}],
        "plugins": [],
        "validation": {"nav": {"omitted_files": "ignore"}, "links": {"unrecognized_links": "ignore"}},
    }


def build(rollup: Rollup, board: MkDocsConfig, site: Path) -> None:
    """Build the roll-up's site into ``site`` (emptied first), then add its data and 汇总表.xlsx."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    title = rollup.title + ("（党内）" if rollup.audience == "party" else "")
    with tempfile.TemporaryDirectory(prefix="board-rollup-") as work:
        docs = Path(work) / "docs"
        for path, text in pages(rollup).items():
            (docs / path).parent.mkdir(parents=True, exist_ok=True)
            (docs / path).write_text(text, encoding="utf-8")
        config_file = Path(work) / "mkdocs.yml"
        settings = mkdocs_settings(board, docs, site, title)
        config_file.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
        config = load_config(str(config_file))
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build(config)
        finally:
            config.plugins.on_shutdown()
    write_atomic(site / DATA, json.dumps(as_data(rollup), ensure_ascii=False, indent=2) + "\n")
    tally.write(rollup, site / tally.FILE_NAME)
