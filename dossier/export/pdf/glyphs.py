"""Shaping with HarfBuzz, and fonts that draw shaped glyphs by glyph id with the right text behind them.

Arabic, Persian and Hebrew runs are shaped by HarfBuzz (``uharfbuzz``) from the logical text:
joining, lam-alef and other ligatures, mark positioning, mirroring. A shaped glyph has no
character of its own (a joined beh or a lam-alef is not a letter), so it is drawn through a
:class:`GlyphFont`: a companion of the bundled font that gives each distinct pair (glyph,
text) a one-byte code in one of its subsets, and writes the subset's ``ToUnicode`` map from
those codes to the text. Copying or searching the PDF then gives the letters of the
workspace, ZWNJ included, never presentation forms.

The text behind a glyph is the text of its cluster (a lam-alef ligature stands for both
letters; a hidden ZWNJ belongs to the cluster before it). Text extractors read glyphs in
visual order and turn right-to-left stretches back character by character (poppler and
pdf.js both do), so the text of a glyph drawn right to left is stored reversed: turned
back, it reads in logical order. A glyph may also carry a LEFT-TO-RIGHT or RIGHT-TO-LEFT
MARK (see ``text.py``) that tells such extractors where a right-to-left stretch ends or starts.
"""

from __future__ import annotations

import copy
import re
from bisect import bisect_right
from functools import cache, lru_cache
from typing import NamedTuple
from weakref import WeakKeyDictionary

import uharfbuzz as hb
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont

#: the bidi controls (and ALM, in the Arabic block, so in Arabic runs)
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class Glyph(NamedTuple):
    """One shaped glyph: its id, the index of its cluster's first character in the shaped
    text, and its advance and offsets in thousandths of the font size."""

    gid: int
    cluster: int
    advance: float
    x_offset: float
    y_offset: float


@cache
def _hb_font(font_name: str) -> hb.Font:
    font = pdfmetrics.getFont(font_name)
    return hb.Font(hb.Face(hb.Blob(font.face._ttf_data)))


@lru_cache(maxsize=20_000)
def shape(font_name: str, text: str, rtl: bool) -> tuple[Glyph, ...]:
    """``text`` (logical order) shaped in ``font_name``: glyphs in visual order, left to right."""
    font = _hb_font(font_name)
    scale = 1000 / font.face.upem
    buf = hb.Buffer()
    buf.add_str(text)
    buf.direction = "rtl" if rtl else "ltr"
    buf.guess_segment_properties()
    buf.cluster_level = hb.BufferClusterLevel.MONOTONE_CHARACTERS
    buf.flags = hb.BufferFlags.REMOVE_DEFAULT_IGNORABLES | hb.BufferFlags.BOT | hb.BufferFlags.EOT
    hb.shape(font, buf, {})
    return tuple(
        Glyph(info.codepoint, info.cluster, pos.x_advance * scale, pos.x_offset * scale, pos.y_offset * scale)
        for info, pos in zip(buf.glyph_infos, buf.glyph_positions)
    )


def cluster_texts(text: str, glyphs: tuple[Glyph, ...]) -> list[str]:
    """The text each glyph stands for, in logical order.

    A cluster's characters go to one of its glyphs, the first with an advance (characters
    that lost their glyph, such as a ZWNJ, go with the cluster before them, or the first
    one). A cluster of marks only (glyphs without advance) goes with the base before it in
    logical order, so that extractors, which place characters by their glyph's box, keep
    a word's marks in it. The other glyphs stand for nothing (the empty string).
    """
    starts = sorted({g.cluster for g in glyphs})
    if not starts:
        return []
    if _BIDI_CONTROLS.search(text):  # applied by the bidi algorithm, never part of the text drawn
        text = _BIDI_CONTROLS.sub("\uffff", text)  # same length: clusters still index it
    ends = dict(zip(starts, [*starts[1:], len(text)]))
    members: dict[int, list[int]] = {}
    for k, g in enumerate(glyphs):
        members.setdefault(g.cluster, []).append(k)
    out = [""] * len(glyphs)
    holders: list[tuple[int, int]] = []  # (cluster, glyph) of clusters with a base, in logical order
    marks_only: list[int] = []
    for cluster in starts:
        ks = members[cluster]
        holder = next((k for k in ks if glyphs[k].advance), None)
        chars = text[0 if cluster == starts[0] else cluster : ends[cluster]].replace("\uffff", "")
        if holder is None:
            holder = ks[0]
            marks_only.append(holder)
        else:
            holders.append((cluster, holder))
        out[holder] = chars
    clusters = [c for c, _ in holders]
    for k in marks_only:
        at = bisect_right(clusters, glyphs[k].cluster) - 1
        if at >= 0 and out[k]:
            base = holders[at][1]
            out[base] += out[k]  # marks follow their base in the text
            out[k] = ""
    return out


class _State:
    """What one PDF document uses of a glyph font: its subsets of codes."""

    namePrefix = "G"

    def __init__(self):
        self.assignments: dict[int, int] = {}  # glyph code -> byte code (subset * 256 + byte)
        self.subsets: list[list[int]] = [[0]]  # each subset's glyph codes by byte; 0 is .notdef
        self.nextCode = 1
        self.internalName: str | None = None
        self.frozen = False


class GlyphFont(TTFont):
    """The glyphs of a bundled TrueType font, drawn by id, each with the text it stands for.

    A "character" of this font is a code standing for a pair (glyph, text), allocated by
    :meth:`code` for the life of the process; its width is the glyph's advance. Subsets
    are built per document like reportlab's own, with a ``ToUnicode`` map to the text.
    """

    def __init__(self, name: str, base: TTFont):
        self.fontName = name
        self.base = base
        self.face = copy.copy(base.face)  # the same font file, with a character map of its own
        self.face.charToGlyph = {}
        self.face.charWidths = {}
        self.encoding = base.encoding
        self.state = WeakKeyDictionary()
        self._asciiReadable = False
        self._shapable = False
        self._codes: dict[tuple[int, str], int] = {}
        self._texts: dict[int, str] = {}
        self._advances: dict[int, float] = {}

    def advance(self, gid: int) -> float:
        """The glyph's nominal advance in thousandths of the font size."""
        width = self._advances.get(gid)
        if width is None:
            font = _hb_font(self.base.fontName)
            width = self._advances[gid] = font.get_glyph_h_advance(gid) * 1000 / font.face.upem
        return width

    def code(self, gid: int, text: str) -> str:
        """The one-character string that draws glyph ``gid`` and extracts as ``text``."""
        key = (gid, text)
        code = self._codes.get(key)
        if code is None:
            code = self._codes[key] = len(self._codes) + 1
            self._texts[code] = text
            self.face.charToGlyph[code] = gid
            self.face.charWidths[code] = self.advance(gid)
        return chr(code)

    def _doc_state(self, doc) -> _State:
        state = self.state.get(doc)
        if state is None:
            state = self.state[doc] = _State()
        return state

    def splitString(self, text, doc, encoding="utf-8"):
        state = self._doc_state(doc)
        assignments, subsets = state.assignments, state.subsets
        results: list[tuple[int, bytes]] = []
        current, chunk = -1, bytearray()
        for code in map(ord, text):
            n = assignments.get(code)
            if n is None:
                if code not in self._texts:
                    n = 0
                else:
                    if state.frozen:
                        raise pdfdoc.PDFError(f"Font {self.fontName} is already frozen")
                    n = state.nextCode
                    if not n & 0xFF:  # a new subset, its code 0 kept for .notdef
                        subsets.append([0])
                        n += 1
                    subsets[n >> 8].append(code)
                    state.nextCode = n + 1
                    assignments[code] = n
            if n >> 8 != current:
                if chunk:
                    results.append((current, bytes(chunk)))
                current, chunk = n >> 8, bytearray()
            chunk.append(n & 0xFF)
        if chunk:
            results.append((current, bytes(chunk)))
        return results

    def getSubsetInternalName(self, subset, doc):
        state = self._doc_state(doc)
        if subset < 0 or subset >= len(state.subsets):
            raise IndexError(f"Subset {subset} does not exist in font {self.fontName}")
        if state.internalName is None:
            state.internalName = state.namePrefix + repr(len(doc.fontMapping) + 1)
            doc.fontMapping[self.fontName] = "/" + state.internalName
            doc.delayedFonts.append(self)
        return f"/{state.internalName}+{subset}"

    def addObjects(self, doc):
        """reportlab's ``TTFont.addObjects``, with subset names of their own (a viewer must
        not take one for a subset of the base font) and the ``ToUnicode`` map to the text."""
        state = self._doc_state(doc)
        state.frozen = True
        for n, subset in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(n, doc)[1:]
            base_font_name = b"".join((SUBSETN(500_000 + n), b"+", self.face.name,
                                       self.face.subfontNameX)).decode("pdfdoc")
            pdf_font = pdfdoc.PDFTrueTypeFont()
            pdf_font.__Comment__ = f"Font {self.fontName} subset {n}"
            pdf_font.Name = internal_name
            pdf_font.BaseFont = base_font_name
            pdf_font.FirstChar = 0
            pdf_font.LastChar = len(subset) - 1
            pdf_font.Widths = pdfdoc.PDFArray([self.face.getCharWidth(code) for code in subset])
            cmap = pdfdoc.PDFStream()
            cmap.content = _to_unicode_cmap(base_font_name, [self._texts.get(code, "") for code in subset])
            if doc.compression:
                cmap.filters = [pdfdoc.PDFZCompress]
            pdf_font.ToUnicode = doc.Reference(cmap, "toUnicodeCMap:" + base_font_name)
            pdf_font.FontDescriptor = self.face.addSubsetObjects(doc, base_font_name, subset)
            doc.Reference(pdf_font, internal_name)
            doc.idToObject["BasicFonts"].dict[internal_name] = pdf_font
        del self.state[doc]


def _to_unicode_cmap(name: str, texts: list[str]) -> str:
    """A ToUnicode CMap from byte codes to texts (in UTF-16BE, any number of characters)."""
    entries = [f"<{code:02X}> <{text.encode('utf-16-be').hex().upper()}>"
               for code, text in enumerate(texts) if text]
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo", f"<< /Registry ({name})", f"/Ordering ({name})", "/Supplement 0", ">> def",
             f"/CMapName /{name} def", "/CMapType 2 def",
             "1 begincodespacerange", "<00> <FF>", "endcodespacerange"]
    for start in range(0, len(entries), 100):  # at most 100 entries a block
        block = entries[start : start + 100]
        lines += [f"{len(block)} beginbfchar", *block, "endbfchar"]
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines)


@cache
def glyph_font(font_name: str) -> GlyphFont:
    """The glyph font of a registered bundled font, registered with reportlab under its own name."""
    name = font_name + "~glyphs"
    font = GlyphFont(name, pdfmetrics.getFont(font_name))
    # registerFont would hand back the base font, which has the same face name
    pdfmetrics._fonts[name] = font
    return font
