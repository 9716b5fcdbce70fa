"""The ``board render`` output as a complete Zensical project (Material for MkDocs' successor).

Layout of the folder it describes::

    zensical.toml   this module's text: site name, language, nav, theme overrides, extra CSS
    docs/           the generated Markdown pages and data files
    theme/          a copy of our theme overrides (print, screen, partials, CSS and JS)

``project()`` is pure: the shell passes the site settings it read from the MkDocs config as
plain values; ``write()`` lays the project out in a (staging) folder. Nothing in the project points off the site: fonts are the reader's own
(``font = false``), and no plugin that fetches is configured.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

DOCS_DIR = "docs"
THEME_DIR = "theme"
CONFIG_FILE = "zensical.toml"

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON string escapes are valid TOML basic strings
    if isinstance(value, Mapping):
        pairs = ", ".join(f"{_key(str(k))} = {_value(v)}" for k, v in value.items() if v is not None)
        return "{ " + pairs + " }" if pairs else "{}"
    if isinstance(value, Sequence):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def _table(name: str, values: Mapping[str, Any]) -> list[str]:
    lines = [f"[{name}]"]
    lines += [f"{_key(k)} = {_value(v)}" for k, v in values.items() if v is not None]
    return [*lines, ""]


def project(*, site_name: str, site_description: str | None, language: str, nav: Sequence[Any],
            extra_css: Sequence[str], theme: Mapping[str, Any], markdown_extensions: Mapping[str, Mapping],
            extra: Mapping[str, Any], extra_javascript: Sequence[str] = ()) -> str:
    """The ``zensical.toml`` text of a rendered board."""
    head = {
        "site_name": site_name, "site_description": site_description,
        "docs_dir": DOCS_DIR, "site_dir": "site", "use_directory_urls": True,
        "extra_css": list(extra_css), "extra_javascript": list(extra_javascript) or None, "nav": list(nav),
    }
    look = {
        "custom_dir": THEME_DIR, "variant": "classic",  # classic: Material's look, which board.css is made for
        "language": language, "font": False,  # the reader's own fonts: nothing from outside
        **{k: theme[k] for k in ("features", "palette", "icon") if theme.get(k)},
    }
    lines = ["# 由 board render 生成：在这个文件夹里运行 zensical build，网站生成在 site/。", ""]
    lines += _table("project", head)
    lines += _table("project.theme", look)
    lines += _table("project.extra", dict(extra))
    lines += _table("project.markdown_extensions", {name: dict(options) for name, options in markdown_extensions.items()})
    return "\n".join(lines)


def write(folder: Path, files: Mapping[str, str], toml: str, theme: str | None) -> None:
    """The project in ``folder``: ``files`` (pages and data, by path under docs/), the config, the theme copied."""
    docs = folder / DOCS_DIR
    for path, text in files.items():
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_text(text, encoding="utf-8")
    if theme:
        shutil.copytree(theme, folder / THEME_DIR)
    (folder / CONFIG_FILE).write_text(toml, encoding="utf-8")
