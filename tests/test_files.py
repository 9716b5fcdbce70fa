"""The one atomic write: the old file stays whole until the new one is complete, and keeps its mode."""

from __future__ import annotations

import os
import stat

import pytest

from generator.files import replacing, write_atomic, written_beside


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_rewritten_file_keeps_its_mode_and_a_new_one_gets_the_umask(tmp_path):
    old = tmp_path / "a.yml"
    old.write_text("旧\n", encoding="utf-8")
    old.chmod(0o640)
    write_atomic(old, "新\r\n行|<{{\n")
    assert old.read_bytes() == "新\r\n行|<{{\n".encode()  # as given: nothing translated
    assert _mode(old) == 0o640
    umask = os.umask(0o027)
    try:
        write_atomic(tmp_path / "sub" / "new.bin", b"\x00\x01")
    finally:
        os.umask(umask)
    assert (tmp_path / "sub" / "new.bin").read_bytes() == b"\x00\x01"
    assert _mode(tmp_path / "sub" / "new.bin") == 0o640
    write_atomic(tmp_path / "private", "x", mode=0o600)
    assert _mode(tmp_path / "private") == 0o600


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    old = tmp_path / "approvals.yml"
    old.write_text("第一条\n", encoding="utf-8")
    with pytest.raises(RuntimeError), replacing(old) as temp:
        temp.write_text("写了一半", encoding="utf-8")
        raise RuntimeError("disk full")
    assert old.read_text(encoding="utf-8") == "第一条\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["approvals.yml"]


def test_the_writer_gets_its_own_path_beside_the_target(tmp_path):
    target = tmp_path / "公开栏.pdf"
    with replacing(target) as temp:
        assert temp.parent == tmp_path and temp != target and temp.exists() and not target.exists()
        temp.write_bytes(b"%PDF")
    assert target.read_bytes() == b"%PDF" and not temp.exists()


def test_a_file_written_beside_waits_for_its_rename_with_the_target_mode(tmp_path):
    target = tmp_path / "a.yml"
    target.write_text("旧\n", encoding="utf-8")
    target.chmod(0o604)
    temp = written_beside(target, "新\n".encode())
    assert temp.parent == tmp_path and temp.read_bytes() == "新\n".encode() and _mode(temp) == 0o604
    assert target.read_text(encoding="utf-8") == "旧\n"  # untouched until the caller renames
    temp.replace(target)
    assert target.read_text(encoding="utf-8") == "新\n"
