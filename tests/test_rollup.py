"""``board rollup``: three boards (one built and approved, one as a summary file, one over http) rolled up
into a site and 汇总表.xlsx whose totals are the sums of their summaries; bad sources refused with nothing written."""

from __future__ import annotations

import contextlib
import html.parser
import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from generator import core
from generator.board.checks import DEFAULT_EXCELLENT_CEILING
from generator.board.figures import grade_shares, rate
from generator.content.schema import COUNTS, GRADES, ITEM_COUNTS
from generator.upward import rollup as rolled
from generator.upward.sources import SourceError, locate, parse
from helpers import AS_OF, REPO, board, read_html, serve_folder, write_yaml


def _content(root: Path, organization: str, grades: tuple[int, int, int, int], members: int, participants: int,
             overdue: int, done: int, period: str = "2023年度") -> Path:
    """A board of two branches (the second temporary, not evaluated) with ``overdue`` overdue and ``done`` done items."""
    excellent, qualified, basic, unqualified = grades
    evaluation = {"members": members, "probationary": 1, "participants": participants, "rated": sum(grades),
                  "excellent": excellent, "qualified": qualified, "basic": basic, "unqualified": unqualified, "opinions": 5}
    items = [{"id": f"{n:02d}", "problem": f"{organization}问题{n}", "measures": ["改"], "owner": "张某",
              "deadline": f"2024-0{1 + n % 5}-1{n % 9}", "status": "整改中"} for n in range(overdue)]
    items += [{"id": f"d{n}", "problem": "已改", "measures": ["改"], "owner": "李某", "deadline": "2024-12-31",
               "status": "已完成", "completed": "2024-06-01"} for n in range(done)]
    items.append({"id": "p1", "problem": "党内事项", "measures": ["改"], "owner": "王某", "deadline": "2024-01-01",
                  "status": "未开始", "audience": "党内"})
    write_yaml(root / "board.yml", {"organization": organization, "period": period})
    write_yaml(root / "branches" / "a.yml", {"name": "第一党支部", "evaluation": evaluation, "rectifications": items})
    write_yaml(root / "branches" / "t.yml", {"name": "临时党支部", "kind": "临时党支部"})
    return root


def _summary_folder(content: Path, folder: Path, audience: str = "public", site_url: str | None = None) -> Path:
    """A board's data files (``data/summary.json`` …) as its build writes them, without building the pages."""
    site = core.generate(core.make_options(content, audience=audience, as_of=AS_OF, site_url=site_url))
    for path, text in site.data.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text, encoding="utf-8")
    return folder


@contextlib.contextmanager
def serving(folder: Path):
    """``folder`` served on 127.0.0.1 by a real http.server while the block runs; yields its address."""
    server = serve_folder(folder)
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _Page(html.parser.HTMLParser):
    def __init__(self, path: Path) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """Bureau 甲 built and approved (its folder), 乙 as a summary file, 丙 over http; one public roll-up of them."""
    root = tmp_path_factory.mktemp("city")
    a = _content(root / "a-content", "甲局党委", (5, 20, 0, 0), 26, 26, overdue=1, done=12)
    for step in ("review", "approve"):
        assert board(step, "--content", str(a), "--by", "审批人").code == 0
    built = board("build", "--content", str(a), "--site-dir", str(root / "甲局网站"), "--as-of", AS_OF)
    assert built.code == 0, built.err
    b = _summary_folder(_content(root / "b-content", "乙局党委", (8, 11, 1, 0), 24, 21, overdue=0, done=3),
                        root / "乙局网站")
    c = _summary_folder(_content(root / "c-content", "丙局党委", (2, 7, 0, 1), 11, 11, overdue=6, done=2),
                        root / "丙局网站")
    with serving(c) as url:
        result = board("rollup", str(root / "甲局网站"), str(b / "data" / "summary.json"), url,
                           "--out", str(root / "汇总"), "--title", "某市直机关工委")
        assert result.code == 0, result.err
        yield {"root": root, "out": root / "汇总", "url": url, "stdout": result.out,
               "summaries": [json.loads((site / "data" / "summary.json").read_text(encoding="utf-8"))
                             for site in (root / "甲局网站", b, c)], "contents": (a, root / "b-content", root / "c-content")}


def _sum(summaries: list[dict], key: str) -> int:
    return sum(s["totals"][key] for s in summaries)


def test_totals_are_the_sums_of_the_summaries(city):
    data = json.loads((city["out"] / "data" / "rollup.json").read_text(encoding="utf-8"))
    summaries, totals = city["summaries"], data["totals"]
    assert totals["bureaus"] == 3 and data["period"] == "2023年度" and data["audience"] == "public"
    for key in ("branches", "temporary_branches", *COUNTS, "opinions"):
        assert totals[key] == _sum(summaries, key), key
    assert totals["rectifications"] == {k: sum(s["totals"]["rectifications"][k] for s in summaries) for k in ITEM_COUNTS}
    assert totals["participation_rate"] == rate(_sum(summaries, "participants"), _sum(summaries, "members"))
    assert totals["shares"] == grade_shares({g: _sum(summaries, g) for g in GRADES})


def test_xlsx_has_a_row_per_bureau_and_a_total_row(city):
    sheet = openpyxl.load_workbook(city["out"] / "汇总表.xlsx").active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "某市直机关工委2023年度民主评议党员情况汇总表"
    header = rows[1]
    by_name = [dict(zip(header, row, strict=True)) for row in rows[2:]]
    assert [r["单位"] for r in by_name] == ["甲局党委", "乙局党委", "丙局党委", "3 个单位"] and by_name[-1]["序号"] == "合计"
    summaries = city["summaries"]
    for row, summary in zip(by_name, [*summaries, None], strict=True):
        of = [summary] if summary else summaries
        assert (row["党员总数"], row["参加评议"], row["参加组织评定"]) == tuple(
            _sum(of, k) for k in ("members", "participants", "rated"))
        assert (row["优秀"], row["合格"], row["基本合格"], row["不合格"]) == tuple(_sum(of, g) for g in GRADES)
        assert row["参评率"] == rate(_sum(of, "participants"), _sum(of, "members"))
        assert row["预备党员"] + row["正式党员"] == row["党员总数"] and row["党支部"] == _sum(of, "branches")
    shares = [v for h, v in zip(header, rows[-1], strict=True) if h == "占比"]
    assert shares == [grade_shares({g: _sum(summaries, g) for g in GRADES})[g] for g in GRADES]


def test_page_lists_each_bureau_with_its_link_and_its_flags(city):
    out = city["out"]
    page = _Page(out / "index.html")
    text = "".join(page.text)
    links = {attrs.get("href") for tag, attrs in page.tags if tag == "a"}
    assert "../甲局网站/index.html" in {_unquote(h) for h in links if h}  # a folder: a relative link to its board
    assert (out / "../甲局网站/index.html").resolve().is_file()
    assert city["url"] in links and "汇总表.xlsx" in links
    rows = {row.split("</td>")[0]: row for row in re.findall(r"<tr[^>]*>\s*<td[^>]*>(.*?)</tr>",
                                                               (out / "index.html").read_text(encoding="utf-8"), re.S)}
    flags_of = {re.sub("<[^>]+>", "", key): re.findall(r'class="board-flag">([^<]*)<', row) for key, row in rows.items()}
    assert flags_of["甲局党委"] == []
    ceiling = f"{DEFAULT_EXCELLENT_CEILING:.1f}%"  # the board's own rule (checks), whatever it is set to
    assert flags_of["乙局党委"] == [f"优秀比例 40.0%，高于 {ceiling}", "参与率 87.5%，低于 95%", "未经审核审批"]
    assert flags_of["丙局党委"] == ["逾期 6 项（占整改事项 75.0%）", "未经审核审批"]
    assert "已审批（审批人）" in text and "党内" not in text
    assert "有提示的单位" in text


def test_ledger_lists_the_most_overdue_public_items_first(city):
    page = _Page(city["out"] / "ledger" / "index.html")
    text = "".join(page.text)
    assert "党内事项" not in text  # 党内 items never leave their bureau
    problems = re.findall(r"(丙局党委问题\d|甲局党委问题\d)", text)
    assert len(problems) == 7
    days = [int(d) for d in re.findall(r"(\d+) 天", text)]
    assert days == sorted(days, reverse=True) and len(days) == 7


def test_the_site_is_offline(city):
    for page in city["out"].rglob("*.html"):
        for tag, attrs in _Page(page).tags:
            for name in ("src", "href", "srcset", "data-src"):
                value = attrs.get(name) or ""
                if re.match(r"^(https?:)?//", value, re.I):  # only the link to the board served over http
                    assert tag == "a" and name == "href" and value == city["url"], (page, tag, attrs)
    for css in city["out"].rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css.read_text(encoding="utf-8")), css


def test_a_board_that_says_where_it_is_published_is_linked_there(city, tmp_path):
    """A folder's relative link works only while both folders keep their places; the board's own address anywhere."""
    assert [s["site_url"] for s in city["summaries"]] == [None] * 3                  # no address set: null
    _, b, c = city["contents"]
    there = _summary_folder(b, tmp_path / "乙局网站", site_url="https://dj.example.gov.cn/乙局/")
    assert json.loads((there / "data" / "summary.json").read_text(encoding="utf-8"))["site_url"] == \
        "https://dj.example.gov.cn/乙局/"
    odd = _summary_folder(c, tmp_path / "丙局网站")
    summary = json.loads((odd / "data" / "summary.json").read_text(encoding="utf-8"))
    (odd / "data" / "summary.json").write_text(json.dumps({**summary, "site_url": "javascript:alert(1)"}), encoding="utf-8")
    result = board("rollup", str(there), str(odd), "--out", str(tmp_path / "汇总"))
    assert result.code == 0, result.err
    links = {attrs.get("href") for tag, attrs in _Page(tmp_path / "汇总" / "index.html").tags if tag == "a"}
    assert "https://dj.example.gov.cn/乙局/" in links                                   # as the bureau gave it
    assert "../丙局网站/index.html" in {_unquote(h) for h in links if h}                 # not an address: the folder
    assert not any("javascript" in (h or "") for h in links)


def _unquote(href: str) -> str:
    from urllib.parse import unquote

    return unquote(href)


def _refused(args: list[str], out: Path, *said: str) -> None:
    result = board("rollup", *args, "--out", str(out))
    assert result.code == 1, result.out
    for words in said:
        assert words in result.err, (words, result.err)
    assert "Traceback" not in result.err and not out.exists()


def test_bad_sources_are_refused_and_nothing_is_written(city, tmp_path):
    root, out = city["root"], tmp_path / "汇总"
    good = str(root / "甲局网站")
    party = _summary_folder(city["contents"][1], tmp_path / "乙局党内", "party")
    (tmp_path / "坏.json").write_text('{"organization": "x"}', encoding="utf-8")
    (tmp_path / "乱码.json").write_bytes(b"\xff\xfe not json")
    _refused([good, str(party)], out, str(party), "党内版", "--audience party")
    _refused([good, str(tmp_path / "坏.json")], out, "坏.json", "不是公开栏的 summary.json")
    _refused([good, str(tmp_path / "乱码.json")], out, "乱码.json", "不是 JSON")
    _refused([good, str(tmp_path / "没有")], out, "没有", "找不到", "--skip-missing")
    _refused([good, str(tmp_path)], out, "没有 data/summary.json")
    _refused([good, good], out, "甲局党委（2023年度）出现了 2 次")
    with serving(tmp_path / "empty") as url:  # a server without the board: 404
        (tmp_path / "empty").mkdir()
        _refused([good, url], out, url, "404")


def test_unreachable_source_with_skip_missing_is_listed(city, tmp_path):
    with serving(tmp_path) as url:
        gone = url  # the server is shut down below: nothing listens there any more
    out = tmp_path / "汇总"
    _refused([str(city["root"] / "甲局网站"), gone], out, gone, "连不上")
    _refused([gone, "--skip-missing"], out, gone, "连不上")  # nothing left to roll up: said why, nothing written
    result = board("rollup", str(city["root"] / "甲局网站"), gone, "--out", str(out), "--skip-missing")
    assert result.code == 0, result.err
    assert gone in result.err and "未汇总" in result.err
    text = "".join(_Page(out / "index.html").text)
    assert "未汇总的单位" in text and gone in text and "连不上" in text
    data = json.loads((out / "data" / "rollup.json").read_text(encoding="utf-8"))
    assert data["totals"]["bureaus"] == 1 and data["missing"][0]["source"] == gone


def test_party_rollup_is_marked_on_every_page_and_in_the_table(city, tmp_path):
    folders = [_summary_folder(c, tmp_path / f"s{n}", "party") for n, c in enumerate(city["contents"])]
    out = tmp_path / "党内汇总"
    result = board("rollup", *map(str, folders), "--out", str(out), "--audience", "party", "--title", "某市直机关工委")
    assert result.code == 0, result.err
    for page in ("index.html", "ledger/index.html"):
        assert "党内" in "".join(_Page(out / page).text)
    book = openpyxl.load_workbook(out / "汇总表.xlsx")
    assert "党内" in book.active.title and "党内" in book.active["A1"].value
    public_folder = str(city["root"] / "甲局网站")
    _refused([public_folder, "--audience", "party"], tmp_path / "x", "公开版的数据")


def test_periods_differ(city, tmp_path):
    other = _summary_folder(_content(tmp_path / "d", "丁局党委", (1, 9, 0, 0), 10, 10, 0, 1, period="2022年度"),
                            tmp_path / "丁局网站")
    sources = [str(city["root"] / "甲局网站"), str(city["root"] / "乙局网站"), str(other)]
    _refused([*sources, "--period", "2023年度"], tmp_path / "x", str(other), "年度是 2022年度")
    _refused(sources[1:], tmp_path / "x", "各单位的年度不一样多", "--period")
    result = board("rollup", *sources, "--out", str(tmp_path / "汇总"))
    assert result.code == 0, result.err
    text = "".join(_Page(tmp_path / "汇总" / "index.html").text)
    assert "年度为 2022年度，与其他单位（2023年度）不同" in text


def test_output_never_replaces_a_source_or_a_foreign_folder(city, tmp_path):
    source = city["root"] / "乙局网站"
    before = sorted(p.name for p in source.rglob("*"))
    refused = board("rollup", str(city["root"] / "甲局网站"), str(source), "--out", str(source))
    assert refused.code == 1 and "什么都没有改动" in refused.err
    assert sorted(p.name for p in source.rglob("*")) == before
    foreign = tmp_path / "docs"
    (foreign / "notes.txt").parent.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    result = board("rollup", str(city["root"] / "甲局网站"), "--out", str(foreign))
    assert result.code == 1 and (foreign / "notes.txt").read_text(encoding="utf-8") == "mine"
    again = board("rollup", str(city["root"] / "甲局网站"), "--out", str(city["out"].parent / "汇总2"))
    assert again.code == 0
    assert board("rollup", str(city["root"] / "甲局网站"), "--out", str(city["out"].parent / "汇总2")).code == 0
    shutil.rmtree(city["out"].parent / "汇总2")


def test_figures_that_do_not_add_up_are_flagged():
    summary = json.loads(json.dumps(_healthy()))
    summary["totals"]["members"] += 5  # the branches say otherwise
    summary["totals"]["rectifications"]["total"] += 1
    row = rolled.bureau(summary, "x", "x", False, "2023年度")
    assert [f for f in row.flags if f.startswith("数字对不上")] == [
        "数字对不上：各支部相加不等于合计（members、total）", "数字对不上：整改事项各状态相加不等于总数",
        "数字对不上：比例与人数不符"]
    assert not [f for f in rolled.bureau(_healthy(), "x", "x", False, "2023年度").flags if f.startswith("数字")]


def test_a_summary_is_checked_for_its_shape():
    source = locate(str(REPO / "pyproject.toml"))  # any existing file will do for naming it
    with pytest.raises(SourceError, match="totals.members"):
        parse(source, json.dumps({**_healthy(), "totals": {**_healthy()["totals"], "members": -1}}).encode())
    assert parse(source, json.dumps(_healthy()).encode())["organization"] == "甲"


def test_common_period_asks_when_tied():
    assert rolled.common_period([{"period": "a"}, {"period": "a"}, {"period": "b"}]) == "a"
    assert rolled.common_period([{"period": "a"}, {"period": "b"}]) is None


def _healthy() -> dict:
    evaluation = {"members": 10, "probationary": 1, "participants": 10, "rated": 9, "excellent": 2, "qualified": 7,
                  "basic": 0, "unqualified": 0}
    items = {"total": 2, "not_started": 0, "in_progress": 1, "done": 1, "closed": 0, "overdue": 0}
    totals = {"branches": 1, "temporary_branches": 0, **evaluation, "opinions": 0, "participation_rate": 100.0,
              "shares": grade_shares(evaluation), "rectifications": items}
    return {"organization": "甲", "period": "2023年度", "as_of": AS_OF, "audience": "public", "totals": totals,
            "branches": [{"id": "a", "name": "a", "kind": "branch", "evaluation": evaluation, "rectifications": items}],
            "approval": {"approved_by": "某"}}


def test_text_in_a_summary_appears_as_typed(tmp_path):
    """Whatever a summary's text holds (markup, a formula, a control character) is text on the page and in the sheet."""
    odd = {**_healthy(), "organization": "=1+1 <b>局</b> {{ x }} \u0007"}
    (tmp_path / "s" / "data").mkdir(parents=True)
    (tmp_path / "s" / "data" / "summary.json").write_text(json.dumps(odd), encoding="utf-8")
    result = board("rollup", str(tmp_path / "s"), "--out", str(tmp_path / "out"))
    assert result.code == 0, result.err
    assert "=1+1 <b>局</b> {{ x }}" in "".join(read_html(tmp_path / "out" / "index.html").text)
    sheet = openpyxl.load_workbook(tmp_path / "out" / "汇总表.xlsx").active
    assert sheet["B3"].value == "=1+1 <b>局</b> {{ x }} \\x07" and sheet["B3"].data_type == "s"


def test_where_each_kind_of_source_keeps_its_summary(tmp_path):
    site = tmp_path / "site"
    (site / "data").mkdir(parents=True)
    (site / "data" / "summary.json").write_text("{}", encoding="utf-8")
    (tmp_path / "root" / "releases").mkdir(parents=True)
    (tmp_path / "root" / "current").symlink_to(site)  # a publish root: its live release
    found = {given: (s.summary, s.board, s.remote) for given in (
        str(site), str(site / "data" / "summary.json"), str(tmp_path / "root"),
        "http://10.0.0.1/board", "http://10.0.0.1/board/data/summary.json") for s in [locate(given)]}
    assert found == {
        str(site): (str(site / "data" / "summary.json"), str(site), False),
        str(site / "data" / "summary.json"): (str(site / "data" / "summary.json"), str(site), False),
        str(tmp_path / "root"): (str(tmp_path / "root" / "current" / "data" / "summary.json"),
                                 str(tmp_path / "root" / "current"), False),
        "http://10.0.0.1/board": ("http://10.0.0.1/board/data/summary.json", "http://10.0.0.1/board/", True),
        "http://10.0.0.1/board/data/summary.json": ("http://10.0.0.1/board/data/summary.json",
                                                    "http://10.0.0.1/board/", True),
    }


@pytest.mark.parametrize("raw", [
    b'{"organization": "x", "totals": {"members": ' + b"9" * 5000 + b"}}",  # past Python's int-digit limit
    b"[" * 100_000 + b"]" * 100_000,  # nested past the recursion limit
])
def test_a_hostile_summary_is_refused_as_not_a_summary_not_a_crash(raw):
    source = locate(str(REPO / "pyproject.toml"))
    with pytest.raises(SourceError, match="不是公开栏的 summary.json"):
        parse(source, raw)


def test_a_count_no_organization_could_have_is_refused():
    source = locate(str(REPO / "pyproject.toml"))
    with pytest.raises(SourceError, match="totals.members"):
        parse(source, json.dumps({**_healthy(), "totals": {**_healthy()["totals"], "members": 10**30}}).encode())


def test_a_source_that_redirects_to_another_host_is_refused(tmp_path):
    """A summary is read from the host the clerk named: a redirect elsewhere would roll up another board's figures."""
    import http.server
    import threading

    from generator.upward.sources import read_one

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "summary.json").write_text(json.dumps(_healthy()), encoding="utf-8")
    with serving(tmp_path) as real:
        class Elsewhere(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server hook's name
                target = real.replace("127.0.0.1", "localhost") if self.path.startswith("/away") else real
                self.send_response(302)
                self.send_header("Location", target + "data/summary.json")
                self.end_headers()

            def log_message(self, *args):
                pass

        hop = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Elsewhere)
        threading.Thread(target=hop.serve_forever, daemon=True).start()
        try:
            base = f"http://127.0.0.1:{hop.server_address[1]}"
            assert read_one(base + "/here/summary.json").data["organization"] == "甲"  # same host: followed
            with pytest.raises(SourceError, match="localhost"):
                read_one(base + "/away/summary.json")
        finally:
            hop.shutdown()
            hop.server_close()


@pytest.mark.parametrize("as_of", ["昨天", "2026-02-30", "2026-1-1"])
def test_a_summary_whose_data_date_is_no_date_is_refused(as_of):
    source = locate(str(REPO / "pyproject.toml"))
    with pytest.raises(SourceError, match="as_of"):
        parse(source, json.dumps({**_healthy(), "as_of": as_of}).encode())


def test_a_source_that_trickles_its_answer_is_given_up_on_in_time(tmp_path, monkeypatch):
    """A server sending a byte now and then never trips the socket timeout: the download as a whole has a limit."""
    import http.server
    import threading
    import time

    from generator.upward import sources

    monkeypatch.setattr(sources, "DOWNLOAD_SECONDS", 1.5)

    class Trickle(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server hook's name
            self.send_response(200)
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            for _ in range(40):
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.25)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        started = time.monotonic()
        with pytest.raises(SourceError, match="秒"):
            sources.read_one(f"http://127.0.0.1:{server.server_address[1]}/data/summary.json")
        assert time.monotonic() - started < 5
    finally:
        server.shutdown()
        server.server_close()
