"""The negotiation's summary, its gaps, and a position in words."""

from __future__ import annotations

from reportlab.platypus.flowables import Flowable

from dossier.export.pdf import styles
from dossier.export.pdf.builder.base import BuilderBase
from dossier.export.pdf.builder.layout import _stack, _table, date_words, first_words, range_words
from dossier.export.pdf.text import Span, TextBlock
from dossier.model import analysis
from dossier.model.enums import PositionKind
from dossier.model.labels import STATUS_WORDS, status_word
from dossier.model.records import (
    Negotiation,
    Position,
    Round,
)


class SummarySection(BuilderBase):
    # ------------------------------------------------------------ summary
    def fate_words(self, rnd: Round) -> str:
        """``Round 6 was cancelled``, ``Round 7 is planned for 3 Feb 2026``, ``Round 4 was held``."""
        word = status_word(rnd)
        if word == "planned":
            return f"{self.short_round(rnd)} is planned" + (f" for {range_words(rnd.start, rnd.end)}"
                                                            if rnd.start else "")
        return f"{self.short_round(rnd)} was {word or 'held'}"

    def latest_round_words(self, neg: Negotiation) -> str:
        """The latest held round, and what became of the rounds after it
        (``Round 5 … (Round 6 was cancelled)``)."""
        rounds = analysis.ordered_rounds(self.doc, neg.id)
        latest = analysis.latest_round(self.doc, neg.id)
        after = rounds[rounds.index(latest) + 1:] if latest else rounds
        later = [self.fate_words(r) for r in after if status_word(r)]
        if latest is None:
            words = "no round has taken place"
        else:
            venue = self.venue_after_title(latest)
            words = f"{self.round_title(latest)} — {range_words(latest.start, latest.end)}" + (
                f", {venue}" if venue else "")
        return words + (f" ({'; '.join(later)})" if later else "")

    def summary(self, neg: Negotiation) -> list[Flowable]:
        flow = self.section("Summary")
        rounds = analysis.ordered_rounds(self.doc, neg.id)
        held = [r for r in rounds if analysis.took_place(r)]
        counts = [f"{len(rounds)} recorded", f"{len(held)} held"]
        for status, word in STATUS_WORDS.items():
            n = sum(1 for r in rounds if r.status == status)
            if n:
                counts.append(f"{n} {word}")
        facts = [("Status", neg.status.capitalize()),
                 ("Rounds", ", ".join(counts) if rounds else "none recorded"),
                 ("Latest round", self.latest_round_words(neg) if rounds else "none recorded"),
                 ("Positions", str(sum(1 for p in self.doc.positions if p.negotiation == neg.id))),
                 ("Events", str(sum(1 for e in self.doc.events if e.negotiation == neg.id)))]
        gaps = analysis.gaps(self.doc, neg.id, ordered=self.ordered(neg.id))
        flow += self.heading("Gaps", 1, styles.H2, contents=False)
        flow += self.gap_tables(gaps)
        flow += self.heading("Key facts", 1, styles.H2, contents=False)
        flow.append(self.facts(facts))
        return flow

    GAPS_EXPLAINED = (
        "Gaps are read from each negotiating party's standing position on a topic: its latest red line, "
        "demand, offer, concession or assurance (a later statement is a remark and does not replace it); "
        "mediators, observers and hosts neither open nor close a gap. A red line or demand is a conflict "
        "where another party stands against it with a red line or demand of its own, or has made only "
        "remarks on the topic; answered — to judge where another party has met it with an offer, "
        "concession or assurance (both sides are shown: whether the answer meets the claim is the "
        "analyst's call); open where another party has not addressed the topic at all.")

    def gap_tables(self, gaps: analysis.Gaps) -> list[Flowable]:
        w = self.scope.width
        if not (gaps.conflicts or gaps.answered or gaps.open):
            return [self.note("No gaps: no negotiating party's standing demand or red line is on record.")]
        flow: list[Flowable] = [self.explain(self.GAPS_EXPLAINED)]
        def positions(items) -> Flowable | list[Flowable]:
            return _stack([self.position_block(p) for p in items])

        def parties(ids) -> TextBlock:
            return self.cell(", ".join(self.party_name(p) for p in ids))

        groups = (  # (title, what the third column says, the gaps, the third cell of each, column widths)
            ("Conflicts", "Stood against by", gaps.conflicts, lambda g: positions(g.against), (0.4, 0.4)),
            ("Answered — to judge", "Answered by (does it meet the claim?)", gaps.answered,
             lambda g: positions(g.answers), (0.4, 0.4)),
            ("Open", "Not yet addressed by", gaps.open, lambda g: parties(g.unanswered_by), (0.56, 0.24)),
        )
        empty = []
        for title, third, items, third_cell, (claim_w, third_w) in groups:
            if not items:
                empty.append(title.lower())
                continue
            flow += self.subheading(title)
            rows = [self.head_row("Topic", "Claim", third)]
            rows += [[self.cell(self.topic_title(g.topic), bold=True), self.position_block(g.claim), third_cell(g)]
                     for g in items]
            flow.append(_table(rows, [0.2 * w, claim_w * w, third_w * w]))
        if empty:
            flow.append(self.explain("No gaps of " + ("these kinds" if len(empty) > 1 else "this kind") + ": "
                                     + "; ".join(empty) + "."))
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
            spans.append(Span(f" ({date_words(position.date)})", color=styles.MUTED))
        spans += self.cite_spans(position.sources)
        spans += self.placement_spans(position)
        return spans

    def position_block(self, position: Position) -> TextBlock:
        """A position with its party, as the gap tables print it."""
        return TextBlock(self.position_spans(position, with_party=True), styles.CELL)

    def brief_spans(self, position: Position, *, color=None, lead: str = "") -> list[Span]:
        """One line for a position quoted in passing: kind, date, first words, citations
        (``Statement, 29 Dec 2025: It is in Israel's interest… [S2 B2]``)."""
        kind = PositionKind(position.kind).label
        when = f", {date_words(position.date)}" if position.date else ""
        spans = [Span(f"{lead}{kind}{when}: ", bold=True, color=color),
                 Span(first_words(position.summary), color=color)]
        return spans + self.cite_spans(position.sources, color=color)

