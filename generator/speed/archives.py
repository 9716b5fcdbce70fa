"""The built pages of archived periods, kept between builds and publishes.

An archived period never changes, yet MkDocs would turn its pages into HTML
on every build (about as long as the current period's pages).  The HTML of
each archived period is kept here under a key naming everything it is made of
(``core.Archive.key``: its content and the ones before it, what the next period
carried, the period list, the audience, the options, the generator's version,
plus ``frame``: the site config, the theme files and the MkDocs and Material
versions), and written as plain files by the next build with the same key.

Kept in the parse cache's private folder (see ``cache``), one folder per
audience: a public build never opens what a party build wrote.  One zip file
per archived period (the newest key only).  A store that cannot be used is
skipped: it only makes builds faster, never changes what they write.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import zipfile
from pathlib import Path

from generator.files import replacing
from generator.speed import cache

SUFFIX = ".zip"


def _folder(audience: str) -> Path | None:
    base = cache.folder()
    if base is None:
        return None
    here = base / "archives" / audience
    try:
        here.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return here


def frame(config_file: str | None, theme_dir: str | None, settings: dict) -> str:
    """What besides the content shapes an archived page's HTML: the config, the theme's and the
    generator's files (templates included), the MkDocs and Material versions."""
    h = hashlib.blake2b(digest_size=16)
    for package in ("mkdocs", "mkdocs-material"):
        try:
            h.update(f"{package}={importlib.metadata.version(package)}\0".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(package.encode())
    if config_file and Path(config_file).is_file():
        h.update(Path(config_file).read_bytes())
    for folder in (theme_dir, Path(__file__).parent.parent):  # the theme, and the generator's code and templates
        if folder and Path(folder).is_dir():
            for path in sorted(p for p in Path(folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts):
                h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    h.update(json.dumps(settings, sort_keys=True, default=str, ensure_ascii=False).encode())
    return h.hexdigest()


def _name(period_id: str, key: str) -> str:
    return f"{period_id}~{key}{SUFFIX}"


def load(audience: str, period_id: str, key: str) -> dict[str, bytes] | None:
    """The files (site path → bytes) kept for this archived period and key, or None."""
    folder = _folder(audience)
    if folder is None:
        return None
    try:
        with zipfile.ZipFile(folder / _name(period_id, key)) as kept:
            return {name: kept.read(name) for name in kept.namelist()}
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return None


def store(audience: str, period_id: str, key: str, files: dict[str, bytes]) -> None:
    """Keep this archived period's files under ``key``, replacing older keys of the same period."""
    folder = _folder(audience)
    if folder is None or not files:
        return
    name = _name(period_id, key)
    try:
        with replacing(folder / name, mode=0o600) as temp, zipfile.ZipFile(temp, "w") as kept:  # private, as the cache
            for path in sorted(files):
                info = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))
                kept.writestr(info, files[path], compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
        for other in folder.glob(f"{period_id}~*{SUFFIX}"):
            if other.name != name:
                other.unlink(missing_ok=True)
    except OSError:
        pass  # a cache that cannot be written is only slower next time
