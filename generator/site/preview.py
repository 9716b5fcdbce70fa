"""What a ``mkdocs serve`` rebuild (or any later build in the same process) reuses.

Why: a clerk saves one branch file and wants to see it at once, but MkDocs
rebuilds the whole site each time.  The theme's templates need not be compiled
again: MkDocs makes a new Jinja environment per build, which compiles
Material's templates again (two thirds of a small board's build).
``TemplateCode`` keeps the compiled code (Jinja's own bytecode cache; a
changed template has another checksum).  (The search index is made from the
model, each string cut once: see ``search``.)

Nothing here knows MkDocs; the plugin keeps one ``Kept`` from build to build.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import jinja2

from generator.board.search import Segmenter
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


@dataclass
class Kept:
    """What one build leaves for the next in the same process (``mkdocs serve`` rebuilds)."""

    memo: Memo = field(default_factory=Memo)  # serving: each unchanged branch's page, print section, ledger rows
    templates: TemplateCode = field(default_factory=TemplateCode)  # every build: Material's compiled templates
    segmenter: Segmenter = field(default_factory=Segmenter)  # every build: each string's search words, cut once
