"""Several files as one change: all renamed into place, or none; and the undo record beside content/."""

from __future__ import annotations

import pytest

from generator.office import transaction


def test_a_write_that_cannot_start_leaves_every_file_and_no_temporary(tmp_path):
    (tmp_path / "a.yml").write_text("a: 1\n", encoding="utf-8")
    (tmp_path / "blocked").write_text("a file where a folder should be", encoding="utf-8")
    with pytest.raises(OSError):
        transaction.commit({tmp_path / "a.yml": b"a: 2\n", tmp_path / "blocked" / "b.yml": b"b: 2\n"})
    assert (tmp_path / "a.yml").read_text(encoding="utf-8") == "a: 1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yml", "blocked"]


def test_the_undo_record_sits_beside_the_content_folder(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    assert transaction.undo_path(content) == tmp_path / ".content.import-undo.json"
    target = content / "branches" / "new.yml"
    transaction.commit_with_undo(content, {target: b"name: x\n"}, "导入测试")
    assert target.read_bytes() == b"name: x\n" and transaction.undo_path(content).exists()
    assert transaction.undo(content) == ["已删除导入新建的 " + str(target)]             # a file the import created
    assert not target.exists() and not transaction.undo_path(content).exists()
