"""The colours of position kinds, shared by the screen and the printed dossier.

Fills step in lightness so that they stay apart in grey print; every cell also names its
kind in words, and red lines are dark with white text and a heavy frame.
"""

from __future__ import annotations

from dossier.model.enums import PositionKind

INK = "#1d2430"
#: secondary text: notes, labels, axis ticks
MUTED = "#5b6573"

#: kind -> (fill, text colour), as hex strings
KIND_FILL: dict[PositionKind, tuple[str, str]] = {
    PositionKind.RED_LINE: ("#7a1010", "#ffffff"),
    PositionKind.DEMAND: ("#f0a868", INK),
    PositionKind.CONCESSION: ("#8cc7a1", INK),
    PositionKind.OFFER: ("#c8e6c9", INK),
    PositionKind.ASSURANCE: ("#cfe0f3", INK),
    PositionKind.STATEMENT: ("#f4f4f4", INK),
}

#: the order kinds are listed in legends and filters: strongest first
KIND_ORDER: list[PositionKind] = list(KIND_FILL)
