"""Text folded for matching names and quotes, with the way back to the text as written.

``fold(text)`` gives a ``Folded``: the text lower-cased (``str.casefold``), decomposed (NFKD)
and stripped of combining marks — Latin diacritics, Arabic harakat and the superscript alef,
Hebrew niqqud and cantillation marks — with these further foldings:

* Arabic letter variants: the alef forms أ إ آ ٱ become ا (NFKD drops the hamza and madda; the
  wasla form is mapped), ى becomes ي, ة becomes ه, and the Persian ی and ک are the Arabic ي
  and ك; the tatweel (ـ) is dropped; Arabic-Indic and Persian digits are ASCII digits.
* Latin letters NFKD does not decompose: ø o, đ d, ł l, ı i, ħ h, æ ae, œ oe (ß is ss by
  case folding).
* Apostrophes and their look-alikes (’ ‘ ʼ ʻ ʿ ʾ ` ´ ′ and the Hebrew geresh and gershayim)
  are one ``'``; every dash and hyphen is ``-``; the zero-width non-joiner of Persian is a
  space (a word boundary); soft hyphens, zero-width joiners and bidi controls are dropped.

Every code point of the folded text knows the code point of the text it came from
(``Folded.origin``), so a match found in the folded text is a span of the text as written
(``Folded.span``): a span reaches over the marks and joiners that follow its last letter.
No character of the text itself is ever changed: folding is only for finding.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

_SPECIAL: dict[str, str] = {
    # Arabic and Persian letters worth folding
    "\u0671": "\u0627",  # alef wasla
    "\u0649": "\u064a",  # alef maksura -> yeh
    "\u0629": "\u0647",  # teh marbuta -> heh
    "\u06cc": "\u064a",  # Farsi yeh -> Arabic yeh
    "\u06d2": "\u064a",  # yeh barree
    "\u06a9": "\u0643",  # keheh -> kaf
    "\u06c1": "\u0647",  # heh goal
    "\u06d5": "\u0647",  # ae
    "\u0640": "",  # tatweel
    # Latin letters without a decomposition
    "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "ı": "i", "ħ": "h", "Ħ": "h",
    "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ŧ": "t",
    # apostrophes and their look-alikes
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u02bb": "'", "\u02bf": "'", "\u02be": "'",
    "`": "'", "\u00b4": "'", "\u2032": "'", "\u05f3": "'", "\u05f4": "'", "\u02b9": "'",
    # word boundaries and invisible characters
    "\u200c": " ",  # zero-width non-joiner: a boundary inside a Persian word
    "\u00ad": "", "\u200d": "", "\u200b": "", "\u2060": "", "\ufeff": "",
    "\u200e": "", "\u200f": "", "\u061c": "",
    "\u202a": "", "\u202b": "", "\u202c": "", "\u202d": "", "\u202e": "",
    "\u2066": "", "\u2067": "", "\u2068": "", "\u2069": "",
}
for _i in range(10):
    _SPECIAL[chr(0x0660 + _i)] = str(_i)
    _SPECIAL[chr(0x06F0 + _i)] = str(_i)

#: what a span reaches over after its last letter (dropped by folding, part of the word)
_TRAILING = frozenset("\u0640\u00ad\u200d\u200b\u2060")


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Me")


def _fold_char(c: str) -> str:
    special = _SPECIAL.get(c)
    if special is not None:
        return special
    if unicodedata.category(c) == "Pd":
        return "-"
    out = []
    for ch in unicodedata.normalize("NFKD", c):
        if _is_mark(ch):
            continue
        for low in unicodedata.normalize("NFKD", ch.casefold()):
            if _is_mark(low):
                continue
            mapped = _SPECIAL.get(low)
            if mapped is not None:
                out.append(mapped)
            elif unicodedata.category(low) == "Pd":
                out.append("-")
            else:
                out.append(low)
    return "".join(out)


class _Table(dict):
    """Code point -> its folded form, learnt as code points are met."""

    def __missing__(self, c: str) -> str:
        folded = _fold_char(c)
        self[c] = folded
        if len(folded) != 1:
            _IRREGULAR.add(c)
        return folded


_IRREGULAR: set[str] = set()  # code points whose folded form is not one code point
_TABLE = _Table()


@dataclass(frozen=True)
class Folded:
    """``text`` folded; ``origin[i]`` is the index in ``source`` of folded code point ``i``
    (None when every code point folds to exactly one)."""

    text: str
    source: str
    origin: list[int] | None

    def start(self, i: int) -> int:
        """The offset in ``source`` of folded position ``i``."""
        if self.origin is None:
            return i
        return self.origin[i] if i < len(self.origin) else len(self.source)

    def end(self, j: int) -> int:
        """The offset in ``source`` just after folded position ``j - 1`` (and the marks and
        joiners following it)."""
        if j <= 0:
            return 0
        end = self.start(j - 1) + 1
        source = self.source
        while end < len(source) and (source[end] in _TRAILING or _is_mark(source[end])):
            end += 1
        return end

    def span(self, i: int, j: int) -> tuple[int, int]:
        """The code point offsets in ``source`` of the folded span ``[i, j)``."""
        return self.start(i), self.end(j)


def fold(text: str) -> Folded:
    """``text`` folded for matching, with the way back to its offsets."""
    parts = list(map(_TABLE.__getitem__, text))
    folded = "".join(parts)
    if _IRREGULAR.isdisjoint(text):
        return Folded(folded, text, None)
    origin: list[int] = []
    append, extend = origin.append, origin.extend
    for i, part in enumerate(parts):
        if len(part) == 1:
            append(i)
        elif part:
            extend([i] * len(part))
    return Folded(folded, text, origin)


def fold_text(text: str) -> str:
    """Only the folded text (for names and words, where no offsets are needed)."""
    return "".join(map(_TABLE.__getitem__, text))
