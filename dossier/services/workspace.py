"""Opening, checking, backing up and closing a workspace: one SQLite file."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text

from dossier import config
from dossier.errors import WorkspaceError
from dossier.store.database import SCHEMA_HEAD, Database, open_database
from dossier.store.records import count_records
from dossier.store.sqlite import backups
from dossier.store.sqlite.backup import backup_to
from dossier.store.sqlite.files import (
    SQLITE_HEADER,
    WorkspaceDamagedError,
    content_problem,
    structure_problem,
    wal_problem,
)
from dossier.store.sqlite.lock import WorkspaceLock


@dataclass(frozen=True)
class Change:
    """What one committed operation changed, broadcast to listeners (the GUI's panes)."""

    changed: dict[str, tuple[str, ...]] = field(default_factory=dict)  # collection -> ids added/edited
    deleted: dict[str, tuple[str, ...]] = field(default_factory=dict)  # collection -> ids removed
    everything: bool = False  # e.g. after an import: refresh all

    def touches(self, collection: str) -> bool:
        return self.everything or collection in self.changed or collection in self.deleted


class Workspace:
    """An open workspace. Services take it as their first argument."""

    def __init__(self, db: Database, lock: WorkspaceLock | None = None, readonly_reason: str | None = None):
        self.db = db
        self.lock = lock
        self.readonly_reason = readonly_reason  # why it was opened read-only, for a banner
        self.backup_made: Path | None = None
        self.warnings: list[str] = []
        self._listeners: list[Callable[[Change], None]] = []

    @property
    def path(self) -> Path:
        return self.db.path

    @property
    def readonly(self) -> bool:
        return self.db.readonly

    def subscribe(self, listener: Callable[[Change], None]) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[Change], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def announce(self, change: Change) -> None:
        for listener in list(self._listeners):
            listener(change)

    def close(self) -> None:
        try:
            self.db.close()
        finally:
            if self.lock is not None:
                self.lock.release()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_workspace(path: str | os.PathLike | None = None, *, readonly: bool = False,
                   lock_timeout: float = 0.0, daily_backup: bool = True) -> Workspace:
    """Open the workspace at ``path`` (default: the user's workspace), creating it when absent.

    Writing needs the workspace's lock: another running Dossier holding it makes this raise
    ``WorkspaceLockedError`` (naming who holds it) after ``lock_timeout`` seconds. A file
    that cannot be written opens read-only, saying why in ``readonly_reason``. A damaged
    file raises ``WorkspaceDamagedError`` naming the newest good backup, and is not
    written to. At most once a day a backup is made into ``backups/`` beside the file.
    """
    target = Path(path) if path is not None else config.default_workspace_path()
    reason = None
    if not readonly:
        reason = _why_not_writable(target)
        readonly = reason is not None
    lock = None
    if not readonly:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WorkspaceError(f"cannot create the folder for {target}: {exc.strerror or exc}") from None
        lock = WorkspaceLock(target).acquire(lock_timeout)
    try:
        existed = _holds_sqlite(target)
        if existed:
            _refuse_damaged(target, lock)
        db = open_database(target, readonly=readonly)
        ws = Workspace(db, lock, reason)
        if lock is not None:
            lock.mark(opened=True)
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    if existed and daily_backup and not readonly:
        try:
            ws.backup_made = backups.daily_backup(target)
        except WorkspaceError as exc:
            ws.warnings.append(f"the daily backup could not be made: {exc}")
    return ws


def _why_not_writable(path: Path) -> str | None:
    if path.exists():
        if not os.access(path, os.W_OK):
            return "the workspace file is read-only"
        if not os.access(path.parent, os.W_OK | os.X_OK):
            return "the folder holding the workspace is read-only"
    return None


def _holds_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(16) == SQLITE_HEADER
    except OSError:
        return False


def _refuse_damaged(path: Path, lock: WorkspaceLock | None) -> None:
    problem = structure_problem(path)
    if problem is None and lock is not None and lock.found_stale:
        if lock.previous_state().get("opened") and not Path(f"{path}-wal").exists():
            problem = ("it was not closed properly and its write-ahead log "
                       f"({path.name}-wal) is missing, so its latest changes are lost")
    problem = problem or wal_problem(path) or content_problem(path)
    if problem:
        raise WorkspaceDamagedError(path, problem, backups.newest_good_backup(path))


def restore_backup(path: str | os.PathLike, backup: str | os.PathLike, *, lock_timeout: float = 0.0) -> Path:
    """Replace the workspace with a backup; the current file is kept as NAME.replaced-STAMP."""
    target = Path(path)
    lock = WorkspaceLock(target).acquire(lock_timeout)
    try:
        return backups.restore(target, Path(backup))
    finally:
        lock.release()


@dataclass(frozen=True)
class CheckReport:
    path: Path
    schema: str | None
    integrity: list[str]
    foreign_keys: list[str]
    counts: dict[str, int]

    @property
    def ok(self) -> bool:
        return self.integrity == ["ok"] and not self.foreign_keys and self.schema == SCHEMA_HEAD


def check_workspace(ws: Workspace) -> CheckReport:
    """Integrity check, foreign-key check, schema version and record counts."""
    with ws.db.read() as conn:
        integrity = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
        fk = [
            f"{row[0]} row {row[1]} refers to a missing {row[2]} row"
            for row in conn.execute(text("PRAGMA foreign_key_check"))
        ]
        schema = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
        counts = count_records(conn)
    return CheckReport(ws.path, schema, integrity, fk, counts)


def backup_workspace(ws_or_path: Workspace | Path | str, target: str | os.PathLike) -> Path:
    """Write a consistent copy of the workspace to ``target`` (safe while others write)."""
    source = ws_or_path.path if isinstance(ws_or_path, Workspace) else Path(ws_or_path)
    target = Path(target)
    if target.resolve() == source.resolve():
        raise WorkspaceError("the backup cannot overwrite the workspace itself")
    backup_to(source, target)
    return target
