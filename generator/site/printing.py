"""``board pdf``: the bulletin-board document (``/print/``) to PDF with headless Chromium.

Chromium rather than WeasyPrint: it is what the browser tests already use, it
is packaged by Debian (no Python wheels with native libraries to match), it
supports ``@page`` margin boxes for "第 X 页 共 Y 页" and repeats table
headers, and what it prints is what a clerk sees with Ctrl+P in Chrome or Edge.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from generator.files import replacing, write_atomic

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge", "chrome")
PAPERS = ("A4", "A3")
INSTALL_HINT = ("没有找到 Chromium/Chrome 浏览器，无法生成 PDF。Debian/Ubuntu：sudo apt-get install chromium fonts-noto-cjk；"
                "Windows：安装 Chrome 或 Edge，再用 --browser 指定 chrome.exe 或 msedge.exe 的完整路径。"
                "也可以直接用浏览器打开网站的 /print/ 页面，按 Ctrl+P 打印或另存为 PDF。")


class PrintError(RuntimeError):
    """A PDF that could not be made, said in words a clerk can act on."""


def find_browser(given: str | None = None) -> str:
    if given:
        if Path(given).is_file() or shutil.which(given):
            return shutil.which(given) or given
        raise PrintError(f"找不到浏览器 {given}。{INSTALL_HINT}")
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise PrintError(INSTALL_HINT)


def print_url(page: Path, paper: str = "A4", landscape: bool = False) -> str:
    query = f"?paper={paper}" + ("&orientation=landscape" if landscape else "")
    return page.resolve().as_uri() + query


def to_pdf(page: Path, out: Path, *, paper: str = "A4", landscape: bool = False, browser: str | None = None) -> None:
    """Print one local HTML page to ``out`` (written beside it first, then renamed)."""
    if paper not in PAPERS:
        raise PrintError(f"纸张只能是 {' 或 '.join(PAPERS)}")
    executable = find_browser(browser)
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="board-pdf-") as profile, replacing(out) as partial:
        command = [executable, "--headless", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                   "--disable-component-update", "--no-pdf-header-footer", f"--user-data-dir={profile}",
                   f"--print-to-pdf={partial}", print_url(page, paper, landscape)]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
        if result.returncode != 0 or not partial.is_file() or partial.stat().st_size == 0:
            raise PrintError(f"浏览器没能生成 PDF（退出码 {result.returncode}）：{result.stderr.strip()[-300:]}")


LONG_IMAGE_WIDTH = 1080  # px: what WeChat shows at full width on a phone
LONG_IMAGE_MAX_HEIGHT = 16384  # px: the longest image Chromium draws in one piece
LONG_IMAGE_CLASS = "board-longshot"  # board.css drops the header, tabs and footer from the image


class _Pipe:
    """Chromium's DevTools protocol over ``--remote-debugging-pipe`` (fds 3 and 4): no port, no extra package."""

    def __init__(self, executable: str, profile: str, timeout: float) -> None:
        import fcntl

        to_browser, self._write = os.pipe()
        self._read, from_browser = os.pipe()

        def child() -> None:  # the browser reads commands on fd 3 and answers on fd 4
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_browser, from_browser)]
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        command = [executable, *_browser_flags(profile), "--remote-debugging-pipe", "about:blank"]
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, close_fds=False, preexec_fn=child)  # noqa: PLW1509
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next = 0
        self._deadline = timeout

    def call(self, method: str, session: str | None = None, **params) -> dict:
        import json
        import select
        import time

        self._next += 1
        message = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        end = time.monotonic() + self._deadline
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == self._next:
                    if "error" in reply:
                        raise PrintError(f"浏览器没能生成长图：{method}: {reply['error'].get('message')}")
                    return reply.get("result", {})
            left = end - time.monotonic()
            if left <= 0 or not select.select([self._read], [], [], left)[0]:
                raise PrintError(f"浏览器没能生成长图：{method} 超时")
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise PrintError(f"浏览器没能生成长图：浏览器意外退出。{self._error()}")
            self._buffer += chunk

    def _error(self) -> str:
        self.process.kill()
        return (self.process.communicate(timeout=10)[1] or b"").decode(errors="replace").strip()[-300:]

    def close(self) -> None:
        for fd in (self._write, self._read):
            os.close(fd)
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate(timeout=10)


def _browser_flags(profile: str) -> list[str]:
    flags = ["--headless", "--disable-gpu", "--disable-background-networking", "--no-first-run",
             "--disable-component-update", f"--user-data-dir={profile}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
    return flags


def to_png(page: Path, out: Path, *, width: int = LONG_IMAGE_WIDTH, browser: str | None = None) -> int:
    """A long image of one local HTML page, ``width`` px wide and as tall as the page (up to
    ``LONG_IMAGE_MAX_HEIGHT``); written beside ``out`` first, then renamed.  Returns the height."""
    if os.name != "posix":
        raise PrintError("长图需要在 Linux 或 macOS 上生成；也可以在浏览器里打开网站首页后截长图。")
    executable = find_browser(browser)
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="board-png-") as profile:
        pipe = _Pipe(executable, profile, timeout=120)
        try:
            png, height = _long_shot(pipe, page, width)
        finally:
            pipe.close()
    write_atomic(out, png)
    return height


def _long_shot(pipe: _Pipe, page: Path, width: int) -> tuple[bytes, int]:
    """The page at ``width`` in one PNG, as tall as its content (up to ``LONG_IMAGE_MAX_HEIGHT``), and that height."""
    import base64
    import time

    target = pipe.call("Target.createTarget", url="about:blank")["targetId"]
    session = pipe.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    pipe.call("Emulation.setDeviceMetricsOverride", session, width=width, height=900, deviceScaleFactor=1,
              mobile=False)
    pipe.call("Page.navigate", session, url=page.resolve().as_uri())
    ready = ("new Promise(done => { const go = () => document.fonts.ready.then(() => setTimeout(done, 300));"
             " document.readyState === 'complete' ? go() : addEventListener('load', go); })")
    for _ in range(100):  # navigate answers before the new document exists: wait until it is ours
        if pipe.call("Runtime.evaluate", session, expression="location.protocol")["result"].get("value") == "file:":
            break
        time.sleep(0.05)
    pipe.call("Runtime.evaluate", session, expression=ready, awaitPromise=True)
    pipe.call("Runtime.evaluate", session, expression=f"document.documentElement.classList.add('{LONG_IMAGE_CLASS}')")
    height = pipe.call("Runtime.evaluate", session,
                       expression="Math.ceil(document.documentElement.scrollHeight)")["result"]["value"]
    height = min(int(height), LONG_IMAGE_MAX_HEIGHT)
    pipe.call("Emulation.setDeviceMetricsOverride", session, width=width, height=height, deviceScaleFactor=1,
              mobile=False)
    shot = pipe.call("Page.captureScreenshot", session, format="png",
                     clip={"x": 0, "y": 0, "width": width, "height": height, "scale": 1})
    return base64.b64decode(shot["data"]), height
