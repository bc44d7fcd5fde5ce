"""Questions asked of the records beyond reading one by id: lists in their reading order, and
what a record is linked to. Creating, changing and deleting any record is ``services.records``.

Lists sorted by a date put a date known only to the month or year after the days inside it
(``model.dates.sort_key``), as everywhere else.
"""

from __future__ import annotations

from dossier.errors import Reference
from dossier.model.dates import sort_key
from dossier.model.records import Event, Negotiation, Party, Person, Position, Round, Source, Topic
from dossier.services import records
from dossier.services.session import Workspace


def list_negotiations(ws: Workspace) -> list[Negotiation]:
    return records.find(ws, "negotiations", order_by=("title", "uid"))


def list_parties(ws: Workspace) -> list[Party]:
    return records.find(ws, "parties", order_by=("name", "uid"))


def list_people(ws: Workspace, *, party: str | None = None) -> list[Person]:
    """People sorted by name, optionally those acting for one party."""
    return records.find(ws, "people", {"party": party} if party else None, order_by=("name", "uid"))


def list_topics(ws: Workspace, negotiation_id: str | None = None) -> list[Topic]:
    return records.find(ws, "topics", {"negotiation": negotiation_id} if negotiation_id else None,
                        order_by=("title", "uid"))


def list_rounds(ws: Workspace, negotiation_id: str | None = None) -> list[Round]:
    """Rounds in their order: by number, then start date."""
    found = records.find(ws, "rounds", {"negotiation": negotiation_id} if negotiation_id else None,
                         order_by=("negotiation_id", "number", "start", "uid"))
    return sorted(found, key=lambda r: (r.negotiation, r.number is None, r.number or 0, r.start or "", r.id))


def list_positions(ws: Workspace, *, negotiation: str | None = None, party: str | None = None,
                   topic: str | None = None, round: str | None = None, kind: str | None = None) -> list[Position]:
    """Positions matching every given filter, by date (undated last) then id."""
    filters = {k: v for k, v in {"negotiation": negotiation, "party": party, "topic": topic,
                                 "round": round, "kind": kind}.items() if v is not None}
    found = records.find(ws, "positions", filters, order_by=("date", "uid"))
    return sorted(found, key=lambda p: (sort_key(p.date), p.id))


def list_sources(ws: Workspace) -> list[Source]:
    return records.list_all(ws, "sources")


def list_events(ws: Workspace, negotiation_id: str | None = None) -> list[Event]:
    """Events by date."""
    found = records.find(ws, "events", {"negotiation": negotiation_id} if negotiation_id else None,
                         order_by=("date", "uid"))
    return sorted(found, key=lambda e: (sort_key(e.date), e.id))


def rounds_attended(ws: Workspace, person_id: str) -> list[Round]:
    """Rounds the person took part in, by date."""
    records.get(ws, "people", person_id)
    return records.listing(ws, "rounds", "participants", person_id, order_by=("start", "number", "uid"))


def positions_stated(ws: Workspace, person_id: str) -> list[Position]:
    records.get(ws, "people", person_id)
    found = records.find(ws, "positions", {"person": person_id}, order_by=("date", "uid"))
    return sorted(found, key=lambda p: (sort_key(p.date), p.id))


def citing(ws: Workspace, source_id: str) -> list[Reference]:
    """Every round, position and event that cites the source, and sources carried by it."""
    return records.references(ws, "sources", source_id)


def via_chain(ws: Workspace, source_id: str) -> list[Source]:
    """The source followed by each source that carried it, outermost last."""
    chain = [records.get(ws, "sources", source_id)]
    seen = {source_id}
    while chain[-1].via is not None and chain[-1].via not in seen:
        seen.add(chain[-1].via)
        chain.append(records.get(ws, "sources", chain[-1].via))
    return chain
