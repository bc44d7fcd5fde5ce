"""Negotiations: the processes a workspace follows."""

from __future__ import annotations

from dossier.model.records import Negotiation
from dossier.services import records
from dossier.services.workspace import Workspace
from dossier.store.records import DeleteOutcome

COLLECTION = "negotiations"


def get(ws: Workspace, negotiation_id: str) -> Negotiation:
    return records.get(ws, COLLECTION, negotiation_id)


def create(ws: Workspace, negotiation: Negotiation) -> Negotiation:
    return records.create(ws, negotiation)


def update(ws: Workspace, negotiation: Negotiation) -> Negotiation:
    return records.update(ws, negotiation)


def delete(ws: Workspace, negotiation_id: str, *, cascade: bool = False) -> DeleteOutcome:
    return records.delete(ws, COLLECTION, negotiation_id, cascade=cascade)


def list_negotiations(ws: Workspace) -> list[Negotiation]:
    return records.find(ws, COLLECTION, order_by=("title", "uid"))
