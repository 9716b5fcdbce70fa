"""Safe by construction (issue 13): audiences never mix, outputs never replace inputs, nothing is lost silently.

Each test is named after what it protects and replays an attack from the issue on a board made here.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import core
from generator.board import changes
from generator.board.pages import LEDGER_PAGE_ROWS
from generator.cli import main
from helpers import (
    AS_OF,
    CONFIG,
    approve_board,
    item,
    needs_chromium,
    open_screen,
    run_clock_until,
    serve_folder,
    tiny_board,
    write_yaml,
)

SECRET = "党内专用的问题文字"


def board(*args: str, cwd: Path | None = None):
    """The real ``board`` command, in this process (the BOARD_ settings it sets are undone afterwards)."""
    reset = {k: None for k in os.environ if k.startswith("BOARD_") and k != "BOARD_CACHE_DIR"}
    reset.update(BOARD_CONTENT=None, BOARD_AUDIENCE=None, BOARD_AS_OF=None, BOARD_SITE_DIR=None, SOURCE_DATE_EPOCH=None)
    old = Path.cwd()
    try:
        if cwd:
            os.chdir(cwd)
        return CliRunner().invoke(main, list(args), env=reset, catch_exceptions=False)
    finally:
        os.chdir(old)


def build(content: Path, site: Path, *extra: str, as_of: str = AS_OF):
    return board("build", "--config", str(CONFIG), "--content", str(content), "--site-dir", str(site),
                 "--as-of", as_of, *extra)


def publish(content: Path, root: Path, *extra: str, as_of: str = AS_OF):
    """Reviewed, approved (test_approval.py tests that gate) and published."""
    approve_board(content, extra[extra.index("--audience") + 1] if "--audience" in extra else "public")
    return board("publish", "--config", str(CONFIG), "--content", str(content), "--to", str(root),
                 "--as-of", as_of, *extra)


def text_of(folder: Path) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*") if p.is_file()
                   and p.suffix in (".html", ".json", ".md", ".xml", ".txt"))


def branch(*items: dict) -> dict:
    return {"first": {"name": "第一党支部", "rectifications": list(items)}}


# ---- 1. audiences never mix ---------------------------------------------------------------------


def test_a_public_build_never_shows_what_a_party_build_left_in_the_same_folder(tmp_path):
    content, site = tmp_path / "c", tmp_path / "site"
    tiny_board(content, branch(item(id="1")))
    assert build(content, site, "--audience", "party").exit_code == 0
    tiny_board(content, branch(item(id="1"), item(id="2", problem=SECRET, audience="党内")))
    assert build(content, site, "--audience", "party").exit_code == 0
    assert SECRET in (site / "changes" / "index.html").read_text(encoding="utf-8")   # the party log lists it
    run = build(content, site)
    assert run.exit_code == 0, run.output
    assert SECRET not in text_of(site)
    assert json.loads((site / "data" / "changes.json").read_text(encoding="utf-8")) == []


def test_an_item_made_party_later_leaves_the_public_change_log(tmp_path):
    content, site = tmp_path / "c", tmp_path / "site"
    tiny_board(content, branch(item(id="1", problem=SECRET)))
    assert build(content, site).exit_code == 0
    tiny_board(content, branch(item(id="1", problem=SECRET, status="已完成", completed="2024-06-01")))
    assert build(content, site).exit_code == 0
    assert SECRET in (site / "changes" / "index.html").read_text(encoding="utf-8")
    tiny_board(content, branch(item(id="1", problem=SECRET, status="已完成", completed="2024-06-01", audience="党内")))
    assert build(content, site).exit_code == 0
    assert SECRET not in text_of(site)
    history = json.loads((site / "data" / "changes.json").read_text(encoding="utf-8"))
    assert history[-1]["counts"]["status"] == 1 and history[-1]["status"] == []   # the count stays, the text goes


def test_one_publish_folder_holds_one_audience_and_releases_say_which(tmp_path):
    content, root = tiny_board(tmp_path / "c", branch(item(problem=SECRET, audience="党内"))), tmp_path / "www"
    assert publish(content, root, "--audience", "party").exit_code == 0
    run = publish(content, root, as_of="2024-07-02")
    assert run.exit_code == 1 and "公开版和党内版请发布到不同目录" in run.output
    assert len(list((root / "releases").iterdir())) == 1
    listing = board("releases", "--to", str(root))
    assert listing.exit_code == 0 and "党内版" in listing.output


# ---- the property: party and public built alternately into one folder ----------------------------


def _texts(n: int, version: int) -> dict:
    return {"problem": f"问题文字{n}版本{version}号", "measures": [f"措施文字{n}版本{version}号"],
            "owner": f"责任人{n}版本{version}号", "progress": f"进展文字{n}版本{version}号"}


EDITS = st.lists(st.tuples(st.sampled_from(["party", "public"]),
                           st.lists(st.tuples(st.integers(0, 4), st.sampled_from(["audience", "status", "text", "drop"])),
                                    max_size=4)),
                 min_size=2, max_size=7)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(EDITS)
def test_no_party_only_text_ever_reaches_a_public_file(tmp_path_factory, steps):
    """Core as the plugin runs it: read what the folder holds, generate, replace the folder."""
    root = tmp_path_factory.mktemp("mix")
    content, site = root / "content", root / "site"
    items = {n: {"id": str(n), "version": 0, "audience": "公开" if n % 2 else "党内", "status": "整改中"}
             for n in range(5)}
    ever_public: set[str] = set()
    for day, (audience, edits) in enumerate(steps, start=1):
        for n, edit in edits:
            entry = items.get(n)
            if entry is None:
                items[n] = {"id": str(n), "version": day, "audience": "党内", "status": "未开始"}
            elif edit == "drop":
                del items[n]
            elif edit == "audience":
                entry["audience"] = "党内" if entry["audience"] == "公开" else "公开"
            elif edit == "status":
                entry["status"] = {"未开始": "整改中", "整改中": "未开始"}[entry["status"]]
            else:
                entry["version"] = day
        tiny_board(content, branch(*[item(id=e["id"], audience=e["audience"], status=e["status"], deadline="2024-12-31",
                                         **_texts(n, e["version"])) for n, e in sorted(items.items())]))
        for stale in (content / "branches").glob("*.yml"):
            if stale.stem != "first":
                stale.unlink()
        options = core.make_options(content, audience=audience, as_of=f"2024-07-{day:02d}", previous=changes.read_previous(site),
                                    ledger_page_rows=LEDGER_PAGE_ROWS)
        generated = core.generate(options)
        assert not generated.checked.errors
        shutil.rmtree(site, ignore_errors=True)
        for path, text in {**generated.pages, **generated.data}.items():
            (site / path).parent.mkdir(parents=True, exist_ok=True)
            (site / path).write_text(text, encoding="utf-8")
        public_now = {t for n, e in items.items() if e["audience"] == "公开" for t in _flat(_texts(n, e["version"]))}
        party_now = {t for n, e in items.items() if e["audience"] == "党内" for t in _flat(_texts(n, e["version"]))}
        if audience == "public":
            ever_public |= public_now
            output = text_of(site)
            leaked = [t for t in party_now - public_now if t in output]
            assert not leaked, f"party text in a public build: {leaked}"


def _flat(texts: dict) -> list[str]:
    return [texts["problem"], texts["owner"], texts["progress"], *texts["measures"]]


# ---- 2. outputs never replace inputs --------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder as a clerk has it: config, theme, content and a .git."""
    root = tmp_path / "proj"
    root.mkdir()
    shutil.copy(CONFIG, root / "site-config.yml")
    shutil.copytree(CONFIG.parent / "theme", root / "theme")
    tiny_board(root / "content")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return root


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("command", [
    ["render", "--out", "content"], ["render", "--out", "."], ["render", "--out", "content/branches"],
    ["render", "--out", "theme"], ["render", "--out", ".."], ["build", "--site-dir", "content/site"],
    ["publish", "--to", "."], ["publish", "--to", "content"], ["pdf", "--out", "content/board.yml"],
    ["export", "site-config.yml"], ["export", "content/branches/first.yml"], ["template", "content/board.yml"],
])
def test_an_output_never_replaces_the_content_config_or_project(project, command):
    before = _files(project)
    run = board(*command, "--as-of", AS_OF, cwd=project) if command[0] != "template" else board(*command, cwd=project)
    assert run.exit_code == 1, run.output
    assert "什么都没有改动" in run.output or "不是" in run.output
    assert _files(project) == before


def test_an_output_folder_holding_other_files_is_not_emptied(project):
    foreign = project / "docs"
    (foreign / "notes").mkdir(parents=True)
    (foreign / "notes" / "plan.txt").write_text("不要删")
    run = board("build", "--site-dir", "docs", "--as-of", AS_OF, cwd=project)
    assert run.exit_code == 1 and "为免误删" in run.output
    assert (foreign / "notes" / "plan.txt").read_text() == "不要删"
    assert board("build", "--site-dir", "site", "--as-of", AS_OF, cwd=project).exit_code == 0
    assert board("build", "--site-dir", "site", "--as-of", AS_OF, cwd=project).exit_code == 0   # ours: replaced


# ---- 7. content is regular files inside content/ ----------------------------------------------------


def test_content_reads_only_regular_files_inside_the_content_folder(tmp_path):
    content = tiny_board(tmp_path / "c")
    outside = write_yaml(tmp_path / "outside.yml", {"name": "外面的文件里的秘密支部"})
    folder = content / "branches"
    (folder / "zero.yml").symlink_to("/dev/zero")
    os.mkfifo(folder / "pipe.yml")
    (folder / "status.yml").symlink_to("/proc/self/status")
    (folder / "away.yml").symlink_to(outside)
    (folder / "again.yml").symlink_to(folder / "first.yml")          # inside: fine
    run = board("check", "--config", str(CONFIG), "--content", str(content), "--as-of", AS_OF)
    assert run.exit_code == 1
    lines = run.output.splitlines()
    assert any("zero.yml: 是指向内容文件夹以外" in line for line in lines)
    assert any("pipe.yml: 不是普通文件" in line for line in lines)
    assert any("status.yml: 是指向内容文件夹以外" in line for line in lines)
    assert any("away.yml: 是指向内容文件夹以外" in line for line in lines)
    assert "VmRSS" not in run.output  # read, not refused: only warned of as the same branch twice
    [again] = [line for line in lines if "again.yml" in line]
    assert "警告：支部名称“第一党支部”与" in again
    assert "发现 4 处错误" in run.output


def test_a_file_that_grows_past_the_cap_is_not_read_whole(tmp_path):
    from generator.content.source import MAX_FILE_BYTES, read_bytes

    big = tmp_path / "big.yml"
    big.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    data, problems = read_bytes(big, "big.yml")
    assert data is None and "文件过大" in problems[0].message


# ---- 9. rollback follows the live history -------------------------------------------------------------


def test_rollback_goes_back_to_what_was_live_before(tmp_path):
    content, root = tiny_board(tmp_path / "c"), tmp_path / "www"

    def live() -> str:
        return json.loads((root / "current" / "data" / "build.json").read_text(encoding="utf-8"))["as_of"]

    for day in ("2024-07-01", "2024-07-02", "2024-07-03"):           # A, B, C
        assert publish(content, root, as_of=day).exit_code == 0
    assert board("rollback", "--to", str(root)).exit_code == 0 and live() == "2024-07-02"   # → B
    assert publish(content, root, as_of="2024-07-04").exit_code == 0                        # D
    assert board("rollback", "--to", str(root)).exit_code == 0 and live() == "2024-07-02"   # → B, not C
    assert board("rollback", "--to", str(root)).exit_code == 0 and live() == "2024-07-01"   # → A
    assert board("rollback", "--to", str(root)).exit_code == 1
    (root / "releases" / "notes").mkdir()                                                   # a stray folder
    listing = board("releases", "--to", str(root))
    assert listing.exit_code == 0 and len(listing.output.splitlines()) == 4
    assert publish(content, root, "--keep", "1", as_of="2024-07-05").exit_code == 0
    assert (root / "releases" / "notes").is_dir()                                           # never pruned


# ---- 10. every error names file and line, in Chinese ---------------------------------------------------


def _check(content: Path, *extra: str):
    return board("check", "--config", str(CONFIG), "--content", str(content), "--as-of", AS_OF, *extra)


def _with_branch_bytes(tmp_path: Path, name: str, data: bytes) -> Path:
    content = tiny_board(tmp_path / name)
    (content / "branches" / "first.yml").write_bytes(data)
    return content


def _lines(n: int) -> list[str]:
    """A valid branch file of ``n`` items (7 lines each after the 2 header lines), Chinese throughout."""
    out = ["name: 第一党支部", "rectifications:"]
    for i in range(n):
        out += [f'  - id: "{i}"', "    problem: 理论学习不够深入", "    measures: [制定学习计划]", "    owner: 张某某",
                "    deadline: 2024-06-30", "    status: 整改中", "    category: 理论学习"]
    return out


@pytest.mark.parametrize("attack, line, words", [
    ("control", 41, "控制字符 U+0007"),
    ("utf8", 26, "无法识别的字节"),
    ("utf16", 0, "UTF-16 编码，但从这一行起不完整"),
    ("digits", 3, "数字太大"),
    ("escapes", 11, "控制字符 U+001B"),
    ("nul", 4, "控制字符 U+0000"),
])
def test_broken_bytes_and_values_are_named_by_file_and_line(tmp_path, attack, line, words):
    lines = _lines(6)
    if attack == "control":
        lines[40] += "\x07"
    elif attack == "digits":
        lines.insert(1, "order: " + "9" * 5000)
        lines.insert(1, "kind: 党支部")
    elif attack == "escapes":
        lines[10] = '    problem: "学习\\e[31m不够"'
    elif attack == "nul":
        lines[3] = '    problem: "\\0学习"'
    data = "\n".join(lines).encode("utf-8")
    if attack == "utf8":
        at = data.index("学习计划".encode(), len("\n".join(lines[:25]).encode()))
        data = data[:at + 1] + data[at + 2:]
    if attack == "utf16":
        data = "\n".join(lines).encode("utf-16")[:-1]
    run = _check(_with_branch_bytes(tmp_path, attack, data))
    assert run.exit_code == 1 and "内部错误" not in run.output and "Traceback" not in run.output
    where = f"first.yml:{line}: " if line else "first.yml:"
    assert any(where in out and words in out for out in run.output.splitlines()), run.output


def test_options_and_leftovers_that_make_no_sense_are_explained(tmp_path):
    content, site, root = tiny_board(tmp_path / "c"), tmp_path / "site", tmp_path / "www"
    far = build(content, site, as_of="9999-12-31")
    assert far.exit_code == 1 and "不在 1970 年到 2099 年之间" in far.output and "内部错误" not in far.output
    assert build(content, site).exit_code == 0
    for damaged in ('{"a": 1}', "[1, 2", '[{"as_of": null, "added": 5}]', '[{"as_of": "2024-01-01", "figures": [3]}]'):
        (site / "data" / "changes.json").write_text(damaged)
        run = build(content, site)
        assert run.exit_code == 0, run.output
    (root / "current").mkdir(parents=True)
    (root / "current").rmdir()
    (root / "current").write_text("不是链接")
    run = publish(content, root)
    assert run.exit_code == 1 and "是普通文件，不是发布用的链接" in run.output


def test_a_huge_csv_cell_is_refused_with_its_row(tmp_path):
    content = tiny_board(tmp_path / "c")
    sheet = tmp_path / "big.csv"
    sheet.write_text("序号,存在问题,整改措施,责任人,整改时限,完成情况\n1," + "长" * 140_000 + ",措施,张,2024-06-30,整改中\n",
                     encoding="utf-8")
    before = _files(content)
    run = board("import", str(sheet), "--branch", "first", "--config", str(CONFIG), "--content", str(content))
    assert run.exit_code == 1 and "big.csv: 第 2 行有一格超过 128 KB" in run.output
    assert _files(content) == before


# ---- 11. names and terminal output ------------------------------------------------------------------


def test_a_file_or_branch_name_with_a_line_break_is_refused(tmp_path):
    content = tiny_board(tmp_path / "c")
    shutil.copy(content / "branches" / "first.yml", content / "branches" / "evil\n.yml")
    run = _check(content)
    assert run.exit_code == 1 and "evil\\n.yml" in run.output and "evil\n" not in run.output
    os.unlink(content / "branches" / "evil\n.yml")
    sheet = tmp_path / "s.csv"
    sheet.write_text("序号,存在问题,整改措施,责任人,整改时限,完成情况\n1,问题,措施,张,2024-06-30,整改中\n", encoding="utf-8")
    run = board("import", str(sheet), "--branch", "x\n", "--name", "新支部", "--config", str(CONFIG),
                "--content", str(content))
    assert run.exit_code == 1 and "不能用作网址" in run.output
    assert sorted(p.name for p in (content / "branches").iterdir()) == ["first.yml"]


def test_terminal_escape_sequences_from_a_sheet_are_never_echoed_raw(tmp_path):
    content = tiny_board(tmp_path / "c")
    sheet = tmp_path / "s.csv"
    sheet.write_text("序号,存在问题,整改措施,责任人,整改时限,完成情况\n1,问题,措施,张,2024-06-30,\x1b]0;owned\x07完了\n",
                     encoding="utf-8")
    run = board("import", str(sheet), "--branch", "first", "--config", str(CONFIG), "--content", str(content))
    assert run.exit_code == 1 and "\x1b" not in run.output and "\x07" not in run.output
    assert "s!F2: 文字里有不可见的控制字符 U+001B" in run.output                    # refused, by cell
    sheet.write_text("序号,存在问题,整改措施,责任人,整改时限,完成情况\n01,\u202e问题倒过来,措施,张,2024-06-30,整改中\n",
                     encoding="utf-8")
    run = board("import", str(sheet), "--branch", "first", "--config", str(CONFIG), "--content", str(content),
                "--as-of", AS_OF, "--yes")
    assert run.exit_code == 0 and "\u202e" not in run.output and "\\u202e问题倒过来" in run.output  # shown, not obeyed


# ---- 6. the lobby screen keeps going -------------------------------------------------------------------


def test_a_huge_branch_gives_the_screen_a_few_slides_of_its_most_urgent_items(tmp_path):
    from generator.board.figures import compute
    from generator.board.screen import ITEMS_SHOWN, ScreenSettings, screen_files
    from generator.content.load import load_content
    from generator.content.model import Audience

    many = [item(id=str(n), deadline="2024-01-01" if n % 50 == 7 else "2024-12-31",
                 status="已完成" if n % 2 else "整改中", completed="2024-05-01") for n in range(2000)]
    for entry in many:
        if entry["status"] == "整改中":
            del entry["completed"]
    content, _ = load_content(tiny_board(tmp_path / "c", branch(*many)))
    files = screen_files(compute(content, Audience.PUBLIC, core.make_options(tmp_path / "c", as_of=AS_OF).as_of),
                         ScreenSettings(), "b")
    data = json.loads(files["data/screen/branches/first.json"])
    overdue = sum(1 for i in many if i["deadline"] == "2024-01-01" and i["status"] == "整改中")
    assert data["counts"]["total"] == 2000 and len(data["items"]) == ITEMS_SHOWN
    assert sum(i["overdue"] for i in data["items"]) == min(overdue, ITEMS_SHOWN)
    assert all(i["status"] == "in_progress" for i in data["items"])        # open items before finished ones
    ids = [int(i["id"]) for i in data["items"]]
    assert ids == sorted(ids)                                               # in list order


@needs_chromium
def test_the_screen_survives_files_of_the_wrong_shape_and_recovers(browser, tmp_path):
    site = tmp_path / "site"
    content = tiny_board(tmp_path / "c", {"a": {"name": "甲党支部", "rectifications": [item()]},
                                          "b": {"name": "乙党支部", "rectifications": [item()]}})
    assert build(content, site).exit_code == 0
    index = site / "data" / "screen" / "index.json"
    good = index.read_text(encoding="utf-8")
    index.write_text("{}", encoding="utf-8")                       # at start-up: not a board's index
    server = serve_folder(site)
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    current = "document.querySelector('.slide.is-current') && document.querySelector('.slide.is-current').dataset.slide"
    asked: list[str] = []
    page.on("requestfinished", lambda r: asked.append(r.url))

    def indexes() -> int:
        return sum(u.endswith("/data/screen/index.json") for u in asked)

    try:
        open_screen(page, f"http://127.0.0.1:{server.server_port}/screen/?seconds=1&refresh=5")
        run_clock_until(page, lambda: indexes() >= 3, 1000)
        assert page.evaluate(current) == "loading"                 # asked three times, refused each answer
        index.write_text(good, encoding="utf-8")
        run_clock_until(page, f"({current}) !== 'loading'", 1000)
        index.write_text('{"build":"new"}', encoding="utf-8")      # mid-run: the wrong shape
        (site / "data" / "screen" / "branches" / "a.json").write_text('{"items": 5}', encoding="utf-8")
        polls = indexes()
        run_clock_until(page, lambda: indexes() > polls, 1000)           # the next poll (every 5 s) read it
        page.evaluate("window.shown = []; new MutationObserver(() => window.shown.push("
                      "document.querySelector('.slide.is-current').dataset.slide))"
                      ".observe(document.getElementById('screen-stage'), {childList: true})")
        run_clock_until(page, "new Set(window.shown).size >= 2", 1000)   # still rotating after the poll
        index.write_text(good.replace("测试局党委", "恢复以后的单位").replace('"build":"', '"build":"x'), encoding="utf-8")
        run_clock_until(page, "document.getElementById('screen-org').textContent === '恢复以后的单位'", 1000)
        assert errors == []
    finally:
        page.close()
        server.shutdown()
        server.server_close()


# ---- 3. exports hold text, never formulas ----------------------------------------------------------


def _import(sheet: Path, content: Path, *extra: str):
    return board("import", str(sheet), "--branch", "first", "--config", str(CONFIG), "--content", str(content),
                 "--as-of", AS_OF, *extra)


def _csv(path: Path, *rows: list[str]) -> Path:
    import csv

    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    return path


HEAD = ["序号", "存在问题", "整改措施", "责任人", "整改时限", "完成情况"]


def test_formula_like_text_is_exported_as_text_and_imports_back_exactly(tmp_path):
    import zipfile

    from openpyxl import load_workbook

    formula = '=HYPERLINK("http://example.invalid","点这里")'
    texts = [formula, "+86 0000", "-负号开头", "@提及"]
    content = tiny_board(tmp_path / "c", branch(*[item(id=str(n), problem=t, owner=t) for n, t in enumerate(texts, 1)]),
                         organization="=1+1单位")
    before = _files(content)
    out = tmp_path / "导出.xlsx"
    assert board("export", str(out), "--config", str(CONFIG), "--content", str(content), "--as-of", AS_OF).exit_code == 0
    with zipfile.ZipFile(out) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in sheet for sheet in sheets)             # no live formula anywhere
    book = load_workbook(out)
    ledger = book["整改台账"]
    shown = {c.value: c.quotePrefix for row in ledger.iter_rows() for c in row if c.value in texts}
    assert set(shown) == set(texts) and all(shown.values())               # text, with Excel's quote prefix
    run = _import(out, content, "--sheet", "第一党支部")
    assert run.exit_code == 0, run.output
    assert _files(content) == before                                        # re-import: the same file, byte for byte


# ---- 4. imports never lose data silently ----------------------------------------------------------------


def test_an_import_shows_its_preview_and_writes_only_when_confirmed(tmp_path):
    content = tiny_board(tmp_path / "c", branch(item(id="1"), item(id="2"), item(id="3")))
    before = _files(content)
    blank = tmp_path / "模板.xlsx"
    assert board("template", str(blank)).exit_code == 0
    for yes in ((), ("--yes",)):                                              # a blank template is no list at all
        run = _import(blank, content, *yes)
        assert run.exit_code == 1 and "没有任何整改事项" in run.output and "删除" not in run.output.replace("删除全部", "")
        assert _files(content) == before
    one = _csv(tmp_path / "one.csv", HEAD, ["1", "理论学习不够深入", "制定学习计划", "李某某", "2024-06-30", "整改中"])
    run = _import(one, content)                                             # no terminal, no --yes: preview only
    assert run.exit_code == 1 and "删除 2" in run.output and "    责任人：张某某 → 李某某" in run.output
    assert "以上是预览，没有写入任何文件" in run.output and "--yes" in run.output
    assert _files(content) == before
    run = _import(one, content, "--yes")
    assert run.exit_code == 0, run.output
    assert "id: \"2\"" not in (content / "branches" / "first.yml").read_text(encoding="utf-8")


def test_an_import_never_turns_a_party_item_public_unasked(tmp_path):
    content = tiny_board(tmp_path / "c", branch(item(id="1"), item(id="2", problem=SECRET, audience="党内")))
    rows = [["1", "理论学习不够深入", "制定学习计划", "张某某", "2024-06-30", "已完成"],
            ["2", SECRET, "制定学习计划", "张某某", "2024-06-30", "整改中"]]
    for row in rows:
        row.append("2024-06-01" if row[5] == "已完成" else "")
    no_column = _csv(tmp_path / "no-column.csv", [*HEAD, "完成时间"], *rows)   # no 公开范围 column at all
    run = _import(no_column, content, "--yes")
    assert run.exit_code == 0, run.output
    assert "原有事项保持原来的公开范围" in run.output
    site = tmp_path / "site"
    assert build(content, site).exit_code == 0
    assert SECRET not in text_of(site)
    before = _files(content)
    for header, value in (("是否公开", "否（仅党内）"), ("公开情况", "不公开")):          # a column we do not read
        unknown = _csv(tmp_path / "unknown.csv", [*HEAD, "完成时间", header], *[[*r, value] for r in rows])
        run = _import(unknown, content)
        assert run.exit_code == 1 and f"unknown!H1: 不认识的列“{header}”" in run.output
        assert _files(content) == before
    public = _csv(tmp_path / "public.csv", [*HEAD, "完成时间", "公开范围"], *[[*r, "公开"] for r in rows])
    run = _import(public, content)
    assert run.exit_code == 1 and "！公开范围改变：事项 2 从“党内”改为“公开”" in run.output and _files(content) == before


# ---- 5. writes keep the file's mode ------------------------------------------------------------------------


def test_an_import_keeps_the_branch_file_readable_by_the_publishing_user(tmp_path):
    content = tiny_board(tmp_path / "c", branch(item(id="1")))
    path = content / "branches" / "first.yml"
    path.chmod(0o664)
    sheet = _csv(tmp_path / "s.csv", HEAD, ["1", "理论学习不够深入", "制定学习计划", "李某某", "2024-06-30", "整改中"])
    assert _import(sheet, content, "--yes").exit_code == 0
    assert "李某某" in path.read_text(encoding="utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == 0o664
    out = tmp_path / "导出.xlsx"
    out.write_bytes(b"PK\x03\x04")
    out.chmod(0o640)
    assert board("export", str(out), "--config", str(CONFIG), "--content", str(content), "--as-of", AS_OF).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640 and out.stat().st_size > 1000


# ---- 8. spreadsheet limits, checked before the work they bound ---------------------------------------------


def test_a_sheet_past_the_row_limit_is_refused_not_cut(tmp_path):
    from generator.office.sheets import MAX_ROWS

    content = tiny_board(tmp_path / "c")
    before = _files(content)
    rows = [[str(n), f"问题{n}", "措施", "张某某", "2024-06-30", "整改中"] for n in range(MAX_ROWS + 5)]
    run = _import(_csv(tmp_path / "many.csv", HEAD, *rows), content)
    assert run.exit_code == 1 and f"超过上限 {MAX_ROWS} 行" in run.output and _files(content) == before


def test_a_workbook_that_inflates_past_the_limit_is_refused_before_loading(tmp_path):
    import time
    import zipfile

    from generator.office.sheets import MAX_INFLATED_BYTES

    content = tiny_board(tmp_path / "c")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (MAX_INFLATED_BYTES + 1))
    assert bomb.stat().st_size < MAX_INFLATED_BYTES // 100
    started = time.monotonic()
    run = _import(bomb, content)
    assert run.exit_code == 1 and "工作簿解压后有" in run.output and "最多 40.0 MB" in run.output
    assert time.monotonic() - started < 30                                   # refused, not parsed


def test_a_huge_file_or_cell_is_refused_with_its_place(tmp_path):
    from openpyxl import Workbook

    from generator.office.sheets import MAX_CELL_CHARS, MAX_FILE_BYTES

    content = tiny_board(tmp_path / "c")
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as out:
        out.truncate(MAX_FILE_BYTES + 1)                                        # sparse: no disk used
    run = _import(huge, content)
    assert run.exit_code == 1 and "文件太大" in run.output
    book = Workbook()
    sheet = book.active
    sheet.title = "清单"
    sheet.append(HEAD)
    sheet.append(["1", "长" * (MAX_CELL_CHARS + 1), "措施", "张某某", "2024-06-30", "整改中"])
    book.save(tmp_path / "cell.xlsx")
    run = _import(tmp_path / "cell.xlsx", content)
    assert run.exit_code == 1 and f"清单!B2: 这一格有 {MAX_CELL_CHARS + 1} 个字" in run.output
