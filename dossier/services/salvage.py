"""Rescuing the records of a workspace file that cannot be opened as it is.

A file whose schema is not Dossier's (an extra trigger, a view where a table should be)
is refused, and so is one holding rows that break the rules; the records in it may still be
the analyst's. ``salvage`` reads them without running any of the file's own SQL: the file
is opened read-only with ``trusted_schema`` off, only plain tables are read (those
``sqlite_master`` lists as type ``table``, not virtual, by the names Dossier's migrations
give them; never a view), and only their stored columns. The rows go into a new in-memory
workspace made by the migrations at the file's schema revision, one by one, where the
schema's own constraints hold them (a row that breaks one is skipped), then that workspace
is upgraded to the current schema and read as an interchange document, and every record of
it is held to the rules of an import: one that breaks them is left out (an entry of a
list, just that entry). What is left out is listed, one line each. The document is what
``dossier import-json`` reads into a new workspace.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from dossier.errors import NotSQLiteError, WorkspaceError
from dossier.model.records import COLLECTIONS, Document
from dossier.model.schema import FIELDS, ListOf, validate_record, via_cycles
from dossier.model.text import is_valid_id, quote_user_text


@dataclass
class SalvageReport:
    doc: Document
    revision: str  # the schema revision the file was read as
    skipped: list[str] = field(default_factory=list)  # one line per row or record left out

    def summary(self) -> str:
        held = ", ".join(f"{n} {name}" for name, n in self.doc.count().items())
        return f"{held}; {len(self.skipped)} left out"


def salvage(path: str | Path) -> SalvageReport:
    """The records of the workspace file at ``path`` that can be rescued (see the module's docstring)."""
    from dossier.services import interchange
    from dossier.services.workspace import Workspace
    from dossier.store import database
    from dossier.store.sqlite.files import SQLITE_HEADER, open_readonly
    from dossier.store.sqlite.soundness import tolerant_text
    from dossier.store.sqlite.verify import build_database

    path = Path(path)
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
        revision = _revision(source, plain, skipped)
        engine, target = build_database(revision, database.MIGRATIONS_PACKAGE, tolerant_text)
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
    try:
        if revision != database.SCHEMA_HEAD:
            database.upgrade_in_place(engine, path)
        with Workspace(database.Database(path, engine, True, None, None)) as reading:
            doc = interchange.export_document(reading)
    finally:
        engine.dispose()
        target.close()
    doc.source_numbers = {}
    _keep_valid(doc, skipped)
    return SalvageReport(doc, revision, skipped)


def _revision(source: sqlite3.Connection, plain: set[str], skipped: list[str]) -> str:
    from dossier.store.database import SCHEMA_HEAD, SCHEMA_REVISIONS

    found = None
    if "alembic_version" in plain:
        try:
            if all(h == 0 for (h,) in source.execute("SELECT hidden FROM pragma_table_xinfo('alembic_version')")):
                row = source.execute('SELECT version_num FROM "alembic_version"').fetchone()
                found = row[0] if row else None
        except sqlite3.Error:
            found = None
    if isinstance(found, str) and found in SCHEMA_REVISIONS:
        return found
    skipped.append(f"the file's schema revision ({quote_user_text(str(found)) if found is not None else 'none'}) "
                   f"is not one this Dossier knows; its tables are read as schema {SCHEMA_HEAD}")
    return SCHEMA_HEAD


def _tables_in_order(target: sqlite3.Connection) -> list[str]:
    """The record tables of the new workspace, each after the tables it refers to."""
    from dossier.store.sqlite.soundness import _record_tables

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


class _Known:
    def __init__(self, doc: Document):
        self.ids = {name: {r.id for r in doc.collection(name) if is_valid_id(r.id)} for name in COLLECTIONS}
        self.owner = {name: {r.id: r.negotiation for r in doc.collection(name) if is_valid_id(r.id)}
                      for name in ("topics", "rounds")}

    def exists(self, collection: str, record_id: str) -> bool:
        return record_id in self.ids[collection]

    def negotiation_of(self, collection: str, record_id: str) -> str | None:
        return self.owner.get(collection, {}).get(record_id)


_IN_LIST = re.compile(r"^[a-z]+\[[^\]]*\]\.([a-z_]+)\[(\d+)\]")


def _keep_valid(doc: Document, skipped: list[str]) -> None:
    """Leave out of ``doc`` every record (or list entry) that breaks the rules of an import, and
    what comes to break them once it is gone (a reference to a record left out)."""
    vias = {s.id: s.via for s in doc.sources if is_valid_id(s.id) and (s.via is None or is_valid_id(s.via))}
    loops = via_cycles(vias)
    for source in doc.sources:
        if source.id in loops:
            skipped.append(f"sources[{source.id}].via: the via chain comes back to where it started; "
                           "the source is kept without it")
            source.via = None
    while True:
        known = _Known(doc)
        left_out = 0
        for name in COLLECTIONS:
            kept = []
            for index, record in enumerate(doc.collection(name)):
                errors = validate_record(name, record, known, index=index)
                if not errors:
                    kept.append(record)
                    continue
                entries = _list_entries(name, errors)
                if entries is not None:  # only entries of lists are wrong: drop those
                    for list_field, positions in entries.items():
                        items = getattr(record, list_field)
                        for i in sorted(positions, reverse=True):
                            reason = next(str(e) for e in errors if _IN_LIST.match(e.path)
                                          and _IN_LIST.match(e.path).groups() == (list_field, str(i)))
                            skipped.append(f"an entry left out of a list: {reason}")
                            del items[i]
                    kept.append(record)
                else:
                    skipped.append("; ".join(str(e) for e in errors[:3]) + (" …" if len(errors) > 3 else ""))
                left_out += 1
            doc.collection(name)[:] = kept
        if not left_out:
            return


def _list_entries(collection: str, errors) -> dict[str, set[int]] | None:
    """``{list field: positions}`` when every error is inside an entry of a list, else None."""
    found: dict[str, set[int]] = {}
    for error in errors:
        match = _IN_LIST.match(error.path)
        if match is None or not isinstance(FIELDS[collection].get(match.group(1)), ListOf):
            return None
        found.setdefault(match.group(1), set()).add(int(match.group(2)))
    return found
