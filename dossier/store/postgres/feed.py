"""Others' changes to a team workspace, as they commit: every saving transaction notifies on
``CHANNEL`` (delivered when, and only if, it commits), and a feed LISTENs there.

The listening connection is the feed's own and may be lost (the server restarted, the
backend was terminated, the network went away). The feed notices within seconds: the
server's goodbye ends the wait for a notification at once, and after ``CHECK_AFTER``
quiet seconds a ``SELECT 1`` asks whether the server still answers (TCP keepalives and a
user timeout bound how long a silent network can hold that question). While the
connection is lost every ``take`` raises ``WorkspaceError``; the feed connects again,
``RETRY_FIRST`` seconds after the loss and then twice as long after each failed attempt
(at most ``RETRY_MOST``), LISTENs again, and its next ``take`` gives the notice
"everything may have changed" (collection and id None), since whatever was committed
meanwhile was announced to nobody.

A notice is acted on only when it comes from a Dossier writer: it names the newest history
row its transaction wrote (``row``, with the writer's ``origin``), and the feed looks that
row up. A notice whose row does not exist, belongs to another writer, is older than
``NOTICE_FRESH`` or was acted on already (a replay) is ignored: a login that can connect but
not write the history cannot make every open window reload.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Sequence

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from dossier.errors import WorkspaceError
from dossier.store.feeds import CHANNEL, Notice

#: Quiet seconds after which the feed asks the server whether its connection still answers.
CHECK_AFTER = 3.0
#: Seconds from a lost connection to the first attempt to connect again; doubled after each
#: failed attempt, up to ``RETRY_MOST``.
RETRY_FIRST = 0.5
RETRY_MOST = 30.0
#: How recent (seconds) the history row vouching for a notice must be.
NOTICE_FRESH = 600
#: How many vouching rows the feed remembers, to ignore a notice replayed.
_SEEN_KEPT = 10_000
#: Seconds an attempt to connect again waits for the server (the workspace's own reads wait longer).
CONNECT_TIMEOUT = 5
#: libpq settings of the listening connection, so a silent network is noticed within seconds:
#: keepalive probes after 5 idle seconds, and unanswered data gives up after 10.
_ALIVE = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 3,
          "tcp_user_timeout": 10_000}


def announce(conn: Connection, payloads: Sequence[str]) -> None:
    """Notify ``CHANNEL`` of each payload when this transaction commits."""
    conn.execute(text("SELECT pg_notify(:channel, :payload)"),
                 [{"channel": CHANNEL, "payload": payload} for payload in payloads])


def _reason(exc: BaseException) -> str:
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


class PostgresChangeFeed:
    """LISTENs on ``CHANNEL`` from a connection of its own, outside the engine's pool, and
    connects again when that connection is lost."""

    def __init__(self, engine: Engine, origin: str, location: str):
        import psycopg

        self._origin = origin
        self._location = location
        self._conn = None
        self._retry_in = RETRY_FIRST  # seconds from the next failed attempt to the one after
        self._next_attempt = 0.0  # time.monotonic() of the next attempt to connect again
        self._missed = False  # connected again: the next take says everything may have changed
        self._closed = False
        self._why = ""  # why the connection is lost, while it is
        self._heard = time.monotonic()  # when the server last answered
        self._seen: set[tuple[str, int]] = set()  # (origin, history row) of the notices acted on
        try:
            # the engine's own connection settings (address, user, password, libpq options)
            raw = engine.raw_connection()
            try:
                info = raw.driver_connection.info
                self._dsn, self._password = info.dsn, info.password
            finally:
                raw.close()
            self._conn = self._connect(psycopg)
        except (psycopg.Error, DBAPIError) as exc:
            raise WorkspaceError(f"cannot follow changes to {self._location}: {_reason(exc)}") from None

    def _connect(self, psycopg):
        params = {**_ALIVE} if psycopg.pq.version() >= 120000 else {
            k: v for k, v in _ALIVE.items() if k != "tcp_user_timeout"}
        conn = psycopg.connect(self._dsn, password=self._password or None, autocommit=True,
                               connect_timeout=CONNECT_TIMEOUT, **params)
        try:
            conn.execute(f"LISTEN {CHANNEL}")
        except BaseException:
            with contextlib.suppress(Exception):
                conn.close()
            raise
        self._heard = time.monotonic()
        return conn

    @property
    def connected(self) -> bool:
        """Whether the feed listens now (False from a lost connection until it is back)."""
        return self._conn is not None

    def take(self, wait: float) -> list[Notice]:
        """Others' changes; waits up to ``wait`` seconds for the first to arrive.

        Raises WorkspaceError while the connection is lost and could not be made again.
        """
        import psycopg

        if self._closed:
            return []
        if self._conn is None:
            self._reconnect(psycopg, wait)
        if self._missed:
            self._missed = False
            return [(None, None, "reconnect")]
        try:
            found = list(self._conn.notifies(timeout=max(wait, 0.0), stop_after=1))
            if found:  # take whatever else has arrived with it
                found.extend(self._conn.notifies(timeout=0.05))
                self._heard = time.monotonic()
            elif time.monotonic() - self._heard >= CHECK_AFTER:
                self._conn.execute("SELECT 1")  # a notification meanwhile waits for the next take
                self._heard = time.monotonic()
            if self._conn.broken or self._conn.closed:
                raise psycopg.OperationalError("the connection was closed")
        except psycopg.Error as exc:
            self._lose(f"lost the connection to {self._location}, so others' changes "
                       f"no longer arrive: {_reason(exc)}")
            raise WorkspaceError(self._why) from None
        notices = []
        for note in found:
            try:
                data = json.loads(note.payload)
            except ValueError:
                continue
            if isinstance(data, dict) and data.get("origin") != self._origin:
                notices.append(data)
        vouched = self._vouched(notices)
        return [(data.get("collection"), data.get("id"), data.get("action", "update"))
                for data in notices if (data.get("origin"), data.get("row")) in vouched]

    def _vouched(self, notices: list[dict]) -> set[tuple[str, int]]:
        """The (origin, row) pairs of these notices that a history row written recently by that
        origin, and not acted on before, vouches for."""
        import datetime

        asked = {(n.get("origin"), n.get("row")) for n in notices}
        asked = {(o, r) for o, r in asked if isinstance(o, str) and type(r) is int and (o, r) not in self._seen}
        if not asked:
            return set()
        since = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=NOTICE_FRESH)) \
            .strftime("%Y-%m-%dT%H:%M:%S")
        try:
            rows = self._conn.execute("SELECT id, origin FROM history WHERE id = ANY(%s) AND at >= %s",
                                      ([r for _o, r in asked], since)).fetchall()
        except Exception:  # noqa: BLE001 - the connection's trouble shows at the next take
            return set()
        found = {(origin, key) for key, origin in rows} & asked
        if len(self._seen) > _SEEN_KEPT:
            self._seen.clear()
        self._seen |= found
        return found

    def _lose(self, why: str) -> None:
        """The listening connection is gone: let it go, and try again ``RETRY_FIRST`` from now."""
        self._why = why
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):  # already gone with the server: nothing left to close
                conn.close()
        self._retry_in = RETRY_FIRST
        self._next_attempt = time.monotonic() + RETRY_FIRST

    def _reconnect(self, psycopg, wait: float) -> None:
        """Connect and LISTEN again when an attempt is due (waiting up to ``wait`` for it);
        raises WorkspaceError when none was due or it failed."""
        left = self._next_attempt - time.monotonic()
        if left > 0:
            time.sleep(min(left, max(wait, 0.0)))
            left = self._next_attempt - time.monotonic()
        if left > 0:
            raise WorkspaceError(self._why)
        try:
            self._conn = self._connect(psycopg)
        except psycopg.Error as exc:
            self._retry_in = min(self._retry_in * 2, RETRY_MOST)
            self._next_attempt = time.monotonic() + self._retry_in
            self._why = (f"cannot connect to {self._location} again, so others' changes do not "
                         f"arrive: {_reason(exc)}")
            raise WorkspaceError(self._why) from None
        self._retry_in = RETRY_FIRST
        self._missed = True

    def close(self) -> None:
        self._closed = True
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):  # already gone with the server: nothing left to close
                conn.close()
