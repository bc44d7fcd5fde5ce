"""Each round: its facts, people, positions put forward and movement since the previous held round."""

from __future__ import annotations

from reportlab.platypus import Spacer, Table
from reportlab.platypus.flowables import Flowable, HRFlowable

from dossier.export.pdf import styles
from dossier.export.pdf.builder.base import BuilderBase
from dossier.export.pdf.builder.layout import HUGE_CELL, _stack, _table, date_words, range_words
from dossier.export.pdf.text import Span, TextBlock, TextStyle
from dossier.model import analysis
from dossier.model.dates import is_approximate
from dossier.model.enums import PositionKind
from dossier.model.labels import status_word
from dossier.model.records import (
    Negotiation,
    Position,
    Round,
)


class RoundsSection(BuilderBase):
    # ------------------------------------------------------------ rounds
    def rounds_section(self, neg: Negotiation) -> list[Flowable]:
        return self.listing("Rounds", analysis.ordered_rounds(self.doc, neg.id), self.round_part, "rounds")

    def listing(self, title: str, items: list, render, empty: str) -> list[Flowable]:
        """A section holding one part per item, parts separated by a thin rule; nothing but a
        word in ``missing`` when there are no items."""
        if not items:
            self.missing.append(empty)
            return []
        flow = self.section(title)
        for index, item in enumerate(items):
            if index:
                flow.append(HRFlowable(width="100%", thickness=0.5, color=styles.RULE, spaceBefore=10,
                                       spaceAfter=4))
            flow += render(item)
        return flow

    def round_part(self, rnd: Round, level: int = 1, style: TextStyle = styles.H2) -> list[Flowable]:
        w = self.scope.width
        word = status_word(rnd)
        flow = self.heading(self.round_heading(rnd), level, style, key=f"round-{rnd.id}")
        if word is None:
            status = "Held"
        elif word == "planned":
            status = "Planned — has not taken place yet"
        else:
            status = f"{word.capitalize()} — did not take place"
        facts = [("Dates", range_words(rnd.start, rnd.end, approximate=True)), ("Venue", rnd.venue),
                 ("Status", status), ("Mediator", self.person_name(rnd.mediator) if rnd.mediator else None)]
        if self.scope.kind != "round":  # a round brief's cover has the round's facts
            flow.append(self.facts(facts))
        missing: list[str] = []
        missing_at = len(flow)
        if rnd.summary:
            flow += [Spacer(1, 6), TextBlock(rnd.summary, styles.BODY)]
        if rnd.sources:
            flow.append(TextBlock([Span("Sources:", bold=True, color=styles.MUTED)] + self.cite_spans(rnd.sources),
                                  styles.SMALL.but(space_after=4)))
        flow += self.subheading("Participants" if word is None else "Participants expected")
        if rnd.participants:
            rows = [self.head_row("Party", "Person (title at the time of the round)", "Role in the round")]
            groups: dict[str | None, list] = {}
            for participant in rnd.participants:
                person = self.people.get(participant.person)
                party = participant.party or (person.party if person else None)
                groups.setdefault(party, []).append(participant)
            for party, members in groups.items():
                for i, participant in enumerate(members):
                    rows.append([self.cell(self.party_name(party) if i == 0 else "", bold=True),
                                 self.person_cell(participant.person, rnd), self.cell(participant.role or "")])
            flow.append(_table(rows, [0.22 * w, 0.48 * w, 0.30 * w], zebra=False))
        else:
            flow.pop(), flow.pop()  # no heading over nothing
            missing.append("participants")
        if rnd.topics:
            flow += self.subheading("Agenda")
            for topic_id in rnd.topics:
                topic = self.topics.get(topic_id)
                spans = [Span("•  "), Span(self.topic_title(topic_id), bold=True)]
                if topic and topic.category:
                    spans.append(Span(f" ({topic.category})", color=styles.MUTED))
                flow.append(TextBlock(spans, styles.BODY.but(space_after=1, indent=8)))
        else:
            missing.append("agenda")
        ordered = self.ordered(rnd.negotiation)
        put = [p for _key, p in ordered if p.round == rnd.id]
        if put:
            flow += self.subheading("Positions put forward")
            flow.append(self.positions_table(put))
        else:
            missing.append("positions put forward in this round")
        prev = analysis.previous_round(self.doc, rnd.id)
        if word is None:
            flow += self.roundless_part(rnd, prev)
        flow += self.round_events(rnd, prev, missing)
        flow += self.movement_part(rnd, prev)
        if missing:
            flow.insert(missing_at, self.explain("Not recorded: " + "; ".join(missing) + "."))
        return flow

    def roundless_part(self, rnd: Round, prev: Round | None) -> list[Flowable]:
        """The positions given no round that count with this held round by their date: after
        the previous held round, up to this one."""
        ordered = self.ordered(rnd.negotiation)
        earlier = {id(p) for p in analysis.positions_as_of(self.doc, rnd.negotiation, prev.id, ordered=ordered)} \
            if prev else set()
        loose = [p for p in analysis.positions_as_of(self.doc, rnd.negotiation, rnd.id, ordered=ordered)
                 if p.round is None and id(p) not in earlier]
        if not loose:
            return []
        since = f"since {self.short_round(prev)}" if prev else "up to this round"
        flow = self.subheading(f"Positions with no round, counted with this round by their date ({since})")
        flow.append(self.positions_table(loose))
        if any(self.placement(p) for p in loose):
            flow.append(self.approximate_note())
        return flow

    def round_events(self, rnd: Round, prev: Round | None, missing: list[str]) -> list[Flowable]:
        events = analysis.events_of_round(self.doc, rnd.id)
        if prev is not None:
            title, none = f"Events since {self.short_round(prev)}", f"events since {self.short_round(prev)}"
        else:
            title, none = "Events up to this round", "events up to this round"
        if not (rnd.start or rnd.end):
            missing.append("the round's date, so no events are placed with it")
            return []
        if not events:
            missing.append(none)
            return []
        flow = self.subheading(title)
        notes = []
        if prev is not None and is_approximate(prev.end or prev.start):
            notes.append(f"after the end of {date_words(prev.end or prev.start)}, as {self.short_round(prev)} is "
                         "dated only to it")
        if is_approximate(rnd.end or rnd.start):
            notes.append(f"up to the end of {date_words(rnd.end or rnd.start)}, as this round is dated only to it")
        if notes:
            flow.append(self.explain("Events are counted " + "; and ".join(notes) + "."))
        return flow + [self.events_table(events)]

    def movement_part(self, rnd: Round, prev: Round | None) -> list[Flowable]:
        w = self.scope.width
        word = status_word(rnd)
        name = self.short_round(rnd)
        if word is not None:
            flow = self.subheading("Movement")
            did = "has not taken place yet" if word == "planned" else "did not take place"
            return flow + [self.note(f"{name} {did} ({word}), so it has no movement of its own: movement is "
                                     "measured from one held round to the next.")]
        if prev is None:
            return self.subheading("Movement") + [self.note(
                f"{name} is the first round on record: there is no earlier held round to compare it with, "
                "and its positions are listed above.")]
        rounds = analysis.ordered_rounds(self.doc, rnd.negotiation)
        skipped = [r for r in rounds[rounds.index(prev) + 1: rounds.index(rnd)]]
        title = f"Movement since {self.short_round(prev)}, the previous held round"
        flow = self.subheading(title)
        if skipped:
            flow.append(self.explain("Between them: " + "; ".join(self.fate_words(r) for r in skipped) + "."))
        moves = analysis.movement(self.doc, rnd.id, ordered=self.ordered(rnd.negotiation))
        if not moves:
            return flow + [self.note("No positions before or in this round.")]
        unchanged = sum(1 for m in moves if m.change == analysis.Change.UNCHANGED)
        moves = [m for m in moves if m.change != analysis.Change.UNCHANGED]
        stand = (f"{unchanged} position{' stands' if unchanged == 1 else 's stand'} unchanged since "
                 f"{self.short_round(prev)} (see the position matrix)." if unchanged else "")
        if not moves:
            return flow + [self.note("Nothing changed: " + stand[0].lower() + stand[1:])]
        if stand:
            flow.append(self.explain("Only what changed is listed. " + stand))
        rows = [self.head_row("Topic", "Party", "Before", "Now", "Change")]
        extra = []
        for row, move in enumerate(moves, start=1):
            change = self.cell(move.label, bold=move.change not in (analysis.Change.UNCHANGED,
                                                                    analysis.Change.OFF_AGENDA))
            cells: list = [self.cell(self.topic_title(move.topic), bold=True), self.cell(self.party_name(move.party))]
            if move.once:
                once = TextBlock([Span("As before: ", bold=True, color=styles.MUTED)]
                                 + self.position_spans(move.before), styles.CELL)
                if once.length() <= HUGE_CELL:  # printed once across both columns
                    cells += [once, ""]
                    extra.append(("SPAN", (2, row), (3, row)))
                else:  # a row that must split across pages cannot span columns: said in words
                    cells += [self.short_position(move.before),
                              self.cell("as before", style=styles.CELL.but(italic=True, color=styles.MUTED))]
            else:
                now: list[Flowable] = [self.short_position(move.now)]
                others = [p for p in move.said if p is not move.now]
                if others:
                    now.append(TextBlock([Span(f"Also said since {self.short_round(prev)}:", italic=True,
                                               color=styles.MUTED)]
                                         + [s for p in others for s in self.brief_spans(p, color=styles.MUTED,
                                                                                       lead="\n")],
                                         styles.CELL.but(size=8, leading=10, color=styles.MUTED)))
                cells += [self.short_position(move.before), _stack(now)]
            rows.append(cells + [change])
        flow.append(_table(rows, [0.17 * w, 0.12 * w, 0.28 * w, 0.28 * w, 0.15 * w], extra=extra))
        return flow

    def person_cell(self, person_id: str, rnd: Round | None = None) -> TextBlock:
        """A person's name, and their title: as of ``rnd`` when given (``analysis.title_at``)."""
        person = self.people.get(person_id)
        spans = [Span(self.person_name(person_id), link=f"person-{person_id}" if self.scope.kind == "negotiation"
                      else None)]
        if person and person.native_name:
            spans.append(Span(f" ({person.native_name})"))
        title = (analysis.title_at(person, rnd) if rnd is not None else person.title) if person else None
        if title:
            spans.append(Span(f"\n{title}", color=styles.MUTED))
        return TextBlock(spans, styles.CELL)

    def short_position(self, position: Position | None) -> TextBlock:
        if position is None:
            return self.cell("—")
        return TextBlock(self.position_spans(position), styles.CELL)

    def position_row(self, position: Position) -> list:
        said = [self.person_name(position.person) if position.person else "",
                date_words(position.date) if position.date else ""]
        spans = [Span(position.summary)]
        if any(said):
            spans.append(Span("\n— " + ", ".join(x for x in said if x), color=styles.MUTED))
        spans += self.cite_spans(position.sources)
        spans += self.placement_spans(position)
        return [self.cell(self.party_name(position.party), bold=True), self.cell(self.topic_title(position.topic)),
                self.kind_badge(position.kind), TextBlock(spans, styles.CELL)]

    def positions_table(self, positions: list[Position]) -> Table:
        w = self.scope.width
        rows = [self.head_row("Party", "Topic", "Kind", "Position")]
        rows += [self.position_row(p) for p in positions]
        return _table(rows, [0.14 * w, 0.2 * w, 0.13 * w, 0.53 * w], extra=self.kind_fills(positions, 2))

    def kind_fills(self, positions: list[Position], column: int, first_row: int = 1) -> list[tuple]:
        commands = []
        for row, position in enumerate(positions, start=first_row):
            fill, _, _ = styles.KIND_LOOK[PositionKind(position.kind)]
            commands.append(("BACKGROUND", (column, row), (column, row), fill))
        return commands

