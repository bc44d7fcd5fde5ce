"""SQLite engines with the pragmas a workspace needs, and real transactions.

Python's sqlite3 module starts transactions lazily and not before DDL; Dossier turns that
off and emits ``BEGIN`` itself (``BEGIN IMMEDIATE`` for writes), so migrations run in a
transaction and a writer never has to upgrade a read lock midway.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import NullPool

from dossier.files import create_private_if_absent
from dossier.store.sqlite.files import readonly_uri

BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "dossier_write"


def _raw_connect(path: Path, readonly: bool) -> sqlite3.Connection:
    if readonly:
        conn = sqlite3.connect(readonly_uri(path), uri=True, isolation_level=None, check_same_thread=False,
                               timeout=BUSY_TIMEOUT_MS / 1000)
    else:
        # A new workspace is created here, private (0600) whatever the umask; SQLite gives its
        # -wal, -shm and -journal files the mode of the database file.
        try:
            create_private_if_absent(os.path.realpath(path))
        except OSError:
            pass  # SQLite's own attempt below says what is wrong
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False,
                               timeout=BUSY_TIMEOUT_MS / 1000)
    return conn


def make_engine(path: Path, *, readonly: bool = False) -> Engine:
    engine = create_engine(
        "sqlite://",
        creator=lambda: _raw_connect(path, readonly),
        poolclass=NullPool if readonly else None,
        pool_pre_ping=False,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not readonly:
            cur.execute("PRAGMA secure_delete = ON")
            cur.execute("PRAGMA synchronous = FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write and not readonly else "BEGIN")

    return engine


def set_wal(engine: Engine) -> None:
    """Switch the file to write-ahead logging (persistent; must run outside a transaction)."""
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA journal_mode = WAL")
    finally:
        raw.close()


def checkpoint(engine: Engine) -> None:
    """Fold the WAL into the main file and empty it."""
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
