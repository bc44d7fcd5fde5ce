"""Reading and writing records: the one place that turns rows into dataclasses and back.

A record is one row of its main table plus rows in child tables for its lists. Both
directions work on batches, so importing 100,000 positions and saving one edited person
run the same code: references are resolved between external ids (``uid``) and integer
keys with set-based queries, lists are replaced as a whole.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from operator import attrgetter

from sqlalchemy import Connection, Select, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import DBAPIError

from dossier.errors import Reference
from dossier.model.records import (
    COLLECTIONS,
    Citation,
    NegotiationParty,
    Participant,
    Role,
)
from dossier.store import tables as t


@dataclass(frozen=True)
class Column:
    field: str  # dataclass attribute (None for a list of scalars)
    column: str  # column name in the table
    ref: str | None = None  # collection the value refers to, when it is a reference


@dataclass(frozen=True)
class Child:
    field: str
    table: Table
    owner: str  # column holding the owner's key
    columns: tuple[Column, ...]
    cls: type | None = None  # dataclass of each item; None for a list of scalars


@dataclass(frozen=True)
class Spec:
    table: Table
    columns: tuple[Column, ...]
    children: tuple[Child, ...] = ()
    #: each record has a number in the workspace (``number`` column, see ``_give_numbers``)
    numbered: bool = False


def _cit(owner: str) -> Child:
    return Child(
        "sources",
        t.citations,
        owner,
        (Column("source", "source_id", "sources"), Column("credibility", "credibility"), Column("quote", "quote")),
        Citation,
    )


SPECS: dict[str, Spec] = {
    "parties": Spec(
        t.parties,
        (Column("name", "name"), Column("kind", "kind"), Column("country", "country"), Column("notes", "notes")),
    ),
    "people": Spec(
        t.people,
        (
            Column("name", "name"),
            Column("native_name", "native_name"),
            Column("party", "party_id", "parties"),
            Column("title", "title"),
            Column("bio", "bio"),
            Column("notes", "notes"),
        ),
        (
            Child("aliases", t.person_aliases, "person_id", (Column("", "alias"),)),
            Child(
                "roles",
                t.person_roles,
                "person_id",
                (Column("title", "title"), Column("organization", "organization"), Column("start", "start"),
                 Column("end", "end")),
                Role,
            ),
        ),
    ),
    "negotiations": Spec(
        t.negotiations,
        (Column("title", "title"), Column("summary", "summary"), Column("status", "status"),
         Column("started", "started"), Column("ended", "ended")),
        (
            Child(
                "parties",
                t.negotiation_parties,
                "negotiation_id",
                (Column("party", "party_id", "parties"), Column("role", "role")),
                NegotiationParty,
            ),
        ),
    ),
    "topics": Spec(
        t.topics,
        (Column("negotiation", "negotiation_id", "negotiations"), Column("title", "title"),
         Column("description", "description"), Column("category", "category")),
    ),
    "rounds": Spec(
        t.rounds,
        (
            Column("negotiation", "negotiation_id", "negotiations"),
            Column("number", "number"),
            Column("title", "title"),
            Column("start", "start"),
            Column("end", "end"),
            Column("venue", "venue"),
            Column("status", "status"),
            Column("mediator", "mediator_id", "people"),
            Column("summary", "summary"),
        ),
        (
            Child(
                "participants",
                t.round_participants,
                "round_id",
                (Column("person", "person_id", "people"), Column("party", "party_id", "parties"),
                 Column("role", "role")),
                Participant,
            ),
            Child("topics", t.round_topics, "round_id", (Column("", "topic_id", "topics"),)),
            _cit("round_id"),
        ),
    ),
    "positions": Spec(
        t.positions,
        (
            Column("negotiation", "negotiation_id", "negotiations"),
            Column("party", "party_id", "parties"),
            Column("topic", "topic_id", "topics"),
            Column("round", "round_id", "rounds"),
            Column("person", "person_id", "people"),
            Column("date", "date"),
            Column("kind", "kind"),
            Column("summary", "summary"),
        ),
        (_cit("position_id"),),
    ),
    "sources": Spec(
        t.sources,
        (
            Column("title", "title"),
            Column("publisher", "publisher"),
            Column("url", "url"),
            Column("published", "published"),
            Column("reliability", "reliability"),
            Column("via", "via_id", "sources"),
            Column("notes", "notes"),
            Column("text", "text"),
        ),
        numbered=True,
    ),
    "events": Spec(
        t.events,
        (Column("negotiation", "negotiation_id", "negotiations"), Column("date", "date"),
         Column("title", "title"), Column("description", "description")),
        (
            Child("people", t.event_people, "event_id", (Column("", "person_id", "people"),)),
            _cit("event_id"),
        ),
    ),
}

#: The order records are written in, so references point at rows that exist.
WRITE_ORDER = ("parties", "people", "negotiations", "topics", "sources", "rounds", "positions", "events")
_CHUNK = 500


def table_of(collection: str) -> Table:
    return SPECS[collection].table


def _chunks(items: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# ---------------------------------------------------------------- ids
def _lookup(conn: Connection, collection: str, by: str, give: str, values: Iterable) -> dict:
    """``{value of column by: value of column give}`` for the rows whose ``by`` is in ``values``."""
    table = table_of(collection)
    found: dict = {}
    for chunk in _chunks(sorted(set(values))):
        found.update(conn.execute(select(table.c[by], table.c[give]).where(table.c[by].in_(chunk))).all())
    return found


#: From this many ids on, reading a collection's whole uid -> key map can be cheaper than asking
#: for each (500 a query): when the collection holds at most ``_WHOLE_MAP_ROWS_PER_ID`` rows an id.
_WHOLE_MAP_FROM = 2000
_WHOLE_MAP_ROWS_PER_ID = 4


def keys_for(conn: Connection, collection: str, uids: Iterable[str]) -> dict[str, int]:
    """Integer keys of the records with these external ids (missing ones are left out)."""
    uids = set(uids)
    if len(uids) >= _WHOLE_MAP_FROM:
        table = table_of(collection)
        largest = conn.execute(select(func.max(table.c.id))).scalar()  # at least the number of rows
        if largest is None:
            return {}
        if largest <= _WHOLE_MAP_ROWS_PER_ID * len(uids):
            return {uid: pk for uid, pk in conn.execute(select(table.c.uid, table.c.id)) if uid in uids}
    return _lookup(conn, collection, "uid", "id", uids)


def versions_for(conn: Connection, collection: str, uids: Iterable[str]) -> dict[str, int]:
    """The version of each record with these external ids (missing ones are left out)."""
    return _lookup(conn, collection, "uid", "version", uids)


def uids_for(conn: Connection, collection: str, keys: Iterable[int]) -> dict[int, str]:
    """External ids of the records with these integer keys (missing ones are left out)."""
    return _lookup(conn, collection, "id", "uid", keys)


# ---------------------------------------------------------------- numbers
def numbers_of(conn: Connection, collection: str, uids: Iterable[str] | None = None) -> dict[str, int]:
    """The workspace number of every record of a numbered collection, or of those with these ids
    (missing ones are left out)."""
    if uids is not None:
        return _lookup(conn, collection, "uid", "number", uids)
    table = table_of(collection)
    return dict(conn.execute(select(table.c.uid, table.c.number)).all())


def highest_number(conn: Connection, collection: str) -> int:
    """The highest number ever given to a record of a numbered collection (0 before the first)."""
    numbering = t.numbering
    return conn.execute(select(numbering.c.highest).where(numbering.c.collection == collection)).scalar_one()


def keep_highest_number(conn: Connection, collection: str, highest: int) -> None:
    """Count ``highest`` as given (unless a higher number was): no number up to it is given again."""
    numbering = t.numbering
    conn.execute(update(numbering).where(numbering.c.collection == collection, numbering.c.highest < highest)
                 .values(highest=highest))


def _give_numbers(conn: Connection, collection: str, uids: Sequence[str],
                  wanted: Mapping[str, int]) -> dict[str, int]:
    """Numbers for new records of a numbered collection: to each the number ``wanted`` names
    for it when no record holds that number, else, in the order of ``uids``, one past the
    highest ever given, which is raised to match. Its row stays locked until the transaction
    ends (on PostgreSQL; an SQLite write transaction already excludes every other writer), so
    two writers never give the same number."""
    numbering = t.numbering
    table = table_of(collection)
    highest = conn.execute(select(numbering.c.highest).where(numbering.c.collection == collection)
                           .with_for_update()).scalar_one()
    asked = {uid: number for uid in uids if type(number := wanted.get(uid)) is int and number >= 1}
    taken: set[int] = set()
    for chunk in _chunks(sorted(set(asked.values()))):
        taken.update(conn.execute(select(table.c.number).where(table.c.number.in_(chunk))).scalars())
    given: dict[str, int] = {}
    for uid, number in asked.items():
        if number not in taken:
            given[uid] = number
            taken.add(number)
    top = max(highest, *given.values()) if given else highest
    for uid in uids:
        if uid not in given:
            top += 1
            given[uid] = top
    if top != highest:
        conn.execute(update(numbering).where(numbering.c.collection == collection).values(highest=top))
    return given


def all_uid_maps(conn: Connection) -> dict[str, dict[int, str]]:
    maps = {}
    for name in COLLECTIONS:
        table = table_of(name)
        maps[name] = dict(conn.execute(select(table.c.id, table.c.uid)).all())
    return maps


# ---------------------------------------------------------------- reading
def _in_keys(column, keys: Sequence[int], among: Select | None) -> list:
    """Conditions picking ``column`` values among ``keys``: one with the query ``among`` that
    selects exactly those keys (for many keys), else one per chunk of bound keys."""
    if among is not None:
        return [column.in_(among)]
    return [column.in_(chunk) for chunk in _chunks(list(keys))]


def read_records(conn: Connection, collection: str, keys: Sequence[int] | None = None,
                 uid_maps: dict[str, dict[int, str]] | None = None, *, among: Select | None = None,
                 lists: bool = True, present: Collection[str] | None = None) -> list:
    """Records of a collection as dataclasses: all of them, or those with these integer keys.

    Returns them in the order of ``keys`` (or by uid when reading all). ``among``, a query of
    the keys' column that selects exactly ``keys``, reads thousands of them in a few queries.
    Without ``lists`` the records' lists (aliases, participants, citations…) are left empty:
    for views that show none of them, never for records that may be written back.
    ``present`` names the table's columns when it may lack some of a record's (a migration
    reading records of an older schema): the fields without one keep their defaults.
    """
    spec = SPECS[collection]
    cls = COLLECTIONS[collection]
    table = spec.table
    # Only the columns a record has: migrations read records while later columns do not exist yet.
    read = [c for c in spec.columns if present is None or c.column in present]
    columns = [table.c.id, table.c.uid, *(table.c[c.column] for c in read)]
    rows: list = []
    if keys is None:
        rows = list(conn.execute(select(*columns).order_by(table.c.uid)).mappings())
    else:
        by_pk = {}
        for condition in _in_keys(table.c.id, keys, among):
            for row in conn.execute(select(*columns).where(condition)).mappings():
                by_pk[row["id"]] = row
        rows = [by_pk[k] for k in keys if k in by_pk]
    if not rows:
        return []
    kept = spec.children if lists else ()
    maps = uid_maps if uid_maps is not None else _maps_for_rows(conn, spec, rows, kept, among)
    children = _read_children(conn, kept, [r["id"] for r in rows] if keys is not None else None, maps, among)
    records = []
    for row in rows:
        values = {"id": row["uid"]}
        for col in read:
            value = row[col.column]
            values[col.field] = maps[col.ref].get(value) if col.ref and value is not None else value
        for child in kept:
            values[child.field] = children[child.field].get(row["id"], [])
        records.append(cls(**values))
    return records


def _maps_for_rows(conn: Connection, spec: Spec, rows: list, children: Sequence[Child],
                   among: Select | None = None) -> dict[str, dict[int, str]]:
    wanted: dict[str, set[int]] = defaultdict(set)
    maps: dict[str, dict[int, str]] = defaultdict(dict)
    for col in spec.columns:
        if col.ref and among is not None:  # one query per reference, however many rows
            ref_table = table_of(col.ref)
            used = select(spec.table.c[col.column]).where(spec.table.c.id.in_(among))
            maps[col.ref].update((key, uid) for key, uid in conn.execute(
                select(ref_table.c.id, ref_table.c.uid).where(ref_table.c.id.in_(used))))
        elif col.ref:
            wanted[col.ref].update(r[col.column] for r in rows if r[col.column] is not None)
    owner_keys = [r["id"] for r in rows]
    for child in children:
        for col in child.columns:
            if col.ref:
                ref_table = table_of(col.ref)
                owner = child.table.c[child.owner]
                for condition in _in_keys(owner, owner_keys, among):
                    q = (
                        select(ref_table.c.id, ref_table.c.uid)
                        .join(child.table, child.table.c[col.column] == ref_table.c.id)
                        .where(condition)
                    )
                    maps[col.ref].update((pk, uid) for pk, uid in conn.execute(q))
    for ref, keys in wanted.items():
        maps[ref].update(uids_for(conn, ref, keys - maps[ref].keys()))
    return maps


def _read_children(conn: Connection, children: Sequence[Child], owner_keys: list[int] | None,
                   maps: dict[str, dict[int, str]], among: Select | None = None) -> dict[str, dict[int, list]]:
    out: dict[str, dict[int, list]] = {}
    for child in children:
        owner = child.table.c[child.owner]
        grouped: dict[int, list] = defaultdict(list)
        base = select(child.table).where(owner.is_not(None)).order_by(owner, child.table.c.ordinal)
        queries = [base] if owner_keys is None else [base.where(c) for c in _in_keys(owner, owner_keys, among)]
        for q in queries:
            for row in conn.execute(q).mappings():
                grouped[row[child.owner]].append(_child_item(child, row, maps))
        out[child.field] = grouped
    return out


def _child_item(child: Child, row, maps):
    def value(col: Column):
        v = row[col.column]
        return maps[col.ref].get(v) if col.ref and v is not None else v

    if child.cls is None:
        return value(child.columns[0])
    return child.cls(**{col.field: value(col) for col in child.columns})


# ---------------------------------------------------------------- writing
class MissingReference(Exception):
    def __init__(self, collection: str, uid: str):
        self.collection = collection
        self.uid = uid


def write_records(conn: Connection, collection: str, records: Sequence,
                  existing: dict[str, int] | None = None, *,
                  numbers: Mapping[str, int] | None = None) -> dict[str, int]:
    """Insert new records and replace existing ones (matched by id); return uid -> key.

    ``existing`` is uid -> key of the records that are already stored, when the caller has it.
    A new record of a numbered collection is given the number ``numbers`` names for it when no
    record holds that number, else the next one free; a replaced record keeps its number.
    """
    if not records:
        return {}
    if existing is None:
        existing = keys_for(conn, collection, (r.id for r in records))
    spec = SPECS[collection]
    given: dict[str, int] = {}
    if spec.numbered:
        added_ids = [r.id for r in records if r.id not in existing]
        if added_ids:
            given = _give_numbers(conn, collection, added_ids, numbers or {})
    if conn.dialect.name == "sqlite":
        return _write_records_sqlite(conn, collection, records, existing, given)
    table = spec.table
    refs = _resolve_refs(conn, spec, records, collection)
    self_refs = [c for c in spec.columns if c.ref == collection]

    def row_of(record, with_self_refs: bool) -> dict:
        row = {"uid": record.id}
        for col in spec.columns:
            value = getattr(record, col.field)
            if col.ref and value is not None:
                if col.ref == collection and not with_self_refs:
                    value = None
                else:
                    value = refs[col.ref][value]
            elif hasattr(value, "value") and isinstance(value, str):
                value = str(value.value)
            row[col.column] = value
        return row

    replaced = [r for r in records if r.id in existing]
    added = [r for r in records if r.id not in existing]
    if collection == "rounds" and replaced:
        # Free the numbers of replaced rounds first so that renumbering never clashes midway.
        for chunk in _chunks([existing[r.id] for r in replaced]):
            conn.execute(update(table).where(table.c.id.in_(chunk)).values(number=None))
    if replaced:
        stmt = (
            update(table)
            .where(table.c.id == bindparam("_pk"))
            .values({c.column: bindparam(c.column) for c in spec.columns})
        )
        conn.execute(stmt, [{**row_of(r, not self_refs), "_pk": existing[r.id]} for r in replaced])
    if added:
        for chunk in _chunks(added, 2000):
            rows = [row_of(r, not self_refs) for r in chunk]
            if given:
                for row in rows:
                    row["number"] = given[row["uid"]]
            conn.execute(insert(table), rows)
    keys = keys_for(conn, collection, (r.id for r in records)) if added else existing
    if self_refs:
        refs.setdefault(collection, {}).update(keys)
        for col in self_refs:  # rows were written without them: only the references need setting
            stmt = update(table).where(table.c.id == bindparam("_pk")).values({col.column: bindparam("_v")})
            rows = [{"_pk": keys[r.id], "_v": refs[collection][v]}
                    for r in records if (v := getattr(r, col.field)) is not None]
            if rows:
                conn.execute(stmt, rows)
    _write_children(conn, spec, records, keys, refs, replaced_keys=[existing[r.id] for r in replaced])
    return keys


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
        found = keys_for(conn, ref, uids)
        missing = uids - set(found) - (batch_ids if ref == collection else set())
        if missing:
            raise MissingReference(ref, sorted(missing)[0])
        refs[ref] = found
    return refs


def _plain_value(value):
    """A field's value as stored: enumeration members as their text."""
    if value.__class__ is not str and hasattr(value, "value") and isinstance(value, str):
        return str(value.value)
    return value


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
_BULK_CACHE_KIB = 64 * 1024


@contextlib.contextmanager
def bulk_page_cache(conn: Connection) -> Iterator[None]:
    """On SQLite, a larger page cache for this connection while a bulk write runs, then its own size
    again. Only memory changes: what is written, and when it is durable, stay the same."""
    if conn.dialect.name != "sqlite":
        yield
        return
    driver = conn.connection.driver_connection
    size = driver.execute("PRAGMA cache_size").fetchone()[0]
    driver.execute(f"PRAGMA cache_size = {-_BULK_CACHE_KIB}")
    try:
        yield
    finally:  # pages past the usual size are let go as the commit leaves them clean
        with contextlib.suppress(sqlite3.Error):
            driver.execute(f"PRAGMA cache_size = {size}")


#: Inserting at least this many rows, and more than a table holds, builds its indexes afterwards.
_BULK_ROWS = 10_000


#: Where ``indexes_built_last`` keeps, in ``Connection.info``, the indexes it has yet to build.
_BUILT_LAST = "dossier.indexes_built_last"


@contextlib.contextmanager
def indexes_built_last(conn: Connection) -> Iterator[Callable[[], None]]:
    """For a bulk write of records that only adds (nothing replaced, so no row is looked up by
    a dropped index): the indexes that bulk inserts drop (``_indexes_built_after``) are made
    again all together, when the returned function is called or else on leaving without an
    error. SQLite builds an index without Python's global lock, so the caller can do Python
    work in another thread meanwhile. On other databases nothing is dropped or deferred."""
    if conn.dialect.name != "sqlite":
        yield lambda: None
        return
    pending: list[str] = []

    def build() -> None:
        with raw_cursor(conn) as cur:
            while pending:
                cur.execute(pending.pop(0))

    conn.info[_BUILT_LAST] = pending
    try:
        yield build
        build()
    finally:
        conn.info.pop(_BUILT_LAST, None)


@contextlib.contextmanager
def _indexes_built_after(cur: sqlite3.Cursor, table: str, adding: int, held: int,
                         built_last: list[str] | None = None) -> Iterator[None]:
    """For a bulk insert into an (almost) empty table: drop its plain secondary indexes first and
    create them again from their own SQL afterwards (or add that SQL to ``built_last``, see
    ``indexes_built_last``), sorting once instead of inserting row by row into every index.
    Both are part of the transaction, so a failed write leaves them as they were; unique
    indexes and constraints are kept and check every row as it comes."""
    if adding < _BULK_ROWS or held > adding:
        yield
        return
    indexes = cur.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL "
        "AND upper(sql) NOT LIKE 'CREATE UNIQUE%' ORDER BY name", (table,)).fetchall()
    for name, _sql in indexes:
        cur.execute(f'DROP INDEX "{name}"')
    yield
    if built_last is not None:
        built_last.extend(sql for _name, sql in indexes)
        return
    for _name, sql in indexes:
        cur.execute(sql)


def _insert_sql(table: Table, columns: Sequence[str]) -> str:
    return (f"INSERT INTO {table.name} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))})")


def _write_records_sqlite(conn: Connection, collection: str, records: Sequence,
                          existing: dict[str, int], given: dict[str, int]) -> dict[str, int]:
    """``write_records`` on SQLite: tuples through the driver's ``executemany``, in the same transaction.

    New rows get the keys SQLite would give them (one past the largest), assigned here so
    that no query is needed to learn them; ``given`` holds the numbers of new numbered records."""
    spec = SPECS[collection]
    table = spec.table
    refs = _resolve_refs(conn, spec, records, collection)
    built_last = conn.info.get(_BUILT_LAST)
    with raw_cursor(conn) as cur:
        self_refs = [c for c in spec.columns if c.ref == collection]
        replaced = [r for r in records if r.id in existing]
        added = [r for r in records if r.id not in existing] if replaced else list(records)
        keys = dict(existing)
        if added:
            top = cur.execute(f"SELECT max(id) FROM {table.name}").fetchone()[0] or 0
            keys.update(zip((r.id for r in added), range(top + 1, top + 1 + len(added)), strict=True))
        get = attrgetter(*(c.field for c in spec.columns))
        single = len(spec.columns) == 1
        # (position in the row, uid -> key) of every reference; self references are set afterwards
        ref_maps = [(i + 1, refs.get(c.ref, {})) for i, c in enumerate(spec.columns) if c.ref and c.ref != collection]
        self_at = [i + 1 for i, c in enumerate(spec.columns) if c.ref == collection]
        plain_at = [i + 1 for i, c in enumerate(spec.columns) if not c.ref]

        def row_of(record) -> list:
            values = get(record)
            row = [record.id, *((values,) if single else values)]
            for i, mapping in ref_maps:
                value = row[i]
                if value is not None:
                    row[i] = mapping[value]
            for i in self_at:
                row[i] = None
            for i in plain_at:
                value = row[i]
                if value.__class__ is not str and value is not None:
                    row[i] = _plain_value(value)
            return row

        names = [c.column for c in spec.columns]
        if collection == "rounds" and replaced:
            # Free the numbers of replaced rounds first so that renumbering never clashes midway.
            cur.executemany(f"UPDATE {table.name} SET number = NULL WHERE id = ?",
                            [(existing[r.id],) for r in replaced])
        if replaced:
            sets = ", ".join(f"{n} = ?" for n in names)
            cur.executemany(f"UPDATE {table.name} SET {sets} WHERE id = ?",
                            [(*row_of(r)[1:], existing[r.id]) for r in replaced])
        if added:
            with _indexes_built_after(cur, table.name, len(added), top, built_last):
                if given:
                    cur.executemany(_insert_sql(table, ["id", "uid", *names, "number"]),
                                    [(keys[r.id], *row_of(r), given[r.id]) for r in added])
                else:
                    cur.executemany(_insert_sql(table, ["id", "uid", *names]),
                                    [(keys[r.id], *row_of(r)) for r in added])
        if self_refs:
            refs.setdefault(collection, {}).update(keys)
            own = refs[collection]
            for col in self_refs:  # rows were written without them: only the references need setting
                cur.executemany(
                    f"UPDATE {table.name} SET {col.column} = ? WHERE id = ?",
                    [(own[v], keys[r.id]) for r in records if (v := getattr(r, col.field)) is not None],
                )
        for child in spec.children:
            if replaced:
                cur.executemany(f"DELETE FROM {child.table.name} WHERE {child.owner} = ?",
                                [(existing[r.id],) for r in replaced])
            rows = list(_child_rows(child, records, keys, refs))
            if rows:
                held = cur.execute(f"SELECT max(id) FROM {child.table.name}").fetchone()[0] or 0
                with _indexes_built_after(cur, child.table.name, len(rows), held, built_last):
                    cur.executemany(
                        _insert_sql(child.table, [child.owner, "ordinal", *(c.column for c in child.columns)]), rows)
    return keys


def _child_rows(child: Child, records: Sequence, keys: dict[str, int], refs: dict[str, dict[str, int]]):
    """Rows of one child table as tuples: owner key, ordinal, then the item's columns."""
    field = child.field
    if child.cls is None:
        col = child.columns[0]
        mapping = refs[col.ref] if col.ref else None
        for record in records:
            items = getattr(record, field)
            if not items:
                continue
            owner = keys[record.id]
            if mapping is None:
                yield from ((owner, i, _plain_value(v) if v is not None else v) for i, v in enumerate(items))
            else:
                yield from ((owner, i, mapping[v] if v is not None else v) for i, v in enumerate(items))
        return
    get = attrgetter(*(c.field for c in child.columns))
    single = len(child.columns) == 1
    ref_maps = [(i + 2, refs[c.ref]) for i, c in enumerate(child.columns) if c.ref]
    plain_at = [i + 2 for i, c in enumerate(child.columns) if not c.ref]
    for record in records:
        items = getattr(record, field)
        if not items:
            continue
        owner = keys[record.id]
        for ordinal, item in enumerate(items):
            values = get(item)
            row = [owner, ordinal, *((values,) if single else values)]
            for i, mapping in ref_maps:
                value = row[i]
                if value is not None:
                    row[i] = mapping[value]
            for i in plain_at:
                value = row[i]
                if value.__class__ is not str and value is not None:
                    row[i] = _plain_value(value)
            yield row


def _write_children(conn, spec: Spec, records, keys, refs, replaced_keys) -> None:
    for child in spec.children:
        owner = child.table.c[child.owner]
        for chunk in _chunks(replaced_keys):
            conn.execute(delete(child.table).where(owner.in_(chunk)))
        rows = []
        for record in records:
            for ordinal, item in enumerate(getattr(record, child.field)):
                row = {child.owner: keys[record.id], "ordinal": ordinal}
                for col in child.columns:
                    value = item if child.cls is None else getattr(item, col.field)
                    if col.ref and value is not None:
                        value = refs[col.ref][value]
                    elif hasattr(value, "value") and isinstance(value, str):
                        value = str(value.value)
                    row[col.column] = value
                rows.append(row)
        for chunk in _chunks(rows, 5000):
            conn.execute(insert(child.table), list(chunk))


# ---------------------------------------------------------------- references and deletion
@dataclass(frozen=True)
class Referrer:
    """A column somewhere that can hold a key of ``target``, and what a cascade does to it."""

    target: str
    collection: str  # the collection of the referring record
    field: str
    table: Table
    column: str
    owner: str | None  # for child tables: the column holding the referring record's key
    action: str  # "delete" the referring record, "null" the field, "remove" the list entry


def _referrers() -> list[Referrer]:
    found = []
    for collection, spec in SPECS.items():
        for col in spec.columns:
            if col.ref:
                nullable = spec.table.c[col.column].nullable
                found.append(
                    Referrer(col.ref, collection, col.field, spec.table, col.column, None,
                             "null" if nullable else "delete")
                )
        for child in spec.children:
            for col in child.columns:
                if col.ref:
                    nullable = child.table.c[col.column].nullable
                    name = child.field if child.cls is None else f"{child.field}.{col.field}"
                    found.append(
                        Referrer(col.ref, collection, name, child.table, col.column, child.owner,
                                 "null" if nullable else "remove")
                    )
    return found


REFERRERS = _referrers()


def _owners_query(r: Referrer, refers):
    """(key, uid) of every record whose field ``r`` meets ``refers`` (a condition on its column)."""
    owner_table = table_of(r.collection)
    col = r.table.c[r.column]
    if r.owner is None:
        return select(r.table.c.id, r.table.c.uid).where(refers(col))
    return (
        select(owner_table.c.id, owner_table.c.uid)
        .where(owner_table.c.id.in_(select(r.table.c[r.owner]).where(refers(col))))
    )


def references_to(conn: Connection, collection: str, key: int) -> list[Reference]:
    refs: list[Reference] = []
    for r in REFERRERS:
        if r.target == collection:
            q = _owners_query(r, lambda c: c == key).order_by(table_of(r.collection).c.uid)
            refs.extend(Reference(r.collection, uid, r.field) for _, uid in conn.execute(q))
    return refs


def references_from_outside(conn: Connection, leaving: dict[str, Sequence[int]]) -> list[Reference]:
    """Records that refer to any of the ``leaving`` ones (collection -> keys) and are not among them."""
    refs: list[Reference] = []
    inside = {name: set(keys) for name, keys in leaving.items()}
    for r in REFERRERS:
        keys = leaving.get(r.target)
        if not keys:
            continue
        also_leaving = inside.get(r.collection, set())
        for chunk in _chunks(sorted(keys)):
            q = _owners_query(r, lambda c, chunk=chunk: c.in_(chunk))
            refs.extend(Reference(r.collection, uid, r.field) for key, uid in conn.execute(q)
                        if key not in also_leaving)
    return refs


def delete_many(conn: Connection, collection: str, keys: Sequence[int]) -> None:
    """Delete these records and their lists. Only for records nothing outside them refers to
    (``references_from_outside``): their references to each other are cleared first, so they
    may go in any order."""
    spec = SPECS[collection]
    keys = sorted(keys)
    for chunk in _chunks(keys):
        for child in spec.children:
            conn.execute(delete(child.table).where(child.table.c[child.owner].in_(chunk)))
        for r in REFERRERS:
            if r.collection == r.target == collection and r.owner is None and r.action == "null":
                conn.execute(update(spec.table).where(spec.table.c.id.in_(chunk)).values({r.column: None}))
    for chunk in _chunks(keys):
        conn.execute(delete(spec.table).where(spec.table.c.id.in_(chunk)))


@dataclass
class DeleteOutcome:
    deleted: dict[str, list[str]]  # collection -> uids removed
    changed: dict[str, list[str]]  # collection -> uids whose fields or lists changed
    deleted_keys: dict[str, list[int]] = dc_field(default_factory=dict)  # collection -> keys removed


def delete_record(conn: Connection, collection: str, key: int, cascade: bool) -> DeleteOutcome:
    """Delete a record; with ``cascade`` also clear what refers to it (see Referrer.action)."""
    outcome = DeleteOutcome(defaultdict(list), defaultdict(list), defaultdict(list))
    _delete(conn, collection, key, cascade, outcome)
    outcome.deleted = dict(outcome.deleted)
    outcome.deleted_keys = dict(outcome.deleted_keys)
    changed = {}
    for name, uids in outcome.changed.items():
        gone = set(outcome.deleted.get(name, []))
        kept = sorted(set(uids) - gone)
        if kept:
            changed[name] = kept
    outcome.changed = changed
    return outcome


def _delete(conn, collection, key, cascade, outcome) -> None:
    table = table_of(collection)
    uid = conn.execute(select(table.c.uid).where(table.c.id == key)).scalar_one_or_none()
    if uid is None:
        return
    if cascade:
        for r in REFERRERS:
            if r.target != collection:
                continue
            col = r.table.c[r.column]
            owners = [(pk, ouid) for pk, ouid in conn.execute(_owners_query(r, lambda c: c == key))
                      if not (r.collection == collection and pk == key)]
            if not owners:
                continue
            if r.action == "delete":
                for pk, _ in owners:
                    _delete(conn, r.collection, pk, True, outcome)
            elif r.action == "null":
                conn.execute(update(r.table).where(col == key).values({r.column: None}))
                outcome.changed[r.collection].extend(o for _, o in owners)
            else:
                conn.execute(delete(r.table).where(col == key))
                _renumber(conn, r.table, r.owner, [pk for pk, _ in owners])
                outcome.changed[r.collection].extend(o for _, o in owners)
    conn.execute(delete(table).where(table.c.id == key))
    outcome.deleted[collection].append(uid)
    outcome.deleted_keys[collection].append(key)


def _renumber(conn: Connection, table: Table, owner: str, owner_keys: list[int]) -> None:
    """Close the gaps a removed list entry leaves in ``ordinal``."""
    for okey in owner_keys:
        ids = [pk for (pk,) in conn.execute(
            select(table.c.id).where(table.c[owner] == okey).order_by(table.c.ordinal))]
        for ordinal, pk in enumerate(ids):
            conn.execute(update(table).where(table.c.id == pk).values(ordinal=-1 - ordinal))
        conn.execute(update(table).where(table.c[owner] == okey).values(ordinal=-1 - table.c.ordinal))


def count_records(conn: Connection) -> dict[str, int]:
    return {name: conn.execute(select(func.count()).select_from(table_of(name))).scalar_one()
            for name in COLLECTIONS}


def negotiation_of(conn: Connection, collection: str, uid: str) -> str | None:
    """The uid of the negotiation a topic or round belongs to."""
    if collection not in ("topics", "rounds"):
        return None
    table = table_of(collection)
    neg = t.negotiations
    q = select(neg.c.uid).join(table, table.c.negotiation_id == neg.c.id).where(table.c.uid == uid)
    return conn.execute(q).scalar_one_or_none()


def round_number_owner(conn: Connection, negotiation: str, number: int) -> str | None:
    rounds = t.rounds
    neg = t.negotiations
    q = (select(rounds.c.uid).join(neg, rounds.c.negotiation_id == neg.c.id)
         .where(neg.c.uid == negotiation, rounds.c.number == number))
    return conn.execute(q).scalar_one_or_none()


def round_number_owners(conn: Connection, negotiations: Iterable[str]) -> dict[tuple[str, int], str]:
    """``{(negotiation uid, number): round uid}`` of the numbered rounds of these negotiations."""
    rounds = t.rounds
    neg = t.negotiations
    owners = {}
    for chunk in _chunks(sorted(set(negotiations))):
        q = (select(neg.c.uid, rounds.c.number, rounds.c.uid).join(neg, rounds.c.negotiation_id == neg.c.id)
             .where(neg.c.uid.in_(chunk), rounds.c.number.is_not(None)))
        owners.update(((negotiation, number), uid) for negotiation, number, uid in conn.execute(q))
    return owners


def via_of(conn: Connection, uid: str) -> str | None:
    s = t.sources
    via = s.alias("via")
    q = select(via.c.uid).select_from(s.join(via, s.c.via_id == via.c.id)).where(s.c.uid == uid)
    return conn.execute(q).scalar_one_or_none()


def exists(conn: Connection, collection: str, uid: str) -> bool:
    table = table_of(collection)
    return conn.execute(select(table.c.id).where(table.c.uid == uid)).first() is not None



def choices(conn: Connection, collection: str, fields: Sequence[str]) -> list[tuple]:
    """``(uid, field, …)`` of every record, by the first field without case, then uid; a
    reference field gives the referred record's uid."""
    spec = SPECS[collection]
    table = spec.table
    query = select(table.c.uid)
    shown = []
    for name in fields:
        column = next(c for c in spec.columns if c.field == name)
        if column.ref:
            other = table_of(column.ref).alias(f"ref_{name}")
            query = query.outerjoin(other, table.c[column.column] == other.c.id)
            shown.append(other.c.uid)
        else:
            shown.append(table.c[column.column])
    query = query.add_columns(*shown).select_from(table).order_by(t.nocase(shown[0]), table.c.uid)
    return [tuple(row) for row in conn.execute(query)]


def find_keys(conn: Connection, collection: str, filters: dict[str, object] | None = None,
              order_by: tuple[str, ...] = ("uid",)) -> list[int]:
    """Keys of the records whose fields equal the given values (references by external id)."""
    return [pk for (pk,) in conn.execute(_find_query(collection, filters, order_by))]


def find_records(conn: Connection, collection: str, filters: dict[str, object] | None = None,
                 order_by: tuple[str, ...] = ("uid",), *, lists: bool = True) -> list:
    """The records ``find_keys`` names, in its order; many are read through its query, not key by key.
    ``lists`` as in ``read_records``."""
    query = _find_query(collection, filters, order_by)
    keys = [pk for (pk,) in conn.execute(query)]
    return read_records(conn, collection, keys, among=query.order_by(None) if len(keys) > _CHUNK else None,
                        lists=lists)


def _find_query(collection: str, filters: dict[str, object] | None, order_by: tuple[str, ...]) -> Select:
    spec = SPECS[collection]
    table = spec.table
    q = select(table.c.id)
    for field_name, value in (filters or {}).items():
        col = next(c for c in spec.columns if c.field == field_name)
        if col.ref and value is not None:
            ref = table_of(col.ref)
            q = q.where(table.c[col.column] == select(ref.c.id).where(ref.c.uid == value).scalar_subquery())
        elif value is None:
            q = q.where(table.c[col.column].is_(None))
        else:
            q = q.where(table.c[col.column] == value)
    return q.order_by(*(table.c[name] for name in order_by))


def keys_listing(conn: Connection, collection: str, child_field: str, uid: str,
                 order_by: tuple[str, ...] = ("uid",)) -> list[int]:
    """Keys of the records whose list ``child_field`` names the record ``uid``."""
    spec = SPECS[collection]
    child = next(c for c in spec.children if c.field == child_field)
    col = next(c for c in child.columns if c.ref)
    ref = table_of(col.ref)
    owner = child.table.c[child.owner]
    q = (
        select(spec.table.c.id)
        .where(spec.table.c.id.in_(
            select(owner).where(child.table.c[col.column] ==
                                select(ref.c.id).where(ref.c.uid == uid).scalar_subquery())))
        .order_by(*(spec.table.c[name] for name in order_by))
    )
    return [pk for (pk,) in conn.execute(q)]
