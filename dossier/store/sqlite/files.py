"""Looking at a file before trusting it, without writing a byte to it."""

from __future__ import annotations

import os
import sqlite3
import weakref
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
    #: every row of the file's ``sqlite_master``: (type, name, tbl_name, sql, rootpage)
    schema: tuple = ()


class TrackedConnection(sqlite3.Connection):
    """An SQLite connection this process can find again, to interrupt it (see ``connect.interrupt_all``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        live_connections.add(self)


#: Every SQLite connection Dossier has open (closed ones drop out as they are collected).
live_connections: weakref.WeakSet[sqlite3.Connection] = weakref.WeakSet()


def readonly_uri(path: Path) -> str:
    """A URI that opens ``path`` without writing to it; on a read-only folder, as immutable
    (SQLite could not create the WAL index there, and nobody else can write either)."""
    resolved = path.resolve()
    uri = "file:" + quote(str(resolved)) + "?mode=ro"
    if not os.access(resolved.parent, os.W_OK):
        uri += "&immutable=1"
    return uri


def open_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection that trusts nothing in the file's schema (see ``inspect_file``)."""
    conn = sqlite3.connect(readonly_uri(path), uri=True, isolation_level=None, factory=TrackedConnection)
    conn.execute("PRAGMA trusted_schema = OFF")
    return conn


def _plain_table(conn: sqlite3.Connection, schema: list[tuple], name: str) -> bool:
    """Whether ``name`` is a plain table whose columns are all stored (no view, no virtual
    table, no generated column): reading it then runs none of the file's SQL."""
    rows = [r for r in schema if r[1] == name]
    if len(rows) != 1 or rows[0][0] != "table" or str(rows[0][3] or "").lstrip()[:12].upper() != "CREATE TABLE":
        return False
    columns = conn.execute("SELECT hidden FROM pragma_table_xinfo(?)", (name,)).fetchall()
    return bool(columns) and all(hidden == 0 for (hidden,) in columns)


def inspect_file(path: Path) -> FileState:
    """What is at ``path``: nothing, an empty file, or a Dossier workspace at some revision.

    Raises NotSQLiteError or NotAWorkspaceError for anything else; never writes. Only the
    schema is read, and the revision from ``alembic_version`` when that is a plain table; the
    rest of the schema is verified by the caller (``verify``) before anything else is read.
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
            schema = [tuple(r) for r in conn.execute("SELECT type, name, tbl_name, sql, rootpage FROM sqlite_master")]
            tables = sorted(r[1] for r in schema if r[0] == "table")
            revision = None
            readable = "alembic_version" in tables and _plain_table(conn, schema, "alembic_version")
            if readable:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise NotSQLiteError(f"{path} cannot be read as an SQLite database: {exc}") from None
    if app_id != APPLICATION_ID:
        if not schema:
            return FileState(True, None)
        if not tables:
            kinds = sorted({str(r[0]) for r in schema})
            raise NotAWorkspaceError(
                f"{path} is an SQLite database but not a Dossier workspace (it holds no tables, only "
                f"{', '.join(kinds)})")
        shown = ", ".join(tables[:5]) + (" …" if len(tables) > 5 else "")
        raise NotAWorkspaceError(
            f"{path} is an SQLite database but not a Dossier workspace (it holds tables: {shown})"
        )
    version_rows = [r for r in schema if r[1] == "alembic_version"]
    if version_rows and not readable:
        from dossier.errors import ForeignSchemaError

        kind = version_rows[0][0]
        raise ForeignSchemaError(path, None, [f"{kind} alembic_version stands where a table should be"
                                              if kind != "table" else "alembic_version is not a plain table"])
    if revision is None:
        raise NotAWorkspaceError(f"{path} is marked as a Dossier workspace but has no schema version")
    if not isinstance(revision, str):
        raise NotAWorkspaceError(f"{path} is marked as a Dossier workspace but its schema version is not text")
    return FileState(True, revision, tuple(schema))


WAL_MAGIC = (0x377F0682, 0x377F0683)


def _wal_checksum(data: bytes, big_endian: bool) -> tuple[int, int]:
    import struct

    fmt = ">" if big_endian else "<"
    s0 = s1 = 0
    words = struct.unpack(f"{fmt}{len(data) // 4}I", data)
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
    return s0, s1


def wal_problem(path: Path) -> str | None:
    """Why the write-ahead log beside ``path`` is unusable, or None when it looks whole."""
    wal = Path(f"{path}-wal")
    try:
        size = wal.stat().st_size
    except FileNotFoundError:
        return None
    if size == 0:
        return None
    if size < 32:
        return "its write-ahead log is cut short"
    with wal.open("rb") as fh:
        header = fh.read(32)
    magic = int.from_bytes(header[0:4], "big")
    if magic not in WAL_MAGIC:
        return "its write-ahead log is not a valid log"
    expected = (int.from_bytes(header[24:28], "big"), int.from_bytes(header[28:32], "big"))
    if _wal_checksum(header[:24], magic & 1 == 1) != expected:
        return "its write-ahead log is damaged"
    return None


def structure_problem(path: Path) -> str | None:
    """Damage visible in the file's header and size: truncation, a bad page size."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        return f"it cannot be read ({exc.strerror or exc})"
    if len(header) < 100:
        return "it is cut short"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return "its header is damaged"
    if size % page_size:
        return "it is cut short (its size is not a whole number of pages)"
    change_counter = int.from_bytes(header[24:28], "big")
    valid_for = int.from_bytes(header[92:96], "big")
    pages = int.from_bytes(header[28:32], "big")
    if valid_for == change_counter and pages and pages * page_size > size and not _has_wal_frames(path):
        return f"it is cut short ({size // page_size} of {pages} pages are there)"
    return None


def _has_wal_frames(path: Path) -> bool:
    """Whether a write-ahead log with frames lies beside ``path``. A checkpoint cut off
    part-way writes page 1 (and its new page count) before the pages after it, so a file
    shorter than its header says is expected then: SQLite takes the true size from the log
    and copies the rest again. The log itself is checked by :func:`wal_problem` and the
    pages by :func:`content_problem`."""
    try:
        return Path(f"{path}-wal").stat().st_size > 32
    except OSError:
        return False


def content_problem(path: Path) -> str | None:
    """Damage inside the pages, found by SQLite's quick check (read-only)."""
    try:
        conn = open_readonly(path)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return f"SQLite cannot read it ({exc})"
    if rows != ["ok"]:
        return "some of its pages hold garbage (" + "; ".join(rows[:3]) + ")"
    return None
