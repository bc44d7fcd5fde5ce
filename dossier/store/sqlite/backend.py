"""The operations a workspace file needs beyond its tables, as ``Database`` asks them of its
backend: a transaction's time limit, tidying on close, the change feed, the integrity
report, privacy warnings, backups and a tolerant reading of damaged text.

``dossier.store.postgres.backend`` answers the same questions for a team workspace.
"""

from __future__ import annotations

import contextlib
import shlex
from pathlib import Path

from sqlalchemy import Connection, Engine, func, select

from dossier.files import group_or_others_can_read, refuse_workspace_target
from dossier.store.integrity import IntegrityReport
from dossier.store.sqlite import connect, soundness
from dossier.store.sqlite.feed import SQLiteChangeFeed
from dossier.store.sqlite.online_backup import backup_to
from dossier.store.tables import history


class SQLiteBackend:
    """A workspace in an SQLite file (or, for a snapshot or a rescue, in memory)."""

    shared = False

    def __init__(self, engine: Engine, path: Path | None):
        self.engine = engine
        self.path = path

    def time_limit(self, conn: Connection, seconds: float | None):
        """Stop ``conn``'s work after ``seconds`` (see ``connect.time_limit``)."""
        if seconds is None:
            return contextlib.nullcontext([False])
        return connect.time_limit(conn.connection.driver_connection, seconds)

    def tidy(self, db) -> None:
        """Before closing: merge the search index's segments and fold the WAL into the file."""
        with contextlib.suppress(Exception):
            from dossier.store.sqlite import fulltext

            with db.write() as conn:
                fulltext.optimize(conn)
        with contextlib.suppress(Exception):  # even when the tidying failed: deleted text leaves the log
            connect.checkpoint(self.engine)

    def change_feed(self, db) -> SQLiteChangeFeed:
        with db.read() as conn:
            last_id = conn.execute(select(func.max(history.c.id))).scalar_one() or 0
        return SQLiteChangeFeed(self.engine, db.origin, last_id)

    def integrity_report(self, db, counts: dict[str, int]) -> IntegrityReport:
        """Integrity, foreign keys, values and search index of a private in-memory copy of the file;
        last, the records the search index does not list (a warning: search misses them, nothing fails)."""
        raw = self.engine.raw_connection()
        try:
            with soundness.snapshot(raw.driver_connection) as copy:
                integrity = soundness.integrity_problems(copy) or ["ok"]
                fk = soundness.foreign_key_problems(copy)
                values = soundness.type_problems(copy)
                index = soundness.search_index_problems(copy)
                unlisted = []
                if not index:
                    indexed = dict(copy.execute("SELECT kind, count(*) FROM search_index GROUP BY kind").fetchall())
                    for name, stored in counts.items():
                        listed = indexed.pop(name, 0)
                        if listed != stored:
                            unlisted.append(f"the search index lists {listed} {name} where {stored} are stored; "
                                            "a search may miss some (an export imported into a new workspace "
                                            "indexes them all)")
                    for name, listed in indexed.items():
                        unlisted.append(f"the search index lists {listed} entries of an unknown kind "
                                        f"{_shown(name)}")
        finally:
            raw.close()
        return IntegrityReport(integrity, fk, values, index, unlisted)

    def privacy_warnings(self) -> list[str]:
        warning = privacy_warning(self.path) if self.path is not None else None
        return [warning] if warning else []

    def backup(self, target: Path) -> str:
        """Copy the file to ``target`` with SQLite's online backup; says how."""
        backup_file(self.path, target)
        return "sqlite online backup"

    def tolerant_engine(self) -> Engine | None:
        """A read-only engine on the file whose text that is not UTF-8 reads as lone surrogates."""
        return connect.make_engine(self.path, readonly=True, text_factory=soundness.tolerant_text)


def backup_file(source: Path, target: Path) -> None:
    """Copy the workspace file ``source`` to ``target`` consistently, refusing a target that is
    the workspace itself or one of its files."""
    refuse_workspace_target(target, source, may_replace_database=True)
    backup_to(source, target)


def _shown(value: object) -> str:
    from dossier.model.text import quote_user_text

    return quote_user_text(value) if isinstance(value, str) else repr(value)[:60]


def privacy_warning(path: Path) -> str | None:
    """One line when other users of this computer can read the workspace file or its side
    files (Dossier creates them private, 0600; a file made elsewhere may not be)."""
    readable = []
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            mode = file.stat().st_mode
        except OSError:
            continue
        if group_or_others_can_read(mode):
            readable.append((file, mode & 0o777))
    if not readable:
        return None
    names = ", ".join(f"{file.name} (mode {mode:03o})" for file, mode in readable)
    files = " ".join(shlex.quote(str(file)) for file, _ in readable)
    return (f"other users of this computer can read {names}; "
            f"make it private with: chmod go-rwx {files}")
