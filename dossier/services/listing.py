"""Pages of display rows for the desktop app's tables (sorted and filtered in SQL).

``page`` returns at most ``limit`` rows after the ``sort_key`` of the last row already
shown (keyset paging), so scrolling a table of 100,000 positions reads 200 rows at a
time. Filters name fields by their interchange names and references by external id,
e.g. ``{"negotiation": "il-sy-security", "kind": "demand"}``.
"""

from __future__ import annotations

from dossier.services.session import Workspace
from dossier.store import listing as store
from dossier.store.listing import CELLS, FILTERS, SORTS, ListRow

__all__ = ["ListRow", "CELLS", "SORTS", "FILTERS", "page", "count"]


def page(ws: Workspace, collection: str, *, filters: dict[str, object] | None = None,
         text_filter: str | None = None, sort: str | None = None, descending: bool = False,
         after: tuple | None = None, limit: int = 200) -> list[ListRow]:
    """Rows of ``collection`` matching ``filters`` and every word of ``text_filter``."""
    with ws.db.read() as conn:
        return store.page(conn, collection, filters=filters, text_filter=text_filter, sort=sort,
                          descending=descending, after=after, limit=limit)


def count(ws: Workspace, collection: str, *, filters: dict[str, object] | None = None,
          text_filter: str | None = None) -> int:
    """How many rows ``page`` would walk through with these filters."""
    with ws.db.read() as conn:
        return store.count(conn, collection, filters=filters, text_filter=text_filter)
