"""The search index of a workspace, whichever database holds it.

Each function hands over to ``dossier.store.sqlite.fulltext`` (FTS5) or
``dossier.store.postgres.fulltext`` (tsvector and trigrams) by the connection's dialect;
both take and return the same things, whose types live in ``dossier.store.search_types``.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from sqlalchemy import Connection

from dossier.store.search_types import RawHit, rebuild_with, rowid_of  # noqa: F401  (shared by both)


def _impl(conn: Connection) -> ModuleType:
    if conn.dialect.name == "postgresql":
        from dossier.store.postgres import fulltext
    else:
        from dossier.store.sqlite import fulltext
    return fulltext


def create(conn: Connection) -> None:
    _impl(conn).create(conn)


def put(conn: Connection, collection: str, keyed_records: list[tuple[int, object]]) -> None:
    """Index (or re-index) records given with their integer keys."""
    _impl(conn).put(conn, collection, keyed_records)


def put_all(conn: Connection, batches: dict[str, list[tuple[int, object]]],
            alongside: Callable[[], None] | None = None) -> None:
    """Index (or re-index) the records of several collections, given as collection -> keyed records.
    ``alongside``: a few long SQL statements on ``conn`` to run first; on SQLite the records'
    text is folded in another thread meanwhile (see ``dossier.store.sqlite.fulltext.put_all``)."""
    _impl(conn).put_all(conn, batches, alongside)


def remove(conn: Connection, collection: str, keys: list[int]) -> None:
    _impl(conn).remove(conn, collection, keys)


def clear(conn: Connection) -> None:
    _impl(conn).clear(conn)


def optimize(conn: Connection) -> None:
    _impl(conn).optimize(conn)


def search(conn: Connection, query: str, limit: int = 50,
           kinds: list[str] | None = None) -> tuple[list[RawHit], list[str]]:
    return _impl(conn).search(conn, query, limit=limit, kinds=kinds)


def rebuild(conn: Connection) -> int:
    """Index every record afresh; returns how many were indexed."""
    return _impl(conn).rebuild(conn)
