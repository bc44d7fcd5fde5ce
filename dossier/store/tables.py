"""Typed SQLAlchemy tables of a workspace.

Every record has an integer primary key for joins, a ``uid``: the stable external id
of the interchange format (unique per table), and a ``version`` that every saved change
raises by one (a save based on an older version is refused). Lists inside a record live in child tables
with an ``ordinal`` that keeps their order. The schema itself is created only by the
Alembic migrations in ``store/migrations``; a test checks both agree.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from dossier.store import checks

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

def enum_check(column: str, values: list[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def not_blank(column: str) -> str:
    return f"length(trim({column})) > 0"


class nocase(FunctionElement):  # noqa: N801 - reads as SQL: nocase(people.c.name)
    """A text column compared and sorted without case: SQLite's NOCASE collation (which the
    ``*_nocase`` indexes serve), ``lower()`` on PostgreSQL (the same indexes are on lower())."""

    type = Text()
    inherit_cache = True


@compiles(nocase)
def _nocase_lower(element: nocase, compiler, **kw) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(nocase, "sqlite")
def _nocase_collate(element: nocase, compiler, **kw) -> str:
    return f"{compiler.process(element.clauses, **kw)} COLLATE NOCASE"


#: How many characters of a name, a title or a summary PostgreSQL's indexes on it hold (migration
#: 0011): a b-tree entry holds at most about 2,700 bytes, and 500 characters are at most 2,000
#: bytes (four a character), lowered or not. SQLite indexes the whole text.
INDEXED_PREFIX = 500


class nocase_prefix(FunctionElement):  # noqa: N801 - reads as SQL: nocase_prefix(people.c.name)
    """The first ``INDEXED_PREFIX`` characters of ``nocase(column)``: what PostgreSQL's ``*_nocase``
    indexes hold (``left(lower(column), 500)``). Sorting by it, then by ``nocase(column)``, is
    sorting by ``nocase(column)``, and an index on it serves the first: a prefix sorts as the text
    it begins, byte by byte (the C collations); in a linguistic collation too, but for two texts
    alike through their first 500 characters except for what the collation passes over at first
    (punctuation, case, accents). On SQLite, whose indexes hold the whole text, it is
    ``nocase(column)`` itself; the listings use it only on PostgreSQL."""

    type = Text()
    inherit_cache = True


@compiles(nocase_prefix)
def _nocase_prefix_left(element: nocase_prefix, compiler, **kw) -> str:
    return f"left(lower({compiler.process(element.clauses, **kw)}), {INDEXED_PREFIX})"


@compiles(nocase_prefix, "sqlite")
def _nocase_prefix_collate(element: nocase_prefix, compiler, **kw) -> str:
    return f"{compiler.process(element.clauses, **kw)} COLLATE NOCASE"


class like_nocase(FunctionElement):  # noqa: N801 - reads as SQL: like_nocase(column, pattern)
    """``column LIKE pattern`` without case, ``\\`` escaping wildcards: SQLite's LIKE already
    ignores case; PostgreSQL's ILIKE does."""

    type = Boolean()
    inherit_cache = True


@compiles(like_nocase)
def _like_nocase_ilike(element: like_nocase, compiler, **kw) -> str:
    column, pattern = (compiler.process(c, **kw) for c in element.clauses)
    return f"{column} ILIKE {pattern} ESCAPE '\\'"


@compiles(like_nocase, "sqlite")
def _like_nocase_like(element: like_nocase, compiler, **kw) -> str:
    column, pattern = (compiler.process(c, **kw) for c in element.clauses)
    return f"{column} LIKE {pattern} ESCAPE '\\'"


class date_order(FunctionElement):  # noqa: N801 - reads as SQL: date_order(positions.c.date)
    """A partial date as it sorts ("Dates are ranges", docs/analysis.md): ``date || '~'``.

    A date is stored as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (checked), and '~' sorts after
    '-' and every digit, so ``2025-06-30~`` < ``2025-06~`` < ``2025-07-01~`` < ``2025-12~`` <
    ``2025~``: a month or a year after every fuller date inside it, before the next one; NULL
    stays NULL. Compared byte by byte: SQLite's BINARY collation, ``COLLATE "C"`` on PostgreSQL
    (a database's own collation may pass over punctuation). The ``*_date_order`` indexes are on
    this very expression, and SQLite uses an index on an expression only for a query that spells
    it the same: so the '~' is written in the SQL, never sent as a parameter."""

    type = Text()
    inherit_cache = True


@compiles(date_order)
def _date_order_c(element: date_order, compiler, **kw) -> str:
    return f"({compiler.process(element.clauses, **kw)} || '~') COLLATE \"C\""


@compiles(date_order, "sqlite")
def _date_order_binary(element: date_order, compiler, **kw) -> str:
    return f"({compiler.process(element.clauses, **kw)} || '~')"


#: Every table of a workspace (SQLAlchemy Core: nothing here needs the ORM).
metadata = MetaData(naming_convention=NAMING)


def _record_table(name: str, *items) -> Table:
    """A record's table: the integer key, the interchange id (``uid``: unique, checked) and the
    ``version`` every save raises, then the record's own columns and constraints."""
    return Table(
        name, metadata,
        Column("id", Integer, primary_key=True),
        Column("uid", String(64), unique=True, nullable=False),
        Column("version", Integer, server_default=text("1"), nullable=False),
        CheckConstraint(checks.valid_uid(), name="uid"),
        *items,
    )


def _list_table(name: str, owner: str, owner_table: str, *items) -> Table:
    """One list of a record: the owner (``<owner>_id``, deleted with it) and the item's place in
    the list (``ordinal``, unique per owner), then the item's own columns and constraints."""
    return Table(
        name, metadata,
        Column("id", Integer, primary_key=True),
        Column(f"{owner}_id", Integer, ForeignKey(f"{owner_table}.id", ondelete="CASCADE"), nullable=False),
        Column("ordinal", Integer, nullable=False),
        UniqueConstraint(f"{owner}_id", "ordinal", name=f"uq_{name}_{owner}_ordinal"),
        *items,
    )


parties = _record_table(
    "parties",
    Column("name", Text, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("country", String(2)),
    Column("notes", Text),
    CheckConstraint(not_blank("name"), name="name"),
    CheckConstraint(enum_check("kind", ["state", "organization", "armed_group", "other"]), name="kind"),
    CheckConstraint(checks.country_code(), name="country"),
    Index("ix_parties_name", "name"),
)
Index("ix_parties_name_nocase", parties.c.name.collate("NOCASE"))
# The indexes on names, titles and summaries are declared as SQLite has them; on PostgreSQL they
# hold the first INDEXED_PREFIX characters of the text (``left(name, 500)``, ``nocase_prefix``):
# see migration 0011.


people = _record_table(
    "people",
    Column("name", Text, nullable=False),
    Column("native_name", Text),
    Column("party_id", Integer, ForeignKey("parties.id"), index=True),
    Column("title", Text),
    Column("bio", Text),
    Column("notes", Text),
    CheckConstraint(not_blank("name"), name="name"),
    Index("ix_people_name", "name"),
)
Index("ix_people_name_nocase", people.c.name.collate("NOCASE"))


person_aliases = _list_table(
    "person_aliases", "person", "people",
    Column("alias", Text, nullable=False),
)


person_roles = _list_table(
    "person_roles", "person", "people",
    Column("title", Text, nullable=False),
    Column("organization", Text),
    Column("start", String(10)),
    Column("end", String(10)),
    CheckConstraint(not_blank("title"), name="title"),
    CheckConstraint(checks.partial_date("start"), name="start"),
    CheckConstraint(checks.partial_date("end"), name="end"),
)


negotiations = _record_table(
    "negotiations",
    Column("title", Text, nullable=False),
    Column("summary", Text),
    Column("status", String(20), nullable=False),
    Column("started", String(10)),
    Column("ended", String(10)),
    CheckConstraint(not_blank("title"), name="title"),
    CheckConstraint(enum_check("status", ["active", "suspended", "concluded", "collapsed"]), name="status"),
    CheckConstraint(checks.partial_date("started"), name="started"),
    CheckConstraint(checks.partial_date("ended"), name="ended"),
)


negotiation_parties = _list_table(
    "negotiation_parties", "negotiation", "negotiations",
    Column("party_id", Integer, ForeignKey("parties.id"), index=True, nullable=False),
    Column("role", String(20), nullable=False),
    UniqueConstraint("negotiation_id", "party_id", name="uq_negotiation_parties_negotiation_party"),
    CheckConstraint(enum_check("role", ["party", "mediator", "observer", "host"]), name="role"),
)


topics = _record_table(
    "topics",
    Column("negotiation_id", Integer, ForeignKey("negotiations.id"), index=True, nullable=False),
    Column("title", Text, nullable=False),
    Column("description", Text),
    Column("category", Text),
    CheckConstraint(not_blank("title"), name="title"),
)
Index("ix_topics_title_nocase", topics.c.title.collate("NOCASE"))


rounds = _record_table(
    "rounds",
    Column("negotiation_id", Integer, ForeignKey("negotiations.id"), nullable=False),
    Column("number", BigInteger),
    Column("title", Text),
    Column("start", String(10)),
    Column("end", String(10)),
    Column("venue", Text),
    Column("status", String(20), nullable=False),
    Column("mediator_id", Integer, ForeignKey("people.id"), index=True),
    Column("summary", Text),
    UniqueConstraint("negotiation_id", "number", name="uq_rounds_negotiation_number"),
    CheckConstraint("number IS NULL OR number >= 1", name="number"),
    CheckConstraint(enum_check("status", ["planned", "held", "postponed", "cancelled"]), name="status"),
    CheckConstraint(checks.partial_date("start"), name="start"),
    CheckConstraint(checks.partial_date("end"), name="end"),
    Index("ix_rounds_number", "number"),
)
# one negotiation's rounds by date (and the look-up of a negotiation's rounds)
Index("ix_rounds_negotiation_start_order", rounds.c.negotiation_id, date_order(rounds.c.start))


round_participants = _list_table(
    "round_participants", "round", "rounds",
    Column("person_id", Integer, ForeignKey("people.id"), index=True, nullable=False),
    Column("party_id", Integer, ForeignKey("parties.id"), index=True),
    Column("role", Text),
)


round_topics = _list_table(
    "round_topics", "round", "rounds",
    Column("topic_id", Integer, ForeignKey("topics.id"), index=True, nullable=False),
)


positions = _record_table(
    "positions",
    Column("negotiation_id", Integer, ForeignKey("negotiations.id"), nullable=False),
    Column("party_id", Integer, ForeignKey("parties.id"), index=True, nullable=False),
    Column("topic_id", Integer, ForeignKey("topics.id"), index=True, nullable=False),
    Column("round_id", Integer, ForeignKey("rounds.id"), index=True),
    Column("person_id", Integer, ForeignKey("people.id"), index=True),
    Column("date", String(10)),
    Column("kind", String(20), nullable=False),
    Column("summary", Text, nullable=False),
    CheckConstraint(not_blank("summary"), name="summary"),
    CheckConstraint(
        enum_check("kind", ["demand", "offer", "red_line", "concession", "assurance", "statement"]),
        name="kind",
    ),
    CheckConstraint(checks.partial_date("date"), name="date"),
    Index("ix_positions_negotiation_topic_party", "negotiation_id", "topic_id", "party_id"),
    # one negotiation's positions in each order of the Positions table (listing.py)
    Index("ix_positions_negotiation_party", "negotiation_id", "party_id"),
    Index("ix_positions_negotiation_topic", "negotiation_id", "topic_id"),
    Index("ix_positions_negotiation_round", "negotiation_id", "round_id"),
    Index("ix_positions_negotiation_person", "negotiation_id", "person_id"),
    Index("ix_positions_negotiation_kind", "negotiation_id", "kind"),
)
Index("ix_positions_negotiation_summary_nocase", positions.c.negotiation_id,
      positions.c.summary.collate("NOCASE"))  # SQLite only (see migration 0006)
# positions by date, as dates sort (``date_order``): one negotiation's, one kind of them, every one
Index("ix_positions_negotiation_date_order", positions.c.negotiation_id, date_order(positions.c.date))
Index("ix_positions_negotiation_kind_date_order", positions.c.negotiation_id, positions.c.kind,
      date_order(positions.c.date))
Index("ix_positions_date_order", date_order(positions.c.date))


#: ``number`` is the source's number in this workspace (S1, S2 …): given once, when the source is
#: made, one past the highest ever given (``numbering``), and kept for good.
sources = _record_table(
    "sources",
    Column("title", Text, nullable=False),
    Column("publisher", Text),
    Column("url", Text),
    Column("published", String(10)),
    Column("reliability", String(1), nullable=False),
    Column("via_id", Integer, ForeignKey("sources.id"), index=True),
    Column("notes", Text),
    Column("text", Text),
    Column("number", Integer, unique=True, nullable=False),
    CheckConstraint(not_blank("title"), name="title"),
    CheckConstraint(enum_check("reliability", list("ABCDEF")), name="reliability"),
    CheckConstraint(checks.partial_date("published"), name="published"),
    CheckConstraint("via_id IS NULL OR via_id <> id", name="via_self"),
    CheckConstraint("number >= 1", name="number"),
)
Index("ix_sources_title_nocase", sources.c.title.collate("NOCASE"))
Index("ix_sources_published_order", date_order(sources.c.published))


#: The highest number ever given to a record of a numbered collection (``sources``), so that
#: a number is never given again, even once the record that held it is deleted.
numbering = Table(
    "numbering", metadata,
    Column("collection", String(20), primary_key=True),
    Column("highest", Integer, nullable=False),
    CheckConstraint("highest >= 0", name="highest"),
)


events = _record_table(
    "events",
    Column("negotiation_id", Integer, ForeignKey("negotiations.id"), nullable=False),
    Column("date", String(10), nullable=False),
    Column("title", Text, nullable=False),
    Column("description", Text),
    CheckConstraint(not_blank("title"), name="title"),
    CheckConstraint(checks.partial_date("date", nullable=False), name="date"),
    Index("ix_events_negotiation_date", "negotiation_id", "date"),
)


event_people = _list_table(
    "event_people", "event", "events",
    Column("person_id", Integer, ForeignKey("people.id"), index=True, nullable=False),
)


#: A citation of a source by exactly one round, position or event.
citations = Table(
    "citations", metadata,
    Column("id", Integer, primary_key=True),
    Column("round_id", Integer, ForeignKey("rounds.id", ondelete="CASCADE"), index=True),
    Column("position_id", Integer, ForeignKey("positions.id", ondelete="CASCADE"), index=True),
    Column("event_id", Integer, ForeignKey("events.id", ondelete="CASCADE"), index=True),
    Column("ordinal", Integer, nullable=False),
    Column("source_id", Integer, ForeignKey("sources.id"), index=True, nullable=False),
    Column("credibility", Integer, nullable=False),
    Column("quote", Text),
    CheckConstraint("credibility BETWEEN 1 AND 6", name="credibility"),
    CheckConstraint(
        checks.exactly_one_set("round_id", "position_id", "event_id"), name="owner"
    ),
)


#: One edit of one record: who made it, when, and the record before and after (JSON text).
#: Imports write one row per record without the JSON. ``origin`` names the open workspace
#: that wrote the row, so that a workspace can tell its own changes from others'. ``who`` is
#: the analyst's name as the writer declares it; ``login`` the account that wrote the row: on
#: PostgreSQL the database login, set by the server itself (migration 0010: a trigger
#: overwrites whatever the writer sends), on a workspace file the OS user.
history = Table(
    "history", metadata,
    Column("id", Integer, primary_key=True),
    Column("collection", String(20), nullable=False),
    Column("uid", String(64), nullable=False),
    Column("action", String(10), nullable=False),
    Column("at", String(32), nullable=False),  # UTC, ISO 8601 with microseconds: 2026-01-31T09:15:00.123456Z
    Column("who", Text, nullable=False),
    Column("before", Text),
    Column("after", Text),
    Column("origin", String(32)),
    Column("login", Text),
    CheckConstraint(enum_check("action", ["create", "update", "delete", "import"]), name="action"),
    Index("ix_history_collection_uid", "collection", "uid", "id"),
)