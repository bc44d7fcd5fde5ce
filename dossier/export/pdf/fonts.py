"""The bundled fonts (``resources/fonts``) and which one draws which character.

Only the bundled files are ever used, never the system's fonts. Noto Sans draws Latin,
Greek and Cyrillic and every character that is not Arabic or Hebrew script; Noto Sans
Arabic draws Arabic and Persian; Noto Sans Hebrew draws Hebrew. Every font is embedded
(as subsets); the canvas starts in Noto Sans too, so no standard font is ever referenced.
Arabic and Hebrew runs are shaped by HarfBuzz and drawn through a ``GlyphFont`` of their
font (``glyphs.py``); other text is drawn by character.
"""

from __future__ import annotations

from functools import cache

from dossier.resources import resource_path

LATIN, ARABIC, HEBREW = 0, 1, 2
#: the scripts whose runs are shaped by HarfBuzz
SHAPED = (ARABIC, HEBREW)

_FILES = {
    (LATIN, False, False): "NotoSans-Regular.ttf",
    (LATIN, True, False): "NotoSans-Bold.ttf",
    (LATIN, False, True): "NotoSans-Italic.ttf",
    (ARABIC, False, False): "NotoSansArabic-Regular.ttf",
    (ARABIC, True, False): "NotoSansArabic-Bold.ttf",
    (HEBREW, False, False): "NotoSansHebrew-Regular.ttf",
    (HEBREW, True, False): "NotoSansHebrew-Bold.ttf",
}


def _registered_name(file_name: str) -> str:
    return "Dossier-" + file_name.removesuffix(".ttf")


@cache
def register_fonts() -> None:
    """Register every bundled font with reportlab (once per process)."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for file_name in _FILES.values():
        path = resource_path("fonts", file_name)
        pdfmetrics.registerFont(TTFont(_registered_name(file_name), str(path)))
    for bold in (False, True):
        for italic in (False, True):
            addMapping(SANS_REGULAR, bold, italic, font_name(LATIN, bold, italic))
    # Every font in a dossier is a bundled one, embedded.
    # A table sets its cells' font (reportlab's default: the standard, unembedded Helvetica)
    # before drawing them, though a cell's text is drawn by its own flowable in its own font.
    # A drawing (the timeline) starts from reportlab's graphics state, in Helvetica too.
    from reportlab.graphics.shapes import STATE_DEFAULTS
    from reportlab.platypus.tables import CellStyle

    CellStyle.fontname = SANS_REGULAR
    STATE_DEFAULTS["fontName"] = SANS_REGULAR


def font_name(script: int, bold: bool = False, italic: bool = False) -> str:
    """The registered name of the font for ``script``; italic falls back to upright
    where no italic is bundled, bold italic to bold."""
    for key in ((script, bold, italic), (script, bold, False), (script, False, False)):
        if key in _FILES:
            return _registered_name(_FILES[key])
    return _registered_name(_FILES[(LATIN, False, False)])


SANS_REGULAR = _registered_name(_FILES[(LATIN, False, False)])


def script_of(ch: str) -> int:
    """Which bundled font draws ``ch``: ARABIC, HEBREW or LATIN (everything else)."""
    code = ord(ch)
    if code < 0x0590:
        return LATIN
    if code <= 0x05FF or 0xFB1D <= code <= 0xFB4F:
        return HEBREW
    if code <= 0x06FF or 0x0750 <= code <= 0x077F or 0x08A0 <= code <= 0x08FF:
        return ARABIC
    if 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF:
        return ARABIC
    return LATIN
