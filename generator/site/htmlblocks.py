"""Python-Markdown's slow path around our pages' raw-HTML blocks, and the way round it (MkDocs knowledge).

The pages (``board.pages``) are headings plus raw-HTML blocks.  Python-Markdown
passes such blocks through unchanged, but only after parsing every tag of them;
for big boards that parse is most of the build.  The plugin takes the blocks out
before conversion and puts them back after (``stash_html`` / ``unstash_html``).
"""

from __future__ import annotations

import re

_BLOCK = re.compile(r"(?m)^<(?!!--)[^\n]*(?:\n(?!\n)[^\n]*)*")
_TOKEN = "BOARDHTMLBLOCK{:06d}"
_TOKEN_HTML = re.compile(r"<p>BOARDHTMLBLOCK(\d{6})</p>")


def stash_html(markdown: str) -> tuple[str, list[str]]:
    """Take our pages' raw-HTML blocks out of the Markdown, leaving a token per block.

    Our pages are headings plus raw-HTML blocks that Markdown passes through
    unchanged, but Python-Markdown (and MkDocs) parse every tag of them to find
    out; for big boards that parse is most of the build.  ``unstash_html`` puts
    the blocks back after conversion, so the HTML is what Markdown would have made.
    """
    blocks: list[str] = []

    def keep(match: re.Match) -> str:
        blocks.append(match.group(0))
        return _TOKEN.format(len(blocks) - 1)

    return _BLOCK.sub(keep, markdown), blocks


def unstash_html(html: str, blocks: list[str]) -> str:
    return _TOKEN_HTML.sub(lambda m: blocks[int(m.group(1))], html)
