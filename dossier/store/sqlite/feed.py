"""Others' changes to a workspace file, as they commit: ``PRAGMA data_version`` moves when
another connection commits, and the history rows written since say what changed."""

from __future__ import annotations

import contextlib
import time

from sqlalchemy import Engine

from dossier.store.feeds import Notice
from dossier.store.tables import history


class SQLiteChangeFeed:
    """Watches one workspace file from a connection of its own, outside the engine's pool."""

    def __init__(self, engine: Engine, origin: str, last_id: int):
        self._origin = origin
        raw = engine.raw_connection()
        self._conn = raw.driver_connection
        raw.detach()
        self._data_version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        self._last_id = last_id

    def take(self, wait: float) -> list[Notice]:
        """What others committed since the last look; when nothing, wait ``wait`` seconds first."""
        found = self._look()
        if not found and wait > 0:
            time.sleep(wait)
        return found

    def _look(self) -> list[Notice]:
        version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        if version == self._data_version:
            return []
        self._data_version = version
        rows = self._conn.execute(
            f"SELECT id, collection, uid, action, origin FROM {history.name} WHERE id > ? ORDER BY id",
            (self._last_id,)).fetchall()
        if rows:
            self._last_id = rows[-1][0]
        # a deleted record's history rows no longer name it (history.erase): a delete made
        # elsewhere reloads everything shown, as an import does
        return [(None, None, a) if a == "delete" else (c, u, a) for _, c, u, a, o in rows if o != self._origin]

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):  # nothing left to close
                self._conn.close()
        self._conn = None
