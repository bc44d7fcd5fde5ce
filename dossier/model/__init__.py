"""Plain dataclasses, enums and value types: what every other layer speaks. No SQL, no Qt."""

from dossier.model.dates import PartialDate
from dossier.model.enums import (
    CREDIBILITY_LABELS,
    NegotiationStatus,
    PartyKind,
    PartyRole,
    PositionKind,
    Reliability,
    RoundStatus,
)
from dossier.model.records import (
    COLLECTIONS,
    Citation,
    Document,
    Event,
    Negotiation,
    NegotiationParty,
    Participant,
    Party,
    Person,
    Position,
    Role,
    Round,
    Source,
    Topic,
)

__all__ = [
    "COLLECTIONS",
    "CREDIBILITY_LABELS",
    "Citation",
    "Document",
    "Event",
    "Negotiation",
    "NegotiationParty",
    "NegotiationStatus",
    "PartialDate",
    "Participant",
    "Party",
    "PartyKind",
    "PartyRole",
    "Person",
    "Position",
    "PositionKind",
    "Reliability",
    "Role",
    "Round",
    "RoundStatus",
    "Source",
    "Topic",
]
