"""The page: marking top and bottom, dossier title, preparation date, ``Page x of y``;
outline entries, link targets, the contents list and progress/cancel checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Table, TableStyle
from reportlab.platypus.flowables import Flowable
from reportlab.platypus.tableofcontents import TableOfContents

from dossier.errors import CancelledError
from dossier.export.pdf import styles
from dossier.export.pdf.text import Span, TextBlock, TextStyle

_MARK_STYLE = TextStyle(size=8.5, leading=11, color=styles.MARKING, bold=True, align="center")
_RUNNING = TextStyle(size=7.5, leading=10, color=styles.MUTED)


@dataclass(frozen=True)
class Running:
    """What every page carries besides its content."""

    marking: str
    title: str
    prepared: str


def _draw_block(canv: Canvas, block: TextBlock, x: float, y_top: float, width: float) -> None:
    _, height = block.wrapOn(canv, width, 1000)
    block.drawOn(canv, x, y_top - height)


def decorate_page(canv: Canvas, doc: DossierTemplate) -> None:
    """Draw the running header and footer of the current page.

    ``Page x of y`` takes y from the previous pass of the build; ``export_pdf`` builds
    again until the count it printed is the count it made. A layout pass draws nothing.
    """
    if getattr(canv, "layout_only", False):
        return
    running = doc.running
    total = str(doc.pages_expected) if doc.pages_expected else "…"
    width, height = canv._pagesize
    inner = width - 2 * styles.MARGIN_X
    x = styles.MARGIN_X
    if doc.running_blocks is None:  # the same on every page: shaped and measured once
        doc.running_blocks = (TextBlock(running.marking, _MARK_STYLE), TextBlock(running.title, _RUNNING),
                              TextBlock(f"Prepared {running.prepared}", _RUNNING.but(align="end")))
    marking, title, prepared = doc.running_blocks
    canv.saveState()
    _draw_block(canv, marking, x, height - 9 * mm, inner)
    canv.setStrokeColor(styles.RULE)
    canv.setLineWidth(0.5)
    canv.line(x, height - 18 * mm, x + inner, height - 18 * mm)
    _draw_block(canv, title, x, height - 14 * mm, inner * 0.7)
    _draw_block(canv, prepared, x + inner * 0.7, height - 14 * mm, inner * 0.3)
    canv.line(x, 16 * mm, x + inner, 16 * mm)
    _draw_block(canv, title, x, 14.5 * mm, inner * 0.7)
    _draw_block(canv, TextBlock(f"Page {doc.page} of {total}", _RUNNING.but(align="end", bold=True)),
                x + inner * 0.7, 14.5 * mm, inner * 0.3)
    _draw_block(canv, marking, x, 9 * mm, inner)
    canv.restoreState()


class Anchor(Flowable):
    """A link target, and optionally an outline entry and a contents line, at this point."""

    def __init__(self, key: str, outline: str | None = None, level: int = 0, contents: bool = True):
        super().__init__()
        self.key, self.outline, self.level, self.in_contents = key, outline, level, contents
        self.width = self.height = 0

    def wrap(self, availWidth, availHeight):
        return 0, 0

    def draw(self):
        self.canv.bookmarkHorizontal(self.key, 0, 0)
        if self.outline is not None:
            self.canv.addOutlineEntry(self.outline, self.key, self.level, closed=self.level > 0)


class Contents(TableOfContents):
    """The contents list. Its lines are known before the build (every heading is made by
    the builder), so the first pass already has the final height and only the page
    numbers change: two passes suffice."""

    def __init__(self, entries: list[tuple[int, str, str]]):
        super().__init__()
        self.planned = entries  # (level, title, key)

    def wrap(self, availWidth, availHeight):
        pages = {key: page for _level, _title, page, key in self._lastEntries}
        rows = []
        for level, title, key in self.planned:
            look = styles.BODY.but(space_after=0, bold=level == 0, indent=14 * level,
                                   color=styles.INK if level == 0 else styles.MUTED)
            page = str(pages.get(key, ""))
            rows.append([TextBlock(Span(title, link=key), look),
                         TextBlock(Span(page, link=key), look.but(align="end", indent=0))])
        if not rows:
            rows = [[TextBlock("No sections.", styles.BODY), ""]]
        table = Table(rows, colWidths=[availWidth - 50, 50])
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, styles.RULE),
        ]))
        self._table = table
        self.width, self.height = table.wrapOn(self.canv, availWidth, availHeight)
        return self.width, self.height


class _LayoutCanvas(Canvas):
    """The canvas of a build's first pass, which only finds each flowable's page: text
    and running heads are not drawn (the pass that prints the page count draws them)."""

    layout_only = True


class DossierTemplate(BaseDocTemplate):
    def __init__(self, filename, *, pagesize, running: Running, progress: Callable[[int, int], None] | None,
                 is_cancelled: Callable[[], bool] | None, expected: int, **metadata):
        super().__init__(filename, pagesize=pagesize, leftMargin=styles.MARGIN_X,
                         rightMargin=styles.MARGIN_X, topMargin=styles.MARGIN_TOP,
                         bottomMargin=styles.MARGIN_BOTTOM, **metadata)
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=decorate_page)])
        self.running = running
        self.pages_expected: int | None = None  # the page count of the previous pass
        self.pages_printed: int | None = None  # the count printed as "of y" in the last pass
        self.running_blocks: tuple[TextBlock, ...] | None = None
        self._progress = progress
        self._is_cancelled = is_cancelled
        self._expected = max(expected, 1)
        self._done = 0

    def build(self, flowables, filename=None, canvasmaker=Canvas):
        if self.pages_expected is None and canvasmaker is Canvas:
            # No page count is known yet, so this pass cannot be the one kept: lay out only.
            canvasmaker = _LayoutCanvas
        super().build(flowables, filename, canvasmaker)
        self.pages_printed = self.pages_expected
        self.pages_expected = self.page

    def afterFlowable(self, flowable):
        if isinstance(flowable, Anchor) and flowable.outline is not None and flowable.in_contents:
            self.notify("TOCEntry", (flowable.level, flowable.outline, self.page, flowable.key))
        self._done += 1
        if self._is_cancelled is not None and self._is_cancelled():
            raise CancelledError("PDF export")
        if self._progress is not None and self._done % 20 == 0:
            self._progress(min(self._done, self._expected - 1), self._expected)
