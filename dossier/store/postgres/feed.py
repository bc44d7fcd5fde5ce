"""Others' changes to a team workspace, as they commit: every saving transaction notifies on
``CHANNEL`` (delivered when, and only if, it commits), and a feed LISTENs there."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence

from sqlalchemy import Connection, Engine, text

from dossier.errors import WorkspaceError
from dossier.store.feeds import CHANNEL, Notice


def announce(conn: Connection, payloads: Sequence[str]) -> None:
    """Notify ``CHANNEL`` of each payload when this transaction commits."""
    conn.execute(text("SELECT pg_notify(:channel, :payload)"),
                 [{"channel": CHANNEL, "payload": payload} for payload in payloads])


class PostgresChangeFeed:
    """LISTENs on ``CHANNEL`` from a connection of its own, outside the engine's pool."""

    def __init__(self, engine: Engine, origin: str, location: str):
        self._origin = origin
        self._location = location
        raw = engine.raw_connection()
        self._conn = raw.driver_connection
        raw.detach()  # this connection stays with the feed, outside the pool
        self._conn.rollback()
        self._conn.autocommit = True
        self._conn.execute(f"LISTEN {CHANNEL}")

    def take(self, wait: float) -> list[Notice]:
        """Others' changes; waits up to ``wait`` seconds for the first to arrive."""
        import psycopg

        try:
            found = list(self._conn.notifies(timeout=max(wait, 0.0), stop_after=1))
            if found:  # take whatever else has arrived with it
                found.extend(self._conn.notifies(timeout=0.05))
        except psycopg.Error as exc:
            raise WorkspaceError(f"lost the connection to {self._location}, so others' changes "
                                 f"no longer arrive: {str(exc).strip() or type(exc).__name__}") from None
        items: list[Notice] = []
        for note in found:
            try:
                data = json.loads(note.payload)
            except ValueError:
                continue
            if data.get("origin") != self._origin:
                items.append((data.get("collection"), data.get("id"), data.get("action", "update")))
        return items

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):  # already gone with the server: nothing left to close
                self._conn.close()
        self._conn = None
