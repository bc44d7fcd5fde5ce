"""The rules of every record, written once.

``FIELDS`` describes each collection's fields as the interchange spec does. The same
description drives :func:`validate_record` (used by the services on every write and by
the interchange reader on every imported record) and the reader's conversion of raw
JSON objects into dataclasses, so the GUI, the command line and an imported file are
held to exactly the same rules and speak the same error paths
(``rounds[r-2].sources[0].credibility: expected an integer 1-6, got number 7``).

Just past 500 lines: the field rules of every collection, one table of them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter, call
from enum import StrEnum
from typing import Protocol

from dossier.errors import FieldError
from dossier.model.dates import PartialDate, certainly_before
from dossier.model.enums import (
    ROUND_NUMBER_MAX,
    NegotiationStatus,
    PartyKind,
    PartyRole,
    PositionKind,
    Reliability,
    RoundStatus,
)
from dossier.model.records import (
    Citation,
    NegotiationParty,
    Participant,
    Role,
    SINGULAR,
)
from dossier.model.text import (
    ID_PATTERN,
    describe_value,
    is_blank,
    is_valid_id,
    quote_user_text,
    text_problem,
)

_COUNTRY = re.compile(r"[A-Z]{2}", re.ASCII)
#: Checking a value stops adding problems past this many (a list of millions of bad items
#: is reported by its first ones; the interchange reader reports at most 1,000 in all).
PROBLEMS_KEPT = 1000


# ---------------------------------------------------------------- field kinds
@dataclass(frozen=True)
class Id:
    pass


@dataclass(frozen=True)
class Text:
    required: bool = False  # required: present, not null, not blank
    nullable: bool = True  # False for the items of a list of text: never null, blank allowed


@dataclass(frozen=True)
class Choice:
    enum: type[StrEnum]


@dataclass(frozen=True)
class Date:
    nullable: bool = True


@dataclass(frozen=True)
class Integer:
    low: int
    high: int
    nullable: bool = False


@dataclass(frozen=True)
class Country:
    pass


@dataclass(frozen=True)
class Ref:
    collection: str
    nullable: bool = True


@dataclass(frozen=True)
class Obj:
    cls: type
    fields: dict


@dataclass(frozen=True)
class ListOf:
    item: object


FieldKind = Id | Text | Choice | Date | Integer | Country | Ref | Obj | ListOf


def is_nullable(kind: object) -> bool:
    """Whether ``null`` is an allowed value (lists are never null, only empty)."""
    if isinstance(kind, Text):
        return kind.nullable and not kind.required
    if isinstance(kind, (Date, Integer, Ref)):
        return kind.nullable
    return isinstance(kind, Country)


CITATION = Obj(
    Citation,
    {"source": Ref("sources", nullable=False), "credibility": Integer(1, 6), "quote": Text()},
)

FIELDS: dict[str, dict[str, FieldKind]] = {
    "parties": {
        "id": Id(),
        "name": Text(required=True),
        "kind": Choice(PartyKind),
        "country": Country(),
        "notes": Text(),
    },
    "people": {
        "id": Id(),
        "name": Text(required=True),
        "native_name": Text(),
        "aliases": ListOf(Text(nullable=False)),
        "party": Ref("parties"),
        "title": Text(),
        "bio": Text(),
        "roles": ListOf(
            Obj(
                Role,
                {"title": Text(required=True), "organization": Text(), "start": Date(), "end": Date()},
            )
        ),
        "notes": Text(),
    },
    "negotiations": {
        "id": Id(),
        "title": Text(required=True),
        "summary": Text(),
        "status": Choice(NegotiationStatus),
        "started": Date(),
        "ended": Date(),
        "parties": ListOf(
            Obj(NegotiationParty, {"party": Ref("parties", nullable=False), "role": Choice(PartyRole)})
        ),
    },
    "topics": {
        "id": Id(),
        "negotiation": Ref("negotiations", nullable=False),
        "title": Text(required=True),
        "description": Text(),
        "category": Text(),
    },
    "rounds": {
        "id": Id(),
        "negotiation": Ref("negotiations", nullable=False),
        "number": Integer(1, ROUND_NUMBER_MAX, nullable=True),
        "title": Text(),
        "start": Date(),
        "end": Date(),
        "venue": Text(),
        "status": Choice(RoundStatus),
        "mediator": Ref("people"),
        "summary": Text(),
        "participants": ListOf(
            Obj(
                Participant,
                {"person": Ref("people", nullable=False), "party": Ref("parties"), "role": Text()},
            )
        ),
        "topics": ListOf(Ref("topics", nullable=False)),
        "sources": ListOf(CITATION),
    },
    "positions": {
        "id": Id(),
        "negotiation": Ref("negotiations", nullable=False),
        "party": Ref("parties", nullable=False),
        "topic": Ref("topics", nullable=False),
        "round": Ref("rounds"),
        "person": Ref("people"),
        "date": Date(),
        "kind": Choice(PositionKind),
        "summary": Text(required=True),
        "sources": ListOf(CITATION),
    },
    "sources": {
        "id": Id(),
        "title": Text(required=True),
        "publisher": Text(),
        "url": Text(),
        "published": Date(),
        "reliability": Choice(Reliability),
        "via": Ref("sources"),
        "notes": Text(),
        "text": Text(),
    },
    "events": {
        "id": Id(),
        "negotiation": Ref("negotiations", nullable=False),
        "date": Date(nullable=False),
        "title": Text(required=True),
        "description": Text(),
        "people": ListOf(Ref("people", nullable=False)),
        "sources": ListOf(CITATION),
    },
}


class Resolver(Protocol):
    """What validation needs to know about the records a record refers to."""

    def exists(self, collection: str, record_id: str) -> bool: ...

    def negotiation_of(self, collection: str, record_id: str) -> str | None:
        """The negotiation a topic or round belongs to."""
        ...


# ---------------------------------------------------------------- checking
def check_value(kind: FieldKind, value: object, path: str, resolver: Resolver | None, errors: list) -> None:
    """Check one value against its kind, appending a FieldError per problem."""

    def fail(message: str) -> None:
        if len(errors) <= PROBLEMS_KEPT:
            errors.append(FieldError(path, message))

    if value is None:
        if not is_nullable(kind):
            fail("required, got null" if not isinstance(kind, ListOf) else "expected an array, got null")
        return
    if isinstance(kind, Id):
        if not is_valid_id(value):
            fail(f"expected an id of 1-64 characters from a-z 0-9 - _ ., got {describe_value(value)}")
    elif isinstance(kind, Text):
        if not isinstance(value, str):
            fail(f"expected text, got {describe_value(value)}")
        elif problem := text_problem(value):
            fail(problem)
        elif kind.required and is_blank(value):
            fail("must not be blank")
    elif isinstance(kind, Choice):
        allowed = [m.value for m in kind.enum]
        if not isinstance(value, str) or value not in allowed:
            fail(f"expected one of {', '.join(allowed)}, got {describe_value(value)}")
    elif isinstance(kind, Date):
        if not isinstance(value, str):
            fail(f"expected a date YYYY, YYYY-MM or YYYY-MM-DD, got {describe_value(value)}")
        else:
            try:
                PartialDate.parse(value)
            except ValueError as exc:
                fail(f"{exc}, got {describe_value(value)}")
    elif isinstance(kind, Integer):
        if type(value) is not int or not kind.low <= value <= kind.high:
            high = "9223372036854775807" if kind.high == ROUND_NUMBER_MAX else str(kind.high)
            fail(f"expected an integer {kind.low}-{high}, got {describe_value(value)}")
    elif isinstance(kind, Country):
        if not isinstance(value, str) or not _COUNTRY.fullmatch(value):
            fail(f"expected a two-letter country code such as 'SY', got {describe_value(value)}")
    elif isinstance(kind, Ref):
        if not is_valid_id(value):
            fail(f"expected the id of a {SINGULAR[kind.collection]}, got {describe_value(value)}")
        elif resolver is not None and not resolver.exists(kind.collection, value):
            fail(f"unknown {SINGULAR[kind.collection]} {quote_user_text(value)}")
    elif isinstance(kind, ListOf):
        if not isinstance(value, list):
            fail(f"expected an array, got {describe_value(value)}")
            return
        for i, item in enumerate(value):
            if len(errors) > PROBLEMS_KEPT:
                return
            check_value(kind.item, item, f"{path}[{i}]", resolver, errors)
    elif isinstance(kind, Obj):
        if not isinstance(value, kind.cls):
            fail(f"expected an object, got {describe_value(value)}")
            return
        for name, sub in kind.fields.items():
            check_value(sub, getattr(value, name), f"{path}.{name}", resolver, errors)


# ---------------------------------------------------------------- checking many records
_TEXT_PROBLEM = re.compile("[\x00\ud800-\udfff]")
_ID_MATCH = ID_PATTERN.fullmatch


def _quick_check(kind: FieldKind, resolver_ids: dict[str, set[str]], valid_dates: set[str]):
    """A predicate that is True only for a value ``check_value`` finds nothing wrong with.

    It may say False for a good value (then the full check decides): it only has to be
    fast for the values a file usually holds, with as few Python calls as possible."""
    if isinstance(kind, Id):
        return lambda v: v.__class__ is str and _ID_MATCH(v) is not None
    if isinstance(kind, Text):
        search = _TEXT_PROBLEM.search
        if kind.required:
            return lambda v: v.__class__ is str and search(v) is None and not (not v or v.isspace())
        if kind.nullable:
            return lambda v: v is None or (v.__class__ is str and search(v) is None)
        return lambda v: v.__class__ is str and search(v) is None
    if isinstance(kind, Choice):
        allowed = frozenset(m.value for m in kind.enum)
        return lambda v: v.__class__ is str and v in allowed
    if isinstance(kind, Date):
        def date_ok(v, nullable=kind.nullable) -> bool:
            if v is None:
                return nullable
            if v.__class__ is not str:
                return False
            if v in valid_dates:
                return True
            try:
                PartialDate.parse(v)
            except ValueError:
                return False
            valid_dates.add(v)
            return True
        return date_ok
    if isinstance(kind, Integer):
        low, high, nullable = kind.low, kind.high, kind.nullable
        return lambda v: (v is None and nullable) or (v.__class__ is int and low <= v <= high)
    if isinstance(kind, Country):
        match = _COUNTRY.fullmatch
        return lambda v: v is None or (v.__class__ is str and match(v) is not None)
    if isinstance(kind, Ref):
        ids = resolver_ids[kind.collection]  # only valid ids are in it
        nullable = kind.nullable
        return lambda v: (v is None and nullable) or (v.__class__ is str and v in ids)
    if isinstance(kind, ListOf):
        item = _quick_check(kind.item, resolver_ids, valid_dates)
        return lambda v: v.__class__ is list and all(map(item, v))
    if isinstance(kind, Obj):
        checks = [_quick_check(sub, resolver_ids, valid_dates) for sub in kind.fields.values()]
        get = attrgetter(*kind.fields) if len(kind.fields) > 1 else (lambda v, g=attrgetter(*kind.fields): (g(v),))
        cls = kind.cls
        return lambda v: v.__class__ is cls and all(map(call, checks, get(v)))
    return lambda v: False


def record_checker(collection: str, resolver_ids: dict[str, set[str]]):
    """A fast test for many records of one collection: True only when ``validate_record``
    (with a resolver whose ``exists`` answers from ``resolver_ids``) would find no problem
    in its fields. Cross-field rules are not covered: run them on records that pass."""
    valid_dates: set[str] = set()
    fields = FIELDS[collection]
    get = attrgetter(*fields)
    checks = [_quick_check(kind, resolver_ids, valid_dates) for kind in fields.values()]

    def check(record) -> bool:
        return all(map(call, checks, get(record)))

    return check


def cross_field_errors(collection: str, record: object, resolver: Resolver | None,
                       index: int | None = None) -> list[FieldError]:
    """The rules across fields, for a record whose every field is known to be valid."""
    errors: list[FieldError] = []
    if collection in _CROSS_FIELD_COLLECTIONS:
        _cross_field_rules(collection, record, record_path(collection, record, index), resolver, set(), errors)
    return errors


#: Collections with rules across fields (the others only have field rules).
_CROSS_FIELD_COLLECTIONS = frozenset({"rounds", "negotiations", "people", "positions"})


def record_path(collection: str, record: object, index: int | None = None) -> str:
    rid = getattr(record, "id", None)
    if is_valid_id(rid):
        return f"{collection}[{rid}]"
    return f"{collection}[#{index if index is not None else 0}]"


def validate_record(
    collection: str, record: object, resolver: Resolver | None, *, index: int | None = None
) -> list[FieldError]:
    """Every problem with one record: field by field, then the rules across fields."""
    base = record_path(collection, record, index)
    errors: list[FieldError] = []
    for name, kind in FIELDS[collection].items():
        check_value(kind, getattr(record, name), f"{base}.{name}", resolver, errors)
    bad = {e.path for e in errors}
    _cross_field_rules(collection, record, base, resolver, bad, errors)
    return errors


def _dates_out_of_order(end: object, start: object) -> bool:
    if not isinstance(end, str) or not isinstance(start, str):
        return False
    try:
        return certainly_before(end, start)
    except ValueError:
        return False


def _cross_field_rules(collection, record, base, resolver, bad, errors) -> None:
    def ok(path: str) -> bool:
        return path not in bad

    if collection == "rounds" and _dates_out_of_order(record.end, record.start):
        if ok(f"{base}.end") and ok(f"{base}.start"):
            errors.append(FieldError(f"{base}.end", f"ends {record.end}, before it starts {record.start}"))
    if collection == "negotiations":
        if _dates_out_of_order(record.ended, record.started):
            errors.append(
                FieldError(f"{base}.ended", f"ended {record.ended}, before it started {record.started}")
            )
        seen: dict[str, int] = {}
        if isinstance(record.parties, list):
            for i, entry in enumerate(record.parties):
                party = getattr(entry, "party", None)
                if isinstance(party, str):
                    if party in seen:
                        errors.append(
                            FieldError(
                                f"{base}.parties[{i}].party",
                                f"party {quote_user_text(party)} already listed at parties[{seen[party]}]",
                            )
                        )
                    else:
                        seen[party] = i
    if collection == "people" and isinstance(record.roles, list):
        for i, role in enumerate(record.roles):
            if isinstance(role, Role) and _dates_out_of_order(role.end, role.start):
                errors.append(
                    FieldError(f"{base}.roles[{i}].end", f"ends {role.end}, before it starts {role.start}")
                )
    if resolver is None:
        return
    negotiation = getattr(record, "negotiation", None)
    if not isinstance(negotiation, str) or not ok(f"{base}.negotiation"):
        return

    def same_negotiation(path: str, ref_collection: str, ref_id: object) -> None:
        if not isinstance(ref_id, str) or not ok(path):
            return
        owner = resolver.negotiation_of(ref_collection, ref_id)
        if owner is not None and owner != negotiation:
            errors.append(
                FieldError(
                    path,
                    f"{SINGULAR[ref_collection]} {quote_user_text(ref_id)} belongs to negotiation "
                    f"{quote_user_text(owner)}, not {quote_user_text(negotiation)}",
                )
            )

    if collection == "positions":
        same_negotiation(f"{base}.topic", "topics", record.topic)
        same_negotiation(f"{base}.round", "rounds", record.round)
    if collection == "rounds" and isinstance(record.topics, list):
        for i, topic in enumerate(record.topics):
            same_negotiation(f"{base}.topics[{i}]", "topics", topic)


class ViaLoop(Sequence):
    """A via loop as seen from one of its sources: the sources in order, from that one back to it
    (``['a', 'b', 'a']``). Every source of a loop shares one list, so a loop of thousands of
    sources takes no more than that list, however many of its sources are reported."""

    __slots__ = ("members", "start")

    def __init__(self, members: list[str], start: int):
        self.members = members
        self.start = start

    def __len__(self) -> int:
        return len(self.members) + 1

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self.members[(self.start + index) % len(self.members)]

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, (list, ViaLoop)) else NotImplemented

    def __repr__(self) -> str:
        return repr(list(self)) if len(self) <= 20 else f"ViaLoop({len(self) - 1} sources from {self[0]!r})"


def via_cycles(vias: dict[str, str | None]) -> dict[str, ViaLoop]:
    """Sources whose ``via`` chain comes back to where it started, with the loop (in time and
    memory proportional to the number of sources, however long the loops)."""
    on_cycle: dict[str, ViaLoop] = {}
    state: dict[str, int] = {}  # 1 visiting, 2 done
    for start in vias:
        if state.get(start):
            continue
        trail: list[str] = []
        node: str | None = start
        while node is not None and node in vias and not state.get(node):
            state[node] = 1
            trail.append(node)
            node = vias[node]
        if node is not None and state.get(node) == 1:
            loop = trail[trail.index(node):]
            for i, member in enumerate(loop):
                on_cycle[member] = ViaLoop(loop, i)
        for member in trail:
            state[member] = 2
    return on_cycle


#: Sources of a via loop named in its message; a longer loop is shown by its ends.
LOOP_SHOWN = 6


def cycle_error(collection_base: str, loop: Sequence[str]) -> FieldError:
    if len(loop) > LOOP_SHOWN + 1:  # the loop ends where it starts: show both ends, count the rest
        half = LOOP_SHOWN // 2
        shown = [*(quote_user_text(loop[i]) for i in range(half)), f"… ({len(loop) - LOOP_SHOWN} more)",
                 *(quote_user_text(loop[i]) for i in range(len(loop) - half, len(loop)))]
    else:
        shown = [quote_user_text(s) for s in loop]
    chain = " -> ".join(shown)
    return FieldError(f"{collection_base}.via", f"the via chain comes back to where it started: {chain}")
