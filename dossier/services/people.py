"""People: who sits at the table, in every script and spelling."""

from __future__ import annotations

from dossier.model.dates import sort_key
from dossier.model.records import Person
from dossier.services import records
from dossier.services.workspace import Workspace
from dossier.store.records import DeleteOutcome

COLLECTION = "people"


def get(ws: Workspace, person_id: str) -> Person:
    return records.get(ws, COLLECTION, person_id)


def create(ws: Workspace, person: Person) -> Person:
    return records.create(ws, person)


def update(ws: Workspace, person: Person) -> Person:
    return records.update(ws, person)


def delete(ws: Workspace, person_id: str, *, cascade: bool = False) -> DeleteOutcome:
    return records.delete(ws, COLLECTION, person_id, cascade=cascade)


def list_people(ws: Workspace, *, party: str | None = None) -> list[Person]:
    """People sorted by name, optionally those acting for one party."""
    return records.find(ws, COLLECTION, {"party": party} if party else None, order_by=("name", "uid"))


def rounds_attended(ws: Workspace, person_id: str) -> list:
    """Rounds the person took part in, by date."""
    records.get(ws, COLLECTION, person_id)
    return records.listing(ws, "rounds", "participants", person_id, order_by=("start", "number", "uid"))


def positions_stated(ws: Workspace, person_id: str) -> list:
    records.get(ws, COLLECTION, person_id)
    found = records.find(ws, "positions", {"person": person_id}, order_by=("date", "uid"))
    return sorted(found, key=lambda p: (sort_key(p.date), p.id))  # partial dates after the days inside them
