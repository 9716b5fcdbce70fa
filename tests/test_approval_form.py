"""The 党务公开审批表 printed by board review --pdf, read back from the PDF with pdftotext."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from generator.approval import log

pytestmark = pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium")


def test_the_form_lists_every_change_with_its_text_and_the_fingerprint_the_log_records(kit, tmp_path):
    old = kit.tiny_board(tmp_path / "old", {"first": {"name": "第一党支部", "rectifications": [
        kit.item(id="01", problem="去年的问题", status="已完成", completed="2023-11-01")]}}, period="2023年度")
    new = kit.tiny_board(tmp_path / "new", {"first": {"name": "第一党支部", "rectifications": [
        kit.item(id="01", problem="今年的问题"), kit.item(id="02", problem="要删掉的问题"),
        kit.item(id="03", problem="党内才看的问题", audience="党内")]}},
        organization="某市测试局党委", period="2024年度", previous="../old")
    kit.approve_board(new)
    branch = yaml.safe_load((new / "branches" / "first.yml").read_text(encoding="utf-8"))
    branch["rectifications"][0]["owner"] = "新责任人"
    del branch["rectifications"][1]
    kit.write_yaml(new / "branches" / "first.yml", branch)
    earlier = yaml.safe_load((old / "branches" / "first.yml").read_text(encoding="utf-8"))
    earlier["rectifications"].append(kit.item(id="07", problem="补录到去年的<问题>", status="已完成",
                                              completed="2023-12-01"))
    kit.write_yaml(old / "branches" / "first.yml", earlier)

    out = tmp_path / "审批表.pdf"
    run = kit.board("review", "--config", str(kit.CONFIG), "--content", str(new), "--as-of", kit.AS_OF,
                    "--by", "王某某", "--pdf", str(out))
    assert run.code == 0, run.err
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert "党务公开审批表" in flat and "某市测试局党委" in flat and "2024年度" in flat and "公开版" in flat
    [*_, signed] = yaml.safe_load((new / log.FILE_NAME).read_text(encoding="utf-8"))
    assert signed["fingerprint"] in flat and len(signed["fingerprint"]) == 64  # the paper matches the log
    assert "原：责任人：张某某" in flat and "新：责任人：新责任人" in flat
    assert "删除" in flat and "要删掉的问题" in flat
    assert "archive/2023/branches/firs" in flat and "补录到去年的<问题>" in flat  # earlier periods, as typed
    assert "党内才看的问题" not in flat  # the public form shows what the public will see
    assert "审核人（签字）" in flat and "审批人（签字）" in flat and "年月日" in flat


def test_a_form_that_cannot_be_written_registers_nothing(kit, tmp_path):
    content = kit.tiny_board(tmp_path / "c")
    (tmp_path / "form.pdf").write_text("not a pdf", encoding="utf-8")
    run = kit.board("review", "--config", str(kit.CONFIG), "--content", str(content), "--as-of", kit.AS_OF,
                    "--by", "王某某", "--pdf", str(tmp_path / "form.pdf"))
    assert run.code == 1 and "不是 .pdf 文件" in run.err
    assert not (content / log.FILE_NAME).exists()


def test_the_form_spells_out_characters_that_reorder_or_hide_text(kit, tmp_path):
    """``已整改完毕\\u202e不未`` prints as 已整改完毕未不 reversed: the signer sees the characters spelled out, as
    ``board review`` shows them, so what is signed on paper is what the file holds."""
    from generator import core
    from generator.approval import approved, form

    content = kit.tiny_board(tmp_path / "c", {"first": {"name": "第一党支部", "rectifications": [
        kit.item(id="01", problem="已整改完毕\u202e不未\u200b尚\n第二行")]}})
    checked = core.validate(core.make_options(content, as_of=kit.AS_OF))
    entries = [approved.Entry("branches/first.yml", "第一\u202e党支部 01", "新增", (), ("问题：已整改完毕\u202e不未\u200b尚",))]
    page = form.html(checked.content, checked.approval, entries)
    assert "已整改完毕\\u202e不未\\u200b尚" in page and "第一\\u202e党支部" in page
    assert "\u202e" not in page and "\u200b" not in page
