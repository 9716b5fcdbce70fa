"""``board report``: the .docx read back with python-docx, every figure checked against the content and summary.json."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.shared import Mm, Pt

from generator import core, speed
from generator.board.sitedata import SUMMARY_PATH
from generator.cli import main
from generator.upward import report_layout
from generator.upward.report import PLACEHOLDERS
from helpers import AS_OF, CONFIG, board, write_yaml

CLERK_TEXT = "会前开展谈心谈话 <b>&amp; {{ 不是标记 }} | 50%"
# Three branches, one temporary without evaluation; items public and 党内, some overdue on AS_OF.
BRANCHES = {
    "a": {"name": "机关第一党支部", "order": 1,
          "evaluation": {"members": 31, "probationary": 2, "participants": 30, "rated": 28, "excellent": 6,
                         "qualified": 20, "basic": 1, "unqualified": 1, "opinions": 14},
          "rectifications": [
              {"id": "01", "problem": "学习不深", "measures": ["学"], "owner": "甲", "deadline": "2024-03-31",
               "status": "整改中"},
              {"id": "02", "problem": "调研不够", "measures": ["走访"], "owner": "乙", "deadline": "2024-05-01",
               "status": "未开始", "audience": "党内"},
              {"id": "03", "problem": "制度不全", "measures": ["建制度"], "owner": "丙", "deadline": "2024-02-01",
               "status": "已完成", "completed": "2024-01-20"}]},
    "b": {"name": "机关第二党支部", "order": 2,
          "evaluation": {"members": 17, "probationary": 0, "participants": 15, "rated": 15, "excellent": 3,
                         "qualified": 12, "basic": 0, "unqualified": 0, "opinions": 9},
          "rectifications": [
              {"id": "01", "problem": "作风不实", "measures": ["改"], "owner": "丁", "deadline": "立行立改",
               "status": "已销号", "completed": "2024-04-02"},
              {"id": "02", "problem": "服务不优", "measures": ["优化"], "owner": "戊", "deadline": "长期坚持",
               "status": "整改中"}]},
    "c": {"name": "专项任务临时党支部", "kind": "临时党支部", "order": 3,
          "rectifications": [{"id": "01", "problem": "联系不紧", "measures": ["联系"], "owner": "己",
                              "deadline": "2024-06-01", "status": "整改中", "audience": "党内"}]},
}


def _board(root: Path, report: dict | None) -> Path:
    write_yaml(root / "board.yml", {"organization": "某县审计局党组", "period": "2023年度",
                                **({"report": report} if report else {})})
    for stem, data in BRANCHES.items():
        write_yaml(root / "branches" / f"{stem}.yml", data)
    return root


def _report(content: Path, out: Path, *extra: str):
    return board("report", "--content", str(content), "--as-of", AS_OF, "--out", str(out), *extra)


def _text(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict:
    """One board with ``report:`` text for the opening and section 一 only, its report, and its party summary."""
    root = tmp_path_factory.mktemp("report")
    content = _board(root / "content", {"to": "中共某县委组织部：", "meetings": f"第一段。\n\n{CLERK_TEXT}\n",
                                        "date": "2024-07-10"})
    result = _report(content, root / "报告.docx")
    assert result.code == 0, result.err
    site = core.generate(core.make_options(content, audience="party", as_of=AS_OF))
    return {"root": root, "content": content, "docx": root / "报告.docx", "out": result.out,
            "summary": json.loads(site.data[SUMMARY_PATH])}


def _figures(text: str) -> dict:
    """Every figure the report states, found by its sentence."""
    def one(pattern: str) -> tuple[str, ...]:
        found = re.findall(pattern, text)
        assert len(found) == 1, (pattern, found)
        return found[0] if isinstance(found[0], tuple) else (found[0],)

    found = {}
    found["branches"], found["temporary"] = map(int, one(r"认真组织(\d+)个党支部和(\d+)个临时党支部"))
    found["evaluated"] = int(one(r"(\d+)个支部按要求开展了民主评议党员工作")[0])
    members, full, probationary, participants, rate = one(
        r"共有党员(\d+)名（正式党员(\d+)名，预备党员(\d+)名），(\d+)名党员参加了评议，党员参与率达([\d.]+)%")
    found.update(members=int(members), full=int(full), probationary=int(probationary),
                 participants=int(participants), rate=float(rate), rated=int(one(r"参加组织评定的党员(\d+)名")[0]))
    for key, label in (("excellent", "优秀"), ("qualified", "合格"), ("basic", "基本合格"), ("unqualified", "不合格")):
        count, share = one(rf"评定为{label}的党员(\d+)名，占([\d.]+)%")
        found[key], found[f"{key}_share"] = int(count), float(share)
    found["opinions"] = int(one(r"共征求意见建议(\d+)条")[0])
    total, done, closed, in_progress, not_started, overdue = map(int, one(
        r"共列出整改事项(\d+)项，已完成(\d+)项、已销号(\d+)项，整改中(\d+)项，未开始(\d+)项，其中(\d+)项已超过整改时限"))
    found.update(total=total, done=done, closed=closed, in_progress=in_progress, not_started=not_started,
                 overdue=overdue)
    return found


def test_every_figure_matches_the_content_and_the_party_summary(made):
    found = _figures(_text(made["docx"]))
    evaluations = [b["evaluation"] for b in BRANCHES.values() if "evaluation" in b]
    items = [i for b in BRANCHES.values() for i in b["rectifications"]]
    counted = {key: sum(e[key] for e in evaluations) for key in ("members", "probationary", "participants", "rated",
                                                                  "excellent", "qualified", "basic", "unqualified",
                                                                  "opinions")}
    # From the content as written: every branch and every item (the party view), 党内 ones too.
    assert found["branches"] == 2 and found["temporary"] == 1 and found["evaluated"] == 2
    assert {k: found[k] for k in counted} == counted
    assert found["full"] == counted["members"] - counted["probationary"]
    assert (found["total"], found["done"], found["closed"]) == (len(items), 1, 1)
    assert (found["in_progress"], found["not_started"], found["overdue"]) == (3, 1, 3)  # a/01, a/02, c/01 overdue
    # The same as the party build's summary.json, shares and rate included.
    totals = made["summary"]["totals"]
    assert found["rate"] == totals["participation_rate"] == round(45 / 48 * 100, 1)
    assert {g: found[f"{g}_share"] for g in totals["shares"]} == totals["shares"]
    assert {k: found[k] for k in ("total", "done", "closed", "in_progress", "not_started", "overdue")} \
        == totals["rectifications"]
    assert (found["branches"], found["temporary"]) == (totals["branches"], totals["temporary_branches"])


def test_report_text_comes_from_board_yml_and_the_rest_stays_placeholders(made):
    paragraphs = [p.text for p in docx.Document(str(made["docx"])).paragraphs]
    assert paragraphs[0] == "关于召开2023年度组织生活会和开展民主评议党员工作情况的报告"
    assert "中共某县委组织部：" in paragraphs
    assert paragraphs.index("第一段。") + 1 == paragraphs.index(CLERK_TEXT)  # one paragraph per line, as typed
    for key in ("basis", "evaluation", "next_steps"):
        assert sum(PLACEHOLDERS[key] in p for p in paragraphs) == 1, key
    assert PLACEHOLDERS["to"] not in "\n".join(paragraphs) and PLACEHOLDERS["meetings"] not in paragraphs
    assert paragraphs[-2:] == ["某县审计局党组", "2024年7月10日"]  # signature defaults to the organization
    text = "\n".join(p for p in paragraphs if p != CLERK_TEXT)
    assert "**" not in text and "{{" not in text and "{%" not in text and "}}" not in text
    assert "还有 3 处【请填写……】：工作依据、民主评议党员开展情况、下步工作努力方向" in made["out"]


def test_layout_is_the_official_document_format(made):
    doc = docx.Document(str(made["docx"]))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    grid = section._sectPr.find(f"{w}docGrid")
    pitch = int(grid.get(f"{w}linePitch"))
    assert grid.get(f"{w}type") == "lines" and pitch * 22 <= Mm(297 - 37 - 35).twips < pitch * 23  # 22 lines
    normal, title = doc.styles["Normal"], doc.styles["报告标题"]
    assert normal.paragraph_format.line_spacing == Pt(pitch / 20)
    character = 16 + int(normal.element.rPr.find(f"{w}spacing").get(f"{w}val")) / 20  # points, spacing included
    assert int(Mm(156).pt // character) == 28  # 28 characters a line
    assert normal.font.size == Pt(16) and title.font.size == Pt(22)
    east_asia = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    assert normal.element.rPr.rFonts.get(east_asia) == "仿宋_GB2312"
    assert title.element.rPr.rFonts.get(east_asia) == "方正小标宋简体"
    for footer in (section.footer, section.even_page_footer):
        xml = footer._element.xml
        assert 'w:instr="PAGE"' in xml and "— " in xml and " —" in xml
    fonts = made["docx"].read_bytes()
    assert b"word/fontTable.xml" in fonts


def test_restyled_template_gives_the_same_figures(made, tmp_path):
    restyled = docx.Document(str(report_layout.TEMPLATE))
    restyled.styles["Normal"].font.size = Pt(14)
    restyled.styles["报告标题"].font.bold = True
    restyled.sections[0].left_margin = Mm(30)
    restyled.save(str(tmp_path / "本单位模板.docx"))
    result = _report(made["content"], tmp_path / "r.docx", "--template", str(tmp_path / "本单位模板.docx"))
    assert result.code == 0, result.err
    assert _figures(_text(tmp_path / "r.docx")) == _figures(_text(made["docx"]))
    doc = docx.Document(str(tmp_path / "r.docx"))
    assert doc.styles["Normal"].font.size == Pt(14) and round(doc.sections[0].left_margin.mm) == 30


def test_the_committed_template_is_what_the_layout_script_makes(tmp_path):
    report_layout.make(tmp_path / "report.docx")
    made, committed = docx.Document(str(tmp_path / "report.docx")), docx.Document(str(report_layout.TEMPLATE))
    assert [(p.style.name, p.text) for p in made.paragraphs] == [(p.style.name, p.text) for p in committed.paragraphs]
    assert made.styles["Normal"].element.xml == committed.styles["Normal"].element.xml


def test_refusals_write_nothing(made, tmp_path):
    out = tmp_path / "r.docx"
    broken = docx.Document(str(report_layout.TEMPLATE))
    broken.add_paragraph("{{ n.members ")
    broken.save(str(tmp_path / "坏模板.docx"))
    (tmp_path / "不是文档.docx").write_text("hello", encoding="utf-8")
    cases = {
        ("--audience", "public"): "按党内版统计",
        ("--template", str(tmp_path / "没有.docx")): "找不到报告模板",
        ("--template", str(tmp_path / "坏模板.docx")): "里的标记有误",
        ("--template", str(tmp_path / "不是文档.docx")): "不是可用的 Word 文档",
    }
    unknown = docx.Document(str(report_layout.TEMPLATE))
    unknown.add_paragraph("{{ 辣味 }}")  # a report made before, with a clerk's {{ }}, used as the template
    unknown.save(str(tmp_path / "旧报告.docx"))
    cases[("--template", str(tmp_path / "旧报告.docx"))] = "{{ 辣味 }} 不是程序提供的内容"
    for extra, said in cases.items():
        result = _report(made["content"], out, *extra)
        assert result.code == 1 and said in result.err and "Traceback" not in result.err, extra
        words = re.sub(r"\S*/\S*|--\w+|\bpublic\b|\bWord\b|\w*\.docx", "", result.err)
        assert not re.search(r"[A-Za-z]{4,}", words), result.err  # no Jinja or zip English
        assert not out.exists() and not list(tmp_path.glob(".r.docx*")), extra
    (tmp_path / "note.docx").write_text("my notes", encoding="utf-8")  # not a .docx: never overwritten
    result = _report(made["content"], tmp_path / "note.docx")
    assert result.code == 1 and (tmp_path / "note.docx").read_text(encoding="utf-8") == "my notes"


def test_content_errors_stop_the_report(tmp_path):
    content = _board(tmp_path / "content", None)
    write_yaml(content / "branches" / "b.yml", {**BRANCHES["b"], "evaluation": {**BRANCHES["b"]["evaluation"], "rated": 99}})
    result = _report(content, tmp_path / "r.docx")
    assert result.code == 1 and "b.yml:" in result.err and not (tmp_path / "r.docx").exists()


def test_default_name_is_the_reports_title(tmp_path):
    content = _board(tmp_path / "content", None)
    speed.forget()
    with contextlib.chdir(tmp_path):
        result = CliRunner().invoke(main, ["report", "--config", str(CONFIG), "--content", str(content), "--as-of",
                                           AS_OF], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    written = tmp_path / "关于召开2023年度组织生活会和开展民主评议党员工作情况的报告.docx"
    assert _text(written).count("【请填写") == 5


def test_a_board_without_temporary_branches_does_not_mention_them(tmp_path):
    content = _board(tmp_path / "content", None)
    (content / "branches" / "c.yml").unlink()
    assert _report(content, tmp_path / "r.docx").code == 0
    assert "认真组织2个党支部召开2023年度组织生活会" in _text(tmp_path / "r.docx")


def test_a_template_from_elsewhere_cannot_run_code(made, tmp_path):
    """An office's template may come from anywhere (a colleague, a download): its tags reach only the report's
    figures and text, never Python (``cycler.__init__.__globals__`` would reach ``os``)."""
    witness = tmp_path / "被写入.txt"
    hostile = docx.Document(str(report_layout.TEMPLATE))
    hostile.add_paragraph("{{ cycler.__init__.__globals__.os.system('touch " + str(witness) + "') }}")
    hostile.save(str(tmp_path / "外来模板.docx"))
    result = _report(made["content"], tmp_path / "r.docx", "--template", str(tmp_path / "外来模板.docx"))
    assert result.code == 1 and "里的标记有误" in result.err and "Traceback" not in result.err
    assert not witness.exists() and not (tmp_path / "r.docx").exists()


def test_a_template_that_inflates_past_the_limit_is_refused_before_it_is_opened(made, tmp_path, monkeypatch):
    """A 60 KB .docx can unpack to gigabytes: its declared size is checked before docxtpl reads it whole."""
    import zipfile

    from generator.upward import report as paper

    inflated = sum(i.file_size for i in zipfile.ZipFile(report_layout.TEMPLATE).infolist())
    monkeypatch.setattr(paper, "MAX_TEMPLATE_BYTES", inflated - 1)
    result = board("report", "--content", str(made["content"]), "--as-of", AS_OF, "--out", str(tmp_path / "r.docx"),
                   "--template", str(report_layout.TEMPLATE))
    assert result.code == 1 and "解压后" in result.err and not (tmp_path / "r.docx").exists()
