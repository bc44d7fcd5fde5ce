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


def _join(*parts: str | None) -> str:
    return "\n".join(p for p in parts if p)


def _quotes(record) -> list[str]:
    return [c.quote for c in getattr(record, "sources", []) if getattr(c, "quote", None)]


def index_entry(record: object) -> IndexEntry:
    """The searchable text of any record."""
    fields: dict[str, str | None]
    if isinstance(record, Person):
        label = record.name
        fields = {
            "name": record.name,
            "native_name": record.native_name,
            "aliases": "; ".join(record.aliases) or None,
            "title": record.title,
            "bio": record.bio,
            "notes": record.notes,
            "roles": "; ".join(
                f"{r.title} ({r.organization})" if r.organization else r.title for r in record.roles
            ) or None,
        }
        heading, names = ["name"], ["native_name", "aliases"]
    elif isinstance(record, Party):
        label = record.name
        fields = {"name": record.name, "country": record.country, "notes": record.notes}
        heading, names = ["name"], ["country"]
    elif isinstance(record, Negotiation):
        label = record.title
        fields = {"title": record.title, "summary": record.summary}
        heading, names = ["title"], []
    elif isinstance(record, Topic):
        label = record.title
        fields = {"title": record.title, "category": record.category, "description": record.description}
        heading, names = ["title"], ["category"]
    elif isinstance(record, Round):
        number = f"Round {record.number}" if record.number is not None else "Round"
        label = f"{number}: {record.title}" if record.title else number
        fields = {"title": record.title, "venue": record.venue, "summary": record.summary,
                  "quotes": "\n".join(_quotes(record)) or None}
        heading, names = ["title"], ["venue"]
    elif isinstance(record, Position):
        label = record.summary
        fields = {"summary": record.summary, "quotes": "\n".join(_quotes(record)) or None}
        heading, names = ["summary"], []
    elif isinstance(record, Source):
        label = record.title
        fields = {"title": record.title, "publisher": record.publisher, "url": record.url, "notes": record.notes}
        heading, names = ["title"], ["publisher"]
    elif isinstance(record, Event):
        label = record.title
        fields = {"title": record.title, "description": record.description,
                  "quotes": "\n".join(_quotes(record)) or None}
        heading, names = ["title"], []
    else:
        raise TypeError(f"not a record: {type(record).__name__}")
    kept = {k: v for k, v in fields.items() if v}
    body = [k for k in kept if k not in heading and k not in names]
    return IndexEntry(
        label=label,
        heading=fold(_join(*(kept.get(k) for k in heading))),
        names=fold(_join(*(kept.get(k) for k in names))),
        body=fold(_join(*(kept.get(k) for k in body))),
        fields=kept,
    )


@dataclass(frozen=True)
class Snippet:
    field: str
    text: str
    spans: tuple[tuple[int, int], ...]  # (start, end) of matched words within text

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
        spans = tuple(
            (words[i].start() - start + len(prefix), words[i].end() - start + len(prefix))
            for i in hits
            if lo <= i < hi
        )
        return Snippet(name, prefix + text + suffix, spans)
    return None


def _matches(word: str, tokens: list[str]) -> bool:
    parts = _TOKEN.findall(fold(word))
    return any(p.startswith(t) for p in parts for t in tokens)
