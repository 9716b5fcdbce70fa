"""approvals.yml: whole SHA-256 prints, the chain that voids a hand-edited record, older logs asking to sign again."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import core
from generator.approval import log
from generator.approval.fingerprints import PRINT_CHARS


@pytest.fixture
def signed(kit, tmp_path) -> Path:
    """A two-item board whose public content is reviewed (王某某) and approved (李某某)."""
    content = kit.tiny_board(tmp_path / "c", {"first": {"name": "第一党支部", "rectifications": [
        kit.item(id="1", problem="公开的问题"), kit.item(id="2", problem="党内的问题", audience="党内")]}})
    kit.approve_board(content, reviewer="王某某", approver="李某某")
    return content


def check(kit, content: Path, *extra: str):
    return kit.board("check", "--config", str(kit.CONFIG), "--content", str(content), "--as-of", kit.AS_OF, *extra)


def publish(kit, content: Path, root: Path):
    return kit.board("publish", "--config", str(kit.CONFIG), "--content", str(content), "--as-of", kit.AS_OF,
                     "--to", str(root))


def line_of(path: Path, needle: str) -> int:
    text = path.read_text(encoding="utf-8")
    return text[: text.index(needle)].count("\n") + 1


def test_every_print_is_a_whole_sha256(signed):
    state = core.validate(core.make_options(signed, audience="public", as_of="2024-07-01")).approval
    assert state.approved
    assert len(state.fingerprint) == PRINT_CHARS == 64
    assert state.files and all(len(p) == 64 for p in state.files.values())
    text = (signed / log.FILE_NAME).read_text(encoding="utf-8")
    assert f"fingerprint: {state.fingerprint}\n" in text and f"branches/first.yml: {state.files['branches/first.yml']}" in text


@pytest.mark.parametrize(("old", "new"), [("by: 李某某", "by: 张某某"), ("note: ", "note: 改过的意见 ")])
def test_a_hand_edited_record_voids_the_chain_and_publish_names_its_line(kit, signed, tmp_path, old, new):
    path = signed / log.FILE_NAME
    text = path.read_text(encoding="utf-8")
    if old == "note: ":  # records made by approve_board have no note: give the approval one by hand
        old, new = "  audience: 公开\n  fingerprint", "  note: 同意\n  audience: 公开\n  fingerprint"
        text = text[::-1].replace(old[::-1], new[::-1], 1)[::-1]
    else:
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    line = line_of(path, "- step: 审批")
    for run in (check(kit, signed), publish(kit, signed, tmp_path / "www")):
        assert run.code == 1 and "Traceback" not in run.err
        assert f"approvals.yml:{line}: 第 {line} 行的记录在登记后被改动过" in run.err
    assert not (tmp_path / "www" / "current").exists()


def test_a_removed_or_moved_record_breaks_the_chain_where_it_was(kit, signed):
    path = signed / log.FILE_NAME
    text = path.read_text(encoding="utf-8")
    review = text[text.index("- step: 审核"): text.index("- step: 审批")]
    approve = text[text.index("- step: 审批"):]
    for changed in (text.replace(review, ""), text.replace(review, "").replace(approve, approve + "\n" + review)):
        path.write_text(changed, encoding="utf-8")
        run = check(kit, signed)
        assert run.code == 1 and f"第 {line_of(path, '- step: 审批')} 行的记录在登记后被改动过" in run.err


def test_comments_and_blank_lines_leave_the_chain_whole(kit, signed):
    path = signed / log.FILE_NAME
    path.write_text("# 已归档：2024年第3号\n\n" + path.read_text(encoding="utf-8").replace("- step: 审批", "# 审批\n- step: 审批"),
                    encoding="utf-8")
    run = check(kit, signed)
    assert run.code == 0 and "公开版已审核（王某某" in run.out


def test_a_log_from_the_short_print_version_is_read_and_asks_to_sign_again(kit, signed, tmp_path):
    """An earlier version wrote 16-digit prints and no chain: no crash, no approval, a clear request to re-sign."""
    state = core.validate(core.make_options(signed, audience="public", as_of="2024-07-01")).approval
    files = "".join(f"    {name}: {mark[:12]}\n" for name, mark in state.files.items())
    old = "".join(f"- step: {step}\n  by: {by}\n  on: 2024-07-01\n  audience: 公开\n  fingerprint: {state.fingerprint[:16]}\n"
                  f"  files:\n{files}\n" for step, by in (("审核", "王某某"), ("审批", "李某某")))
    (signed / log.FILE_NAME).write_text(old, encoding="utf-8")
    run = check(kit, signed)
    assert run.code == 0 and "旧版本程序登记的" in run.err and "请重新审核、审批" in run.err
    assert "预览稿" in run.out
    refused = publish(kit, signed, tmp_path / "www")
    assert refused.code == 1 and "Traceback" not in refused.err
    assert "审批（2024-07-01，李某某）是旧版本程序登记的" in refused.err and "board review --by" in refused.err
    review = kit.board("review", "--config", str(kit.CONFIG), "--content", str(signed), "--as-of", kit.AS_OF,
                       "--by", "王某某")
    assert review.code == 0, review.err  # signing again appends to the old log and starts the chain
    kit.approve_board(signed, reviewer="王某某", approver="李某某")
    assert publish(kit, signed, tmp_path / "www").code == 0


def test_a_short_print_in_a_chained_record_is_an_error_at_its_line(kit, signed):
    path = signed / log.FILE_NAME
    state = core.validate(core.make_options(signed, audience="public", as_of="2024-07-01")).approval
    path.write_text(path.read_text(encoding="utf-8").replace(state.fingerprint, state.fingerprint[:16], 1),
                    encoding="utf-8")
    run = check(kit, signed)
    assert run.code == 1 and f"approvals.yml:{line_of(path, state.fingerprint[:16])}: fingerprint（内容指纹）应为 64 位十六进制数" in run.err
