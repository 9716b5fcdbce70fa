"""Property: whatever a clerk types in any text field is shown exactly as typed.

Each example is a real MkDocs build (in-process, to keep the suite fast); the
built pages are parsed and compared with a baseline board of plain text.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from mkdocs.commands.build import build
from mkdocs.config import load_config

from generator.content import schema
from helpers import AS_OF, CONFIG, Html, evaluation, item, tiny_board

TOKENS = ["|", "<", ">", "&", '"', "'", "`", "```", "{{ x }}", "{% raw %}", "**", "__", "[x](javascript:alert(1))",
          "<script>alert(1)</script>", "<b>", "&amp;", "&#60;", "\n", "\n\n", "  ", "# ", "- ", "1. ", "> ", ":", "#",
          "---", "| a | b |", "![i](x.png)", "<!--", "\\", "*", "😀", "党支部", "\t"]
text = st.lists(
    st.one_of(st.sampled_from(TOKENS),
              st.text(st.characters(exclude_categories=("Cs", "Cc", "Cf", "Zl", "Zp", "Co", "Cn")), max_size=6)),
    max_size=8,
).map(lambda parts: "字" + "".join(parts) + "尾")   # required text is never empty

PAGES = ("index.html", "ledger/index.html", "branches/a/index.html")
ITEM_TEXTS = tuple(f.key for f in schema.ITEM.fields if f.type == "text" and f.key != "id" and not f.pattern)  # free text, as declared


@contextlib.contextmanager
def env(**values: str):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            os.environ.pop(key) if value is None else os.environ.__setitem__(key, value)


def build_board(root: Path, t: dict[str, str]) -> dict[str, Html]:
    shutil.rmtree(root, ignore_errors=True)
    content = tiny_board(root / "content", {"a": {
        "name": t["name"], "secretary": t["secretary"],
        "meeting": {"date": "2023-02-10", "supervisor": t["supervisor"]},
        "evaluation": evaluation(honor_roll=[t["honor"]]),
        "rectifications": [item(measures=[t["measure"], t["measure2"]], **{key: t[key] for key in ITEM_TEXTS})],
    }}, organization=t["organization"], period=t["period"], feedback=[t["feedback"]])
    with env(BOARD_CONTENT=str(content), BOARD_AS_OF=AS_OF, BOARD_SITE_DIR=str(root / "site"),
             BOARD_AUDIENCE="public", NO_MKDOCS_2_WARNING="1"):
        build(load_config(str(CONFIG)))
    docs = {}
    for page in PAGES:
        doc = Html()
        doc.feed((root / "site" / page).read_text(encoding="utf-8"))
        docs[page] = doc
    return docs


FIELDS = ("name", "secretary", "supervisor", "honor", *ITEM_TEXTS, "measure", "measure2", "organization", "period",
          "feedback")
WHERE = {"organization": PAGES[:1], "period": PAGES[:2], "feedback": PAGES[:1]}


def tag_counts(doc: Html) -> collections.Counter:
    return collections.Counter(tag for tag, _ in doc.tags if tag != "br")


logging.getLogger("mkdocs").setLevel(logging.ERROR)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> dict[str, Html]:
    """The same board with every text field a plain 字 (built when the test runs, not when it is collected)."""
    return build_board(tmp_path_factory.mktemp("baseline"), dict.fromkeys(FIELDS, "字"))


# Each example is a whole site build, so no shrinking: a failure prints its example as found.
@settings(max_examples=25, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries(dict.fromkeys(FIELDS, text)))
@example(dict.fromkeys(FIELDS, "字\t<b>x</b> | {{ y }} {% if %} **z** [a](javascript:alert(1))\n\n第二行  尾"))
def test_any_text_is_shown_literally_and_creates_no_element(baseline, values):
    with tempfile.TemporaryDirectory() as tmp:
        docs = build_board(Path(tmp), values)
    for page, doc in docs.items():
        shown = "".join(doc.text)
        for field, value in values.items():
            if page not in WHERE.get(field, (PAGES[2],)):
                continue
            for line in value.strip("\n").splitlines():
                assert line in shown, (page, field, line)
        assert tag_counts(doc) == tag_counts(baseline[page]), page
