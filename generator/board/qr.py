"""QR codes that take a reader from the wall or the lobby screen to a page of the site.

Drawn at build time with ``segno`` (pure Python, nothing fetched): one SVG path
of filled squares, so the printed page and the screen (which builds the SVG
from ``size`` and ``path`` itself, never parsing markup) draw the same code.
No ``site_url``, no codes: a code needs an address a phone can open.
"""

from __future__ import annotations

from dataclasses import dataclass

import segno

QUIET = 4  # modules of white around the code, as the standard asks


@dataclass(frozen=True)
class QRCode:
    url: str
    size: int  # modules per side, without the quiet zone
    path: str  # SVG path data in module units, dark modules filled

    @property
    def view_box(self) -> str:
        return f"{-QUIET} {-QUIET} {self.size + 2 * QUIET} {self.size + 2 * QUIET}"

    def as_json(self) -> dict:
        return {"url": self.url, "size": self.size, "path": self.path}


def qr_code(url: str) -> QRCode:
    """The code for ``url`` (error correction M: survives a scuffed print)."""
    matrix = segno.make(url, error="m", micro=False).matrix
    parts = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                parts.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return QRCode(url, len(matrix), "".join(parts))


def page_url(site_url: str, path: str) -> str | None:
    """The address of ``path`` (``branches/x/``) on the published site, or None without ``site_url``."""
    if not site_url:
        return None
    return site_url.rstrip("/") + "/" + path.lstrip("/")


def code_for(site_url: str, path: str) -> QRCode | None:
    url = page_url(site_url, path)
    return qr_code(url) if url else None
