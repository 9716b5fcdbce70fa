"""The printed bulletin board: real PDFs from Debian's Chromium, read back with poppler."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.site.printing import PrintError, find_browser, to_pdf
from helpers import AS_OF, CONFIG, approve_board, board, build_site, evaluation, item, tiny_board

pytestmark = pytest.mark.skipif(not (Path("/usr/bin/chromium").exists() and shutil.which("pdftotext")),
                                reason="needs chromium and poppler-utils (tests/install-system.sh)")


def pages_of(pdf: Path) -> list[str]:
    count = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                             text=True).stdout).group(1))
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True,
                           text=True).stdout for n in range(1, count + 1)]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def long_item(n: int) -> dict:
    return item(id=f"R{n:02d}", problem=f"问题R{n:02d}" + "，理论学习不够深入系统" * (n % 4 + 1),
                measures=[f"措施R{n:02d}甲" + "，制定学习计划" * 3, f"措施R{n:02d}乙"], owner=f"责任人R{n:02d}")


def pdf(content: Path, out: Path, *extra: str) -> list[str]:
    run = board("pdf", "--config", str(CONFIG), "--content", str(content), "--as-of", AS_OF, "--out", str(out),
                    *extra)
    assert run.code == 0, run.err
    return pages_of(out)


def test_known_board_has_one_page_per_branch_after_the_cover(tmp_path):
    content = tiny_board(tmp_path / "c", {
        f"b{n}": {"name": f"第{n}党支部", "order": n, "evaluation": evaluation(),
                  "rectifications": [item(id="1", problem=f"第{n}支部的问题甲"), item(id="2", problem=f"第{n}支部的问题乙")]}
        for n in range(1, 4)
    }, notice={"from": "2024-06-20", "to": "2024-07-20"}, feedback=["电话：0000-1234567"])
    pages = pdf(content, tmp_path / "board.pdf")
    assert len(pages) == 4
    cover = squash(pages[0])
    assert "测试局党委" in cover and "公示期：2024年6月20日至2024年7月20日" in cover and "电话：0000-1234567" in cover
    for n in range(1, 4):
        assert f"第{n}党支部" in pages[n] and f"第{n}支部的问题甲" in squash(pages[n])
    assert all(f"第{i}页共4页" in squash(page) for i, page in enumerate(pages, start=1))


def test_long_lists_break_between_rows_with_the_header_repeated(tmp_path):
    content = tiny_board(tmp_path / "c", {
        "big": {"name": "事项很多的党支部", "order": 1, "rectifications": [long_item(n) for n in range(1, 41)]},
        "small": {"name": "第二党支部", "order": 2, "rectifications": [item(id="1", problem="唯一的问题", audience="党内"),
                                                                    item(id="2", problem="公开的问题")]},
    })
    pages = [squash(p) for p in pdf(content, tmp_path / "big.pdf")]
    big = [p for p in pages if "事项很多的党支部" in p or "问题R" in p]
    assert len(big) >= 3
    assert all("存在问题" in p and "整改措施" in p for p in big)          # header row on every page
    for n in range(1, 41):
        holding = {i for i, p in enumerate(pages) for part in (f"问题R{n:02d}", f"措施R{n:02d}甲", f"措施R{n:02d}乙",
                                                                f"责任人R{n:02d}") if part in p}
        assert len(holding) == 1, (n, holding)                           # a row never spans two pages
    assert pages[-1].startswith("第二党支部") or "第二党支部" in pages[-1]
    assert "公开的问题" in pages[-1] and "唯一的问题" not in "".join(pages)    # public only


def lines_of(pdf: Path) -> list[list[str]]:
    """Each page's lines as pdftotext lays them out."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    return [page.splitlines() for page in text.split("\f") if page.strip()]


def test_the_footer_keeps_titles_names_and_page_numbers_whole_and_items_show_target_and_progress(tmp_path):
    content = tiny_board(tmp_path / "c", {
        f"b{n}": {"name": f"第{n}党支部", "order": n, "rectifications": [
            item(id="1", problem=f"第{n}支部的问题", target="学习制度化常态化", progress="已制定方案，正在落实")]}
        for n in range(1, 4)})
    reviewer, approver = "党委办公室主任 欧阳某某某", "党委副书记、纪委书记 司马某某某"
    approve_board(content, reviewer=reviewer, approver=approver)
    pdf(content, tmp_path / "signed.pdf")
    pages = lines_of(tmp_path / "signed.pdf")
    assert len(pages) == 4
    for number, lines in enumerate(pages, start=1):
        [footer] = [line for line in lines if "审批：" in line and "页" in line]
        assert reviewer in footer and approver in footer, footer          # one line: nothing wrapped
        assert re.search(rf"第 {number} 页 共 4 页\s*$", footer), footer
    body = squash("".join("".join(lines) for lines in pages[1:]))
    assert "整改目标：学习制度化常态化" in body and "整改进展：已制定方案，正在落实" in body


def test_a3_and_landscape(tmp_path):
    content = tiny_board(tmp_path / "c")
    for extra, size in ((("--paper", "A3"), "841.92 x 1191.12"), (("--landscape",), "841.92 x 594.96")):
        pdf(content, tmp_path / "x.pdf", *extra)
        info = subprocess.run(["pdfinfo", str(tmp_path / "x.pdf")], capture_output=True, text=True).stdout
        assert size in info


def test_branch_pages_of_the_site_print_cleanly(tmp_path):
    content = tiny_board(tmp_path / "c", {"a": {"name": "第一党支部", "rectifications": [item(problem="打印的问题")]}})
    site = tmp_path / "site"
    build_site(content, site)
    to_pdf(site / "branches" / "a" / "index.html", tmp_path / "a.pdf")
    text = squash("".join(pages_of(tmp_path / "a.pdf")))
    assert "第一党支部" in text and "打印的问题" in text and "制定学习计划" in text
    assert "搜索" not in text and "返回总览" not in text


def test_missing_browser_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PrintError, match="apt-get install chromium"):
        find_browser()
    with pytest.raises(PrintError, match="找不到浏览器 /nowhere/chrome"):
        find_browser("/nowhere/chrome")


def test_each_branch_with_people_gets_an_a4_pledge_page(tmp_path):
    people = [{"name": f"党员{n}", "role": "支部委员", "pledge": f"承诺{n}：" + "带头讲党课，每季度不少于一次" * 3,
               "fulfilled": f"践诺{n}", "rectifications": [item(id="1", problem=f"公开的个人问题{n}", audience="公开"),
                                                         item(id="2", problem=f"党内的个人问题{n}")]}
              for n in range(1, 13)] + [{"name": "仅党内可见的人", "audience": "党内", "pledge": "党内承诺"}]
    content = tiny_board(tmp_path / "c", {"a": {"name": "第一党支部", "rectifications": [item()], "people": people}})
    out = tmp_path / "board.pdf"
    pages = pdf(content, out)
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", subprocess.run(["pdfinfo", str(out)], capture_output=True,
                                                                              text=True).stdout)
    assert (round(float(size.group(1))), round(float(size.group(2)))) == (595, 842)   # A4
    first = next(n for n, page in enumerate(pages) if "党员承诺公示" in page)
    assert first == 2 and "第一党支部党员承诺公示" in squash(pages[first])   # its own page, after the branch's list
    text = "".join(squash(page) for page in pages[first:])                # long lists go on over more A4 pages
    assert all(f"党员{n}" in text and f"践诺{n}" in text and f"公开的个人问题{n}" in text for n in range(1, 13))
    assert "仅党内可见的人" not in "".join(pages) and "党内的个人问题" not in "".join(pages)


def test_owners_imported_from_two_columns_keep_each_name_whole(tmp_path):
    endless = "县林业局办公室主任张某某" * 4                                   # no punctuation to break at
    owners = ["责任领导：张某某；责任科室：办公室", "欧阳某某某、司马某某某、诸葛某某", "县林业局办公室主任张某某", "张三", endless]
    content = tiny_board(tmp_path / "c", {"a": {"name": "第一党支部", "rectifications": [
        item(id=str(n), owner=owner, problem="理论学习不够深入系统" * 3) for n, owner in enumerate(owners, start=1)]}})
    pdf(content, tmp_path / "owners.pdf")
    lines = [line for page in lines_of(tmp_path / "owners.pdf") for line in page]
    for name in ("张某某", "办公室", "欧阳某某某", "司马某某某", "诸葛某某", "县林业局办公室主任张某某", "张三"):
        assert any(name in line for line in lines), (name, [line for line in lines if name[0] in line])
    # a run with nowhere to break wraps inside the page: every column, and all of it, is on the paper
    on_paper = squash(subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-x", "0", "-y", "0", "-W", "595", "-H", "842",
                                      str(tmp_path / "owners.pdf"), "-"], capture_output=True, text=True).stdout)
    assert on_paper.count("县") == 5 and on_paper.count("主任") == 5
    assert on_paper.count("2024年6月30日") == on_paper.count("已逾期") == len(owners)
