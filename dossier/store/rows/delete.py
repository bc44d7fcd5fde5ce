"""What refers to a record, and deleting records: refused, or cascading to what cannot exist
without them (see ``Referrer.action``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field

from sqlalchemy import Connection, Table, delete, select, update

from dossier.errors import Reference
from dossier.store.rows.mapping import SPECS, _chunks, table_of


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

