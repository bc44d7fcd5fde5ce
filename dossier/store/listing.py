"""Pages of rows for the desktop app's tables: sorted, filtered and counted in SQL.

A page is found by keyset paging: the rows after the last one shown, never by ``OFFSET``
(which would re-read every earlier row), and never by sorting every matching row again:
each order is one an index gives, so the walk through a table of 100,000 rows costs the
same on its last page as on its first.

An order is a sort value, then (for a value taken from a joined record: a position's
party, topic, round or person) that record's id, then the row's own integer key, which
makes it total. On PostgreSQL, whose indexes hold only the first 500 characters of a
name, a title or a summary (migration 0011), an order by one is by those first
(``tables.nocase_prefix``), then as on SQLite: the same order, served by the index. A date
sorts as dates do ("Dates are ranges", docs/analysis.md): a month or a year after every day
inside it, by ``date || '~'`` (``tables.date_order``), on which the date indexes are. Rows
without a value come first going up and last going down (SQLite's rule for NULL). Each order is walked in up to three segments, every one served by an
index without an ``OR`` that would stop it seeking:

* rows without the joined record (a position stated by nobody): by key;
* rows whose value is NULL (a position without a date): by joined id, then key;
* rows with a value: by value, joined id, key. For a joined value the query loops over
  the joined table in the order of its index and looks up its rows (on SQLite a
  ``CROSS JOIN`` keeps that loop outermost), so a page reads about a page of rows.

A page that runs out of one segment goes on into the next.

Past 500 lines because the listings' cells, sorts, filters and the keyset walk share the
segment rules above; each listing's part is short.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    and_,
    func,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.selectable import Join

from dossier.model.dates import display_range
from dossier.model.labels import choice_words, kind_label, round_label
from dossier.model.records import source_number_label
from dossier.store import tables as t

people = t.people
parties = t.parties
positions = t.positions
topics = t.topics
rounds = t.rounds
sources = t.sources
negotiations = t.negotiations
participants = t.round_participants
aliases = t.person_aliases
events = t.events


@dataclass(frozen=True)
class ListRow:
    """One table row: the record's id, where it sits in the order, and its cells as shown
    (stored values, in the words ``model.labels`` gives them)."""

    id: str
    #: ([indexed beginning of a long text, on PostgreSQL,] sort value, [joined record's id,]
    #: integer key): pass as ``after`` to get the next page
    sort_key: tuple
    cells: dict[str, str]


@dataclass(frozen=True)
class _Join:
    """A record joined to each row through the row's ``key`` column (``alias.id = key``)."""

    alias: object
    key: ColumnElement
    outer: bool = False  # the key may be NULL; such rows are kept, without the record


@dataclass(frozen=True)
class _Sort:
    """One order of a listing: by ``value``, taken from the row or from the record joined by ``via``."""

    value: ColumnElement
    via: _Join | None = None
    nullable: bool = False  # the value can be NULL even where its record is there
    #: for a nullable value that is an expression, the least value it can have: SQLite seeks past
    #: the NULLs of an index on an expression by ``value >= least``, not by ``IS NOT NULL``
    least: object = None
    #: on PostgreSQL, the bounded beginning of ``value`` its index holds (``tables.nocase_prefix``):
    #: the order is by it, then by ``value`` (the same order), and the sort key starts with it
    prefix: ColumnElement | None = None


@dataclass(frozen=True)
class _Listing:
    table: object
    #: name -> SQL expression of a value the row shows (a stored value, never display text)
    cells: dict[str, ColumnElement]
    #: sort name -> the order it gives
    sorts: dict[str, _Sort]
    #: filter name -> function(value) -> SQL condition
    filters: dict[str, Callable[[object], ColumnElement]]
    #: a LIKE pattern -> the condition a row must meet to hold it (the text filter, per word)
    text_match: Callable[[str], ColumnElement]
    joins: tuple[_Join, ...] = ()
    #: filters whose index leaves fewer rows than walking a joined table's index would read:
    #: with one of them set, an order by a joined value sorts the rows they leave instead
    narrowing: frozenset[str] = frozenset()
    #: the row's values -> its cells as shown, in words ``model.labels`` makes; None: each value
    #: as text (None as "")
    shown: Callable[[dict], dict[str, str]] | None = None
    #: the names of the cells shown, when ``shown`` makes others than the values' names
    shown_names: tuple[str, ...] | None = None


def _text(value) -> str:
    return "" if value is None else str(value)


class _LoopFirst(Join):
    """An inner join whose left side is the outer loop: SQLite's ``CROSS JOIN`` (which its planner
    never reorders); elsewhere a plain ``JOIN`` the planner orders by its statistics."""

    inherit_cache = True


@compiles(_LoopFirst, "sqlite")
def _cross_join(join: _LoopFirst, compiler, from_linter=None, **kw) -> str:
    if from_linter:
        from_linter.edges.update(itertools.product(join.left._from_objects, join.right._from_objects))
    kw.pop("asfrom", None)
    return (f"{compiler.process(join.left, asfrom=True, from_linter=from_linter, **kw)} CROSS JOIN "
            f"{compiler.process(join.right, asfrom=True, from_linter=from_linter, **kw)} ON "
            f"{compiler.process(join.onclause, from_linter=from_linter, **kw)}")


class _Unindexed(FunctionElement):
    """An id the keyset compares but no index should serve: ``+id`` on SQLite.

    Paging rows ordered first by a joined record's id, SQLite would carry ``id > ?`` over
    to the row's own key column (``round_id > ?``) and look rows up by that range instead
    of by the join's equality, reading every later record's rows for each record."""

    type = Integer()
    inherit_cache = True


@compiles(_Unindexed)
def _unindexed_plain(element: _Unindexed, compiler, **kw) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(_Unindexed, "sqlite")
def _unindexed_plus(element: _Unindexed, compiler, **kw) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"


def _ref_filter(column, ref_table) -> Callable[[object], ColumnElement]:
    def condition(value: object) -> ColumnElement:
        if value is None:
            return column.is_(None)
        return column == select(ref_table.c.id).where(ref_table.c.uid == value).scalar_subquery()
    return condition


def _eq_filter(column) -> Callable[[object], ColumnElement]:
    return lambda value: column.is_(None) if value is None else column == value


def _nocase(column) -> ColumnElement:
    return t.nocase(column)


def _by_long_text(column, via: _Join | None = None) -> _Sort:
    """The order of a name, title or summary without case: on PostgreSQL, whose index holds only its
    beginning (migration 0011), by that beginning first."""
    return _Sort(_nocase(column), via, prefix=t.nocase_prefix(column))


def _date_order(column) -> ColumnElement:
    """A partial date as dates sort: a month or a year after every day inside it (the
    ``*_date_order`` indexes are on this expression)."""
    return t.date_order(column)


# ---------------------------------------------------------------- people
_person_party = parties.alias("person_party")
_PERSON_PARTY = _Join(_person_party, people.c.party_id, outer=True)


def _rounds_attended():
    return (
        select(func.count(func.distinct(participants.c.round_id)))
        .where(participants.c.person_id == people.c.id)
        .scalar_subquery()
    )


def _people_cells():
    return {
        "name": people.c.name,
        "native_name": people.c.native_name,
        "party": _person_party.c.name,
        "title": people.c.title,
        "rounds": _rounds_attended(),
    }


def _people_sorts():
    return {
        "name": _by_long_text(people.c.name),
        "native_name": _Sort(people.c.native_name, nullable=True),
        "party": _by_long_text(_person_party.c.name, _PERSON_PARTY),
        "title": _Sort(_nocase(people.c.title), nullable=True),
        "rounds": _Sort(_rounds_attended()),
    }


def _in_any(*columns: ColumnElement) -> Callable[[str], ColumnElement]:
    """A text match in any of ``columns``."""
    return lambda pattern: or_(*(t.like_nocase(col, pattern) for col in columns))


def _people_text_condition(pattern: str) -> ColumnElement:
    """A person's name, native name, title, party or any other spelling (an alias)."""
    return or_(
        _in_any(people.c.name, people.c.native_name, people.c.title, _person_party.c.name)(pattern),
        select(aliases.c.id).where(aliases.c.person_id == people.c.id,
                                   t.like_nocase(aliases.c.alias, pattern)).exists(),
    )


# ---------------------------------------------------------------- positions
_pos_party = parties.alias("pos_party")
_pos_topic = topics.alias("pos_topic")
_pos_round = rounds.alias("pos_round")
_pos_person = people.alias("pos_person")
_POS_PARTY = _Join(_pos_party, positions.c.party_id)
_POS_TOPIC = _Join(_pos_topic, positions.c.topic_id)
_POS_ROUND = _Join(_pos_round, positions.c.round_id, outer=True)
_POS_PERSON = _Join(_pos_person, positions.c.person_id, outer=True)


def _positions_cells():
    return {
        "date": positions.c.date,
        "party": _pos_party.c.name,
        "topic": _pos_topic.c.title,
        "kind": positions.c.kind,
        "summary": positions.c.summary,
        "round_number": _pos_round.c.number,
        "round_title": _pos_round.c.title,
        "round_id": _pos_round.c.uid,
        "person": _pos_person.c.name,
    }


_POSITIONS_SHOWN = ("date", "party", "topic", "kind", "summary", "round", "person")


def _positions_shown(v: dict) -> dict[str, str]:
    return {"date": _text(v["date"]), "party": _text(v["party"]), "topic": _text(v["topic"]),
            "kind": kind_label(v["kind"]), "summary": _text(v["summary"]),
            "round": round_label(v["round_number"], v["round_title"], v["round_id"]) if v["round_id"] else "",
            "person": _text(v["person"])}


def _positions_sorts():
    return {
        "date": _Sort(_date_order(positions.c.date), nullable=True, least=""),
        "party": _by_long_text(_pos_party.c.name, _POS_PARTY),
        "topic": _by_long_text(_pos_topic.c.title, _POS_TOPIC),
        "kind": _Sort(positions.c.kind),
        "summary": _by_long_text(positions.c.summary),
        "round": _Sort(_pos_round.c.number, _POS_ROUND, nullable=True),
        "person": _by_long_text(_pos_person.c.name, _POS_PERSON),
    }


# ---------------------------------------------------------------- rounds
def _rounds_cells():
    return {
        "number": rounds.c.number,
        "title": rounds.c.title,
        "start": rounds.c.start,
        "end": rounds.c.end,
        "venue": rounds.c.venue,
        "status": rounds.c.status,
        "participants": select(func.count()).select_from(participants)
        .where(participants.c.round_id == rounds.c.id).scalar_subquery(),
    }


_ROUNDS_SHOWN = ("number", "title", "dates", "venue", "status", "participants")


def _round_dates(start: str | None, end: str | None) -> str:
    """``5–6 Jan 2026``; a date the rules do not accept as it is stored."""
    if not start and not end:
        return ""
    try:
        return display_range(start, end)
    except ValueError:  # not dates the rules accept: as they are stored
        return f"{start or '?'} – {end}" if end and end != start else start or ""


def _rounds_shown(v: dict) -> dict[str, str]:
    return {"number": _text(v["number"]), "title": _text(v["title"]), "dates": _round_dates(v["start"], v["end"]),
            "venue": _text(v["venue"]), "status": choice_words(v["status"]),
            "participants": _text(v["participants"])}


def _rounds_sorts():
    return {
        "number": _Sort(rounds.c.number, nullable=True),
        "title": _Sort(_nocase(rounds.c.title), nullable=True),
        "dates": _Sort(_date_order(rounds.c.start), nullable=True, least=""),
        "venue": _Sort(_nocase(rounds.c.venue), nullable=True),
        "status": _Sort(rounds.c.status),
    }


# ---------------------------------------------------------------- sources
_via = sources.alias("via_source")
_SOURCE_VIA = _Join(_via, sources.c.via_id, outer=True)


def _citations_count() -> ColumnElement:
    cit = t.citations
    return select(func.count()).select_from(cit).where(cit.c.source_id == sources.c.id).scalar_subquery()


def _sources_cells():
    return {
        "number": sources.c.number,
        "title": sources.c.title,
        "publisher": sources.c.publisher,
        "reliability": sources.c.reliability,
        "published": sources.c.published,
        "via": _via.c.title,
        "cited": _citations_count(),
    }


def _sources_shown(v: dict) -> dict[str, str]:
    return {**{name: _text(value) for name, value in v.items()},
            "number": source_number_label(v["number"]) if v["number"] is not None else ""}


def _sources_sorts():
    return {
        "title": _by_long_text(sources.c.title),
        "publisher": _Sort(_nocase(sources.c.publisher), nullable=True),
        "reliability": _Sort(sources.c.reliability),
        "published": _Sort(_date_order(sources.c.published), nullable=True, least=""),
        "via": _by_long_text(_via.c.title, _SOURCE_VIA),
        "cited": _Sort(_citations_count()),
        "number": _Sort(sources.c.number),
    }


LISTINGS: dict[str, _Listing] = {
    "people": _Listing(
        people, _people_cells(), _people_sorts(),
        {"party": _ref_filter(people.c.party_id, parties)},
        _people_text_condition,
        (_PERSON_PARTY,),
        narrowing=frozenset({"party"}),
    ),
    "positions": _Listing(
        positions, _positions_cells(), _positions_sorts(),
        {
            "negotiation": _ref_filter(positions.c.negotiation_id, negotiations),
            "party": _ref_filter(positions.c.party_id, parties),
            "topic": _ref_filter(positions.c.topic_id, topics),
            "round": _ref_filter(positions.c.round_id, rounds),
            "person": _ref_filter(positions.c.person_id, people),
            "kind": _eq_filter(positions.c.kind),
        },
        _in_any(positions.c.summary, _pos_party.c.name, _pos_topic.c.title, _pos_person.c.name),
        (_POS_PARTY, _POS_TOPIC, _POS_ROUND, _POS_PERSON),
        narrowing=frozenset({"party", "topic", "round", "person", "kind"}),
        shown=_positions_shown, shown_names=_POSITIONS_SHOWN,
    ),
    "rounds": _Listing(
        rounds, _rounds_cells(), _rounds_sorts(),
        {
            "negotiation": _ref_filter(rounds.c.negotiation_id, negotiations),
            "status": _eq_filter(rounds.c.status),
        },
        _in_any(rounds.c.title, rounds.c.venue, rounds.c.summary),
        shown=_rounds_shown, shown_names=_ROUNDS_SHOWN,
    ),
    "sources": _Listing(
        sources, _sources_cells(), _sources_sorts(),
        {
            "reliability": _eq_filter(sources.c.reliability),
            # its own alias: the sort's joined "via_source" would otherwise correlate the look-up
            "via": _ref_filter(sources.c.via_id, sources.alias("via_filter")),
        },
        _in_any(sources.c.title, sources.c.publisher, sources.c.url, sources.c.notes),
        (_SOURCE_VIA,),
        narrowing=frozenset({"via"}),
        shown=_sources_shown,
    ),
}

#: The cell names of each collection's rows, in their natural column order.
CELLS = {name: listing.shown_names or tuple(listing.cells) for name, listing in LISTINGS.items()}
#: The sort names each collection accepts.
SORTS = {name: tuple(listing.sorts) for name, listing in LISTINGS.items()}
FILTERS = {name: tuple(listing.filters) for name, listing in LISTINGS.items()}


def like_pattern(text: str) -> str:
    """``%text%`` with LIKE's wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(collection: str, filters: dict[str, object], text_filter: str | None) -> list[ColumnElement]:
    listing = LISTINGS[collection]
    conds = []
    for name, value in filters.items():
        if name not in listing.filters:
            raise KeyError(f"{collection} cannot be filtered by {name!r}")
        conds.append(listing.filters[name](value))
    if text_filter and text_filter.strip():
        for word in text_filter.split():
            conds.append(listing.text_match(like_pattern(word)))
    return conds


@dataclass(frozen=True)
class _Segment:
    """Rows of one order that one index walks: which rows (``where``), the columns they are
    ordered by (none NULL among them) and, for rows having the joined record, its join."""

    where: ColumnElement | None
    keys: tuple[ColumnElement, ...]
    holds: Callable[[tuple], bool]  # whether a sort key not held by an earlier segment is here
    joined: _Join | None = None
    seek: tuple[ColumnElement, ...] | None = None  # what the keyset compares, if not ``keys``
    #: ``where`` only says what a keyset bound on ``keys`` says too (the first key is not NULL),
    #: so a page going on from a row of this segment leaves it out: two bounds on one index
    #: column, the planner might seek by the one that skips nothing
    bounded: bool = False


def _sort_values(sort: _Sort, prefixed: bool) -> tuple[ColumnElement, ...]:
    """What rows are ordered by before the joined id and the key: the value, after its indexed
    beginning where the backend's index holds only that (``prefixed``)."""
    return (sort.prefix, sort.value) if prefixed and sort.prefix is not None else (sort.value,)


def _segments(table, sort: _Sort, prefixed: bool = False) -> list[_Segment]:
    """The segments of ``sort`` in ascending order (see the module's docstring); ``prefixed``: on a
    backend whose index holds a long text's beginning only (PostgreSQL)."""
    key = table.c.id
    via, value = sort.via, sort.value
    values = _sort_values(sort, prefixed)
    ref = () if via is None else (via.alias.c.id,)
    out = []
    if via is not None and via.outer:
        at = len(values)  # the joined id's place in a sort key
        out.append(_Segment(via.key.is_(None), (key,), lambda k: k[at] is None))
    if sort.nullable:
        out.append(_Segment(value.is_(None), (*ref, key), lambda k: k[0] is None, via,
                            tuple(_Unindexed(r) for r in ref) + (key,)))
    has_value = None
    if sort.nullable:
        has_value = value.is_not(None) if sort.least is None else value >= sort.least
    out.append(_Segment(has_value, (*values, *ref, key), lambda k: True, via, bounded=True))
    return out


#: (collection, sort name, prefixed) -> the segments of that order, ascending
_SEGMENTS = {(name, sort_name, prefixed): _segments(listing.table, sort, prefixed)
             for name, listing in LISTINGS.items() for sort_name, sort in listing.sorts.items()
             for prefixed in (False, True)}


def _after(keys: tuple, values: tuple, descending: bool) -> ColumnElement:
    """Rows after ``values`` in the order of ``keys``, none of them NULL."""
    def beyond(key, value):
        return key < value if descending else key > value

    cond = beyond(keys[-1], values[-1])
    for key, value in zip(keys[-2::-1], values[-2::-1], strict=True):
        cond = or_(beyond(key, value), and_(key == value, cond))
    if len(keys) > 1:  # adds nothing to the meaning; lets an index seek to the page's start
        cond = and_(keys[0] <= values[0] if descending else keys[0] >= values[0], cond)
    return cond


def _from(listing: _Listing, joined: _Join | None, loop_first: bool):
    """The listing's table with its joins; ``joined`` inner, and the outer loop if ``loop_first``."""
    if joined is not None and loop_first:
        frm = _LoopFirst(joined.alias, listing.table, joined.alias.c.id == joined.key)
    else:
        frm = listing.table
    for join in listing.joins:
        if join is joined and loop_first:
            continue
        frm = frm.join(join.alias, join.alias.c.id == join.key, isouter=join.outer and join is not joined)
    return frm


def page(conn: Connection, collection: str, *, filters: dict[str, object] | None = None,
         text_filter: str | None = None, sort: str | None = None, descending: bool = False,
         after: tuple | None = None, limit: int = 200) -> list[ListRow]:
    listing = LISTINGS[collection]
    table = listing.table
    sorts = listing.sorts
    sort = sort or next(iter(sorts))
    if sort not in sorts:
        raise KeyError(f"{collection} cannot be sorted by {sort!r}")
    order = sorts[sort]
    filters = filters or {}
    conds = _conditions(collection, filters, text_filter)
    loop_first = not listing.narrowing.intersection(filters)
    prefixed = conn.dialect.name == "postgresql"  # its indexes hold a long text's beginning only
    segments = _SEGMENTS[collection, sort, prefixed]
    if after is not None:  # the page goes on in the segment of ``after``
        at = next(i for i, s in enumerate(segments) if s.holds(after))
        segments = segments[:at + 1] if descending else segments[at:]
    if descending:
        segments = segments[::-1]
    cells = listing.cells
    key_columns = [*_sort_values(order, prefixed), *([] if order.via is None else [order.via.alias.c.id]),
                   table.c.id]
    columns = [table.c.uid, *key_columns, *(e.label(n) for n, e in cells.items())]
    texts = slice(1 + len(key_columns), None)
    out: list[ListRow] = []
    for i, segment in enumerate(segments):
        where = [*conds]
        resumed = i == 0 and after is not None
        if segment.where is not None and not (resumed and segment.bounded):
            where.append(segment.where)
        if resumed:
            where.append(_after(segment.seek or segment.keys, after[-len(segment.keys):], descending))
        q = (select(*columns).select_from(_from(listing, segment.joined, loop_first)).where(*where)
             .order_by(*(k.desc() if descending else k.asc() for k in segment.keys)).limit(limit - len(out)))
        shown = listing.shown
        for row in conn.execute(q):  # read by position: a row makes no objects but its ListRow's
            values = zip(cells, row[texts], strict=True)
            out.append(ListRow(
                id=row[0],
                sort_key=row[1:texts.start],
                cells=shown(dict(values)) if shown is not None else {n: _text(v) for n, v in values},
            ))
        if len(out) >= limit:
            break
    return out


def count(conn: Connection, collection: str, *, filters: dict[str, object] | None = None,
          text_filter: str | None = None) -> int:
    listing = LISTINGS[collection]
    # the joins only add columns to match against: every row has its required references
    frm = _from(listing, None, False) if text_filter and text_filter.strip() else listing.table
    q = select(func.count()).select_from(frm)
    conds = _conditions(collection, filters or {}, text_filter)
    if conds:
        q = q.where(*conds)
    return conn.execute(q).scalar_one()
