"""Parties: states, organisations and groups that take part."""

from __future__ import annotations

from dossier.model.records import Party
from dossier.services import records
from dossier.services.workspace import Workspace
from dossier.store.records import DeleteOutcome

COLLECTION = "parties"


def get(ws: Workspace, party_id: str) -> Party:
    return records.get(ws, COLLECTION, party_id)


def create(ws: Workspace, party: Party) -> Party:
    return records.create(ws, party)


def update(ws: Workspace, party: Party) -> Party:
    return records.update(ws, party)


def delete(ws: Workspace, party_id: str, *, cascade: bool = False) -> DeleteOutcome:
    return records.delete(ws, COLLECTION, party_id, cascade=cascade)


def list_parties(ws: Workspace) -> list[Party]:
    return records.find(ws, COLLECTION, order_by=("name", "uid"))
