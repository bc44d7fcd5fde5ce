"""User text as a reportlab flowable: shaped, in visual order, wrapped, never parsed as markup.

A :class:`TextBlock` takes plain strings (``Span``), never markup, so ``<b>`` or
``<img src=…>`` in user data is drawn as those characters. For each line of the text
(a newline, or any other paragraph separator, ends a line and starts a new bidi paragraph):

1. The Unicode bidi algorithm (UAX #9, the ``unicode-bidi`` crate through ``python-bidi``)
   resolves each character's embedding level over the whole paragraph; the paragraph's
   direction is that of its first strong character outside isolates.
2. Runs of Arabic, Persian and Hebrew (one font, one level, one span) are shaped by
   HarfBuzz (``glyphs.shape``) in logical order; each character gets the advance of the
   glyphs of its cluster. Other text is measured character by character.
3. The paragraph is wrapped in logical order at spaces (a word wider than the line is
   cut), measuring each character with the font that draws it.
4. Each wrapped line is reordered for display (rules L1, L2 and mirroring), cut into runs
   of one font, one span and one level, and drawn; right-to-left paragraphs are
   right-aligned. Shaped runs are drawn glyph by glyph id through a ``GlyphFont`` whose
   ``ToUnicode`` map gives back the letters of each glyph's cluster, so the PDF extracts
   and copies as the workspace's text (no presentation forms, ZWNJ kept).

Bidi controls (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI, LRM, RLM, ALM) are **kept
and applied**: the bidi algorithm resolves the levels with them, unmatched or
overflowing ones included, and they are never drawn (they have no width and no glyph),
so they are not in the extracted text either. An embedding, override or isolate a field
leaves open is closed where the field ends (``model.text.seal_bidi``, applied to every
text of the document and to every span), so it never reorders the label, citation or name
printed after it on the same line (with a python-bidi older than the one wrapping
``unicode-bidi``, isolates are read as the embeddings closest to them). ZWNJ and ZWJ go with the Arabic or Hebrew text around them, shape it, and are
kept in the extracted text.

Text extractors such as poppler turn visual order back into logical order with a simple
rule: a right-to-left stretch runs from its first right-to-left character to the next
left-to-right letter or digit, and is turned around character by character. So the text
behind each glyph drawn right to left is stored reversed (``glyphs.py``), a mirrored
bracket stands for the bracket of the logical text, and where the bidi algorithm and
that rule disagree the PDF carries an invisible mark: in a left-to-right paragraph the
last glyph of a right-to-left stretch that left-to-right text follows stands for its
text and a LEFT-TO-RIGHT MARK (a bracket or space after a right-to-left name would
otherwise be taken into the stretch), and a stretch that starts with a neutral
character or a mark starts with a RIGHT-TO-LEFT MARK. A copy may carry these marks;
they are invisible and say what the bidi algorithm said.

Wrapping before reordering is what keeps a multi-line Arabic or Hebrew paragraph in
the right line order. Long texts split across pages line by line, at any size.

Past 500 lines as one module because it is one pipeline (levels, shaping, wrapping,
reordering, drawing) over the same ``_Paragraph`` and ``_Line``; splitting it would only
export those internals.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import accumulate

from bidi import algorithm as bidi_algorithm
from bidi.mirror import MIRRORED
from reportlab.lib.colors import Color, black
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.platypus.flowables import Flowable

from dossier.export.pdf.fonts import LATIN, SHAPED, font_name, script_of
from dossier.export.pdf.glyphs import cluster_texts, glyph_font, shape
from dossier.model.text import seal_bidi

try:
    from bidi.bidi import get_display_inner as _bidi_info
except ImportError:  # pragma: no cover - an older python-bidi
    _bidi_info = None

#: any character that is right to left or a bidi control: without one, a paragraph is all level 0
_RTL_OR_CONTROL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\u200e\u200f\u202a-\u202e"
                             "\u2066-\u2069\U00010800-\U00010fff\U0001e800-\U0001efff]")
#: what ends a bidi paragraph (class B); each starts a new line
_PARAGRAPH_END = re.compile("\r\n|[\n\r\x1c-\x1e\x85\u2029]")
#: joiners take the font of the letters they join
_JOINERS = frozenset("\u200c\u200d")
_LRM, _RLM = "\u200e", "\u200f"
_STRONG_OR_NUMBER = frozenset(("L", "R", "AL", "EN", "AN"))
_LEVEL = re.compile(r"Level\(\s*(\d+),\s*\)")
#: bidi isolates as the embeddings closest to them, for the pure-Python algorithm (which has no isolates)
_ISOLATES_AS_EMBEDDINGS = str.maketrans({"\u2066": "\u202a", "\u2067": "\u202b", "\u2068": "\u202a",
                                         "\u2069": "\u202c"})


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
    #: (x, width, text, font, span, rise): ``text`` drawn in ``font`` from x, raised by ``rise``
    #: points; a shaped run's text is the codes of its glyphs in a ``GlyphFont``
    runs: tuple[tuple[float, float, str, str, int, float], ...]
    width: float
    rtl: bool


def _resolve_levels(text: str) -> tuple[list[int] | None, int]:
    """Each character's embedding level and the paragraph's level (None: all left to right)."""
    if not _RTL_OR_CONTROL.search(text):
        return None, 0
    if _bidi_info is not None:
        try:
            return _levels_of(text)
        except (ValueError, TypeError):  # an unexpected report: the algorithm below does it
            pass
    return _python_levels(text.translate(_ISOLATES_AS_EMBEDDINGS))


def _levels_of(text: str) -> tuple[list[int], int]:
    """The levels ``unicode-bidi`` resolves (the whole of UAX #9, isolates included), read
    from its report: one level per byte of UTF-8, then the paragraph's."""
    report = _bidi_info(text, None, True)
    # the text comes first in the report, escaped: a line break there is never a real one
    start, end = report.index("\n    levels: ["), report.index("\n    paragraphs: [")
    by_byte = [int(level) for level in _LEVEL.findall(report, start, end)]
    base = int(_LEVEL.search(report, end).group(1))
    if len(by_byte) == len(text):
        return by_byte, base
    data = text.encode("utf-8")
    if len(by_byte) != len(data):
        raise ValueError("levels do not match the text")
    levels = [level for level, byte in zip(by_byte, data) if byte & 0xC0 != 0x80]  # each character's first byte
    if len(levels) != len(text):
        raise ValueError("levels do not match the text")
    return levels, base


def _python_levels(text: str) -> tuple[list[int], int]:
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


def _scripts(piece: str) -> list[int]:
    """The bundled font script of each character; joiners take that of the letters they join."""
    scripts = [script_of(ch) for ch in piece]
    for k, ch in enumerate(piece):
        if ch in _JOINERS:
            before = scripts[k - 1] if k else LATIN
            after = scripts[k + 1] if k + 1 < len(piece) else LATIN
            scripts[k] = before if before in SHAPED else after if after in SHAPED else LATIN
    return scripts


def _shaped_widths(text: str, fonts: list[str], spans: list[int], levels: list[int] | None,
                   char_widths: list[float], size: float) -> None:
    """Give the characters of shaped runs (one font, one span, one level) the advances of their clusters."""
    n = len(text)
    i = 0
    while i < n:
        font = fonts[i]
        if font not in _SHAPED_FONTS:
            i += 1
            continue
        level = levels[i] if levels is not None else 0
        j = i + 1
        while j < n and fonts[j] == font and spans[j] == spans[i] and (levels is None or levels[j] == level):
            j += 1
        widths = [0.0] * (j - i)
        for glyph in shape(font, text[i:j], bool(level % 2)):
            widths[glyph.cluster] += glyph.advance
        char_widths[i:j] = [w * size / 1000 for w in widths]
        i = j


#: the registered names of the fonts whose runs are shaped
_SHAPED_FONTS: set[str] = {font_name(script, bold, italic) for script in SHAPED
                           for bold in (False, True) for italic in (False, True)}


def _prepare(spans: list[Span], style: TextStyle, widths: _Widths) -> list[_Paragraph]:
    pieces: list[list[tuple[str, int]]] = [[]]
    for index, span in enumerate(spans):
        lines = _PARAGRAPH_END.split(span.text)
        for number, line in enumerate(lines):
            if number:
                pieces.append([])
            pieces[-1].append((line.replace("\t", "    "), index))
    paragraphs = []
    for parts in pieces:
        text = "".join(p for p, _ in parts)
        span_ids: list[int] = []
        fonts: list[str] = []
        char_widths: list[float] = []
        shaped = False
        for piece, span_id in parts:
            span = spans[span_id]
            bold, italic = span.bold or style.bold, span.italic or style.italic
            span_ids += [span_id] * len(piece)
            if not _NOT_LATIN.search(piece):  # one font draws it all
                font = font_name(LATIN, bold, italic)
                fonts += [font] * len(piece)
                char_widths += widths.each(piece, font)
                continue
            for ch, script in zip(piece, _scripts(piece)):
                font = font_name(script, bold, italic)
                fonts.append(font)
                if script in SHAPED:
                    shaped = True
                    char_widths.append(0.0)  # measured below, by cluster
                else:
                    char_widths.append(widths.of(ch, font))
        levels, base = _resolve_levels(text)
        if shaped:
            _shaped_widths(text, fonts, span_ids, levels, char_widths, widths.size)
        cum = [0.0, *accumulate(char_widths)]
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
            runs.append((cum[i] - cum[start], cum[j] - cum[i], chars, fonts[i], span_ids[i], 0.0))
    return _Line(index, start, end, tuple(runs), cum[end] - cum[start], bool(para.base))


def _line(para: _Paragraph, index: int, start: int, end: int, widths: _Widths) -> _Line:
    if para.levels is None:
        return _ltr_line(para, index, start, end)
    order = _visual_order(para, start, end)
    levels, text, fonts, spans, cum = para.levels, para.text, para.fonts, para.spans, para.cum
    # visual runs: one font, one span, one level, and characters next to each other in the text
    groups: list[list[int]] = []
    previous = key = None
    for i in order:
        level = levels[i]
        this = (fonts[i], spans[i], level)
        if this != key or i != previous + (-1 if level % 2 else 1):
            groups.append([])
            key = this
        groups[-1].append(i)
        previous = i
    runs: list[tuple[float, float, str, str, int, float]] = []
    x = 0.0
    size = widths.size
    for number, group in enumerate(groups):
        first = group[0]
        font, span, level = fonts[first], spans[first], levels[first]
        rtl = bool(level % 2)
        # the end of a right-to-left stretch that left-to-right text follows: see the module's docstring
        mark = (rtl and not para.base and number + 1 < len(groups)
                and not levels[groups[number + 1][0]] % 2)
        # the start of a right-to-left stretch
        opens = rtl and (not number or not levels[groups[number - 1][0]] % 2)
        if font in _SHAPED_FONTS:
            x = _shaped_run(runs, x, text, min(group), max(group) + 1, font, span, rtl, opens, mark, size)
            continue
        opens = opens and not para.base
        # characters drawn as they are, or (where the glyph drawn is not the text it stands
        # for: a mirrored bracket, the ends of a right-to-left stretch) through the glyph font
        pieces: list[tuple[str, str | None]] = []  # (character drawn, text behind it when not itself)
        for i in group:
            ch = text[i]
            if _invisible(ch):
                continue
            drawn = MIRRORED.get(ch, ch) if rtl else ch
            pieces.append((drawn, ch if drawn != ch else None))
        if opens or mark:  # spaces are word gaps to extractors: the marks go on the characters next to them
            shown = [k for k, (drawn, _) in enumerate(pieces) if drawn != " "]
            if opens and shown and unicodedata.bidirectional(pieces[shown[0]][0]) not in _STRONG_OR_NUMBER:
                drawn, behind = pieces[shown[0]]
                pieces[shown[0]] = (drawn, _RLM + (behind or drawn))
            if mark and shown:
                drawn, behind = pieces[shown[-1]]
                pieces[shown[-1]] = (drawn, (behind or drawn) + _LRM)
        width = sum(cum[i + 1] - cum[i] for i in group)
        if any(behind for _, behind in pieces):
            _latin_glyph_runs(runs, x, pieces, font, span, widths)
        elif pieces:
            runs.append((x, width, "".join(drawn for drawn, _ in pieces), font, span, 0.0))
        x += width
    return _Line(index, start, end, tuple(runs), x, bool(para.base))


def _latin_glyph_runs(runs: list, x: float, pieces: list[tuple[str, str | None]], font: str, span: int,
                      widths: _Widths) -> None:
    """Append runs drawing ``pieces``: each character drawn in ``font``, or through its glyph
    font where the text behind it is not the character itself."""
    glyphs = face = None
    plain: list[str] = []
    plain_x = x
    for drawn, behind in pieces:
        width = widths.of(drawn, font)
        if behind is None:
            if not plain:
                plain_x = x
            plain.append(drawn)
        else:
            if plain:
                runs.append((plain_x, x - plain_x, "".join(plain), font, span, 0.0))
                plain = []
            if glyphs is None:
                glyphs, face = glyph_font(font), getFont(font).face
            runs.append((x, width, glyphs.code(face.charToGlyph.get(ord(drawn), 0), behind), glyphs.fontName,
                         span, 0.0))
        x += width
    if plain:
        runs.append((plain_x, x - plain_x, "".join(plain), font, span, 0.0))


def _shaped_run(runs: list, x: float, text: str, start: int, end: int, font: str, span: int, rtl: bool,
                opens: bool, mark: bool, size: float) -> float:
    """Append the runs that draw ``text[start:end]`` shaped, from ``x``; return where it ends.
    A run is cut wherever a glyph is not where the previous one's advance leaves it.
    ``opens`` and ``mark``: the run starts, or ends, a right-to-left stretch (see the module's docstring)."""
    piece = text[start:end]
    glyphs = shape(font, piece, rtl)
    texts = cluster_texts(piece, glyphs)
    if rtl:
        texts = [t[::-1] for t in texts]  # read back right to left by extractors: see glyphs.py
        # a stretch that starts (on the left) with a mark or a joiner starts it with a mark of its own
        first = next((k for k, t in enumerate(texts) if t), None)
        if opens and first is not None and unicodedata.bidirectional(texts[first][0]) not in ("R", "AL"):
            texts[first] = _RLM + texts[first]
    glyph_font_ = glyph_font(font)
    name = glyph_font_.fontName
    scale = size / 1000
    last = len(glyphs) - 1
    pen = x
    codes: list[str] = []
    run_x = run_rise = expected = 0.0
    for k, (glyph, glyph_text) in enumerate(zip(glyphs, texts)):
        if mark and k == last:
            glyph_text += _LRM
        gx, rise = pen + glyph.x_offset * scale, glyph.y_offset * scale
        if codes and (abs(gx - expected) > 1e-3 or rise != run_rise):
            runs.append((run_x, expected - run_x, "".join(codes), name, span, run_rise))
            codes = []
        if not codes:
            run_x, run_rise = gx, rise
        codes.append(glyph_font_.code(glyph.gid, glyph_text))
        expected = gx + glyph_font_.advance(glyph.gid) * scale
        pen += glyph.advance * scale
    if codes:
        runs.append((run_x, expected - run_x, "".join(codes), name, span, run_rise))
    return pen


def _sealed_span(span: Span) -> Span:
    text = seal_bidi(span.text)
    return span if text is span.text else replace(span, text=text)


class TextBlock(Flowable):
    """Plain user text drawn as a paragraph; splits between any two lines."""

    def __init__(self, spans: list[Span] | Span | str, style: TextStyle | None = None):
        super().__init__()
        if isinstance(spans, (str, Span)):
            spans = [spans]
        # a control a span leaves open ends with it (see ``seal_bidi``): user text that opens an
        # override never reorders the label, citation or name printed after it
        self.spans = [Span(seal_bidi(s)) if isinstance(s, str) else _sealed_span(s) for s in spans]
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
            for x, width, text, font, span_id, rise in line.runs:
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
                    code.append(f"1 0 0 1 {left + x:.3f} {baseline + rise:.3f} Tm")
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


def cut_to_fit(text: str, fits, *, shortest: int = 0, word_within: float = 0.7) -> str:
    """The longest start of ``text`` that ``fits(start + "…")``, cut back to a word boundary when
    one lies beyond ``word_within`` of its length, and ended with an ellipsis."""
    low, high = shortest, len(text)
    while low < high:  # the longest start that fits with its ellipsis
        middle = (low + high + 1) // 2
        if fits(text[:middle].rstrip() + "…"):
            low = middle
        else:
            high = middle - 1
    cut = text[:low]
    space = cut.rfind(" ")
    if space > low * word_within:
        cut = cut[:space]
    return cut.rstrip(" ,;:—–-") + "…"


def plain_width(text: str, style: TextStyle) -> float:
    """The width of a one-line text in ``style`` (for sizing table columns)."""
    block = TextBlock(text, style)
    para_widths = [p.cum[-1] for p in block._ensure_paras()]
    return max(para_widths, default=0.0) + style.indent
