"""One declaration all the way down (issue 27): a field or a record type added to ``schema`` — and
nothing else — flows through load, check, pages, search, export/import, new-period, the approval
fingerprint and the leak guard.

The test does what a maintainer would: it copies ``generator/`` into a scratch folder, adds an
optional text field ``basis`` (整改依据) to the item declaration (between two existing fields, so
nothing can rely on column letters) and a new record type (党员责任区, ``duties:`` on a branch, with
its own audience), and drives the copy through the CLI in another Python process (``PROBE``): the
package under test is the copy, so it cannot run in this process beside the original.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIELD = '''    Field("basis", "整改依据", "text", headers=("整改依据",), width=20, searched=True),
'''
RECORD = '''DUTY = Record("Duty", "党员责任区", (
    Field("name", "责任区", "text", required=True, headers=("责任区",), width=16, searched=True),
    Field("holder", "责任党员", "text", headers=("责任党员",), width=10, searched=True),
    Field("audience", "公开范围", "enum", choices=Audience, default=Audience.PUBLIC, implicit=True,
          headers=("公开范围",), width=10),
))

'''
# Where the scratch copy's schema gets them: after 整改目标 in ITEM; DUTY before BRANCH, held by BRANCH.
EDITS = (
    ('    Field("target", ', FIELD, "before"),
    ('BRANCH = Record("Branch"', RECORD, "before"),
    ('RECORDS = (', '    Field("duties", "党员责任区", "records", record=DUTY),\n))\n\n', "replace-close"),
)

PROBE = r'''
import contextlib, json, sys
from pathlib import Path
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

import generator
root, repo = Path(sys.argv[1]), Path(sys.argv[2])
assert Path(generator.__file__).resolve().is_relative_to(root.resolve()), generator.__file__
from generator.cli import main
from generator.content.load import load_content
from generator.content.model import Audience
from generator.approval.fingerprints import content_fingerprint
from generator import core

AS_OF = "2027-07-01"
out = {}


def board(*args):
    with contextlib.chdir(repo):
        r = CliRunner().invoke(main, [*args, *(() if args[0] == "template" else ("--as-of", AS_OF))])
    return r.exit_code, r.stdout, r.stderr


def write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def item(n, basis, **more):
    return {"id": n, "problem": f"问题{n}", "measures": ["措施"], "owner": "张某", "deadline": "2027-12-31",
            "basis": basis, **more}


content = root / "content"
write(content / "board.yml", {"organization": "测试局党委", "period": "2026年度", "id": "2026"})
branch = {"name": "第一党支部",
          "rectifications": [item("01", "PUBBASIS 整改依据"), item("02", "SECRETBASIS", audience="党内")],
          "duties": [{"name": "PUBDUTY 责任区", "holder": "PUBHOLDER"}, {"name": "SECRETDUTY", "audience": "党内"}]}
write(content / "branches" / "a.yml", branch)
code, _, err = board("check", "--content", str(content))
out["check"] = (code, err)
loaded, _ = load_content(content)
out["loaded"] = [loaded.branches[0].items[0].basis, [d.name for d in loaded.branches[0].duties]]

bad = root / "bad"
write(bad / "board.yml", {"organization": "测试局党委", "period": "2026年度"})
write(bad / "branches" / "a.yml", {"name": "甲", "duties": [{"holder": "某"}, {"name": "区", "holdr": "某"}]})
code, _, err = board("check", "--content", str(bad))
out["bad"] = (code, err.splitlines(), str(bad / "branches" / "a.yml"))

sites = {}
for audience in ("public", "party"):
    sites[audience] = root / audience
    code, _, err = board("build", "--content", str(content), "--site-dir", str(sites[audience]), "--audience", audience)
    assert code == 0, err
    texts = {str(p.relative_to(sites[audience])): p.read_text(encoding="utf-8") for p in sites[audience].rglob("*")
             if p.suffix in (".html", ".json", ".xml")}
    out[audience] = {
        "leaks": sorted({path for path, text in texts.items() if "SECRET" in text}),
        "page": [m in texts["branches/a/index.html"] for m in ("PUBBASIS", "整改依据", "PUBDUTY", "PUBHOLDER",
                                                               "SECRETBASIS", "SECRETDUTY")],
        "search": [m in texts["search/search_index.json"] for m in ("PUBBASIS", "PUBDUTY", "SECRETBASIS", "SECRETDUTY")],
        "changes": sorted(json.loads(texts["data/snapshot.json"])["items"]),
    }

book_path = root / "all.xlsx"
code, _, err = board("export", "--content", str(content), str(book_path))
assert code == 0, err
book = load_workbook(book_path)
duties = [[c.value for c in row] for row in book["党员责任区"].iter_rows(min_row=2)]
sheet = book["第一党支部"]
header = [c.value for c in sheet[3]]
column = header.index("整改依据") + 1
out["export"] = {"duties": duties, "basis": [sheet.cell(r, column).value for r in (4, 5)]}
code, stdout, err = board("import", "--content", str(content), str(book_path), "--branch", "a", "--yes")
out["import_same"] = (code, stdout, err)
sheet.cell(4, column).value = "PUBBASIS 改过的依据"
book.save(book_path)
code, stdout, err = board("import", "--content", str(content), str(book_path), "--branch", "a", "--yes")
out["import_edit"] = (code, err, load_content(content)[0].branches[0].items[0].basis)
code, stdout, err = board("import", "--content", str(content), str(book_path), "--branch", "a", "--sheet", "党员责任区",
                          "--yes")
out["import_duties_same"] = (code, stdout, err)
book = load_workbook(book_path)
book["党员责任区"].cell(3, 3).value = "NEWHOLDER"
book.save(book_path)
code, stdout, err = board("import", "--content", str(content), str(book_path), "--branch", "a", "--sheet", "党员责任区",
                          "--yes")
out["import_duties_edit"] = (code, err, [d.holder for d in load_content(content)[0].branches[0].duties])

before = {a: content_fingerprint(load_content(content)[0], a)[0] for a in Audience}
prints = {}
for name, edit in (("public basis", lambda b: b["rectifications"][0].update(basis="新的公开依据")),
                   ("party basis", lambda b: b["rectifications"][1].update(basis="新的党内依据")),
                   ("public duty", lambda b: b["duties"][0].update(holder="新的责任党员")),
                   ("party duty", lambda b: b["duties"][1].update(name="新的党内责任区"))):
    data = yaml.safe_load((content / "branches" / "a.yml").read_text(encoding="utf-8"))
    edit(data)
    write(content / "branches" / "a.yml", data)
    now = {a: content_fingerprint(load_content(content)[0], a)[0] for a in Audience}
    prints[name] = [now[a] != before[a] for a in (Audience.PUBLIC, Audience.PARTY)]
    before = now
out["prints"] = prints

code, _, err = board("new-period", "--content", str(content), "--period", "2027年度", "--out", str(root / "next"))
assert code == 0, err
following = load_content(root / "next")[0].branches[0]
out["new_period"] = [[i.basis for i in following.items], [(d.name, d.holder, d.audience.key) for d in following.duties]]

(root / "gen" / "generator" / "templates" / "sections" / "duties.md.j2").write_text(
    '<ul class="my-duties">\n{% for duty in held %}\n<li>{{ duty.name }}</li>\n{% endfor %}\n</ul>\n', encoding="utf-8")
pages = core.generate(core.make_options(content, as_of=AS_OF)).pages
out["template"] = 'class="my-duties"' in pages["branches/a.md"] and "board-records--duties" not in pages["branches/a.md"]
print(json.dumps(out, ensure_ascii=False, default=str))
'''


def _scratch(root: Path) -> Path:
    """``generator/`` copied to ``root/gen`` with the field and the record type declared in its schema."""
    package = root / "gen" / "generator"
    shutil.copytree(REPO / "generator", package, ignore=shutil.ignore_patterns("__pycache__"))
    schema = package / "content" / "schema.py"
    text = schema.read_text(encoding="utf-8")
    for anchor, added, how in EDITS:
        assert text.count(anchor) == 1, anchor
        if how == "before":
            text = text.replace(anchor, added + anchor)
        else:  # the BRANCH declaration's closing "))" before RECORDS gets the new field
            head, tail = text.split(anchor)
            head = head.rstrip()
            assert head.endswith("))"), head[-40:]
            text = head[:-2] + added + anchor + tail.replace("ITEM, ", "ITEM, DUTY, ", 1)
    schema.write_text(text, encoding="utf-8")
    return package


@pytest.fixture(scope="module")
def probed(tmp_path_factory):
    root = tmp_path_factory.mktemp("records")
    _scratch(root)
    env = {**os.environ, "PYTHONPATH": str(root / "gen"), "BOARD_CACHE_DIR": "off"}
    run = subprocess.run([sys.executable, "-c", PROBE, str(root), str(REPO)], capture_output=True, text=True,
                         env=env, cwd=root, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.splitlines()[-1])


def test_they_load_and_check(probed):
    code, err = probed["check"]
    assert code == 0, err
    assert probed["loaded"] == ["PUBBASIS 整改依据", ["PUBDUTY 责任区", "SECRETDUTY"]]
    code, lines, path = probed["bad"]
    assert code == 1
    assert any(line.startswith(f"{path}:3: ") and "缺少必填项 name（责任区）" in line for line in lines), lines
    assert any(line.startswith(f"{path}:5: ") and "不认识的键“holdr”，是不是想写 holder" in line for line in lines), lines


def test_they_show_on_the_branch_page_and_in_search_for_their_audience_only(probed):
    public, party = probed["public"], probed["party"]
    assert public["leaks"] == []
    assert public["page"] == [True, True, True, True, False, False]
    assert public["search"] == [True, True, False, False]
    assert party["page"] == [True] * 6 and party["search"] == [True] * 4
    assert public["changes"] == ["a/01", "a/~PUBDUTY 责任区"]          # the change log follows the new list too
    assert party["changes"] == ["a/01", "a/02", "a/~PUBDUTY 责任区", "a/~SECRETDUTY"]


def test_they_are_exported_and_imported_by_header(probed):
    assert probed["export"]["basis"] == ["PUBBASIS 整改依据", "SECRETBASIS"]
    assert probed["export"]["duties"][0] == ["支部名称", "责任区", "责任党员", "公开范围"]
    assert probed["export"]["duties"][1:] == [["第一党支部", "PUBDUTY 责任区", "PUBHOLDER", "公开"],
                                             ["第一党支部", "SECRETDUTY", None, "党内"]]
    code, out, err = probed["import_same"]
    assert code == 0 and "文件没有改动" in out, err
    code, err, basis = probed["import_edit"]
    assert code == 0 and basis == "PUBBASIS 改过的依据", err
    code, out, err = probed["import_duties_same"]
    assert code == 0 and "文件没有改动" in out, err
    code, err, holders = probed["import_duties_edit"]
    assert code == 0 and holders == ["NEWHOLDER", None], err


def test_the_approval_fingerprint_follows_what_each_audience_sees(probed):
    assert probed["prints"] == {"public basis": [True, True], "party basis": [False, True],
                                "public duty": [True, True], "party duty": [False, True]}


def test_new_period_carries_them(probed):
    bases, duties = probed["new_period"]
    assert bases == ["新的公开依据", "新的党内依据"]
    assert duties == [["PUBDUTY 责任区", "新的责任党员", "public"], ["新的党内责任区", None, "party"]]


def test_a_section_template_lays_the_new_record_out(probed):
    assert probed["template"] is True
