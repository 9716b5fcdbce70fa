"""Writing several files as one change, and undoing the last import.

An import may rewrite many branch files (a tally) and always writes its undo record:
every new text goes to a temporary file beside its target first, then all are renamed;
if anything fails, the files already renamed get their old bytes back.  The undo
record sits beside the content folder (a dot-file, never inside what is built or
published) and holds each changed file's bytes from before, and a digest of after, so
``board import --undo`` restores exactly those files and refuses if one was edited since.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path

from generator.files import written_beside


class UndoError(Exception):
    """Nothing to undo, or a file changed since the import; ``problems`` say which."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def undo_path(content_dir: Path) -> Path:
    """The undo record of a content folder: ``.<folder>.import-undo.json`` beside it."""
    folder = content_dir.resolve()
    return folder.parent / f".{folder.name}.import-undo.json"


def _put(path: Path, data: bytes | None) -> None:
    """One file to ``data`` (None: removed), by rename."""
    if data is None:
        path.unlink(missing_ok=True)
    else:
        os.replace(written_beside(path, data), path)


def commit(changes: dict[Path, bytes | None]) -> None:
    """Write every file (None: remove it) or, on any failure, leave every one as it was."""
    before = {path: (path.read_bytes() if path.exists() else None) for path in changes}
    temps: dict[Path, Path] = {}
    try:
        for path, data in changes.items():
            if data is not None:
                temps[path] = written_beside(path, data)
    except BaseException:
        for temp in temps.values():
            temp.unlink(missing_ok=True)
        raise
    done: list[Path] = []
    try:
        for path, data in changes.items():
            if data is None:
                path.unlink(missing_ok=True)
            else:
                os.replace(temps[path], path)
                del temps[path]
            done.append(path)
    except BaseException:
        for path in reversed(done):
            _put(path, before[path])
        for temp in temps.values():
            temp.unlink(missing_ok=True)
        raise


def _digest(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def commit_with_undo(content_dir: Path, changes: dict[Path, bytes], what: str) -> None:
    """Commit the changes and, in the same commit, the record that undoes them."""
    root = content_dir.resolve()
    files = []
    for path, data in changes.items():
        old = path.read_bytes() if path.exists() else None
        files.append({"path": str(path.resolve().relative_to(root)), "after": _digest(data),
                      "before": None if old is None else base64.b64encode(old).decode("ascii")})
    record = json.dumps({"what": what, "files": files}, ensure_ascii=False, indent=1).encode("utf-8")
    commit({**changes, undo_path(content_dir): record})


def undo(content_dir: Path) -> list[str]:
    """Restore the files the last import changed; returns their paths. Raises ``UndoError``."""
    record_path = undo_path(content_dir)
    if not record_path.exists():
        raise UndoError(["没有可以撤销的导入（上次导入已撤销，或还没有导入过）"])
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        files = [(content_dir / f["path"], f["after"], f["before"]) for f in record["files"]]
    except (ValueError, KeyError, TypeError, OSError):
        raise UndoError([f"{record_path}: 撤销记录已损坏，无法撤销"]) from None
    edited = [str(path) for path, after, _ in files
              if _digest(path.read_bytes() if path.exists() else None) != after]
    if edited:
        raise UndoError([f"{p}: 导入之后又被修改过，撤销会丢掉这些修改" for p in edited]
                        + ["没有撤销任何文件；如仍要恢复，请手工处理以上文件"])
    restored: dict[Path, bytes | None] = {
        path: None if before is None else base64.b64decode(before) for path, _, before in files}
    commit({**restored, record_path: None})
    return [f"{record.get('what', '上次导入')}：已恢复 {path}" if before is not None else f"已删除导入新建的 {path}"
            for path, _, before in files]
