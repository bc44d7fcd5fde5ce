"""The SQLite side of rescuing a workspace file that cannot be opened as it is.

The file is opened read-only with ``trusted_schema`` off; only plain tables are read (those
``sqlite_master`` lists as type ``table``, not virtual, by the names Dossier's migrations
give them; never a view), and only their stored columns. The rows go into a new in-memory
database made by the migrations at the file's schema revision, one by one, where the
schema's own constraints hold them (a row that breaks one is skipped). What is left out is
listed, one line each. ``dossier.services.salvage`` reads the records from there.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Engine

from dossier.errors import NotSQLiteError, WorkspaceError
from dossier.model.text import quote_user_text
from dossier.store.sqlite.files import SQLITE_HEADER, open_readonly
from dossier.store.sqlite.soundness import _record_tables, tolerant_text
from dossier.store.sqlite.verify import build_database


def copy_rows(path: Path, known: Sequence[str], migrations: str) -> tuple[Engine, sqlite3.Connection, str, list[str]]:
    """The rescuable rows of the file at ``path`` in a new in-memory database made by the
    ``migrations`` at the file's revision (one of ``known``, oldest first; the newest when the
    file's is not one of them): (its engine, its one connection, that revision, one line per
    row or table left out). The caller disposes of the engine and closes the connection."""
    try:
        with path.open("rb") as fh:
            if fh.read(16) != SQLITE_HEADER:
                raise NotSQLiteError(f"{path} is not an SQLite database file; there is nothing to rescue")
    except OSError as exc:
        raise WorkspaceError(f"cannot read {path}: {exc.strerror or exc}") from None
    skipped: list[str] = []
    try:
        source = open_readonly(path)
    except sqlite3.Error as exc:
        raise WorkspaceError(f"cannot read {path}: {exc}") from None
    try:
        source.text_factory = tolerant_text
        try:
            schema = source.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
        except sqlite3.Error as exc:
            raise WorkspaceError(f"cannot read {path}: {exc}") from None
        plain = {name for type_, name, sql in schema
                 if type_ == "table" and isinstance(sql, str) and re.match(r"\s*CREATE\s+TABLE\b", sql, re.I)}
        revision = _revision(source, plain, skipped, known)
        engine, target = build_database(revision, migrations, tolerant_text)
        try:
            target.execute("BEGIN")
            for table in _tables_in_order(target):
                if table in plain:
                    _copy_table(source, target, table, skipped)
                else:
                    skipped.append(f"{table}: no plain table of that name in the file; its rows are not rescued")
            target.execute("COMMIT")
        except BaseException:
            engine.dispose()
            target.close()
            raise
    finally:
        source.close()
    return engine, target, revision, skipped


def _revision(source: sqlite3.Connection, plain: set[str], skipped: list[str], known: Sequence[str]) -> str:
    found = None
    if "alembic_version" in plain:
        try:
            if all(h == 0 for (h,) in source.execute("SELECT hidden FROM pragma_table_xinfo('alembic_version')")):
                row = source.execute('SELECT version_num FROM "alembic_version"').fetchone()
                found = row[0] if row else None
        except sqlite3.Error:
            found = None
    if isinstance(found, str) and found in known:
        return found
    skipped.append(f"the file's schema revision ({quote_user_text(str(found)) if found is not None else 'none'}) "
                   f"is not one this Dossier knows; its tables are read as schema {known[-1]}")
    return known[-1]


def _tables_in_order(target: sqlite3.Connection) -> list[str]:
    """The record tables of the new workspace, each after the tables it refers to."""
    tables = [t for t in _record_tables(target) if t != "alembic_version"]
    parents = {t: {row[2] for row in target.execute(f'PRAGMA foreign_key_list("{t}")')} - {t} for t in tables}
    ordered: list[str] = []
    while len(ordered) < len(tables):
        ready = [t for t in tables if t not in ordered and parents[t] <= set(ordered)]
        if not ready:  # a cycle between tables (there is none in Dossier's schema): take them as they come
            ready = [t for t in tables if t not in ordered]
        ordered.extend(sorted(ready))
    return ordered


def _affinity(declared: str) -> str | None:
    declared = (declared or "").upper()
    if "INT" in declared:
        return "integer"
    if "CHAR" in declared or "CLOB" in declared or "TEXT" in declared:
        return "text"
    return None


def _row_label(table: str, columns: list[str], row: tuple, number: int) -> str:
    named = dict(zip(columns, row, strict=True))
    key = named.get("id")
    uid = named.get("uid")
    label = f"{table} row {key if isinstance(key, int) else '#' + str(number)}"
    return label + (f" ({quote_user_text(uid)})" if isinstance(uid, str) else "")


def _copy_table(source: sqlite3.Connection, target: sqlite3.Connection, table: str, skipped: list[str]) -> None:
    """Copy the stored columns the new table has from the file's plain table of that name, row by row."""
    wanted = {name: _affinity(declared) for _cid, name, declared, *_ in target.execute(f'PRAGMA table_info("{table}")')}
    try:
        stored = [name for _cid, name, _type, _nn, _dflt, _pk, hidden
                  in source.execute("SELECT * FROM pragma_table_xinfo(?)", (table,)) if hidden == 0]
    except sqlite3.Error as exc:
        skipped.append(f"{table}: cannot be read ({exc}); its rows are not rescued")
        return
    columns = [c for c in wanted if c in stored]
    if not columns:
        skipped.append(f"{table}: none of its columns is Dossier's; its rows are not rescued")
        return
    target.execute(f'DELETE FROM "{table}"')  # what the migrations put there (a numbering's start) gives way
    names = ", ".join(f'"{c}"' for c in columns)
    insert = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})'
    waiting: list[tuple[str, tuple]] = []  # rows that refer to a row not copied yet
    try:
        rows = source.execute(f'SELECT {names} FROM main."{table}"')
        for number, row in enumerate(rows, start=1):
            label = _row_label(table, columns, row, number)
            problem = _value_problem(columns, row, wanted)
            if problem:
                skipped.append(f"{label}: {problem}")
                continue
            try:
                target.execute(insert, row)
            except sqlite3.IntegrityError as exc:
                if "FOREIGN KEY" in str(exc):
                    waiting.append((label, row))
                else:
                    skipped.append(f"{label}: {exc}")
    except sqlite3.Error as exc:
        skipped.append(f"{table}: reading it stopped ({exc}); the rows after that are not rescued")
    while waiting:  # a row may refer to one later in the same table (a source's ``via``)
        still = []
        for label, row in waiting:
            try:
                target.execute(insert, row)
            except sqlite3.IntegrityError as exc:
                still.append((label, row, exc))
        if len(still) == len(waiting):
            skipped.extend(f"{label}: refers to a row that is missing ({exc})" for label, _row, exc in still)
            return
        waiting = [(label, row) for label, row, _exc in still]


def _value_problem(columns: list[str], row: tuple, wanted: dict[str, str | None]) -> str | None:
    for column, value in zip(columns, row, strict=True):
        kind = wanted[column]
        if value is None or kind is None:
            continue
        if kind == "integer" and type(value) is not int:
            return f"{column} holds {_kind_of(value)} where a number belongs"
        if kind == "text" and not isinstance(value, str):
            return f"{column} holds {_kind_of(value)} where text belongs"
        if isinstance(value, str) and _SURROGATE.search(value):
            return f"{column} holds text that is not valid UTF-8"
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _kind_of(value: object) -> str:
    return {bytes: "bytes", str: "text", float: "a fraction", int: "a number"}.get(type(value), type(value).__name__)
