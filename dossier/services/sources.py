"""Sources with their Admiralty grades, and what cites them."""

from __future__ import annotations

from dossier.errors import Reference
from dossier.model.records import Source
from dossier.services import records
from dossier.services.workspace import Workspace
from dossier.store.records import DeleteOutcome

COLLECTION = "sources"


def get(ws: Workspace, source_id: str) -> Source:
    return records.get(ws, COLLECTION, source_id)


def create(ws: Workspace, source: Source) -> Source:
    return records.create(ws, source)


def update(ws: Workspace, source: Source) -> Source:
    return records.update(ws, source)


def delete(ws: Workspace, source_id: str, *, cascade: bool = False) -> DeleteOutcome:
    return records.delete(ws, COLLECTION, source_id, cascade=cascade)


def list_sources(ws: Workspace) -> list[Source]:
    return records.list_all(ws, COLLECTION)


def citing(ws: Workspace, source_id: str) -> list[Reference]:
    """Every round, position and event that cites the source, and sources carried by it."""
    return records.references(ws, COLLECTION, source_id)


def via_chain(ws: Workspace, source_id: str) -> list[Source]:
    """The source followed by each source that carried it, outermost last."""
    chain = [records.get(ws, COLLECTION, source_id)]
    seen = {source_id}
    while chain[-1].via is not None and chain[-1].via not in seen:
        seen.add(chain[-1].via)
        chain.append(records.get(ws, COLLECTION, chain[-1].via))
    return chain
