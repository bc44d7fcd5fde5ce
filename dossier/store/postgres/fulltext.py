"""The search index on PostgreSQL: the same folded text as on SQLite, in a tsvector.

Text is folded in Python exactly as for SQLite (so Arabic, Hebrew and Persian variants
and Latin diacritics match the same way), weighed A (names and titles), B (other names),
C (long text). Words match as prefixes; when no word matches, trigram word similarity
on names and titles finds other transliterations (``shaibani`` for ``Shaybani``).

A tsvector holds at most 1 MB, so a record's tsvector is made from the first
``INDEXED_CHARACTERS`` characters of its folded text (names and titles first, then other
names, then long text); the records themselves, and the snippets, keep the whole text.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import Connection, text

from dossier.model.search_text import index_entry, query_tokens
from dossier.store.search_types import RawHit, rebuild_with, rowid_of

TABLE = "search_index"
#: How alike a query and some stretch of a name must be to match by trigrams (0 to 1).
WORD_SIMILARITY = 0.45
#: How many characters of a record's folded text go into its tsvector, at most. The worst text
#: measured (distinct one-letter words of four-byte letters joined in hyphenated pairs: three
#: lexemes for four characters) makes 7.5 bytes of lexemes and positions a character, 10.5 with
#: the lexemes' directory; 50,000 characters of it make a tsvector of 525,008 bytes, half
#: the server's limit (1,048,575 bytes) however it is counted. Words of 2 KB or more are left
#: out by the server itself (a notice, not an error); positions past 16,383 are clamped.
INDEXED_CHARACTERS = 50_000

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"""CREATE TABLE {TABLE} (
        rowid BIGINT PRIMARY KEY,
        kind TEXT NOT NULL,
        uid TEXT NOT NULL,
        label TEXT NOT NULL,
        heading TEXT NOT NULL,
        names TEXT NOT NULL,
        body TEXT NOT NULL,
        fields TEXT NOT NULL,
        doc TSVECTOR GENERATED ALWAYS AS (
            setweight(to_tsvector('simple', heading), 'A') ||
            setweight(to_tsvector('simple', names), 'B') ||
            setweight(to_tsvector('simple', body), 'C')) STORED
    )""",
    f"CREATE INDEX ix_{TABLE}_doc ON {TABLE} USING GIN (doc)",
    f"CREATE INDEX ix_{TABLE}_trgm ON {TABLE} USING GIN ((heading || ' ' || names) gin_trgm_ops)",
]


def create(conn: Connection) -> None:
    for statement in CREATE:
        conn.execute(text(statement))


def remove(conn: Connection, collection: str, keys: list[int]) -> None:
    if keys:
        conn.execute(text(f"DELETE FROM {TABLE} WHERE rowid = ANY(:r)"),
                     {"r": [rowid_of(collection, k) for k in keys]})


def put(conn: Connection, collection: str, keyed_records: list[tuple[int, object]]) -> None:
    """Index (or re-index) records given with their integer keys."""
    if not keyed_records:
        return
    remove(conn, collection, [k for k, _ in keyed_records])
    rows = []
    for key, record in keyed_records:
        entry = index_entry(record)
        heading, names, body = bounded(entry.heading, entry.names, entry.body)
        rows.append({"r": rowid_of(collection, key), "kind": collection, "uid": record.id, "label": entry.label,
                     "heading": heading, "names": names, "body": body,
                     "fields": json.dumps(entry.fields, ensure_ascii=False)})
    conn.execute(text(f"INSERT INTO {TABLE} (rowid, kind, uid, label, heading, names, body, fields) "
                      "VALUES (:r, :kind, :uid, :label, :heading, :names, :body, :fields)"), rows)


def bounded(*parts: str, room: int | None = None) -> tuple[str, ...]:
    """The parts, cut so that together they hold at most ``room`` characters (by default
    ``INDEXED_CHARACTERS``), the first ones kept whole first. A part that is cut ends before its
    last word when that word began within 2,048 characters of the cut (no half word is indexed)."""
    room = INDEXED_CHARACTERS if room is None else room
    kept = []
    for part in parts:
        if len(part) > room:
            part = part[:room]
            after = max(0, room - 2048)
            end = max(part.rfind(" ", after), part.rfind("\n", after))
            part = part[:end] if end > 0 else part
        room -= len(part)
        kept.append(part)
    return tuple(kept)


def put_all(conn: Connection, batches: dict[str, list[tuple[int, object]]],
            alongside: Callable[[], None] | None = None) -> None:
    """``put`` for the records of several collections (collection -> keyed records), after
    ``alongside`` (SQL work the caller wants done first)."""
    if alongside is not None:
        alongside()
    for collection, keyed_records in batches.items():
        put(conn, collection, keyed_records)


def clear(conn: Connection) -> None:
    conn.execute(text(f"DELETE FROM {TABLE}"))


def rebuild(conn: Connection) -> int:
    """Index every record afresh; returns how many were indexed."""
    return rebuild_with(conn, clear, put)


def optimize(conn: Connection) -> None:
    """Nothing to do: PostgreSQL's vacuum reclaims deleted entries."""


def search(conn: Connection, query: str, limit: int = 50,
           kinds: list[str] | None = None) -> tuple[list[RawHit], list[str]]:
    tokens = query_tokens(query)
    if not tokens:
        return [], []
    kind_filter = " AND kind = ANY(:kinds)" if kinds else ""
    params = {"q": " & ".join(f"{t}:*" for t in tokens), "n": limit, "kinds": kinds or []}
    sql = (f"SELECT kind, uid, label, fields, -ts_rank_cd(doc, to_tsquery('simple', :q)) AS rank "
           f"FROM {TABLE} WHERE doc @@ to_tsquery('simple', :q){kind_filter} ORDER BY rank, uid LIMIT :n")
    rows = conn.execute(text(sql), params).all()
    if not rows:
        params["t"] = " ".join(tokens)
        # One spelling in two (shaibani / shaybani) shares half its trigrams with the other.
        conn.execute(text(f"SET LOCAL pg_trgm.word_similarity_threshold = {WORD_SIMILARITY}"))
        sql = (f"SELECT kind, uid, label, fields, -word_similarity(:t, heading || ' ' || names) AS rank "
               f"FROM {TABLE} WHERE :t <% (heading || ' ' || names){kind_filter} ORDER BY rank, uid LIMIT :n")
        rows = conn.execute(text(sql), params).all()
    return [RawHit(k, u, lbl, json.loads(f), float(r)) for k, u, lbl, f, r in rows], tokens
