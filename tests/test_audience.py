"""Who sees what (``content.audience``): people and their items on every output, for each audience.

A board with people in the format of issue 28 (not the sample) is built for
both audiences through the CLI: the public site shows public pledges and public
personal items on the branch page, the screen data, the print page and the
search index, and nothing of a 党内 person or of a personal item left at its
default (党内) anywhere; the party site shows all.  Markers are ASCII so that
no word cutting (the search index) can hide a leak.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator import speed
from generator.approval.fingerprints import content_fingerprint
from generator.cli import main
from generator.content import schema
from generator.content.audience import shown, visible
from generator.content.load import load_content
from generator.content.model import Audience

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2027-07-01"
PUBLIC = ("PUBNAME", "PUBROLE", "PUBPLEDGE", "PUBFULFIL", "PUBITEM")
HIDDEN = ("SECRETNAME", "SECRETPLEDGE", "SECRETITEM", "SECRETPERSONITEM", "SECRETBRANCHITEM")


def people_board(root: Path) -> Path:
    """One branch with a public person (one default and one public item), a 党内 person, and a 党内 branch item."""
    branch = {
        "name": "第一党支部",
        "rectifications": [
            {"id": "01", "problem": "支部公开问题", "measures": ["措施"], "owner": "张某", "deadline": "2027-12-31"},
            {"id": "02", "problem": "SECRETBRANCHITEM 支部问题", "measures": ["措施"], "owner": "张某",
             "deadline": "2027-12-31", "audience": "党内"},
        ],
        "people": [
            {"name": "罗PUBNAME", "role": "PUBROLE 支部书记", "pledge": "PUBPLEDGE 带头讲党课，每季度不少于一次",
             "fulfilled": "PUBFULFIL 已讲党课 3 次", "audience": "公开", "rectifications": [
                 {"id": "01", "problem": "SECRETITEM 个人问题", "measures": ["改进"], "deadline": "2027-06-30",
                  "status": "整改中"},
                 {"id": "02", "problem": "PUBITEM 公开的个人问题", "measures": ["改进"], "deadline": "2027-06-30",
                  "status": "整改中", "audience": "公开"},
             ]},
            {"name": "乙SECRETNAME", "role": "党员", "pledge": "SECRETPLEDGE 承诺", "audience": "党内",
             "rectifications": [{"problem": "SECRETPERSONITEM 问题", "measures": ["改进"], "deadline": "2027-06-30",
                                 "audience": "公开"}]},
        ],
    }
    write(root / "board.yml", {"organization": "测试局党委", "period": "2026年度"})
    write(root / "branches" / "a.yml", branch)
    return root


def write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def board(*args: str) -> str:
    speed.forget()
    with contextlib.chdir(REPO):
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    root = tmp_path_factory.mktemp("people")
    content = people_board(root / "content")
    built = {}
    for audience in ("public", "party"):
        built[audience] = root / audience
        board("build", "--content", str(content), "--site-dir", str(built[audience]), "--audience", audience,
              "--as-of", AS_OF)
    board("article", "--content", str(content), "--as-of", AS_OF, "--out", str(root / "article"))
    return root, built


def texts(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text(encoding="utf-8") for p in folder.rglob("*")
            if p.is_file() and p.suffix in (".html", ".json", ".xml", ".js", ".txt")}


def test_public_site_shows_public_people_and_nothing_hidden_anywhere(sites):
    root, built = sites
    files = texts(built["public"])
    leaks = [(path, marker) for path, text in files.items() for marker in HIDDEN if marker in text]
    assert leaks == []
    for where in ("branches/a/index.html", "search/search_index.json", "data/screen/branches/a.json",
                  "print/index.html"):
        assert all(marker in files[where] for marker in PUBLIC), where
    summary = json.loads(files["data/summary.json"])
    assert summary["totals"]["people"]["people"] == 1 and summary["totals"]["people"]["rectifications"]["total"] == 1
    article = (root / "article" / "公众号文章.html").read_text(encoding="utf-8")
    assert "PUBPLEDGE" in article and "PUBITEM" in article and not any(m in article for m in HIDDEN)


def test_party_site_shows_everyone(sites):
    _, built = sites
    files = texts(built["party"])
    for where in ("branches/a/index.html", "search/search_index.json"):
        assert all(marker in files[where] for marker in PUBLIC + HIDDEN), where
    summary = json.loads(files["data/summary.json"])
    assert summary["totals"]["people"] == {"people": 2, "pledges": 2, "fulfilled": 1, "rectifications": {
        "total": 3, "not_started": 1, "in_progress": 2, "done": 0, "closed": 0, "overdue": 3}}
    # the lobby screen and the printed board are public even in a party build
    assert not any(m in files["data/screen/branches/a.json"] for m in HIDDEN)


def test_branch_page_section_and_anchors_match_the_search_index(sites):
    _, built = sites
    page = (built["public"] / "branches/a/index.html").read_text(encoding="utf-8")
    assert 'id="people"' in page and "班子成员和党员承诺" in page
    index = json.loads((built["public"] / "search/search_index.json").read_text(encoding="utf-8"))
    anchors = [d["location"].split("#")[1] for d in index["docs"] if d["location"].startswith("branches/a/#")]
    # The person's 02 follows their hidden (default 党内) 01: anchored as shown, 01, so no gap betrays it
    assert "person-1" in anchors and "person-1-item-01" in anchors and "person-1-item-02" not in anchors
    assert all(f'id="{anchor}"' in page for anchor in anchors)


def test_shown_filters_every_depth_and_keeps_what_it_may(tmp_path):
    content, problems = load_content(people_board(tmp_path))
    assert problems == []
    branch = content.branches[0]
    public = shown(branch, schema.BRANCH, Audience.PUBLIC)
    assert [i.id for i in public.items] == ["01"]
    assert [p.name for p in public.people] == ["罗PUBNAME"]
    assert [i.id for i in public.people[0].items] == ["02"]                 # the default (党内) item is gone
    assert public.people[0].items[0].owner == "罗PUBNAME"                   # owner defaults to the person
    assert shown(branch, schema.BRANCH, Audience.PARTY) is branch
    assert not visible(branch.people[1], schema.PERSON, Audience.PUBLIC)
    assert shown(branch.people[1], schema.PERSON, Audience.PUBLIC) is None


def _prints(root: Path) -> dict[Audience, str]:
    content, problems = load_content(root)
    assert [p for p in problems if p.severity.name == "ERROR"] == []
    return {a: content_fingerprint(content, a)[0] for a in Audience}


@pytest.mark.parametrize(("edit", "voids_public"), [
    (lambda b: b["people"][0].update(pledge="改过的承诺"), True),
    (lambda b: b["people"][0]["rectifications"][1].update(problem="改过的公开个人问题"), True),
    (lambda b: b["people"][0]["rectifications"][0].update(problem="改过的党内个人问题"), False),
    (lambda b: b["people"][1].update(pledge="改过的党内承诺"), False),
    (lambda b: b["people"][1]["rectifications"][0].update(problem="党内人员的事项"), False),
], ids=["public pledge", "public personal item", "default personal item", "party person", "party person's item"])
def test_approval_fingerprint_follows_what_each_audience_sees(tmp_path, edit, voids_public):
    root = people_board(tmp_path)
    before = _prints(root)
    path = root / "branches" / "a.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    write(path, data)
    after = _prints(root)
    assert (after[Audience.PUBLIC] != before[Audience.PUBLIC]) is voids_public
    assert after[Audience.PARTY] != before[Audience.PARTY]


def test_a_record_type_without_audience_is_shown_whole(tmp_path):
    content, _ = load_content(people_board(tmp_path))
    meeting_less = dataclasses.replace(content.branches[0], meeting=None)
    assert shown(meeting_less, schema.BRANCH, Audience.PUBLIC).meeting is None
    assert schema.MEETING.audience is None and schema.PERSON.audience is schema.PERSON["audience"]
