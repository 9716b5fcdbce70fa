"""The default layout of ``board report``: ``generator/templates/report.docx``, made by this script.

The layout lives in a .docx template (docxtpl: Jinja2 tags in Word paragraphs) so
that an office can restyle it in Word or WPS and pass its own file with
``board report --template``; only the tags carry meaning.  This module writes the
default one after 党政机关公文格式 (GB/T 9704-2012) as far as a template carries it:
A4, margins 37 mm top / 35 mm bottom / 28 mm left / 26 mm right, 22 lines
of 28 characters (a line grid and character spacing), title in 2号 小标宋, body in 3号 仿宋, headings 一、 in 黑体,
page numbers "— 1 —" in 4号 宋体 (odd pages right, even pages left, one character in).

Regenerate the committed file after changing it::

    python -m generator.upward.report_layout generator/templates/report.docx
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph
from lxml import etree

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "report.docx"

# Each font the template names, and what a computer without it should use instead (Word and WPS read the
# first fallback from the font table's altName; the rest are named here and in docs/upward.md).
FONTS = {
    "方正小标宋简体": ("华文中宋", "宋体", "Noto Serif CJK SC"),
    "仿宋_GB2312": ("仿宋", "FangSong", "Noto Serif CJK SC"),
    "黑体": ("SimHei", "Noto Sans CJK SC"),
    "楷体_GB2312": ("楷体", "KaiTi", "Noto Serif CJK SC"),
    "宋体": ("SimSun", "Noto Serif CJK SC"),
}
BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
PAGE_NUMBER_PT = 14  # 4号
LINE_PITCH = 579  # twips: 225 mm of type area / 22 lines
# 156 mm of type area / 28 characters = 15.79 pt a character, a little less than the 16 pt font: each character
# is drawn 0.25 pt closer (w:spacing, in twentieths of a point).  A character grid (w:docGrid linesAndChars) would
# say the same to Word, but LibreOffice puts a 16 pt character into two 15.79 pt cells (14 a line).
CHAR_SPACING = -5

# The document, one paragraph per entry: (style, text).  ``{{ }}``, ``{% %}`` and ``{%p %}`` are docxtpl's
# Jinja2 tags; ``n`` holds the figures, ``text`` the report's own text (or its placeholders), see ``report``.
BODY = (
    ("报告标题", "关于召开{{ period }}组织生活会和开展民主评议党员工作情况的报告"),
    ("主送机关", ""),
    ("主送机关", "{{ text.to }}："),
    ("Normal", "{{ text.basis }}，{{ organization }}认真组织{{ n.branches }}个党支部"
               "{% if n.temporary_branches %}和{{ n.temporary_branches }}个临时党支部{% endif %}召开{{ period }}组织生活会和开展民主评议党员工作，现将有关情况报告如下："),
    ("一级标题", "一、组织生活会开展情况"),
    ("Normal", "{%p for paragraph in text.meetings %}"),
    ("Normal", "{{ paragraph }}"),
    ("Normal", "{%p endfor %}"),
    ("Normal", "对照查摆的问题，各党支部共列出整改事项{{ n.rectifications.total }}项，已完成{{ n.rectifications.done }}项、已销号{{ n.rectifications.closed }}项，"
               "整改中{{ n.rectifications.in_progress }}项，未开始{{ n.rectifications.not_started }}项"
               "{% if n.rectifications.overdue %}，其中{{ n.rectifications.overdue }}项已超过整改时限{% endif %}。"),
    ("一级标题", "二、民主评议党员开展情况"),
    ("Normal", "{{ n.evaluated }}个支部按要求开展了民主评议党员工作。共有党员{{ n.members }}名（正式党员{{ n.full_members }}名，"
               "预备党员{{ n.probationary }}名），{{ n.participants }}名党员参加了评议，党员参与率达{{ n.participation_rate }}；"
               "参加组织评定的党员{{ n.rated }}名，{% for grade in n.grades %}评定为{{ grade.label }}的党员{{ grade.count }}名，"
               "占{{ grade.share }}{% if not loop.last %}；{% else %}。{% endif %}{% endfor %}"
               "{% if n.opinions %}各党支部共征求意见建议{{ n.opinions }}条。{% endif %}"),
    ("Normal", "{%p for paragraph in text.evaluation %}"),
    ("Normal", "{{ paragraph }}"),
    ("Normal", "{%p endfor %}"),
    ("一级标题", "三、下步工作努力方向"),
    ("Normal", "{%p for paragraph in text.next_steps %}"),
    ("Normal", "{{ paragraph }}"),
    ("Normal", "{%p endfor %}"),
    ("Normal", ""),
    ("落款", "{{ text.signature }}"),
    ("落款", "{{ date }}"),
)


def _fonts(element, east_asia: str, latin: str = "Times New Roman") -> None:
    """Set a run or style's fonts: Chinese text in ``east_asia``, Latin letters and digits in ``latin``."""
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def _paragraph_style(doc, name: str, east_asia: str, size: int, *, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                     first_line_chars: int = 0, line: float = LINE_PITCH / 20):
    """A paragraph style on the grid: exact line spacing, no space before or after."""
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if name != "Normal":
        style.base_style = styles["Normal"]
    _fonts(style.element, east_asia)
    style.font.size = Pt(size)
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(line)
    fmt.first_line_indent = Pt(size * first_line_chars / 100)
    indent = style.element.get_or_add_pPr().get_or_add_ind()
    indent.set(qn("w:firstLineChars"), str(first_line_chars))
    return style


def _styles(doc) -> None:
    normal = _paragraph_style(doc, "Normal", "仿宋_GB2312", BODY_PT, first_line_chars=200)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CHAR_SPACING))
    normal.element.get_or_add_rPr().append(spacing)
    _paragraph_style(doc, "报告标题", "方正小标宋简体", TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, line=35)
    _paragraph_style(doc, "一级标题", "黑体", BODY_PT, first_line_chars=200)
    _paragraph_style(doc, "二级标题", "楷体_GB2312", BODY_PT, first_line_chars=200)  # （一） headings a clerk may use
    _paragraph_style(doc, "主送机关", "仿宋_GB2312", BODY_PT, align=WD_ALIGN_PARAGRAPH.LEFT)
    signature = _paragraph_style(doc, "落款", "仿宋_GB2312", BODY_PT, align=WD_ALIGN_PARAGRAPH.RIGHT)
    signature.paragraph_format.right_indent = Pt(BODY_PT * 4)  # 成文日期右空四字
    _paragraph_style(doc, "页码", "宋体", PAGE_NUMBER_PT, line=PAGE_NUMBER_PT * 1.2)


def _page(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(25)  # the page number sits about 7 mm below the type area
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))
    grid.attrib.pop(qn("w:charSpace"), None)


def _page_number(paragraph: Paragraph, align, side: str) -> None:
    """"— 1 —": a PAGE field between two dashes, one character in from ``side``."""
    paragraph.style = "页码"
    paragraph.alignment = align
    setattr(paragraph.paragraph_format, f"{side}_indent", Pt(PAGE_NUMBER_PT))
    paragraph.add_run("— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    paragraph.add_run(" —")


def _footers(doc) -> None:
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT, "right")
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT, "left")


def _font_table(doc) -> None:
    """Name each font's first fallback (``altName``) in the font table, for computers without it."""
    part = next(rel.target_part for rel in doc.part.rels.values() if rel.reltype.endswith("/fontTable"))
    table = etree.fromstring(part.blob)
    for name, fallbacks in FONTS.items():
        font = etree.SubElement(table, qn("w:font"), {qn("w:name"): name})
        etree.SubElement(font, qn("w:altName"), {qn("w:val"): fallbacks[0]})
        etree.SubElement(font, qn("w:charset"), {qn("w:val"): "86"})  # GB2312
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


def make(out: Path) -> None:
    """Write the default template to ``out``."""
    doc = Document()
    _page(doc)
    _styles(doc)
    body = doc.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)
    for style, text in BODY:
        doc.add_paragraph(text, style=style)
    _footers(doc)
    _font_table(doc)
    properties = doc.core_properties
    properties.title = "组织生活会和民主评议党员工作情况的报告"
    properties.author = properties.comments = properties.last_modified_by = ""
    doc.save(str(out))


if __name__ == "__main__":
    make(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATE)
