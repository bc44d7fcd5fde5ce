"""The dossier's look: page sizes, colours, text styles, position-kind palette."""

from __future__ import annotations

from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm

from dossier.export.pdf.text import TextStyle
from dossier.model.enums import PositionKind

PAPERS = {"a4": A4, "letter": LETTER}
MARGIN_X = 20 * mm
MARGIN_TOP = 24 * mm
MARGIN_BOTTOM = 22 * mm

INK = HexColor("#1d2430")
MUTED = HexColor("#5b6573")
RULE = HexColor("#c9ced6")
ACCENT = HexColor("#1f3a5f")
LINK = HexColor("#1f4e8c")
MARKING = HexColor("#a01818")
HEADER_FILL = HexColor("#e8ecf2")
ZEBRA = HexColor("#f6f7f9")

BODY = TextStyle(size=9.5, leading=13.5, color=INK, space_after=5)
SMALL = TextStyle(size=8, leading=10.5, color=MUTED)
CELL = TextStyle(size=8.5, leading=11, color=INK)
CELL_HEAD = CELL.but(bold=True, color=ACCENT)
LABEL = CELL.but(bold=True, color=MUTED)
H1 = TextStyle(size=18, leading=23, color=ACCENT, bold=True, space_after=8)
H2 = TextStyle(size=13, leading=17, color=ACCENT, bold=True, space_before=12, space_after=5)
H3 = TextStyle(size=10.5, leading=14, color=INK, bold=True, space_before=8, space_after=3)
COVER_TITLE = TextStyle(size=26, leading=32, color=ACCENT, bold=True, space_after=6)
COVER_KIND = TextStyle(size=12, leading=16, color=MUTED, bold=True, space_after=24)
COVER_FACT = TextStyle(size=10.5, leading=14.5, color=INK)

# Fill, text colour and outline width per kind. Fills step in lightness so that they
# stay apart in grey print; every cell also names its kind in words, and red lines are
# dark with white text and a heavy frame.
KIND_LOOK = {
    PositionKind.RED_LINE: (HexColor("#7a1010"), white, 2.0),
    PositionKind.DEMAND: (HexColor("#f0a868"), INK, 0.5),
    PositionKind.CONCESSION: (HexColor("#8cc7a1"), INK, 0.5),
    PositionKind.OFFER: (HexColor("#c8e6c9"), INK, 0.5),
    PositionKind.ASSURANCE: (HexColor("#cfe0f3"), INK, 0.5),
    PositionKind.STATEMENT: (HexColor("#f4f4f4"), INK, 0.5),
}
KIND_ORDER = [
    PositionKind.RED_LINE,
    PositionKind.DEMAND,
    PositionKind.CONCESSION,
    PositionKind.OFFER,
    PositionKind.ASSURANCE,
    PositionKind.STATEMENT,
]
