"""What ``mkdocs serve`` rebuilds reuse: the same site as a full build, sooner."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request

import jinja2

from generator.site import preview
from helpers import AS_OF, CONFIG, REPO, build_site, clean_env, free_port, item, tiny_board, write_yaml


class CountingCode(preview.TemplateCode):
    compiled = 0

    def dump_bytecode(self, bucket):
        self.compiled += 1
        super().dump_bytecode(bucket)


def test_template_code_is_compiled_once_per_source():
    templates = {"page.html": "<p>{{ name }}</p>"}
    code = CountingCode()

    def fresh_environment():  # MkDocs makes a new one per rebuild
        return jinja2.Environment(loader=jinja2.DictLoader(templates), bytecode_cache=code)

    assert fresh_environment().get_template("page.html").render(name="甲") == "<p>甲</p>"
    assert fresh_environment().get_template("page.html").render(name="乙") == "<p>乙</p>"
    assert code.compiled == 1
    templates["page.html"] = "<div>{{ name }}</div>"
    assert fresh_environment().get_template("page.html").render(name="丙") == "<div>丙</div>"
    assert code.compiled == 2


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def _wait_for(url: str, text: str, seconds: float = 60, check=lambda body: True) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = _get(url)
        if body and text in body and check(body):
            return body
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not at {url} after {seconds} s")


def _docs(index_text: str, under: str) -> list[str]:
    docs = json.loads(index_text)["docs"]
    return sorted(json.dumps(d, sort_keys=True, ensure_ascii=False) for d in docs if d["location"].startswith(under))


def _content(html: str) -> str:
    """A page's own content (the served copy also carries MkDocs' live-reload script)."""
    start, end = ("<main", "</main>") if 'class="print-doc"' in html else ("<article", "</article>")
    return html[html.index(start):html.index(end)]


REBUILT_PAGES = ("branches/alpha/", "branches/beta/", "ledger/", "print/")


def test_pages_and_search_index_after_edits_under_serve_equal_a_full_build(tmp_path):
    content = tiny_board(tmp_path / "content", {
        "alpha": {"name": "甲支部", "rectifications": [item(problem="联系服务群众不够经常")]},
        "beta": {"name": "乙支部", "rectifications": [item(problem="档案整理不够规范")]},
        "gamma": {"name": "丙支部", "rectifications": [item(problem="谈心谈话覆盖面不全")]},
    })
    port = free_port()
    env = clean_env(BOARD_CONTENT=str(content), BOARD_AS_OF=AS_OF)
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-f", str(CONFIG), "-a", f"127.0.0.1:{port}"],
                              cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        _wait_for(base + "branches/alpha/", "联系服务群众不够经常", 120)
        write_yaml(content / "branches" / "alpha.yml",
                   {"name": "甲支部", "rectifications": [item(problem="理论学习流于形式")]})
        _wait_for(base + "branches/alpha/", "理论学习流于形式")
        (content / "branches" / "gamma.yml").unlink()
        _wait_for(base, "2 个", check=lambda body: "丙支部" not in body)
        served = _get(base + "search/search_index.json")
        pages = {page: _get(base + page) for page in REBUILT_PAGES}
    finally:
        server.terminate()
        server.communicate(timeout=30)
    built = tmp_path / "site"
    build_site(content, built)
    full = (built / "search" / "search_index.json").read_text(encoding="utf-8")
    # The index a fresh build makes (the change log, which only serve has, is not indexed).
    assert _docs(served, "branches/") == _docs(full, "branches/") != []
    assert _docs(served, "") == _docs(full, "")
    words = json.loads(served)["docs"]
    text = re.sub("<[^>]*>", "", "".join(d["title"] + d["text"] for d in words))
    assert "档案整理" in text and "理论学习流于形式" in text  # beta kept, alpha indexed again
    assert "群众" not in text and "丙支部" not in text  # old alpha text and gamma are gone
    # Pages rendered partly from the last build's fragments (speed.Memo) are what a full build makes.
    for page, html in pages.items():
        assert _content(html) == _content((built / page / "index.html").read_text(encoding="utf-8")), page
    assert "理论学习流于形式" in pages["ledger/"] and "档案整理" in pages["print/"]
    assert "群众" not in pages["ledger/"] + pages["print/"] and "丙支部" not in pages["ledger/"] + pages["print/"]


def test_installed_theme_files_are_listed_once_and_the_projects_every_time(tmp_path, monkeypatch):
    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    from generator.site import plugin

    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    config = load_config(str(CONFIG))
    plain = Files([])
    plain.add_files_from_theme(config.theme.get_env(), config)
    plugin._list_theme_once(config)
    plugin._list_theme_once(config)                        # a second plugin run wraps nothing twice
    env = config.theme.get_env()
    assert isinstance(env.loader, preview.ListedOnce) and not isinstance(env.loader.inner, preview.ListedOnce)
    listed = Files([])
    listed.add_files_from_theme(env, config)
    assert [f.src_uri for f in listed] == [f.src_uri for f in plain] and "assets/screen.js" in listed.src_uris

    material = next(d for d in config.theme.dirs if d.endswith("material/templates"))
    ours = tmp_path / "theme"
    (ours / "assets").mkdir(parents=True)
    loader = preview.ListedOnce(jinja2.FileSystemLoader([str(ours), material]))
    first = loader.list_templates()
    assert not any(name.startswith(".icons/") for name in first) and "base.html" in first
    (ours / "assets" / "new.css").write_text("b{}", encoding="utf-8")  # added while serving
    assert loader.list_templates() == sorted({*first, "assets/new.css"})
