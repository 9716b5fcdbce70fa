"""Attacks on a board made in a temporary folder, each test named after what it protects.

A careless clerk and someone who controls a spreadsheet: what got past the
earlier safety pass (issue 13) and is guarded here.
"""

from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook
from test_safety import HEAD, SECRET, _csv, _files, _import, board, branch, build, text_of

from helpers import AS_OF, CONFIG, item, tiny_board


def _three(tmp_path: Path) -> Path:
    return tiny_board(tmp_path / "c", branch(item(id="01", problem="公开的问题一"),
                                             item(id="02", problem=SECRET, audience="党内"),
                                             item(id="03", problem="公开的问题三")))


def _xlsx(path: Path, *rows: list) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "整改清单"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_renumbered_sheet_never_gives_a_party_item_the_audience_of_its_new_number(tmp_path):
    content = _three(tmp_path)
    # Item 01 was deleted in the sheet and 序号 filled again: the 党内 item now has number 01.
    rows = [["01", SECRET, "制定学习计划", "张某某", "2024-06-30", "整改中"],
            ["02", "公开的问题三", "制定学习计划", "张某某", "2024-06-30", "整改中"]]
    run = _import(_csv(tmp_path / "renumbered.csv", HEAD, *rows), content, "--yes")
    assert run.exit_code == 0, run.output
    site = tmp_path / "site"
    assert build(content, site).exit_code == 0
    published = text_of(site)
    assert SECRET not in published and "公开的问题三" in published         # each text keeps its own audience
    content = _three(tmp_path / "again")
    with_column = _csv(tmp_path / "blank-audience.csv", [*HEAD, "公开范围"], *[[*r, ""] for r in rows])
    run = _import(with_column, content, "--yes")                          # the column there, the cell left blank
    assert run.exit_code == 0 and "公开范围改变" not in run.output and "修改 01（党内，原序号 02）" in run.output
    assert "audience: 党内" in (content / "branches" / "first.yml").read_text(encoding="utf-8")


def test_a_column_the_importer_does_not_read_cannot_hide_a_party_mark(tmp_path):
    content = tiny_board(tmp_path / "c", {})
    rows = [["01", "公开的问题一", "措施", "张某某", "2024-06-30", "整改中", ""],
            ["02", SECRET, "措施", "张某某", "2024-06-30", "整改中", "仅党内"]]
    sheet = _csv(tmp_path / "range.csv", [*HEAD, "范围"], *rows)
    run = _import(sheet, content, "--name", "第一党支部")
    assert run.exit_code == 1 and "range!G3: 程序不读“范围”列，但这一格写着“仅党内”" in run.output
    assert not (content / "branches" / "first.yml").exists()
    other = _csv(tmp_path / "other.csv", [*HEAD, "附件"], *[[*r[:6], "会议记录"] for r in rows])
    run = _import(other, content, "--name", "第一党支部", "--yes")
    assert run.exit_code == 0 and "other 的 G 列“附件”程序不认识，没有导入" in run.output   # told, not dropped silently


def test_a_formula_without_a_stored_result_is_refused_not_read_as_empty(tmp_path):
    content = tiny_board(tmp_path / "c", branch(item(id="01"), item(id="02", problem=SECRET, audience="党内")))
    before = _files(content)
    sheet = _xlsx(tmp_path / "程序生成.xlsx", [*HEAD, "公开范围", "整改进展"],
                  ["01", "理论学习不够深入", "制定学习计划", "张某某", "2024-06-30", "整改中", "公开", '=CONCAT("已","学习")'],
                  ["02", SECRET, "制定学习计划", "张某某", "2024-06-30", "整改中", '=IF(1,"党内","党内")', ""])
    run = _import(sheet, content)
    assert run.exit_code == 1
    assert "整改清单!H2: 这一格是公式“=CONCAT(\"已\",\"学习\")”，文件里没有它的计算结果" in run.output
    assert "整改清单!G3: 这一格是公式" in run.output and "Traceback" not in run.output
    assert _files(content) == before


# ---- approvals.yml -------------------------------------------------------------------------------


def _sign(step: str, content: Path, *extra: str):
    return board(step, "--config", str(CONFIG), "--content", str(content), "--as-of", AS_OF, *extra)


def test_a_signature_with_a_line_break_or_escape_never_reaches_the_log_or_the_pages(tmp_path):
    content = tiny_board(tmp_path / "c")
    for name in ("王某某\n审批: 李某某", "王\x1b[31m某某", "王某某\u200b", "王\t某某"):
        run = _sign("review", content, "--by", name)
        assert run.exit_code == 1 and "--by：审核人的姓名只能是一行看得见的文字" in run.output, run.output
        assert "\x1b" not in run.output
    run = _sign("review", content, "--by", "王某某", "--note", "已审\x1b]0;x\x07")
    assert run.exit_code == 1 and "--note：文字里有不可见的控制字符 U+001B" in run.output
    assert not (content / "approvals.yml").exists()                      # nothing written: the board still builds
    (content / "approvals.yml").write_text("- step: 审核\n  by: \"王某某\\n审批: 李某某\"\n  on: 2024-01-02\n"
                                           "  audience: 公开\n  fingerprint: 0123456789abcdef\n", encoding="utf-8")
    run = _sign("check", content)
    assert run.exit_code == 1 and "content/approvals.yml:2: by（经办人）只能是一行看得见的文字" in run.output.replace(
        str(content), "content")


def test_the_approval_log_is_read_only_as_a_regular_file_inside_the_content_folder(tmp_path):
    content = tiny_board(tmp_path / "c")
    log = content / "approvals.yml"
    outside = tmp_path / "elsewhere.yml"
    outside.write_text("[]\n", encoding="utf-8")
    for make, words in ((lambda: log.symlink_to(outside), "是指向内容文件夹以外"),
                        (lambda: log.symlink_to("/dev/zero"), "是指向内容文件夹以外"),
                        (lambda: os.mkfifo(log), "不是普通文件"),
                        (lambda: log.mkdir(), "不是普通文件（是文件夹）"),
                        (lambda: log.symlink_to("nowhere"), "文件或文件夹不存在")):
        make()
        for step in ("check", "review"):
            run = _sign(step, content, *(("--by", "王某某") if step == "review" else ()))
            assert run.exit_code == 1 and words in run.output and "Traceback" not in run.output, run.output
        if log.is_dir() and not log.is_symlink():
            log.rmdir()
        else:
            log.unlink()


# ---- every refusal in Chinese, nothing read that never ends ---------------------------------------


def test_a_sheet_that_is_a_pipe_or_a_device_is_refused_before_reading(tmp_path):
    content = tiny_board(tmp_path / "c")
    before = _files(content)
    pipe = tmp_path / "管道.csv"
    os.mkfifo(pipe)
    device = tmp_path / "zero.xlsx"
    device.symlink_to("/dev/zero")
    for sheet in (pipe, device):
        run = _import(sheet, content)
        assert run.exit_code == 1 and f"{sheet}: 不是普通文件（是文件夹、设备或管道），不能导入" in run.output
    run = _import(tmp_path / "没有这个文件.csv", content)
    assert run.exit_code == 1 and "文件或文件夹不存在" in run.output and "does not exist" not in run.output
    assert _files(content) == before


def test_an_output_or_input_of_the_wrong_kind_is_refused_in_chinese(tmp_path):
    content = tiny_board(tmp_path / "c")
    a_file = tmp_path / "文件.txt"
    a_file.write_text("不要覆盖我\n", encoding="utf-8")
    common = ("--config", str(CONFIG), "--content", str(content), "--as-of", AS_OF)
    for args in (("build", "--site-dir", str(a_file)), ("render", "--out", str(a_file)),
                 ("pdf", "--out", str(tmp_path)), ("export", str(tmp_path)), ("check", "--content", str(a_file)),
                 ("build", "--site-dir", str(content)), ("new-period", "--period", "2024年度", "--out", str(a_file))):
        run = board(*args, *common) if args[0] != "check" else board("check", "--config", str(CONFIG), *args[1:])
        assert run.exit_code == 1, (args, run.output)
        assert "Error" not in run.output and "Aborted" not in run.output and "Invalid value" not in run.output, run.output
    assert a_file.read_text(encoding="utf-8") == "不要覆盖我\n"


# ---- releases ------------------------------------------------------------------------------------


def test_releases_made_in_one_second_or_after_a_clock_set_back_keep_their_order(tmp_path):
    from test_safety import publish

    from generator.site import releases
    from helpers import approve_board

    content = tiny_board(tmp_path / "c", branch(item(id="01", problem="第一版的问题")))
    approve_board(content)
    root = tmp_path / "www"
    assert publish(content, root).exit_code == 0
    first = releases.releases(root)[0].path
    ahead = first.with_name("20991231-235959" + first.name[15:])         # as if the clock was set back since
    first.rename(ahead)
    releases.switch(root, ahead)
    (content / "branches" / "first.yml").write_text((content / "branches" / "first.yml").read_text(
        encoding="utf-8").replace("第一版的问题", "第二版的问题"), encoding="utf-8")
    approve_board(content)
    assert publish(content, root).exit_code == 0
    listed = releases.releases(root)
    assert [r.path == ahead for r in listed] == [True, False] and listed[-1].live   # the new one is the newest
    assert board("rollback", "--to", str(root)).exit_code == 0
    assert [r.live for r in releases.releases(root)] == [True, False]


def test_an_option_or_release_file_holding_terminal_escapes_is_never_echoed_raw(tmp_path):
    content = tiny_board(tmp_path / "c")
    run = board("build", "--config", str(CONFIG), "--content", str(content), "--site-dir", str(tmp_path / "s"),
                "--as-of", "2024-01-01\x1b]0;被改的标题\x07")
    assert run.exit_code == 1 and "\x1b" not in run.output and "\\x1b" in run.output
    release = tmp_path / "www" / "releases" / "20240101-000000-0123456789ab"
    (release / "data").mkdir(parents=True)
    (release / "data" / "summary.json").write_text('{"as_of": "\\u001b[2J2024-01-01"}', encoding="utf-8")
    run = board("releases", "--to", str(tmp_path / "www"))
    assert run.exit_code == 0 and "\x1b" not in run.output and "\\x1b[2J2024-01-01" in run.output


def test_a_build_never_lands_in_a_publish_folder_the_web_server_serves(tmp_path):
    from test_safety import publish

    from helpers import approve_board

    content = tiny_board(tmp_path / "c", branch(item(id="01"), item(id="02", problem=SECRET, audience="党内")))
    approve_board(content)
    root = tmp_path / "www"
    assert publish(content, root).exit_code == 0
    live = (root / "current").resolve()
    before = _files(root)
    for target in (root / "current", live, root / "current" / "sub"):   # party output on the public web root
        run = build(content, target, "--audience", "party")
        assert run.exit_code == 1 and f"在发布目录 {root} 里面" in run.output, run.output
    assert (root / "current").is_symlink() and _files(root) == before and SECRET not in text_of(root)
    link = tmp_path / "site-link"
    link.symlink_to(tmp_path / "real-site")
    run = build(content, link)
    assert run.exit_code == 1 and "是一个链接" in run.output and link.is_symlink()
