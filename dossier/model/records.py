"""The records of a workspace as plain dataclasses: what every layer speaks.

Field names and meanings follow the interchange format one to one; ``id`` is the
record's stable external id, references hold the external ids of other records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dossier.model.enums import (
    NegotiationStatus,
    PartyKind,
    PositionKind,
    Reliability,
    RoundStatus,
)


@dataclass(kw_only=True)
class Party:
    id: str
    name: str
    kind: str = PartyKind.STATE
    country: str | None = None
    notes: str | None = None


@dataclass(kw_only=True)
class Role:
    title: str
    organization: str | None = None
    start: str | None = None
    end: str | None = None


@dataclass(kw_only=True)
class Person:
    id: str
    name: str
    native_name: str | None = None
    aliases: list[str] = field(default_factory=list)
    party: str | None = None
    title: str | None = None
    bio: str | None = None
    roles: list[Role] = field(default_factory=list)
    notes: str | None = None


@dataclass(kw_only=True)
class NegotiationParty:
    party: str
    role: str


@dataclass(kw_only=True)
class Negotiation:
    id: str
    title: str
    summary: str | None = None
    status: str = NegotiationStatus.ACTIVE
    started: str | None = None
    ended: str | None = None
    parties: list[NegotiationParty] = field(default_factory=list)


@dataclass(kw_only=True)
class Topic:
    id: str
    negotiation: str
    title: str
    description: str | None = None
    category: str | None = None


@dataclass(kw_only=True)
class Participant:
    person: str
    party: str | None = None
    role: str | None = None


@dataclass(kw_only=True)
class Citation:
    source: str
    credibility: int
    quote: str | None = None


@dataclass(kw_only=True)
class Round:
    id: str
    negotiation: str
    number: int | None = None
    title: str | None = None
    start: str | None = None
    end: str | None = None
    venue: str | None = None
    status: str = RoundStatus.HELD
    mediator: str | None = None
    summary: str | None = None
    participants: list[Participant] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    sources: list[Citation] = field(default_factory=list)


@dataclass(kw_only=True)
class Position:
    id: str
    negotiation: str
    party: str
    topic: str
    round: str | None = None
    person: str | None = None
    date: str | None = None
    kind: str = PositionKind.STATEMENT
    summary: str
    sources: list[Citation] = field(default_factory=list)


@dataclass(kw_only=True)
class Source:
    id: str
    title: str
    publisher: str | None = None
    url: str | None = None
    published: str | None = None
    reliability: str = Reliability.F
    via: str | None = None
    notes: str | None = None
    text: str | None = None  # the source document's full text, as extracted


@dataclass(kw_only=True)
class Event:
    id: str
    negotiation: str
    date: str
    title: str
    description: str | None = None
    people: list[str] = field(default_factory=list)
    sources: list[Citation] = field(default_factory=list)


#: Interchange collection name -> record class, in the order of the spec.
COLLECTIONS: dict[str, type] = {
    "parties": Party,
    "people": Person,
    "negotiations": Negotiation,
    "topics": Topic,
    "rounds": Round,
    "positions": Position,
    "sources": Source,
    "events": Event,
}

#: Collection -> the singular noun messages use for one of its records ("unknown topic 'x'").
SINGULAR = {
    "parties": "party",
    "people": "person",
    "negotiations": "negotiation",
    "topics": "topic",
    "rounds": "round",
    "positions": "position",
    "sources": "source",
    "events": "event",
}


def collection_of(record: object) -> str:
    for name, cls in COLLECTIONS.items():
        if type(record) is cls:
            return name
    raise TypeError(f"not a record: {type(record).__name__}")


#: What a source's workspace number is shown and printed after: ``S12``.
SOURCE_NUMBER_PREFIX = "S"


def source_number_label(number: int) -> str:
    """How a source's workspace number is shown and printed: ``S12``."""
    return f"{SOURCE_NUMBER_PREFIX}{number}"


@dataclass(kw_only=True)
class Document:
    """A whole workspace's content, as the interchange format holds it.

    ``source_numbers`` (source id -> number) is the workspace numbering of sources, not
    part of the interchange file: a document read from a file has none; one read from a
    workspace has the number of each of its sources.
    """

    parties: list[Party] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    negotiations: list[Negotiation] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    rounds: list[Round] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    source_numbers: dict[str, int] = field(default_factory=dict)

    def collection(self, name: str) -> list:
        return getattr(self, name)

    def count(self) -> dict[str, int]:
        return {name: len(self.collection(name)) for name in COLLECTIONS}
