"""The manual inside the site (issue 29.9): README.md as /manual/, no image, no link off the site."""

from __future__ import annotations

from pathlib import Path

from generator.site.manual import manual_html, manual_page

REPO = Path(__file__).resolve().parent.parent


def test_the_readme_becomes_one_raw_block_without_images_or_links_off_the_site():
    readme = ("# 党务公开栏\n\n## 每周流程\n\n- [ ] 导入\n- [ ] 检查\n\n| 步骤 | 命令 |\n|---|---|\n| 检查 | `board check` |\n\n"
              "![总览](docs/screenshots/overview.png)\n\n见 [开发说明](docs/development.md)，预览 <http://127.0.0.1:8000/>。\n\n"
              "```sh\nboard build\n\nboard publish --to /srv/board\n```\n\n跳到[每周流程](#每周流程)。\n")
    html = manual_html(readme)
    assert "<table>" in html and "<code>board check</code>" in html and 'id="每周流程"' in html
    assert "<img" not in html and "（截图：总览）" in html and "<li>☐ 导入</li>" in html
    assert "docs/development.md" not in html and "开发说明" in html and 'href="http' not in html
    assert 'href="#每周流程"' in html
    assert "\n\n" not in html  # one raw-HTML block: a blank line would end it (htmlblocks.stash_html)


def test_the_page_is_the_projects_readme_or_says_where_it_is(tmp_path):
    page = manual_page(REPO)
    assert page.startswith("---\ntitle: 使用说明\n") and "每周流程" in page and "<li>☐ " in page
    assert "README.md" in manual_page(tmp_path)
