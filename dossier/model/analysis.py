"""What a negotiation's records say when read together: the order of rounds and positions,
each party's standing position, the gaps between the parties, the movement from one held
round to the next, the chronology, and the numbers by which sources are cited. Pure
functions over the model's dataclasses: the GUI, the PDF dossier and ``dossier analyse``
all read the records through this module, so they always say the same thing.

The rules (``docs/analysis.md`` explains them for analysts, with examples):

- **Dates are ranges.** A date known only to the month or the year sorts *after* every
  fuller date inside its range (``2025-06`` after ``2025-06-13``, ``2025`` after
  ``2025-12-31``) and before the next month or year; an unknown date sorts last
  (``dates.sort_key``). Ties are broken by what the record is (a round before an event)
  and then by id.
- **Round order**: numbered rounds first, by number; then unnumbered rounds; ties and
  unnumbered rounds by start date, then id. Cancelled, postponed and planned rounds keep
  their place in this order, but only a *held* round (status ``held``) took place: only a
  held round can be the latest round, the previous round of a movement table, or have
  movement of its own.
- **Position order**: a position put forward in a round sorts with that round, then by its
  own date, then by id. A position without a round is placed among the rounds by its date:
  after the last round whose start sorts on or before that date (partial dates as ranges,
  as above), before every round when it has no date. Its placement is **approximate** when
  it has no date, or when its date and a round's start overlap without both being days
  (``2025-06`` and a round starting ``2025-06-05``; ``2025-06-10`` and a round starting
  ``2025-06``): the position may have come before or after that round. A day or a round
  makes it exact.
- **As of round R**: only rounds up to and including R count; positions of later rounds
  are left out, and so is any position whose date is certainly after R ended (after its
  start when it has no end).
- **Stance and remark.** Kinds *red line, demand, offer, concession, assurance* state a
  stance; a *statement* is a remark. A party's **standing position** on a topic is its
  latest stance in position order: a later statement does not replace it. The matrix cell
  holds the standing position and, beneath it, the latest remark made after it. With only
  statements on record the latest statement fills the cell, as a remark.
- **Gaps** are computed from the standing positions of the principal parties (role
  ``party``) only; mediators, observers and hosts neither open nor close a gap. For each
  principal party's standing demand or red line, every other principal party is one of:
  *against* it (its standing position is a red line or a demand, or it has made only
  remarks): the claim is a **conflict**; *answering* it (standing offer, concession or
  assurance): the claim is **answered — to judge**, since whether the offer meets the claim
  is the analyst's call, so it is never silently closed; *silent* (nothing on the topic):
  the claim is **open**. With three or more principal parties one claim can be in more
  than one group, each naming its own parties. Red lines come before demands, then topics
  in reading order, then parties in the negotiation's order.
- **Movement** of a held round compares, per party and topic, the cell as of the previous
  held round with the cell as of this round, and looks at what the party said in between
  (every position that counts as of this round but not as of the previous held round,
  round-less positions included where their date puts them):
  ``new`` the standing position now is a stance and there was none before; ``restated``
  the standing position is a new one of the same kind; ``kind changed`` a new one of
  another kind (``label`` says from what to what); ``remark`` the standing position is the
  same and statements were made since; ``unchanged`` nothing said since that changes the
  cell; ``off the agenda`` the topic was on the previous held round's agenda, is not on
  this one's, and nobody said anything on it since. Both cells are read in position order,
  so the movement always agrees with the matrix as of each round. ``before`` is the cell before (standing position, else
  latest remark); ``now`` is the new stance (new, restated, kind changed), the latest remark
  (remark), or the same position as ``before`` (unchanged, off the agenda: printed once).
  The first held round compares against nothing: every stance is ``new``.
- **Titles as of a round**: a participant carries the title of the role that covers the
  round's start date (the latest-starting one when several do; partial dates as ranges);
  the person's current title only when no role covers it, or the round has no date.
- **Events of a round**: a round brief lists the events dated after the previous held
  round (its end, else its start) up to this round's end (else its start).
- **Source numbers** are the workspace's (``Document.source_numbers``): the same number
  for one source in every document printed from one workspace. A document without them
  (read from a file) numbers its sources in file order.

Past 500 lines on purpose: every rule a minister reads (order, standing positions, gaps,
movement, chronology) is here and in this docstring, in one place to check against.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from dossier.errors import NotFoundError
from dossier.model.dates import PartialDate, is_approximate, sort_key
from dossier.model.enums import PartyRole, PositionKind, RoundStatus
from dossier.model.records import Document, Event, Person, Position, Round, Topic

#: Kinds by which a party claims something of the other side.
CLAIM_KINDS = frozenset({PositionKind.DEMAND, PositionKind.RED_LINE})
#: Kinds by which a party moves towards the other side.
ANSWER_KINDS = frozenset({PositionKind.OFFER, PositionKind.CONCESSION, PositionKind.ASSURANCE})
#: Kinds that state a stance; a statement is a remark and never replaces a stance.
STANCE_KINDS = CLAIM_KINDS | ANSWER_KINDS
#: The order in which roles are listed: the parties, then mediators, observers and hosts.
ROLE_ORDER = [PartyRole.PARTY, PartyRole.MEDIATOR, PartyRole.OBSERVER, PartyRole.HOST]


def is_stance(position: Position) -> bool:
    return position.kind in STANCE_KINDS


def took_place(rnd: Round) -> bool:
    """Only a held round took place; planned, postponed and cancelled ones did not."""
    return rnd.status == RoundStatus.HELD


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
    """The negotiation's rounds in round order, whatever their status."""
    return sorted((r for r in doc.rounds if r.negotiation == negotiation_id), key=round_order_key)


def rounds_as_of(doc: Document, round_id: str) -> list[Round]:
    """The rounds of ``round_id``'s negotiation up to and including it."""
    rnd = find(doc.rounds, round_id, "rounds")
    rounds = ordered_rounds(doc, rnd.negotiation)
    return rounds[: rounds.index(rnd) + 1]


def held_rounds(doc: Document, negotiation_id: str, as_of_round_id: str | None = None) -> list[Round]:
    """The rounds that took place, in round order, up to ``as_of_round_id`` when given."""
    rounds = rounds_as_of(doc, as_of_round_id) if as_of_round_id else ordered_rounds(doc, negotiation_id)
    return [r for r in rounds if took_place(r)]


def latest_round(doc: Document, negotiation_id: str, as_of_round_id: str | None = None) -> Round | None:
    """The last held round (as of ``as_of_round_id``); a cancelled, postponed or planned
    round is never the latest round."""
    held = held_rounds(doc, negotiation_id, as_of_round_id)
    return held[-1] if held else None


def previous_round(doc: Document, round_id: str) -> Round | None:
    """The last held round before ``round_id`` in round order."""
    held = [r for r in rounds_as_of(doc, round_id)[:-1] if took_place(r)]
    return held[-1] if held else None


def _round_last_day(rnd: Round):
    when = rnd.end or rnd.start
    return PartialDate.parse(when).last_day() if when else None


def _round_end_key(rnd: Round) -> tuple | None:
    when = rnd.end or rnd.start
    return sort_key(when) if when else None


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
    ask several questions of one document (as of two rounds, standing positions and gaps)
    sort once and pass this as ``ordered``."""
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


@dataclass(frozen=True)
class Placement:
    """Where a position without a round stands among the rounds.

    ``after`` is the round it is placed after (None: before every round); ``spans`` the
    rounds whose start its date range contains. ``approximate`` is true when it has no date
    or ``spans`` is not empty: a day, or a round, would make the placement exact.
    """

    position: str
    after: Round | None
    spans: tuple[Round, ...]
    undated: bool

    @property
    def approximate(self) -> bool:
        return self.undated or bool(self.spans)


def placements(doc: Document, negotiation_id: str) -> dict[str, Placement]:
    """The placement of each of the negotiation's positions that has no round."""
    rounds = [r for r in ordered_rounds(doc, negotiation_id) if r.start]
    result: dict[str, Placement] = {}
    for position in doc.positions:
        if position.negotiation != negotiation_id or position.round is not None:
            continue
        if position.date is None:
            result[position.id] = Placement(position.id, None, (), bool(rounds))
            continue
        when = sort_key(position.date)
        after = [r for r in rounds if sort_key(r.start) <= when]
        day = PartialDate.parse(position.date)
        first, last = day.first_day(), day.last_day()
        spans = tuple(r for r in rounds if _overlaps(r.start, first, last)
                      and (is_approximate(position.date) or is_approximate(r.start)))
        result[position.id] = Placement(position.id, after[-1] if after else None, spans, False)
    return result


def _overlaps(when: str, first, last) -> bool:
    d = PartialDate.parse(when)
    return d.first_day() <= last and d.last_day() >= first


# ---------------------------------------------------------------- standing positions
@dataclass(frozen=True)
class Cell:
    """A party's stance on a topic: its ``standing`` position (latest stance), and the
    latest ``remark`` (statement) made after it. With only statements on record,
    ``standing`` is None and ``remark`` holds the latest statement."""

    standing: Position | None
    remark: Position | None

    @property
    def shown(self) -> Position:
        """The position a one-line view shows: the standing position, else the remark."""
        shown = self.standing or self.remark
        assert shown is not None
        return shown

    @property
    def remark_only(self) -> bool:
        return self.standing is None


def _cells_of(positions: Iterable[Position]) -> dict[tuple[str, str], Cell]:
    cells: dict[tuple[str, str], Cell] = {}
    for position in positions:
        key = (position.party, position.topic)
        if is_stance(position):
            cells[key] = Cell(position, None)
        else:
            earlier = cells.get(key)
            cells[key] = Cell(earlier.standing if earlier else None, position)
    return cells


def standing_positions(doc: Document, negotiation_id: str, as_of_round_id: str | None = None, *,
                       ordered: Ordered | None = None) -> dict[tuple[str, str], Cell]:
    """Each party's cell per topic (as of ``as_of_round_id``): ``{(party_id, topic_id): Cell}``."""
    return _cells_of(positions_as_of(doc, negotiation_id, as_of_round_id, ordered=ordered))


@dataclass(frozen=True)
class Matrix:
    """Topics down (reading order), parties across, a cell where a party has a position.

    ``parties``: the principal parties in the negotiation's order, then the negotiation's
    other parties that have a position (mediators, observers, hosts, in that order), then
    any other party with a position, by id."""

    negotiation: str
    as_of: str | None
    topics: list[str]
    parties: list[str]
    cells: dict[tuple[str, str], Cell]

    def cell(self, party: str, topic: str) -> Cell | None:
        return self.cells.get((party, topic))


def matrix(doc: Document, negotiation_id: str, as_of_round_id: str | None = None, *,
           ordered: Ordered | None = None) -> Matrix:
    negotiation = find(doc.negotiations, negotiation_id, "negotiations")
    cells = standing_positions(doc, negotiation_id, as_of_round_id, ordered=ordered)
    with_position = {party for party, _topic in cells}
    parties = [p.party for p in negotiation.parties if p.role == PartyRole.PARTY]
    for role in ROLE_ORDER[1:]:
        parties += [p.party for p in negotiation.parties
                    if p.role == role and p.party in with_position and p.party not in parties]
    parties += sorted(with_position - set(parties))
    topics = [t.id for t in ordered_topics(doc, negotiation_id)]
    return Matrix(negotiation_id, as_of_round_id, topics, parties, cells)


# ---------------------------------------------------------------- gaps
@dataclass(frozen=True)
class Conflict:
    """A principal party's standing demand or red line (``claim``) that other principal
    parties stand against: ``against`` holds their standing red lines or demands, or their
    latest remark when they have made only remarks."""

    topic: str
    claim: Position
    against: tuple[Position, ...]


@dataclass(frozen=True)
class Answered:
    """A claim that other principal parties met only with an offer, concession or
    assurance (``answers``). Whether that meets the claim is for the analyst to judge."""

    topic: str
    claim: Position
    answers: tuple[Position, ...]


@dataclass(frozen=True)
class Open:
    """A claim that the principal parties in ``unanswered_by`` have not addressed at all."""

    topic: str
    claim: Position
    unanswered_by: tuple[str, ...]


@dataclass(frozen=True)
class Gaps:
    conflicts: list[Conflict]
    answered: list[Answered]
    open: list[Open]

    def __bool__(self) -> bool:
        return bool(self.conflicts or self.answered or self.open)


def gaps(doc: Document, negotiation_id: str, as_of_round_id: str | None = None, *,
         ordered: Ordered | None = None, cells: dict[tuple[str, str], Cell] | None = None) -> Gaps:
    """Conflicts, answered claims and open claims between the principal parties (module
    docstring), from standing positions only."""
    principals = principal_parties(doc, negotiation_id)
    if cells is None:
        cells = standing_positions(doc, negotiation_id, as_of_round_id, ordered=ordered)
    topic_rank = {t.id: i for i, t in enumerate(ordered_topics(doc, negotiation_id))}
    party_rank = {p: i for i, p in enumerate(principals)}
    claims = sorted(
        (cell.standing for (party, _topic), cell in cells.items()
         if party in party_rank and cell.standing is not None and cell.standing.kind in CLAIM_KINDS),
        key=lambda c: (c.kind != PositionKind.RED_LINE, topic_rank.get(c.topic, 1 << 30), party_rank[c.party]))
    found = Gaps([], [], [])
    for claim in claims:
        against: list[Position] = []
        answers: list[Position] = []
        silent: list[str] = []
        for other in principals:
            if other == claim.party:
                continue
            cell = cells.get((other, claim.topic))
            if cell is None:
                silent.append(other)
            elif cell.standing is None or cell.standing.kind in CLAIM_KINDS:
                against.append(cell.shown)
            else:
                answers.append(cell.standing)
        if against:
            found.conflicts.append(Conflict(claim.topic, claim, tuple(against)))
        if answers:
            found.answered.append(Answered(claim.topic, claim, tuple(answers)))
        if silent:
            found.open.append(Open(claim.topic, claim, tuple(silent)))
    return found


# ---------------------------------------------------------------- movement
class Change(StrEnum):
    NEW = "new"
    UNCHANGED = "unchanged"
    RESTATED = "restated"
    KIND_CHANGED = "kind changed"
    REMARK = "remark"
    OFF_AGENDA = "off the agenda"


@dataclass(frozen=True)
class Movement:
    """One party's stance on one topic between the previous held round and ``round``
    (module docstring). ``said`` is what the party said on the topic in between, in
    position order."""

    round: str
    topic: str
    party: str
    before: Position | None
    now: Position | None
    change: Change
    said: tuple[Position, ...] = ()

    @property
    def label(self) -> str:
        if self.change == Change.KIND_CHANGED and self.before and self.now:
            old = PositionKind(self.before.kind).label.lower()
            new = PositionKind(self.now.kind).label.lower()
            return f"kind changed from {old} to {new}"
        return str(self.change)

    @property
    def once(self) -> bool:
        """True when ``before`` and ``now`` are the same position, to be printed once."""
        return self.before is not None and self.before is self.now


def movement(doc: Document, round_id: str, *, ordered: Ordered | None = None) -> list[Movement]:
    """Movement per topic and party in held round ``round_id`` since the previous held
    round; empty for a round that did not take place.

    Topics: this round's agenda, then topics on which anything was said in between, then
    the previous held round's agenda. Parties: the negotiation's parties in its order, then
    any other party with a position, by id; each only where it has a cell before or now.
    """
    rnd = find(doc.rounds, round_id, "rounds")
    if not took_place(rnd):
        return []
    prev = previous_round(doc, round_id)
    if ordered is None:
        ordered = ordered_positions(doc, rnd.negotiation)
    earlier = positions_as_of(doc, rnd.negotiation, prev.id, ordered=ordered) if prev else []
    current = positions_as_of(doc, rnd.negotiation, round_id, ordered=ordered)
    known = {id(p) for p in earlier}
    between = [p for p in current if id(p) not in known]
    before, now = _cells_of(earlier), _cells_of(current)
    said: dict[tuple[str, str], list[Position]] = {}
    for position in between:
        said.setdefault((position.party, position.topic), []).append(position)
    spoken_topics = {topic for _party, topic in said}
    topics: list[str] = []
    for topic in [*rnd.topics, *(p.topic for p in between), *(prev.topics if prev else [])]:
        if topic not in topics:
            topics.append(topic)
    negotiation = find(doc.negotiations, rnd.negotiation, "negotiations")
    parties = [p.party for p in negotiation.parties]
    parties += sorted({party for party, _topic in now} - set(parties))
    result: list[Movement] = []
    for topic in topics:
        left_agenda = bool(prev) and topic in prev.topics and topic not in rnd.topics and topic not in spoken_topics
        for party in parties:
            old, cur = before.get((party, topic)), now.get((party, topic))
            if cur is None:
                continue
            was = old.shown if old else None
            old_standing = old.standing if old else None
            new_said = tuple(said.get((party, topic), ()))
            if cur.standing is not None and cur.standing is not old_standing:
                if old_standing is None:
                    change = Change.NEW
                elif cur.standing.kind == old_standing.kind:
                    change, was = Change.RESTATED, old_standing
                else:
                    change, was = Change.KIND_CHANGED, old_standing
                result.append(Movement(round_id, topic, party, was, cur.standing, change, new_said))
            elif cur.remark is not None and cur.remark in new_said:
                result.append(Movement(round_id, topic, party, was, cur.remark, Change.REMARK, new_said))
            else:
                # nothing said since that changes the cell (a stance said since that sorts
                # before the standing one, e.g. a round's position dated late, does not)
                change = Change.OFF_AGENDA if left_agenda and not new_said else Change.UNCHANGED
                result.append(Movement(round_id, topic, party, was, was, change, new_said))
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

    @property
    def approximate(self) -> bool:
        """True when the date is known only to the month or year, or not at all."""
        return is_approximate(self.start)

    @property
    def took_place(self) -> bool:
        """False for a round that is planned, postponed or cancelled."""
        return not self.is_round or took_place(self.record)


def chronology_key(start: str | None, is_round: bool, record_id: str) -> tuple:
    return (sort_key(start), not is_round, record_id)


def chronology(doc: Document, negotiation_id: str) -> list[ChronologyEntry]:
    """Rounds (whatever their status) and events of the negotiation in date order: partial
    dates as ranges, undated rounds last; on the same date a round before an event, then by id."""
    find(doc.negotiations, negotiation_id, "negotiations")
    entries = [ChronologyEntry(r.start, r.end, r) for r in doc.rounds if r.negotiation == negotiation_id]
    entries += [ChronologyEntry(e.date, None, e) for e in doc.events if e.negotiation == negotiation_id]
    return sorted(entries, key=lambda e: chronology_key(e.start, e.is_round, e.record.id))


# ---------------------------------------------------------------- people and events
def title_at(person: Person, rnd: Round) -> str | None:
    """The title ``person`` held on ``rnd``'s start date (its end when it has no start), by
    the roles that cover that date; the current title when none does or the round has no date."""
    when = rnd.start or rnd.end
    if not when:
        return person.title
    day = PartialDate.parse(when)
    covering = [
        (sort_key(role.start), i, role) for i, role in enumerate(person.roles)
        if (role.start is None or PartialDate.parse(role.start).first_day() <= day.last_day())
        and (role.end is None or PartialDate.parse(role.end).last_day() >= day.first_day())
    ]
    if not covering:
        return person.title
    return max(covering, key=lambda c: (c[0] if c[2].start else (0, 0, 0), c[1]))[2].title


def events_naming(doc: Document, person_id: str, negotiation_id: str | None = None) -> list[Event]:
    """The events that name ``person_id`` (of one negotiation when given), in date order."""
    return sorted((e for e in doc.events if person_id in e.people
                   and (negotiation_id is None or e.negotiation == negotiation_id)),
                  key=lambda e: chronology_key(e.date, False, e.id))


def events_of_round(doc: Document, round_id: str) -> list[Event]:
    """The events dated after the previous held round and up to ``round_id`` (module
    docstring), in date order; none for a round without a date."""
    rnd = find(doc.rounds, round_id, "rounds")
    upto = _round_end_key(rnd)
    if upto is None:
        return []
    prev = previous_round(doc, round_id)
    since = _round_end_key(prev) if prev else None
    return sorted((e for e in doc.events if e.negotiation == rnd.negotiation
                   and (since is None or sort_key(e.date) > since) and sort_key(e.date) <= upto),
                  key=lambda e: chronology_key(e.date, False, e.id))


# ---------------------------------------------------------------- sources
def source_numbers(doc: Document) -> dict[str, int]:
    """Each source's number: the workspace's own (``Document.source_numbers``), and for
    sources without one, the next numbers in the order of ``doc.sources``."""
    given = getattr(doc, "source_numbers", None) or {}
    ids = {s.id for s in doc.sources}
    numbers = {sid: n for sid, n in given.items() if sid in ids}
    following = max(numbers.values(), default=0)
    for source in doc.sources:
        if source.id not in numbers:
            following += 1
            numbers[source.id] = following
    return numbers
