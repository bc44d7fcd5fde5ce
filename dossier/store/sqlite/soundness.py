"""What ``dossier check`` asks of a workspace file beyond its schema, in SQL.

SQLite does not parse a table's CHECK constraints on a read-only connection, so
``PRAGMA integrity_check`` there passes rows that break them. The checks below therefore run
on a private snapshot: the file copied page by page (SQLite's online backup, consistent
while others write) into a new in-memory database, which is read-write and so checks CHECK
constraints too, and where the search index's own ``integrity-check`` (which SQLite runs as
a write) may be run without touching the file. Nothing in the file is run but the verified
schema's own SQL: the snapshot is only made of a file whose schema was verified.

Each problem is one line.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Iterator

from dossier.store.sqlite.files import TrackedConnection

#: How many lines one kind of problem may give before the rest are counted on one more line.
LINES_PER_KIND = 200


def tolerant_text(data: bytes) -> str:
    """Text as stored, bytes that are not UTF-8 kept as lone surrogates (which the model's
    validation names as a problem) instead of failing the whole read."""
    return data.decode("utf-8", "surrogateescape")


@contextlib.contextmanager
def snapshot(source: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A private read-write copy of the database open on ``source``, in memory, gone on leaving."""
    copy = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False, factory=TrackedConnection)
    try:
        copy.execute("PRAGMA trusted_schema = OFF")
        source.backup(copy)
        copy.text_factory = tolerant_text
        yield copy
    finally:
        copy.close()


def _cut(lines: list[str], total: int) -> list[str]:
    if total > len(lines):
        return [*lines, f"… and {total - len(lines)} more of the same kind"]
    return lines


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """``PRAGMA integrity_check`` on a read-write connection: pages, indexes, UNIQUE, NOT NULL and
    CHECK constraints. Empty when all is well."""
    rows = [str(r[0]) for r in conn.execute(f"PRAGMA integrity_check({LINES_PER_KIND})")]
    return [] if rows == ["ok"] else rows


def _label(conn: sqlite3.Connection, table: str, rowid: object) -> str:
    """``positions row 3 ('p-1')``: a row named by its key and, when its table has one, its uid."""
    from dossier.model.text import quote_user_text

    uid = None
    with contextlib.suppress(sqlite3.Error):
        if any(c[1] == "uid" for c in conn.execute(f'PRAGMA table_info("{table}")')):
            found = conn.execute(f'SELECT uid FROM "{table}" WHERE rowid = ?', (rowid,)).fetchone()
            uid = found[0] if found else None
    named = f" ({quote_user_text(uid)})" if isinstance(uid, str) else ""
    return f"{table} row {rowid}{named}"


def foreign_key_problems(conn: sqlite3.Connection) -> list[str]:
    """Rows whose references lead nowhere, one line each."""
    rows = conn.execute("PRAGMA foreign_key_check").fetchall()
    lines = [f"{_label(conn, table, rowid)} refers to a missing {parent} row"
             for table, rowid, parent, _fk in rows[:LINES_PER_KIND]]
    return _cut(lines, len(rows))


def _affinity(declared: str) -> str | None:
    """The storage class a column's declared type asks for (SQLite's rules), for the two that
    Dossier's tables use; None for the others."""
    declared = declared.upper()
    if "INT" in declared:
        return "integer"
    if "CHAR" in declared or "CLOB" in declared or "TEXT" in declared:
        return "text"
    return None


def _record_tables(conn: sqlite3.Connection) -> list[str]:
    """The plain tables of the workspace's records: not SQLite's, not a virtual table's own."""
    schema = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    virtual = [name for _t, name, sql in schema if re.match(r"\s*CREATE\s+VIRTUAL\b", sql or "", re.I)]
    return sorted(name for _t, name, sql in schema
                  if name not in virtual and not name.startswith("sqlite_")
                  and not any(name.startswith(v + "_") for v in virtual))


def type_problems(conn: sqlite3.Connection) -> list[str]:
    """Values of another kind than their column holds (text in a number column, bytes in a
    text column…): SQLite stores whatever it is given when no CHECK says otherwise."""
    lines, total = [], 0
    for table in _record_tables(conn):
        for _cid, column, declared, *_rest in conn.execute(f'PRAGMA table_info("{table}")').fetchall():
            wanted = _affinity(declared or "")
            if wanted is None:
                continue
            query = (f'SELECT rowid, typeof("{column}") FROM "{table}" '
                     f'WHERE typeof("{column}") NOT IN (\'null\', ?)')
            for rowid, found in conn.execute(query, (wanted,)):
                total += 1
                if len(lines) < LINES_PER_KIND:
                    what = "a number" if wanted == "integer" else "text"
                    kind = {"real": "a fraction", "text": "text", "blob": "bytes", "integer": "a number"}.get(found, found)
                    lines.append(f"{_label(conn, table, rowid)}: {column} holds {kind} where {what} belongs")
    return _cut(lines, total)


def search_index_problems(conn: sqlite3.Connection, table: str = "search_index") -> list[str]:
    """The full-text index's own integrity check (a write, hence on a snapshot). Empty when sound."""
    try:
        conn.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
    except sqlite3.Error as exc:
        reason = "it does not agree with itself" if "malformed" in str(exc) else str(exc)
        return [f"the search index is damaged ({reason}); rebuild it by exporting the workspace with "
                "'dossier export-json' and importing that into a new workspace"]
    return []
