"""One negotiation's records, read from the workspace, as a ``Document`` for ``model.analysis``.

Only that negotiation's topics, rounds, positions and events are fetched, so the
matrix, movement and timeline stay quick however large the workspace grows; parties
are few and come whole, for their names.
"""

from __future__ import annotations

from dossier.errors import NotFoundError
from dossier.model.records import Document
from dossier.services import records
from dossier.services.workspace import Workspace


def load_negotiation(ws: Workspace, negotiation_id: str, *, positions: bool = False,
                     events: bool = False) -> Document | None:
    """The negotiation, its topics and rounds, with ``positions`` its positions and with ``events``
    its events; None when it no longer exists.

    Positions come without their citations: the matrix, the movement between rounds and
    the filters show none, and a position's form reads the whole record. A negotiation of
    10,000 positions has some 30,000 citations."""
    try:
        negotiation = records.get(ws, "negotiations", negotiation_id)
    except NotFoundError:
        return None
    only = {"negotiation": negotiation_id}
    return Document(
        parties=records.find(ws, "parties", order_by=("name", "uid")),
        negotiations=[negotiation],
        topics=records.find(ws, "topics", only, order_by=("id",)),  # the order they were added in
        rounds=records.find(ws, "rounds", only, order_by=("number", "uid")),
        positions=records.find(ws, "positions", only, order_by=("uid",), lists=False) if positions else [],
        events=records.find(ws, "events", only, order_by=("date", "uid")) if events else [],
    )


def party_names(doc: Document) -> dict[str, str]:
    return {p.id: p.name for p in doc.parties}


def topic_titles(doc: Document) -> dict[str, str]:
    return {t.id: t.title for t in doc.topics}


def round_label(rnd) -> str:
    """"Round 5" for a numbered round, else its title or id."""
    if rnd.number is not None:
        return f"Round {rnd.number}"
    return rnd.title or rnd.id
