"""The core's options: made once from what users type, and fingerprinted field by field."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from generator import __version__, core
from generator.board.screen import ScreenSettings
from generator.content.model import Audience

# A different value for every field that changes the output.  A new ``Options`` field must be added here
# (or declared ``metadata=core.NOT_FINGERPRINTED``): the test below fails until it is.
OTHER_VALUES = {
    "audience": Audience.PARTY,
    "as_of": dt.date(2024, 7, 2),
    "excellent_ceiling": 0.5,
    "screen": ScreenSettings(seconds=30),
    "ledger_page_rows": 7,
    "site_url": "http://board.example/",
    "approval": False,
}


def test_every_option_that_changes_the_output_changes_the_fingerprint(tmp_path):
    options = core.make_options(tmp_path, as_of="2024-07-01")
    fingerprinted = {f.name for f in dataclasses.fields(options) if f.metadata.get("fingerprint", True)}
    assert fingerprinted == set(OTHER_VALUES)
    for name, value in OTHER_VALUES.items():
        assert dataclasses.replace(options, **{name: value}).fingerprint() != options.fingerprint(), name
    elsewhere = dataclasses.replace(options, content_dir=tmp_path / "other")  # the content's side of a build id
    assert elsewhere.fingerprint() == options.fingerprint()
    assert options.fingerprint().startswith(f"{__version__}|public|2024-07-01|")


def test_options_are_given_by_name_and_refused_in_words(tmp_path):
    with pytest.raises(TypeError):
        core.make_options(tmp_path, "party")  # by position an audience is easily misplaced
    with pytest.raises(core.OptionError, match="audience 只能是 public"):
        core.make_options(tmp_path, audience="everyone")
    with pytest.raises(core.OptionError, match="至少是 1"):
        core.make_options(tmp_path, ledger_page_rows=0)
