"""Pages of rows for the desktop app's tables: sorted, filtered and counted in SQL.

A page is found by keyset paging: the rows after the last one shown, in the order
``(sort value, key)``, never by ``OFFSET`` (which would re-read every earlier row). The
integer key breaks ties, so the order is total and the walk through a table with
100,000 rows costs the same on its last page as on its first.

NULL sort values come first in ascending order and last in descending order (SQLite's
own rule); the keyset condition spells both cases out so an index can still serve it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Connection,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
)

from dossier.model.enums import PositionKind, RoundStatus
from dossier.store import tables as t

people = t.PersonRow.__table__
parties = t.PartyRow.__table__
positions = t.PositionRow.__table__
topics = t.TopicRow.__table__
rounds = t.RoundRow.__table__
sources = t.SourceRow.__table__
negotiations = t.NegotiationRow.__table__
participants = t.ParticipantRow.__table__
aliases = t.AliasRow.__table__
events = t.EventRow.__table__


@dataclass(frozen=True)
class ListRow:
    """One table row: the record's id, where it sits in the order, and its display texts."""

    id: str
    sort_key: tuple  # (sort value, integer key): pass as ``after`` to get the next page
    cells: dict[str, str]


@dataclass(frozen=True)
class _Listing:
    table: object
    #: cell name -> SQL expression giving the value shown (None shown as "")
    cells: Callable[[], dict[str, ColumnElement]]
    #: sort name -> SQL expression it orders by
    sorts: Callable[[], dict[str, ColumnElement]]
    #: filter name -> function(value) -> SQL condition
    filters: dict[str, Callable[[object], ColumnElement]]
    #: columns searched by the text filter
    text_columns: Callable[[], list[ColumnElement]]
    joins: Callable[[object], object] = lambda q: q


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


# ---------------------------------------------------------------- people
_person_party = parties.alias("person_party")


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
        "rounds": cast(_rounds_attended(), String),
    }


def _people_sorts():
    return {
        "name": _nocase(people.c.name),
        "native_name": people.c.native_name,
        "party": _nocase(_person_party.c.name),
        "title": _nocase(people.c.title),
        "rounds": _rounds_attended(),
    }


def _people_text_condition(pattern: str) -> ColumnElement:
    return or_(
        *(t.like_nocase(col, pattern) for col in (people.c.name, people.c.native_name, people.c.title,
                                                    _person_party.c.name)),
        select(aliases.c.id).where(aliases.c.person_id == people.c.id,
                                   t.like_nocase(aliases.c.alias, pattern)).exists(),
    )


# ---------------------------------------------------------------- positions
_pos_party = parties.alias("pos_party")
_pos_topic = topics.alias("pos_topic")
_pos_round = rounds.alias("pos_round")
_pos_person = people.alias("pos_person")


def _round_label(table) -> ColumnElement:
    return func.coalesce(
        literal("Round ") + cast(table.c.number, String),
        table.c.title,
        table.c.uid,
    )


def _kind_label() -> ColumnElement:
    return case({k.value: k.label for k in PositionKind}, value=positions.c.kind, else_=positions.c.kind)


def _positions_cells():
    return {
        "date": positions.c.date,
        "party": _pos_party.c.name,
        "topic": _pos_topic.c.title,
        "kind": _kind_label(),
        "summary": positions.c.summary,
        "round": case((_pos_round.c.id.is_(None), None), else_=_round_label(_pos_round)),
        "person": _pos_person.c.name,
    }


def _positions_sorts():
    return {
        "date": positions.c.date,
        "party": _nocase(_pos_party.c.name),
        "topic": _nocase(_pos_topic.c.title),
        "kind": positions.c.kind,
        "summary": _nocase(positions.c.summary),
        "round": _pos_round.c.number,
        "person": _nocase(_pos_person.c.name),
    }


# ---------------------------------------------------------------- rounds
def _round_dates() -> ColumnElement:
    return case(  # CASE, not SQLite's iif(): the same SQL runs on PostgreSQL
        (rounds.c.end.is_(None) | (rounds.c.end == rounds.c.start), rounds.c.start),
        else_=func.coalesce(rounds.c.start, "?") + literal(" – ") + rounds.c.end,
    )


def _rounds_cells():
    return {
        "number": cast(rounds.c.number, String),
        "title": rounds.c.title,
        "dates": _round_dates(),
        "venue": rounds.c.venue,
        "status": case({s.value: s.value.capitalize() for s in RoundStatus}, value=rounds.c.status,
                       else_=rounds.c.status),
        "participants": cast(
            select(func.count()).select_from(participants)
            .where(participants.c.round_id == rounds.c.id).scalar_subquery(), String),
    }


def _rounds_sorts():
    return {
        "number": rounds.c.number,
        "title": _nocase(rounds.c.title),
        "dates": rounds.c.start,
        "venue": _nocase(rounds.c.venue),
        "status": rounds.c.status,
    }


# ---------------------------------------------------------------- sources
_via = sources.alias("via_source")


def _citations_count() -> ColumnElement:
    cit = t.CitationRow.__table__
    return select(func.count()).select_from(cit).where(cit.c.source_id == sources.c.id).scalar_subquery()


def _sources_cells():
    return {
        "title": sources.c.title,
        "publisher": sources.c.publisher,
        "reliability": sources.c.reliability,
        "published": sources.c.published,
        "via": _via.c.title,
        "cited": cast(_citations_count(), String),
    }


def _sources_sorts():
    return {
        "title": _nocase(sources.c.title),
        "publisher": _nocase(sources.c.publisher),
        "reliability": sources.c.reliability,
        "published": sources.c.published,
        "via": _nocase(_via.c.title),
        "cited": _citations_count(),
    }


LISTINGS: dict[str, _Listing] = {
    "people": _Listing(
        people, _people_cells, _people_sorts,
        {"party": _ref_filter(people.c.party_id, parties)},
        lambda: [people.c.name, people.c.native_name, people.c.title, _person_party.c.name],
        lambda q: q.outerjoin(_person_party, _person_party.c.id == people.c.party_id),
    ),
    "positions": _Listing(
        positions, _positions_cells, _positions_sorts,
        {
            "negotiation": _ref_filter(positions.c.negotiation_id, negotiations),
            "party": _ref_filter(positions.c.party_id, parties),
            "topic": _ref_filter(positions.c.topic_id, topics),
            "round": _ref_filter(positions.c.round_id, rounds),
            "person": _ref_filter(positions.c.person_id, people),
            "kind": _eq_filter(positions.c.kind),
        },
        lambda: [positions.c.summary, _pos_party.c.name, _pos_topic.c.title, _pos_person.c.name],
        lambda q: (q.join(_pos_party, _pos_party.c.id == positions.c.party_id)
                   .join(_pos_topic, _pos_topic.c.id == positions.c.topic_id)
                   .outerjoin(_pos_round, _pos_round.c.id == positions.c.round_id)
                   .outerjoin(_pos_person, _pos_person.c.id == positions.c.person_id)),
    ),
    "rounds": _Listing(
        rounds, _rounds_cells, _rounds_sorts,
        {
            "negotiation": _ref_filter(rounds.c.negotiation_id, negotiations),
            "status": _eq_filter(rounds.c.status),
        },
        lambda: [rounds.c.title, rounds.c.venue, rounds.c.summary],
    ),
    "sources": _Listing(
        sources, _sources_cells, _sources_sorts,
        {
            "reliability": _eq_filter(sources.c.reliability),
            "via": _ref_filter(sources.c.via_id, _via),
        },
        lambda: [sources.c.title, sources.c.publisher, sources.c.url, sources.c.notes],
        lambda q: q.outerjoin(_via, _via.c.id == sources.c.via_id),
    ),
}

#: The cell names of each collection's rows, in their natural column order.
CELLS = {name: tuple(listing.cells()) for name, listing in LISTINGS.items()}
#: The sort names each collection accepts.
SORTS = {name: tuple(listing.sorts()) for name, listing in LISTINGS.items()}
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
            pattern = like_pattern(word)
            if collection == "people":
                conds.append(_people_text_condition(pattern))
            else:
                conds.append(or_(*(t.like_nocase(col, pattern) for col in listing.text_columns())))
    return conds


def _after(sort_expr, key_col, after: tuple, descending: bool) -> ColumnElement:
    value, key = after
    if not descending:
        if value is None:
            return or_(and_(sort_expr.is_(None), key_col > key), sort_expr.is_not(None))
        # the first term adds nothing to the meaning; it lets an index seek to the page's start
        return and_(sort_expr >= value, or_(sort_expr > value, and_(sort_expr == value, key_col > key)))
    if value is None:
        return and_(sort_expr.is_(None), key_col < key)
    return or_(sort_expr < value, and_(sort_expr == value, key_col < key), sort_expr.is_(None))


def page(conn: Connection, collection: str, *, filters: dict[str, object] | None = None,
         text_filter: str | None = None, sort: str | None = None, descending: bool = False,
         after: tuple | None = None, limit: int = 200) -> list[ListRow]:
    listing = LISTINGS[collection]
    table = listing.table
    sorts = listing.sorts()
    sort = sort or next(iter(sorts))
    if sort not in sorts:
        raise KeyError(f"{collection} cannot be sorted by {sort!r}")
    sort_expr = sorts[sort]
    cells = listing.cells()
    q = select(table.c.id, table.c.uid, sort_expr.label("_sort"), *(e.label(n) for n, e in cells.items()))
    q = listing.joins(q.select_from(table))
    conds = _conditions(collection, filters or {}, text_filter)
    if after is not None:
        conds.append(_after(sort_expr, table.c.id, after, descending))
    if conds:
        q = q.where(*conds)
    spell_nulls = conn.dialect.name != "sqlite"  # elsewhere NULL does not sort first by itself
    if descending:
        q = q.order_by(sort_expr.desc().nulls_last() if spell_nulls else sort_expr.desc(), table.c.id.desc())
    else:
        q = q.order_by(sort_expr.asc().nulls_first() if spell_nulls else sort_expr.asc(), table.c.id.asc())
    q = q.limit(limit)
    out = []
    for row in conn.execute(q).mappings():
        out.append(ListRow(
            id=row["uid"],
            sort_key=(row["_sort"], row["id"]),
            cells={n: "" if row[n] is None else str(row[n]) for n in cells},
        ))
    return out


def count(conn: Connection, collection: str, *, filters: dict[str, object] | None = None,
          text_filter: str | None = None) -> int:
    listing = LISTINGS[collection]
    q = select(func.count()).select_from(listing.table)
    if text_filter and text_filter.strip():
        # the joins only add columns to match against: every row has its required references
        q = listing.joins(q)
    conds = _conditions(collection, filters or {}, text_filter)
    if conds:
        q = q.where(*conds)
    return conn.execute(q).scalar_one()
