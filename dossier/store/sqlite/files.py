"""Looking at a file before trusting it, without writing a byte to it."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from dossier.errors import NotAWorkspaceError, NotSQLiteError, WorkspaceError

SQLITE_HEADER = b"SQLite format 3\x00"
#: PRAGMA application_id of a Dossier workspace: "DOSS".
APPLICATION_ID = 0x444F5353


@dataclass(frozen=True)
class FileState:
    exists: bool
    revision: str | None  # Alembic revision, None for a new or empty file


def open_readonly(path: Path) -> sqlite3.Connection:
    uri = "file:" + quote(str(path.resolve())) + "?mode=ro"
    return sqlite3.connect(uri, uri=True, isolation_level=None)


def inspect_file(path: Path) -> FileState:
    """What is at ``path``: nothing, an empty file, or a Dossier workspace at some revision.

    Raises NotSQLiteError or NotAWorkspaceError for anything else; never writes.
    """
    if not path.exists():
        return FileState(False, None)
    if path.is_dir():
        raise WorkspaceError(f"{path} is a folder, not a workspace file")
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise WorkspaceError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not header:
        return FileState(True, None)
    if not header.startswith(SQLITE_HEADER):
        raise NotSQLiteError(f"{path} is not a Dossier workspace: it is not an SQLite database file")
    app_id = int.from_bytes(header[68:72], "big")
    try:
        conn = open_readonly(path)
        try:
            tables = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            revision = None
            if "alembic_version" in tables:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise NotSQLiteError(f"{path} cannot be read as an SQLite database: {exc}") from None
    if app_id != APPLICATION_ID:
        if not tables:
            return FileState(True, None)
        shown = ", ".join(tables[:5]) + (" …" if len(tables) > 5 else "")
        raise NotAWorkspaceError(
            f"{path} is an SQLite database but not a Dossier workspace (it holds tables: {shown})"
        )
    if revision is None:
        raise NotAWorkspaceError(f"{path} is marked as a Dossier workspace but has no schema version")
    return FileState(True, revision)
