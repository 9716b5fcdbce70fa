"""Releases: DIR/releases/<time>-<build>/ and DIR/current → one of them; publish, rollback, prune.

Every change to a publish root — installing a release, pruning old ones,
rolling back, writing the live history — happens under one lock, so a
rollback can never make live a release that a publish is pruning.  The
history is written before ``current`` switches: a publish that reports a
failure has left the site as it was; one that switched has succeeded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.content.source import os_reason
from generator.files import write_atomic
from generator.site import gate
from generator.site.outputs import CURRENT, RELEASES, remove_stale

HISTORY = ".live-history.json"  # the releases made live, oldest first (what rollback goes back through)
_RELEASE_NAME = re.compile(r"\d{8}-\d{6}-[0-9a-f]{12}(?:-1)*")
AUDIENCE_LABELS = {"public": "公开版", "party": "党内版"}


class PublishError(RuntimeError):
    """A publish, rollback or listing that cannot go ahead, in words IT staff can act on."""


@dataclass(frozen=True)
class Release:
    path: Path
    build: str
    audience: str | None
    summary: dict
    live: bool

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def time(self) -> str:
        stamp = self.name.split("-", 2)
        return f"{stamp[0][:4]}-{stamp[0][4:6]}-{stamp[0][6:]} {stamp[1][:2]}:{stamp[1][2:4]}:{stamp[1][4:]}"

    @property
    def approved(self) -> bool:
        """Published reviewed and approved (its summary names who signed)."""
        return isinstance(self.summary.get("approval"), dict)

    @property
    def audience_label(self) -> str:
        return AUDIENCE_LABELS.get(self.audience or "", "版本不明")


def _json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def prepare(root: Path) -> Path:
    """The releases folder, after making sure we may write there and ``current`` is ours."""
    current = root / CURRENT
    if current.exists() and not current.is_symlink():
        what = "普通文件夹" if current.is_dir() else "普通文件"
        raise PublishError(f"{current} 是{what}，不是发布用的链接：请先把它改名或移走（例如 {current}.old）")
    releases = root / RELEASES
    try:
        releases.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=releases, prefix=".probe-"):
            pass
    except OSError as exc:
        raise PublishError(f"不能写入 {releases}：{os_reason(exc)}。请用有写权限的账号运行，或换一个目录") from None
    return releases


def check_audience(root: Path, audience: str) -> None:
    """Refuse to publish one audience's site where the other's releases are (a rollback could mix them)."""
    other = [r for r in releases(root) if r.audience not in (None, audience)]
    if other:
        raise PublishError(
            f"{root} 里已有{other[-1].audience_label}的版本（{other[-1].name}），不能再发布{AUDIENCE_LABELS[audience]}："
            "公开版和党内版请发布到不同目录（例如 --to /srv/board 和 --to /srv/board-party）")


def gate_refusal(root: Path) -> str | None:
    """Why an unapproved publish into ``root`` is refused (``gate``), or None."""
    return gate.refusal(root, [r.name for r in releases(root) if r.approved])


def live(root: Path) -> Path | None:
    current = root / CURRENT
    return (root / os.readlink(current)).resolve() if current.is_symlink() else None


def releases(root: Path) -> list[Release]:
    """Every complete release, oldest first (other folders in ``releases/`` are left alone)."""
    folder = root / RELEASES
    if not folder.is_dir():
        return []
    now = live(root)
    found = sorted(p for p in folder.iterdir() if _RELEASE_NAME.fullmatch(p.name) and p.is_dir() and not p.is_symlink())
    listed = []
    for path in found:
        build = _json(path / "data" / "build.json")
        audience = build.get("audience") if build.get("audience") in AUDIENCE_LABELS else None
        listed.append(Release(path, str(build.get("build", "?")), audience, _json(path / "data" / "summary.json"),
                              now is not None and path.resolve() == now))
    return listed


def release_name(build: str, when: dt.datetime | None = None) -> str:
    when = when or dt.datetime.now()
    return f"{when:%Y%m%d-%H%M%S}-{build}"


def switch(root: Path, release: Path) -> None:
    """Point ``current`` at ``release`` in one step: a new link renamed over the old one."""
    link = root / f".{CURRENT}.tmp-{os.getpid()}"
    link.unlink(missing_ok=True)
    try:
        os.symlink(os.path.relpath(release, root), link)
        os.replace(link, root / CURRENT)
    finally:
        link.unlink(missing_ok=True)


def staging_dir(root: Path) -> Path:
    """Where a release is built before it is installed (cleared by ``prune`` if the build dies)."""
    return root / RELEASES / f".release.tmp-{os.getpid()}"


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    """One publish or rollback at a time switches ``current`` and writes the live history."""
    try:
        import fcntl
    except ImportError:  # not on Linux: no lock (publishing runs on the intranet server)
        yield
        return
    with open(root / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _read_history(root: Path) -> list[str]:
    try:
        data = json.loads((root / HISTORY).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return []
    return [n for n in data if isinstance(n, str)] if isinstance(data, list) else []


def _write_history(root: Path, names: list[str]) -> None:
    write_atomic(root / HISTORY, json.dumps(names[-1000:]) + "\n")


def _after_every_release(known: list[Release]) -> dt.datetime:
    """Now, or one second after the newest release when that is not earlier (two publishes in one
    second, a clock set back): release names sort in the order they were made, which listing,
    rollback and pruning go by."""
    now = dt.datetime.now().replace(microsecond=0)
    newest = max((r.name[:15] for r in known), default=None)
    if newest is None:
        return now
    return max(now, dt.datetime.strptime(newest, "%Y%m%d-%H%M%S") + dt.timedelta(seconds=1))


def install(root: Path, staging: Path, build: str, *, keep: int, approved: bool) -> tuple[Path, list[Path]]:
    """Make a finished build a new release and live; then prune to the newest ``keep``.  All under the lock.

    The gate and the audience are checked again here (``gate``): a root that took an approved
    release (or the other audience's first release) since the caller checked refuses this one.  The history is
    written before ``current`` switches, so a ``PublishError`` means the site did
    not change (the new release folder is removed); pruning cannot fail a publish.
    """
    with _locked(root):
        known = releases(root)
        if not approved and (why := gate_refusal(root)):
            raise PublishError(why)
        audience = _json(staging / "data" / "build.json").get("audience")
        check_audience(root, audience if audience in AUDIENCE_LABELS else "public")  # again: another may have won
        target = root / RELEASES / release_name(build, _after_every_release(known))
        while target.exists():
            target = target.with_name(target.name + "-1")
        staging.rename(target)
        try:
            if approved:
                gate.remember(root, target.name)
            _write_history(root, [*_live_history(root, releases(root)), target.name])
            switch(root, target)
        except OSError as exc:
            shutil.rmtree(target, ignore_errors=True)
            raise PublishError(f"不能切换到新版本：{os_reason(exc)}") from None
        return target, _prune(root, keep)


def reinstate(root: Path, build: str, *, approved: bool) -> Release | None:
    """Make live again the release already built from this very content and these options (a publish after a
    rollback), rather than install a second folder of the same version: None when there is none.  Under the lock."""
    with _locked(root):
        known = releases(root)
        same = [r for r in known if r.build == build and not r.live]
        if not same:
            return None
        if not approved and (why := gate_refusal(root)):
            raise PublishError(why)
        target = same[-1]
        try:
            if approved:
                gate.remember(root, target.name)
            _write_history(root, [*_live_history(root, known), target.name])
            switch(root, target.path)
        except OSError as exc:
            raise PublishError(f"不能切换版本：{os_reason(exc)}") from None
        return target


def _prune(root: Path, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` releases (the live one always stays); the caller holds the lock."""
    removed = []
    for release in releases(root)[:-keep] if keep > 0 else releases(root):
        if not release.live:
            shutil.rmtree(release.path, ignore_errors=True)
            removed.append(release.path)
    remove_stale(root / RELEASES / "release")  # builds that were killed
    return removed


def _live_history(root: Path, known: list[Release]) -> list[str]:
    """The releases that were live, oldest first, ending with the live one (those still there).

    Read from ``HISTORY``; where it is missing or does not end at the live release
    (published by an older version, or ``current`` switched by hand), the releases
    up to the live one in time order.
    """
    names = {r.name for r in known}
    now = next((r for r in known if r.live), None)
    if now is None:
        return []
    saved = [n for n in _read_history(root) if n in names]
    if now.name in saved:
        saved = saved[: len(saved) - saved[::-1].index(now.name)]
    else:
        saved = [r.name for r in known[: known.index(now) + 1]]
    collapsed = [n for i, n in enumerate(saved) if i == 0 or saved[i - 1] != n]
    return collapsed


def rollback(root: Path) -> Release:
    """Make the release that was live before the live one live again (of the same audience)."""
    if not (root / RELEASES).is_dir():
        raise PublishError(f"{root} 还没有发布过")
    with _locked(root):
        known = releases(root)
        now = next((r for r in known if r.live), None)
        if now is None:
            raise PublishError(f"{root} 还没有发布过")
        by_name = {r.name: r for r in known}
        history = _live_history(root, known)[:-1]
        while history and (history[-1] == now.name or by_name[history[-1]].audience != now.audience):
            history.pop()
        if not history:
            raise PublishError("没有更早的版本可以回退")
        target = by_name[history[-1]]
        if not target.approved and (why := gate.approved_before(root, [r.name for r in known if r.approved])):
            raise PublishError(f"上一个版本 {target.name} 未经审核、审批，而{why}：不能回退到未经审批的版本")
        try:
            _write_history(root, history)  # first: a failure here leaves the site as it was
            switch(root, target.path)
        except OSError as exc:
            raise PublishError(f"不能切换版本：{os_reason(exc)}") from None
    return target
