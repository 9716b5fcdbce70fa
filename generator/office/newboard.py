"""``board init``: a new bureau's own content folder, ready to check and build at once.

The sample bureau ships in ``content/`` with its approvals; a clerk starting
their own board gets a folder of their own instead: ``board.yml`` with their
organisation and period, one branch file per branch of their list (name and
kind, from a sheet read through the same header machinery as every import,
the headers declared on the fields in ``schema``), no approvals and no items.
Like ``board new-period`` the folder is written beside its place, loaded and
checked, and renamed in: a refused or failed init leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from generator.board.checks import check
from generator.content import schema
from generator.content.cells import text
from generator.content.load import BRANCH_ID as ID_PATTERN
from generator.content.load import load_content
from generator.content.model import Kind, Severity
from generator.content.schema import parse_choice
from generator.files import write_atomic
from generator.names import display_path
from generator.office import branchfile
from generator.office.headers import Column, columns_of, find_table, footer
from generator.office.sheets import SheetError, read_sheets

BRANCH_ID = Column("id", ("文件名", "支部文件名", "网址"))
ID_PREFIX = {Kind.BRANCH: "zhibu", Kind.TEMPORARY: "linshi"}


class InitError(RuntimeError):
    """A board that cannot be started, in words the clerk can act on."""


@dataclass(frozen=True)
class Planned:
    """One branch of the new board."""

    id: str
    name: str
    kind: Kind
    secretary: str | None = None


def _kind(value: str | None, ref: str, problems: list[str]) -> Kind:
    if not value:
        return Kind.BRANCH
    field = schema.BRANCH["kind"]
    found = parse_choice(value, Kind) or dict(field.sheet_words).get(value.strip())
    if found is None:
        problems.append(f"{ref}: 类型“{value}”不认识，只能是 {'、'.join(k.label for k in Kind)}（不填就是党支部）")
        return Kind.BRANCH
    return found


def read_branch_list(path: Path) -> list[Planned]:
    """The branches of a list (.xlsx or .csv): 支部名称, optionally 类型, 支部书记 and 文件名; ``SheetError`` lists
    every problem (``sheet!cell: …``) at once."""
    wanted = columns_of(schema.BRANCH, BRANCH_ID)
    for sheet in read_sheets(path):
        table = find_table(sheet, wanted, ("name",))
        if table is None:
            continue
        found: list[tuple[str | None, str, Kind, str | None, str]] = []
        problems: list[str] = []
        for index, row in table.body():
            name = text(table.get(row, "name"))
            lead = next((t for v in row if (t := text(v))), "")  # 合计 in the 序号 column leads the row too
            if not name or footer(name) or footer(lead):
                continue
            ref = sheet.ref(index, table.column("kind") or 0)
            found.append((text(table.get(row, "id")), name, _kind(text(table.get(row, "kind")), ref, problems),
                          text(table.get(row, "secretary")), sheet.ref(index, table.column("name") or 0)))
        if problems:
            raise SheetError(problems)
        if found:
            return _named(found)
    raise SheetError([f"{path.name}: 找不到支部名单：要有一列“{schema.BRANCH['name'].header}”（可再加“类型”“支部书记”“文件名”列）"])


def _named(rows: list[tuple[str | None, str, Kind, str | None, str]]) -> list[Planned]:
    """Each branch with its file name: the one written, else zhibu-01, linshi-01 … in list order.

    Every problem names the cell of the branch's name (``ref``), and a repeat the cell it repeats."""
    counters = dict.fromkeys(Kind, 0)
    planned, problems, names, ids = [], [], {}, {}
    for given, name, kind, secretary, ref in rows:
        counters[kind] += 1
        branch_id = given or f"{ID_PREFIX[kind]}-{counters[kind]:02d}"
        if not ID_PATTERN.fullmatch(branch_id):
            problems.append(f"{ref}: {name} 的文件名“{branch_id}”只能用小写字母、数字和 -，例如 jiguan-1")
        if name in names:
            problems.append(f"{ref}: 支部“{name}”写了两次（{names[name]} 已有）")
        if branch_id in ids:
            problems.append(f"{ref}: 文件名“{branch_id}”用了两次（{ids[branch_id]} 的支部已用）")
        names.setdefault(name, ref)
        ids.setdefault(branch_id, ref)
        planned.append(Planned(branch_id, name, kind, secretary))
    if problems:
        raise SheetError(problems)
    return planned


def refuse_place(out: Path) -> str | None:
    """Why ``out`` must not be written (None when it may): only a new or empty folder is."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        return (f"{display_path(out)} 已存在且不是空文件夹：board init 只写进新的或空的文件夹，不会覆盖任何文件"
                "（要替换示例内容，先把示例的 content 文件夹改名，例如 示例内容）")
    return None


def _board_text(organization: str, period: str) -> str:
    board = CommentedMap(organization=organization, period=period)
    board.yaml_set_start_comment("本单位的公开栏（由 board init 建立）。以后可以加上 notice（公示期）、feedback（意见反馈渠道），格式见使用说明")
    return branchfile.dump(board)


def _branch_text(branch: Planned, order: int) -> str:
    data = {"name": branch.name, "kind": branch.kind.label, "order": order}
    if branch.secretary:
        data["secretary"] = branch.secretary
    mapping = branchfile.record_map(schema.BRANCH, data)
    mapping.yaml_set_start_comment(f"整改清单用 board import 表格.xlsx --branch {branch.id} 导入；民主评议结果用 board import 统计表.xlsx 导入")
    return branchfile.dump(mapping)


def init_board(out: Path, organization: str, period: str, branches: list[Planned]) -> Path:
    """Write the new board to ``out`` (refused by the caller via ``refuse_place`` first); checked before it lands."""
    out = out.absolute()
    if not branches:
        branches = [Planned("zhibu-01", "第一党支部", Kind.BRANCH)]
    work = out.with_name(f".{out.name}.new-{os.getpid()}")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        write_atomic(work / "board.yml", _board_text(organization, period))
        for order, branch in enumerate(branches, start=1):
            write_atomic(work / "branches" / f"{branch.id}.yml", _branch_text(branch, order))
        loaded, problems = load_content(work)
        if loaded is not None:
            problems += check(loaded, dt.date.today())
        errors = [str(p).replace(work.name, out.name) for p in problems if p.severity is Severity.ERROR]
        if errors or loaded is None:
            raise InitError("新建的内容没有通过检查，没有写入：\n" + "\n".join(errors))
        if out.exists():
            out.rmdir()  # empty: refuse_place said so
        work.rename(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def guide(out: Path, organization: str, period: str, branches: list[Planned], default_content: Path) -> list[str]:
    """What the clerk does next, in order, with the commands to type."""
    shown = display_path(out)
    temporary = sum(b.kind is Kind.TEMPORARY for b in branches)
    size = f"{len(branches) or 1} 个支部" + (f"（含临时党支部 {temporary} 个）" if temporary else "")
    flag = "" if out.resolve() == default_content.resolve() else f" --content {shown}"
    lines = [f"已建立 {shown}：{organization} {period}，{size}，检查通过。", "下一步："]
    if flag:
        lines.append(f"  0. 以后每条命令都加 --content {shown}；或把 site-config.yml 里的 docs_dir 和 content_dir 都改为 {shown}，就不用再加")
    lines += [
        f"  1. 核对支部：{shown}/branches/ 里每个支部一个文件（文件名就是网址），可改名称、排序、支部书记",
        "  2. 收集整改清单：board template 整改清单模板.xlsx，发给各支部填写",
        f"  3. 导入：board import 表格.xlsx --branch {(branches[0].id if branches else 'zhibu-01')}{flag}（每个支部一次）",
        f"  4. 检查、预览：board check{flag}，board serve{flag}",
        f"  5. 审核、审批、发布：board review --by 审核人{flag}，board approve --by 审批人{flag}，board publish --to /srv/board{flag}",
    ]
    return lines
