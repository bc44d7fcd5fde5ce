"""A small workspace document whose positions, rounds and sources are dated at every precision,
several on each date, some without one; and the order the product's rule gives them.

Shared by the listing tests on SQLite (tests/services) and on PostgreSQL.
"""

from __future__ import annotations

from dossier.model import records as r
from dossier.model.dates import sort_key

#: the rule's own example, in order (docs/analysis.md, "Dates are ranges")
RULE = ["2025-06-13", "2025-06-30", "2025-06", "2025-07-01", "2025-12-31", "2025-12", "2025"]
#: dates of the positions of negotiation n1, in the order they are added (ids n1-p00, n1-p01 …):
#: each of the rule's dates twice or more, apart, and dates without a day or month next to days
N1_DATES = ["2025", "2025-06", "2025-06-13", None, "2025-12", "2025-12-31", "2025-06-30", "2025-07-01",
            "2024-12-31", "2026-01-01", "2025-06", "2025", None, "2025-06-13", "2026-01", "2024",
            "2025-01-01", "2025-12", "2025-06-30", "2025", "2026", "2025-07-01", "2024-12", None]
N2_DATES = ["2025-06", "2025-06-01", "2025", None, "2025-05-31", "2025-06-30", "2025-07"]
KINDS = ["demand", "offer"]
ROUND_STARTS = ["2025-06", "2025-06-13", "2025", None, "2025-12-31", "2025-06-30", "2025-12", "2025-06",
                "2025-07-01"]
SOURCES_PUBLISHED = ["2025", "2025-06-30", None, "2025-06", "2025-06-13", "2025-12", "2025-12-31",
                     "2025-07-01", "2025", "2025-06"]


def dated_document() -> r.Document:
    doc = r.Document(
        parties=[r.Party(id="a", name="Alpha")],
        negotiations=[r.Negotiation(id=n, title=n, parties=[r.NegotiationParty(party="a", role="party")])
                      for n in ("n1", "n2")],
        topics=[r.Topic(id=f"t-{n}", negotiation=n, title="Water") for n in ("n1", "n2")],
        rounds=[r.Round(id=f"r{i:02d}", negotiation="n1", number=i + 1, start=start)
                for i, start in enumerate(ROUND_STARTS)],
        sources=[r.Source(id=f"s{i:02d}", title=f"Source {i}", published=published)
                 for i, published in enumerate(SOURCES_PUBLISHED)],
    )
    for neg, dates in (("n1", N1_DATES), ("n2", N2_DATES)):
        for i, date in enumerate(dates):
            doc.positions.append(r.Position(id=f"{neg}-p{i:02d}", negotiation=neg, party="a",
                                            topic=f"t-{neg}", date=date, kind=KINDS[i % 2],
                                            summary=f"Position {i}"))
    return doc


def positions_dated(filters: dict) -> list[tuple[str, str | None]]:
    """(id, date) of the positions matching ``filters`` (negotiation, kind), in the order added."""
    items = []
    for neg, dates in (("n1", N1_DATES), ("n2", N2_DATES)):
        for i, date in enumerate(dates):
            if filters.get("negotiation", neg) == neg and filters.get("kind", KINDS[i % 2]) == KINDS[i % 2]:
                items.append((f"{neg}-p{i:02d}", date))
    return items


def rounds_dated() -> list[tuple[str, str | None]]:
    return [(f"r{i:02d}", start) for i, start in enumerate(ROUND_STARTS)]


def sources_dated() -> list[tuple[str, str | None]]:
    return [(f"s{i:02d}", published) for i, published in enumerate(SOURCES_PUBLISHED)]


def in_date_order(items: list[tuple[str, str | None]], descending: bool) -> list[str]:
    """Ids in date order: without a date first (in the order added), then as ``dates.sort_key``
    orders dates, then in the order added; descending is the exact reverse."""
    ordered = [uid for _key, uid in sorted(
        ((0 if date is None else 1, () if date is None else sort_key(date), i), uid)
        for i, (uid, date) in enumerate(items))]
    return ordered[::-1] if descending else ordered


def walk(ws, collection: str, page_size: int, **kwargs) -> list[str]:
    """The ids of every page of a listing, each page asked for after the last row of the one before."""
    from dossier.services import listing

    ids, after = [], None
    while True:
        page = listing.page(ws, collection, after=after, limit=page_size, **kwargs)
        assert len(page) <= page_size
        ids += [row.id for row in page]
        if len(page) < page_size:
            return ids
        after = page[-1].sort_key
