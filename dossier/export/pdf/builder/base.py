"""The builder's state and its small pieces: names, round titles, citations, cells, where a
position without a round stands. Each section of a dossier is a mixin in its own module
(``cover``, ``glance``, ``summary``, ``chronology``, ``rounds``, ``matrix``, ``people``,
``sources``); ``DossierBuilder`` (``story``) is all of them together."""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.platypus import Spacer, Table
from reportlab.platypus.flowables import Flowable, HRFlowable

from dossier.export.pdf import styles
from dossier.export.pdf.builder.layout import _heading_text, _HeadingRoom, _SectionBreak, _table, date_words
from dossier.export.pdf.page import Anchor
from dossier.export.pdf.text import Span, TextBlock, TextStyle
from dossier.model import analysis
from dossier.model.enums import PositionKind
from dossier.model.labels import round_heading, round_title
from dossier.model.records import (
    Citation,
    Document,
    Negotiation,
    Person,
    Position,
    Round,
    source_number_label,
)


@dataclass
class Scope:
    """What one export prints."""

    kind: str  # "negotiation", "round", "person"
    negotiation: Negotiation | None
    round: Round | None = None
    person: Person | None = None
    marking: str = "RESTRICTED"
    author: str | None = None
    prepared: str = ""
    width: float = 0.0


@dataclass
class BuilderBase:
    doc: Document
    scope: Scope
    #: the workspace's number of every source (``analysis.source_numbers``)
    source_numbers: dict[str, int] = field(default_factory=dict)
    #: the sources this document cites, in the order it first cites them (filled as the story is made)
    cited: dict[str, None] = field(default_factory=dict)
    #: source id -> the quotes cited from it, in the order first cited (the annex prints them)
    quoted: dict[str, dict[str, None]] = field(default_factory=dict)
    contents: list[tuple[int, str, str]] = field(default_factory=list)

    def __post_init__(self):
        self.parties = {p.id: p for p in self.doc.parties}
        self.people = {p.id: p for p in self.doc.people}
        self.topics = {t.id: t for t in self.doc.topics}
        self.sources = {s.id: s for s in self.doc.sources}
        self.rounds = {r.id: r for r in self.doc.rounds}
        self.source_numbers = analysis.source_numbers(self.doc)
        self._ordered: dict[str, analysis.Ordered] = {}
        self._placements: dict[str, dict[str, analysis.Placement]] = {}
        self._keys = 0
        #: how many approximately placed positions were printed so far (each calls for the note)
        self.approximate_count = 0
        #: what has no records, said in one line instead of an empty section
        self.missing: list[str] = []

    # ------------------------------------------------------------ small pieces
    def key(self, prefix: str) -> str:
        self._keys += 1
        return f"{prefix}-{self._keys}"

    def heading(self, title: str, level: int, style: TextStyle, *, contents: bool = True,
                key: str | None = None) -> list[Flowable]:
        key = key or self.key("h")
        if contents:
            self.contents.append((level, title, key))
        return [_HeadingRoom(style.leading + style.space_before + style.space_after),
                Anchor(key, title, level, contents), _heading_text(title, style)]

    def subheading(self, title: str) -> list[Flowable]:
        """A heading inside a section, moved to the next page when too little room is left
        for it and the start of what follows."""
        style = styles.H3
        return [_HeadingRoom(style.leading + style.space_before + style.space_after), _heading_text(title, style)]

    def section(self, title: str, *, new_page: bool = True) -> list[Flowable]:
        """A section's title. Sections follow one another on the same page; ``new_page`` only
        asks for a new page when this one has less than its bottom fifth left."""
        flow: list[Flowable] = [_SectionBreak(), Spacer(1, 10)] if new_page else []
        return flow + self.heading(title, 0, styles.H1) + [
            HRFlowable(width="100%", thickness=1.2, color=styles.ACCENT, spaceBefore=0, spaceAfter=8)]

    def note(self, text: str) -> TextBlock:
        return TextBlock(Span(text, italic=True), styles.BODY.but(color=styles.MUTED))

    def explain(self, text: str) -> TextBlock:
        """A sentence saying how to read what follows."""
        return TextBlock(text, styles.SMALL.but(space_after=6))

    def party_name(self, party_id: str | None) -> str:
        if party_id is None:
            return "—"
        party = self.parties.get(party_id)
        return party.name if party else party_id

    def person_name(self, person_id: str | None) -> str:
        if person_id is None:
            return "—"
        person = self.people.get(person_id)
        return person.name if person else person_id

    def topic_title(self, topic_id: str) -> str:
        topic = self.topics.get(topic_id)
        return topic.title if topic else topic_id

    def ordered(self, negotiation_id: str) -> analysis.Ordered:
        """The negotiation's positions in position order, sorted once per document."""
        if negotiation_id not in self._ordered:
            self._ordered[negotiation_id] = analysis.ordered_positions(self.doc, negotiation_id)
        return self._ordered[negotiation_id]

    def round_title(self, rnd: Round) -> str:
        return round_title(rnd)

    def venue_after_title(self, rnd: Round) -> str | None:
        """The round's venue where its title does not already name it."""
        return rnd.venue if rnd.venue and not (rnd.title is None and rnd.number is not None) else None

    def round_heading(self, rnd: Round) -> str:
        """The round's title, with the word for a round that did not take place."""
        return round_heading(rnd)

    def short_round(self, rnd: Round) -> str:
        return f"Round {rnd.number}" if rnd.number is not None else self.round_title(rnd)

    # ------------------------------------------------------------ placement of round-less positions
    def placement(self, position: Position) -> analysis.Placement | None:
        """The placement of a position without a round when it is approximate, else None."""
        if position.round is not None:
            return None
        if position.negotiation not in self._placements:
            self._placements[position.negotiation] = analysis.placements(self.doc, position.negotiation)
        placed = self._placements[position.negotiation].get(position.id)
        return placed if placed is not None and placed.approximate else None

    def placement_words(self, position: Position) -> str | None:
        """``Approximately placed after Round 3 by its date (…)`` for a position without a round
        whose date does not say on which side of a round it falls; None otherwise."""
        placed = self.placement(position)
        if placed is None:
            return None
        self.approximate_count += 1
        if placed.undated:
            return "Approximately placed: no date and no round, so counted before every round"
        where = f"after {self.short_round(placed.after)}" if placed.after else "before every round"
        names = [self.short_round(r) for r in placed.spans]
        spans = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return (f"Approximately placed {where} by its date; {date_words(position.date)} also holds "
                f"the start of {spans}")

    def placement_spans(self, position: Position, color=None) -> list[Span]:
        """``placement_words`` as a line of its own beneath a position (none when it is placed exactly)."""
        placed = self.placement_words(position)
        return [Span("\n" + placed, italic=True, color=color or styles.MUTED)] if placed else []

    def approximate_note(self) -> TextBlock:
        return TextBlock(
            "Approximately placed: a position given no round is placed among the rounds by its date. A date "
            "known only to the month or year counts as the end of that month or year, so when that period "
            "also holds the start of a round the position may in fact have come before it. To make the "
            "placement exact, give the position its full date (the day) or the round it was put forward in.",
            styles.SMALL.but(space_before=4, space_after=6))

    # ------------------------------------------------------------ citations
    def cite_spans(self, citations: list[Citation], *, color=None) -> list[Span]:
        """``[S2 B2]`` for each citation, by the workspace's source numbers; every source cited
        here is listed in the annex."""
        spans: list[Span] = []
        for citation in citations:
            number = self.source_numbers.get(citation.source)
            source = self.sources.get(citation.source)
            if number is None or source is None:
                continue
            self.cited.setdefault(citation.source)
            if citation.quote and citation.quote.strip():
                self.quoted.setdefault(citation.source, {}).setdefault(citation.quote)
            spans.append(Span(f" [{source_number_label(number)}\u00a0{source.reliability}{citation.credibility}]",
                              color=color or styles.LINK, link=f"src-{number}"))
        return spans

    def annexed_sources(self) -> list[str]:
        """The sources the document cites and the sources that carried them (``via``),
        by number."""
        listed: dict[str, None] = {}
        for source_id in self.cited:
            seen: set[str] = set()
            current: str | None = source_id
            while current and current in self.sources and current not in seen:
                seen.add(current)
                listed.setdefault(current)
                current = self.sources[current].via
        return sorted(listed, key=lambda sid: (self.source_numbers.get(sid, 1 << 62), sid))

    # ------------------------------------------------------------ cells
    def cell(self, text: str | None, *, style: TextStyle = styles.CELL, cite: list[Citation] = (),
             bold: bool = False) -> TextBlock:
        spans = [Span(text if text is not None else "—", bold=bold)] + self.cite_spans(list(cite))
        return TextBlock(spans, style)

    def head_row(self, *titles: str) -> list[TextBlock]:
        return [TextBlock(t, styles.CELL_HEAD) for t in titles]

    def facts(self, pairs: list[tuple[str, str | None]], label_width: float = 95) -> Table:
        rows = [[TextBlock(label, styles.LABEL), self.cell(value)] for label, value in pairs if value]
        if not rows:
            rows = [[TextBlock("", styles.LABEL), self.cell("—")]]
        return _table(rows, [label_width, self.scope.width - label_width], header=False, zebra=False,
                      extra=[("LINEBELOW", (0, 0), (-1, -1), 0.25, styles.RULE)])

    def kind_badge(self, kind: str) -> TextBlock:
        _fill, ink, _frame = styles.KIND_LOOK[PositionKind(kind)]
        return TextBlock(Span(PositionKind(kind).label.upper(), bold=True, color=ink),
                         styles.CELL.but(size=8, leading=10))

