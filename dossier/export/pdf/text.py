"""User text as a reportlab flowable: shaped, in visual order, wrapped, never parsed as markup.

A :class:`TextBlock` takes plain strings (``Span``), never markup, so ``<b>`` or
``<img src=…>`` in user data is drawn as those characters. For each line of the text
(a newline ends a line and starts a new bidi paragraph):

1. Arabic and Persian are shaped into presentation forms (``arabic_reshaper``), in
   logical order; harakat are kept.
2. The Unicode bidi algorithm (``python-bidi``) resolves each character's embedding level
   over the whole paragraph; the paragraph's direction is that of its first strong
   character.
3. The paragraph is wrapped in logical order at spaces (a word wider than the line is
   cut), measuring each character with the font that draws it.
4. Each wrapped line is reordered for display (rules L1, L2 and mirroring), cut into runs
   of one font and one span, and drawn; right-to-left paragraphs are right-aligned.

Wrapping before reordering is what keeps a multi-line Arabic or Hebrew paragraph in
the right line order. Long texts split across pages line by line, at any size.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from itertools import accumulate
from dataclasses import dataclass, field, replace
from functools import lru_cache

import arabic_reshaper
from bidi import algorithm as bidi_algorithm
from bidi.mirror import MIRRORED
from reportlab.lib.colors import Color, black
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.platypus.flowables import Flowable

from dossier.export.pdf.fonts import LATIN, font_name, script_of

_RTL_OR_CONTROL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
_RESHAPER = arabic_reshaper.ArabicReshaper(configuration={"delete_harakat": False})


@dataclass(frozen=True)
class Span:
    """A piece of plain text with one look. ``link`` names an internal destination,
    ``url`` an external http(s) address."""

    text: str
    bold: bool = False
    italic: bool = False
    color: Color | None = None
    link: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class TextStyle:
    size: float = 9.5
    leading: float = 13.0
    color: Color = black
    bold: bool = False
    italic: bool = False
    space_before: float = 0.0
    space_after: float = 0.0
    indent: float = 0.0
    align: str = "start"  # start (left, or right for right-to-left text), center, end

    def but(self, **changes) -> TextStyle:
        return replace(self, **changes)


def _invisible(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cf", "Cc")


class _Widths:
    """Advance width of each character in each font at one size (reportlab draws
    TrueType text without kerning, so a string's width is the sum of its characters')."""

    def __init__(self, size: float):
        self.size = size
        self.tables: dict[str, dict[str, float]] = {}

    def _table(self, font: str) -> dict[str, float]:
        table = self.tables.get(font)
        if table is None:
            table = self.tables[font] = _FONT_WIDTHS.setdefault((font, self.size), {})
        return table

    def _measure(self, ch: str, font: str, table: dict[str, float]) -> float:
        width = table[ch] = 0.0 if _invisible(ch) else getFont(font).stringWidth(ch, self.size)
        return width

    def of(self, ch: str, font: str) -> float:
        table = self._table(font)
        width = table.get(ch)
        return self._measure(ch, font, table) if width is None else width

    def each(self, text: str, font: str) -> list[float]:
        """The width of every character of ``text`` drawn in ``font``."""
        table = self._table(font)
        out = [table.get(ch) for ch in text]
        if None in out:
            out = [w if w is not None else self._measure(ch, font, table) for ch, w in zip(text, out)]
        return out


#: (font, size) -> character -> advance width, shared by every block of a process
_FONT_WIDTHS: dict[tuple[str, float], dict[str, float]] = {}
#: any character a font other than the Latin one draws
_NOT_LATIN = re.compile("[^\u0000-\u058f]")


@dataclass
class _Paragraph:
    """One newline-delimited paragraph, shaped, with per-character font, span and level."""

    text: str
    fonts: list[str]
    spans: list[int]
    levels: list[int] | None  # None: all left to right
    base: int
    cum: list[float] = field(default_factory=list)  # cum[i]: width of text[:i]
    #: indices where the font or the span changes from the character before (found when first needed)
    run_starts: list[int] | None = field(default=None, compare=False, repr=False)

    def sliced(self, start: int, end: int | None = None) -> _Paragraph:
        end = len(self.text) if end is None else end
        levels = self.levels[start:end] if self.levels is not None else None
        fonts, spans = self.fonts[start:end], self.spans[start:end]
        offset = self.cum[start]
        cum = [c - offset for c in self.cum[start : end + 1]]
        return _Paragraph(self.text[start:end], fonts, spans, levels, self.base, cum)


@dataclass(frozen=True)
class _Line:
    para: int
    start: int
    end: int
    runs: tuple[tuple[float, float, str, str, int], ...]  # (x, width, text, font, span)
    width: float
    rtl: bool


def _resolve_levels(text: str) -> tuple[list[int] | None, int]:
    if not _RTL_OR_CONTROL.search(text):
        return None, 0
    storage = bidi_algorithm.get_empty_storage()
    base = bidi_algorithm.get_base_level(text)
    storage["base_level"] = base
    storage["base_dir"] = ("L", "R")[base]
    bidi_algorithm.get_embedding_levels(text, storage)
    for index, ch in enumerate(storage["chars"]):
        ch["index"] = index
    bidi_algorithm.explicit_embed_and_overrides(storage)
    bidi_algorithm.resolve_weak_types(storage, False)
    bidi_algorithm.resolve_neutral_types(storage, False)
    bidi_algorithm.resolve_implicit_levels(storage, False)
    levels = [base] * len(text)
    for ch in storage["chars"]:
        levels[ch["index"]] = ch["level"]
    return levels, base


def _prepare(spans: list[Span], style: TextStyle, widths: _Widths) -> list[_Paragraph]:
    pieces: list[list[tuple[str, int]]] = [[]]
    for index, span in enumerate(spans):
        lines = span.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        for number, line in enumerate(lines):
            if number:
                pieces.append([])
            line = line.replace("\t", "    ")
            if _ARABIC.search(line):
                line = _RESHAPER.reshape(line)
            pieces[-1].append((line, index))
    paragraphs = []
    for parts in pieces:
        text = "".join(p for p, _ in parts)
        span_ids: list[int] = []
        fonts: list[str] = []
        char_widths: list[float] = []
        for piece, span_id in parts:
            span = spans[span_id]
            bold, italic = span.bold or style.bold, span.italic or style.italic
            span_ids += [span_id] * len(piece)
            if not _NOT_LATIN.search(piece):  # one font draws it all
                font = font_name(LATIN, bold, italic)
                fonts += [font] * len(piece)
                char_widths += widths.each(piece, font)
                continue
            for ch in piece:
                font = font_name(script_of(ch), bold, italic)
                fonts.append(font)
                char_widths.append(widths.of(ch, font))
        cum = [0.0, *accumulate(char_widths)]
        levels, base = _resolve_levels(text)
        paragraphs.append(_Paragraph(text, fonts, span_ids, levels, base, cum))
    return paragraphs


#: Shaped paragraphs of texts already prepared (a dossier repeats names, dates and labels
#: in cell after cell); what shaping depends on is the key. Emptied when it grows large.
_PREPARED: dict[tuple, tuple[list[_Paragraph], dict[float, list[_Line]]]] = {}
_PREPARED_MAX = 50_000


def _prepared(spans: list[Span], style: TextStyle,
              widths: _Widths) -> tuple[list[_Paragraph], dict[float, list[_Line]]]:
    """The shaped paragraphs of a text, and its lines per available width (filled by the blocks)."""
    key = (tuple((s.text, s.bold, s.italic) for s in spans), style.bold, style.italic, widths.size)
    known = _PREPARED.get(key)
    if known is None:
        if len(_PREPARED) >= _PREPARED_MAX:
            _PREPARED.clear()
        known = _PREPARED[key] = (_prepare(spans, style, widths), {})
    return list(known[0]), known[1]


def forget_shaped_texts() -> None:
    """Drop the shaped paragraphs kept so far (an export starts and ends with this)."""
    _PREPARED.clear()


def _breaks(para: _Paragraph, width: float) -> list[tuple[int, int]]:
    """Greedy line breaks in logical order: ``[(start, end), …]``, spaces at breaks dropped."""
    text, cum, n = para.text, para.cum, len(para.text)
    if n == 0:
        return [(0, 0)]
    result = []
    start = 0
    while start < n:
        if cum[n] - cum[start] <= width:
            result.append((start, n))
            break
        limit = bisect_right(cum, cum[start] + width) - 1  # text[start:limit] fits
        cut = text.rfind(" ", start, limit + 1)
        if cut > start:
            end = cut
            while end > start and text[end - 1] == " ":
                end -= 1
            result.append((start, end))
            start = cut + 1
        else:
            end = max(limit, start + 1)
            result.append((start, end))
            start = end
        while start < n and text[start] == " ":
            start += 1
    return result


def _visual_order(para: _Paragraph, start: int, end: int) -> list[int]:
    order = list(range(start, end))
    if para.levels is None:
        return order
    levels = para.levels[start:end]
    k = len(order) - 1
    while k >= 0 and para.text[order[k]] == " ":  # L1: trailing white space
        levels[k] = para.base
        k -= 1
    odd = [lv for lv in levels if lv % 2]
    if not odd:
        return order
    for level in range(max(levels), min(odd) - 1, -1):  # L2
        i = 0
        while i < len(order):
            if levels[i] >= level:
                j = i
                while j < len(order) and levels[j] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                levels[i:j] = levels[i:j][::-1]
                i = j
            else:
                i += 1
    return order


def _run_starts(para: _Paragraph) -> list[int]:
    starts = para.run_starts
    if starts is None:
        fonts, spans = para.fonts, para.spans
        if fonts.count(fonts[0]) == len(fonts) and spans.count(spans[0]) == len(spans) if fonts else True:
            starts = []  # one font, one span: the usual paragraph
        else:
            starts = [i for i, (f0, f1, s0, s1) in enumerate(zip(fonts, fonts[1:], spans, spans[1:]), 1)
                      if f0 != f1 or s0 != s1]
        para.run_starts = starts
    return starts


def _ltr_line(para: _Paragraph, index: int, start: int, end: int) -> _Line:
    """A line of a paragraph without right-to-left text: runs are slices of the logical text."""
    runs = []
    fonts, span_ids, cum, text = para.fonts, para.spans, para.cum, para.text
    if start < end:
        starts = _run_starts(para)
        bounds = [start, *starts[bisect_right(starts, start) : bisect_left(starts, end)], end]
        for i, j in zip(bounds, bounds[1:]):
            chars = text[i:j]
            if not chars.isprintable():  # drop format and control characters (they have no width)
                chars = "".join(ch for ch in chars if not _invisible(ch))
            runs.append((cum[i] - cum[start], cum[j] - cum[i], chars, fonts[i], span_ids[i]))
    return _Line(index, start, end, tuple(runs), cum[end] - cum[start], bool(para.base))


def _line(para: _Paragraph, index: int, start: int, end: int, widths: _Widths) -> _Line:
    if para.levels is None:
        return _ltr_line(para, index, start, end)
    order = _visual_order(para, start, end)
    rtl_levels = para.levels
    runs = []
    x = 0.0
    run_chars: list[str] = []
    run_key = None
    run_x = 0.0
    for i in order:
        ch = para.text[i]
        key = (para.fonts[i], para.spans[i])
        if key != run_key:
            if run_chars:
                runs.append((run_x, x - run_x, "".join(run_chars), run_key[0], run_key[1]))
            run_chars, run_key, run_x = [], key, x
        if rtl_levels is not None and rtl_levels[i] % 2:
            ch = MIRRORED.get(ch, ch)
        if not _invisible(ch):
            run_chars.append(ch)
        x += widths.of(ch, key[0])
    if run_chars:
        runs.append((run_x, x - run_x, "".join(run_chars), run_key[0], run_key[1]))
    return _Line(index, start, end, tuple(runs), x, bool(para.base))


class TextBlock(Flowable):
    """Plain user text drawn as a paragraph; splits between any two lines."""

    def __init__(self, spans: list[Span] | Span | str, style: TextStyle | None = None):
        super().__init__()
        if isinstance(spans, (str, Span)):
            spans = [spans]
        self.spans = [Span(s) if isinstance(s, str) else s for s in spans]
        self.style = style or TextStyle()
        self.spaceBefore = self.style.space_before
        self.spaceAfter = self.style.space_after
        self._widths = _Widths(self.style.size)
        self._paras: list[_Paragraph] | None = None
        self._lines_by_width: dict[float, list[_Line]] | None = None  # shared by blocks of the same text
        self._lines: list[_Line] = []
        self._layout_width: float | None = None

    def length(self) -> int:
        """Characters of text, for deciding how a table may split."""
        return sum(len(span.text) for span in self.spans)

    # -- layout
    def _ensure_paras(self) -> list[_Paragraph]:
        if self._paras is None:
            self._paras, self._lines_by_width = _prepared(self.spans, self.style, self._widths)
        return self._paras

    def _layout(self, width: float) -> None:
        if self._layout_width == width:
            return
        paras = self._ensure_paras()
        avail = max(width - self.style.indent, self.style.size)
        known = self._lines_by_width  # None for the parts of a split block
        lines = known.get(avail) if known is not None else None
        if lines is None:
            lines = []
            for index, para in enumerate(paras):
                for start, end in _breaks(para, avail):
                    lines.append(_line(para, index, start, end, self._widths))
            if known is not None:
                known[avail] = lines
        self._lines = lines
        self._layout_width = width

    def wrap(self, availWidth, availHeight):
        self._layout(availWidth)
        self.width = availWidth
        self.height = len(self._lines) * self.style.leading
        return availWidth, self.height

    def _part(self, paras: list[_Paragraph], lines: list[_Line], first: bool) -> TextBlock:
        part = TextBlock.__new__(TextBlock)
        Flowable.__init__(part)
        part.spans, part.style, part._widths = self.spans, self.style, self._widths
        part.spaceBefore = self.spaceBefore if first else 0
        part.spaceAfter = 0 if first else self.spaceAfter
        part._paras, part._lines, part._layout_width = paras, lines, self._layout_width
        part._lines_by_width = None
        return part

    def split(self, availWidth, availHeight):
        self._layout(availWidth)
        fits = int((availHeight + 1e-6) // self.style.leading)
        if fits <= 0:
            return []
        if fits >= len(self._lines):
            # Everything fits at this width. A table splitting a row asks its cells to split at
            # the column's full width, wider than the one they were measured at: the whole text
            # goes before the split, and nothing after it.
            return [self._part(self._ensure_paras(), self._lines, True), self._part([], [], False)]
        cut = self._lines[fits]
        paras = self._ensure_paras()
        head_paras = paras[: cut.para] + ([paras[cut.para].sliced(0, cut.start)] if cut.start else [])
        tail_paras = [paras[cut.para].sliced(cut.start), *paras[cut.para + 1 :]]
        shift = cut.para
        tail_lines = [
            replace(line, para=line.para - shift,
                    start=line.start - (cut.start if line.para == shift else 0),
                    end=line.end - (cut.start if line.para == shift else 0))
            for line in self._lines[fits:]
        ]
        return [self._part(head_paras, self._lines[:fits], True), self._part(tail_paras, tail_lines, False)]

    # -- drawing
    def drawOn(self, canvas, x, y, _sW=0):
        """``Flowable.drawOn`` without saving the canvas state and translating it: the block
        writes its text at (x, y) itself, inside a save and restore of its own."""
        if getattr(canvas, "layout_only", False):  # a pass that only finds where things go
            return
        if getattr(self, "_showBoundary", False):
            super().drawOn(canvas, x, y, _sW)
            return
        self.canv = canvas
        try:
            self._draw_text(self._hAlignAdjust(x, _sW), y)
        finally:
            del self.canv

    def draw(self):
        if getattr(self.canv, "layout_only", False):
            return
        self._draw_text(0.0, 0.0)

    def _draw_text(self, dx: float, dy: float) -> None:
        """Draw the lines with the block's bottom left corner at (dx, dy): the text object is
        moved there with its own ``cm`` inside its save and restore, as a translated canvas
        would have it, so readers that extract text see the same structure."""
        canv = self.canv
        style = self.style
        leading, size = style.leading, style.size
        top = self.height
        text_object = canv.beginText()
        code, format_text = text_object._code, text_object._formatText
        current_font = current_color = subset_font = font_switch = None
        opaque = canv._extgstate.getValue("ca") == 1  # then an opaque colour sets no transparency
        for number, line in enumerate(self._lines):
            baseline = top - (number + 1) * leading + (leading - size) / 2 + 0.22 * size
            avail = self.width - style.indent
            if style.align == "center":
                left = style.indent + (avail - line.width) / 2
            elif line.rtl or style.align == "end":
                left = self.width - line.width
            else:
                left = style.indent
            for x, width, text, font, span_id in line.runs:
                span = self.spans[span_id]
                if text:
                    color = span.color or style.color
                    if color != current_color:
                        fill = _fill_op(color) if opaque else None
                        if fill is None:
                            text_object.setFillColor(color)
                        else:
                            code.append(fill)
                            canv._doc.ensureMinPdfVersion("transparency")  # as setFillColor's alpha does
                        current_color = color
                    if font != current_font:
                        text_object.setFont(font, size)
                        current_font = font
                        subset_font = getFont(font)
                        if not subset_font._dynamicFont:
                            subset_font = None
                        font_switch = _font_switch(size, text_object._leading)
                    # setTextOrigin() and textOut() as the operators they write, without
                    # reportlab's pure-Python number formatting and the stringWidth() that only
                    # advances a cursor the next line replaces anyway
                    code.append(f"1 0 0 1 {left + x:.3f} {baseline:.3f} Tm")
                    if subset_font is None:
                        code.append(format_text(text))
                    else:
                        _subset_text(text_object, subset_font, font, text, font_switch)
                if span.link or span.url:
                    rect = (dx + left + x, dy + baseline - 0.25 * size, dx + left + x + width,
                            dy + baseline + 0.8 * size)
                    if span.link:
                        canv.linkRect("", span.link, rect, relative=1)
                    else:
                        canv.linkURL(span.url, rect, relative=1)
        if current_font is not None:  # one text object per block, its colour kept inside it
            # saveState(), drawText(), restoreState() as the operators they write: the text
            # object changes no state of the canvas that would need restoring
            if dx or dy:
                canv._code.extend(("q", f"1 0 0 1 {dx:.3f} {dy:.3f} cm", text_object.getCode(), "Q"))
            else:
                canv._code.extend(("q", text_object.getCode(), "Q"))


_FILL_OPS: dict[tuple[float, float, float, float], str] = {}


def _fill_op(color) -> str | None:
    """The operator a text object's ``setFillColor`` writes for an opaque RGB colour (None for
    any other kind of colour, which then goes through reportlab)."""
    if type(color) is not Color or getattr(color, "alpha", 1) != 1:
        return None
    key = (color.red, color.green, color.blue, color.alpha)
    op = _FILL_OPS.get(key)
    if op is None:
        op = _FILL_OPS[key] = f"{fp_str((color.red, color.green, color.blue))} rg"
    return op


#: byte -> how it is written inside a PDF string, as reportlab's escapePDF writes it
_ESCAPES = {code: escapePDF(bytes([code])) for code in range(256)}


def _escape(piece: bytes | str) -> str:
    """``escapePDF`` in one ``str.translate`` (reportlab's runs a Python loop per byte here)."""
    return (piece.decode("latin-1") if isinstance(piece, bytes) else piece).translate(_ESCAPES)


@lru_cache(maxsize=64)
def _font_switch(size: float, leading: float) -> str:
    """The size and leading that follow a font's name in a ``Tf`` switch, as reportlab writes them."""
    return f"{fp_str(size)} Tf {fp_str(leading)} TL"


def _subset_text(text_object, font, font_name: str, text: str, font_switch: str) -> None:
    """What reportlab's ``_formatText`` writes for plain text in a TrueType font: the text cut
    into the font's subsets, each shown with ``Tj`` after a font switch when the subset changes.
    The cut and escaped pieces are kept per canvas, as a subset's codes never change within
    one document."""
    canv = text_object._canvas
    doc = canv._doc
    pieces_of = canv.__dict__.setdefault("_dossier_subset_pieces", {})
    key = (font_name, text)
    pieces = pieces_of.get(key)
    if pieces is None:
        pieces = pieces_of[key] = [(subset, f"({_escape(t)}) Tj") for subset, t in font.splitString(text, doc)]
    code = text_object._code
    for subset, shown in pieces:
        if subset != text_object._curSubset:
            code.append(f"{font.getSubsetInternalName(subset, doc)} {font_switch}")
            text_object._curSubset = subset
        code.append(shown)


def plain_width(text: str, style: TextStyle) -> float:
    """The width of a one-line text in ``style`` (for sizing table columns)."""
    block = TextBlock(text, style)
    para_widths = [p.cum[-1] for p in block._ensure_paras()]
    return max(para_widths, default=0.0) + style.indent
