"""Changes others saved, delivered to an open workspace while it is open.

``ChangeFeed(ws).poll(timeout)`` blocks (in a worker thread) until other sessions have
saved something, or the timeout passes, and returns what changed as ``Change`` objects,
the same the workspace announces for its own edits. Changes made through this same
``Workspace`` are never returned.

On PostgreSQL the feed LISTENs on the channel every saving transaction notifies on
commit; on SQLite it watches ``PRAGMA data_version`` (which moves when another
connection commits) and reads the history rows written since.
"""

from __future__ import annotations

import json
import threading
import time

from sqlalchemy import func, select

from dossier.errors import WorkspaceError
from dossier.services.history import CHANNEL, history
from dossier.services.workspace import Change, Workspace

#: How often an SQLite feed looks for changes, and the longest a PostgreSQL feed waits
#: before looking whether it was closed.
_SLICE = 0.2


def _changes(items: list[tuple[str | None, str | None, str]]) -> list[Change]:
    """One Change for a batch of (collection, id, action): ids grouped per collection."""
    if not items:
        return []
    if any(c is None or i is None or a == "import" for c, i, a in items):
        return [Change(everything=True)]
    changed: dict[str, list[str]] = {}
    deleted: dict[str, list[str]] = {}
    for collection, uid, action in items:
        target = deleted if action == "delete" else changed
        ids = target.setdefault(collection, [])
        if uid not in ids:
            ids.append(uid)
    for collection, ids in deleted.items():  # deleted after being changed: only deleted
        if collection in changed:
            changed[collection] = [i for i in changed[collection] if i not in ids]
            if not changed[collection]:
                del changed[collection]
    return [Change(changed={k: tuple(v) for k, v in changed.items()},
                   deleted={k: tuple(v) for k, v in deleted.items()})]


class ChangeFeed:
    """Others' saved changes to one open workspace; poll it from a worker thread."""

    def __init__(self, ws: Workspace):
        self.ws = ws
        self._origin = ws.db.origin
        self._closed = False
        self._busy = threading.Lock()
        if ws.is_shared:
            raw = ws.db.engine.raw_connection()
            self._pg = raw.driver_connection
            raw.detach()  # this connection stays with the feed, outside the pool
            self._pg.rollback()
            self._pg.autocommit = True
            self._pg.execute(f"LISTEN {CHANNEL}")
        else:
            self._pg = None
            raw = ws.db.engine.raw_connection()
            self._sqlite = raw.driver_connection
            raw.detach()
            self._data_version = self._sqlite.execute("PRAGMA data_version").fetchone()[0]
            with ws.db.read() as conn:
                self._last_id = conn.execute(select(func.max(history.c.id))).scalar_one() or 0

    def poll(self, timeout: float) -> list[Change]:
        """Block up to ``timeout`` seconds for others' changes; [] when none came (or closed).

        Raises WorkspaceError when the connection to the server is lost.
        """
        deadline = time.monotonic() + max(0.0, timeout)
        with self._busy:
            while not self._closed:
                left = deadline - time.monotonic()
                found = self._poll_pg(min(left, _SLICE)) if self._pg is not None else self._poll_sqlite()
                if found:
                    return _changes(found)
                if left <= 0:
                    break
                if self._pg is None:
                    time.sleep(min(left, _SLICE))
            if self._closed:
                self._close_connection()
        return []

    def _poll_pg(self, wait: float) -> list[tuple]:
        import psycopg

        try:
            found = list(self._pg.notifies(timeout=max(wait, 0.0), stop_after=1))
            if found:  # take whatever else has arrived with it
                found.extend(self._pg.notifies(timeout=0.05))
        except psycopg.Error as exc:
            raise WorkspaceError(f"lost the connection to {self.ws.location}, so others' changes "
                                 f"no longer arrive: {str(exc).strip() or type(exc).__name__}") from None
        items = []
        for note in found:
            try:
                data = json.loads(note.payload)
            except ValueError:
                continue
            if data.get("origin") != self._origin:
                items.append((data.get("collection"), data.get("id"), data.get("action", "update")))
        return items

    def _poll_sqlite(self) -> list[tuple]:
        raw = self._sqlite
        version = raw.execute("PRAGMA data_version").fetchone()[0]
        if version == self._data_version:
            return []
        self._data_version = version
        rows = raw.execute(
            "SELECT id, collection, uid, action, origin FROM history WHERE id > ? ORDER BY id",
            (self._last_id,)).fetchall()
        if rows:
            self._last_id = rows[-1][0]
        # a deleted record's history rows no longer name it (history.erase): a delete made
        # elsewhere reloads everything shown, as an import does
        return [(None, None, a) if a == "delete" else (c, u, a) for _, c, u, a, o in rows if o != self._origin]

    def close(self) -> None:
        """Stop listening; a poll under way returns [] within a fraction of a second."""
        self._closed = True
        if self._busy.acquire(blocking=False):
            try:
                self._close_connection()
            finally:
                self._busy.release()

    def _close_connection(self) -> None:
        conn = self._pg if self._pg is not None else getattr(self, "_sqlite", None)
        if conn is not None:
            try:
                conn.close()
            except Exception:  # already gone with the server: nothing left to close
                pass
        self._pg = None
        self._sqlite = None

    def __enter__(self) -> ChangeFeed:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
