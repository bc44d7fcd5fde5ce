"""Positions: each side's stance on each topic, and how it moves."""

from __future__ import annotations

from dossier.model.dates import sort_key
from dossier.model.records import Position
from dossier.services import records
from dossier.services.workspace import Workspace
from dossier.store.records import DeleteOutcome

COLLECTION = "positions"


def get(ws: Workspace, position_id: str) -> Position:
    return records.get(ws, COLLECTION, position_id)


def create(ws: Workspace, position: Position) -> Position:
    return records.create(ws, position)


def update(ws: Workspace, position: Position) -> Position:
    return records.update(ws, position)


def delete(ws: Workspace, position_id: str, *, cascade: bool = False) -> DeleteOutcome:
    return records.delete(ws, COLLECTION, position_id, cascade=cascade)


def list_positions(ws: Workspace, *, negotiation: str | None = None, party: str | None = None,
                   topic: str | None = None, round: str | None = None, kind: str | None = None) -> list[Position]:
    """Positions matching every given filter, by date (a date known only to the month or year
    after the days inside it, undated last) then id."""
    filters = {k: v for k, v in {"negotiation": negotiation, "party": party, "topic": topic,
                                 "round": round, "kind": kind}.items() if v is not None}
    found = records.find(ws, COLLECTION, filters, order_by=("date", "uid"))
    return sorted(found, key=lambda p: (sort_key(p.date), p.id))
