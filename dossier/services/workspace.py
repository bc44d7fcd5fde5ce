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
from dossier.store.sqlite.backup import backup_to


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

    def __init__(self, db: Database):
        self.db = db
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
        self.db.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_workspace(path: str | os.PathLike | None = None, *, readonly: bool = False) -> Workspace:
    """Open the workspace at ``path`` (default: the user's workspace), creating it when absent."""
    target = Path(path) if path is not None else config.default_workspace_path()
    return Workspace(open_database(target, readonly=readonly))


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
