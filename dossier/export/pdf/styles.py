"""The dossier's look: page sizes, colours, text styles, position-kind palette."""

from __future__ import annotations

from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm

from dossier.export.pdf.text import TextStyle
from dossier.model import palette
from dossier.model.enums import PositionKind
from dossier.model.palette import KIND_FILL

PAPERS = {"a4": A4, "letter": LETTER}
MARGIN_X = 20 * mm
#: the marking (up to two lines) keeps this far from every edge of the sheet, so that no
#: printer cuts it; the running header and footer sit between it and the text
MARKING_EDGE = 10 * mm
MARKING_LINES = 2
MARGIN_TOP = 29 * mm
MARGIN_BOTTOM = 28 * mm

INK = HexColor(palette.INK)
MUTED = HexColor(palette.MUTED)
RULE = HexColor("#c9ced6")
ACCENT = HexColor("#1f3a5f")
LINK = HexColor("#1f4e8c")
MARKING = HexColor("#a01818")
HEADER_FILL = HexColor("#e8ecf2")
ZEBRA = HexColor("#f6f7f9")

BODY = TextStyle(size=9.5, leading=13.5, color=INK, space_after=5)
SMALL = TextStyle(size=8, leading=10.5, color=MUTED)
#: the smallest type on a page: legends, badges, notes beneath a cell
LEGEND_SIZE = 8
CELL = TextStyle(size=8.5, leading=11, color=INK)
CELL_HEAD = CELL.but(bold=True, color=ACCENT)
LABEL = CELL.but(bold=True, color=MUTED)
H1 = TextStyle(size=18, leading=23, color=ACCENT, bold=True, space_after=8)
H2 = TextStyle(size=13, leading=17, color=ACCENT, bold=True, space_before=12, space_after=5)
H3 = TextStyle(size=10.5, leading=14, color=INK, bold=True, space_before=8, space_after=3)
COVER_TITLE = TextStyle(size=26, leading=32, color=ACCENT, bold=True, space_after=6)
COVER_KIND = TextStyle(size=12, leading=16, color=MUTED, bold=True, space_after=24)
COVER_FACT = TextStyle(size=10.5, leading=14.5, color=INK)

# Fill, text colour and outline width per kind (colours shared with the screen).
KIND_LOOK = {
    kind: (HexColor(fill), white if kind == PositionKind.RED_LINE else HexColor(text),
           2.0 if kind == PositionKind.RED_LINE else 0.5)
    for kind, (fill, text) in KIND_FILL.items()
}
