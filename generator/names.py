"""How the board names things and shows names to people; small, and used everywhere.

A path as the clerk sees it, text a terminal may print, an item's name across
periods, the short id of a build: each is written once here, so every message
and every id says it the same way.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

# Characters a terminal would act on (escape sequences, bell, backspace, line breaks), that
# reorder what is shown (bidirectional overrides) or that show nothing (zero-width): never echoed raw.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")
# The subset a page would honour silently: text laid out in another order than typed, or marks no one sees.
_HIDDEN = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def display_path(path: Path) -> str:
    """A path as the clerk sees it: relative to where they ran the command."""
    try:
        # abspath, not resolve: a link (refused later) is named where it is, not where it points
        return os.path.relpath(path) if Path(os.path.abspath(path)).is_relative_to(os.getcwd()) else str(path)
    except (OSError, ValueError):
        return str(path)


def printable(text: str) -> str:
    """``text`` safe to print on a terminal: control characters shown as ``\\x1b``, ``\\n``, ``\\u202e``."""
    def shown(match: re.Match[str]) -> str:
        code = ord(match.group())
        return {9: "\\t", 10: "\\n", 13: "\\r"}.get(code) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")

    return _UNPRINTABLE.sub(shown, text)


def hidden_marks(text: str) -> str:
    """The invisible or order-changing characters in ``text``, spelled out (empty when there are none)."""
    return "、".join(dict.fromkeys(printable(mark) for mark in _HIDDEN.findall(text)))


def item_key(period_id: str, branch_id: str, item_id: str) -> str:
    """How ``carried_from`` names an item: ``<period id>/<branch id>/<item id>``."""
    return f"{period_id}/{branch_id}/{item_id}"


def build_id(*parts: str) -> str:
    """A short hash of the content's bytes and the options: same content, same id."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:12]
