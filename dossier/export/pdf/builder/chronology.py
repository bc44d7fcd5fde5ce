"""The timeline and the chronology of rounds and events."""

from __future__ import annotations

from reportlab.platypus import Spacer, Table
from reportlab.platypus.flowables import Flowable

from dossier.export.pdf import styles
from dossier.export.pdf.builder.base import BuilderBase
from dossier.export.pdf.builder.layout import _table, date_words, range_words
from dossier.export.pdf.text import Span, TextBlock
from dossier.export.pdf.timeline import legend_drawing, timeline_drawings
from dossier.model import analysis
from dossier.model.labels import status_word
from dossier.model.records import (
    Event,
    Negotiation,
)


class ChronologySection(BuilderBase):
    # ------------------------------------------------------------ timeline, chronology
    def timeline(self, neg: Negotiation) -> list[Flowable]:
        entries = analysis.chronology(self.doc, neg.id)
        drawings = timeline_drawings(entries, self.scope.width)
        if not drawings:
            self.missing.append("timeline (no dated rounds or events)")
            return []
        flow = self.section("Timeline")
        flow += [legend_drawing(self.scope.width), Spacer(1, 8)]
        for drawing in drawings:
            flow += [drawing, Spacer(1, 10)]
        return flow

    def chronology(self, neg: Negotiation) -> list[Flowable]:
        entries = analysis.chronology(self.doc, neg.id)
        if not entries:
            self.missing.append("chronology (no rounds or events)")
            return []
        flow = self.section("Chronology", new_page=False)
        flow.append(self.explain(
            "Rounds and events in date order. A date known only to the month or year says so, and is listed "
            "after the dated entries of that month or year. Rounds that did not take place are listed where "
            "they were due, in grey, with the word."))
        w = self.scope.width
        rows = [self.head_row("Date", "What", "Details")]
        muted = styles.CELL.but(color=styles.MUTED)
        for entry in entries:
            record = entry.record
            if entry.is_round:
                when = range_words(entry.start, entry.end, approximate=True)
                word = status_word(record)
                venue = self.venue_after_title(record)
                if word:
                    rows.append([self.cell(when, style=muted),
                                 TextBlock(Span("Round", bold=True), muted),
                                 TextBlock([Span(self.round_title(record), bold=True, link=f"round-{record.id}"),
                                            Span(f" — {word}", bold=True, italic=True)]
                                           + ([Span(f", {venue}")] if venue else [])
                                           + self.cite_spans(record.sources), muted)])
                    continue
                rows.append([self.cell(when), TextBlock(Span("Round", bold=True, color=styles.ACCENT), styles.CELL),
                             TextBlock([Span(self.round_title(record), bold=True, link=f"round-{record.id}")]
                                       + ([Span(f" — {venue}")] if venue else [])
                                       + self.cite_spans(record.sources), styles.CELL)])
            else:
                rows.append([self.cell(date_words(record.date, approximate=True)), self.cell("Event"),
                             TextBlock([Span(record.title, bold=True)]
                                       + ([Span("\n" + record.description)] if record.description else [])
                                       + self.cite_spans(record.sources), styles.CELL)])
        return flow + [_table(rows, [0.2 * w, 0.1 * w, 0.7 * w])]

    def events_table(self, events: list[Event]) -> Table:
        w = self.scope.width
        rows = [self.head_row("Date", "Event")]
        for event in events:
            spans = [Span(event.title, bold=True)]
            if event.description:
                spans.append(Span("\n" + event.description))
            spans += self.cite_spans(event.sources)
            if event.people:
                spans.append(Span("\nNames: " + ", ".join(self.person_name(p) for p in event.people),
                                  color=styles.MUTED))
            rows.append([self.cell(date_words(event.date, approximate=True)), TextBlock(spans, styles.CELL)])
        return _table(rows, [0.2 * w, 0.8 * w])

