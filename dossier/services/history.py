"""Who changed what, and when: the history of every record, on SQLite and PostgreSQL alike.

Every save and delete writes one row per record it touched, in the same transaction as
the change: the collection, the record's id, the action (``create``, ``update``,
``delete``, ``import``), the time (UTC), who (the analyst's name, see
``dossier.config.analyst_name``; else the database user on PostgreSQL, the OS user on
SQLite), and the record before and after as interchange JSON. Imports stay fast: a record
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

On PostgreSQL the same transaction also sends a notification on the ``dossier_changes``
channel, delivered to listeners when (and only if) it commits; see
``dossier.services.live``.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Connection, String, bindparam, func, insert, literal, or_, select, text, update

from dossier.model.records import COLLECTIONS
from dossier.model.schema import FIELDS, ListOf, Obj, Ref
from dossier.services.workspace import Workspace
from dossier.store import records as store
from dossier.store import tables as t
from dossier.store.database import Database

history = t.history
CHANNEL = "dossier_changes"
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
    from dossier.services.interchange import record_to_json

    return json.dumps(record_to_json(collection, record), ensure_ascii=False)


def record_from_json(collection: str, data: str | None) -> object | None:
    if data is None:
        return None
    from dossier.services.interchange import _build

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
    conn.execute(insert(history), [
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
    for name, names in gone.items():
        params = [{"_c": name, "_u": uid, "_n": new} for uid, new in names.items()]
        for i in range(0, len(params), 500):
            conn.execute(update(history).where(history.c.collection == bindparam("_c"),
                                               history.c.uid == bindparam("_u"))
                         .values(uid=bindparam("_n"), before=None, after=None), params[i:i + 500])
    referring = [c for c in COLLECTIONS if any(_refers_to(kind, gone) for kind in FIELDS[c].values())]
    if not referring:
        return
    query = select(history.c.id, history.c.collection, history.c.before, history.c.after).where(
        history.c.collection.in_(referring), or_(history.c.before.is_not(None), history.c.after.is_not(None)))
    quoted = [f'"{uid}"' for names in gone.values() for uid in names]
    if len(quoted) <= _FIND_BY_TEXT_UP_TO:
        query = query.where(or_(*(column.contains(q, autoescape=True)
                                  for q in quoted for column in (history.c.before, history.c.after))))
    changed = []
    for row in conn.execute(query).all():
        before, after = _scrubbed(row.collection, row.before, gone), _scrubbed(row.collection, row.after, gone)
        if before != row.before or after != row.after:
            changed.append({"_id": row.id, "_b": before, "_a": after})
    for i in range(0, len(changed), 500):
        conn.execute(update(history).where(history.c.id == bindparam("_id"))
                     .values(before=bindparam("_b"), after=bindparam("_a")), changed[i:i + 500])


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
    """On PostgreSQL, tell every listening session what this transaction changed once it commits."""
    if conn.dialect.name != "postgresql" or not changes:
        return
    _, origin = _writer(conn)
    conn.execute(text("SELECT pg_notify(:channel, :payload)"), [
        {"channel": CHANNEL, "payload": json.dumps({"origin": origin, "collection": c, "id": i, "action": a})}
        for c, i, a in changes
    ])


def bump_versions(conn: Connection, collection: str, keys: Sequence[int]) -> None:
    """Raise the version of these records by one (they were just changed)."""
    table = store.table_of(collection)
    for i in range(0, len(keys), 500):
        conn.execute(update(table).where(table.c.id.in_(keys[i:i + 500])).values(version=table.c.version + 1))


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
        table = store.table_of(collection)
        rows = (select(literal(collection, String), table.c.uid, literal("import", String),
                       literal(at, String), literal(who, String), literal(origin, String))
                .where(table.c.id.between(min(added), max(added))).order_by(table.c.id))
        columns = ["collection", "uid", "action", "at", "who", "origin"]
        conn.execute(insert(history).from_select(columns, rows))
        rest = [r for r in records if r.id in replaced]
    if rest:
        was = {r.id: r for r in before}
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        sql = (f"INSERT INTO history (collection, uid, action, at, who, origin, before, after) "  # straight to the driver
               f"VALUES ({mark}, {mark}, 'import', {mark}, {mark}, {mark}, {mark}, {mark})")
        rows = []
        for r in rest:
            old = was.get(r.id)
            changed = old is not None and old != r  # a record imported as it was needs no text
            rows.append((collection, r.id, at, who, origin, record_json(collection, old) if changed else None,
                         record_json(collection, r) if changed else None))
        conn.exec_driver_sql(sql, rows)
    notify(conn, [(collection, None, "import")])


def last_change(conn: Connection, collection: str, uid: str) -> tuple[str | None, str | None]:
    """(who, at) of the latest history row of a record, or (None, None)."""
    row = conn.execute(
        select(history.c.who, history.c.at)
        .where(history.c.collection == collection, history.c.uid == uid)
        .order_by(history.c.id.desc()).limit(1)
    ).first()
    return (row[0], row[1]) if row else (None, None)


def _entry(collection: str, row) -> HistoryEntry:
    return HistoryEntry(row.at, row.who, row.action, record_from_json(collection, row.before),
                        record_from_json(collection, row.after))


def for_record(ws: Workspace, collection: str, record_id: str) -> list[HistoryEntry]:
    """Every recorded change of one record, newest first. A deleted record has none: its rows are
    kept under a random name (see ``erase``)."""
    if collection not in COLLECTIONS:
        raise KeyError(f"no collection {collection!r}")
    with ws.db.read() as conn:
        rows = conn.execute(
            select(history).where(history.c.collection == collection, history.c.uid == record_id)
            .order_by(history.c.id.desc())
        ).all()
    return [_entry(collection, r) for r in rows]


def count(ws: Workspace) -> int:
    with ws.db.read() as conn:
        return conn.execute(select(func.count()).select_from(history)).scalar_one()
