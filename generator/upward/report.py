"""``board report``: the bureau's report to the organization department above, as a Word document.

The figures come from ``figures`` (the party view: the report goes to the Party
organization above, so it covers every branch and every item) — the same numbers
as the party build's ``summary.json``.  The narrative paragraphs come from
``report:`` in ``board.yml``; whatever is not written there stays a 【请填写……】
placeholder, never invented prose.  The layout is a docxtpl template
(``report_layout`` makes the default one); an office may pass its own.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import jinja2
import jinja2.sandbox

from generator.board.figures import Figures
from generator.content import schema
from generator.content.dates import chinese
from generator.content.model import Report
from generator.files import replacing
from generator.upward.report_layout import TEMPLATE

# What the report says where ``report:`` has nothing: a marked gap for the clerk, never made-up text.
PLACEHOLDERS = {
    "to": "【请填写主送机关，如：中共某市委组织部】",
    "basis": "【请填写工作依据，如：根据上级党组织关于召开年度组织生活会和开展民主评议党员的通知要求】",
    "meetings": "【请填写组织生活会开展情况：会前学习和谈心谈话、会议程序和批评与自我批评、查摆问题和整改措施等】",
    "evaluation": "【请填写民主评议党员开展情况：动员部署、组织开展、问题整改等】",
    "next_steps": "【请填写下步工作努力方向】",
}

PLACEHOLDER_NAMES = {key: schema.REPORT[key].label for key in PLACEHOLDERS}


def missing(report: Report | None) -> list[str]:
    """The keys of ``report:`` left unwritten, so a placeholder stands in the document."""
    return [key for key in PLACEHOLDERS if not text_of(report, key)]


def text_of(report: Report | None, key: str) -> str | tuple[str, ...] | None:
    value = getattr(report, key) if report else None
    if isinstance(value, tuple):
        return tuple(_paragraphs(value)) or None
    return (value or "").strip() or None


# A template may come from anywhere: the sandbox lets its tags read the context, never reach Python's internals.
_SANDBOX = jinja2.sandbox.SandboxedEnvironment(undefined=jinja2.StrictUndefined)


class ReportError(ValueError):
    """A template that cannot be used, in words a clerk can act on."""


MAX_TEMPLATE_BYTES = 50 * 1024 * 1024  # a template unpacked (the default is ~60 KB; a zip bomb is gigabytes)


def _refuse_large(source: Path) -> None:
    """Refuse a template whose parts unpack past ``MAX_TEMPLATE_BYTES``, before docxtpl reads it whole."""
    try:
        with zipfile.ZipFile(source) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return  # not a .docx: DocxTemplate says so below
    if inflated > MAX_TEMPLATE_BYTES:
        raise ReportError(f"模板 {source} 解压后有 {inflated // (1024 * 1024)} MB，不像报告模板"
                          f"（最多 {MAX_TEMPLATE_BYTES // (1024 * 1024)} MB）：请检查是否选错了文件")


def default_name(period: str) -> str:
    """The file name the report gets by default: its own title."""
    return f"关于召开{period}组织生活会和开展民主评议党员工作情况的报告.docx"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def numbers(figures: Figures) -> dict:
    """Every figure the report states, as it states it (percentages with one decimal and %)."""
    ev = figures.evaluation
    shares = ev.shares or dict.fromkeys(schema.GRADES)
    grades = [{"key": key, "label": schema.EVALUATION[key].label, "count": ev.counts[key], "share": _pct(shares[key])}
              for key in schema.GRADES]
    return {
        "branches": figures.branch_count, "temporary_branches": figures.temporary_count,
        "evaluated": figures.evaluated_count, **ev.counts, "full_members": ev.full_members,
        "participation_rate": _pct(ev.participation_rate), "grades": grades,
        "shares": {grade["key"]: grade["share"] for grade in grades}, "opinions": ev.opinions,
        "rectifications": figures.counts.as_dict(),
    }


def _paragraphs(texts: tuple[str, ...]) -> list[str]:
    """The paragraphs of a text field: one per line typed, blank lines left out."""
    return [line.strip() for text in texts for line in text.splitlines() if line.strip()]


def text(report: Report | None, organization: str) -> dict:
    """The report's own words from ``report:``, a placeholder wherever none were written."""
    # The template puts the punctuation after these two (主送机关：, 依据，): a clerk's own is not doubled.
    words = {key: (text_of(report, key) or PLACEHOLDERS[key]).rstrip("，,：:") for key in ("to", "basis")}
    for key in ("meetings", "evaluation", "next_steps"):
        words[key] = list(text_of(report, key) or [PLACEHOLDERS[key]])
    words["signature"] = text_of(report, "signature") or organization
    return words


def context(figures: Figures) -> dict:
    """What the template is rendered with: ``period``, ``organization``, ``date``, ``n`` (figures), ``text``."""
    board = figures.board
    report = board.report
    day = report.date if report and report.date else figures.as_of
    return {"period": board.period, "organization": board.organization, "date": chinese(day),
            "n": numbers(figures), "text": text(report, board.organization)}


def _marks(exc: jinja2.TemplateError) -> str:
    """What is wrong with the marks of a clerk's template, in their words (Jinja's own are English)."""
    if isinstance(exc, jinja2.UndefinedError):
        name = re.search(r"'([^']*)' is undefined", str(exc))
        return f"{{{{ {name.group(1)} }}}} 不是程序提供的内容" if name else "用了程序不提供的内容"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return "有 {{ }} 或 {% %} 没有写完整或不配对"
    return "无法识别"


def write(figures: Figures, out: Path, template: Path | None = None) -> None:
    """Render the report into ``out`` (written whole, then moved into place)."""
    from docx.opc.exceptions import PackageNotFoundError
    from docxtpl import DocxTemplate

    if figures.audience.key != "party":
        raise ValueError("the report goes to the Party organization above: it is made from the party view")
    source = template or TEMPLATE
    _refuse_large(source)
    try:
        doc = DocxTemplate(str(source))
        doc.render(context(figures), jinja_env=_SANDBOX, autoescape=True)
    except jinja2.TemplateError as exc:
        raise ReportError(f"模板 {source} 里的标记有误：{_marks(exc)}（请对照默认模板 {TEMPLATE.name} 检查 {{{{ }}}} 和 {{% %}}）") from None
    except (KeyError, ValueError, OSError, zipfile.BadZipFile, PackageNotFoundError):
        raise ReportError(f"模板 {source} 不是可用的 Word 文档（.docx）：请用 Word 或 WPS 另存为 .docx 再试") from None
    with replacing(out) as temp:
        doc.save(str(temp))
