"""Property: whatever order audiences, approvals and periods come in, one site folder never shows a 党内 string
after a public build (pages, search index, data, archived periods, the change log carried from earlier builds)."""

from __future__ import annotations

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
