"""The first page a reader needs: at a glance, as of a round."""

from __future__ import annotations

from reportlab.platypus.flowables import Flowable

from dossier.export.pdf import styles
from dossier.export.pdf.builder.base import BuilderBase
from dossier.export.pdf.builder.layout import date_words, first_words, range_words
from dossier.export.pdf.text import Span, TextBlock
from dossier.model import analysis
from dossier.model.dates import sort_key
from dossier.model.enums import PositionKind, RoundStatus
from dossier.model.records import (
    Citation,
    Negotiation,
    Position,
    Round,
)


class GlanceSection(BuilderBase):
    # ------------------------------------------------------------ the first page
    def cut_off(self, neg: Negotiation) -> str | None:
        """The latest date on record for the negotiation (held rounds, positions, events and the
        sources they cite): the information cut-off."""
        dates: list[str] = []
        cited: list[Citation] = []
        for rnd in analysis.ordered_rounds(self.doc, neg.id):
            if analysis.took_place(rnd):
                dates += [d for d in (rnd.start, rnd.end) if d]
                cited += rnd.sources
        for position in self.doc.positions:
            if position.negotiation == neg.id:
                dates += [position.date] if position.date else []
                cited += position.sources
        for event in self.doc.events:
            if event.negotiation == neg.id:
                dates.append(event.date)
                cited += event.sources
        for citation in cited:
            source = self.sources.get(citation.source)
            if source is not None and source.published:
                dates.append(source.published)
        dates = [d for d in dates if d]
        return max(dates, key=sort_key) if dates else None

    def weak(self, position: Position) -> bool:
        """True when every citation of ``position`` is weak (reliability E or F, or credibility
        5 or 6), or it cites nothing."""
        for citation in position.sources:
            source = self.sources.get(citation.source)
            if source is not None and source.reliability not in ("E", "F") and citation.credibility not in (5, 6):
                return False
        return True

    def at_a_glance(self, neg: Negotiation, as_of: Round | None = None) -> list[Flowable]:
        """What a reader needs first, from the records: the latest held round and what changed
        in it, the gaps with their sides, the next planned round, the information cut-off, and
        the claims that rest only on weak sources."""
        flow: list[Flowable] = self.heading("At a glance", 0, styles.H2.but(space_before=6))
        rounds = analysis.ordered_rounds(self.doc, neg.id)
        latest = analysis.latest_round(self.doc, neg.id, as_of.id if as_of else None)
        after = rounds[rounds.index(latest) + 1:] if latest in rounds else rounds
        planned = next((r for r in after if r.status == RoundStatus.PLANNED), None)
        cut_off = self.cut_off(neg)

        def round_words(rnd: Round) -> str:
            venue = self.venue_after_title(rnd)
            return f"{self.round_title(rnd)} — {range_words(rnd.start, rnd.end)}" + (f", {venue}" if venue else "")

        previous = analysis.previous_round(self.doc, as_of.id) if as_of is not None else None
        facts: list[tuple[str, str | None]] = [
            ("Previous held round", round_words(previous) if previous else "none: this is the first")
            if as_of is not None else
            ("Latest held round", round_words(latest) if latest else "none has taken place"),
            ("Next planned round", round_words(planned) if planned else "none planned on record"),
            ("Information cut-off", f"{date_words(cut_off)} (the latest dated record)" if cut_off
             else "no dated record"),
        ]
        flow.append(self.facts(facts))
        lines: list[list[Span]] = []
        if latest is not None:
            prev = analysis.previous_round(self.doc, latest.id)
            moves = analysis.movement(self.doc, latest.id, ordered=self.ordered(neg.id))
            for move in moves:
                who = f"{self.party_name(move.party)} on {self.topic_title(move.topic)}"
                if move.change == analysis.Change.NEW and move.now.kind == PositionKind.RED_LINE and prev:
                    lines.append([Span("New red line: ", bold=True), Span(f"{who}: {first_words(move.now.summary)}")]
                                 + self.cite_spans(move.now.sources))
                elif move.change == analysis.Change.RESTATED and move.now.kind == PositionKind.RED_LINE:
                    lines.append([Span("Red line restated: ", bold=True),
                                  Span(f"{who}: {first_words(move.now.summary)}")] + self.cite_spans(move.now.sources))
                elif move.change == analysis.Change.KIND_CHANGED:
                    lines.append([Span(move.label.capitalize() + ": ", bold=True),
                                  Span(f"{who}: {first_words(move.now.summary)}")] + self.cite_spans(move.now.sources))
                elif move.change == analysis.Change.OFF_AGENDA:
                    lines.append([Span("Off the agenda: ", bold=True),
                                  Span(f"{self.topic_title(move.topic)} ({self.party_name(move.party)}'s "
                                       f"{PositionKind(move.now.kind).label.lower()} stands)")])
            if prev is None:
                flow.append(TextBlock(f"{self.short_round(latest)} is the first held round: there is no earlier "
                                      "one to say what changed since.", styles.BODY.but(space_before=6)))
            else:
                flow += self.subheading(f"What changed in {self.short_round(latest)} since {self.short_round(prev)}")
                if not lines:
                    lines.append([Span("No new red line, change of kind or topic off the agenda.")])
                others = sum(1 for m in moves if m.change in (analysis.Change.NEW, analysis.Change.RESTATED,
                                                               analysis.Change.REMARK)) - sum(
                    1 for m in moves if m.change in (analysis.Change.NEW, analysis.Change.RESTATED)
                    and m.now.kind == PositionKind.RED_LINE)
                if others:
                    lines.append([Span(f"{others} other new or restated stance{'s' if others != 1 else ''} or "
                                       "remark" + ("s" if others != 1 else "") + " (see the movement table).",
                                       color=styles.MUTED)])
                flow += [TextBlock([Span("•  ")] + line, styles.BODY.but(space_after=1, indent=8)) for line in lines]
        gaps = analysis.gaps(self.doc, neg.id, latest.id if latest else (as_of.id if as_of else None),
                             ordered=self.ordered(neg.id))
        gap_lines: list[list[Span]] = []

        def claim_words(claim: Position) -> list[Span]:
            return [Span(f"{self.party_name(claim.party)} ", bold=True),
                    Span(f"{PositionKind(claim.kind).label.lower()}: {first_words(claim.summary, 10)}")] \
                + self.cite_spans(claim.sources)

        for gap in gaps.conflicts:
            sides = "; ".join(f"{self.party_name(p.party)} {PositionKind(p.kind).label.lower()}: "
                              f"{first_words(p.summary, 8)}" for p in gap.against)
            gap_lines.append([Span("Conflict — ", bold=True, color=styles.MARKING),
                              Span(f"{self.topic_title(gap.topic)}: ", bold=True)] + claim_words(gap.claim)
                             + [Span(f" — against: {sides}")])
        for gap in gaps.answered:
            sides = "; ".join(f"{self.party_name(p.party)} {PositionKind(p.kind).label.lower()}: "
                              f"{first_words(p.summary, 8)}" for p in gap.answers)
            gap_lines.append([Span("Answered — to judge — ", bold=True),
                              Span(f"{self.topic_title(gap.topic)}: ", bold=True)] + claim_words(gap.claim)
                             + [Span(f" — answered by: {sides}")])
        for gap in gaps.open:
            gap_lines.append([Span("Open — ", bold=True), Span(f"{self.topic_title(gap.topic)}: ", bold=True)]
                             + claim_words(gap.claim)
                             + [Span(" — not yet addressed by " + ", ".join(self.party_name(p) for p in gap.unanswered_by))])
        flow += self.subheading("Gaps" + (f" as of {self.short_round(latest)}" if latest else ""))
        if gap_lines:
            flow += [TextBlock([Span("•  ")] + line, styles.BODY.but(space_after=1, indent=8)) for line in gap_lines]
        else:
            flow.append(TextBlock("No gaps: no negotiating party's standing demand or red line is on record.",
                                  styles.BODY))
        claims: list[Position] = []
        for gap in [*gaps.conflicts, *gaps.answered, *gaps.open]:
            if gap.claim not in claims:
                claims.append(gap.claim)
        weak = [c for c in claims if self.weak(c)]
        if weak:
            flow += self.subheading("Resting only on weak sources")
            flow.append(self.explain("Every citation of these claims grades the source E or F or the information "
                                     "5 or 6, or the claim cites nothing: treat them with care."))
            for claim in weak:
                spans = [Span("•  "), Span(f"{self.party_name(claim.party)}, "
                                                              f"{self.topic_title(claim.topic)}: ", bold=True),
                         Span(f"{PositionKind(claim.kind).label.lower()}: {first_words(claim.summary, 10)}")]
                spans += self.cite_spans(claim.sources) or [Span(" (no source cited)", italic=True,
                                                                 color=styles.MUTED)]
                flow.append(TextBlock(spans, styles.BODY.but(space_after=1, indent=8, color=styles.MARKING)))
        return flow

