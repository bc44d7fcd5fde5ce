"""The story of each kind of dossier: negotiation dossier, round brief, person profile.

Every piece of user text reaches the page through :class:`TextBlock`, which never
parses markup. Citations print as ``[S2 B2]`` (annex number, source reliability,
information credibility) and link to the annex entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from reportlab.lib.colors import white
from reportlab.platypus import CondPageBreak, PageBreak, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable, HRFlowable

from dossier.export.pdf import styles
from dossier.export.pdf.page import Anchor, Contents
from dossier.export.pdf.text import Span, TextBlock, TextStyle
from dossier.export.pdf.timeline import legend_drawing, timeline_drawings
from dossier.model import analysis
from dossier.model.dates import display_date, display_range, sort_key
from dossier.model.enums import CREDIBILITY_LABELS, RELIABILITY_LABELS, PartyRole, PositionKind
from dossier.model.palette import KIND_ORDER
from dossier.model.records import Citation, Document, Negotiation, Person, Position, Round, Source

HUGE_CELL = 2500  # characters
ROLE_ORDER = [PartyRole.PARTY, PartyRole.MEDIATOR, PartyRole.OBSERVER, PartyRole.HOST]


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


class _Table(Table):
    """A table that remembers its row heights for each (height, width, column widths) it was
    measured at: a build's second pass wraps the same tables at the same places again, and
    measuring every cell of every row is most of what a wrap costs."""

    _MEASURED = ("_rowHeights", "_rowpositions", "_height", "_hmax")

    def _calc_height(self, availHeight, availWidth, H=None, W=None):
        memo = self.__dict__.setdefault("_height_memo", {})
        key = (availHeight, availWidth, tuple(W) if W else None)
        known = memo.get(key)
        if known is not None:
            for name, value in zip(self._MEASURED, known, strict=True):
                setattr(self, name, list(value) if isinstance(value, list) else value)
            return
        super()._calc_height(availHeight, availWidth, H=H, W=W)
        memo[key] = tuple(list(v) if isinstance(v, list) else v for v in map(self.__getattribute__, self._MEASURED))

    def draw(self):
        if getattr(self.canv, "layout_only", False):  # a pass that only finds where things go
            return
        super().draw()


def _table(rows: list[list], widths: list[float], *, header: bool = True, zebra: bool = True,
           extra: Iterable[tuple] = ()) -> Table:
    # Rows move to the next page whole, unless a cell is too long to fit on any page.
    split_in_row = any(isinstance(c, TextBlock) and c.length() > HUGE_CELL for row in rows for c in row)
    table = _Table(rows, colWidths=widths, repeatRows=1 if header else 0, splitInRow=int(split_in_row),
                  hAlign="LEFT")
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, styles.RULE),
    ]
    if header:
        commands += [("BACKGROUND", (0, 0), (-1, 0), styles.HEADER_FILL),
                     ("LINEBELOW", (0, 0), (-1, 0), 0.8, styles.ACCENT)]
    if zebra:
        start = 1 if header else 0
        for row in range(start + 1, len(rows), 2):
            commands.append(("BACKGROUND", (0, row), (-1, row), styles.ZEBRA))
    table.setStyle(TableStyle([*commands, *extra]))
    return table


@dataclass
class DossierBuilder:
    doc: Document
    scope: Scope
    source_numbers: dict[str, int] = field(default_factory=dict)
    contents: list[tuple[int, str, str]] = field(default_factory=list)

    def __post_init__(self):
        self.parties = {p.id: p for p in self.doc.parties}
        self.people = {p.id: p for p in self.doc.people}
        self.topics = {t.id: t for t in self.doc.topics}
        self.sources = {s.id: s for s in self.doc.sources}
        self.rounds = {r.id: r for r in self.doc.rounds}
        self._ordered: dict[str, analysis.Ordered] = {}
        self._keys = 0

    # ------------------------------------------------------------ small pieces
    def key(self, prefix: str) -> str:
        self._keys += 1
        return f"{prefix}-{self._keys}"

    def heading(self, title: str, level: int, style: TextStyle, *, contents: bool = True,
                key: str | None = None) -> list[Flowable]:
        key = key or self.key("h")
        if contents:
            self.contents.append((level, title, key))
        return [CondPageBreak(style.leading * 4), Anchor(key, title, level, contents), TextBlock(title, style)]

    def subheading(self, title: str) -> list[Flowable]:
        """A heading inside a section, moved to the next page when too little room is left
        for it and a few lines of what follows."""
        return [CondPageBreak(styles.H3.leading + 4 * styles.BODY.leading), TextBlock(title, styles.H3)]

    def section(self, title: str, *, new_page: bool = True) -> list[Flowable]:
        flow: list[Flowable] = [PageBreak()] if new_page else []
        return flow + self.heading(title, 0, styles.H1) + [
            HRFlowable(width="100%", thickness=1.2, color=styles.ACCENT, spaceBefore=0, spaceAfter=8)]

    def note(self, text: str) -> TextBlock:
        return TextBlock(Span(text, italic=True), styles.BODY.but(color=styles.MUTED))

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
        if rnd.number is not None and rnd.title:
            return f"Round {rnd.number}: {rnd.title}"
        if rnd.number is not None:
            return f"Round {rnd.number}" + (f", {rnd.venue}" if rnd.venue else "")
        return rnd.title or (f"Round at {rnd.venue}" if rnd.venue else f"Round {rnd.id}")

    def cite_spans(self, citations: list[Citation]) -> list[Span]:
        spans: list[Span] = []
        for citation in citations:
            number = self.source_numbers.get(citation.source)
            source = self.sources.get(citation.source)
            if number is None or source is None:
                continue
            spans.append(Span(f" [S{number} {source.reliability}{citation.credibility}]",
                              color=styles.LINK, link=f"src-{number}"))
        return spans

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
        fill, ink, _ = styles.KIND_LOOK[PositionKind(kind)]
        return TextBlock(Span(PositionKind(kind).label.upper(), bold=True, color=ink),
                         styles.CELL.but(size=7, leading=9))

    # ------------------------------------------------------------ numbering
    def number_sources(self, records: Iterable) -> None:
        """Number the sources the printed records cite, in order of first citation, then
        the sources that carried them (``via``)."""
        order: list[str] = []
        for record in records:
            for citation in getattr(record, "sources", []):
                if citation.source in self.sources and citation.source not in order:
                    order.append(citation.source)
        for source_id in list(order):
            seen = set()
            current = self.sources[source_id].via
            while current and current in self.sources and current not in seen:
                seen.add(current)
                if current not in order:
                    order.append(current)
                current = self.sources[current].via
        self.source_numbers = {sid: i + 1 for i, sid in enumerate(order)}

    # ------------------------------------------------------------ cover
    def cover(self, kind_label: str, title: str) -> list[Flowable]:
        scope = self.scope
        neg = scope.negotiation
        flow: list[Flowable] = [Spacer(1, 60),
                                TextBlock(Span(kind_label.upper(), bold=True), styles.COVER_KIND.but(space_after=8)),
                                TextBlock(title, styles.COVER_TITLE),
                                HRFlowable(width="100%", thickness=2, color=styles.ACCENT, spaceBefore=6,
                                           spaceAfter=18)]
        pairs: list[tuple[str, str | None]] = []
        if neg is not None:
            if scope.kind != "negotiation":
                pairs.append(("Negotiation", neg.title))
            for role in ROLE_ORDER:
                names = [self.party_name(p.party) for p in neg.parties if p.role == role]
                if names:
                    label = {"party": "Parties", "mediator": "Mediator", "observer": "Observers",
                             "host": "Host"}[role]
                    pairs.append((label, ", ".join(names)))
            pairs.append(("Status", neg.status.capitalize()))
            pairs.append(("Dates", display_range(neg.started, neg.ended) if neg.started or neg.ended
                          else "date unknown"))
        else:
            pairs.append(("Negotiation", "None recorded in this workspace"))
        if scope.round is not None:
            pairs.append(("Round dates", display_range(scope.round.start, scope.round.end)))
        if scope.person is not None:
            pairs.append(("Party", self.party_name(scope.person.party)))
        pairs += [("Prepared", scope.prepared), ("Author", scope.author), ("Marking", scope.marking)]
        rows = [[TextBlock(label, styles.COVER_FACT.but(bold=True, color=styles.MUTED)),
                 TextBlock(value, styles.COVER_FACT)] for label, value in pairs if value]
        flow.append(_table(rows, [110, scope.width - 110], header=False, zebra=False,
                           extra=[("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
        flow += [Spacer(1, 40), _marking_box(scope.marking, scope.width)]
        if neg is not None and neg.summary and scope.kind == "negotiation":
            flow += [Spacer(1, 24), TextBlock(neg.summary, styles.BODY.but(size=10.5, leading=15))]
        return flow

    # ------------------------------------------------------------ summary
    def summary(self, neg: Negotiation) -> list[Flowable]:
        flow = self.section("Summary")
        rounds = analysis.ordered_rounds(self.doc, neg.id)
        latest = rounds[-1] if rounds else None
        held = [r for r in rounds if r.status == "held"]
        facts = [("Status", neg.status.capitalize()),
                 ("Rounds", f"{len(rounds)} recorded, {len(held)} held" if rounds else "none recorded"),
                 ("Latest round", f"{self.round_title(latest)} — {display_range(latest.start, latest.end)}"
                  + (f", {latest.venue}" if latest.venue else "") if latest else "none recorded"),
                 ("Positions", str(sum(1 for p in self.doc.positions if p.negotiation == neg.id)) or "0"),
                 ("Events", str(sum(1 for e in self.doc.events if e.negotiation == neg.id)))]
        gaps = analysis.gaps(self.doc, neg.id, ordered=self.ordered(neg.id))
        flow += self.heading("Gaps", 1, styles.H2, contents=False)
        flow.append(TextBlock("A gap is a demand or red line of one party that the other party's latest "
                              "position on the topic contradicts (it is not an offer, concession or "
                              "assurance). Open demands are claims the other party has not answered at all.",
                              styles.SMALL.but(space_after=6)))
        flow += self.gap_tables(gaps)
        flow += self.heading("Key facts", 1, styles.H2, contents=False)
        flow.append(self.facts(facts))
        if neg.summary:
            flow += [Spacer(1, 8), TextBlock(neg.summary, styles.BODY)]
        if not rounds:
            flow.append(self.note("No rounds are recorded for this negotiation."))
        return flow

    def gap_tables(self, gaps: analysis.Gaps) -> list[Flowable]:
        w = self.scope.width
        flow: list[Flowable] = []
        if gaps.conflicts:
            rows = [self.head_row("Topic", "Claim", "Contradicted by")]
            for gap in gaps.conflicts:
                against = [self.position_spans(p, with_party=True) for p in gap.against]
                rows.append([self.cell(self.topic_title(gap.topic), bold=True),
                             TextBlock(self.position_spans(gap.claim, with_party=True), styles.CELL),
                             _stack([TextBlock(s, styles.CELL) for s in against])])
            flow += [*self.subheading("Conflicting positions"), _table(rows, [0.22 * w, 0.39 * w, 0.39 * w])]
        else:
            flow.append(self.note("No conflicting latest positions between the parties."))
        if gaps.open_demands:
            rows = [self.head_row("Topic", "Claim", "Not answered by")]
            for item in gaps.open_demands:
                rows.append([self.cell(self.topic_title(item.topic), bold=True),
                             TextBlock(self.position_spans(item.claim, with_party=True), styles.CELL),
                             self.cell(", ".join(self.party_name(p) for p in item.unanswered_by))])
            flow += [*self.subheading("Open demands"), _table(rows, [0.22 * w, 0.56 * w, 0.22 * w])]
        else:
            flow.append(self.note("No unanswered demands or red lines."))
        return flow

    def position_spans(self, position: Position, *, with_party: bool = False, with_topic: bool = False) -> list[Span]:
        kind = PositionKind(position.kind)
        spans = []
        if with_party:
            spans.append(Span(self.party_name(position.party) + " — ", bold=True))
        if with_topic:
            spans.append(Span(self.topic_title(position.topic) + " — ", bold=True))
        spans.append(Span(kind.label + ": ", bold=True,
                          color=styles.KIND_LOOK[PositionKind.RED_LINE][0] if kind == PositionKind.RED_LINE else None))
        spans.append(Span(position.summary))
        if position.date:
            spans.append(Span(f" ({display_date(position.date)})", color=styles.MUTED))
        return spans + self.cite_spans(position.sources)

    # ------------------------------------------------------------ timeline, chronology
    def timeline(self, neg: Negotiation) -> list[Flowable]:
        flow = self.section("Timeline")
        entries = analysis.chronology(self.doc, neg.id)
        drawings = timeline_drawings(entries, self.scope.width)
        if not drawings:
            return flow + [self.note("No dated rounds or events to chart.")]
        flow += [legend_drawing(self.scope.width), Spacer(1, 8)]
        for drawing in drawings:
            flow += [drawing, Spacer(1, 10)]
        return flow

    def chronology(self, neg: Negotiation) -> list[Flowable]:
        flow = self.section("Chronology", new_page=False)
        entries = analysis.chronology(self.doc, neg.id)
        if not entries:
            return flow + [self.note("No rounds or events are recorded.")]
        w = self.scope.width
        rows = [self.head_row("Date", "What", "Details")]
        for entry in entries:
            record = entry.record
            if entry.is_round:
                what = [Span("Round", bold=True, color=styles.ACCENT)]
                title = self.round_title(record)
                detail = ", ".join(x for x in [record.venue, record.status] if x)
                rows.append([self.cell(display_range(entry.start, entry.end)), TextBlock(what, styles.CELL),
                             TextBlock([Span(title, bold=True, link=f"round-{record.id}"),
                                        Span(f" — {detail}" if detail else "")] + self.cite_spans(record.sources),
                                       styles.CELL)])
            else:
                rows.append([self.cell(display_date(record.date)), self.cell("Event"),
                             TextBlock([Span(record.title, bold=True)]
                                       + ([Span("\n" + record.description)] if record.description else [])
                                       + self.cite_spans(record.sources), styles.CELL)])
        return flow + [_table(rows, [0.2 * w, 0.1 * w, 0.7 * w])]

    # ------------------------------------------------------------ rounds
    def rounds_section(self, neg: Negotiation) -> list[Flowable]:
        return self.listing("Rounds", analysis.ordered_rounds(self.doc, neg.id), self.round_part,
                            "No rounds are recorded for this negotiation.")

    def listing(self, title: str, items: list, render, empty: str) -> list[Flowable]:
        """A section holding one part per item, parts separated by a thin rule."""
        flow = self.section(title)
        if not items:
            return flow + [self.note(empty)]
        for index, item in enumerate(items):
            if index:
                flow.append(HRFlowable(width="100%", thickness=0.5, color=styles.RULE, spaceBefore=10,
                                       spaceAfter=4))
            flow += render(item)
        return flow

    def round_part(self, rnd: Round, level: int = 1) -> list[Flowable]:
        w = self.scope.width
        flow = self.heading(self.round_title(rnd), level, styles.H2, key=f"round-{rnd.id}")
        facts = [("Dates", display_range(rnd.start, rnd.end)), ("Venue", rnd.venue),
                 ("Status", rnd.status.capitalize()), ("Mediator", self.person_name(rnd.mediator) if rnd.mediator
                                                      else None)]
        flow.append(self.facts(facts))
        if rnd.summary:
            flow += [Spacer(1, 6), TextBlock(rnd.summary, styles.BODY)]
        if rnd.sources:
            flow.append(TextBlock([Span("Sources:", bold=True, color=styles.MUTED)] + self.cite_spans(rnd.sources),
                                  styles.SMALL.but(space_after=4)))
        flow += self.subheading("Participants")
        if rnd.participants:
            rows = [self.head_row("Party", "Person", "Role in the round")]
            groups: dict[str | None, list] = {}
            for participant in rnd.participants:
                person = self.people.get(participant.person)
                party = participant.party or (person.party if person else None)
                groups.setdefault(party, []).append(participant)
            for party, members in groups.items():
                for i, participant in enumerate(members):
                    rows.append([self.cell(self.party_name(party) if i == 0 else "", bold=True),
                                 self.person_cell(participant.person), self.cell(participant.role or "")])
            flow.append(_table(rows, [0.22 * w, 0.48 * w, 0.30 * w], zebra=False))
        else:
            flow.append(self.note("No participants recorded."))
        flow += self.subheading("Agenda")
        if rnd.topics:
            for topic_id in rnd.topics:
                topic = self.topics.get(topic_id)
                spans = [Span("•  "), Span(self.topic_title(topic_id), bold=True)]
                if topic and topic.category:
                    spans.append(Span(f" ({topic.category})", color=styles.MUTED))
                flow.append(TextBlock(spans, styles.BODY.but(space_after=1, indent=8)))
        else:
            flow.append(self.note("No agenda recorded."))
        put = sorted((p for p in self.doc.positions if p.round == rnd.id),
                     key=analysis.position_order(self.doc, rnd.negotiation))
        flow += self.subheading("Positions put forward")
        if put:
            rows = [self.head_row("Party", "Topic", "Kind", "Position")]
            for position in put:
                rows.append(self.position_row(position))
            flow.append(_table(rows, [0.14 * w, 0.2 * w, 0.13 * w, 0.53 * w], extra=self.kind_fills(put, 2)))
        else:
            flow.append(self.note("No positions recorded for this round."))
        flow += self.subheading("Movement since the previous round")
        moves = analysis.movement(self.doc, rnd.id, ordered=self.ordered(rnd.negotiation))
        if moves:
            rows = [self.head_row("Topic", "Party", "Before", "Now", "Change")]
            for move in moves:
                rows.append([self.cell(self.topic_title(move.topic), bold=True), self.cell(self.party_name(move.party)),
                             self.short_position(move.previous), self.short_position(move.current),
                             self.cell(_change_label(move), bold=move.change != analysis.Change.UNCHANGED)])
            flow.append(_table(rows, [0.2 * w, 0.12 * w, 0.25 * w, 0.25 * w, 0.18 * w]))
        else:
            flow.append(self.note("No positions before or in this round."))
        return flow

    def person_cell(self, person_id: str) -> TextBlock:
        person = self.people.get(person_id)
        spans = [Span(self.person_name(person_id), link=f"person-{person_id}" if self.scope.kind == "negotiation"
                      else None)]
        if person and person.native_name:
            spans.append(Span(f" ({person.native_name})"))
        if person and person.title:
            spans.append(Span(f"\n{person.title}", color=styles.MUTED))
        return TextBlock(spans, styles.CELL)

    def short_position(self, position: Position | None) -> TextBlock:
        if position is None:
            return self.cell("—")
        return TextBlock(self.position_spans(position), styles.CELL)

    def position_row(self, position: Position) -> list:
        said = [self.person_name(position.person) if position.person else "", display_date(position.date)]
        spans = [Span(position.summary)]
        if any(said):
            spans.append(Span("\n— " + ", ".join(x for x in said if x), color=styles.MUTED))
        return [self.cell(self.party_name(position.party), bold=True), self.cell(self.topic_title(position.topic)),
                self.kind_badge(position.kind), TextBlock(spans + self.cite_spans(position.sources), styles.CELL)]

    def kind_fills(self, positions: list[Position], column: int, first_row: int = 1) -> list[tuple]:
        commands = []
        for row, position in enumerate(positions, start=first_row):
            fill, _, _ = styles.KIND_LOOK[PositionKind(position.kind)]
            commands.append(("BACKGROUND", (column, row), (column, row), fill))
        return commands

    # ------------------------------------------------------------ matrix
    def matrix(self, neg: Negotiation, as_of: Round | None = None) -> list[Flowable]:
        title = "Position matrix" + (f" as of {self.round_title(as_of)}" if as_of else "")
        flow = self.section(title)
        latest = analysis.latest_positions(self.doc, neg.id, as_of.id if as_of else None,
                                           ordered=self.ordered(neg.id))
        parties = [p.party for p in sorted(neg.parties, key=lambda p: ROLE_ORDER.index(p.role)
                                           if p.role in ROLE_ORDER else 9)
                   if any(k[0] == p.party for k in latest)]
        parties += sorted({k[0] for k in latest} - set(parties))
        topic_ids = [t.id for t in analysis.ordered_topics(self.doc, neg.id) if any(k[1] == t.id for k in latest)]
        flow.append(self.legend())
        if not latest:
            return flow + [self.note("No positions are recorded" + (" as of this round." if as_of else "."))]
        w = self.scope.width
        first = 0.2 * w
        col = (w - first) / len(parties)
        rows = [[TextBlock("Topic", styles.CELL_HEAD)] + [TextBlock(self.party_name(p), styles.CELL_HEAD)
                                                          for p in parties]]
        extra = []
        for r, topic_id in enumerate(topic_ids, start=1):
            row: list = [self.cell(self.topic_title(topic_id), bold=True)]
            for c, party in enumerate(parties, start=1):
                position = latest.get((party, topic_id))
                if position is None:
                    row.append(self.cell("no position", style=styles.CELL.but(color=styles.MUTED, italic=True)))
                    continue
                kind = PositionKind(position.kind)
                fill, ink, frame = styles.KIND_LOOK[kind]
                spans = [Span(kind.label.upper() + "\n", bold=True, color=ink), Span(position.summary, color=ink)]
                if position.date:
                    spans.append(Span(f" ({display_date(position.date)})", color=ink))
                cites = [Span(s.text, color=ink if kind == PositionKind.RED_LINE else s.color, link=s.link)
                         for s in self.cite_spans(position.sources)]
                row.append(TextBlock(spans + cites, styles.CELL.but(color=ink)))
                extra.append(("BACKGROUND", (c, r), (c, r), fill))
                if frame > 1:
                    extra.append(("BOX", (c, r), (c, r), frame, styles.INK))
            rows.append(row)
        table = _table(rows, [first] + [col] * len(parties), zebra=False,
                       extra=[("GRID", (0, 0), (-1, -1), 0.4, styles.RULE), *extra])
        return flow + [table]

    def legend(self) -> Table:
        cells = []
        extra = []
        for i, kind in enumerate(KIND_ORDER):
            fill, ink, frame = styles.KIND_LOOK[kind]
            cells.append(TextBlock(Span(kind.label.upper(), bold=True, color=ink),
                                   styles.CELL.but(size=7, leading=9, align="center")))
            extra.append(("BACKGROUND", (i, 0), (i, 0), fill))
            if frame > 1:
                extra.append(("BOX", (i, 0), (i, 0), frame, styles.INK))
        note = TextBlock("Each cell holds the party's latest position on the topic and names its kind in words; "
                         "red lines are dark with a heavy frame.", styles.SMALL.but(align="start"))
        w = self.scope.width
        table = Table([cells, [note] + [""] * (len(cells) - 1)], colWidths=[w / len(cells)] * len(cells),
                      hAlign="LEFT")
        table.setStyle(TableStyle([("SPAN", (0, 1), (-1, 1)), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                   ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, 0), 4),
                                   ("LINEAFTER", (0, 0), (-2, 0), 2, white), *extra]))
        table.spaceAfter = 10
        return table

    # ------------------------------------------------------------ people
    def people_in(self, neg: Negotiation) -> list[Person]:
        involved: list[str] = []
        party_ids = {p.party for p in neg.parties}
        for rnd in analysis.ordered_rounds(self.doc, neg.id):
            involved += [p.person for p in rnd.participants] + ([rnd.mediator] if rnd.mediator else [])
        involved += [p.person for p in self.doc.positions if p.negotiation == neg.id and p.person]
        for event in self.doc.events:
            if event.negotiation == neg.id:
                involved += event.people
        involved += [p.id for p in self.doc.people if p.party in party_ids]
        seen: dict[str, None] = {}
        for person_id in involved:
            if person_id in self.people:
                seen.setdefault(person_id)
        party_rank = {p.party: i for i, p in enumerate(neg.parties)}
        return sorted((self.people[i] for i in seen), key=lambda p: (party_rank.get(p.party, 99), p.name.casefold()))

    def people_section(self, neg: Negotiation) -> list[Flowable]:
        return self.listing("People", self.people_in(neg), lambda person: self.profile(person, neg),
                            "No people are recorded for this negotiation.")

    def profile(self, person: Person, neg: Negotiation | None, level: int = 1) -> list[Flowable]:
        w = self.scope.width
        flow = self.heading(person.name, level, styles.H2, key=f"person-{person.id}")
        if person.native_name:
            flow.append(TextBlock(person.native_name, styles.BODY.but(size=12, leading=17, color=styles.MUTED)))
        flow.append(self.facts([("Party", self.party_name(person.party) if person.party else None),
                                ("Title", person.title),
                                ("Also written", "; ".join(person.aliases) if person.aliases else None)]))
        if person.bio:
            flow += [*self.subheading("Biography"), TextBlock(person.bio, styles.BODY)]
        flow += self.subheading("Roles")
        if person.roles:
            rows = [self.head_row("Title", "Organization", "Period")]
            ordered = sorted(person.roles, key=lambda r: sort_key(r.start))
            for role in ordered:
                period = display_range(role.start, role.end) if role.start or role.end else "date unknown"
                if role.start and not role.end:
                    period = f"since {display_date(role.start)}"
                rows.append([self.cell(role.title, bold=True), self.cell(role.organization or "—"), self.cell(period)])
            flow.append(_table(rows, [0.45 * w, 0.33 * w, 0.22 * w]))
        else:
            flow.append(self.note("No roles recorded."))
        rounds = [r for r in (analysis.ordered_rounds(self.doc, neg.id) if neg else [])
                  if any(p.person == person.id for p in r.participants) or r.mediator == person.id]
        flow += self.subheading("Rounds attended")
        if rounds:
            for rnd in rounds:
                role = next((p.role for p in rnd.participants if p.person == person.id and p.role), None)
                if rnd.mediator == person.id:
                    role = "mediator"
                link = f"round-{rnd.id}" if self.scope.kind == "negotiation" else None
                spans = [Span("•  "), Span(self.round_title(rnd), bold=True, link=link),
                         Span(f" — {display_range(rnd.start, rnd.end)}" + (f", {rnd.venue}" if rnd.venue else ""))]
                if role:
                    spans.append(Span(f" ({role})", color=styles.MUTED))
                flow.append(TextBlock(spans, styles.BODY.but(space_after=1, indent=8)))
        else:
            flow.append(self.note("No rounds attended on record."))
        positions = [p for p in self.doc.positions if p.person == person.id and (neg is None or
                                                                               p.negotiation == neg.id)]
        flow += self.subheading("Positions stated")
        if positions:
            positions.sort(key=lambda p: (sort_key(p.date), p.id))
            rows = [self.head_row("Party", "Topic", "Kind", "Position")]
            rows += [self.position_row(p) for p in positions]
            flow.append(_table(rows, [0.14 * w, 0.2 * w, 0.13 * w, 0.53 * w], extra=self.kind_fills(positions, 2)))
        else:
            flow.append(self.note("No positions stated on record."))
        if person.notes:
            flow += [*self.subheading("Analyst notes"), TextBlock(Span(person.notes, italic=True), styles.BODY)]
        return flow

    # ------------------------------------------------------------ sources
    def sources_annex(self) -> list[Flowable]:
        flow = self.section("Sources")
        flow.append(TextBlock("References in the text read [S2 B2]: source S2, source reliability B, information "
                              "credibility 2 (Admiralty grading).", styles.SMALL.but(space_after=8)))
        if not self.source_numbers:
            return flow + [self.note("No sources are cited.")]
        w = self.scope.width
        rows = [self.head_row("Ref.", "Grade", "Source")]
        by_number = sorted(self.source_numbers.items(), key=lambda kv: kv[1])
        for source_id, number in by_number:
            source = self.sources[source_id]
            rows.append([
                _stack([Anchor(f"src-{number}"), self.cell(f"S{number}", bold=True)]),
                self.cell(f"{source.reliability}\n{RELIABILITY_LABELS.get(source.reliability, '')}",
                          style=styles.CELL.but(size=7.5, leading=9.5)),
                TextBlock(self.source_spans(source), styles.CELL),
            ])
        flow.append(_table(rows, [0.08 * w, 0.17 * w, 0.75 * w]))
        flow.append(TextBlock("Information credibility: " + "; ".join(f"{k} {v.lower()}" for k, v in
                                                                    CREDIBILITY_LABELS.items()) + ".",
                              styles.SMALL.but(space_before=6)))
        return flow

    def source_spans(self, source: Source) -> list[Span]:
        spans = [Span(source.title, bold=True)]
        details = [x for x in [source.publisher, display_date(source.published) if source.published else None] if x]
        if details:
            spans.append(Span("\n" + " · ".join(details), color=styles.MUTED))
        chain = []
        seen = {source.id}
        current = source.via
        while current and current in self.sources and current not in seen:
            seen.add(current)
            chain.append(current)
            current = self.sources[current].via
        if chain:
            spans.append(Span("\nvia ", color=styles.MUTED))
            for i, via_id in enumerate(chain):
                via = self.sources[via_id]
                number = self.source_numbers.get(via_id)
                if i:
                    spans.append(Span(", which came via ", color=styles.MUTED))
                label = f"S{number} " if number else ""
                spans.append(Span(f"{label}{via.title}", color=styles.LINK, link=f"src-{number}" if number else None))
        if source.url:
            clickable = source.url.lower().startswith(("http://", "https://"))
            spans.append(Span("\n" + source.url, color=styles.LINK if clickable else styles.MUTED,
                              url=source.url if clickable else None))
        if source.notes:
            spans.append(Span("\n" + source.notes, italic=True, color=styles.MUTED))
        return spans


def _change_label(move: analysis.Movement) -> str:
    if move.change == analysis.Change.KIND_CHANGED and move.previous and move.current:
        return (f"kind changed from {PositionKind(move.previous.kind).label.lower()} "
                f"to {PositionKind(move.current.kind).label.lower()}")
    return str(move.change)


def _marking_box(marking: str, width: float) -> Table:
    table = Table([[TextBlock(Span(marking, bold=True, color=styles.MARKING),
                              TextStyle(size=13, leading=17, align="center"))]], colWidths=[width * 0.6], hAlign="CENTER")
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.5, styles.MARKING),
                               ("TOPPADDING", (0, 0), (-1, -1), 7), ("BOTTOMPADDING", (0, 0), (-1, -1), 7)]))
    return table


def _stack(flowables: list[Flowable]) -> list[Flowable] | Flowable:
    return flowables if len(flowables) != 1 else flowables[0]


def scope_records(doc: Document, scope: Scope) -> list:
    """The records whose citations a dossier of this scope prints, in print order."""
    neg = scope.negotiation
    if neg is None:
        return []
    if scope.kind == "person" and scope.person is not None:
        return [p for p in doc.positions if p.person == scope.person.id and p.negotiation == neg.id]
    rounds = analysis.ordered_rounds(doc, neg.id)
    if scope.kind == "round" and scope.round is not None:
        latest = analysis.latest_positions(doc, neg.id, scope.round.id)
        moves = analysis.movement(doc, scope.round.id)
        shown = [scope.round, *[p for p in doc.positions if p.round == scope.round.id]]
        return shown + [m.previous for m in moves if m.previous] + list(latest.values())
    records: list = []
    for rnd in rounds:
        records.append(rnd)
        records += [p for p in doc.positions if p.round == rnd.id]
    records += sorted((e for e in doc.events if e.negotiation == neg.id), key=lambda e: sort_key(e.date))
    records += [p for p in doc.positions if p.negotiation == neg.id]
    return records


def story(builder: DossierBuilder) -> list[Flowable]:
    """The whole story for the builder's scope."""
    scope, doc = builder.scope, builder.doc
    neg = scope.negotiation
    builder.number_sources(scope_records(doc, scope))
    flow: list[Flowable] = []
    if scope.kind == "person" and scope.person is not None:
        flow += builder.cover("Person profile", scope.person.name)
        flow += builder.section("Profile")
        flow += builder.profile(scope.person, neg, level=1)
        flow += builder.sources_annex()
        return flow
    if scope.kind == "round" and scope.round is not None and neg is not None:
        flow += builder.cover("Round brief", f"{neg.title} — {builder.round_title(scope.round)}")
        flow += builder.section("Round")
        flow += builder.round_part(scope.round, level=1)
        flow += builder.matrix(neg, as_of=scope.round)
        flow += builder.sources_annex()
        return flow
    title = neg.title if neg else "Negotiation dossier"
    flow += builder.cover("Negotiation dossier", title)
    if neg is None:
        flow += builder.section("Summary")
        flow.append(builder.note("This workspace holds no negotiation: there are no rounds, positions, people or "
                                 "sources to report."))
        return flow
    body: list[Flowable] = []
    body += builder.summary(neg)
    body += builder.timeline(neg)
    body += builder.chronology(neg)
    body += builder.rounds_section(neg)
    body += builder.matrix(neg)
    body += builder.people_section(neg)
    body += builder.sources_annex()
    contents_key = "contents"
    flow += [PageBreak(), Anchor(contents_key, "Contents", 0, contents=False), TextBlock("Contents", styles.H1),
             HRFlowable(width="100%", thickness=1.2, color=styles.ACCENT, spaceAfter=8),
             Contents(list(builder.contents))]
    return flow + body

