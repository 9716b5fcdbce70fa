"""What check, build, review, approve and publish say about the review and approval steps."""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.board.figures import visible
from generator.content.model import Audience, Content

if TYPE_CHECKING:
    from generator.approval.approved import Entry
    from generator.approval.state import Change, State

ENTRIES_LISTED = 200  # what a review prints, at most, entry by entry (the 审批表 lists them all)


def not_reviewed(current: State, again: str = "") -> str:
    """Why an approval must wait for a review (``again``: as ``refusal``)."""
    label, flag = current.audience.label, again + _audience_flag(current)
    since = current.last_review
    if since is None:
        return f"{label}版内容还没有审核：请先由审核人运行 board review --by 姓名{flag}"
    changed = _listed(current.changes_since(since))
    return (f"{label}版内容在最近一次审核（{since.on}，{since.by}）之后有改动，需要重新审核：\n{changed}\n"
            f"请先由审核人运行 board review --by 姓名{flag}")


def status(current: State) -> str:
    """One line for ``board check`` and ``board build``: approved by whom, or a preview."""
    if current.approved:
        return (f"{current.audience.label}版已审核（{current.review.by}，{current.review.on}）、"
                f"已审批（{current.approve.by}，{current.approve.on}）")
    if current.review is not None:
        return f"预览稿：{current.audience.label}版已审核（{current.review.by}，{current.review.on}），还没有审批"
    return f"预览稿：{current.audience.label}版内容还没有审核、审批"


def refusal(current: State, again: str = "") -> str | None:
    """Why ``board publish`` must not publish this content, or None when it is reviewed and approved.

    ``again``: the flags the commands it names must repeat to run on the same content (``--content``)."""
    if current.approved:
        return None
    label, flag = current.audience.label, again + _audience_flag(current)
    if current.review is not None:
        return (f"{label}版内容已审核（{current.review.on}，{current.review.by}），还没有审批：\n"
                f"请由审批人运行 board approve --by 姓名{flag}，然后再发布")
    last = current.last_approve
    if last is not None:
        return (f"{label}版内容在最近一次审批（{last.on}，{last.by}）之后有改动，需要重新审核、审批：\n"
                f"{_listed(current.changes_since(last))}\n"
                f"请先 board review --by 审核人{flag}，再 board approve --by 审批人{flag}")
    if current.old_approve is not None:
        return (f"{label}版内容的审批（{current.old_approve.on}，{current.old_approve.by}）是旧版本程序登记的，"
                "指纹较短、不能防伪，已不再作为发布的凭据：\n"
                f"请重新审核、审批：board review --by 审核人{flag}，再 board approve --by 审批人{flag}")
    return (f"{label}版内容还没有审核和审批（先审后公开）：\n"
            f"请先由审核人运行 board review --by 姓名{flag}，再由审批人运行 board approve --by 姓名{flag}")


def _audience_flag(current: State) -> str:
    return "" if current.audience is Audience.PUBLIC else f" --audience {current.audience.key}"


def _listed(changes: list[Change]) -> str:
    return "\n".join(f"  {c.kind} {c.file}" for c in changes) or "  （各文件相同，但支部的组成或顺序有变化）"


def describe(content: Content, current: State, entries: list[Entry]) -> list[str]:
    """What is being signed off: the board in figures, then every entry changed since the last approval."""
    audience = current.audience
    items = sum(visible(i, audience) for b in content.branches for i in b.items)
    lines = [f"{content.board.organization} {content.board.period}，{audience.label}版：{len(content.branches)} 个支部，"
             f"{items} 项整改事项", f"内容指纹：{current.fingerprint}"]
    last = current.last_approve
    if last is None:
        lines.append("首次审批：以下全部内容都要审核、审批（含历史归档的年度）：")
    else:
        lines.append(f"自上次审批（{last.on}，审批人 {last.by}）以来的改动（含历史归档的年度）：")
        if not entries:
            lines.append("  没有改动" if not current.changes_since(last) else _listed(current.changes_since(last)))
    for entry in entries[:ENTRIES_LISTED]:
        lines.append(f"  【{entry.kind}】{entry.what}（{entry.file}）")
        lines += ["    " + line.replace("\n", "\n      ") for line in entry_lines(entry)]
    if len(entries) > ENTRIES_LISTED:
        lines.append(f"  ……另有 {len(entries) - ENTRIES_LISTED} 处改动（board review --pdf 审批表.pdf 可打印全部）")
    return lines


def entry_lines(entry: Entry) -> list[str]:
    """An entry's text: all of it when added or removed, old → new field by field when changed."""
    if entry.unknown:
        return ["原内容：无法核对（上次审批的内容没有留存），现内容如下：", *entry.new]
    if not entry.old or not entry.new:
        return list(entry.new or entry.old)
    gone = [line for line in entry.old if line not in entry.new]
    came = [line for line in entry.new if line not in entry.old]
    return [f"原：{line}" for line in gone] + [f"新：{line}" for line in came]
