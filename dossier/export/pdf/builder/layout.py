"""What a dossier's pages are made of beyond text: tables that split and remember their
measures, headings kept with what follows, section breaks, and the words for dates."""

from __future__ import annotations

from collections.abc import Iterable

from reportlab.lib.colors import HexColor
from reportlab.platypus import CondPageBreak, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from dossier.export.pdf import styles
from dossier.export.pdf.text import Span, TextBlock, TextStyle
from dossier.model.dates import display_date, display_range
from dossier.model.enums import PartyRole

HUGE_CELL = 2500  # characters
ROLE_ORDER = [PartyRole.PARTY, PartyRole.MEDIATOR, PartyRole.OBSERVER, PartyRole.HOST]
#: how many words of a remark the matrix and the movement tables quote
FIRST_WORDS = 14
#: the colour of a later remark printed beneath a red line's dark cell
_ON_DARK = HexColor("#f3d9d9")



def date_words(text: str | None, *, approximate: bool = False) -> str:
    """``dates.display_date``, saying "date unknown" for no date."""
    return display_date(text, approximate=approximate) if text else "date unknown"


range_words = display_range


def first_words(text: str, limit: int = FIRST_WORDS) -> str:
    """The first ``limit`` words of ``text`` on one line, with an ellipsis when cut."""
    words = text.split()
    if len(words) <= limit and len(text) <= 12 * limit:
        return " ".join(words)
    cut = " ".join(words[:limit])
    if len(cut) > 12 * limit:
        cut = cut[: 12 * limit].rstrip()
    return cut.rstrip(",;:—–- ") + "…"



class _Table(Table):
    """A table that remembers its row heights for each (height, width, column widths) it was
    measured at: a build's second pass wraps the same tables at the same places again, and
    measuring every cell of every row is most of what a wrap costs."""

    _MEASURED = ("_rowHeights", "_rowpositions", "_height", "_hmax")
    #: the height of the page's frame (set by the export): a row taller than this splits inside
    page_room: float = 600.0

    def split(self, availWidth, availHeight):
        result = super().split(availWidth, availHeight)
        if result or self.splitInRow:
            return result
        heading = sum(h or 0 for h in self._rowHeights[:self.repeatRows]) if self.repeatRows else 0
        tallest = max((h for h in self._rowHeights if h is not None), default=0)
        if tallest > self.page_room - heading - 2 or getattr(self, "_postponed", False):
            # a row no page can hold, or one that did not fit at the top of a page either:
            # split inside it rather than fail
            self.splitInRow = 1
            if heading > self.page_room / 4:  # a heading row too tall to repeat on every page
                self.repeatRows = 0
            return super().split(availWidth, availHeight)
        return result

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


class _HeadingRoom(CondPageBreak):
    """Put before a heading: a new page unless the heading and the start of what follows it
    (a few lines, or a table's first rows) fit, so that no heading is left at the foot of a
    page. ``story`` tells each one what follows its heading."""

    #: at most this much of what follows is kept with the heading
    MOST = 150.0

    def __init__(self, fixed: float):
        super().__init__(fixed)
        self.fixed = fixed
        self.following: list[Flowable] = []

    def wrap(self, availWidth, availHeight):
        start = 0.0
        for following in self.following:
            if isinstance(following, TextBlock) and getattr(following, "is_heading", False):
                following.wrap(availWidth, 1e6)  # a heading right below this one goes with it whole
                start += following.height + following.spaceBefore + following.spaceAfter + 8
                continue
            start += _first_piece(following, availWidth)
            if not (isinstance(following, TextBlock) and len(following._lines) <= 1):
                break  # a one-line text (a native name, a short note) is kept with what follows it too
        self.height = self.fixed + min(start, self.MOST + 60) + 6  # and a little room for rules and padding
        return super().wrap(availWidth, availHeight)


class _SectionBreak(CondPageBreak):
    """A new page before a section only when less than a fifth of the page is left."""

    def __init__(self):
        super().__init__(0)

    def wrap(self, availWidth, availHeight):
        self.height = _Table.page_room / 5
        return super().wrap(availWidth, availHeight)


def _heading_text(title: str, style: TextStyle) -> TextBlock:
    block = TextBlock(title, style)
    block.is_heading = True
    return block


def _first_piece(flowable: Flowable, width: float) -> float:
    """The height of the least of ``flowable`` worth keeping with a heading above it."""
    if isinstance(flowable, TextBlock):
        flowable.wrap(width, 1e6)
        return min(len(flowable._lines), 3) * flowable.style.leading + flowable.spaceBefore + flowable.spaceAfter
    if isinstance(flowable, Table):
        flowable.wrap(width, 1e6)
        heights = flowable._rowHeights
        if sum(heights) <= _HeadingRoom.MOST * 0.8:  # a short table, such as a few facts: all of it
            return sum(heights)
        rows = 2 if flowable.repeatRows and len(heights) > 1 else 1
        return sum(heights[:rows])
    return 0.0


def _keep_headings(flow: list[Flowable]) -> list[Flowable]:
    """Tell each heading's room what follows its heading: the headings right after it (a
    section's title and its first subheading) and the first two flowables with a height
    after them, up to the next heading that has content before it."""
    for index, flowable in enumerate(flow):
        if isinstance(flowable, _HeadingRoom):
            shown: list[Flowable] = []
            content = 0
            for following in flow[index + 1:index + 16]:
                if isinstance(following, _HeadingRoom):
                    if content:
                        break
                    continue
                if isinstance(following, TextBlock) and getattr(following, "is_heading", False):
                    shown.append(following)
                elif isinstance(following, (TextBlock, Table)):
                    shown.append(following)
                    content += 1
                    if content == 2:
                        break
            flowable.following = shown[1:]  # shown[0] is the heading itself
    return flow


def page_room(pagesize: tuple[float, float]) -> None:
    """Tell the tables how tall the text frame of a page is (a row taller than it splits inside)."""
    _Table.page_room = pagesize[1] - styles.MARGIN_TOP - styles.MARGIN_BOTTOM


def _cell_length(cell) -> int:
    if isinstance(cell, TextBlock):
        return cell.length()
    if isinstance(cell, (list, tuple)):
        return sum(_cell_length(c) for c in cell)
    return 0


def _table(rows: list[list], widths: list[float], *, header: bool = True, zebra: bool = True,
           extra: Iterable[tuple] = ()) -> Table:
    # Rows move to the next page whole, unless a row is taller than any page (``_Table.split``).
    table = _Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
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


def _pale(colour, strength: float = 0.3) -> HexColor:
    """``colour`` mixed with white: ``strength`` of the colour is kept."""
    r, g, b = colour.red, colour.green, colour.blue
    return HexColor("#" + "".join(f"{int(255 - (255 - c * 255) * strength):02x}" for c in (r, g, b)))


def _marking_box(marking: str, width: float) -> Table:
    table = Table([[TextBlock(Span(marking, bold=True, color=styles.MARKING),
                              TextStyle(size=13, leading=17, align="center"))]], colWidths=[width * 0.6], hAlign="CENTER")
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.5, styles.MARKING),
                               ("TOPPADDING", (0, 0), (-1, -1), 7), ("BOTTOMPADDING", (0, 0), (-1, -1), 7)]))
    return table


def _stack(flowables: list[Flowable]) -> list[Flowable] | Flowable:
    return flowables if len(flowables) != 1 else flowables[0]

