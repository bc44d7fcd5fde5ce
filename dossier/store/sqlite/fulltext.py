"""The FTS5 search index: one row per record, kept current by every write.

Rows are keyed by a rowid derived from the record's collection and integer key, so
updating or deleting one record's entry never scans the index. Text is folded in Python
(``dossier.model.search_text.fold``) before it reaches FTS5, so Arabic, Hebrew and
Persian variants and Latin diacritics match however they are typed.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from operator import itemgetter

from sqlalchemy import Connection, text

from dossier.model.search_text import index_parts, query_tokens
from dossier.store.search_types import KIND_NUMBER as _KIND_NUMBER
from dossier.store.search_types import SLOTS as _SLOTS
from dossier.store.search_types import RawHit, rebuild_with, rowid_of
from dossier.store.sqlite.bulk import raw_cursor

TABLE = "search_index"
CREATE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
    "kind UNINDEXED, uid UNINDEXED, label UNINDEXED, heading, names, body, fields UNINDEXED, "
    "tokenize = 'unicode61 remove_diacritics 2')"
)


def create(conn: Connection) -> None:
    conn.execute(text(CREATE))


def remove(conn: Connection, collection: str, keys: list[int]) -> None:
    if keys:
        with raw_cursor(conn) as cur:
            _delete_rows(cur, [rowid_of(collection, k) for k in keys])


#: From this many rowids on, which of them are indexed is looked up rather than each deleted blindly.
_LOOK_UP_FROM = 1000


def _delete_rows(cur: sqlite3.Cursor, rowids: list[int]) -> None:
    """Delete the index rows with these rowids. For many, first read which of them exist (one
    scan of their range): indexing a batch of new records then runs no deletes at all."""
    if len(rowids) >= _LOOK_UP_FROM:
        wanted = set(rowids)
        held = cur.execute(f"SELECT rowid FROM {TABLE} WHERE rowid BETWEEN ? AND ?",
                           (min(rowids), max(rowids)))
        rowids = [rowid for (rowid,) in held if rowid in wanted]
    cur.executemany(f"DELETE FROM {TABLE} WHERE rowid = ?", [(rowid,) for rowid in rowids])


_encode_fields = json.JSONEncoder(ensure_ascii=False).encode  # what json.dumps(..., ensure_ascii=False) does


def put(conn: Connection, collection: str, keyed_records: list[tuple[int, object]]) -> None:
    """Index (or re-index) records given with their integer keys."""
    put_all(conn, {collection: keyed_records})


def _rows(batches: dict[str, list[tuple[int, object]]]) -> list[tuple]:
    """The index rows of keyed records, in rowid order."""
    rows = []
    for collection, keyed_records in batches.items():
        kind = _KIND_NUMBER[collection]
        for key, record in keyed_records:
            label, heading, names, body, fields = index_parts(record)
            rows.append((key * _SLOTS + kind, collection, record.id, label, heading, names, body,
                         _encode_fields(fields)))
    rows.sort(key=itemgetter(0))
    return rows


def put_all(conn: Connection, batches: dict[str, list[tuple[int, object]]],
            alongside: Callable[[], None] | None = None) -> None:
    """``put`` for the records of several collections (collection -> keyed records) at once.

    Rows go in by rowid, which interleaves the collections: FTS5 and its content table then
    take them in one rising run, rather than flushing pending terms and splitting pages each
    time the rowid falls back at the start of the next collection.

    ``alongside``, SQL work on ``conn`` that SQLite does without Python's global lock, runs
    first, while another thread folds the records' text. It must be a few long statements
    (index builds): a statement per row would wait for the lock after every row."""
    if alongside is None:
        rows = _rows(batches)
    else:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-text") as pool:
            folding = pool.submit(_rows, batches)
            alongside()  # should it fail, the pool still waits for the folding before the error goes up
            rows = folding.result()
    if not rows:
        return
    with raw_cursor(conn) as cur:
        _delete_rows(cur, [row[0] for row in rows])
        cur.executemany(f"INSERT INTO {TABLE} (rowid, kind, uid, label, heading, names, body, fields) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)


def clear(conn: Connection) -> None:
    conn.execute(text(f"DELETE FROM {TABLE}"))


def optimize(conn: Connection) -> None:
    """Merge the index's segments, dropping what deleted entries left behind."""
    conn.execute(text(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')"))


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
    return rebuild_with(conn, clear, put)
