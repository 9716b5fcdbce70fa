"""Year after year (issue 16): board new-period, carried items, checks across periods, the archive.

Every board here is made in a tmp folder; the expected figures are counted
from the dictionaries the board is written from, never from the generator.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path
from urllib.parse import urldefrag

import pytest
from click.testing import CliRunner

from generator import speed
from generator.cli import main
from generator.content.load import load_content
from generator.names import display_path
from helpers import CONFIG, board_cli, item, read_html, write_yaml

FINISHED = ("已完成", "已销号")
ENV_KEYS = ("BOARD_CONTENT", "BOARD_AUDIENCE", "BOARD_AS_OF", "BOARD_SITE_DIR", "BOARD_PREVIOUS", "SOURCE_DATE_EPOCH")

# The 2024 board: (branch id, name) → items.  Open ones: a/01, a/03 (party), a/05, b/01, b/02 (party).
OLD = {
    ("a", "第一党支部"): [
        item(id="01", problem="理论学习不深", status="整改中"),
        item(id="02", problem="会议记录不全", status="已完成", completed="2024-05-01"),
        item(id="03", problem="党内事项甲：谈心谈话不足", status="未开始", audience="党内", deadline="长期坚持"),
        item(id="04", problem="制度不健全", status="已销号", completed="2024-06-01"),
        item(id="05", problem="联系群众不够", status="整改中", progress="已走访 3 户"),
    ],
    ("b", "第二党支部"): [
        item(id="01", problem="发挥作用不够", status="未开始", deadline="立行立改"),
        item(id="02", problem="党内事项乙：组织生活不规范", status="整改中", audience="党内"),
        item(id="03", problem="已整改事项", status="已完成", completed="2024-04-01"),
    ],
}


def cli(command: str, *args: str):
    """The real CLI in-process, starting like a new process (``speed.forget``: nothing kept in memory, the code
    version read again); the settings it puts in the environment are undone afterwards."""
    speed.forget()
    return CliRunner().invoke(main, [command, "--config", str(CONFIG), *args], env=dict.fromkeys(ENV_KEYS),
                              catch_exceptions=False)


def write_board(root: Path, period: str, branches: dict, **board) -> Path:
    write_yaml(root / "board.yml", {"organization": "测试局党委", "period": period, **board})
    for (stem, name), items in branches.items():
        write_yaml(root / "branches" / f"{stem}.yml", {"name": name, "secretary": f"{name}书记", "rectifications": items})
    return root


def open_keys(branches: dict, period_id: str = "2024", audience: str | None = None) -> set[str]:
    return {f"{period_id}/{stem}/{i['id']}" for (stem, _), items in branches.items() for i in items
            if i["status"] not in FINISHED and (audience is None or i.get("audience", "公开") == audience)}


@pytest.fixture(scope="module")
def years(tmp_path_factory) -> Path:
    """2024 written by hand, 2025 made by ``board new-period``, then one carried item closed."""
    root = tmp_path_factory.mktemp("years")
    write_board(root / "c2024", "2024年度", OLD)
    result = cli("new-period", "--content", str(root / "c2024"), "--as-of", "2025-01-10",
                 "--period", "2025年度", "--out", str(root / "c2025"))
    assert result.exit_code == 0, result.output
    assert f"site-config.yml 里的 docs_dir 和 content_dir 都改为 {root / 'c2025'}" in result.output  # as board init says
    path = root / "c2025" / "branches" / "a.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("status: 整改中\n    progress: 已走访 3 户", "status: 已销号\n    completed: 2025-03-01\n"
                                 "    progress: 已走访 3 户", 1), encoding="utf-8")
    return root


def built(years: Path, audience: str) -> Path:
    site = years / f"site-{audience}"
    if not site.exists():
        result = cli("build", "--content", str(years / "c2025"), "--as-of", "2025-06-01", "--site-dir", str(site),
                     "--audience", audience)
        assert result.exit_code == 0, result.output
    return site


def test_new_period_carries_exactly_the_open_items(years):
    new, problems = load_content(years / "c2025")
    assert new is not None and not [p for p in problems if p.severity.name == "ERROR"]
    assert new.board.period == "2025年度" and new.board.period_id == "2025" and new.previous.board.period_id == "2024"
    carried = {i.carried_from: (b, i) for b in new.branches for i in b.items}
    assert set(carried) == open_keys(OLD)
    old_items = {f"2024/{stem}/{i['id']}": i for (stem, _), items in OLD.items() for i in items}
    for key, (branch, new_item) in carried.items():
        old = old_items[key]
        assert new_item.problem == old["problem"] and new_item.owner == old["owner"]
        assert new_item.audience.label == old.get("audience", "公开")
        if key != "2024/a/05":  # closed in the fixture after carrying
            assert new_item.status.label == old["status"]
        assert branch.evaluation is None
    assert [(b.id, b.name, b.secretary) for b in new.branches] == [(s, n, f"{n}书记") for s, n in OLD]


def test_new_period_report_names_what_it_carried(tmp_path):
    write_board(tmp_path / "old", "2024年度", OLD)
    result = cli("new-period", "--content", str(tmp_path / "old"), "--as-of", "2025-01-10", "--period", "2025年度",
                 "--out", str(tmp_path / "new"))
    assert result.exit_code == 0, result.output
    party = len(open_keys(OLD, audience="党内"))
    assert f"结转未完成事项 {len(open_keys(OLD))} 项，其中党内事项 {party} 项" in result.output
    assert "第二党支部（b）：结转 2 项：01（未开始）、02（整改中）" in result.output


def test_new_period_never_writes_over_anything(tmp_path, years):
    old = write_board(tmp_path / "old", "2024年度", OLD)
    before = {p: p.read_bytes() for p in old.rglob("*") if p.is_file()}
    taken = tmp_path / "taken"
    (taken / "keep.txt").parent.mkdir()
    (taken / "keep.txt").write_text("原有文件", encoding="utf-8")
    for out, reason in ((taken, "里已有别的文件"), (old, "会覆盖或包含"), (old / "branches", "里面"), (tmp_path, "会覆盖或包含"),
                        (CONFIG.parent, "会覆盖或包含"), (years / "c2024" / "next", "2024年度的内容文件夹")):
        source = years / "c2025" if reason.startswith("2024") else old
        result = cli("new-period", "--content", str(source), "--period", "2026年度", "--out", str(out))
        assert result.exit_code == 1 and reason in result.output, (out, result.output)
    assert (taken / "keep.txt").read_text(encoding="utf-8") == "原有文件" and not (years / "c2024" / "next").exists()
    assert {p: p.read_bytes() for p in old.rglob("*") if p.is_file()} == before
    result = cli("new-period", "--content", str(old), "--period", "2024年度", "--out", str(tmp_path / "same"))
    assert result.exit_code == 1 and "年度简称 2024 已被现有年度使用" in result.output
    assert not (tmp_path / "same").exists()


def test_archive_is_complete_read_only_and_switchable(years):
    site = built(years, "public")
    archive = site / "archive" / "2024"
    for stem, _ in OLD:
        page = read_html(archive / "branches" / stem / "index.html")
        assert "历史归档 · 2024年度" in "".join(page.text)
    for page in ("index.html", "ledger/index.html"):
        assert "历史归档 · 2024年度" in "".join(read_html(archive / page).text)
    current = [site / "index.html", site / "ledger" / "index.html", site / "changes" / "index.html",
               *(site / "branches" / stem / "index.html" for stem, _ in OLD)]
    archived = [archive / "index.html", archive / "ledger" / "index.html",
                *(archive / "branches" / stem / "index.html" for stem, _ in OLD)]
    for page in current + archived:
        links = [a for tag, a in read_html(page).tags if tag == "a" and "board-periods__link" in a.get("class", "")]
        assert len(links) == 1, page  # the one other period
        assert resolve(page, links[0]["href"]).is_file(), (page, links[0]["href"])
    for page in current:
        assert "历史归档" not in "".join(read_html(page).text)
    summary = json.loads((site / "data" / "summary.json").read_text(encoding="utf-8"))
    assert summary["period"] == "2025年度" and summary["previous"] == "2024"


def resolve(page: Path, href: str) -> Path:
    target = (page.parent / urldefrag(href).url).resolve()
    return target / "index.html" if target.is_dir() else target


def anchors(page: Path) -> set[str]:
    return {a["id"] for _, a in read_html(page).tags if "id" in a}


def cross_links(page: Path, folder: str) -> list[tuple[Path, str]]:
    """(target page, fragment) of every link from ``page`` to an item (``#item-…``) on a page under ``folder``."""
    found = []
    for tag, attrs in read_html(page).tags:
        href = attrs.get("href", "")
        if tag == "a" and "#item-" in href:
            target = resolve(page, href)
            if folder in target.as_posix():
                found.append((target, urldefrag(href).fragment))
    return found


@pytest.mark.parametrize("audience", ["public", "party"])
def test_carried_items_link_to_their_origin_and_back(years, audience):
    site = built(years, audience)
    shown = open_keys(OLD) if audience == "party" else open_keys(OLD, audience="公开")
    # Rows are anchored by the 序号 the audience reads: the public one numbers the items it shows 01, 02 …
    public = {f"2024/{stem}/{i['id']}": f"2024/{stem}/{n:02d}" for (stem, _), items in OLD.items()
              for n, i in enumerate([i for i in items if i.get("audience", "公开") == "公开"], start=1)}
    shown = shown if audience == "party" else {public[key] for key in shown}
    origins, backs = set(), set()
    for stem, _ in OLD:
        for target, fragment in cross_links(site / "branches" / stem / "index.html", "/archive/2024/branches/"):
            assert fragment in anchors(target)
            origins.add(f"2024/{target.parent.name}/{fragment.removeprefix('item-')}")
        archived = site / "archive" / "2024" / "branches" / stem / "index.html"
        for target, fragment in cross_links(archived, f"{site.name}/branches/"):
            assert fragment in anchors(target) and "/archive/" not in target.as_posix()
            backs.add((target.parent.name, fragment))
    assert origins == shown and len(backs) == len(shown)
    text = (site / "branches" / "a" / "index.html").read_text(encoding="utf-8")
    assert "2024年度 结转" in text and "上年度结转事项" in text
    assert "已结转至 2025年度" in (site / "archive" / "2024" / "branches" / "a" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("audience", ["public", "party"])
def test_carried_figures_in_summary_for_each_audience(years, audience):
    site = built(years, audience)
    summary = json.loads((site / "data" / "summary.json").read_text(encoding="utf-8"))
    keys = open_keys(OLD) if audience == "party" else open_keys(OLD, audience="公开")
    closed = {"2024/a/05"} & keys  # closed in the fixture
    assert summary["carried"] == {"total": len(keys), "done": 0, "closed": len(closed), "open": len(keys) - len(closed)}
    assert sum(b["carried"]["total"] for b in summary["branches"]) == len(keys)
    overview = "".join(read_html(site / "index.html").text)
    assert f"2024年度结转事项 {len(keys)} 项" in overview and "上年度整改落实情况" in overview


def test_party_only_items_carried_stay_party_only(years):
    public, party = built(years, "public"), built(years, "party")
    secrets = [i["problem"] for items in OLD.values() for i in items if i.get("audience") == "党内"]
    for path in public.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json"):
            text = path.read_text(encoding="utf-8")
            assert not any(s in text for s in secrets), path
    party_text = (party / "branches" / "a" / "index.html").read_text(encoding="utf-8")
    assert "党内事项甲" in party_text
    assert "党内事项甲" in (party / "archive" / "2024" / "branches" / "a" / "index.html").read_text(encoding="utf-8")


def test_screen_and_print_show_the_carry_over_line(years):
    site = built(years, "public")
    index = json.loads((site / "data" / "screen" / "index.json").read_text(encoding="utf-8"))
    keys = open_keys(OLD, audience="公开")
    assert index["overview"]["carried"]["total"] == len(keys)
    assert index["overview"]["carried_line"].startswith(f"2024年度结转事项 {len(keys)} 项")
    assert f"上年度整改落实情况：2024年度结转事项 {len(keys)} 项" in "".join(read_html(site / "print" / "index.html").text)


def test_a_forgotten_open_item_is_a_warning_naming_it(tmp_path):
    old = write_board(tmp_path / "old", "2024年度", OLD)
    write_board(tmp_path / "new", "2025年度", {("a", "第一党支部"): [item(carried_from="2024/a/01")]}, previous="../old")
    result = cli("check", "--content", str(tmp_path / "new"), "--as-of", "2025-01-10")
    assert result.exit_code == 0, result.output
    warned = set(re.findall(r"上年度事项未结转：(\S+?)“", result.output))
    assert warned == open_keys(OLD) - {"2024/a/01"}
    assert f"{display_path(old / 'branches' / 'b.yml')}:" in result.output


def check_fails(content: Path, *expected: str) -> str:
    site = content.parent / "site"
    result = cli("build", "--content", str(content), "--as-of", "2025-01-10", "--site-dir", str(site))
    assert result.exit_code == 1, result.output
    for text in expected:
        assert text in result.output, result.output
    assert not site.exists()
    return result.output


def test_broken_links_between_periods_are_file_line_errors(tmp_path):
    write_board(tmp_path / "old", "2024年度", OLD)
    new = write_board(tmp_path / "new", "2025年度", {("a", "第一党支部"): [item(carried_from="2024/a/09")]},
                      previous="../nowhere")
    check_fails(new, "new/board.yml:3: previous（上年度内容）“../nowhere”：这个文件夹不存在")
    write_board(new, "2025年度", {("a", "第一党支部"): [item(carried_from="2024/a/09"), item(id="02", carried_from="2023/a/01"),
                                                        item(id="03", carried_from="乱写")]}, previous="../old")
    out = check_fails(new, "a.yml:11: carried_from（结转自）“2024/a/09”：2024年度的支部 a 没有序号为“09”的事项",
                      "a.yml:19: carried_from（结转自）“2023/a/01”：上年度是 2024（2024年度），不是 2023",
                      "a.yml:27: carried_from（结转自）“乱写”应写成“年度简称/支部文件名/序号”")
    assert "Traceback" not in out


def test_a_cycle_of_previous_links_is_an_error(tmp_path):
    write_board(tmp_path / "old", "2024年度", {("a", "第一党支部"): [item()]}, previous="../new")
    new = write_board(tmp_path / "new", "2025年度", {("a", "第一党支部"): [item()]}, previous="../old")
    check_fails(new, "上年度链接形成了循环", "old/board.yml:3:", "new/board.yml:3:")
    write_board(new, "2025年度", {("a", "第一党支部"): [item()]}, previous=".")
    check_fails(new, "new/board.yml:3: previous（上年度内容）“.”：上年度链接形成了循环")


def test_a_previous_board_with_errors_is_refused(tmp_path):
    write_board(tmp_path / "old", "2024年度", {("a", "第一党支部"): [item(owner="")]})
    new = write_board(tmp_path / "new", "2025年度", {("a", "第一党支部"): [item()]}, previous="../old")
    check_fails(new, "old/branches/a.yml", "owner（责任人）不能为空", "new/board.yml:3: previous（上年度内容）“../old”里的内容有错误")


def test_archived_pages_are_reused_byte_for_byte_and_kept_per_audience(years, tmp_path, monkeypatch):
    monkeypatch.setenv("BOARD_CACHE_DIR", str(tmp_path / "cache"))  # empty: nothing kept from other tests
    content = years / "c2025"
    outputs = {}
    for name, audience in (("party", "party"), ("first", "public"), ("second", "public")):
        args = ("--content", str(content), "--as-of", "2025-06-01", "--site-dir", str(tmp_path / name), "--audience", audience)
        if name == "second":  # another process (another hash seed) finds what the first one kept
            result = board_cli("build", "--config", str(CONFIG), *args)
            assert result.code == 0, result.err
            outputs[name] = result.out
        else:
            result = cli("build", *args)
            assert result.exit_code == 0, result.output
            outputs[name] = result.output
    assert "沿用上次生成的页面" not in outputs["first"]  # a party build's archive is never used for the public
    assert "其中 2024年度 沿用上次生成的页面" in outputs["second"]
    first = {p.relative_to(tmp_path / "first"): p.read_bytes() for p in (tmp_path / "first").rglob("*") if p.is_file()}
    second = {p.relative_to(tmp_path / "second"): p.read_bytes() for p in (tmp_path / "second").rglob("*") if p.is_file()}
    assert first == second
    # a change to the archived period (or to what the next period carries) builds it again
    old_a = years / "c2024" / "branches" / "a.yml"
    saved = old_a.read_bytes()
    try:
        old_a.write_text(saved.decode("utf-8").replace("会议记录不全", "会议记录不全（已补记）"), encoding="utf-8")
        result = cli("build", "--content", str(content), "--as-of", "2025-06-01", "--site-dir", str(tmp_path / "third"))
        assert result.exit_code == 0 and "沿用" not in result.output, result.output
        assert "已补记" in (tmp_path / "third" / "archive" / "2024" / "branches" / "a" / "index.html").read_text(encoding="utf-8")
    finally:
        old_a.write_bytes(saved)


def test_export_and_import_keep_carried_from(years, tmp_path):
    content = tmp_path / "c2025"
    shutil.copytree(years / "c2025", content)
    (content / "board.yml").write_text((content / "board.yml").read_text(encoding="utf-8").replace(
        "previous: ../c2024", f"previous: {years / 'c2024'}"), encoding="utf-8")
    before, _ = load_content(content)
    out = tmp_path / "台账.xlsx"
    result = cli("export", "--content", str(content), "--as-of", "2025-06-01", str(out))
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    assert "结转自" in [c.value for c in load_workbook(out)["第一党支部"][3]]
    for stem, _ in OLD:
        result = cli("import", "--content", str(content), "--as-of", "2025-06-01", str(out), "--branch", stem)
        assert result.exit_code == 0 and "文件没有改动" in result.output, result.output
    after, _ = load_content(content)
    assert [(i.id, i.carried_from) for b in after.branches for i in b.items] == \
        [(i.id, i.carried_from) for b in before.branches for i in b.items]


def test_the_chain_of_periods_is_walked_once_and_never_loops(years):
    from generator.board.periods import chain

    content, _ = load_content(years / "c2025")
    assert [c.board.period_id for c in chain(content)] == ["2025", "2024"]
    older = dataclasses.replace(content.previous, previous=None)
    newer = dataclasses.replace(content, previous=older)
    object.__setattr__(older, "previous", newer)  # a cycle, which load refuses: still nobody loops on it
    assert [c.board.period_id for c in chain(newer)] == ["2025", "2024"]


def test_item_anchors_are_one_per_item_id():
    from generator.board.periods import item_anchor

    tricky = ["(1", "ʁ", "01", "1", ".28.1", "_28_1", "a.b", "a-b", "a b", "a\u200bb", "（1）", "1)", "1.", ".1"]
    anchors = [item_anchor(i) for i in tricky]
    assert len(set(anchors)) == len(tricky), anchors
    assert item_anchor("01") == "item-01" and all(re.fullmatch(r"item-[A-Za-z0-9_.-]+", a) for a in anchors)
