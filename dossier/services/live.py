"""Changes others saved, delivered to an open workspace while it is open.

``ChangeFeed(ws).poll(timeout)`` blocks (in a worker thread) until other sessions have
saved something, or the timeout passes, and returns what changed as ``Change`` objects,
the same the workspace announces for its own edits. Changes made through this same
``Workspace`` are never returned.

The watching is the store's (``Database.change_feed``, see ``dossier.store.feeds``): on
PostgreSQL it LISTENs on the channel every saving transaction notifies on commit; on SQLite
it watches ``PRAGMA data_version`` (which moves when another connection commits) and reads
the history rows written since.

A PostgreSQL feed whose connection is lost (the server restarted, its backend was ended)
notices within seconds; ``poll`` raises ``WorkspaceError`` while it is lost, the feed
connects again with growing pauses between attempts, and the first ``poll`` after it is
back returns ``Change(everything=True)``: what others saved meanwhile was announced to
nobody, so everything shown is read again.
"""

from __future__ import annotations

import threading
import time

from dossier.services.session import Change, Workspace

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
        self._closed = False
        self._busy = threading.Lock()
        self._feed = ws.db.change_feed()

    def poll(self, timeout: float) -> list[Change]:
        """Block up to ``timeout`` seconds for others' changes; [] when none came (or closed).

        Raises WorkspaceError while the connection to the server is lost (the feed keeps
        trying to connect again; poll again to let it); once it is back, returns
        ``[Change(everything=True)]`` first.
        """
        deadline = time.monotonic() + max(0.0, timeout)
        with self._busy:
            while not self._closed:
                left = deadline - time.monotonic()
                found = self._feed.take(min(left, _SLICE))
                if found:
                    return _changes(found)
                if left <= 0:
                    break
            if self._closed:
                self._feed.close()
        return []

    def close(self) -> None:
        """Stop listening; a poll under way returns [] within a fraction of a second (or once an
        attempt to connect again under way is over)."""
        self._closed = True
        if self._busy.acquire(blocking=False):
            try:
                self._feed.close()
            finally:
                self._busy.release()

    def __enter__(self) -> ChangeFeed:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
