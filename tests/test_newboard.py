"""``board init`` (issue 29.1): a new bureau's own content folder that checks and builds at once."""

from __future__ import annotations

import contextlib
from pathlib import Path

from click.testing import CliRunner
from openpyxl import Workbook

from generator import speed
from generator.cli import main

REPO = Path(__file__).resolve().parent.parent


def board(*args: str):
    speed.forget()
    with contextlib.chdir(REPO):
        return CliRunner().invoke(main, list(args), catch_exceptions=False)


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_init_from_a_branch_list_checks_builds_and_says_what_to_do_next(tmp_path):
    names = tmp_path / "支部名单.csv"
    names.write_text("支部名称,类型,支部书记\n机关第一党支部,党支部,张某某\n营林站党支部,,\n护林防火临时党支部,临时党支部,李某某\n"
                     "填表人：王某某,,\n", encoding="utf-8")
    out = tmp_path / "林业局"
    run = board("init", str(out), "--organization", "某县林业局党委", "--period", "2025年度", "--branches", str(names))
    assert run.exit_code == 0, run.output
    assert "3 个支部（含临时党支部 1 个），检查通过" in run.output and "下一步" in run.output
    assert f"--content {out}" in run.output and "board import 表格.xlsx --branch zhibu-01" in run.output
    assert sorted(files_of(out)) == ["board.yml", "branches/linshi-01.yml", "branches/zhibu-01.yml",
                                     "branches/zhibu-02.yml"]  # no approvals.yml: nothing is approved yet
    assert "kind: 临时党支部" in (out / "branches" / "linshi-01.yml").read_text(encoding="utf-8")
    check = board("check", "--content", str(out))
    assert check.exit_code == 0, check.output
    site = tmp_path / "site"
    built = board("build", "--content", str(out), "--site-dir", str(site))
    assert built.exit_code == 0, built.output
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "某县林业局党委" in home and "预览稿" in home and "护林防火临时党支部" in home


def test_init_without_a_list_makes_one_branch_and_uses_the_list_file_names_of_a_workbook(tmp_path):
    run = board("init", str(tmp_path / "a"), "--organization", "测试局党委", "--period", "2025年度")
    assert run.exit_code == 0, run.output
    assert (tmp_path / "a" / "branches" / "zhibu-01.yml").is_file()
    book = Workbook()
    book.active.append(["某局党支部名单"])
    book.active.append(["序号", "党支部名称", "支部类型", "文件名"])
    book.active.append([1, "机关党支部", "党支部", "jiguan"])
    book.active.append([2, "专班临时党支部", "临时党支部", "zhuanban"])
    book.save(tmp_path / "list.xlsx")
    run = board("init", str(tmp_path / "b"), "--organization", "测试局党委", "--period", "2025年度",
                "--branches", str(tmp_path / "list.xlsx"))
    assert run.exit_code == 0, run.output
    assert sorted(files_of(tmp_path / "b")) == ["board.yml", "branches/jiguan.yml", "branches/zhuanban.yml"]


def test_init_refuses_a_folder_with_files_and_a_bad_list_and_changes_nothing(tmp_path):
    content = REPO / "content"
    before = files_of(content)
    run = board("init", str(content), "--organization", "测试局党委", "--period", "2025年度")
    assert run.exit_code == 1 and "已存在且不是空文件夹" in run.output and "示例内容" in run.output
    run = board("init", str(content / "new"), "--organization", "测试局党委", "--period", "2025年度")
    assert run.exit_code == 1 and "在" in run.output and "里面" in run.output
    assert files_of(content) == before and not (content / "new").exists()
    bad = tmp_path / "名单.csv"
    bad.write_text("支部名称,类型\n第一党支部,联合党支部\n第二党支部,党支部\n第二党支部,党支部\n", encoding="utf-8")
    run = board("init", str(tmp_path / "new"), "--organization", "测试局党委", "--period", "2025年度",
                "--branches", str(bad))
    assert run.exit_code == 1
    assert "名单!B2: 类型“联合党支部”不认识，只能是 党支部、临时党支部" in run.output
    assert not (tmp_path / "new").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["名单.csv"]
    run = board("init", str(tmp_path / "new"), "--organization", " ", "--period", "2025年度")
    assert run.exit_code == 1 and "不能为空" in run.output and not (tmp_path / "new").exists()


def test_a_branch_or_file_name_listed_twice_names_both_cells(tmp_path):
    names = tmp_path / "名单.csv"
    names.write_text("支部名称,文件名\n第一党支部,jiguan-1\n第二党支部,jiguan-1\n第一党支部,jiguan-3\n第四党支部,Jiguan_4\n",
                     encoding="utf-8")
    run = board("init", str(tmp_path / "new"), "--organization", "测试局党委", "--period", "2025年度",
                "--branches", str(names))
    assert run.exit_code == 1 and not (tmp_path / "new").exists()
    assert "名单!A3: 文件名“jiguan-1”用了两次（名单!A2 的支部已用）" in run.output
    assert "名单!A4: 支部“第一党支部”写了两次（名单!A2 已有）" in run.output
    assert "名单!A5: 第四党支部 的文件名“Jiguan_4”只能用小写字母、数字和 -" in run.output


def test_a_total_row_under_the_list_is_no_branch(tmp_path):
    names = tmp_path / "名单.csv"
    names.write_text("某县林业局党支部名单\n序号,党支部名称,党组织类型\n1,局机关党支部,党支部\n2,国有林场党支部,\n合计,2个,\n"
                     "填表人：周某某,,\n", encoding="utf-8")
    run = board("init", str(tmp_path / "new"), "--organization", "测试局党委", "--period", "2025年度",
                "--branches", str(names))
    assert run.exit_code == 0, run.output
    assert sorted(p.name for p in (tmp_path / "new" / "branches").iterdir()) == ["zhibu-01.yml", "zhibu-02.yml"]
