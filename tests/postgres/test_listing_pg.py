"""Keyset pages on PostgreSQL: every order, through ties and NULLs, gives what SQLite gives."""

from __future__ import annotations

from listing_ties import ties_document

from dossier.services import interchange, listing
from dossier.services.workspace import open_workspace

FILTERS = [{}, {"negotiation": "n1"}, {"negotiation": "n1", "party": "a"}]


def walks(ws) -> dict:
    out = {}
    for collection, sorts in listing.SORTS.items():
        for filters in FILTERS if collection == "positions" else [{}]:
            for sort in sorts:
                for descending in (False, True):
                    ids, after = [], None
                    while True:
                        page = listing.page(ws, collection, filters=filters, sort=sort, descending=descending,
                                            after=after, limit=3)
                        ids += [row.id for row in page]
                        if len(page) < 3:
                            break
                        after = page[-1].sort_key
                    out[collection, repr(filters), sort, descending] = ids
    return out


def test_every_order_pages_alike_on_postgresql_and_sqlite(pg_url, tmp_path):
    with open_workspace(pg_url) as shared, open_workspace(tmp_path / "w.sqlite") as local:
        for ws in (shared, local):
            interchange.import_document(ws, ties_document())
        on_sqlite = walks(local)
        assert walks(shared) == on_sqlite
    assert len(set(on_sqlite["positions", "{}", "person", False])) == 52
