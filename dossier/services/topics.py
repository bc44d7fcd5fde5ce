"""Topics: the agenda items a negotiation argues about."""

from __future__ import annotations

from dossier.model.records import Topic
from dossier.services import records
from dossier.services.workspace import Workspace
from dossier.store.records import DeleteOutcome

COLLECTION = "topics"


def get(ws: Workspace, topic_id: str) -> Topic:
    return records.get(ws, COLLECTION, topic_id)


def create(ws: Workspace, topic: Topic) -> Topic:
    return records.create(ws, topic)


def update(ws: Workspace, topic: Topic) -> Topic:
    return records.update(ws, topic)


def delete(ws: Workspace, topic_id: str, *, cascade: bool = False) -> DeleteOutcome:
    return records.delete(ws, COLLECTION, topic_id, cascade=cascade)


def list_topics(ws: Workspace, negotiation_id: str | None = None) -> list[Topic]:
    return records.find(ws, COLLECTION, {"negotiation": negotiation_id} if negotiation_id else None,
                        order_by=("title", "uid"))
