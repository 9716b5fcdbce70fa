"""The MkDocs adapter: the only module that knows MkDocs.

Each hook calls into the pure core.  Content problems are logged one per line
as ``path:line: message`` (errors before MkDocs touches the site folder, so a
failed build leaves the old site in place, and ``mkdocs serve`` keeps serving
the last good build).
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import os
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from . import core, preview
from .changes import read_previous
from .model import Severity
from .pages import LEDGER_PAGE_ROWS, Memo, ledger_page_number, ledger_page_path, stash_html, unstash_html
from .progress import Progress
from .screen import THEMES, ScreenSettings

log = logging.getLogger("mkdocs.plugins.board")


class ScreenConfig(base.Config):
    seconds = c.Type(int, default=15)
    refresh = c.Type(int, default=300)
    theme = c.Choice(THEMES, default="dark")
    scale = c.Type((int, float), default=1.0)


class BoardConfig(base.Config):
    content_dir = c.Optional(c.Type(str))
    audience = c.Optional(c.Type(str))
    as_of = c.Optional(c.Type((str, dt.date)))  # !ENV values arrive YAML-typed
    excellent_ceiling = c.Type((int, float), default=core.checks.DEFAULT_EXCELLENT_CEILING)
    screen = c.SubConfig(ScreenConfig)
    previous = c.Optional(c.Type(str))  # the last output, for the change log; default: site_dir
    ledger_page_rows = c.Type(int, default=LEDGER_PAGE_ROWS)


def options_of(plugin_config: BoardConfig, mkdocs_config: MkDocsConfig) -> core.Options:
    """Core options from the plugin settings; relative paths are from the config file."""
    base_dir = Path(mkdocs_config.config_file_path or ".").parent
    content = Path(plugin_config.content_dir) if plugin_config.content_dir else Path(mkdocs_config.docs_dir)
    previous = Path(plugin_config.previous or mkdocs_config.site_dir)
    try:
        return core.make_options(
            base_dir / content, plugin_config.audience, _text(plugin_config.as_of), plugin_config.excellent_ceiling,
            ScreenSettings(**plugin_config.screen), read_previous(previous), plugin_config.ledger_page_rows,
        )
    except core.OptionError as exc:
        raise PluginError(f"board 插件设置有误：{exc}") from None


def _text(value: str | dt.date | None) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else value


class BoardPlugin(BasePlugin[BoardConfig]):
    """Adds the board's generated pages to every build, and watches content/."""

    site: core.Site | None = None
    serving = False

    def __init__(self) -> None:
        super().__init__()
        self._blocks: dict[str, list[str]] = {}  # raw-HTML blocks of pages being converted
        # Kept across ``mkdocs serve`` rebuilds (see ``preview``):
        self._templates = preview.TemplateCode()
        self._memo = Memo()  # what the last build rendered per branch
        self._indexed: dict[str, str] = {}  # the pages (path → Markdown) the last search index was made from
        self._search_docs: list[dict] | None = None  # that index's entries
        self._reuse: set[str] = set()  # pages whose search entries this build keeps
        self._reused_urls: set[str] = set()
        self._lit: Page | None = None  # the nav page made active for a ledger page outside the nav

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Having this hook keeps one plugin object across ``mkdocs serve`` rebuilds."""
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        logging.getLogger("jieba").setLevel(logging.WARNING)
        self.options = options_of(self.config, config)
        # Reproducible output: sitemap dates (and anything else MkDocs dates) follow the data's date.
        os.environ.setdefault("SOURCE_DATE_EPOCH", str(calendar.timegm(self.options.as_of.timetuple())))
        site = core.generate(self.options, self._memo if self.serving else None)
        for problem in site.checked.problems:
            (log.error if problem.severity is Severity.ERROR else log.warning)(str(problem))
        if not site.checked.errors:
            self.site = site
        elif self.serving and self.site is not None:
            # MkDocs' dev server stalls every request after a failed build, so
            # under serve we rebuild the last good pages instead.
            log.error("内容有错误，预览仍显示上一次正确的内容；改正后会自动刷新")
        else:
            raise PluginError(f"内容有 {len(site.checked.errors)} 处错误，网站没有生成，原有网站保持不变")
        reusable = self.serving and self._search_docs is not None
        self._reuse = preview.unchanged(self._indexed, self.site.pages) if reusable else set()
        self._reused_urls = set()
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        """Only generated pages: the content folder's own files (YAML) never ship."""
        kept = [f for f in files if f.src_dir != config.docs_dir]
        generated = {**self.site.pages, **self.site.data}
        kept += [File.generated(config, path, content=text) for path, text in generated.items()]
        return Files(kept)

    def on_pre_build(self, config: MkDocsConfig) -> None:
        self._progress, self._done = Progress("生成页面"), 0

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        self._done += 1
        self._progress.update(self._done, len(self.site.pages))
        text, self._blocks[page.file.src_uri] = stash_html(markdown)
        if page.file.src_uri in self._reuse:  # serving: its search entries are still right
            page.meta["search"] = {"exclude": True}
            self._reused_urls.add(page.url)
        return text

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        return unstash_html(html, self._blocks.pop(page.file.src_uri, []))

    def on_page_context(self, context: dict, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
        """Ledger pages after the first are not in the nav: light its tab (整改台账) while one renders."""
        self._lit = None
        if (ledger_page_number(page.file.src_uri) or 1) > 1:
            first = ledger_page_path(1)
            self._lit = next((p for p in nav.pages if p.file.src_uri == first), None)
            if self._lit is not None:
                self._lit.active = True
        return context

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        if self._lit is not None:
            self._lit.active = False
            self._lit = None
        return output

    def on_env(self, env, config: MkDocsConfig, files: Files):  # noqa: ANN001, ANN201 - jinja2.Environment
        if self.serving:
            env.bytecode_cache = self._templates
        return env

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, config: MkDocsConfig) -> None:
        self._progress.close()
        if self.serving:
            self._complete_search_index(Path(config.site_dir) / "search" / "search_index.json")

    def _complete_search_index(self, path: Path) -> None:
        """Serving: add back the entries of pages not indexed again, and keep the index for next time."""
        index = preview.read_index(path)
        if index is not None and self._reused_urls:
            index = preview.merge_search(index, self._search_docs or [], self._reused_urls)
            preview.write_index(path, index)
        self._search_docs = None if index is None else index["docs"]
        self._indexed = dict(self.site.pages) if index is not None else {}

    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig, builder) -> LiveReloadServer:
        content = self.options.content_dir.resolve()
        if not content.is_relative_to(Path(config.docs_dir).resolve()):
            server.watch(str(content))
        return server
