"""What both search indexes share: the hit they return, the row key of a record, and the
rebuild that fills either one collection by collection.

The SQLite index (``dossier.store.sqlite.fulltext``) and the PostgreSQL one
(``dossier.store.postgres.fulltext``) take these from here, never from each other;
``dossier.store.search_index`` chooses between them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection

from dossier.model.records import COLLECTIONS

#: A record's row in the index is keyed by its integer key and its collection's number.
KIND_NUMBER = {name: i for i, name in enumerate(COLLECTIONS, start=1)}
SLOTS = 16


def rowid_of(collection: str, key: int) -> int:
    return key * SLOTS + KIND_NUMBER[collection]


@dataclass(frozen=True)
class RawHit:
    kind: str
    uid: str
    label: str
    fields: dict[str, str]
    rank: float


def rebuild_with(conn: Connection, clear: Callable[[Connection], None],
                 put: Callable[[Connection, str, list[tuple[int, object]]], None]) -> int:
    """Empty the index with ``clear`` and fill it with ``put``, collection by collection.

    The records are read with the columns their tables have: a migration may fill the index
    before later ones add columns."""
    from sqlalchemy import inspect

    from dossier.store.rows import keys_for, read_records, table_of

    clear(conn)
    count = 0
    tables = inspect(conn)
    for collection in COLLECTIONS:
        present = {column["name"] for column in tables.get_columns(table_of(collection).name)}
        records = read_records(conn, collection, present=present)
        keys = keys_for(conn, collection, (r.id for r in records))
        put(conn, collection, [(keys[r.id], r) for r in records])
        count += len(records)
    return count
