"""What the reader lists beside the text: the records a document names, and the names it holds
that are not in the workspace, each with every place it is written."""

from __future__ import annotations

from dataclasses import dataclass, field

from dossier.model.search_text import fold

#: The kinds of record marked, in the order the list beside the text shows them.
KINDS = (("people", "People"), ("parties", "Parties"), ("topics", "Topics"))


@dataclass
class Named:
    """A record named in the document: where, and how often exactly or by a close spelling."""

    collection: str
    record_id: str
    label: str
    spans: list[tuple[int, int]] = field(default_factory=list)
    exact: int = 0
    fuzzy: int = 0


@dataclass
class Unknown:
    """A name not in the workspace, as first spelled, and every place it is written."""

    text: str
    spans: list[tuple[int, int]] = field(default_factory=list)


def named_records(found) -> list[Named]:
    """The records ``found`` names, most often named first within each kind."""
    by_key: dict[tuple[str, str], Named] = {}
    for m in found.mentions:
        named = by_key.setdefault((m.collection, m.record_id), Named(m.collection, m.record_id, m.label))
        named.spans.append((m.start, m.end))
        if m.match == "exact":
            named.exact += 1
        else:
            named.fuzzy += 1
    order = {kind: i for i, (kind, _) in enumerate(KINDS)}
    return sorted(by_key.values(), key=lambda n: (order.get(n.collection, 9), -len(n.spans), n.label.lower()))


def unknown_names(found) -> list[Unknown]:
    """The candidates of ``found`` once each (ignoring case, accents and vowel marks), most often written first."""
    by_key: dict[str, Unknown] = {}
    for c in found.candidates:
        by_key.setdefault(fold(c.text), Unknown(c.text)).spans.append((c.start, c.end))
    return sorted(by_key.values(), key=lambda u: (-len(u.spans), u.spans[0][0]))
