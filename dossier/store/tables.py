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
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
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


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class PartyRow(Base):
    __tablename__ = "parties"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))
    notes: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        CheckConstraint(checks.valid_uid(), name="uid"),
        CheckConstraint(not_blank("name"), name="name"),
        CheckConstraint(enum_check("kind", ["state", "organization", "armed_group", "other"]), name="kind"),
        CheckConstraint(checks.country_code(), name="country"),
        Index("ix_parties_name", "name"),
    )


Index("ix_parties_name_nocase", PartyRow.__table__.c.name.collate("NOCASE"))


class PersonRow(Base):
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    name: Mapped[str] = mapped_column(Text)
    native_name: Mapped[str | None] = mapped_column(Text)
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    bio: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    aliases: Mapped[list[AliasRow]] = relationship(
        order_by="AliasRow.ordinal", cascade="all, delete-orphan", passive_deletes=True
    )
    roles: Mapped[list[RoleRow]] = relationship(
        order_by="RoleRow.ordinal", cascade="all, delete-orphan", passive_deletes=True
    )
    __table_args__ = (
        CheckConstraint(checks.valid_uid(), name="uid"),
        CheckConstraint(not_blank("name"), name="name"),
        Index("ix_people_name", "name"),
    )


Index("ix_people_name_nocase", PersonRow.__table__.c.name.collate("NOCASE"))


class AliasRow(Base):
    __tablename__ = "person_aliases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    alias: Mapped[str] = mapped_column(Text)
    __table_args__ = (UniqueConstraint("person_id", "ordinal", name="uq_person_aliases_person_ordinal"),)


class RoleRow(Base):
    __tablename__ = "person_roles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    organization: Mapped[str | None] = mapped_column(Text)
    start: Mapped[str | None] = mapped_column(String(10))
    end: Mapped[str | None] = mapped_column(String(10))
    __table_args__ = (
        UniqueConstraint("person_id", "ordinal", name="uq_person_roles_person_ordinal"),
        CheckConstraint(not_blank("title"), name="title"),
        CheckConstraint(checks.partial_date("start"), name="start"),
        CheckConstraint(checks.partial_date("end"), name="end"),
    )


class NegotiationRow(Base):
    __tablename__ = "negotiations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    started: Mapped[str | None] = mapped_column(String(10))
    ended: Mapped[str | None] = mapped_column(String(10))
    parties: Mapped[list[NegotiationPartyRow]] = relationship(
        order_by="NegotiationPartyRow.ordinal", cascade="all, delete-orphan", passive_deletes=True
    )
    __table_args__ = (
        CheckConstraint(checks.valid_uid(), name="uid"),
        CheckConstraint(not_blank("title"), name="title"),
        CheckConstraint(enum_check("status", ["active", "suspended", "concluded", "collapsed"]), name="status"),
        CheckConstraint(checks.partial_date("started"), name="started"),
        CheckConstraint(checks.partial_date("ended"), name="ended"),
    )


class NegotiationPartyRow(Base):
    __tablename__ = "negotiation_parties"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    negotiation_id: Mapped[int] = mapped_column(ForeignKey("negotiations.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    __table_args__ = (
        UniqueConstraint("negotiation_id", "ordinal", name="uq_negotiation_parties_negotiation_ordinal"),
        UniqueConstraint("negotiation_id", "party_id", name="uq_negotiation_parties_negotiation_party"),
        CheckConstraint(enum_check("role", ["party", "mediator", "observer", "host"]), name="role"),
    )


class TopicRow(Base):
    __tablename__ = "topics"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    negotiation_id: Mapped[int] = mapped_column(ForeignKey("negotiations.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        CheckConstraint(checks.valid_uid(), name="uid"),
        CheckConstraint(not_blank("title"), name="title"),
    )


Index("ix_topics_title_nocase", TopicRow.__table__.c.title.collate("NOCASE"))


class RoundRow(Base):
    __tablename__ = "rounds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    negotiation_id: Mapped[int] = mapped_column(ForeignKey("negotiations.id"))
    number: Mapped[int | None] = mapped_column(BigInteger)
    title: Mapped[str | None] = mapped_column(Text)
    start: Mapped[str | None] = mapped_column(String(10))
    end: Mapped[str | None] = mapped_column(String(10))
    venue: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    mediator_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    summary: Mapped[str | None] = mapped_column(Text)
    participants: Mapped[list[ParticipantRow]] = relationship(
        order_by="ParticipantRow.ordinal", cascade="all, delete-orphan", passive_deletes=True
    )
    agenda: Mapped[list[AgendaRow]] = relationship(
        order_by="AgendaRow.ordinal", cascade="all, delete-orphan", passive_deletes=True
    )
    __table_args__ = (
        UniqueConstraint("negotiation_id", "number", name="uq_rounds_negotiation_number"),
        CheckConstraint(checks.valid_uid(), name="uid"),
        CheckConstraint("number IS NULL OR number >= 1", name="number"),
        CheckConstraint(enum_check("status", ["planned", "held", "postponed", "cancelled"]), name="status"),
        CheckConstraint(checks.partial_date("start"), name="start"),
        CheckConstraint(checks.partial_date("end"), name="end"),
        Index("ix_rounds_negotiation_start", "negotiation_id", "start"),
        Index("ix_rounds_number", "number"),
    )


class ParticipantRow(Base):
    __tablename__ = "round_participants"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)
    role: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (UniqueConstraint("round_id", "ordinal", name="uq_round_participants_round_ordinal"),)


class AgendaRow(Base):
    __tablename__ = "round_topics"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"), index=True)
    __table_args__ = (UniqueConstraint("round_id", "ordinal", name="uq_round_topics_round_ordinal"),)


class PositionRow(Base):
    __tablename__ = "positions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    negotiation_id: Mapped[int] = mapped_column(ForeignKey("negotiations.id"))
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    date: Mapped[str | None] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text)
    __table_args__ = (
        CheckConstraint(checks.valid_uid(), name="uid"),
        CheckConstraint(not_blank("summary"), name="summary"),
        CheckConstraint(
            enum_check("kind", ["demand", "offer", "red_line", "concession", "assurance", "statement"]),
            name="kind",
        ),
        CheckConstraint(checks.partial_date("date"), name="date"),
        Index("ix_positions_negotiation_date", "negotiation_id", "date"),
        Index("ix_positions_negotiation_topic_party", "negotiation_id", "topic_id", "party_id"),
        Index("ix_positions_negotiation_kind_date", "negotiation_id", "kind", "date"),
        Index("ix_positions_date", "date"),
        # one negotiation's positions in each order of the Positions table (listing.py)
        Index("ix_positions_negotiation_party", "negotiation_id", "party_id"),
        Index("ix_positions_negotiation_topic", "negotiation_id", "topic_id"),
        Index("ix_positions_negotiation_round", "negotiation_id", "round_id"),
        Index("ix_positions_negotiation_person", "negotiation_id", "person_id"),
        Index("ix_positions_negotiation_kind", "negotiation_id", "kind"),
    )


Index("ix_positions_negotiation_summary_nocase", PositionRow.__table__.c.negotiation_id,
      PositionRow.__table__.c.summary.collate("NOCASE"))  # SQLite only (see migration 0006)


class SourceRow(Base):
    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    title: Mapped[str] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(10))
    reliability: Mapped[str] = mapped_column(String(1))
    via_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        CheckConstraint(checks.valid_uid(), name="uid"),
        CheckConstraint(not_blank("title"), name="title"),
        CheckConstraint(enum_check("reliability", list("ABCDEF")), name="reliability"),
        CheckConstraint(checks.partial_date("published"), name="published"),
        CheckConstraint("via_id IS NULL OR via_id <> id", name="via_self"),
        Index("ix_sources_published", "published"),
    )


Index("ix_sources_title_nocase", SourceRow.__table__.c.title.collate("NOCASE"))


class EventRow(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    negotiation_id: Mapped[int] = mapped_column(ForeignKey("negotiations.id"))
    date: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    people: Mapped[list[EventPersonRow]] = relationship(
        order_by="EventPersonRow.ordinal", cascade="all, delete-orphan", passive_deletes=True
    )
    __table_args__ = (
        CheckConstraint(checks.valid_uid(), name="uid"),
        CheckConstraint(not_blank("title"), name="title"),
        CheckConstraint(checks.partial_date("date", nullable=False), name="date"),
        Index("ix_events_negotiation_date", "negotiation_id", "date"),
    )


class EventPersonRow(Base):
    __tablename__ = "event_people"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    __table_args__ = (UniqueConstraint("event_id", "ordinal", name="uq_event_people_event_ordinal"),)


class CitationRow(Base):
    """A citation of a source by exactly one round, position or event."""

    __tablename__ = "citations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    credibility: Mapped[int] = mapped_column(Integer)
    quote: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        CheckConstraint("credibility BETWEEN 1 AND 6", name="credibility"),
        CheckConstraint(
            checks.exactly_one_set("round_id", "position_id", "event_id"), name="owner"
        ),
    )


class HistoryRow(Base):
    """One edit of one record: who made it, when, and the record before and after (JSON text).

    Imports write one row per record without the JSON. ``origin`` names the open workspace
    that wrote the row, so that a workspace can tell its own changes from others'.
    """

    __tablename__ = "history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    collection: Mapped[str] = mapped_column(String(20))
    uid: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(10))
    at: Mapped[str] = mapped_column(String(32))  # UTC, ISO 8601 with microseconds: 2026-01-31T09:15:00.123456Z
    who: Mapped[str] = mapped_column(Text)
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str | None] = mapped_column(String(32))
    __table_args__ = (
        CheckConstraint(enum_check("action", ["create", "update", "delete", "import"]), name="action"),
        Index("ix_history_collection_uid", "collection", "uid", "id"),
    )
