"""The manual inside the site (``/manual/``, 使用说明): the project's README.md, so a clerk who has only the
site still finds it.

The README is converted here (Python-Markdown: tables, fenced code, headings
with stable ids) into one raw-HTML block, as the board's own pages are; its
screenshots and its links into the project (``docs/…``) do not exist on the
site, so an image is left as its description and a link (into the project, or an address such as
the preview's) as its text: the site never links off itself.
Without a README beside the config the page says where the manual is.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import markdown
from markdown.extensions.toc import slugify_unicode

PAGE = "manual.md"
TITLE = "使用说明"
_IMAGE = re.compile(r'<img alt="([^"]*)"[^>]*>')
_LINK = re.compile(r'<a href="(?!#)[^"]*">(.*?)</a>', re.S)  # into the project or off the intranet: text only


def manual_html(readme: str) -> str:
    """The README as HTML for the site: no images, no links into the project, no blank line (one raw block)."""
    body = markdown.markdown(readme, extensions=["tables", "fenced_code", "toc"],
                             extension_configs={"toc": {"slugify": slugify_unicode}})
    body = _IMAGE.sub(lambda m: f"（截图：{m.group(1)}）" if m.group(1) else "", body)
    body = _LINK.sub(r"\1", body)
    body = body.replace("<li>[ ] ", "<li>☐ ")  # the weekly checklist (GitHub's task-list syntax)
    return re.sub(r"\n(?=\n)", "\n ", body)  # a blank line would end the raw block early


def manual_page(project: Path) -> str:
    """The Markdown source of ``/manual/``: front matter and one raw-HTML block."""
    readme = project / "README.md"
    try:
        body = manual_html(readme.read_text(encoding="utf-8"))
    except OSError:
        body = f"<p>使用说明在项目文件夹的 README.md 里（{html.escape(str(readme))}）。</p>"
    return (f"---\ntitle: {TITLE}\nsearch:\n  exclude: true\n---\n\n"
            f'<div class="board-manual" id="manual">\n{body}\n</div>\n')
