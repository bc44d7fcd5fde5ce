"""Writing records: one implementation for one record and for an import of 100,000.

``write_records`` inserts new records and replaces existing ones (matched by id) as a batch:
references are resolved between external ids and keys with set-based queries, each record
becomes one row of its main table, and its lists are replaced as a whole in the child tables.
Its statements run through a ``Statements`` object chosen by the database: on SQLite the
driver's own cursor (``dossier.store.sqlite.bulk``: keys given without asking, indexes of a
large insert built once afterwards); elsewhere the driver through SQLAlchemy.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from operator import attrgetter

from sqlalchemy import Connection

from dossier.store.rows.keys import _give_numbers, keys_for, lock_keys
from dossier.store.rows.mapping import SPECS, Child, Column, Spec, plain_value


class MissingReference(Exception):
    def __init__(self, collection: str, uid: str):
        self.collection = collection
        self.uid = uid


class GenericStatements:
    """Statements (with ``?`` marks) run by the database's driver through SQLAlchemy, in
    ``conn``'s transaction; the database gives new rows their keys."""

    assigns_keys = False

    def __init__(self, conn: Connection):
        self.conn = conn
        self._mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"

    def _sql(self, sql: str) -> str:
        return sql if self._mark == "?" else sql.replace("?", self._mark)

    def run(self, sql: str, params: Sequence = ()) -> list[tuple]:
        result = self.conn.exec_driver_sql(self._sql(sql), tuple(params))
        return [tuple(row) for row in result] if result.returns_rows else []

    def many(self, sql: str, rows: Sequence[Sequence]) -> None:
        if rows:  # given no rows, SQLAlchemy would run the statement once without parameters
            self.conn.exec_driver_sql(self._sql(sql), [tuple(row) for row in rows])

    @contextlib.contextmanager
    def indexes_built_after(self, table: str, adding: int, held: int) -> Iterator[None]:
        yield


def statements(conn: Connection):
    """The statements object of ``conn``'s database."""
    if conn.dialect.name == "sqlite":
        from dossier.store.sqlite.bulk import SqliteStatements

        return SqliteStatements(conn)
    return GenericStatements(conn)


@contextlib.contextmanager
def bulk_page_cache(conn: Connection) -> Iterator[None]:
    """On SQLite, a larger page cache while a bulk write runs (see ``sqlite.bulk``); elsewhere nothing."""
    if conn.dialect.name != "sqlite":
        yield
        return
    from dossier.store.sqlite import bulk

    with bulk.bulk_page_cache(conn):
        yield


@contextlib.contextmanager
def indexes_built_last(conn: Connection) -> Iterator[Callable[[], None]]:
    """For a bulk write that only adds: on SQLite, the indexes a large insert drops are built
    together at the end, or when the returned function is called (see ``sqlite.bulk``); elsewhere
    nothing is dropped or deferred."""
    if conn.dialect.name != "sqlite":
        yield lambda: None
        return
    from dossier.store.sqlite import bulk

    with bulk.indexes_built_last(conn) as build:
        yield build


def _insert_sql(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(map(_quoted, columns))}) VALUES ({', '.join('?' * len(columns))})"


def _quoted(column: str) -> str:
    return f'"{column}"'  # some are words SQL keeps for itself (``end``)


def write_records(conn: Connection, collection: str, records: Sequence,
                  existing: dict[str, int] | None = None, *,
                  numbers: Mapping[str, int] | None = None) -> dict[str, int]:
    """Insert new records and replace existing ones (matched by id); return uid -> key.

    ``existing`` is uid -> key of the records that are already stored, when the caller has it.
    A new record of a numbered collection is given the number ``numbers`` names for it when no
    record holds that number, else the next one free; a replaced record keeps its number.
    A reference to a record that does not exist raises ``MissingReference``.
    """
    if not records:
        return {}
    if existing is None:
        existing = keys_for(conn, collection, (r.id for r in records))
    spec = SPECS[collection]
    table = spec.table.name
    replaced = [r for r in records if r.id in existing]
    added = [r for r in records if r.id not in existing] if replaced else list(records)
    given = _give_numbers(conn, collection, [r.id for r in added], numbers or {}) if spec.numbered and added else {}
    refs = _resolve_refs(conn, spec, records, collection)
    out = statements(conn)
    row_of = _encoder(spec.columns, refs, skip=collection)  # a record's columns; references to its own
    names = [c.column for c in spec.columns]                  # collection are set once all rows exist

    if collection == "rounds" and replaced:
        # Free the numbers of replaced rounds first so that renumbering never clashes midway.
        out.many(f"UPDATE {table} SET number = NULL WHERE id = ?", [(existing[r.id],) for r in replaced])
    if replaced:
        sets = ", ".join(f"{_quoted(n)} = ?" for n in names)
        out.many(f"UPDATE {table} SET {sets} WHERE id = ?", [(*row_of(r), existing[r.id]) for r in replaced])
    keys = dict(existing)
    if added:
        numbered = ["number"] if given else []
        if out.assigns_keys:
            top = out.run(f"SELECT max(id) FROM {table}")[0][0] or 0
            keys.update(zip((r.id for r in added), range(top + 1, top + 1 + len(added)), strict=True))
            with out.indexes_built_after(table, len(added), top):
                out.many(_insert_sql(table, ["id", "uid", *names, *numbered]),
                         [(keys[r.id], r.id, *row_of(r), *((given[r.id],) if given else ())) for r in added])
        else:
            out.many(_insert_sql(table, ["uid", *names, *numbered]),
                     [(r.id, *row_of(r), *((given[r.id],) if given else ())) for r in added])
            keys.update(keys_for(conn, collection, (r.id for r in added)))
    self_refs = [c for c in spec.columns if c.ref == collection]
    if self_refs:
        own = {**refs.get(collection, {}), **keys}
        for col in self_refs:  # rows were written without them: only the references need setting
            out.many(f"UPDATE {table} SET {_quoted(col.column)} = ? WHERE id = ?",
                     [(own[v], keys[r.id]) for r in records if (v := getattr(r, col.field)) is not None])
    for child in spec.children:
        if replaced:
            out.many(f"DELETE FROM {child.table.name} WHERE {child.owner} = ?", [(existing[r.id],) for r in replaced])
        rows = list(child_rows(child, records, keys, refs))
        if rows:
            held = (out.run(f"SELECT max(id) FROM {child.table.name}")[0][0] or 0) if out.assigns_keys else 0
            with out.indexes_built_after(child.table.name, len(rows), held):
                out.many(_insert_sql(child.table.name, [child.owner, "ordinal", *(c.column for c in child.columns)]),
                         rows)
    return keys


def _encoder(columns: Sequence[Column], refs: dict[str, dict[str, int]], *,
             skip: str | None = None) -> Callable[[object], list]:
    """A function turning a record (or a list item) into its column values: references as keys
    (those to ``skip``'s collection as None), enumeration members as their text."""
    get = attrgetter(*(c.field for c in columns))
    single = len(columns) == 1
    ref_maps = [(i, refs[c.ref]) for i, c in enumerate(columns) if c.ref and c.ref != skip]
    nulled = [i for i, c in enumerate(columns) if c.ref and c.ref == skip]
    plain_at = [i for i, c in enumerate(columns) if not c.ref]

    def encode(item) -> list:
        values = get(item)
        row = [values] if single else list(values)
        for i, mapping in ref_maps:
            value = row[i]
            if value is not None:
                row[i] = mapping[value]
        for i in nulled:
            row[i] = None
        for i in plain_at:
            value = row[i]
            if value.__class__ is not str and value is not None:
                row[i] = plain_value(value)
        return row

    return encode


def child_rows(child: Child, records: Sequence, keys: dict[str, int], refs: dict[str, dict[str, int]]):
    """Rows of one child table: owner key, ordinal, then the item's columns."""
    field = child.field
    if child.cls is None:  # a list of plain values or of references: no item to take apart
        mapping = refs[child.columns[0].ref] if child.columns[0].ref else None
        for record in records:
            items = getattr(record, field)
            if not items:
                continue
            owner = keys[record.id]
            if mapping is None:
                yield from ((owner, i, plain_value(v) if v is not None else v) for i, v in enumerate(items))
            else:
                yield from ((owner, i, mapping[v] if v is not None else v) for i, v in enumerate(items))
        return
    encode = _encoder(child.columns, refs)
    for record in records:
        items = getattr(record, field)
        if not items:
            continue
        owner = keys[record.id]
        for ordinal, item in enumerate(items):
            yield (owner, ordinal, *encode(item))


def _wanted_refs(spec: Spec, records: Sequence) -> dict[str, set[str]]:
    """The external ids each referenced collection must resolve, over records and their lists."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for col in spec.columns:
        if col.ref:
            wanted[col.ref].update(map(attrgetter(col.field), records))
    for child in spec.children:
        items = [item for r in records for item in getattr(r, child.field)]
        for col in child.columns:
            if col.ref:
                wanted[col.ref].update(items if child.cls is None else map(attrgetter(col.field), items))
    for uids in wanted.values():
        uids.discard(None)
    return wanted


def _resolve_refs(conn: Connection, spec: Spec, records: Sequence, collection: str) -> dict[str, dict[str, int]]:
    batch_ids = {r.id for r in records}
    refs: dict[str, dict[str, int]] = {}
    for ref, uids in _wanted_refs(spec, records).items():
        found = lock_keys(conn, ref, uids, share=True)  # none of them may be deleted before the commit
        missing = uids - set(found) - (batch_ids if ref == collection else set())
        if missing:
            raise MissingReference(ref, sorted(missing)[0])
        refs[ref] = found
    return refs
