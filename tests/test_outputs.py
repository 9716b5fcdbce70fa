"""Output paths: a build never replaces a publish root, whatever else the folder holds."""

from __future__ import annotations

import json

import pytest

from generator.site import releases
from generator.site.outputs import MARKER, OutputError, check_output


def test_a_build_into_a_publish_root_is_refused_even_when_it_looks_like_an_old_build(kit, tmp_path):
    root = tmp_path / "www"
    (root / MARKER).parent.mkdir(parents=True)
    (root / MARKER).write_text("{}")  # the root was a plain build's site folder before it took releases
    releases.prepare(root)
    staging = root / "releases" / ".release.tmp-test"
    (staging / "data").mkdir(parents=True)
    (staging / MARKER).write_text(json.dumps({"build": "000000000001", "audience": "public"}))
    releases.install(root, staging, "000000000001", keep=2, approved=True)
    with pytest.raises(OutputError, match="是发布目录"):
        check_output(root, [])
    run = kit.board("build", "--config", str(kit.CONFIG), "--site-dir", str(root))
    assert run.code == 1 and "是发布目录" in run.err and "board publish --to" in run.err
    assert (root / "current").resolve().name.endswith("000000000001")
