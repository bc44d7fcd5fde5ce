"""The listings' date orders follow the product's rule: a date known only to the month or the
year sorts after every fuller date inside it and before the next month or year
(docs/analysis.md, "Dates are ranges"), in SQL, page by page, read from an index."""

from __future__ import annotations

import sqlite3
from functools import partial

import pytest
from listing_dates import (
    RULE,
    dated_document,
    in_date_order,
    positions_dated,
    rounds_dated,
    sources_dated,
    walk,
)
from sent_statements import sent_statements

from dossier.services import interchange, listing
from dossier.services.workspace import open_workspace


@pytest.fixture(scope="module")
def dated(tmp_path_factory):
    ws = open_workspace(tmp_path_factory.mktemp("dates") / "dates.sqlite")
    interchange.import_document(ws, dated_document())
    yield ws
    ws.close()


def test_the_rules_example_is_the_order_of_the_positions_table(dated):
    rows = listing.page(dated, "positions", filters={"negotiation": "n1"}, sort="date", limit=1000)
    shown = [row.cells["date"] for row in rows]
    assert shown[:3] == ["", "", ""]  # no date: first going up, as before
    assert list(dict.fromkeys(shown[3:])) == ["2024-12-31", "2024-12", "2024", "2025-01-01", *RULE,
                                              "2026-01-01", "2026-01", "2026"]
    down = listing.page(dated, "positions", filters={"negotiation": "n1"}, sort="date", descending=True,
                        limit=1000)
    assert [row.id for row in down] == [row.id for row in rows][::-1]


@pytest.mark.parametrize("filters", [{}, {"negotiation": "n1"}, {"negotiation": "n2"},
                                     {"negotiation": "n1", "kind": "offer"}], ids=repr)
def test_positions_by_date_page_through_ties_once_each_way(dated, filters):
    """Month- and year-dated positions after the days inside them; several positions on each
    date, so pages break inside a run of equal dates, in the NULLs and across their ends."""
    for descending in (False, True):
        want = in_date_order(positions_dated(filters), descending)
        assert len(want) == listing.count(dated, "positions", filters=filters)
        for page_size in (1, 2, 3, 5, 1000):
            got = walk(dated, "positions", page_size, sort="date", descending=descending, filters=filters)
            assert got == want, (descending, page_size)


def test_rounds_by_dates_follow_their_start(dated):
    for filters in ({}, {"negotiation": "n1"}):
        for descending in (False, True):
            want = in_date_order(rounds_dated(), descending)
            for page_size in (1, 2, 4, 100):
                got = walk(dated, "rounds", page_size, sort="dates", descending=descending, filters=filters)
                assert got == want, (filters, descending, page_size)
    shown = [row.cells["dates"] for row in listing.page(dated, "rounds", sort="dates", limit=100)]
    assert shown == ["", "13 Jun 2025", "30 Jun 2025", "Jun 2025", "Jun 2025", "1 Jul 2025", "31 Dec 2025",
                     "Dec 2025", "2025"]  # in words (model.labels), ordered by the stored dates


def test_sources_by_published(dated):
    for descending in (False, True):
        want = in_date_order(sources_dated(), descending)
        for page_size in (1, 3, 100):
            got = walk(dated, "sources", page_size, sort="published", descending=descending)
            assert got == want, (descending, page_size)
    shown = [row.cells["published"] for row in listing.page(dated, "sources", sort="published", limit=100)]
    assert shown == ["", "2025-06-13", "2025-06-30", "2025-06", "2025-06", "2025-07-01", "2025-12-31",
                     "2025-12", "2025", "2025"]


# ------------------------------------------------------------------ read from the index
def _sent(ws, table: str, run) -> list[tuple[str, tuple]]:
    """The statements (and parameters) ``run()`` sends that read ``table``."""
    return sent_statements(ws, run, lambda statement: f"FROM {table} " in statement)


@pytest.mark.parametrize("collection, sort, filters, index", [
    ("positions", "date", {}, "ix_positions_date_order"),
    ("positions", "date", {"negotiation": "n1"}, "ix_positions_negotiation_date_order"),
    ("positions", "date", {"negotiation": "n1", "kind": "offer"}, "ix_positions_negotiation_kind_date_order"),
    ("rounds", "dates", {"negotiation": "n1"}, "ix_rounds_negotiation_start_order"),
    ("sources", "published", {}, "ix_sources_published_order"),
], ids=["positions", "one negotiation's positions", "one kind of them", "one negotiation's rounds",
        "sources"])
def test_each_page_by_date_is_read_from_the_date_order_index(dated, collection, sort, filters, index):
    """SQLite uses an index on an expression only for a query that spells it the same (the
    '~' written in, not a parameter): every page, the first and each later one, through the
    rows without a date and those with one, both ways, seeks that index and sorts nothing."""
    items = {"positions": positions_dated(filters), "rounds": rounds_dated(), "sources": sources_dated()}
    raw = sqlite3.connect(dated.path)
    try:
        for descending in (False, True):
            sent = _sent(dated, collection, partial(walk, dated, collection, 2, sort=sort,
                                                    descending=descending, filters=filters))
            assert len(sent) > len(items[collection]) // 2  # every page, and where a page ends a segment
            for statement, params in sent:
                assert "|| '~')" in statement
                plan = [row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {statement}", params)]
                reads = [step for step in plan if f" {collection} " in f"{step} "]
                assert len(reads) == 1, plan
                assert reads[0].startswith(f"SEARCH {collection} USING INDEX {index} ("), plan
                assert not any("TEMP B-TREE" in step for step in plan), plan
    finally:
        raw.close()
