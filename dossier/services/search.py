"""Full-text search across every record of a workspace."""

from __future__ import annotations

from dataclasses import dataclass

from dossier.model.records import SINGULAR
from dossier.model.search_text import Snippet, make_snippet
from dossier.services.session import Workspace
from dossier.store import search_index


@dataclass(frozen=True)
class SearchHit:
    collection: str  # "people", "positions", …
    id: str
    label: str
    snippet: Snippet | None
    rank: float  # lower is better

    @property
    def kind(self) -> str:
        """Singular record kind: ``person``, ``position``…"""
        return SINGULAR[self.collection]


def search(ws: Workspace, query: str, *, limit: int = 50, collections: list[str] | None = None) -> list[SearchHit]:
    """Ranked hits for a query: every word must match, each as a prefix; case, Latin
    diacritics and Arabic/Hebrew vowel marks are ignored."""
    with ws.db.read() as conn:
        raw, tokens = search_index.search(conn, query, limit=limit, kinds=collections)
    return [SearchHit(h.kind, h.uid, h.label, make_snippet(h.fields, tokens), h.rank) for h in raw]
