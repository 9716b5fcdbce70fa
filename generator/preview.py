"""What a ``mkdocs serve`` rebuild reuses from the build before it.

Why: a clerk saves one branch file and wants to see it at once, but MkDocs
rebuilds the whole site each time.  Two parts of that were most of a
50-branch rebuild and need not be redone for pages that did not change:

- the search index: Material parses every page's HTML and cuts its Chinese
  into words with jieba.  Pages whose Markdown is unchanged keep their entries
  from the last index (``unchanged`` and ``merge_search``);
- the theme's templates: MkDocs makes a new Jinja environment per build, which
  compiles Material's templates again.  ``TemplateCode`` keeps the compiled
  code (Jinja's own bytecode cache; a changed template has another checksum).

Nothing here knows MkDocs; the plugin calls it only while serving.
"""

from __future__ import annotations

import json
from pathlib import Path

import jinja2


class TemplateCode(jinja2.BytecodeCache):
    """Compiled templates kept in memory across rebuilds."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])  # ignored when the checksum differs

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


def unchanged(before: dict[str, str], now: dict[str, str]) -> set[str]:
    """Pages (by source path) whose Markdown is the same as in the last build."""
    return {path for path, markdown in now.items() if before.get(path) == markdown}


def read_index(path: Path) -> dict | None:
    """A search index as written by the search plugin, or None when there is none we understand."""
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ok = isinstance(index, dict) and isinstance(index.get("docs"), list)
    return index if ok and all(isinstance(d, dict) and "location" in d for d in index["docs"]) else None


def merge_search(index: dict, kept: list[dict], reused: set[str]) -> dict:
    """This build's index plus the kept entries of the pages (by URL) it did not index again."""
    entries = [doc for doc in kept if doc["location"].split("#", 1)[0] in reused]
    return {**index, "docs": entries + index["docs"]}


def write_index(path: Path, index: dict) -> None:
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
