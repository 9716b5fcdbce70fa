"""What a ``mkdocs serve`` rebuild (or any later build in the same process) reuses.

Why: a clerk saves one branch file and wants to see it at once, but MkDocs
rebuilds the whole site each time.  The theme's templates need not be compiled
again: MkDocs makes a new Jinja environment per build, which compiles
Material's templates again (two thirds of a small board's build).
``TemplateCode`` keeps the compiled code (Jinja's own bytecode cache; a
changed template has another checksum).  ``ListedOnce`` lists an installed
theme's files once per process: MkDocs lists every theme file at each build
to copy the static ones, and Material ships 14,000 icons (0.13 s a build).
(The search index is made from the model, each string cut once: see ``site.search_index``.)

Nothing here knows MkDocs; the plugin keeps one ``Kept`` from build to build.
"""

from __future__ import annotations

import functools
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from generator.board.segmenter import Segmenter
from generator.speed import Memo


class TemplateCode(jinja2.BytecodeCache):
    """Compiled templates kept in memory across rebuilds."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])  # ignored when the checksum differs

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_INSTALLED = tuple(str(Path(sysconfig.get_paths()[kind]).resolve()) for kind in ("purelib", "platlib"))


class ListedOnce(jinja2.BaseLoader):
    """A theme's ``FileSystemLoader`` whose installed folders are listed once per process.

    Folders inside site-packages (Material's, MkDocs') do not change while we
    run; the project's own theme folder is listed every time.  Names under a
    dot-folder (``.icons/…``) are left out of the installed folders' lists:
    MkDocs' only use of the list, copying static theme files, skips them anyway.
    Everything else is the wrapped loader's.
    """

    def __init__(self, inner: jinja2.FileSystemLoader) -> None:
        self.inner = inner

    def get_source(self, environment: jinja2.Environment, template: str):  # noqa: ANN201 - jinja2's triple
        return self.inner.get_source(environment, template)

    def list_templates(self) -> list[str]:
        found: set[str] = set()
        for folder in self.inner.searchpath:
            found.update(_installed_names(folder) if _is_installed(folder) else
                         jinja2.FileSystemLoader(folder).list_templates())
        return sorted(found)


def _is_installed(folder: str) -> bool:
    return str(Path(folder).resolve()).startswith(_INSTALLED)


@functools.cache
def _installed_names(folder: str) -> tuple[str, ...]:
    names = jinja2.FileSystemLoader(folder).list_templates()
    return tuple(name for name in names if not name.startswith("."))


@dataclass
class Kept:
    """What one build leaves for the next in the same process (``mkdocs serve`` rebuilds)."""

    memo: Memo = field(default_factory=Memo)  # serving: each unchanged branch's page, print section, ledger rows
    templates: TemplateCode = field(default_factory=TemplateCode)  # every build: Material's compiled templates
    segmenter: Segmenter = field(default_factory=Segmenter)  # every build: each string's search words, cut once
