"""The operations a team workspace on PostgreSQL needs beyond its tables, as ``Database`` asks
them of its backend: the counterparts of ``dossier.store.sqlite.backend``."""

from __future__ import annotations

import contextlib
from pathlib import Path

from sqlalchemy import Connection, Engine

from dossier.files import refuse_workspace_target
from dossier.store.integrity import IntegrityReport
from dossier.store.postgres import backup as postgres_backup
from dossier.store.postgres.feed import PostgresChangeFeed


class PostgresBackend:
    """A workspace in a PostgreSQL database, which others may change while it is open."""

    shared = True

    def __init__(self, engine: Engine, path: Path | None = None):
        self.engine = engine

    def time_limit(self, conn: Connection, seconds: float | None):
        """None here: the server has its own timeouts."""
        return contextlib.nullcontext([False])

    def tidy(self, db) -> None:
        """Nothing to do: the server's vacuum reclaims what deletions left."""

    def change_feed(self, db) -> PostgresChangeFeed:
        return PostgresChangeFeed(self.engine, db.origin, db.location)

    def integrity_report(self, db, counts: dict[str, int]) -> IntegrityReport:
        """The server answered (it keeps its own files sound and enforces its constraints), and
        the rows whose references lead nowhere (damage done around it, e.g. by a restore)."""
        with db.read() as conn:
            fk = postgres_backup.dangling_references(conn)
        return IntegrityReport(["ok"], fk)

    def privacy_warnings(self) -> list[str]:
        return []  # the server's administrator decides who may read it

    def backup(self, target: Path) -> str | None:
        """``pg_dump --format=custom`` into ``target`` when pg_dump can be found (says how);
        None when it cannot, and the caller writes what it can instead."""
        refuse_workspace_target(target)
        if postgres_backup.pg_dump_program() is None:
            return None
        postgres_backup.dump(self.engine.url.render_as_string(hide_password=False), target)
        return "pg_dump custom format"

    def tolerant_engine(self) -> Engine | None:
        """None: the server holds only valid UTF-8 text, so the workspace's own reads serve."""
        return None
