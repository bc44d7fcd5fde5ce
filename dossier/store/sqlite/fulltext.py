"""The FTS5 search index: one row per record, kept current by every write.

Rows are keyed by a rowid derived from the record's collection and integer key, so
updating or deleting one record's entry never scans the index. Text is folded in Python
(``dossier.model.search_text.fold``) before it reaches FTS5, so Arabic, Hebrew and
Persian variants and Latin diacritics match however they are typed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Connection, text

from dossier.model.records import COLLECTIONS
from dossier.model.search_text import index_parts, query_tokens
from dossier.store.records import raw_cursor

TABLE = "search_index"
CREATE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
    "kind UNINDEXED, uid UNINDEXED, label UNINDEXED, heading, names, body, fields UNINDEXED, "
    "tokenize = 'unicode61 remove_diacritics 2')"
)
_KIND_NUMBER = {name: i for i, name in enumerate(COLLECTIONS, start=1)}
_SLOTS = 16


def rowid_of(collection: str, key: int) -> int:
    return key * _SLOTS + _KIND_NUMBER[collection]


def create(conn: Connection) -> None:
    conn.execute(text(CREATE))


def remove(conn: Connection, collection: str, keys: list[int]) -> None:
    if keys:
        with raw_cursor(conn) as cur:
            cur.executemany(f"DELETE FROM {TABLE} WHERE rowid = ?", [(rowid_of(collection, k),) for k in keys])


_encode_fields = json.JSONEncoder(ensure_ascii=False).encode  # what json.dumps(..., ensure_ascii=False) does


def put(conn: Connection, collection: str, keyed_records: list[tuple[int, object]]) -> None:
    """Index (or re-index) records given with their integer keys."""
    if not keyed_records:
        return
    remove(conn, collection, [k for k, _ in keyed_records])
    kind = _KIND_NUMBER[collection]
    rows = []
    for key, record in keyed_records:
        label, heading, names, body, fields = index_parts(record)
        rows.append((key * _SLOTS + kind, collection, record.id, label, heading, names, body, _encode_fields(fields)))
    with raw_cursor(conn) as cur:
        cur.executemany(f"INSERT INTO {TABLE} (rowid, kind, uid, label, heading, names, body, fields) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)


def clear(conn: Connection) -> None:
    conn.execute(text(f"DELETE FROM {TABLE}"))


def optimize(conn: Connection) -> None:
    """Merge the index's segments, dropping what deleted entries left behind."""
    conn.execute(text(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')"))


@dataclass(frozen=True)
class RawHit:
    kind: str
    uid: str
    label: str
    fields: dict[str, str]
    rank: float


def match_expression(query: str) -> tuple[str, list[str]] | None:
    tokens = query_tokens(query)
    if not tokens:
        return None
    return " ".join(f'"{t}"*' for t in tokens), tokens


def search(conn: Connection, query: str, limit: int = 50, kinds: list[str] | None = None) -> tuple[list[RawHit], list[str]]:
    expr = match_expression(query)
    if expr is None:
        return [], []
    match, tokens = expr
    where = f"{TABLE} MATCH :q"
    params: dict = {"q": match, "n": limit}
    if kinds:
        where += " AND kind IN (" + ", ".join(f":k{i}" for i in range(len(kinds))) + ")"
        params.update({f"k{i}": k for i, k in enumerate(kinds)})
    sql = (
        f"SELECT kind, uid, label, fields, bm25({TABLE}, 0, 0, 0, 10.0, 4.0, 1.0, 0) AS rank "
        f"FROM {TABLE} WHERE {where} ORDER BY rank LIMIT :n"
    )
    hits = [RawHit(k, u, lbl, json.loads(f), r) for k, u, lbl, f, r in conn.execute(text(sql), params)]
    return hits, tokens


def rebuild(conn: Connection) -> int:
    """Index every record afresh; returns how many were indexed."""
    from dossier.store.search_index import rebuild_with

    return rebuild_with(conn, clear, put)
