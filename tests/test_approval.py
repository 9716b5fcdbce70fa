"""Review and approval before anything is published (先审后公开): the log, the fingerprints, the gate, the marks."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

from generator import core
from generator.approval import log
from generator.approval.state import Change, Refused, sign
from generator.content.dates import parse_date
from generator.content.model import Audience, Severity
from helpers import (
    AS_OF,
    CONFIG,
    REPO,
    approve_board,
    board,
    build_site,
    item,
    needs_chromium,
    read_html,
    serve_folder,
    tiny_board,
    write_yaml,
)

TODAY = dt.date.today()
PREVIEW = "预览稿 · 未经审批"


def two_audiences(root: Path) -> Path:
    """A board with a public and a 党内 item in one branch, and a second branch."""
    return tiny_board(root, {
        "first": {"name": "第一党支部", "order": 1, "rectifications": [
            item(id="1", problem="公开的问题", status="已完成", completed="2024-05-01"),
            item(id="2", problem="党内的问题", audience="党内"),
        ]},
        "second": {"name": "第二党支部", "order": 2, "rectifications": [item(id="1", problem="第二支部的问题")]},
    })


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def validate(content: Path, audience: str = "public") -> core.Checked:
    return core.validate(core.make_options(content, audience=audience, as_of=AS_OF))


def rechain(path: Path) -> None:
    """Rewrite a log a test edited with every chain made anew: what someone who can run the board could do."""
    previous, blocks = "", [log.HEADER]
    for raw in yaml.safe_load(path.read_text(encoding="utf-8")):
        record = log.Record(next(s for s in log.Step if s.label == raw["step"]), raw["by"], parse_date(str(raw.get("on", raw.get(True)))),
                            next(a for a in Audience if a.label == raw["audience"]), raw["fingerprint"],
                            raw.get("files") or {}, raw.get("note"))
        previous = log.link(previous, record)
        blocks.append(log.record_text(dataclasses.replace(record, chain=previous)))
    path.write_text("\n".join(blocks), encoding="utf-8")


def messages(checked: core.Checked) -> list[str]:
    return [str(p) for p in checked.problems]


# ---- fingerprints: of what each audience sees --------------------------------------------------


def test_a_party_only_edit_keeps_the_public_approval_and_voids_the_party_one(tmp_path):
    content = two_audiences(tmp_path / "c")
    approve_board(content, "public")
    approve_board(content, "party")
    assert validate(content, "public").approval.approved and validate(content, "party").approval.approved
    edit(content / "branches" / "first.yml", "党内的问题", "党内的问题（已改）")
    public, party = validate(content, "public"), validate(content, "party")
    assert public.approval.approved
    assert not party.approval.approved
    assert party.approval.changes_since(party.approval.last_approve) == [Change("branches/first.yml", "修改")]
    # the party board's approval voided is a warning naming the file, not an error
    assert any("党内版内容在" in m and "修改 branches/first.yml" in m and "警告" in m for m in messages(party))


def test_a_public_edit_voids_both_and_names_the_file(tmp_path):
    content = two_audiences(tmp_path / "c")
    approve_board(content, "public")
    approve_board(content, "party")
    edit(content / "branches" / "second.yml", "第二支部的问题", "第二支部的问题（已改）")
    for audience in ("public", "party"):
        state = validate(content, audience).approval
        assert not state.approved
        assert [c.file for c in state.changes_since(state.last_approve)] == ["branches/second.yml"]
    write_yaml(content / "branches" / "third.yml", {"name": "第三党支部"})
    (content / "branches" / "second.yml").unlink()
    state = validate(content).approval
    assert state.changes_since(state.last_approve) == [Change("branches/second.yml", "删除"),
                                                       Change("branches/third.yml", "新增")]


def test_an_edit_to_an_earlier_period_voids_the_approval_and_names_its_file(tmp_path):
    """Earlier periods are published under /archive/<id>/: last year's folder is part of what is approved."""
    old = tiny_board(tmp_path / "c2023", {"first": {"name": "第一党支部", "rectifications": [
        item(status="已完成", completed="2024-05-01")]}})
    new = tiny_board(tmp_path / "c2024", period="2024年度", previous="../c2023")
    approve_board(new, "public")
    assert validate(new).approval.approved
    edit(old / "branches" / "first.yml", "理论学习不够深入", "理论学习不够深入（事后改动）")
    state = validate(new).approval
    assert not state.approved
    assert state.changes_since(state.last_approve) == [Change("archive/2023/branches/first.yml", "修改")]


def test_the_fingerprint_ignores_the_date_comments_and_layout_but_not_the_order(tmp_path):
    content = two_audiences(tmp_path / "c")
    approve_board(content)
    first = content / "branches" / "first.yml"
    first.write_text("# 注释\n" + first.read_text(encoding="utf-8").replace("name:", "name:  "), encoding="utf-8")
    assert core.validate(core.make_options(content, audience="public", as_of="2030-01-01")).approval.approved
    moved = tmp_path / "elsewhere" / "content"  # where it came from (folder, cache key) is not content
    shutil.copytree(content, moved)
    assert validate(moved).approval.approved
    edit(content / "branches" / "second.yml", "order: 2", "order: 0")
    assert not validate(content).approval.approved


def test_approving_the_public_board_does_not_approve_the_party_board(tmp_path):
    content = two_audiences(tmp_path / "c")
    approve_board(content, "public")
    assert validate(content, "public").approval.approved
    assert not validate(content, "party").approval.approved


# ---- the log: every bad input a file:line problem ----------------------------------------------


def signed_log(content: Path, reviewer: str = "王某某", approver: str = "李某某") -> Path:
    approve_board(content, reviewer=reviewer, approver=approver)
    return content / log.FILE_NAME


def line_of(text: str, needle: str, start: int = 0) -> int:
    return text[: text.index(needle, start)].count("\n") + 1


def test_a_malformed_log_is_reported_by_line_and_never_approves(tmp_path):
    content = two_audiences(tmp_path / "c")
    log = signed_log(content)
    text = log.read_text(encoding="utf-8")
    log.write_text(text.replace("  by: 李某某", "  by: 李某某: 多余"), encoding="utf-8")
    checked = validate(content)
    [problem] = checked.errors
    assert problem.path.endswith("approvals.yml") and problem.line == line_of(text, "  by: 李某某")
    assert "YAML 格式错误" in problem.message and checked.approval is None
    log.write_text("step: 审核\n", encoding="utf-8")
    assert [m.split(": ", 1)[1] for m in messages(validate(content))] == [
        "approvals.yml 应为记录的列表，每条记录以“- step:”开头"]


def test_every_bad_value_of_a_record_at_once(tmp_path):
    content = two_audiences(tmp_path / "c")
    log = signed_log(content)
    text = log.read_text(encoding="utf-8")
    future = TODAY + dt.timedelta(days=3)
    bad = (text.replace("audience: 公开", "audience: 全体", 1)
           .replace("  fingerprint:", "  fingerprnt: x\n  fingerprint:", 1)
           .replace(f"on: {TODAY}", f"on: {future}", 1)
           .replace("step: 审批", "step: 批准"))
    log.write_text(bad, encoding="utf-8")
    found = {(p.line, p.message) for p in validate(content).errors}
    assert (line_of(bad, "audience: 全体"), "不认识的公开范围“全体”，可选：公开（public）、党内（party）") in found
    assert (line_of(bad, "fingerprnt"), "不认识的键“fingerprnt”，是不是想写 fingerprint？") in found
    assert (line_of(bad, f"on: {future}"), f"日期 {future} 在今天（{TODAY}）之后：不能预先登记审核或审批") in found
    assert (line_of(bad, "step: 批准"), "step（步骤）不能是“批准”，可选：审核（review）、审批（approve）") in found


def test_an_approval_needs_a_review_of_the_same_content_and_date(tmp_path):
    content = two_audiences(tmp_path / "c")
    log = signed_log(content)
    text = log.read_text(encoding="utf-8")
    review_block = text[text.index("- step: 审核"): text.index("- step: 审批")]
    log.write_text(text.replace(review_block, ""), encoding="utf-8")
    rechain(log)
    checked = validate(content)
    assert any(p.line == line_of(log.read_text(encoding="utf-8"), "- step: 审批") and "没有对应的审核记录" in p.message
               for p in checked.errors)
    earlier = TODAY - dt.timedelta(days=1)
    log.write_text(text.replace(f"on: {TODAY}", f"on: {earlier}", 2).replace(f"on: {earlier}", f"on: {TODAY}", 1),
                   encoding="utf-8")
    rechain(log)
    assert any(f"审批日期 {earlier} 早于审核日期 {TODAY}" in m for m in messages(validate(content)))


def test_the_same_person_reviewing_and_approving_is_allowed_but_warned(tmp_path):
    content = two_audiences(tmp_path / "c")
    log = signed_log(content, reviewer="张某某", approver="张某某")
    checked = validate(content)
    assert not checked.errors and checked.approval.approved
    [warning] = checked.warnings
    assert warning.severity is Severity.WARNING
    assert warning.line == line_of(log.read_text(encoding="utf-8"), "- step: 审批")
    assert "审核人和审批人都是“张某某”" in warning.message
    approve_board(content, reviewer="王某某", approver="李某某")  # a proper re-review and approval settles it
    assert validate(content).warnings == []


def test_an_approval_older_than_the_content_is_an_error(tmp_path):
    content = two_audiences(tmp_path / "c")
    log = signed_log(content)
    text = log.read_text(encoding="utf-8")
    log.write_text(text.replace(f"on: {TODAY}", "on: 2024-04-01"), encoding="utf-8")
    rechain(log)
    errors = validate(content).errors
    assert len(errors) == 2  # the review and the approval, each at its own line
    assert "审批日期 2024-04-01 早于内容里的日期 2024-05-01" in errors[1].message
    assert "branches/first.yml:" in errors[1].message


def test_sign_refuses_a_future_date_an_unreviewed_approval_and_an_empty_name(tmp_path):
    content = two_audiences(tmp_path / "c")
    checked = validate(content)
    args = (checked.content, checked.log, checked.approval, TODAY)
    with pytest.raises(Refused, match="在今天"):
        sign(log.Step.REVIEW, "王某某", TODAY + dt.timedelta(days=1), None, *args)
    with pytest.raises(Refused, match="还没有审核"):
        sign(log.Step.APPROVE, "李某某", TODAY, None, *args)
    with pytest.raises(Refused, match="--by"):
        sign(log.Step.REVIEW, "  ", TODAY, None, *args)
    with pytest.raises(Refused, match="早于内容里的日期 2024-05-01"):
        sign(log.Step.REVIEW, "王某某", dt.date(2024, 4, 30), None, *args)


def test_records_keep_text_as_typed_and_the_log_as_it_was(tmp_path):
    content = two_audiences(tmp_path / "c")
    (content / log.FILE_NAME).write_text("# 党委办的说明\n", encoding="utf-8")
    odd = "王某某: \"组长\" # 不是注释 *粗* {{ x }}"  # one line: a name with a line break is refused (test_attack)
    approve_board(content, reviewer=odd)
    text = (content / log.FILE_NAME).read_text(encoding="utf-8")
    assert text.startswith("# 党委办的说明\n")
    checked = validate(content)
    assert checked.approval.review.by == odd and checked.approval.approved
    records = yaml.safe_load(text)
    assert [r["step"] for r in records] == ["审核", "审批"] and records[0]["by"] == odd


# ---- the sample content ships approved --------------------------------------------------------

REFRESH = "示例内容的审批记录已过期：运行 sh docs/approve-sample.sh 重新登记（见 docs/approval.md）"


@pytest.mark.parametrize("audience", ["public", "party"])
def test_the_sample_content_is_approved(audience):
    checked = core.validate(core.make_options(REPO / "content", audience=audience))
    assert not checked.errors
    assert checked.approval.approved, REFRESH
    assert checked.approval.review.by != checked.approval.approve.by


# ---- the commands, end to end on a board that is not in the repo --------------------------------


def cli(command: str, content: Path, *extra: str):
    return board(command, "--config", str(CONFIG), "--content", str(content), "--as-of", AS_OF, *extra)


def test_publish_is_refused_until_reviewed_and_approved_then_names_both(tmp_path):
    content = two_audiences(tmp_path / "c")
    root = tmp_path / "www"
    refused = cli("publish", content, "--to", str(root))
    assert refused.code == 1 and "Traceback" not in refused.err
    assert "公开版内容还没有审核和审批" in refused.err and "board review --by" in refused.err
    assert not (root / "current").exists() and not any((root / "releases").iterdir())

    early = cli("approve", content, "--by", "李某某")
    assert early.code == 1 and "不能审批：公开版内容还没有审核" in early.err
    assert not (content / log.FILE_NAME).exists()

    review = cli("review", content, "--by", "王某某", "--note", "已做保密审查")
    assert review.code == 0, review.err
    assert "首次审批" in review.out and "【新增】第一党支部 整改清单 1（branches/first.yml）" in review.out
    assert "问题：公开的问题" in review.out and "整改状态：已完成" in review.out
    assert "党内的问题" not in review.out  # the public board is being reviewed
    assert "下一步：审批人运行 board approve --by 姓名" in review.out

    half = cli("publish", content, "--to", str(root))
    assert half.code == 1 and "已审核" in half.err and "还没有审批" in half.err

    approve = cli("approve", content, "--by", "李某某")
    assert approve.code == 0, approve.err
    published = cli("publish", content, "--to", str(root))
    assert published.code == 0, published.err
    live = root / "current"
    index = live.joinpath("index.html").read_text(encoding="utf-8")
    assert PREVIEW not in index and f"审核：王某某（{TODAY.year}年{TODAY.month}月{TODAY.day}日）" in index
    assert "审批：李某某" in index
    assert "审核：王某某" in live.joinpath("changes", "index.html").read_text(encoding="utf-8")
    assert re.search(r"@bottom-center \{ content: \"审核：王某某[^\"]*审批：李某某", (live / "print" / "index.html").read_text())
    summary = json.loads((live / "data" / "summary.json").read_text(encoding="utf-8"))
    assert summary["approval"] == {"reviewed_by": "王某某", "reviewed_on": TODAY.isoformat(),
                                   "approved_by": "李某某", "approved_on": TODAY.isoformat()}
    listed = board("releases", "--to", str(root))
    assert f"审核 王某某（{TODAY}），审批 李某某（{TODAY}）" in listed.out

    before = os.readlink(live)
    write_yaml(content / "branches" / "second.yml", {"name": "第二党支部", "order": 2, "rectifications": [
        item(id="1", problem="第二支部的问题（第二版）", status="已完成", completed="2024-06-01")]})
    approve_board(content, reviewer="赵某某", approver="钱某某")
    assert cli("publish", content, "--to", str(root)).code == 0
    history = json.loads((live / "data" / "changes.json").read_text(encoding="utf-8"))
    assert history[0]["approval"]["reviewed_by"] == "赵某某"  # registered with the version it approved
    assert "审核：赵某某　审批：钱某某" in "".join(read_html(live / "changes" / "index.html").text)
    listed = board("releases", "--to", str(root)).out.splitlines()
    assert "审核 赵某某" in listed[0] and "审核 王某某" in listed[1]

    before = os.readlink(live)
    edit(content / "branches" / "second.yml", "第二支部的问题（第二版）", "第二支部的问题（未经审批的改动）")
    again = cli("publish", content, "--to", str(root))
    assert again.code == 1
    assert "公开版内容在最近一次审批" in again.err and "  修改 branches/second.yml" in again.err
    assert os.readlink(live) == before and len(list((root / "releases").iterdir())) == 2


def test_an_unapproved_build_is_marked_everywhere_and_an_approved_one_nowhere(tmp_path):
    content = two_audiences(tmp_path / "c")
    preview = tmp_path / "preview"
    build_site(content, preview)
    for page in ("index.html", "branches/first/index.html", "ledger/index.html", "changes/index.html",
                 "print/index.html", "screen/index.html", "404.html"):
        assert PREVIEW in "".join(read_html(preview / page).text), page
    assert json.loads((preview / "data" / "summary.json").read_text(encoding="utf-8"))["approval"] is None
    screen = json.loads((preview / "data" / "screen" / "index.json").read_text(encoding="utf-8"))
    assert screen["preview"] is True and screen["approval"] is None
    approve_board(content)
    approved = tmp_path / "approved"
    build_site(content, approved)
    for page in approved.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if page.parent.name == "screen":  # screen.js shows or hides it as each published index.json says
            text = text.replace('id="screen-preview" hidden>预览稿', "")
        if page.parent.name == "manual":  # the manual (README) explains the mark: only its frame could carry one
            text = text.split('class="board-manual"')[0]
        assert "预览稿" not in text, page
    assert json.loads((approved / "data" / "screen" / "index.json").read_text(encoding="utf-8"))["preview"] is False


def no_gate_config(tmp_path: Path) -> Path:
    text = CONFIG.read_text(encoding="utf-8").replace("custom_dir: theme", f"custom_dir: {REPO / 'theme'}")
    text = re.sub(r"(?m)^(\s+)approval: on\b", r"\1approval: off", text)
    assert "approval: off" in text
    path = tmp_path / "site-config.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_approval_off_in_site_config_publishes_previews_only(tmp_path):
    content = two_audiences(tmp_path / "c")
    config = no_gate_config(tmp_path)
    run = board("publish", "--config", str(config), "--content", str(content), "--as-of", AS_OF,
                    "--to", str(tmp_path / "www"))
    assert run.code == 0, run.err
    index = (tmp_path / "www" / "current" / "index.html").read_text(encoding="utf-8")
    assert PREVIEW in index and "审核：" not in index  # approval off: nothing here is approved
    refused = board("review", "--config", str(config), "--content", str(content), "--by", "王某某")
    assert refused.code == 1 and "approval: off" in refused.err
    assert publish_flags_are_no_way_around() == set()


def publish_flags_are_no_way_around() -> set[str]:
    """No option of ``board publish`` turns the gate off."""
    from generator.cli import publish

    return {o for p in publish.params for o in p.opts if re.search("approv|gate|审", o)}


def test_bad_log_stops_check_and_publish_with_file_line_and_no_traceback(tmp_path):
    content = two_audiences(tmp_path / "c")
    (content / log.FILE_NAME).write_text("- step: 审核\n  by: [王某某\n", encoding="utf-8")
    run = cli("check", content)
    assert run.code == 1 and "Traceback" not in run.err
    assert re.search(r"approvals\.yml:3: YAML 格式错误", run.err)
    run = cli("publish", content, "--to", str(tmp_path / "www"))
    assert run.code == 1 and re.search(r"approvals\.yml:3: YAML 格式错误", run.err)
    assert not (tmp_path / "www" / "current").exists()
    (content / log.FILE_NAME).unlink()
    run = cli("review", content, "--by", "王某某", "--on", "2099-01-01")
    assert run.code == 1 and "--on：日期 2099-01-01 在今天" in run.err


# ---- in the browser: the banner reads well, the watermark prints, the screen says it ------------

CONTRAST = """(selector) => {
  const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                     return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const e = document.querySelector(selector), st = getComputedStyle(e);
  const a = lum(rgb(st.color)), b = lum(rgb(st.backgroundColor));
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


@needs_chromium
def test_banner_contrast_print_watermark_and_screen_mark(browser, tmp_path):
    content = two_audiences(tmp_path / "c")
    site = tmp_path / "site"
    build_site(content, site)
    server = serve_folder(site)
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        base = f"http://127.0.0.1:{server.server_port}/"
        page.goto(base + "branches/first/")
        assert page.is_visible(".board-preview") and not page.is_visible(".board-watermark")
        assert page.evaluate(CONTRAST, ".board-preview") >= 4.5
        page.emulate_media(media="print")
        assert page.is_visible(".board-watermark") and page.is_visible(".board-preview")
        page.emulate_media(media="screen")
        page.goto(base + "screen/?seconds=1")
        page.wait_for_function("document.getElementById('screen-org').textContent !== ''")
        assert page.is_visible("#screen-preview") and page.evaluate(CONTRAST, "#screen-preview") >= 4.5
        approve_board(content)
        build_site(content, site)
        page.goto(base + "screen/?seconds=1")
        page.wait_for_function("document.getElementById('screen-org').textContent !== ''")
        assert not page.is_visible("#screen-preview")
    finally:
        page.close()
        server.shutdown()
        server.server_close()


@pytest.mark.skipif(not (Path("/usr/bin/chromium").exists() and shutil.which("pdftotext")),
                    reason="needs chromium and poppler-utils (tests/install-system.sh)")
def test_every_printed_page_carries_the_mark_or_the_names(tmp_path):
    from test_print import pages_of, squash

    content = two_audiences(tmp_path / "c")
    out = tmp_path / "preview.pdf"
    assert cli("pdf", content, "--out", str(out)).code == 0
    pages = pages_of(out)
    assert len(pages) == 3 and all(PREVIEW.replace(" ", "") in squash(p) for p in pages)
    approve_board(content, reviewer="王某某", approver="李某某")
    assert cli("pdf", content, "--out", str(out)).code == 0
    pages = pages_of(out)
    assert all("预览稿" not in p and "审核：王某某" in squash(p) and "审批：李某某" in squash(p) for p in pages)

