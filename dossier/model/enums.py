"""The closed vocabularies of the domain. Each is a ``StrEnum`` whose values are the interchange words."""

from __future__ import annotations

from enum import StrEnum


class PartyKind(StrEnum):
    STATE = "state"
    ORGANIZATION = "organization"
    ARMED_GROUP = "armed_group"
    OTHER = "other"


class NegotiationStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CONCLUDED = "concluded"
    COLLAPSED = "collapsed"


class PartyRole(StrEnum):
    PARTY = "party"
    MEDIATOR = "mediator"
    OBSERVER = "observer"
    HOST = "host"


class RoundStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"


class PositionKind(StrEnum):
    DEMAND = "demand"
    OFFER = "offer"
    RED_LINE = "red_line"
    CONCESSION = "concession"
    ASSURANCE = "assurance"
    STATEMENT = "statement"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Reliability(StrEnum):
    """Admiralty grading of a source's reliability."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"

    @property
    def label(self) -> str:
        return RELIABILITY_LABELS[self.value]


RELIABILITY_LABELS = {
    "A": "Completely reliable",
    "B": "Usually reliable",
    "C": "Fairly reliable",
    "D": "Not usually reliable",
    "E": "Unreliable",
    "F": "Reliability cannot be judged",
}

CREDIBILITY_LABELS = {
    1: "Confirmed",
    2: "Probably true",
    3: "Possibly true",
    4: "Doubtful",
    5: "Improbable",
    6: "Truth cannot be judged",
}

ROUND_NUMBER_MAX = 9223372036854775807
