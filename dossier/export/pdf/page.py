"""The page: marking top and bottom, dossier title, preparation date, ``Page x of y``;
outline entries, link targets, the contents list and progress/cancel checks."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Table, TableStyle
from reportlab.platypus.flowables import Flowable
from reportlab.platypus.tableofcontents import TableOfContents

from dossier.errors import CancelledError, DossierError
from dossier.export.pdf import styles
from dossier.export.pdf.text import Span, TextBlock, TextStyle, cut_to_fit, plain_width

_MARK_STYLE = TextStyle(size=8.5, leading=11, color=styles.MARKING, bold=True, align="center")
#: how far above or below its line a marking's letters may reach (accents, descenders)
_INKED = 2.5
_RUNNING = TextStyle(size=8, leading=10, color=styles.MUTED)


@dataclass(frozen=True)
class Running:
    """What every page carries besides its content."""

    marking: str
    title: str
    prepared: str


def _draw_block(canv: Canvas, block: TextBlock, x: float, y_top: float, width: float) -> None:
    _, height = block.wrapOn(canv, width, 1000)
    block.drawOn(canv, x, y_top - height)


def marking_block(marking: str, width: float) -> TextBlock:
    """The marking as printed at the top and foot of every page; raises ``DossierError`` when it
    takes more than ``styles.MARKING_LINES`` lines at the page's width (it is never shortened:
    a handling caveat cut short would say something else)."""
    block = TextBlock(marking, _MARK_STYLE)
    block.wrap(width, 1e6)
    if len(block._lines) > styles.MARKING_LINES:
        raise DossierError(
            f"the marking takes {len(block._lines)} lines at this paper width; at most {styles.MARKING_LINES} "
            f"fit above and below the text ({len(marking)} characters given): shorten it")
    return block


def one_line(text: str, style: TextStyle, width: float) -> str:
    """``text`` on one line of ``width``: as it is when it fits, else cut at a word where one is
    near and ended with an ellipsis (for running heads, which have room for one line)."""
    text = " ".join(text.split())
    if plain_width(text, style) <= width:
        return text
    return cut_to_fit(text, lambda trial: plain_width(trial, style) <= width)


def decorate_page(canv: Canvas, doc: DossierTemplate) -> None:
    """Draw the running header and footer of the current page.

    From the edge inwards: the marking (one or two lines, its box at least
    ``styles.MARKING_EDGE`` from the edge), then the dossier's title (cut to one line) with the
    preparation date or ``Page x of y``, then a rule; the text starts below the top rule and
    ends above the bottom one. ``Page x of y`` takes y from the previous pass of the build;
    ``export_pdf`` builds again until the count it printed is the count it made. A layout pass
    draws nothing.
    """
    if getattr(canv, "layout_only", False):
        return
    running = doc.running
    total = str(doc.pages_expected) if doc.pages_expected else "…"
    width, height = canv._pagesize
    inner = width - 2 * styles.MARGIN_X
    x = styles.MARGIN_X
    if doc.running_blocks is None:  # the same on every page: shaped and measured once
        marking = marking_block(running.marking, inner)
        title = TextBlock(one_line(running.title, _RUNNING, inner * 0.7 - 6), _RUNNING)
        doc.running_blocks = (marking, title, TextBlock(f"Prepared {running.prepared}", _RUNNING.but(align="end")))
    marking, title, prepared = doc.running_blocks
    mark_room = styles.MARKING_LINES * _MARK_STYLE.leading
    edge = styles.MARKING_EDGE + _INKED  # the glyphs' box reaches a little beyond their line
    canv.saveState()
    # top: marking from the edge's margin down, then the title line, then the rule
    _draw_block(canv, marking, x, height - edge, inner)
    head_top = height - edge - mark_room - 1.5 * mm
    _draw_block(canv, title, x, head_top, inner * 0.7)
    _draw_block(canv, prepared, x + inner * 0.7, head_top, inner * 0.3)
    canv.setStrokeColor(styles.RULE)
    canv.setLineWidth(0.5)
    rule_top = head_top - _RUNNING.leading - 1.5 * mm
    canv.line(x, rule_top, x + inner, rule_top)
    # bottom: the marking's last line ends at the edge's margin, the page line above it
    marking.wrapOn(canv, inner, 1000)
    _draw_block(canv, marking, x, edge + marking.height, inner)
    foot_top = edge + mark_room + 1.5 * mm + _RUNNING.leading
    _draw_block(canv, title, x, foot_top, inner * 0.7)
    _draw_block(canv, TextBlock(f"Page {doc.page} of {total}", _RUNNING.but(align="end", bold=True)),
                x + inner * 0.7, foot_top, inner * 0.3)
    rule_bottom = foot_top + 1.5 * mm
    canv.line(x, rule_bottom, x + inner, rule_bottom)
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


#: what starts a new line in printed text (``text._PARAGRAPH_END`` and the line separator)
_LINE_ENDS = re.compile("\r\n|[\n\r\x1c-\x1e\x85\u2028\u2029]+")


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
            title = _LINE_ENDS.sub(" ", title)  # one line a heading: its text may hold line ends
            if len(title) > 160:  # the heading itself prints in full
                title = title[:159].rstrip() + "…"
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
        for flowable in flowables:  # a flowable moved to the next page in an earlier pass starts afresh
            flowable.__dict__.pop("_postponed", None)
        super().build(flowables, filename, canvasmaker)
        self.pages_printed = self.pages_expected
        self.pages_expected = self.page

    def beforeDocument(self):
        self.canv.showOutline()  # a viewer opens the document with its outline shown

    def afterFlowable(self, flowable):
        if isinstance(flowable, Anchor) and flowable.outline is not None and flowable.in_contents:
            self.notify("TOCEntry", (flowable.level, flowable.outline, self.page, flowable.key))
        self._done += 1
        if self._is_cancelled is not None and self._is_cancelled():
            raise CancelledError("PDF export")
        if self._progress is not None and self._done % 20 == 0:
            self._progress(min(self._done, self._expected - 1), self._expected)
