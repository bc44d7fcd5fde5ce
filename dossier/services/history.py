"""Who changed what, and when: the history of every record, on SQLite and PostgreSQL alike.

Every save and delete writes one row per record it touched, in the same transaction as
the change: the collection, the record's id, the action (``create``, ``update``,
``delete``, ``import``), the time (UTC), who (the analyst's name, as declared: see
``dossier.config.analyst_name``; else the database user on PostgreSQL, the OS user on
SQLite), the login that wrote it (on PostgreSQL the database login, set by the server
whatever the writer says; on SQLite the OS user), and the record before and after as
interchange JSON. Imports stay fast: a record
an import adds, or replaces with the same content, gets one ``import`` row without the
JSON; a record it changes keeps, like an update, what it was before and what the import
made it.

Deleted means gone: deleting a record keeps who changed it and when, but erases its text and
its id from its history (its rows are kept under a random name such as
``deleted-3f9c0a7be21d4e58``, never made from its id or content), and from the history of
every other record: a list entry naming it (a participant, a citation with its quote, an
agenda item, a person of an event, a party of a negotiation) is taken out of their recorded
versions, as the cascade took it out of the record itself, and a field naming it holds the
random name instead (see ``erase``).

The same transaction also announces the change to other sessions, delivered when (and only
if) it commits; see ``dossier.services.live``. The table's SQL is ``dossier.store.history``.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Connection

from dossier.model.records import COLLECTIONS
from dossier.model.schema import FIELDS, ListOf, Obj, Ref
from dossier.services.session import Workspace
from dossier.store import history as rows
from dossier.store.database import Database

history = rows.history
CHANNEL = rows.CHANNEL
#: More changed records than this in one transaction are announced as one "everything" notice.
_NOTIFY_EACH_UP_TO = 200


@dataclass(frozen=True)
class HistoryEntry:
    at: str  # UTC, ISO 8601: 2026-01-31T09:15:00.123456Z
    who: str
    action: str  # "create", "update", "delete" or "import"
    # The record before and after the change; None before a creation and after a deletion, on
    # both sides for an import that added the record or left it as it was, and for a deleted record.
    before: object | None
    after: object | None
    #: The account that wrote the entry, beside ``who`` (the analyst's name as declared): the
    #: database login on PostgreSQL (set by the server), the OS user on a workspace file; None for
    #: an entry written before Dossier recorded it.
    login: str | None = None


@dataclass(frozen=True)
class Edit:
    """One record's change within a transaction, to be written to the history."""

    collection: str
    uid: str
    action: str
    before: object | None = None
    after: object | None = None


def now_utc() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def record_json(collection: str, record: object | None) -> str | None:
    if record is None:
        return None
    from dossier.services.interchange.codec import record_to_json

    return json.dumps(record_to_json(collection, record), ensure_ascii=False)


def record_from_json(collection: str, data: str | None) -> object | None:
    if data is None:
        return None
    from dossier.services.interchange.codec import _build

    return _build(COLLECTIONS[collection], FIELDS[collection], json.loads(data), collection, [])


def _writer(conn: Connection) -> tuple[str, str | None]:
    options = conn.get_execution_options()
    return options.get(Database.WHO_OPTION) or "unknown", options.get(Database.ORIGIN_OPTION)


def write(conn: Connection, edits: Sequence[Edit]) -> None:
    """Add history rows for these edits and announce them to other sessions (on commit).

    A deleted record's id and text leave the history (``erase``); its ``delete`` row is
    written under the same random name as its earlier rows."""
    if not edits:
        return
    who, origin = _writer(conn)
    at = now_utc()
    gone: dict[str, dict[str, str]] = {}
    for e in edits:
        if e.action == "delete":
            gone.setdefault(e.collection, {})[e.uid] = placeholder()
    if gone:
        erase(conn, gone)
    rows.add(conn, [
        {"collection": e.collection, "uid": gone[e.collection][e.uid] if e.action == "delete" else e.uid,
         "action": e.action, "at": at, "who": who,
         "before": None if e.action == "delete" else record_json(e.collection, e.before),
         "after": None if e.action == "delete" else record_json(e.collection, e.after),
         "origin": origin}
        for e in edits
    ])
    if len(edits) > _NOTIFY_EACH_UP_TO:
        notify(conn, [(None, None, "import")])
    else:
        notify(conn, [(e.collection, e.uid, e.action) for e in edits])


def placeholder() -> str:
    """The name a deleted record's history rows are kept under: random, so that nothing of the
    record (its id is often made from a name) can be read back from it."""
    return f"deleted-{secrets.token_hex(8)}"


#: Up to this many deleted ids, the rows that may name one are found by their text in SQL;
#: beyond it, every row with recorded versions of a referring collection is read.
_FIND_BY_TEXT_UP_TO = 40


def erase(conn: Connection, gone: dict[str, dict[str, str]]) -> None:
    """Take deleted records out of the history: ``gone`` maps each collection to the ids of its
    deleted records and the random name each is kept under from now on.

    Their own rows keep who and when, under that name, without the record's text. In every other
    row, a recorded version of a record that named one of them loses the list entries naming it
    (a participant and its role, a citation and its quote, an agenda item, a person of an event,
    a party of a negotiation), and a field naming it holds the random name instead."""
    referring = [c for c in COLLECTIONS if any(_refers_to(kind, gone) for kind in FIELDS[c].values())]
    changed = []
    if referring:
        quoted = [f'"{uid}"' for names in gone.values() for uid in names]
        found = rows.versions_of(conn, referring, quoted if len(quoted) <= _FIND_BY_TEXT_UP_TO else None)
        for row in found:
            if row.uid in gone.get(row.collection, ()):
                continue  # a deleted record's own row: it loses its text altogether
            before = _scrubbed(row.collection, row.before, gone)
            after = _scrubbed(row.collection, row.after, gone)
            if before != row.before or after != row.after:
                changed.append((row.id, before, after))
    rows.erase(conn, gone, changed)


def _refers_to(kind: object, gone: dict[str, dict[str, str]]) -> bool:
    if isinstance(kind, Ref):
        return kind.collection in gone
    if isinstance(kind, ListOf):
        return _refers_to(kind.item, gone)
    if isinstance(kind, Obj):
        return any(_refers_to(k, gone) for k in kind.fields.values())
    return False


def _scrubbed(collection: str, data: str | None, gone: dict[str, dict[str, str]]) -> str | None:
    """A recorded version (interchange JSON) without the deleted records it named."""
    if data is None:
        return None
    value = json.loads(data)
    if not isinstance(value, dict):
        return data
    changed = False
    for name, kind in FIELDS[collection].items():
        if name in value:
            new = _without(kind, value[name], gone, top=True)
            if new is not _SAME:
                value[name] = new
                changed = True
    return json.dumps(value, ensure_ascii=False) if changed else data


_SAME = object()
_DROP = object()


def _without(kind: object, value: object, gone: dict[str, dict[str, str]], *, top: bool = False) -> object:
    """``value`` of field ``kind`` with the deleted records it names taken out: ``_SAME`` when it
    names none, ``_DROP`` for a list entry that is about one of them."""
    if isinstance(kind, Ref):
        names = gone.get(kind.collection)
        if names and isinstance(value, str) and value in names:
            return names[value] if top or kind.nullable else _DROP
        return _SAME
    if isinstance(kind, ListOf) and isinstance(value, list):
        items, changed = [], False
        for item in value:
            new = _without(kind.item, item, gone)
            if new is _DROP:
                changed = True
            elif new is _SAME:
                items.append(item)
            else:
                items.append(new)
                changed = True
        return items if changed else _SAME
    if isinstance(kind, Obj) and isinstance(value, dict):
        entry, changed = dict(value), False
        for name, sub in kind.fields.items():
            if name in entry:
                new = _without(sub, entry[name], gone)
                if new is _DROP:
                    return _DROP  # the entry is about a deleted record: it goes, with its text
                if new is not _SAME:
                    entry[name] = new
                    changed = True
        return entry if changed else _SAME
    return _SAME


def notify(conn: Connection, changes: list[tuple[str | None, str | None, str]]) -> None:
    """Tell every listening session what this transaction changed once it commits (on PostgreSQL;
    an SQLite workspace's feed reads the history rows instead)."""
    if not changes:
        return
    _, origin = _writer(conn)
    rows.notify(conn, origin, changes)


def bump_versions(conn: Connection, collection: str, keys: Sequence[int]) -> None:
    """Raise the version of these records by one (they were just changed)."""
    rows.bump_versions(conn, collection, keys)


def imported(conn: Connection, collection: str, records: Sequence, replaced: dict[str, int],
             keys: dict[str, int], before: Sequence = ()) -> None:
    """After an import wrote ``records`` (``keys``: uid -> key of each; ``replaced``: uid -> key of
    those that existed before, ``before``: those records as they were): raise the replaced records'
    versions and write one ``import`` row per record, with the record before and after for one
    it changed."""
    if not records:
        return
    bump_versions(conn, collection, list(replaced.values()))
    who, origin = _writer(conn)
    at = now_utc()
    rest = records  # rows written from here, one a record
    added = [keys[r.id] for r in records if r.id not in replaced]
    if len(added) > 1 and max(added) - min(added) == len(added) - 1 and len(set(added)) == len(added):
        # The new records' keys fill a block that holds nothing else: one statement copies their ids.
        rows.add_imported_block(conn, collection, min(added), max(added), at, who, origin)
        rest = [r for r in records if r.id in replaced]
    if rest:
        was = {r.id: r for r in before}
        written = []
        for r in rest:
            old = was.get(r.id)
            changed = old is not None and old != r  # a record imported as it was needs no text
            written.append((collection, r.id, at, who, origin, record_json(collection, old) if changed else None,
                            record_json(collection, r) if changed else None))
        rows.add_imported(conn, written)
    notify(conn, [(collection, None, "import")])


def last_change(conn: Connection, collection: str, uid: str) -> tuple[str | None, str | None]:
    """(who, at) of the latest history row of a record, or (None, None)."""
    return rows.last_change(conn, collection, uid)


def _entry(collection: str, row) -> HistoryEntry:
    return HistoryEntry(row.at, row.who, row.action, record_from_json(collection, row.before),
                        record_from_json(collection, row.after), row.login)


def for_record(ws: Workspace, collection: str, record_id: str) -> list[HistoryEntry]:
    """Every recorded change of one record, newest first. A deleted record has none: its rows are
    kept under a random name (see ``erase``)."""
    if collection not in COLLECTIONS:
        raise KeyError(f"no collection {collection!r}")
    with ws.db.read() as conn:
        found = rows.rows_of(conn, collection, record_id)
    return [_entry(collection, r) for r in found]


def count(ws: Workspace) -> int:
    with ws.db.read() as conn:
        return rows.count(conn)
