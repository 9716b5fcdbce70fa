"""The content, declared once: every field of ``board.yml``, a branch and an item.

Each field says its YAML key, its Chinese label, its type, whether it is
required, its enumeration (values with their English key and Chinese label),
the spreadsheet headers it is read from (most specific first; the first is the
one written on export) and the width of the column it is exported to.  The
order of declaration is the order in which keys are written back to a branch
file and columns appear in an exported sheet.

Everything else derives from here: the model's dataclasses (``model``), the
loader's type and presence checks and its unknown-key hints (``load``), the
importer's header lists (``importer``), the exporter's columns and drop-downs
(``export``), the round-trip writer's key order (``branchfile``), the labels in
the templates (``pages``) and on the lobby screen (``screen``).  A new field is
one more ``Field`` below: it shows in its record's section without a template line
(templates lay out the fields they place; the rest follow, ``_macros.md.j2`` ``rest``).
A new record type is one more ``Record``, a ``records`` field holding it, and
its section template (``docs/extending.md``).
"""

from __future__ import annotations

import dataclasses
import enum
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar

# ---- enumerations: English key (YAML, JSON, CSS) and Chinese label (what people read) --------------


class Labeled(enum.Enum):
    """An enumeration whose members carry (English key, Chinese label)."""

    @property
    def key(self) -> str:
        return self.value[0]

    @property
    def label(self) -> str:
        return self.value[1]


Kind = Labeled("Kind", {"BRANCH": ("branch", "党支部"), "TEMPORARY": ("temporary", "临时党支部")}, module=__name__)
Audience = Labeled("Audience", {"PUBLIC": ("public", "公开"), "PARTY": ("party", "党内")}, module=__name__)
DeadlineKind = Labeled("DeadlineKind", {"DATE": ("date", "日期"), "ONGOING": ("ongoing", "长期坚持"),
                                        "IMMEDIATE": ("immediate", "立行立改")}, module=__name__)


E = TypeVar("E", bound=Labeled)


def parse_choice(text: str, enum: type[E]) -> E | None:
    """An enumeration value from its Chinese label or English key."""
    return _choices(enum).get(text.strip())


@functools.cache
def _choices(enum: type[E]) -> dict[str, E]:
    return {name: member for member in enum for name in (member.label, member.key)}


class Status(Labeled):
    NOT_STARTED = ("not_started", "未开始")
    IN_PROGRESS = ("in_progress", "整改中")
    DONE = ("done", "已完成")
    CLOSED = ("closed", "已销号")

    @property
    def finished(self) -> bool:
        return self in (Status.DONE, Status.CLOSED)


# ---- fields -------------------------------------------------------------------------------------

TYPES = (
    "text",      # one piece of text
    "texts",     # a list of texts (a single text is a list of one)
    "count",     # a whole number >= 0
    "integer",   # any whole number
    "date",      # a real date (ISO or 2024年6月30日 …)
    "deadline",  # a date, 长期坚持 or 立行立改
    "enum",      # one of ``choices``, by its Chinese label or English key
    "record",    # a nested mapping declared by ``record``
    "records",   # a list of such mappings
)


@dataclass(frozen=True)
class Field:
    """One key of a content mapping."""

    key: str
    label: str
    type: str
    required: bool = False
    choices: type[Labeled] | None = None  # enum: the enumeration
    default: Labeled | None = None  # enum: the value when the key is absent
    implicit: bool = False  # enum: the default is left unwritten by the importer
    sheet_words: tuple[tuple[str, Labeled], ...] = ()  # enum, deadline: more words a sheet may use for a value
    strict: bool = False  # enum: a sheet's cell must be exactly one word (no sentence after it is read as progress)
    # enum: sheet words that say more than their value's label (基本完成 is 整改中 and more): a cell led by one
    # is kept whole as a note (整改进展), so nothing the clerk wrote is lost
    telling_words: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()  # spreadsheet headers, most specific first; the first is exported
    several: bool = False  # sheet: every column with one of the headers is read (owners over 责任领导 | 责任科室)
    width: int | None = None  # exported column width; None: not a spreadsheet column
    grouped: bool = False  # sheet: offices merge this column down over a group of items (a CSV is filled down)
    grade: bool = False  # count: one of the four grades of the democratic evaluation
    quoted: bool = False  # text: always written double-quoted (``id: "01"``)
    attr: str = ""  # the model's attribute when it is not the key
    searched: bool = False  # text, texts: readers search it; the search index holds it (``search``)
    record: Record | None = None  # record, records: what the nested mapping holds
    pattern: str = ""  # text: a regular expression the (stripped) value must match
    form: str = ""  # text with a pattern: how to write it, in words
    example: str = ""  # text with a pattern: one value that matches
    carried: bool = True  # ``board new-period`` writes it into next year's record (``newperiod``)
    on_site: bool = True  # False: never shown on the site (the report's text), so no approval covers it

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"{self.key}: unknown type {self.type!r}")
        if (self.type == "enum") != (self.choices is not None and self.default is not None):
            raise ValueError(f"{self.key}: an enum field needs choices and a default, and only it")
        if (self.type in ("record", "records")) != (self.record is not None):
            raise ValueError(f"{self.key}: record fields, and only they, declare their record")
        if self.searched and self.type not in ("text", "texts"):
            raise ValueError(f"{self.key}: only text is searched")
        if self.width is not None and not self.headers:
            raise ValueError(f"{self.key}: an exported column needs a header")
        if self.sheet_words and self.type not in ("enum", "deadline"):
            raise ValueError(f"{self.key}: only an enum or a deadline has sheet words")
        if not set(self.telling_words) <= {word for word, _ in self.sheet_words}:
            raise ValueError(f"{self.key}: telling words are sheet words")

    @property
    def name(self) -> str:
        """The model's attribute."""
        return self.attr or self.key

    @property
    def header(self) -> str:
        """The spreadsheet header written on export (and used in a sheet's error messages)."""
        return self.headers[0] if self.headers else self.label


@dataclass(frozen=True)
class Record:
    """A content mapping: its model class name, how messages name it, and its fields."""

    name: str
    what: str
    fields: tuple[Field, ...]
    sheet: str = ""  # the name of its sheet in an exported workbook (default: the label of the list holding it)

    def __post_init__(self) -> None:
        keys = [f.key for f in self.fields]
        if len(set(keys)) != len(keys):
            raise ValueError(f"{self.name}: a key is declared twice")

    def __getitem__(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __contains__(self, key: object) -> bool:
        return key in self.keys()

    def keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)

    def labels(self) -> dict[str, str]:
        """Model attribute → Chinese label (for templates and the screen)."""
        return {f.name: f.label for f in self.fields}

    @property
    def audience(self) -> Field | None:
        """The field that says who may see one record of this type (``audience``: an ``Audience`` enum), if any.

        Any record may carry one; ``content.audience.shown`` filters every record that does,
        at every depth, so a public build never holds what it must not show.
        """
        found = next((f for f in self.fields if f.key == "audience"), None)
        return found if found is not None and found.choices is Audience else None

    def lists(self) -> tuple[Field, ...]:
        """The fields that hold lists of records (a branch's items, its people, a person's items)."""
        return tuple(f for f in self.fields if f.type == "records")

    def searched(self) -> tuple[Field, ...]:
        """The fields readers search, in declaration order (``search``)."""
        return tuple(f for f in self.fields if f.searched)

    def variant(self, name: str, what: str, **changes: dict[str, object]) -> Record:
        """The same fields with some changed: ``variant("PersonalItem", "个人整改事项", owner={"required": False})``.

        For a record type that is another one in a different place (a person's items are
        a branch's items with another default audience): declared once, differences named.
        """
        unknown = set(changes) - set(self.keys())
        if unknown:
            raise ValueError(f"{name}: {sorted(unknown)} are not fields of {self.name}")
        fields = tuple(dataclasses.replace(f, **changes.get(f.key, {})) for f in self.fields)
        return Record(name, what, fields, self.sheet)

    def columns(self) -> tuple[Field, ...]:
        """The fields a sheet has columns for, in column order."""
        return tuple(f for f in self.fields if f.width is not None)

    def headers(self) -> dict[str, tuple[str, ...]]:
        """Field key → the headers a sheet may use for it, most specific first."""
        return {f.key: f.headers for f in self.fields if f.headers}


def _counts(*fields: tuple[str, str, tuple[str, ...]], grade: bool = False) -> tuple[Field, ...]:
    return tuple(Field(key, label, "count", required=True, headers=headers, width=10, grade=grade)
                 for key, label, headers in fields)


# ---- the content --------------------------------------------------------------------------------

NOTICE = Record("Notice", "公示期 notice ", (
    Field("from", "公示开始日期", "date", required=True, attr="start"),
    Field("to", "公示结束日期", "date", required=True, attr="end"),
))

# ``board report``: the text of the bureau's report to the organization department above (the figures come from
# ``figures``); every paragraph left out stays a 【请填写……】 placeholder in the .docx.
REPORT = Record("Report", "报告 report ", (
    Field("to", "主送机关", "text", on_site=False),
    Field("basis", "工作依据", "text", on_site=False),
    Field("meetings", "组织生活会开展情况", "texts", on_site=False),
    Field("evaluation", "民主评议党员开展情况", "texts", on_site=False),
    Field("next_steps", "下步工作努力方向", "texts", on_site=False),
    Field("signature", "落款单位", "text", on_site=False),
    Field("date", "成文日期", "date", on_site=False),
))

BOARD = Record("Board", "board.yml ", (
    Field("organization", "发布单位", "text", required=True, searched=True),
    Field("period", "年度", "text", required=True),
    Field("id", "年度简称", "text"),  # for URLs (archive/<id>/); default: the digits of period (load)
    Field("previous", "上年度内容文件夹", "text"),  # relative to board.yml
    Field("notice", "公示期", "record", record=NOTICE),
    Field("feedback", "意见反馈渠道", "texts", searched=True),
    Field("report", "上报材料", "record", record=REPORT, on_site=False, carried=False),
))

MEETING = Record("Meeting", "组织生活会 meeting ", (
    Field("date", "会议日期", "date"),
    Field("supervisor", "列席指导", "text", searched=True),
))

EVALUATION = Record("Evaluation", "民主评议 evaluation ", (
    *_counts(
        ("members", "党员总数", ("党员总数", "党员人数", "党员数", "支部党员数", "党员总人数")),
        ("probationary", "预备党员", ("预备党员", "其中预备党员", "预备党员数", "预备党员人数")),
        ("participants", "参加评议", ("参加评议", "参加评议人数", "参评党员", "参评党员数", "参评人数", "参加评议党员数",
                                  "实际参评人数", "实参评人数", "参加评议党员")),
        ("rated", "参加组织评定", ("参加评定", "参加组织评定", "参加评定人数", "参加组织评定人数", "评定人数")),
    ),
    *_counts(
        ("excellent", "优秀", ("优秀", "优秀人数", "评为优秀", "评定优秀", "评定为优秀", "优秀等次")),
        ("qualified", "合格", ("合格", "合格人数", "评为合格", "评定合格", "评定为合格", "合格等次")),
        ("basic", "基本合格", ("基本合格", "基本合格人数", "评为基本合格", "评定基本合格", "评定为基本合格", "基本合格等次")),
        ("unqualified", "不合格", ("不合格", "不合格人数", "评为不合格", "评定不合格", "评定为不合格", "不合格等次")),
        grade=True,
    ),
    Field("honor_roll", "优秀党员名单", "texts", searched=True, headers=("优秀党员名单", "优秀党员", "优秀党员姓名"), width=30),
    Field("opinions", "征求意见建议条数", "count", headers=("征求意见建议条数", "征求意见建议", "意见建议条数", "征求意见条数")),
))

# Tally columns that are no field of their own: the importer derives a field from them (正式党员 + 预备党员 =
# 党员总数) or checks them against the counts (参评率); most specific first, like a field's headers.
FULL_MEMBER_HEADERS = ("正式党员", "正式党员数", "正式党员人数")
PARTICIPATION_RATE_HEADERS = ("参评率", "参评比例", "参加评议率")

# Who sees a record (an item, a person): one declaration, read strictly from a sheet (``公开：否`` is an error,
# never 公开 with the rest dropped), since a wrong reading publishes what is 党内.
AUDIENCE = Field("audience", "公开范围", "enum", choices=Audience, default=Audience.PUBLIC, implicit=True, strict=True,
                 headers=("公开范围",), width=10, sheet_words=(
                     ("不公开", Audience.PARTY), ("内部", Audience.PARTY), ("仅党内", Audience.PARTY),
                     ("党内公开", Audience.PARTY), ("仅限党内", Audience.PARTY), ("对外公开", Audience.PUBLIC),
                     ("社会公开", Audience.PUBLIC), ("公开发布", Audience.PUBLIC)))

ITEM = Record("Item", "整改事项", (
    # No "/": ``罗某某/01`` names a person's item (carried_from, the change log), so a 序号 with one would be ambiguous.
    Field("id", "序号", "text", headers=("序号", "编号", "问题序号"), width=6, quoted=True, pattern=r"[^/]+",
          form="不含斜杠“/”的序号", example="03"),
    # Group rows such as （一）在“政治建设”方面 fill 问题类别 of the items below them (``itemrows``).
    Field("category", "问题类别", "text", headers=("问题类别", "类别", "问题类型", "问题分类"), width=12, grouped=True,
          searched=True),
    # 反馈问题 beside 具体问题 is the parent issue the inspectors raised: kept as each item's 问题来源.
    # (Alone, 反馈问题 is the problem itself: the problem's headers are matched first.)
    Field("source", "问题来源", "text", headers=("问题来源", "来源", "反馈问题", "巡察反馈问题", "督察反馈问题"), width=12,
          grouped=True, searched=True),
    Field("problem", "问题", "text", required=True,
          headers=("存在问题", "具体问题", "问题表现", "问题描述", "存在的问题", "主要问题", "整改任务", "问题", "查摆问题",
                   "对照查摆问题", "问题清单", "突出问题",
                   "问题内容", "具体表现", "主要表现", "反馈问题", "巡察反馈问题", "督察反馈问题", "发现问题",
                   "审计发现问题", "巡察发现问题"), width=40, searched=True),
    Field("measures", "整改措施", "texts", required=True, headers=("整改措施", "措施", "整改举措", "具体措施", "主要措施", "具体整改措施"),
          width=48, searched=True),
    Field("target", "整改目标", "text", headers=("整改目标", "目标", "整改要求", "整改标准"), width=24, searched=True),
    Field("owner", "责任人", "text", required=True, several=True, width=10, searched=True, headers=(
        "责任人", "责任领导", "牵头领导", "分管领导", "主要责任人", "具体责任人", "责任部门", "责任科室", "责任处室",
        "责任单位", "牵头单位", "牵头部门", "配合单位", "配合部门", "责任主体")),
    Field("deadline", "整改时限", "deadline", required=True, width=14,
          headers=("整改时限", "完成时限", "整改完成时限", "整改期限", "完成期限", "时间节点", "时限", "整改时间"),
          sheet_words=(("即知即改", DeadlineKind.IMMEDIATE), ("立即整改", DeadlineKind.IMMEDIATE),
                       ("长期", DeadlineKind.ONGOING), ("长期坚持整改", DeadlineKind.ONGOING))),
    Field("status", "整改状态", "enum", choices=Status, default=Status.NOT_STARTED, several=True,
          headers=("完成情况", "整改情况", "整改完成情况", "销号情况", "办结情况", "整改进度", "完成状态", "整改状态", "状态",
                   "整改落实情况", "落实情况", "是否完成", "完成进度"),
          width=10, sheet_words=(
              ("已销号", Status.CLOSED), ("销号", Status.CLOSED),
              ("已完成整改", Status.DONE), ("完成整改", Status.DONE), ("整改完成", Status.DONE), ("已整改", Status.DONE),
              ("已办结", Status.DONE), ("办结", Status.DONE), ("完成", Status.DONE),
              ("未销号", Status.IN_PROGRESS), ("基本完成", Status.IN_PROGRESS), ("部分整改", Status.IN_PROGRESS),
              ("阶段性办结", Status.IN_PROGRESS), ("阶段性完成", Status.IN_PROGRESS), ("持续推进", Status.IN_PROGRESS),
              ("未完成", Status.IN_PROGRESS), ("正在整改", Status.IN_PROGRESS), ("持续整改", Status.IN_PROGRESS),
              ("推进中", Status.IN_PROGRESS), ("整改中", Status.IN_PROGRESS),
              ("未启动", Status.NOT_STARTED), ("尚未整改", Status.NOT_STARTED), ("未整改", Status.NOT_STARTED),
          ), telling_words=("未销号", "基本完成", "部分整改", "阶段性办结", "阶段性完成", "持续推进")),
    Field("completed", "完成日期", "date", headers=("完成时间", "销号时间", "完成日期", "销号日期", "实际完成时间"), width=14, carried=False),
    Field("verified_by", "验证人", "text", headers=("验证人", "销号验证人", "验收人"), width=10, searched=True, carried=False),
    Field("progress", "整改进展", "text", several=True, width=30, searched=True,
          headers=("整改进展", "整改进展情况", "进展情况", "进展", "整改成效", "整改效果", "工作成效")),
    AUDIENCE,
    Field("carried_from", "结转自", "text", headers=("结转自", "结转来源"), width=16,
          pattern=r"[a-z0-9][a-z0-9-]{0,63}/[a-z0-9][a-z0-9-]{0,63}/\S.*", form="年度简称/支部文件名/序号",
          example="2024/jiguan-1/03"),
))

# A member's own list (个人整改清单): a branch's item, except that the owner defaults to the person
# (``load``) and that it is 党内 unless marked 公开: a person's problems are public only when the office says so.
PERSONAL_ITEM = dataclasses.replace(ITEM.variant(
    "PersonalItem", "个人整改事项",
    owner={"required": False},
    audience={"default": Audience.PARTY},
), sheet="个人整改清单")

PERSON = Record("Person", "班子成员和党员", (
    Field("name", "姓名", "text", required=True, headers=("姓名", "党员姓名", "承诺人"), width=10, searched=True,
          pattern=r"[^/]+", form="一个人的姓名，不含斜杠“/”", example="罗某某"),
    Field("role", "职务", "text", headers=("职务", "党内职务", "职务或岗位"), width=16, searched=True),
    # A new year's pledges are made anew (亮身份、作承诺 at each meeting): new-period keeps the person, not the pledge.
    Field("pledge", "承诺", "text", headers=("承诺内容", "承诺事项", "承诺"), width=40, searched=True, carried=False),
    Field("fulfilled", "践诺情况", "text", headers=("践诺情况", "履诺情况", "践诺"), width=40, searched=True,
          carried=False),
    AUDIENCE,
    Field("rectifications", "个人整改清单", "records", record=PERSONAL_ITEM, attr="items"),
), sheet="党员承诺")

BRANCH = Record("Branch", "支部文件", (
    Field("name", "支部名称", "text", required=True, width=22, searched=True,
          headers=("支部名称", "党支部名称", "党支部", "支部", "党组织名称", "党组织", "单位", "单位名称")),
    Field("kind", "支部类型", "enum", choices=Kind, default=Kind.BRANCH, headers=("支部类型", "类型", "党组织类型")),
    Field("order", "排序", "integer"),
    Field("secretary", "支部书记", "text", searched=True, headers=("支部书记", "书记")),
    Field("meeting", "组织生活会", "record", record=MEETING, carried=False),
    Field("evaluation", "民主评议", "record", record=EVALUATION, carried=False),
    Field("rectifications", "整改清单", "records", record=ITEM, attr="items"),
    Field("people", "班子成员和党员", "records", record=PERSON),
))

RECORDS = (NOTICE, REPORT, BOARD, MEETING, EVALUATION, ITEM, PERSONAL_ITEM, PERSON, BRANCH)  # nested before holding

# The eight counts of an evaluation (a tally sheet's columns), and its four grades, in report order.
COUNTS = tuple(f.key for f in EVALUATION.fields if f.type == "count" and f.required)
GRADES = tuple(f.key for f in EVALUATION.fields if f.grade)

# How many items a board or branch has: in all, per status, and overdue (``figures.ItemCounts``).
ITEM_COUNTS = ("total", *(s.key for s in Status), "overdue")
ITEM_COUNT_LABELS = {"total": "整改事项", **{s.key: s.label for s in Status}, "overdue": "逾期"}
# How many people a board or branch shows, and of them how many pledged and reported fulfilment (``figures.PeopleCounts``).
PEOPLE_COUNT_LABELS = {"people": "承诺人数", "pledges": "作出承诺", "fulfilled": "报告践诺"}
