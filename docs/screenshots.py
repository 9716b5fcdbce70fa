"""Take the README's screenshots of a built site (headless Debian Chromium, 1440×900 and phones at 360×740),
the lobby screen's slides, and the first pages of the printed bulletin board (pdftoppm).

Usage: python docs/screenshots.py [SITE_DIR] [OUT_DIR]
"""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

from generator.site.printing import to_pdf

# name → (path, element to scroll to the top, or None)
PAGES = {
    "overview": ("", None),
    "branch-list": ("branches/jiguan-3/", "#rectifications"),
    "ledger": ("ledger/", None),
    "branch-people": ("branches/jiguan-1/", "#people"),
}
# Phones (360 × 740): name → (path, element to scroll to the top, or None, 大字模式 on)
PHONE = {
    "overview-phone": ("", None, False),
    "branch-list-phone": ("branches/jiguan-3/", "#rectifications", False),
    "ledger-phone": ("ledger/", None, False),
    "branch-list-phone-large": ("branches/jiguan-3/", "#rectifications", True),
}
# Lobby screen: name → slide to wait for, at each size
SCREEN = {"overview": "overview", "branch": "branch:jiguan-3", "overdue": "overdue"}
SCREEN_SIZES = [(1920, 1080), (1080, 1920), (384, 192), (768, 384), (1152, 576), (1920, 240)]  # LED boards too
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def main(site: Path, out: Path) -> None:
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        for name, (path, anchor) in PAGES.items():
            page.goto(base + path, wait_until="networkidle")
            if anchor:
                page.locator(anchor).scroll_into_view_if_needed()
                page.evaluate(f"window.scrollTo(0, document.querySelector('{anchor}').offsetTop - 80)")
            page.screenshot(path=str(out / f"{name}.png"))
        for name, (path, anchor, large) in PHONE.items():
            phone = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
            if large:
                phone.add_init_script("localStorage.setItem('board-large-print', '1')")
            page = phone.new_page()
            page.goto(base + path, wait_until="networkidle")
            if anchor:
                page.evaluate(f"window.scrollTo(0, document.querySelector('{anchor}').offsetTop - 60)")
            page.screenshot(path=str(out / f"{name}.png"))
            phone.close()
        for width, height in SCREEN_SIZES:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(base + "screen/?seconds=4")
            for name, prefix in SCREEN.items():
                page.wait_for_function(
                    f"document.querySelector('.slide.is-current').dataset.slide.indexOf('{prefix}') === 0",
                    timeout=120_000)
                page.screenshot(path=str(out / f"screen-{name}-{width}x{height}.png"))
        browser.close()
    server.shutdown()
    with tempfile.TemporaryDirectory() as tmp:
        to_pdf(site / "print" / "index.html", Path(tmp) / "print.pdf")
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "2", str(Path(tmp) / "print.pdf"),
                        str(out / "print")], check=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    main(Path(args[0] if args else "site"), Path(args[1] if len(args) > 1 else "docs/screenshots"))
