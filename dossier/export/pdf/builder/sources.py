"""The sources annex: every source cited, numbered as in the workspace."""

from __future__ import annotations

from reportlab.platypus.flowables import Flowable

from dossier.export.pdf import styles
from dossier.export.pdf.builder.base import BuilderBase
from dossier.export.pdf.builder.layout import _stack, _table, date_words
from dossier.export.pdf.page import Anchor
from dossier.export.pdf.text import Span, TextBlock
from dossier.model.enums import CREDIBILITY_LABELS, RELIABILITY_LABELS
from dossier.model.records import (
    Source,
    source_number_label,
)


class SourcesSection(BuilderBase):
    # ------------------------------------------------------------ sources
    def sources_annex(self) -> list[Flowable]:
        listed = self.annexed_sources()
        if not listed:
            self.missing.append("sources cited")
            return []
        flow = self.section("Sources")
        flow.append(TextBlock(
            "References in the text read [S2 B2]: source S2, source reliability B, information credibility 2 "
            "(Admiralty grading). Source numbers are the workspace's: a source has the same number in every "
            "dossier, brief and profile printed from this workspace, so this list, which holds only the sources "
            "this document cites and those that carried them, may skip numbers.",
            styles.SMALL.but(space_after=8)))
        w = self.scope.width
        rows = [self.head_row("Ref.", "Grade", "Source")]
        for source_id in listed:
            source = self.sources[source_id]
            number = self.source_numbers[source_id]
            rows.append([
                _stack([Anchor(f"src-{number}"), self.cell(source_number_label(number), bold=True)]),
                self.cell(f"{source.reliability}\n{RELIABILITY_LABELS.get(source.reliability, '')}",
                          style=styles.CELL.but(size=8, leading=10)),
                TextBlock(self.source_spans(source), styles.CELL),
            ])
        flow.append(_table(rows, [0.08 * w, 0.17 * w, 0.75 * w]))
        flow.append(TextBlock("Information credibility: " + "; ".join(f"{k} {v.lower()}" for k, v in
                                                                    CREDIBILITY_LABELS.items()) + ".",
                              styles.SMALL.but(space_before=6)))
        return flow

    def source_spans(self, source: Source) -> list[Span]:
        spans = [Span(source.title, bold=True)]
        details = [x for x in [source.publisher, date_words(source.published) if source.published else None] if x]
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
                label = f"{source_number_label(number)} " if number else ""
                spans.append(Span(f"{label}{via.title}", color=styles.LINK, link=f"src-{number}" if number else None))
        if source.url:
            clickable = source.url.lower().startswith(("http://", "https://"))
            spans.append(Span("\n" + source.url, color=styles.LINK if clickable else styles.MUTED,
                              url=source.url if clickable else None))
        if source.notes:
            spans.append(Span("\n" + source.notes, italic=True, color=styles.MUTED))
        return spans


