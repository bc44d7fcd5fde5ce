"""Between external ids and integer keys, and the numbers some records carry (``S12``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import Connection, func, select, update

from dossier.model.records import COLLECTIONS
from dossier.store import tables as t
from dossier.store.rows.mapping import _chunks, table_of


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


def lock_keys(conn: Connection, collection: str, uids: Iterable[str], *, share: bool = False) -> dict[str, int]:
    """``keys_for``, the rows locked until the transaction ends: for update (records about to be
    replaced or deleted), or with ``share`` against being deleted (records about to be referred
    to). A row deleted by a transaction that commits meanwhile is waited for and left out, so a
    write never acts on a record that is gone. On SQLite a write transaction already excludes
    every other writer: the keys are only read."""
    if conn.dialect.name == "sqlite":
        return keys_for(conn, collection, uids)
    table = table_of(collection)
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(set(uids))):
        query = select(table.c.uid, table.c.id).where(table.c.uid.in_(chunk))
        found.update(conn.execute(query.with_for_update(read=share, key_share=share)).all())
    return found


def versions_for(conn: Connection, collection: str, uids: Iterable[str]) -> dict[str, int]:
    """The version of each record with these external ids (missing ones are left out)."""
    return _lookup(conn, collection, "uid", "version", uids)


def version_of(conn: Connection, collection: str, key: int) -> int:
    """The version of the record stored under ``key``."""
    table = table_of(collection)
    return conn.execute(select(table.c.version).where(table.c.id == key)).scalar_one()


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

