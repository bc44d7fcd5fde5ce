"""Events: dated facts on a negotiation's timeline that are not rounds."""

from __future__ import annotations

from dossier.model.dates import sort_key
from dossier.model.records import Event
from dossier.services import records
from dossier.services.workspace import Workspace
from dossier.store.records import DeleteOutcome

COLLECTION = "events"


def get(ws: Workspace, event_id: str) -> Event:
    return records.get(ws, COLLECTION, event_id)


def create(ws: Workspace, event: Event) -> Event:
    return records.create(ws, event)


def update(ws: Workspace, event: Event) -> Event:
    return records.update(ws, event)


def delete(ws: Workspace, event_id: str, *, cascade: bool = False) -> DeleteOutcome:
    return records.delete(ws, COLLECTION, event_id, cascade=cascade)


def list_events(ws: Workspace, negotiation_id: str | None = None) -> list[Event]:
    """Events by date; a date known only to the month or year sorts after the days inside it."""
    found = records.find(ws, COLLECTION, {"negotiation": negotiation_id} if negotiation_id else None,
                         order_by=("date", "uid"))
    return sorted(found, key=lambda e: (sort_key(e.date), e.id))
