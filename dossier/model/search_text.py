"""What full-text search sees of a record, and how text is folded for matching.

Folding makes search forgiving the way analysts need: case and Latin diacritics are
ignored (``shaybani`` finds ``Shaybānī``), Arabic and Hebrew vowel marks are ignored,
Arabic letter variants that outlets spell differently are unified (alef with hamza or
madda, alef maksura, Persian yeh and keheh, teh marbuta), and apostrophe-like marks
vanish (``As'ad`` = ``Asʿad`` = ``Asad``). The same folding is applied to the index and
to the query, so they always agree.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from dossier.model.labels import round_in_search
from dossier.model.records import Event, Negotiation, Party, Person, Position, Round, Source, Topic

_LETTER_FOLD = str.maketrans(
    {
        "\u0649": "\u064a",  # alef maksura -> yeh
        "\u06cc": "\u064a",  # Persian yeh -> Arabic yeh
        "\u06a9": "\u0643",  # keheh -> kaf
        "\u0629": "\u0647",  # teh marbuta -> heh
        "\u0640": None,  # tatweel
        "'": None,
        "\u2018": None,
        "\u2019": None,
        "\u02bb": None,
        "\u02bc": None,
        "\u02be": None,
        "\u02bf": None,
        "`": None,
        "\u00b4": None,
    }
)
_TOKEN = re.compile(r"[^\W_]+")


class _FoldTable(dict):
    """``str.translate`` table: letter variants unified, nonspacing marks (Mn) dropped.

    Filled as characters are first met, so folding stays one pass in C however much
    text is indexed."""

    def __missing__(self, code: int) -> int | str | None:
        value = None if unicodedata.category(chr(code)) == "Mn" else code
        self[code] = value
        return value


_FOLD_TABLE = _FoldTable(_LETTER_FOLD)


def fold(text: str) -> str:
    """Text folded for matching: no marks, case folded, letter variants unified."""
    if text.isascii():  # no marks to drop; casefold and NFKD change nothing but case
        return text.lower().translate(_LETTER_FOLD)
    return unicodedata.normalize("NFKD", text.casefold()).translate(_FOLD_TABLE)


def query_tokens(query: str) -> list[str]:
    return _TOKEN.findall(fold(query))


@dataclass(frozen=True)
class IndexEntry:
    label: str  # how the hit is named in a list of results
    heading: str  # names and titles: weighed most
    names: str  # other names: native script, aliases, venue, publisher
    body: str  # long text: bios, notes, summaries, quotes, descriptions
    fields: dict[str, str]  # original text per field, for snippets


def _quotes(record) -> str | None:
    return "\n".join([q for c in record.sources if (q := c.quote)]) or None


def _person(r: Person) -> tuple:
    roles = "; ".join([f"{x.title} ({x.organization})" if x.organization else x.title for x in r.roles])
    return (r.name, {"name": r.name, "native_name": r.native_name, "aliases": "; ".join(r.aliases) or None,
                     "title": r.title, "bio": r.bio, "notes": r.notes, "roles": roles or None},
            ("name",), ("native_name", "aliases"))


def _round(r: Round) -> tuple:
    return (round_in_search(r),
            {"title": r.title, "venue": r.venue, "summary": r.summary, "quotes": _quotes(r)},
            ("title",), ("venue",))


#: Per record class: its label, its text fields in order, which of them are the heading and which names.
_PARTS = {
    Person: _person,
    Party: lambda r: (r.name, {"name": r.name, "country": r.country, "notes": r.notes}, ("name",), ("country",)),
    Negotiation: lambda r: (r.title, {"title": r.title, "summary": r.summary}, ("title",), ()),
    Topic: lambda r: (r.title, {"title": r.title, "category": r.category, "description": r.description},
                      ("title",), ("category",)),
    Round: _round,
    Position: lambda r: (r.summary, {"summary": r.summary, "quotes": _quotes(r)}, ("summary",), ()),
    Source: lambda r: (r.title, {"title": r.title, "publisher": r.publisher, "url": r.url, "notes": r.notes,
                                 "text": searched_part(r.text)},
                       ("title",), ("publisher",)),
    Event: lambda r: (r.title, {"title": r.title, "description": r.description, "quotes": _quotes(r)},
                      ("title",), ()),
}


#: How much of a source's document is searched: about 500 pages. The whole text is kept and
#: shown; a word beyond this point is not found (a book-length transcript would otherwise make
#: the index, and an import's memory, several times its size).
DOCUMENT_SEARCHED = 1_000_000


def searched_part(text: str | None, limit: int = DOCUMENT_SEARCHED) -> str | None:
    """``text`` up to ``limit`` characters, cut at a space where one is near (no half word)."""
    if text is None or len(text) <= limit:
        return text
    cut = text[:limit]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    return cut[:space] if space > limit - 2048 else cut


def index_parts(record: object) -> tuple[str, str, str, str, dict[str, str]]:
    """``index_entry`` as a tuple (label, heading, names, body, fields), for indexing many records."""
    parts = _PARTS.get(type(record))
    if parts is None:
        for cls, fn in _PARTS.items():  # a subclass of a record class
            if isinstance(record, cls):
                parts = fn
                break
        else:
            raise TypeError(f"not a record: {type(record).__name__}")
    label, fields, heading, names = parts(record)
    kept = {k: v for k, v in fields.items() if v}
    body = [v for k, v in kept.items() if k not in heading and k not in names]
    return (
        label,
        fold("\n".join([v for k in heading if (v := kept.get(k))])),
        fold("\n".join([v for k in names if (v := kept.get(k))])),
        fold("\n".join(body)),
        kept,
    )


def index_entry(record: object) -> IndexEntry:
    """The searchable text of any record."""
    label, heading, names, body, fields = index_parts(record)
    return IndexEntry(label=label, heading=heading, names=names, body=body, fields=fields)


@dataclass(frozen=True)
class Snippet:
    field: str
    text: str
    spans: tuple[tuple[int, int], ...]  # (start, end) of matched words within text
    #: (start, end) in the field's own text of the matched words the snippet shows, from the
    #: first one's start to the last one's end (where a hit in a document opens the reader)
    at: tuple[int, int] | None = None

    def marked(self, left: str = "[", right: str = "]") -> str:
        out, pos = [], 0
        for start, end in self.spans:
            out += [self.text[pos:start], left, self.text[start:end], right]
            pos = end
        out.append(self.text[pos:])
        return "".join(out)


_WORD = re.compile(r"\S+")
_SNIPPET_WORDS = 12


def make_snippet(fields: dict[str, str], tokens: list[str]) -> Snippet | None:
    """A short excerpt of the first field with a word that matches a query token."""
    for name, value in fields.items():
        words = list(_WORD.finditer(value))
        hits = [i for i, w in enumerate(words) if _matches(w.group(), tokens)]
        if not hits:
            continue
        first = hits[0]
        lo = max(0, first - _SNIPPET_WORDS // 2)
        hi = min(len(words), lo + _SNIPPET_WORDS)
        start, end = words[lo].start(), words[hi - 1].end()
        text = value[start:end].replace("\n", " ")
        prefix = "… " if lo > 0 else ""
        suffix = " …" if hi < len(words) else ""
        shown = [i for i in hits if lo <= i < hi]
        shift = len(prefix) - start
        spans = tuple((words[i].start() + shift, words[i].end() + shift) for i in shown)
        return Snippet(name, prefix + text + suffix, spans, (words[shown[0]].start(), words[shown[-1]].end()))
    return None


def _matches(word: str, tokens: list[str]) -> bool:
    parts = _TOKEN.findall(fold(word))
    return any(p.startswith(t) for p in parts for t in tokens)
