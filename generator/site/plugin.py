"""The MkDocs plugin ``board``: the only place that knows MkDocs.

It adds the core's generated pages to the build.  Options come either from the
``board`` command (``BoardPlugin.given``: parsed and validated once there) or,
under a plain ``mkdocs build|serve -f site-config.yml``, from the plugin's
settings in that file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
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
from mkdocs.structure.toc import AnchorLink, TableOfContents

from generator import core, names
from generator.board.changes import read_previous
from generator.board.pages import LEDGER_PAGE_ROWS, ledger_page_number, ledger_page_path
from generator.board.periods import chain
from generator.board.screen import THEMES, ScreenSettings
from generator.board.segmenter import Segmenter
from generator.content.model import Severity
from generator.site import manual, preview, search_index
from generator.site.htmlblocks import stash_html, unstash_html
from generator.site.outputs import OutputError, check_output
from generator.site.progress import Progress
from generator.speed import Memo, archives

log = logging.getLogger("mkdocs.plugins.board")
MKDOCS_TEMPLATES = str(Path(__file__).parent.parent / "templates" / "mkdocs")  # theme templates only MkDocs builds get


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
    approval = c.Type(bool, default=True)  # `approval: off`: no review-and-approval gate, no preview mark


def _list_theme_once(config: MkDocsConfig) -> None:
    """Installed theme folders are listed once per process (``preview.ListedOnce``), not at every build."""
    theme = config.theme
    if getattr(theme.get_env, "lists_once", False):
        return
    make_env = theme.get_env

    def get_env():  # noqa: ANN202 - jinja2.Environment
        env = make_env()
        env.loader = preview.ListedOnce(env.loader)
        return env

    get_env.lists_once = True
    theme.get_env = get_env


def options_of(settings: BoardConfig, config: MkDocsConfig, *, content: Path | None = None,
               audience: str | None = None, as_of: str | None = None, previous: Path | None = None) -> core.Options:
    """Core options: the given values (the board command's flags), else the plugin's settings.

    Paths in the settings are relative to the config file.  Raises ``core.OptionError``.
    """
    base_dir = Path(config.config_file_path or ".").parent
    if content is None:
        content = base_dir / (settings.content_dir or config.docs_dir)
    if as_of is None and settings.as_of is not None:
        as_of = settings.as_of.isoformat() if isinstance(settings.as_of, dt.date) else settings.as_of
    if previous is None:
        previous = base_dir / (settings.previous or config.site_dir)
    return core.make_options(content, audience=audience or settings.audience, as_of=as_of,
                             excellent_ceiling=settings.excellent_ceiling, screen=ScreenSettings(**settings.screen),
                             previous=read_previous(previous), ledger_page_rows=settings.ledger_page_rows,
                             site_url=config.site_url, approval=settings.approval)


def _check_site_dir(config: MkDocsConfig, options: core.Options) -> None:
    """``mkdocs build`` empties site_dir first: it must never be an input, nor a folder of other files."""
    config_file = Path(config.config_file_path or "mkdocs.yml").absolute()
    theme = config.theme.custom_dir
    try:
        check_output(Path(config.site_dir), [options.content_dir, config_file, *([Path(theme)] if theme else [])],
                     config_file.parent)
    except OutputError as exc:
        raise PluginError(f"{exc}。什么都没有改动。") from None


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


@dataclass
class _Build:
    """The state of one build, made afresh by ``on_config``."""

    options: core.Options
    site: core.Site
    search: dict | None = None  # Material's search settings, when we write its index
    index: Callable[[], None] | None = None  # writes (or waits for) the search index (``search.index_later``)
    blocks: dict[str, list[str]] = field(default_factory=dict)  # raw-HTML blocks of pages being converted
    lit: Page | None = None  # the nav page lit for a ledger page outside the nav
    progress: Progress = field(default_factory=lambda: Progress("生成页面"))
    done: int = 0  # pages converted so far
    pages: int = 0  # pages to convert: ours and the archived periods' built this time
    capture: dict[str, tuple[core.Archive, str, dict[str, bytes]]] = field(default_factory=dict)  # root → HTML
    reused: list[str] = field(default_factory=list)  # archived periods whose kept pages were copied (``archives``)


class BoardPlugin(BasePlugin[BoardConfig]):
    """Adds the board's generated pages to every build, and watches content/ under serve."""

    def __init__(self) -> None:
        super().__init__()
        self.serving = False  # under ``mkdocs serve`` / ``board serve``
        self.kept = preview.Kept()  # what one build leaves for the next (serve rebuilds)
        self.last_good: core.Site | None = None  # serving: shown while the content has errors
        self.now: _Build | None = None  # the build in progress
        self._given: tuple[core.Options, core.Checked | None] | None = None  # from the board command

    @contextlib.contextmanager
    def given(self, options: core.Options, checked: core.Checked | None = None) -> Iterator[None]:
        """Builds inside use ``options`` instead of the settings; the first one reuses ``checked``."""
        self._given = (options, checked)
        try:
            yield
        finally:
            self._given = None

    def _options(self, config: MkDocsConfig) -> tuple[core.Options, core.Checked | None]:
        if self._given is None:
            try:
                options = options_of(self.config, config)
            except core.OptionError as exc:
                raise PluginError(f"board 插件设置有误：{exc}") from None
            if self.serving:  # mkdocs serve put its own address in site_url: no QR code may point there
                options = dataclasses.replace(options, site_url="")
            return options, None
        options, checked = self._given
        self._given = (options, None)  # a serve rebuild reads the content again
        if self.serving and not self.config.previous:  # the change log compares with the last rebuild
            options = dataclasses.replace(options, previous=read_previous(Path(config.site_dir)))
        return options, checked

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Having this hook keeps one plugin object across ``mkdocs serve`` rebuilds (see ``preview``)."""
        self.serving = command == "serve"
        self.kept.memo, self.last_good = Memo(), None  # a new session starts from no pages

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Generate every page first: a content error stops the build before MkDocs touches site_dir."""
        if MKDOCS_TEMPLATES not in config.theme.dirs:  # our sitemap.xml before the theme's
            config.theme.dirs.insert(0, MKDOCS_TEMPLATES)
        _list_theme_once(config)
        logging.getLogger("jieba").setLevel(logging.WARNING)
        by_board = self._given is not None  # the board command checked its own output before building
        options, checked = self._options(config)
        if not self.serving and not by_board:
            _check_site_dir(config, options)
        site = core.generate(options, self.kept.memo if self.serving else None, checked)
        if checked is None:  # the board command reported its own validation already
            for problem in site.checked.problems:
                (log.error if problem.severity is Severity.ERROR else log.warning)(str(problem))
        if not site.checked.errors:
            self.last_good = site if self.serving else None
            for note in site.notes if self.serving or not by_board else ():  # board build prints its own
                log.info(note)
        elif self.serving and self.last_good is not None:
            # MkDocs' dev server stalls every request after a failed build, so
            # under serve we rebuild the last good pages instead.
            log.error("内容有错误，预览仍显示上一次正确的内容；改正后会自动刷新")
            site = self.last_good
        else:
            raise PluginError(f"内容有 {len(site.checked.errors)} 处错误，网站没有生成，原有网站保持不变")
        self.now = _Build(options, site, search=_take_over_search(config))
        if self.now.search is not None and self.kept.segmenter.separator != self.now.search["separator"]:
            self.kept.segmenter = Segmenter(self.now.search["separator"])
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        """Ship only generated pages: the content folder's own files (YAML) never do."""
        kept = [f for f in files if f.src_dir != config.docs_dir]
        now = self.now
        generated = {**now.site.pages, **now.site.data}
        made = [File.generated(config, path, content=text) for path, text in generated.items()]
        project = Path(config.config_file_path or ".").parent
        made.append(File.generated(config, manual.PAGE, content=manual.manual_page(project)))  # 使用说明
        if self.now.search is not None:  # cut into words beside MkDocs' page rendering (big boards)
            urls = {f.src_uri: "" if f.url == "./" else f.url for f in made}  # the home page is "", as Page.url
            index = Path(config.site_dir) / "search" / "search_index.json"
            self.now.index = search_index.index_later(self.now.search, self.now.site.figures, urls.__getitem__,
                                                self.kept.segmenter, index, parallel=not self.serving)
        # Archived periods: the HTML a build with the same key made (MkDocs copies it), else their
        # Markdown, whose HTML ``on_post_page`` keeps for the next build (see ``archives``).
        # site_url: the canonical links (``mkdocs serve`` puts its own address there)
        frame = archives.frame(config.config_file_path, config.theme.custom_dir, {**config.extra, "site_url": config.site_url})
        archived: dict[str, str] = {}
        for archive in now.site.archives:
            key = names.build_id(archive.key, frame)
            built = archives.load(now.options.audience.key, archive.id, key)
            if built is not None:
                kept += [File.generated(config, path, content=html) for path, html in built.items()]
                now.reused.append(archive.period)
            else:
                archived.update(archive.render())
                now.capture[archive.root] = (archive, key, {})
        made += [File.generated(config, path, content=text) for path, text in archived.items()]
        now.pages = len(now.site.pages) + len(archived)
        return Files(kept + made)

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Hide our raw-HTML blocks from Python-Markdown (``htmlblocks.stash_html``); date the page by as-of."""
        now = self.now
        now.done += 1
        now.progress.update(now.done, now.pages)
        if "SOURCE_DATE_EPOCH" not in os.environ:  # the sitemap's dates: the same content gives the same bytes
            page.update_date = now.options.as_of.isoformat()
        text, now.blocks[page.file.src_uri] = stash_html(markdown)
        return text

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Put the raw-HTML blocks back after Markdown."""
        return unstash_html(html, self.now.blocks.pop(page.file.src_uri, []))

    def on_page_context(self, context: dict, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
        """Ledger pages after the first are not in the nav: light its tab (整改台账) while one renders.

        Our titles are raw HTML (``<h1 id="title">``), unseen by the toc; putting the
        title on top of the toc, as a Markdown ``#`` heading would be, makes the
        theme's skip link ("跳转至") jump to it, past the header and tabs.
        """
        toc = list(page.toc)
        if 'id="title"' in (page.content or "") and not (toc and toc[0].level == 1):
            title = AnchorLink(page.title or "", "title", 1)
            title.children = toc
            page.toc = TableOfContents([title])
        if (ledger_page_number(page.file.src_uri) or 1) > 1:
            first = ledger_page_path(1)
            self.now.lit = next((p for p in nav.pages if p.file.src_uri == first), None)
            if self.now.lit is not None:
                self.now.lit.active = True
        return context

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        """Put the tab lit by ``on_page_context`` out again; let the page's HTML go once it is made.

        MkDocs keeps every page's Markdown and HTML to the end of the build (a
        3,000-branch site held in memory); nothing reads them after this hook.
        """
        if self.now.lit is not None:
            self.now.lit.active = False
            self.now.lit = None
        for root, (_, _, html) in self.now.capture.items():
            if page.file.src_uri.startswith(root):
                html[page.file.dest_uri] = output.encode("utf-8", errors="xmlcharrefreplace")  # as MkDocs writes it
        page.content = page.markdown = None
        return output

    def on_env(self, env, config: MkDocsConfig, files: Files):  # noqa: ANN001, ANN201 - jinja2.Environment
        """The preview mark for the theme (partials/board-approval.html); theme templates compiled once per process."""
        env.globals["board_preview"] = self.now.site.preview
        env.bytecode_cache = self.kept.templates
        return env

    def on_post_build(self, config: MkDocsConfig) -> None:
        """Write Material's search index from the model (``search``), in place of Material's search plugin."""
        now = self.now
        now.progress.close()
        for archive, key, html in now.capture.values():
            archives.store(now.options.audience.key, archive.id, key, html)
        if now.index is not None:
            now.index()

    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig, builder) -> LiveReloadServer:
        """Rebuild when a content file changes, wherever the content folder is (and the earlier periods' folders)."""
        content = self.now.site.checked.content
        earlier = chain(content)[1:] if content else []
        folders = [self.now.options.content_dir.resolve(), *(Path(p.board.path).parent.resolve() for p in earlier)]
        for folder in folders:
            if not folder.is_relative_to(Path(config.docs_dir).resolve()):
                server.watch(str(folder))
        return server
