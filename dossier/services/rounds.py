"""Rounds of talks: when, where, who took part, what was on the agenda."""

from __future__ import annotations

from dossier.model.records import Round
from dossier.services import records
from dossier.services.workspace import Workspace
from dossier.store.records import DeleteOutcome

COLLECTION = "rounds"


def get(ws: Workspace, round_id: str) -> Round:
    return records.get(ws, COLLECTION, round_id)


def create(ws: Workspace, round: Round) -> Round:
    return records.create(ws, round)


def update(ws: Workspace, round: Round) -> Round:
    return records.update(ws, round)


def delete(ws: Workspace, round_id: str, *, cascade: bool = False) -> DeleteOutcome:
    return records.delete(ws, COLLECTION, round_id, cascade=cascade)


def list_rounds(ws: Workspace, negotiation_id: str | None = None) -> list[Round]:
    """Rounds in their order: by number, then start date."""
    found = records.find(ws, COLLECTION, {"negotiation": negotiation_id} if negotiation_id else None,
                         order_by=("negotiation_id", "number", "start", "uid"))
    return sorted(found, key=lambda r: (r.negotiation, r.number is None, r.number or 0, r.start or "", r.id))
