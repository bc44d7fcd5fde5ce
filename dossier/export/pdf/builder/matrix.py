"""The position matrix: each party's standing position on each topic, and its legend."""

from __future__ import annotations

from reportlab.lib.colors import white
from reportlab.platypus import Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from dossier.export.pdf import styles
from dossier.export.pdf.builder.base import BuilderBase
from dossier.export.pdf.builder.layout import _pale, _table, date_words
from dossier.export.pdf.text import Span, TextBlock
from dossier.model import analysis
from dossier.model.enums import PositionKind
from dossier.model.palette import KIND_ORDER
from dossier.model.records import (
    Negotiation,
    Position,
    Round,
)


class MatrixSection(BuilderBase):
    # ------------------------------------------------------------ matrix
    MATRIX_EXPLAINED = (
        "Each cell holds the party's standing position on the topic: its latest red line, demand, offer, "
        "concession or assurance, with its kind in words; red lines are dark with a heavy frame. A later "
        "statement is a remark and does not replace the stance: the latest one made since is quoted beneath "
        "it in small type, on a paler ground. REMARK ONLY (dashed frame) marks a party that has made only "
        "statements on the topic; its latest statement fills the cell.")

    def matrix(self, neg: Negotiation, as_of: Round | None = None) -> list[Flowable]:
        title = "Position matrix" + (f" as of {self.round_heading(as_of)}" if as_of else "")
        table = analysis.matrix(self.doc, neg.id, as_of.id if as_of else None, ordered=self.ordered(neg.id))
        topic_ids = [t for t in table.topics if any(table.cell(p, t) for p in table.parties)]
        if not topic_ids:
            self.missing.append("positions" + (" as of this round" if as_of else "") + " (no position matrix)")
            return []
        flow = self.section(title)
        flow.append(self.legend())
        approximate_before = self.approximate_count
        parties = table.parties
        w = self.scope.width
        first = 0.2 * w
        col = (w - first) / len(parties)
        rows: list[list] = [[TextBlock("Topic", styles.CELL_HEAD)]
                            + [TextBlock(self.party_name(p), styles.CELL_HEAD) for p in parties]]
        extra: list[tuple] = [("GRID", (0, 0), (-1, -1), 0.4, styles.RULE)]
        frames: list[tuple] = []
        for topic_id in topic_ids:
            r = len(rows)
            cells = [table.cell(p, topic_id) for p in parties]
            later = {c: cell.remark for c, cell in enumerate(cells, start=1)
                     if cell is not None and cell.standing is not None and cell.remark is not None}
            rr = r + 1 if later else r  # the row of later remarks, when there is one
            row: list = [self.cell(self.topic_title(topic_id), bold=True)]
            for c, cell in enumerate(cells, start=1):
                if cell is None:
                    row.append(self.cell("no position", style=styles.CELL.but(color=styles.MUTED, italic=True)))
                elif cell.standing is None:
                    row.append(self.remark_only_block(cell.shown))
                    frames.append(("BOX", (c, r), (c, rr), 0.8, styles.MUTED, None, (2, 1.5)))
                else:
                    kind = PositionKind(cell.standing.kind)
                    fill, _ink, frame = styles.KIND_LOOK[kind]
                    row.append(self.stance_block(cell.standing))
                    extra.append(("BACKGROUND", (c, r), (c, r), fill))
                    if c in later:
                        extra.append(("BACKGROUND", (c, rr), (c, rr), _pale(fill)))
                    if frame > 1:
                        frames.append(("BOX", (c, r), (c, rr), frame, styles.INK))
                if c not in later and rr != r:
                    extra.append(("SPAN", (c, r), (c, rr)))
            rows.append(row)
            if later:
                beneath: list = [""] * (len(parties) + 1)
                for c, remark in later.items():
                    beneath[c] = self.later_remark_block(remark)
                rows.append(beneath)
                extra += [("SPAN", (0, r), (0, rr)), ("NOSPLIT", (0, r), (-1, rr))]
                extra += [("LINEBELOW", (c, r), (c, r), 0.6, white) for c in later]
        flow.append(_table(rows, [first] + [col] * len(parties), zebra=False, extra=[*extra, *frames]))
        if self.approximate_count > approximate_before:
            flow.append(Spacer(1, 6))
            flow.append(self.approximate_note())
        return flow

    def stance_block(self, position: Position) -> TextBlock:
        """A standing position as a matrix cell: its kind in words, its text, date and citations."""
        kind = PositionKind(position.kind)
        _fill, ink, _frame = styles.KIND_LOOK[kind]
        spans = [Span(kind.label.upper() + "\n", bold=True, color=ink), Span(position.summary, color=ink)]
        if position.date:
            spans.append(Span(f" ({date_words(position.date)})", color=ink))
        spans += self.cite_spans(position.sources, color=ink if kind == PositionKind.RED_LINE else None)
        spans += self.placement_spans(position, ink)
        return TextBlock(spans, styles.CELL.but(color=ink))

    def remark_only_block(self, position: Position) -> TextBlock:
        """A cell holding only a remark: said in words, and drawn unlike any stance."""
        spans = [Span("REMARK ONLY", bold=True, color=styles.MUTED),
                 Span(f" · {PositionKind(position.kind).label.lower()}\n", color=styles.MUTED),
                 Span(position.summary, italic=True)]
        if position.date:
            spans.append(Span(f" ({date_words(position.date)})", color=styles.MUTED))
        spans += self.cite_spans(position.sources)
        spans += self.placement_spans(position)
        return TextBlock(spans, styles.CELL)

    def later_remark_block(self, remark: Position) -> TextBlock:
        """The latest remark made after a standing position, beneath it in small type."""
        spans = [Span("Later remark — ", italic=True, color=styles.MUTED)]
        spans += self.brief_spans(remark, color=styles.MUTED)
        spans += self.placement_spans(remark)
        return TextBlock(spans, styles.CELL.but(size=8, leading=10, color=styles.MUTED))

    def legend(self) -> Table:
        cells: list = []
        extra: list[tuple] = []
        for i, kind in enumerate(KIND_ORDER):
            fill, ink, frame = styles.KIND_LOOK[kind]
            cells.append(TextBlock(Span(kind.label.upper(), bold=True, color=ink),
                                   styles.CELL.but(size=8, leading=10, align="center")))
            extra.append(("BACKGROUND", (i, 0), (i, 0), fill))
            if frame > 1:
                extra.append(("BOX", (i, 0), (i, 0), frame, styles.INK))
        n = len(cells)
        cells.append(TextBlock(Span("REMARK ONLY", bold=True, color=styles.MUTED),
                               styles.CELL.but(size=8, leading=10, align="center")))
        extra.append(("BOX", (n, 0), (n, 0), 0.8, styles.MUTED, None, (2, 1.5)))
        note = TextBlock(self.MATRIX_EXPLAINED, styles.SMALL.but(align="start"))
        w = self.scope.width
        table = Table([cells, [note] + [""] * (len(cells) - 1)], colWidths=[w / len(cells)] * len(cells),
                      hAlign="LEFT")
        table.setStyle(TableStyle([("SPAN", (0, 1), (-1, 1)), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                   ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, 0), 4),
                                   ("LINEAFTER", (0, 0), (-2, 0), 2, white), *extra]))
        table.spaceAfter = 10
        return table

