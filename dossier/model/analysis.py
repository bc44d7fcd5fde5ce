"""What a negotiation's records say when read together: order, latest positions, gaps,
movement between rounds, chronology. Pure functions over the model's dataclasses.

Definitions used throughout:

- **Round order**: numbered rounds first, by number; then unnumbered rounds; ties and
  unnumbered rounds by start date (``dates.sort_key``: a partial date sorts before the
  fuller dates inside its range, an unknown date last), then by id.
- **Position order**: a position put forward in a round sorts with that round, then by
  its own date, then by id. A position without a round sorts after the last round that
  started on or before its date (before every round when it is undated), then by date
  and id.
- **As of round R**: only rounds up to and including R count; positions of later
  rounds are left out, and so is any position whose date is certainly after R ended
  (after its start when it has no end).
- **Latest position**: per party and topic, the last position in position order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from dossier.errors import NotFoundError
from dossier.model.dates import PartialDate, sort_key
from dossier.model.enums import PartyRole, PositionKind
from dossier.model.records import Document, Event, Position, Round, Topic

#: Kinds by which a party claims something of the other side.
CLAIM_KINDS = frozenset({PositionKind.DEMAND, PositionKind.RED_LINE})
#: Kinds by which a party moves towards the other side.
ANSWER_KINDS = frozenset({PositionKind.OFFER, PositionKind.CONCESSION, PositionKind.ASSURANCE})


# ---------------------------------------------------------------- lookups
def find(records: Iterable, record_id: str, collection: str):
    """The record with ``record_id``, or ``NotFoundError(collection, record_id)``."""
    for record in records:
        if record.id == record_id:
            return record
    raise NotFoundError(collection, record_id)


def principal_parties(doc: Document, negotiation_id: str) -> list[str]:
    """Ids of the parties that negotiate (role ``party``), in the negotiation's order."""
    negotiation = find(doc.negotiations, negotiation_id, "negotiations")
    return [p.party for p in negotiation.parties if p.role == PartyRole.PARTY]


# ---------------------------------------------------------------- rounds
def ordered_topics(doc: Document, negotiation_id: str) -> list[Topic]:
    """A negotiation's topics in reading order: as they first come up on the agendas of
    its rounds (in round order), then the topics on no agenda, by title."""
    topics = {t.id: t for t in doc.topics if t.negotiation == negotiation_id}
    order: list[str] = []
    for rnd in ordered_rounds(doc, negotiation_id):
        order.extend(t for t in rnd.topics if t in topics and t not in order)
    rest = sorted((t for t in topics.values() if t.id not in order), key=lambda t: (t.title.casefold(), t.id))
    return [topics[t] for t in order] + rest


def round_order_key(rnd: Round) -> tuple:
    return (rnd.number is None, rnd.number or 0, sort_key(rnd.start), rnd.id)


def ordered_rounds(doc: Document, negotiation_id: str) -> list[Round]:
    """The negotiation's rounds in round order."""
    return sorted((r for r in doc.rounds if r.negotiation == negotiation_id), key=round_order_key)


def rounds_as_of(doc: Document, round_id: str) -> list[Round]:
    """The rounds of ``round_id``'s negotiation up to and including it."""
    rnd = find(doc.rounds, round_id, "rounds")
    rounds = ordered_rounds(doc, rnd.negotiation)
    return rounds[: rounds.index(rnd) + 1]


def previous_round(doc: Document, round_id: str) -> Round | None:
    rounds = rounds_as_of(doc, round_id)
    return rounds[-2] if len(rounds) > 1 else None


def _round_last_day(rnd: Round):
    when = rnd.end or rnd.start
    return PartialDate.parse(when).last_day() if when else None


# ---------------------------------------------------------------- positions
def position_order(doc: Document, negotiation_id: str):
    """A sort key function for the negotiation's positions (see module docstring)."""
    rounds = ordered_rounds(doc, negotiation_id)
    index = {r.id: i for i, r in enumerate(rounds)}
    starts = [(sort_key(r.start), i) for i, r in enumerate(rounds) if r.start]

    def rank(position: Position) -> float:
        if position.round in index:
            return float(index[position.round])
        if position.date is None:
            return -1.0
        when = sort_key(position.date)
        before = [i for start, i in starts if start <= when]
        return max(before) + 0.5 if before else -0.5

    return lambda p: (rank(p), sort_key(p.date), p.id)


Ordered = list[tuple[tuple, Position]]


def ordered_positions(doc: Document, negotiation_id: str) -> Ordered:
    """The negotiation's positions in position order, each with its sort key. Callers that
    ask several questions of one document (as of two rounds, latest and gaps) sort once and
    pass this as ``ordered``."""
    key = position_order(doc, negotiation_id)
    return sorted(((key(p), p) for p in doc.positions if p.negotiation == negotiation_id), key=lambda kp: kp[0])


def positions_as_of(doc: Document, negotiation_id: str, as_of_round_id: str | None = None, *,
                    ordered: Ordered | None = None) -> list[Position]:
    """The negotiation's positions in position order, cut at ``as_of_round_id`` when given."""
    if ordered is None:
        ordered = ordered_positions(doc, negotiation_id)
    if as_of_round_id is None:
        return [p for _key, p in ordered]
    rounds = rounds_as_of(doc, as_of_round_id)
    if rounds[-1].negotiation != negotiation_id:
        raise NotFoundError("rounds", as_of_round_id)
    limit = len(rounds) - 1 + 0.5  # the cut round, and round-less positions after its start
    last_day = _round_last_day(rounds[-1])

    def dated_after(position: Position) -> bool:
        return bool(position.date and last_day and PartialDate.parse(position.date).first_day() > last_day)

    return [p for key, p in ordered if key[0] <= limit and not dated_after(p)]


def latest_positions(
    doc: Document, negotiation_id: str, as_of_round_id: str | None = None, *, ordered: Ordered | None = None
) -> dict[tuple[str, str], Position]:
    """Each party's latest position per topic: ``{(party_id, topic_id): Position}``."""
    latest: dict[tuple[str, str], Position] = {}
    for position in positions_as_of(doc, negotiation_id, as_of_round_id, ordered=ordered):
        latest[(position.party, position.topic)] = position
    return latest


# ---------------------------------------------------------------- gaps
@dataclass(frozen=True)
class Gap:
    """A principal party's demand or red line that another principal party contradicts.

    ``claim`` is the claimant's latest position (kind demand or red line); ``against``
    holds the other principal parties' latest positions on the same topic whose kind is
    not an offer, concession or assurance: a counter-demand, a red line of their own or
    a statement. Whether an offer really meets a demand is the analyst's call; the kind
    of position is what the records say, so an offer, concession or assurance counts as
    an answer and closes the gap.
    """

    topic: str
    claim: Position
    against: tuple[Position, ...]


@dataclass(frozen=True)
class OpenDemand:
    """A principal party's demand or red line that another principal party has not
    answered at all: ``unanswered_by`` lists the principal parties without any position
    on the topic."""

    topic: str
    claim: Position
    unanswered_by: tuple[str, ...]


@dataclass(frozen=True)
class Gaps:
    conflicts: list[Gap]
    open_demands: list[OpenDemand]

    def __bool__(self) -> bool:
        return bool(self.conflicts or self.open_demands)


def _claim_order(claim: Position, topic_rank: dict[str, int]) -> tuple:
    return (claim.kind != PositionKind.RED_LINE, topic_rank.get(claim.topic, 1 << 30), claim.party)


def gaps(doc: Document, negotiation_id: str, as_of_round_id: str | None = None, *,
         ordered: Ordered | None = None) -> Gaps:
    """Conflicting and unanswered claims between the principal parties (role ``party``).

    Only latest positions count (as of ``as_of_round_id`` when given). Mediators,
    observers and hosts neither open nor close gaps. Red lines come before demands,
    then topics in reading order (``ordered_topics``).
    """
    principals = principal_parties(doc, negotiation_id)
    latest = latest_positions(doc, negotiation_id, as_of_round_id, ordered=ordered)
    topic_rank = {t.id: i for i, t in enumerate(ordered_topics(doc, negotiation_id))}
    conflicts: list[Gap] = []
    open_demands: list[OpenDemand] = []
    for (party, topic), claim in latest.items():
        if party not in principals or claim.kind not in CLAIM_KINDS:
            continue
        others = [p for p in principals if p != party]
        against = tuple(
            latest[(o, topic)] for o in others
            if (o, topic) in latest and latest[(o, topic)].kind not in ANSWER_KINDS
        )
        silent = tuple(o for o in others if (o, topic) not in latest)
        if against:
            conflicts.append(Gap(topic, claim, against))
        if silent:
            open_demands.append(OpenDemand(topic, claim, silent))
    conflicts.sort(key=lambda g: _claim_order(g.claim, topic_rank))
    open_demands.sort(key=lambda g: _claim_order(g.claim, topic_rank))
    return Gaps(conflicts, open_demands)


# ---------------------------------------------------------------- movement
class Change(StrEnum):
    NEW = "new"
    UNCHANGED = "unchanged"
    KIND_CHANGED = "kind changed"
    RESTATED = "restated"
    DROPPED = "dropped"


@dataclass(frozen=True)
class Movement:
    """One party's stance on one topic before and in a round.

    - ``previous``: the party's latest position as of the previous round (None for the
      first round or when it had none);
    - ``current``: its latest position as of this round;
    - ``change``: NEW when it put a position forward in this round and had none before;
      RESTATED when it put one forward of the same kind as before; KIND_CHANGED when the
      kind differs (``label`` says from what to what); UNCHANGED when it said nothing new
      in this round and its earlier position stands; DROPPED when the topic was on the
      previous round's agenda, is not on this one's, and the party said nothing on it now.
    """

    topic: str
    party: str
    previous: Position | None
    current: Position | None
    change: Change

    @property
    def label(self) -> str:
        if self.change == Change.KIND_CHANGED and self.previous and self.current:
            old = PositionKind(self.previous.kind).label
            new = PositionKind(self.current.kind).label
            return f"kind changed {old} → {new}"
        return str(self.change)


def movement(doc: Document, round_id: str, *, ordered: Ordered | None = None) -> list[Movement]:
    """Movement per topic and party in ``round_id`` against the previous round.

    Topics covered: this round's agenda, then topics with positions put forward in this
    round, then topics of the previous round's agenda (so that drops show). Parties: the
    negotiation's parties in its order, then any other party with a position, each only
    where it has a position before or now.
    """
    rnd = find(doc.rounds, round_id, "rounds")
    prev = previous_round(doc, round_id)
    if ordered is None:
        ordered = ordered_positions(doc, rnd.negotiation)
    before = latest_positions(doc, rnd.negotiation, prev.id, ordered=ordered) if prev else {}
    now = latest_positions(doc, rnd.negotiation, round_id, ordered=ordered)
    topics: list[str] = []
    put_topics = [p.topic for p in doc.positions if p.round == round_id]
    for topic in [*rnd.topics, *put_topics, *(prev.topics if prev else [])]:
        if topic not in topics:
            topics.append(topic)
    negotiation = find(doc.negotiations, rnd.negotiation, "negotiations")
    parties = [p.party for p in negotiation.parties]
    for party, _topic in [*before, *now]:
        if party not in parties:
            parties.append(party)
    result: list[Movement] = []
    for topic in topics:
        for party in parties:
            old, cur = before.get((party, topic)), now.get((party, topic))
            if old is None and cur is None:
                continue
            put = cur if cur is not None and cur.round == round_id and cur is not old else None
            if put is not None:
                if old is None:
                    change = Change.NEW
                elif put.kind == old.kind:
                    change = Change.RESTATED
                else:
                    change = Change.KIND_CHANGED
            elif prev and topic in prev.topics and topic not in rnd.topics and topic not in put_topics:
                change = Change.DROPPED
            else:
                change = Change.UNCHANGED if old is not None else Change.NEW
            result.append(Movement(topic, party, old, cur, change))
    return result


# ---------------------------------------------------------------- chronology
@dataclass(frozen=True)
class ChronologyEntry:
    start: str | None
    end: str | None
    record: Round | Event

    @property
    def is_round(self) -> bool:
        return isinstance(self.record, Round)


def chronology(doc: Document, negotiation_id: str) -> list[ChronologyEntry]:
    """Rounds and events of the negotiation in date order.

    A partial date sorts before the fuller dates inside its range (``2025`` before
    ``2025-03-02``); undated rounds come last in round order. On the same date a round
    comes before an event.
    """
    find(doc.negotiations, negotiation_id, "negotiations")
    entries = [ChronologyEntry(r.start, r.end, r) for r in ordered_rounds(doc, negotiation_id)]
    entries += [ChronologyEntry(e.date, None, e) for e in doc.events if e.negotiation == negotiation_id]
    rank = {id(e.record): i for i, e in enumerate(entries)}
    return sorted(entries, key=lambda e: (sort_key(e.start), not e.is_round, rank[id(e.record)], e.record.id))
