"""Bulk writing on SQLite: statements run through the driver's own cursor, keys given without
asking, indexes built once after a large insert, a larger page cache while it runs.

``SqliteStatements`` is what ``dossier.store.rows.write`` runs its statements through on
SQLite (``dossier.store.rows.write.GenericStatements`` elsewhere). Its ``run`` and ``many``
are the only way the records' bulk path reaches the database, which makes them the seam where
tests make a write fail (the ``failing_statements`` fixture in ``tests/conftest.py``).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator, Sequence

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError


@contextlib.contextmanager
def raw_cursor(conn: Connection) -> Iterator[sqlite3.Cursor]:
    """The SQLite driver's own cursor on ``conn``, in its transaction, for bulk ``executemany``
    of plain tuples; its errors surface as SQLAlchemy's, like those of ``conn.execute``."""
    cur = conn.connection.driver_connection.cursor()
    try:
        yield cur
    except sqlite3.Error as exc:
        raise DBAPIError.instance(None, None, exc, sqlite3.Error) from exc
    finally:
        cur.close()


#: SQLite's page cache during a bulk write, in KiB (its default is 2 MB): enough to keep what a large
#: import writes in memory until the commit and to sort each index it builds without temporary files.
BULK_CACHE_KIB = 64 * 1024


@contextlib.contextmanager
def bulk_page_cache(conn: Connection) -> Iterator[None]:
    """A larger page cache for this connection while a bulk write runs, then its own size
    again. Only memory changes: what is written, and when it is durable, stay the same."""
    driver = conn.connection.driver_connection
    size = driver.execute("PRAGMA cache_size").fetchone()[0]
    driver.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
    try:
        yield
    finally:  # pages past the usual size are let go as the commit leaves them clean
        with contextlib.suppress(sqlite3.Error):
            driver.execute(f"PRAGMA cache_size = {size}")


#: Inserting at least this many rows, and more than a table holds, builds its indexes afterwards.
BULK_ROWS = 10_000

#: Where ``indexes_built_last`` keeps, in ``Connection.info``, the indexes it has yet to build.
_BUILT_LAST = "dossier.indexes_built_last"


@contextlib.contextmanager
def indexes_built_last(conn: Connection) -> Iterator[Callable[[], None]]:
    """For a bulk write of records that only adds (nothing replaced, so no row is looked up by
    a dropped index): the indexes that bulk inserts drop (``SqliteStatements.indexes_built_after``)
    are made again all together, when the returned function is called or else on leaving
    without an error. SQLite builds an index without Python's global lock, so the caller can
    do Python work in another thread meanwhile."""
    pending: list[str] = []
    statements = SqliteStatements(conn)

    def build() -> None:
        while pending:
            statements.run(pending.pop(0))

    conn.info[_BUILT_LAST] = pending
    try:
        yield build
        build()
    finally:
        conn.info.pop(_BUILT_LAST, None)


class SqliteStatements:
    """Statements (with ``?`` marks) run through the driver's cursor, in ``conn``'s transaction.

    New rows are given their keys here (one past the largest, as SQLite would), so no query is
    needed to learn them."""

    assigns_keys = True

    def __init__(self, conn: Connection):
        self.conn = conn

    def run(self, sql: str, params: Sequence = ()) -> list[tuple]:
        with raw_cursor(self.conn) as cur:
            return cur.execute(sql, params).fetchall()

    def many(self, sql: str, rows: Sequence[Sequence]) -> None:
        with raw_cursor(self.conn) as cur:
            cur.executemany(sql, rows)

    @contextlib.contextmanager
    def indexes_built_after(self, table: str, adding: int, held: int) -> Iterator[None]:
        """For a bulk insert into an (almost) empty table: drop its plain secondary indexes first
        and create them again from their own SQL afterwards (or leave that SQL to
        ``indexes_built_last`` when one is open), sorting once instead of inserting row by row
        into every index. Both are part of the transaction, so a failed write leaves them as
        they were; unique indexes and constraints are kept and check every row as it comes."""
        if adding < BULK_ROWS or held > adding:
            yield
            return
        indexes = self.run(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL "
            "AND upper(sql) NOT LIKE 'CREATE UNIQUE%' ORDER BY name", (table,))
        for name, _sql in indexes:
            self.run(f'DROP INDEX "{name}"')
        yield
        built_last = self.conn.info.get(_BUILT_LAST)
        if built_last is not None:
            built_last.extend(sql for _name, sql in indexes)
            return
        for _name, sql in indexes:
            self.run(sql)
