"""Where a cited quote sits in its source's document, and the text around it.

A quote is compared as the analyst would read it: folded like names are
(``dossier.model.folding``: case, diacritics, Arabic and Hebrew marks), without quotation
marks, and every run of white space one space; the offsets returned are code points of the
document's own text. The folded form of the last documents asked about is kept, so the quotes
of one record, or of one source in a printed dossier, cost one pass over its text.
"""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict

from dossier.model.folding import fold

_QUOTE_MARKS = frozenset("'\"«»‹›“”„‟‚‛〝〞＂「」『』")
_SPACE = frozenset(" \t\n\r\f\v\u00a0\u2028\u2029\u3000\u202f\u2009\u200a\u2002\u2003")


def _quote_form(text: str) -> str:
    """``text`` as a quote is compared: folded, without quotation marks, white space one space."""
    return _quote_form_of(fold(text))[0].strip(" ")


def locate_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` sits in ``text`` (ignoring case, diacritics, vowel marks and how white
    space and quotation marks are written), as code point offsets; None when it is not there."""
    if not text or not quote:
        return None
    needle = _quote_form(quote)
    if not needle:
        return None
    folded, hay, where = _searchable(text)
    at = hay.find(needle)
    if at < 0:
        return None
    return folded.start(where[at]), folded.end(where[at + len(needle) - 1] + 1)


_SEARCHABLE_KEPT = 2  # a 4 MB document keeps about 40 MB of offsets while held
_searchable_lock = threading.Lock()
_searchable_cache: OrderedDict[str, tuple] = OrderedDict()


def _searchable(text: str) -> tuple:
    """``(folded, hay, where)`` of a document: worked out once for the last few documents, so
    the quotes of one record, or of one source in a dossier, cost one pass over the text."""
    with _searchable_lock:
        hit = _searchable_cache.get(text)
        if hit is not None:
            _searchable_cache.move_to_end(text)
            return hit
    folded = fold(text)
    hay, where = _quote_form_of(folded)
    with _searchable_lock:
        _searchable_cache[text] = (folded, hay, where)
        while len(_searchable_cache) > _SEARCHABLE_KEPT:
            _searchable_cache.popitem(last=False)
    return folded, hay, where


def _quote_form_of(folded) -> tuple[str, array]:
    """The folded text without quotation marks, each run of white space one space, and the
    index in the folded text of each of its code points."""
    chars: list[str] = []
    where = array("q")
    space = True
    for i, c in enumerate(folded.text):
        if c in _QUOTE_MARKS:
            continue
        if c in _SPACE or c.isspace():
            if not space:
                chars.append(" ")
                where.append(i)
                space = True
            continue
        chars.append(c)
        where.append(i)
        space = False
    return "".join(chars), where


def excerpt(text: str, start: int, end: int, around: int = 160) -> tuple[str, str, str]:
    """``(before, passage, after)``: the passage with up to ``around`` characters of context on
    each side, cut at word boundaries and with an ellipsis where the text goes on."""
    size = len(text)
    start = max(0, min(start, size))
    end = max(start, min(end, size))
    around = max(0, around)
    lo = start - around
    if lo <= 0:
        before = text[:start]
    else:
        before = text[lo:start]
        if not text[lo - 1].isspace():  # the window begins inside a word: start at the next one
            cut = _first_space(before)
            before = before[cut:] if cut is not None else ""
        before = "…" + before.lstrip()
    hi = end + around
    if hi >= size:
        after = text[end:]
    else:
        after = text[end:hi]
        if not text[hi].isspace():  # the window ends inside a word: end at the one before
            cut = _last_space(after)
            after = after[:cut] if cut is not None else ""
        after = after.rstrip() + "…"
    return before, text[start:end], after


def _first_space(s: str) -> int | None:
    for k, c in enumerate(s):
        if c.isspace():
            return k
    return None


def _last_space(s: str) -> int | None:
    for k in range(len(s) - 1, -1, -1):
        if s[k].isspace():
            return k
    return None
