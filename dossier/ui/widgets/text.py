"""User text on screen: always plain, laid out in its own direction."""

from __future__ import annotations

import html
import unicodedata

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from dossier.model.text import seal_bidi


def is_rtl(text: str | None) -> bool:
    """True when the first strongly directional character is right-to-left (Arabic, Hebrew…)."""
    for ch in text or "":
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def plain_tooltip(text: str | None) -> str:
    """A tooltip that shows ``text`` literally: Qt would otherwise render markup in tooltips."""
    if not text:
        return ""
    body = html.escape(text).replace("\n", "<br>")
    direction = "rtl" if is_rtl(text) else "ltr"
    return f'<p dir="{direction}" style="white-space:pre-wrap">{body}</p>'


def plain_label(text: str = "", parent=None, *, wrap: bool = False) -> QLabel:
    """A label that never interprets its text as markup."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    set_plain(label, text)
    return label


def set_plain(label: QLabel, text: str | None) -> None:
    """Show user text in ``label``: as plain text, on the right when it reads right to left."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text or "")
    rtl = is_rtl(text)
    label.setLayoutDirection(Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight)
    # the leading edge: Qt mirrors AlignLeft to the right in a right-to-left layout
    # (AlignRight would be mirrored to the left)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def dot_joined(parts) -> str:
    """Pieces of user text joined by " · ", each sealed (``model.text.seal_bidi``): an override
    or isolate one leaves open ends with it, and never turns the pieces after it around."""
    return " · ".join(seal_bidi(str(part)) for part in parts)
