"""Reading records: rows of a main table and its child tables turned into dataclasses, and
the questions asked of them (which exist, which refer to what, what a list offers)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence

from sqlalchemy import Connection, Select, func, select

from dossier.model.records import COLLECTIONS
from dossier.store import tables as t
from dossier.store.rows.keys import uids_for
from dossier.store.rows.mapping import _CHUNK, SPECS, Child, Column, Spec, _chunks, table_of


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


def find_records(conn: Connection, collection: str, filters: dict[str, object] | None = None,
                 order_by: tuple[str, ...] = ("uid",), *, lists: bool = True) -> list:
    """The records whose fields equal the given values (references by external id), in the order
    of ``order_by``; many are read through one query, not key by key. ``lists`` as in ``read_records``."""
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
