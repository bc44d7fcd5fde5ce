"""What the change feeds of every backend share: the notice one saving transaction gives of
a record it changed, and the channel a server carries those notices on.

A feed is had from the open workspace (``Database.change_feed``): on SQLite it watches
``PRAGMA data_version`` and reads the history rows written since
(``dossier.store.sqlite.feed``); on PostgreSQL it LISTENs on ``CHANNEL``
(``dossier.store.postgres.feed``). Either way ``take(wait)`` gives others' changes as
``Notice`` tuples, and ``close()`` lets its connection go.
"""

from __future__ import annotations

from typing import Protocol

#: The PostgreSQL channel every saving transaction notifies on when it commits.
CHANNEL = "dossier_changes"

#: (collection, record id, action): collection and id are None for "everything may have changed".
Notice = tuple[str | None, str | None, str]


class ChangeFeed(Protocol):
    def take(self, wait: float) -> list[Notice]:
        """Others' changes committed since the last call; waits up to ``wait`` seconds for some.
        Raises ``WorkspaceError`` while the connection it watches through is lost; a feed that
        connects again gives the notice (None, None, "reconnect") once it is back."""

    def close(self) -> None:
        """Let the feed's connection go (a ``take`` under way must have returned first)."""
