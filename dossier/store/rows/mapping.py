"""How records map to tables: one ``Spec`` a collection, naming its main table, its columns
(and which refer to other collections) and its lists, each kept in a child table.

Everything else in ``dossier.store.rows`` reads these specs; adding a field to a record
means adding its ``Column`` here (and a migration for the column).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Table

from dossier.model.records import Citation, NegotiationParty, Participant, Role
from dossier.store import tables as t


@dataclass(frozen=True)
class Column:
    field: str  # dataclass attribute (empty for a list of scalars: the item itself)
    column: str  # column name in the table
    ref: str | None = None  # collection the value refers to, when it is a reference


@dataclass(frozen=True)
class Child:
    field: str
    table: Table
    owner: str  # column holding the owner's key
    columns: tuple[Column, ...]
    cls: type | None = None  # dataclass of each item; None for a list of scalars


@dataclass(frozen=True)
class Spec:
    table: Table
    columns: tuple[Column, ...]
    children: tuple[Child, ...] = ()
    #: each record has a number in the workspace (``number`` column, see ``_give_numbers``)
    numbered: bool = False


def _cit(owner: str) -> Child:
    return Child(
        "sources",
        t.citations,
        owner,
        (Column("source", "source_id", "sources"), Column("credibility", "credibility"), Column("quote", "quote")),
        Citation,
    )


SPECS: dict[str, Spec] = {
    "parties": Spec(
        t.parties,
        (Column("name", "name"), Column("kind", "kind"), Column("country", "country"), Column("notes", "notes")),
    ),
    "people": Spec(
        t.people,
        (
            Column("name", "name"),
            Column("native_name", "native_name"),
            Column("party", "party_id", "parties"),
            Column("title", "title"),
            Column("bio", "bio"),
            Column("notes", "notes"),
        ),
        (
            Child("aliases", t.person_aliases, "person_id", (Column("", "alias"),)),
            Child(
                "roles",
                t.person_roles,
                "person_id",
                (Column("title", "title"), Column("organization", "organization"), Column("start", "start"),
                 Column("end", "end")),
                Role,
            ),
        ),
    ),
    "negotiations": Spec(
        t.negotiations,
        (Column("title", "title"), Column("summary", "summary"), Column("status", "status"),
         Column("started", "started"), Column("ended", "ended")),
        (
            Child(
                "parties",
                t.negotiation_parties,
                "negotiation_id",
                (Column("party", "party_id", "parties"), Column("role", "role")),
                NegotiationParty,
            ),
        ),
    ),
    "topics": Spec(
        t.topics,
        (Column("negotiation", "negotiation_id", "negotiations"), Column("title", "title"),
         Column("description", "description"), Column("category", "category")),
    ),
    "rounds": Spec(
        t.rounds,
        (
            Column("negotiation", "negotiation_id", "negotiations"),
            Column("number", "number"),
            Column("title", "title"),
            Column("start", "start"),
            Column("end", "end"),
            Column("venue", "venue"),
            Column("status", "status"),
            Column("mediator", "mediator_id", "people"),
            Column("summary", "summary"),
        ),
        (
            Child(
                "participants",
                t.round_participants,
                "round_id",
                (Column("person", "person_id", "people"), Column("party", "party_id", "parties"),
                 Column("role", "role")),
                Participant,
            ),
            Child("topics", t.round_topics, "round_id", (Column("", "topic_id", "topics"),)),
            _cit("round_id"),
        ),
    ),
    "positions": Spec(
        t.positions,
        (
            Column("negotiation", "negotiation_id", "negotiations"),
            Column("party", "party_id", "parties"),
            Column("topic", "topic_id", "topics"),
            Column("round", "round_id", "rounds"),
            Column("person", "person_id", "people"),
            Column("date", "date"),
            Column("kind", "kind"),
            Column("summary", "summary"),
        ),
        (_cit("position_id"),),
    ),
    "sources": Spec(
        t.sources,
        (
            Column("title", "title"),
            Column("publisher", "publisher"),
            Column("url", "url"),
            Column("published", "published"),
            Column("reliability", "reliability"),
            Column("via", "via_id", "sources"),
            Column("notes", "notes"),
            Column("text", "text"),
        ),
        numbered=True,
    ),
    "events": Spec(
        t.events,
        (Column("negotiation", "negotiation_id", "negotiations"), Column("date", "date"),
         Column("title", "title"), Column("description", "description")),
        (
            Child("people", t.event_people, "event_id", (Column("", "person_id", "people"),)),
            _cit("event_id"),
        ),
    ),
}

#: The order records are written in, so references point at rows that exist.
WRITE_ORDER = ("parties", "people", "negotiations", "topics", "sources", "rounds", "positions", "events")
_CHUNK = 500


def table_of(collection: str) -> Table:
    return SPECS[collection].table


def _chunks(items: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]



def plain_value(value):
    """A field's value as stored: an enumeration member as its text, anything else as it is."""
    if value.__class__ is not str and hasattr(value, "value") and isinstance(value, str):
        return str(value.value)
    return value
