"""The sources annex: every source cited, numbered as in the workspace, and each quote cited
from a source that holds its document, with the text around it there."""

from __future__ import annotations

import re

from reportlab.platypus.flowables import Flowable

from dossier.export.pdf import styles
from dossier.export.pdf.builder.base import BuilderBase
from dossier.export.pdf.builder.layout import _HeadingRoom, _stack, _table, date_words
from dossier.export.pdf.page import Anchor
from dossier.export.pdf.text import Span, TextBlock
from dossier.model import quotes
from dossier.model.enums import CREDIBILITY_LABELS, RELIABILITY_LABELS
from dossier.model.records import (
    Source,
    source_number_label,
)

#: how many characters of the document a quote is printed with, on each side
EXCERPT_AROUND = 160
#: said of a quote cited from a source whose document does not hold it
NOT_FOUND = "Quote not found in the source's document."
_SPACES = re.compile(r"\s+")
#: what ``seal_bidi`` adds at the end of a quote that leaves a control open (not in the document)
_CLOSERS = "\u202c\u2069"
#: the quotation marks a quote may come in, printed once around a quote the document does not hold
_QUOTATION_MARKS = "\"\u201c\u201d\u201e\u00ab\u00bb"


def _one_line(text: str) -> str:
    """``text`` with every run of white space (line breaks too) as one space."""
    return _SPACES.sub(" ", text)


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
        flow += self.quoted_passages(listed)
        return flow

    # ------------------------------------------------------------ quotes in the documents
    def quoted_passages(self, listed: list[str]) -> list[Flowable]:
        """Each quote cited from a source that holds its document, with up to
        ``EXCERPT_AROUND`` characters of the document on each side (the quote in bold), or
        the plain statement that the document does not hold it. Each quote is looked for
        once, however often it is cited."""
        shown = [sid for sid in listed if self.quoted.get(sid) and (self.sources[sid].text or "").strip()]
        if not shown:
            return []
        flow = self.subheading("Quoted passages")
        flow.append(self.explain("Each quote cited from a source's document, in bold, "
                                 "with the text around it in the document."))
        passage_style = styles.BODY.but(size=9, leading=12.5, indent=14, space_after=6)
        title_style = styles.CELL.but(space_before=4, space_after=3)
        for i, source_id in enumerate(shown):
            source = self.sources[source_id]
            number = self.source_numbers[source_id]
            title = TextBlock([Span(f"{source_number_label(number)}\u00a0", bold=True, color=styles.LINK,
                                    link=f"src-{number}"), Span(source.title, bold=True)], title_style)
            title.is_heading = True  # kept with the start of its first passage, never left at a page's foot
            if i:  # the first is kept with the subheading above it
                flow.append(_HeadingRoom(title_style.leading + title_style.space_before + title_style.space_after))
            flow.append(title)
            printed: set[tuple[int, int]] = set()  # a passage cited in two spellings is printed once
            for quote in self.quoted[source_id]:
                found = quotes.locate_quote(source.text, quote.rstrip(_CLOSERS) or quote)
                if found is not None and (found[0], found[1]) in printed:
                    continue
                if found is not None:
                    printed.add((found[0], found[1]))
                flow.append(TextBlock(self.passage_spans(source.text, quote, found), passage_style))
        return flow

    def passage_spans(self, text: str, quote: str, found: tuple[int, int] | None) -> list[Span]:
        """The quote as its document holds it (``found``: where), in its context; or the quote
        and the note that the document does not hold it."""
        if found is None:
            shown = _one_line(quote).strip().strip(_QUOTATION_MARKS).strip() or quote
            return [Span(f"\u201c{shown}\u201d"),
                    Span("\n" + NOT_FOUND, italic=True, color=styles.MUTED)]
        before, passage, after = quotes.excerpt(text, found[0], found[1], around=EXCERPT_AROUND)
        return [Span(_one_line(before), color=styles.MUTED), Span(_one_line(passage), bold=True),
                Span(_one_line(after), color=styles.MUTED)]

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


