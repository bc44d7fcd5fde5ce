"""The history table: who changed which record, when, and how it read before and after.

The SQL of ``dossier.services.history``, the same on SQLite and PostgreSQL but for how a
committed change is announced to other sessions (``notify``: a ``pg_notify`` on the
server; nothing on SQLite, whose feed reads these rows instead) and how import rows go
straight to the driver.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import Connection, String, bindparam, func, insert, literal, or_, select, update

from dossier.store import rows as store
from dossier.store import tables as t
from dossier.store.feeds import CHANNEL  # noqa: F401  (named here for the services)

history = t.history
_CHUNK = 500


def add(conn: Connection, rows: Sequence[dict]) -> None:
    """Write history rows (dicts of its columns)."""
    if rows:
        conn.execute(insert(history), list(rows))


def add_many(conn: Connection, rows: Sequence[dict], chunk: int = 5000) -> None:
    """``add`` for very many rows (a whole workspace's history), a chunk at a time."""
    for i in range(0, len(rows), chunk):
        conn.execute(insert(history), rows[i:i + chunk])


def keep_under(conn: Connection, renamed: dict[str, dict[str, str]]) -> None:
    """Move the rows of records (collection -> id -> new name) under their new names, without
    the records' text."""
    for name, names in renamed.items():
        params = [{"_c": name, "_u": uid, "_n": new} for uid, new in names.items()]
        for i in range(0, len(params), _CHUNK):
            conn.execute(update(history).where(history.c.collection == bindparam("_c"),
                                               history.c.uid == bindparam("_u"))
                         .values(uid=bindparam("_n"), before=None, after=None), params[i:i + _CHUNK])


def versions_of(conn: Connection, collections: Sequence[str], containing: Sequence[str] | None = None) -> list:
    """Rows (id, collection, before, after) of these collections that recorded a version; with
    ``containing``, only those whose recorded text holds one of these strings."""
    query = select(history.c.id, history.c.collection, history.c.before, history.c.after).where(
        history.c.collection.in_(collections), or_(history.c.before.is_not(None), history.c.after.is_not(None)))
    if containing is not None:
        query = query.where(or_(*(column.contains(q, autoescape=True)
                                  for q in containing for column in (history.c.before, history.c.after))))
    return conn.execute(query).all()


def rewrite_versions(conn: Connection, changed: Sequence[tuple[int, str | None, str | None]]) -> None:
    """Give rows (id, before, after) new recorded versions."""
    params = [{"_id": key, "_b": before, "_a": after} for key, before, after in changed]
    for i in range(0, len(params), _CHUNK):
        conn.execute(update(history).where(history.c.id == bindparam("_id"))
                     .values(before=bindparam("_b"), after=bindparam("_a")), params[i:i + _CHUNK])


def bump_versions(conn: Connection, collection: str, keys: Sequence[int]) -> None:
    """Raise the version of these records by one (they were just changed)."""
    table = store.table_of(collection)
    for i in range(0, len(keys), _CHUNK):
        conn.execute(update(table).where(table.c.id.in_(keys[i:i + _CHUNK])).values(version=table.c.version + 1))


def add_imported_block(conn: Connection, collection: str, first: int, last: int, at: str, who: str,
                       origin: str | None) -> None:
    """One ``import`` row (without text) for each record of ``collection`` whose key is between
    ``first`` and ``last``, in one statement that copies their ids."""
    table = store.table_of(collection)
    rows = (select(literal(collection, String), table.c.uid, literal("import", String),
                   literal(at, String), literal(who, String), literal(origin, String))
            .where(table.c.id.between(first, last)).order_by(table.c.id))
    columns = ["collection", "uid", "action", "at", "who", "origin"]
    conn.execute(insert(history).from_select(columns, rows))


def add_imported(conn: Connection, rows: Sequence[tuple]) -> None:
    """``import`` rows given as (collection, uid, at, who, origin, before, after), straight to the driver."""
    if not rows:
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO {history.name} (collection, uid, action, at, who, origin, before, after) "
           f"VALUES ({mark}, {mark}, 'import', {mark}, {mark}, {mark}, {mark}, {mark})")
    conn.exec_driver_sql(sql, list(rows))


def last_change(conn: Connection, collection: str, uid: str) -> tuple[str | None, str | None]:
    """(who, at) of the latest history row of a record, or (None, None)."""
    row = conn.execute(
        select(history.c.who, history.c.at)
        .where(history.c.collection == collection, history.c.uid == uid)
        .order_by(history.c.id.desc()).limit(1)
    ).first()
    return (row[0], row[1]) if row else (None, None)


def rows_of(conn: Connection, collection: str, uid: str) -> list:
    """Every history row of one record, newest first."""
    return conn.execute(
        select(history).where(history.c.collection == collection, history.c.uid == uid)
        .order_by(history.c.id.desc())
    ).all()


def count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(history)).scalar_one()


def latest_id(conn: Connection) -> int:
    """The id of the newest history row; 0 when there is none."""
    return conn.execute(select(func.max(history.c.id))).scalar_one() or 0


def all_rows(conn: Connection, columns: Sequence[str]) -> list[dict]:
    """Every history row, oldest first, as dicts of these columns."""
    return [dict(r) for r in conn.execute(
        select(*(history.c[c] for c in columns)).order_by(history.c.id)).mappings()]


def notify(conn: Connection, origin: str | None, changes: Sequence[tuple[str | None, str | None, str]]) -> None:
    """Tell every session listening to this workspace what this transaction changed, once it
    commits: on PostgreSQL a notice each; on SQLite nothing (its feed reads the history rows)."""
    if not changes or conn.dialect.name != "postgresql":
        return
    from dossier.store.postgres.feed import announce

    # The newest history row this session wrote in this transaction vouches for the notice: a
    # feed acts only on notices whose row it can find (see ``PostgresChangeFeed``), so anyone who
    # merely can connect cannot make every open window reload by notifying the channel.
    # newest first by the primary key: the rows this transaction just wrote are at its end
    row = conn.execute(select(history.c.id).where(history.c.origin == origin)
                       .order_by(history.c.id.desc()).limit(1)).scalar() if origin is not None else None
    announce(conn, [json.dumps({"origin": origin, "collection": c, "id": i, "action": a, "row": row})
                    for c, i, a in changes])
