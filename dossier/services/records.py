"""Create, read, update and delete any record, with the interchange rules enforced.

Each call is one short transaction. Records go in and come out as the dataclasses of
``dossier.model``; problems raise ``ValidationError`` (every field named, as
``people[p-1].name: must not be blank``), ``NotFoundError`` or ``ReferencedError``.
The per-use-case modules (people, rounds, positions, …) build on these.

Every record has a version that each saved change raises by one, in the same transaction.
A save or delete given the ``expected_version`` the user started from is refused with
``StaleRecordError`` (naming who changed it since, and when) when the stored version
differs, so two analysts never overwrite each other silently. Every change is written to
the record's history (``dossier.services.history``). Every write goes through
``dossier.services.commit``, which keeps the search index, versions, history and the
change announcement in step with it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import Connection, select

from dossier.errors import (
    FieldError,
    NotFoundError,
    Reference,
    ReferencedError,
    StaleRecordError,
    ValidationError,
)
from dossier.model.records import COLLECTIONS, SINGULAR, Document, collection_of
from dossier.model.schema import cycle_error, validate_record, via_cycles
from dossier.model.text import is_valid_id, quote_user_text
from dossier.services import history
from dossier.services.commit import committing
from dossier.services.session import Workspace
from dossier.store import rows as store
from dossier.store.rows import DeleteOutcome, MissingReference


class _StoreResolver:
    """Answers validation's questions from the workspace."""

    def __init__(self, conn: Connection):
        self.conn = conn

    def exists(self, collection: str, record_id: str) -> bool:
        return store.exists(self.conn, collection, record_id)

    def negotiation_of(self, collection: str, record_id: str) -> str | None:
        return store.negotiation_of(self.conn, collection, record_id)


def _check(conn: Connection, collection: str, record, *, creating: bool) -> None:
    errors = validate_record(collection, record, _StoreResolver(conn))
    base = f"{collection}[{record.id}]" if is_valid_id(record.id) else f"{collection}[#0]"
    if is_valid_id(record.id):
        present = store.exists(conn, collection, record.id)
        if creating and present:
            errors.append(FieldError(f"{base}.id", f"a {SINGULAR[collection]} with id "
                                                   f"{quote_user_text(record.id)} already exists"))
        if not creating and not present:
            raise NotFoundError(collection, record.id)
    if collection == "rounds" and type(record.number) is int and isinstance(record.negotiation, str):
        owner = store.round_number_owner(conn, record.negotiation, record.number)
        if owner is not None and owner != record.id:
            errors.append(FieldError(f"{base}.number", f"round number {record.number} is already used by "
                                                       f"round {quote_user_text(owner)}"))
    if collection == "sources" and isinstance(record.via, str) and is_valid_id(record.via):
        chain: dict[str, str | None] = {record.id: record.via}
        node = record.via
        while node is not None and node not in chain:
            nxt = store.via_of(conn, node)
            chain[node] = nxt
            node = nxt
        loops = via_cycles(chain)
        if record.id in loops:
            errors.append(cycle_error(base, loops[record.id]))
    if errors:
        raise ValidationError(errors)


def problems(ws: Workspace, record, *, creating: bool) -> list[FieldError]:
    """Every rule ``record`` breaks, as ``create`` (``creating``) or ``update`` would find them,
    without writing anything: what a form checks a new record against before saving it."""
    collection = collection_of(record)
    with ws.db.read() as conn:
        try:
            _check(conn, collection, record, creating=creating)
        except ValidationError as exc:
            return list(exc.errors)
        except NotFoundError as exc:
            return [FieldError("", str(exc))]
    return []


def get(ws: Workspace, collection: str, record_id: str):
    with ws.db.read() as conn:
        return store.read_records(conn, collection, [_key(conn, collection, record_id)])[0]


def get_many(ws: Workspace, collection: str, record_ids: list[str]) -> list:
    with ws.db.read() as conn:
        keys = store.keys_for(conn, collection, [r for r in record_ids if is_valid_id(r)])
        return store.read_records(conn, collection, [keys[r] for r in record_ids if r in keys])


def list_all(ws: Workspace, collection: str) -> list:
    """Every record of a collection, sorted by id."""
    with ws.db.read() as conn:
        return store.read_records(conn, collection)


def choices(ws: Workspace, collection: str, *fields: str) -> list[tuple]:
    """``(id, field, …)`` of every record of a collection, ordered by the first field
    (case-insensitively) then id: what a drop-down offers, without reading whole records.
    A field that refers to another record gives that record's id."""
    with ws.db.read() as conn:
        return store.choices(conn, collection, fields)


def source_numbers(ws: Workspace, source_ids: Iterable[str] | None = None) -> dict[str, int]:
    """Source id -> the source's number in this workspace (shown as ``S12``): of every source,
    or of those with these ids that exist. Read without reading the sources themselves."""
    with ws.db.read() as conn:
        if source_ids is None:
            return store.numbers_of(conn, "sources")
        return store.numbers_of(conn, "sources", [i for i in source_ids if is_valid_id(i)])


def exists(ws: Workspace, collection: str, record_id: str) -> bool:
    with ws.db.read() as conn:
        return is_valid_id(record_id) and store.exists(conn, collection, record_id)


def get_versioned(ws: Workspace, collection: str, record_id: str) -> tuple[object, int]:
    """A record and its version, read together: pass the version back as ``expected_version``."""
    with ws.db.read() as conn:
        key = _key(conn, collection, record_id)
        return store.read_records(conn, collection, [key])[0], _version(conn, collection, key)


def version_of(ws: Workspace, collection: str, record_id: str) -> int | None:
    """The stored version of a record, None when there is no such record."""
    with ws.db.read() as conn:
        keys = store.keys_for(conn, collection, [record_id]) if is_valid_id(record_id) else {}
        return _version(conn, collection, keys[record_id]) if keys else None


def _key(conn: Connection, collection: str, record_id: str) -> int:
    keys = store.keys_for(conn, collection, [record_id]) if is_valid_id(record_id) else {}
    if not keys:
        raise NotFoundError(collection, record_id)
    return keys[record_id]


def _version(conn: Connection, collection: str, key: int) -> int:
    table = store.table_of(collection)
    return conn.execute(select(table.c.version).where(table.c.id == key)).scalar_one()


def _check_version(conn: Connection, collection: str, record_id: str, expected: int | None) -> None:
    """Refuse the change when the record is no longer at the version the user started from.

    The row is locked until the transaction ends (on PostgreSQL; an SQLite write
    transaction already excludes every other writer), so no one changes it in between. Without
    ``expected`` (a script's save) the row is locked all the same: a delete committed meanwhile
    makes the save fail as "not found", never resurrect the record or half-write it.
    """
    if expected is None:
        if is_valid_id(record_id):
            store.lock_keys(conn, collection, [record_id])
        return
    table = store.table_of(collection)
    row = conn.execute(select(table.c.id, table.c.version).where(table.c.uid == record_id)
                       .with_for_update()).first() if is_valid_id(record_id) else None
    if row is not None and row.version == expected:
        return
    current = store.read_records(conn, collection, [row.id])[0] if row is not None else None
    who, at = history.last_change(conn, collection, record_id)
    raise StaleRecordError(collection, record_id, current, row.version if row is not None else None, who, at)


class Saved(NamedTuple):
    """A record as saved, and the version it was saved at (pass it back as ``expected_version``)."""

    record: object
    version: int


def _write(ws: Workspace, record, *, creating: bool | None, expected_version: int | None = None,
           number: int | None = None) -> Saved:
    collection = collection_of(record)
    with committing(ws) as commit:
        conn = commit.conn
        _check_version(conn, collection, record.id, expected_version)
        if creating is None:
            creating = not (is_valid_id(record.id) and store.exists(conn, collection, record.id))
        _check(conn, collection, record, creating=creating)
        before = None
        if not creating:
            before = store.read_records(conn, collection, [_key(conn, collection, record.id)])[0]
        try:
            keys = store.write_records(conn, collection, [record],
                                       numbers={record.id: number} if number is not None else None)
        except MissingReference as exc:  # pragma: no cover - validation catches these first
            raise ValidationError([FieldError(collection, f"unknown {SINGULAR[exc.collection]} "
                                                          f"{quote_user_text(exc.uid)}")]) from None
        key = keys[record.id]
        saved = store.read_records(conn, collection, [key])[0]
        commit.saved(collection, key, saved, before=before, created=creating)
        commit.flush()
        version = commit.version(collection, key)
    return Saved(saved, version)


def create(ws: Workspace, record, *, number: int | None = None) -> Saved:
    """Add a new record (at version 1); its id must not exist yet. Returns it as saved, with
    its version.

    A source is given the next free number, or ``number`` when no source holds it (the
    number it had before its creation was undone)."""
    return _write(ws, record, creating=True, number=number)


def update(ws: Workspace, record, *, expected_version: int | None = None) -> Saved:
    """Replace an existing record (matched by id) with this one. Returns it as saved, with
    its new version.

    With ``expected_version``, refused with StaleRecordError unless the stored record is
    still at that version.
    """
    return _write(ws, record, creating=False, expected_version=expected_version)


def save(ws: Workspace, record, *, expected_version: int | None = None) -> Saved:
    """Create or replace (``expected_version`` as for ``update``)."""
    return _write(ws, record, creating=None, expected_version=expected_version)


def references(ws: Workspace, collection: str, record_id: str) -> list[Reference]:
    """Every record field that refers to this record."""
    with ws.db.read() as conn:
        return store.references_to(conn, collection, _key(conn, collection, record_id))


def delete(ws: Workspace, collection: str, record_id: str, *, cascade: bool = False,
           expected_version: int | None = None) -> DeleteOutcome:
    """Delete a record. Refused with the list of referrers unless ``cascade`` is set.

    A cascade deletes records that cannot exist without this one (a negotiation's
    topics, rounds, positions and events; the positions on a deleted topic or of a
    deleted party), removes list entries that name it (participants, agenda items,
    citations, event people, a negotiation's parties), and clears optional references
    (a position's person, a round's mediator, a source's via). Records a cascade changes
    get a new version. With ``expected_version``, refused with StaleRecordError unless
    the record is still at that version.
    """
    with committing(ws) as commit:
        conn = commit.conn
        _check_version(conn, collection, record_id, expected_version)
        key = _key(conn, collection, record_id)
        if not cascade:
            refs = store.references_to(conn, collection, key)
            if refs:
                raise ReferencedError(collection, record_id, refs)
        outcome = store.delete_record(conn, collection, key, cascade)
        for name, keys in outcome.deleted_keys.items():
            commit.deleted(name, keys, outcome.deleted.get(name, ()))
        for name, uids in outcome.changed.items():  # list entries or references a cascade removed
            keys = store.keys_for(conn, name, uids)
            for changed in store.read_records(conn, name, list(keys.values())):
                commit.saved(name, keys[changed.id], changed, created=False)
    return outcome


_SLUG_DROP = re.compile(r"[^a-z0-9]+")


def new_id(ws: Workspace, collection: str, hint: str) -> str:
    """A fresh id for a new record, readable where the hint allows (``yechiel-leiter``)."""
    ascii_hint = unicodedata.normalize("NFKD", hint).encode("ascii", "ignore").decode().lower()
    slug = _SLUG_DROP.sub("-", ascii_hint).strip("-")[:48] or SINGULAR[collection]
    with ws.db.read() as conn:
        candidate, n = slug, 1
        while store.exists(conn, collection, candidate):
            n += 1
            candidate = f"{slug}-{n}"
        return candidate



def find(ws: Workspace, collection: str, filters: dict[str, object] | None = None,
         order_by: tuple[str, ...] = ("uid",), *, lists: bool = True) -> list:
    """Records whose fields equal the given values, e.g. ``{"negotiation": "il-sy", "kind": "demand"}``.
    Without ``lists`` their lists are left empty (for views that show none of them)."""
    with ws.db.read() as conn:
        return store.find_records(conn, collection, filters, order_by, lists=lists)


def listing(ws: Workspace, collection: str, list_field: str, record_id: str,
            order_by: tuple[str, ...] = ("uid",)) -> list:
    """Records whose list ``list_field`` names ``record_id`` (rounds a person took part in, …)."""
    with ws.db.read() as conn:
        return store.read_records(conn, collection, store.keys_listing(conn, collection, list_field, record_id,
                                                                       order_by))


class _Rollback(Exception):
    pass


def delete_preview(ws: Workspace, collection: str, record_id: str) -> tuple[DeleteOutcome, Document]:
    """What a cascading delete would do, and every record it touches as it is now.

    Nothing is changed. Restoring the returned document with
    ``interchange.import_document`` undoes the delete (the GUI's undo does that); the
    document holds the numbers of its sources, so a deleted source comes back with its own.
    """
    outcome: DeleteOutcome | None = None
    try:
        with ws.db.write() as conn:
            keys = store.keys_for(conn, collection, [record_id]) if is_valid_id(record_id) else {}
            if not keys:
                raise NotFoundError(collection, record_id)
            outcome = store.delete_record(conn, collection, keys[record_id], True)
            raise _Rollback
    except _Rollback:
        pass
    assert outcome is not None
    doc = Document()
    with ws.db.read() as conn:
        for name in COLLECTIONS:
            uids = list(outcome.deleted.get(name, [])) + list(outcome.changed.get(name, []))
            if uids:
                keys = store.keys_for(conn, name, uids)
                doc.collection(name).extend(store.read_records(conn, name, list(keys.values())))
        if doc.sources:
            doc.source_numbers = store.numbers_of(conn, "sources", [s.id for s in doc.sources])
    return outcome, doc
