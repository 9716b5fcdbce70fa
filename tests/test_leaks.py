"""Property: whatever order audiences, approvals and periods come in, one site folder never shows a 党内 string
after a public build (pages, search index, data, archived periods, the change log carried from earlier builds)."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

STEP = st.tuples(st.sampled_from(["public", "party"]), st.booleans(), st.booleans())  # audience, approve, previous


def write_period(kit, folder: Path, period: str, token: str, previous: str | None = None) -> None:
    extra = {"previous": previous} if previous else {}
    kit.tiny_board(folder, {"first": {"name": "第一党支部", "rectifications": [
        kit.item(id="01", problem="公开的整改", status="已完成", completed="2023-05-01"),
        kit.item(id="02", problem=f"党内机密{token}", owner=f"内部责任人{token}", audience="党内",
                 status="已完成", completed="2023-06-01", progress=f"党内进展{token}"),
    ]}, "second": {"name": "第二党支部", "rectifications": [
        kit.item(id="01", problem=f"党内另一项{token}", audience="党内")]}}, period=period, **extra)


def party_strings(site: Path, tokens: list[str]) -> list[str]:
    found = []
    for path in site.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.relative_to(site)}: {t}" for t in tokens if t.encode() in data]
    return found


@settings(max_examples=1, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, min_size=3, max_size=3))
@example(steps=[("party", True, True), ("public", False, True), ("public", True, True)])  # a party build's leftovers
def test_no_party_string_reaches_a_public_build_in_a_shared_folder(kit, tmp_path_factory, steps):
    root = tmp_path_factory.mktemp("leak")
    site, tokens = root / "site", ["2023-06-01", "2023年6月1日"]  # only a 党内 item was done that day
    for number, (audience, approve, previous) in enumerate(steps):
        token = f"甲{number}"
        tokens += [f"{kind}{old}{token}" for kind in ("党内机密", "内部责任人", "党内进展", "党内另一项")
                   for old in ("", "旧")]
        write_period(kit, root / "old", "2023年度", f"旧{token}")
        write_period(kit, root / "new", "2024年度", token, "../old" if previous else None)
        if approve:
            kit.approve_board(root / "new", audience)
        run = kit.board("build", "--config", str(kit.CONFIG), "--content", str(root / "new"), "--site-dir", str(site),
                        "--as-of", kit.AS_OF, "--audience", audience)
        assert run.code == 0, run.err
        if audience == "public":
            assert party_strings(site, tokens) == [], steps[: number + 1]
        else:
            assert party_strings(site, [f"党内机密{token}"]), "the party build shows its own items"


def _numbered_board(kit, root: Path, hidden: bool, done: bool) -> Path:
    """Two periods whose public items sit between 党内 ones (``hidden``), or the same board with the 党内 items
    deleted and the public ones renumbered 01, 02 …: what the public sees is the same."""
    def item(number: str, problem: str, party: bool = False, **more) -> dict:
        return kit.item(id=number, problem=problem, **({"audience": "党内"} if party else {}), **more)

    def personal(number: str, problem: str, audience: str) -> dict:
        return {"id": number, "problem": problem, "measures": ["改"], "deadline": "2026-12-31", "audience": audience}

    carried = "03" if hidden else "02"
    old = [item("01", "去年问题甲"), *([item("02", "去年秘密", True)] if hidden else []), item(carried, "去年问题乙")]
    kit.tiny_board(root / "c2025", {"a": {"name": "第一党支部", "rectifications": old}}, period="2025年度")
    finished = {"status": "已完成", "completed": "2026-05-01"} if done else {}
    now = [item("01", "今年问题甲"), *([item("02", "今年秘密", True), item("03", "今年秘密二", True)] if hidden else []),
           item("04" if hidden else "02", "今年问题乙", **finished),
           item("05" if hidden else "03", "去年问题乙", carried_from=f"2025/a/{carried}")]
    person = {"name": "公开人", "pledge": "公开承诺", "audience": "公开", "rectifications": [
        *([personal("01", "个人秘密", "党内")] if hidden else []), personal("02" if hidden else "01", "个人公开", "公开")]}
    people = [*([{"name": "秘密人", "pledge": "秘密承诺", "audience": "党内"}] if hidden else []), person]
    return kit.tiny_board(root / "c2026", {"a": {"name": "第一党支部", "rectifications": now, "people": people}},
                          period="2026年度", previous="../c2025")


def test_a_public_site_is_the_same_as_if_its_party_items_had_never_been_numbered(kit, tmp_path):
    sites = {}
    for hidden in (True, False):
        root, site = tmp_path / f"hidden-{hidden}", tmp_path / f"site-{hidden}"
        for done in (False, True):  # twice: the change log (data/changes.json) records a status change
            content = _numbered_board(kit, root, hidden, done)
            run = kit.board("build", "--config", str(kit.CONFIG), "--content", str(content), "--site-dir", str(site),
                            "--as-of", "2026-06-01")
            assert run.code == 0, run.err
        build = json.loads((site / "data" / "build.json").read_text(encoding="utf-8"))["build"]
        # the build id hashes what the audience sees with the file's ids; it names no number
        sites[hidden] = {p.relative_to(site).as_posix(): p.read_bytes().replace(build.encode(), b"BUILD")
                         for p in site.rglob("*") if p.is_file()}
    assert set(sites[True]) == set(sites[False])
    assert [p for p in sites[True] if sites[True][p] != sites[False][p]] == []
    changed = json.loads(sites[True]["data/changes.json"])[0]["status"]  # keyed as the public reads it
    assert [(c["key"], c["id"], c["to"]) for c in changed] == [("a/03", "03", "已完成")]
