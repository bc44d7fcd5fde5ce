"""The history table: who changed which record, when, and how it read before and after.

The SQL of ``dossier.services.history``, the same on SQLite and PostgreSQL but for how a
committed change is announced to other sessions (``notify``: a ``pg_notify`` on the
server; nothing on SQLite, whose feed reads these rows instead), how import rows go
straight to the driver, what a new row's ``login`` is (``session_user`` on PostgreSQL, which
the server enforces, see migration 0010; the OS user on a file), and how a deleted record's
text is erased (``erase``: on PostgreSQL by the function ``dossier_erase``, so that a login
allowed only to add to the history can still delete a record).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import (
    ARRAY,
    BigInteger,
    ColumnElement,
    Connection,
    String,
    Text,
    bindparam,
    cast,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB

from dossier.config import os_user
from dossier.store import rows as store
from dossier.store import tables as t
from dossier.store.feeds import CHANNEL  # noqa: F401  (named here for the services)

history = t.history
_CHUNK = 500


def login(conn: Connection) -> ColumnElement:
    """What a new row's ``login`` is written as: on PostgreSQL the login itself, ``session_user``
    (which the server also enforces for every login that cannot act as the history's owner); the
    OS user on a workspace file."""
    if conn.dialect.name == "postgresql":
        return literal_column("session_user", Text)
    return literal(os_user(), Text)


def add(conn: Connection, rows: Sequence[dict]) -> None:
    """Write new history rows (dicts of its columns but ``login``, which is the writer's)."""
    if rows:
        conn.execute(insert(history).values(login=login(conn)), list(rows))


def add_many(conn: Connection, rows: Sequence[dict], chunk: int = 5000) -> None:
    """Rows copied from another workspace's history (dicts of its columns, ``login`` included),
    a chunk at a time. On PostgreSQL the server keeps their ``login`` (none for a row written
    before logins were recorded) only when the login copying them may act as the history's
    owner; otherwise each names the login copying it."""
    for i in range(0, len(rows), chunk):
        conn.execute(insert(history), rows[i:i + chunk])


def erase(conn: Connection, renamed: dict[str, dict[str, str]],
          changed: Sequence[tuple[int, str | None, str | None]]) -> None:
    """Erase deleted records from the history: give rows (id, before, after) of other records new
    recorded versions without them (``rewrite_versions``), then move the deleted records' own rows
    (collection -> id -> new name) under their new names without their text (``keep_under``).

    On PostgreSQL this is one call of ``dossier_erase`` (migration 0010), which runs as the
    history's owner and refuses anything else than that erasure."""
    if conn.dialect.name != "postgresql":
        rewrite_versions(conn, changed)
        keep_under(conn, renamed)
        return
    gone = [[name, uid, new] for name, names in renamed.items() for uid, new in names.items()]
    if not gone and not changed:
        return
    conn.execute(select(func.dossier_erase(
        cast(gone, JSONB),
        cast([key for key, _, _ in changed], ARRAY(BigInteger)),
        cast([before for _, before, _ in changed], ARRAY(Text)),
        cast([after for _, _, after in changed], ARRAY(Text)))))


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
    """Rows (id, collection, uid, before, after) of these collections that recorded a version;
    with ``containing``, only those whose recorded text holds one of these strings."""
    columns = (history.c.id, history.c.collection, history.c.uid, history.c.before, history.c.after)
    query = select(*columns).where(
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
                   literal(at, String), literal(who, String), literal(origin, String),
                   login(conn))
            .where(table.c.id.between(first, last)).order_by(table.c.id))
    columns = ["collection", "uid", "action", "at", "who", "origin", "login"]
    conn.execute(insert(history).from_select(columns, rows))


def add_imported(conn: Connection, rows: Sequence[tuple]) -> None:
    """``import`` rows given as (collection, uid, at, who, origin, before, after), straight to the driver."""
    if not rows:
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    postgres = conn.dialect.name == "postgresql"
    sql = (f"INSERT INTO {history.name} (collection, uid, action, at, who, origin, before, after, login) "
           f"VALUES ({mark}, {mark}, 'import', {mark}, {mark}, {mark}, {mark}, {mark}, "
           f"{'session_user' if postgres else mark})")
    conn.exec_driver_sql(sql, list(rows) if postgres else [(*row, os_user()) for row in rows])


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


def touched_since(conn: Connection, since: int, collections: Sequence[str]) -> bool:
    """Whether a history row newer than ``since`` changed one of these collections."""
    return conn.execute(select(history.c.id).where(history.c.id > since, history.c.collection.in_(collections))
                        .limit(1)).first() is not None


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
