"""The publish gate (先审后公开) belongs to the release root, not to a setting.

``approval: off`` in a site config (or in a config that INHERITs one) lets a
board without review publish previews; it must not let anyone switch the gate
off for a site that already publishes approved content.  So a publish root
remembers that it ever held an approved release (``MARK``, written under the
release lock before that release goes live, and every approved release still
in ``releases/`` counts too), and from then on refuses an unapproved publish
whatever the config says.  Whoever can delete files in the root can undo this:
the root belongs to IT, who are trusted with it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from generator.files import write_atomic

MARK = ".approved-releases.json"  # {"first": release name, "since": ISO date}: this root has published approved content


def approved_before(root: Path, approved_releases: list[str]) -> str | None:
    """Why ``root`` counts as a root of approved releases (a sentence), or None when it never held one."""
    try:
        mark = json.loads((root / MARK).read_text(encoding="utf-8"))
    except FileNotFoundError:
        mark = None
    except (OSError, ValueError, RecursionError):
        mark = {}  # present but unreadable: still a mark
    if mark is not None:
        first = mark.get("first", "?") if isinstance(mark, dict) else "?"
        return f"{root} 自 {first} 起发布经审核、审批的版本"
    if approved_releases:
        return f"{root} 里有经审核、审批的版本（{approved_releases[-1]}）"
    return None


def refusal(root: Path, approved_releases: list[str]) -> str | None:
    """Why an unapproved publish into ``root`` is refused, or None where the root never held approved content."""
    why = approved_before(root, approved_releases)
    if why is None:
        return None
    return (f"{why}：这里只能发布经审核、审批的内容（先审后公开），配置文件里的 approval: off 在这里不起作用。\n"
            "请先 board review --by 审核人、board approve --by 审批人；只想看预览请用 board build，"
            "或者发布到从未发布过审批版本的另一个目录")


def remember(root: Path, release: str) -> None:
    """Mark ``root`` as holding approved releases from ``release`` on (kept once written)."""
    if (root / MARK).exists():
        return
    write_atomic(root / MARK, json.dumps({"first": release, "since": dt.date.today().isoformat()}) + "\n")
