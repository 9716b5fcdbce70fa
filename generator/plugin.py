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
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from . import core, preview, search
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


def _take_over_search(config: MkDocsConfig) -> dict | None:
    """Material's search settings, its work now ours: it neither parses our pages nor writes the index.

    The plugin stays, so the theme keeps the search box and its script; only its
    two hooks that read every built page and write ``search_index.json`` are
    taken off this build's event lists (``on_post_build`` writes the index from
    the model instead).  None when the site has no (enabled) Material search.
    """
    plugin = config.plugins.get("material/search")
    if plugin is None or not plugin.config.enabled:
        return None
    for event in ("page_context", "post_build"):
        handlers = config.plugins.events[event]
        handlers[:] = [h for h in handlers if getattr(h, "__self__", None) is not plugin]
    return {key: plugin.config[key] for key in ("lang", "separator", "pipeline", "fields")}


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
        self._segmenter = search.Segmenter()  # each string's words, cut once
        self._search: dict | None = None  # Material's search settings, when we write its index
        self._urls: dict[str, str] = {}  # our pages' URLs by source path
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
        self._search = _take_over_search(config)
        if self._search is not None and self._segmenter.separator != self._search["separator"]:
            self._segmenter = search.Segmenter(self._search["separator"])
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        """Only generated pages: the content folder's own files (YAML) never ship."""
        kept = [f for f in files if f.src_dir != config.docs_dir]
        generated = {**self.site.pages, **self.site.data}
        made = [File.generated(config, path, content=text) for path, text in generated.items()]
        self._urls = {f.src_uri: f.url for f in made}
        return Files(kept + made)

    def on_pre_build(self, config: MkDocsConfig) -> None:
        self._progress, self._done = Progress("生成页面"), 0

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        self._done += 1
        self._progress.update(self._done, len(self.site.pages))
        text, self._blocks[page.file.src_uri] = stash_html(markdown)
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

    def on_post_build(self, config: MkDocsConfig) -> None:
        self._progress.close()
        if self._search is not None:  # Material's search index, from the model (see ``search``)
            docs = search.documents(self.site.figures, self._urls.__getitem__, self._segmenter)
            path = Path(config.site_dir) / "search" / "search_index.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(search.index_json(self._search, docs), encoding="utf-8")

    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig, builder) -> LiveReloadServer:
        content = self.options.content_dir.resolve()
        if not content.is_relative_to(Path(config.docs_dir).resolve()):
            server.watch(str(content))
        return server
