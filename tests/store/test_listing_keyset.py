"""Keyset pages in every order of every listing, on a real SQLite file full of ties and NULLs.

Each walk, whatever its page size, must give every matching row once, in the order a
plain query sorted in Python gives: rows without the joined record first (by key), then
rows whose value is NULL (by joined id, key), then by value (text without case (ASCII), a
date as ``dates.sort_key`` orders it: a month or a year after the days inside it), joined
id, key; descending is the exact reverse.
"""

from __future__ import annotations

import sqlite3
from functools import partial

import pytest
from listing_dates import walk
from listing_ties import ties_document
from sent_statements import sent_statements

from dossier.model.dates import sort_key as date_sort_key
from dossier.services import interchange, listing
from dossier.services.workspace import open_workspace


@pytest.fixture(scope="module")
def ties(tmp_path_factory):
    """The workspace of ``ties_document()``, open for the module's tests (which only read)."""
    ws = open_workspace(tmp_path_factory.mktemp("ties") / "ties.sqlite")
    interchange.import_document(ws, ties_document())
    yield ws
    ws.close()


# ------------------------------------------------------------------ the expected order
#: how a plain query's value is compared: as it is, as text without case, as a date
PLAIN, NOCASE, DATE = "plain", "nocase", "date"
#: collection -> (FROM clause of a plain query, sort -> (value, joined id or None, how compared))
ORACLE = {
    "positions": (
        "positions x JOIN negotiations n ON n.id = x.negotiation_id JOIN parties pa ON pa.id = x.party_id "
        "JOIN topics t ON t.id = x.topic_id LEFT JOIN rounds r ON r.id = x.round_id "
        "LEFT JOIN people pe ON pe.id = x.person_id",
        {"date": ("x.date", None, DATE), "party": ("pa.name", "pa.id", NOCASE),
         "topic": ("t.title", "t.id", NOCASE), "kind": ("x.kind", None, PLAIN),
         "summary": ("x.summary", None, NOCASE), "round": ("r.number", "r.id", PLAIN),
         "person": ("pe.name", "pe.id", NOCASE)},
    ),
    "people": (
        "people x LEFT JOIN parties pa ON pa.id = x.party_id",
        {"name": ("x.name", None, NOCASE), "native_name": ("x.native_name", None, PLAIN),
         "party": ("pa.name", "pa.id", NOCASE), "title": ("x.title", None, NOCASE),
         "rounds": ("(SELECT count(DISTINCT round_id) FROM round_participants WHERE person_id = x.id)",
                    None, PLAIN)},
    ),
    "rounds": (
        "rounds x",
        {"number": ("x.number", None, PLAIN), "title": ("x.title", None, NOCASE),
         "dates": ("x.start", None, DATE), "venue": ("x.venue", None, NOCASE),
         "status": ("x.status", None, PLAIN)},
    ),
    "sources": (
        "sources x LEFT JOIN sources v ON v.id = x.via_id",
        {"title": ("x.title", None, NOCASE), "publisher": ("x.publisher", None, NOCASE),
         "reliability": ("x.reliability", None, PLAIN), "published": ("x.published", None, DATE),
         "via": ("v.title", "v.id", NOCASE),
         "cited": ("(SELECT count(*) FROM citations WHERE source_id = x.id)", None, PLAIN),
         "number": ("x.number", None, PLAIN)},
    ),
}
#: orders by a value no two rows share (the workspace's source numbers): they meet no ties
UNIQUE_SORTS = {("sources", "number")}

#: positions filter -> the column of the plain query it compares
FILTER_COLUMNS = {"negotiation": "n.uid", "party": "pa.uid", "topic": "t.uid", "round": "r.uid",
                  "person": "pe.uid", "kind": "x.kind"}


def expected(path, collection: str, sort: str, descending: bool, filters: dict | None = None) -> list[str]:
    frm, sorts = ORACLE[collection]
    value, ref, compared = sorts[sort]
    fold = {PLAIN: lambda v: v, NOCASE: str.lower, DATE: date_sort_key}[compared]
    where, params = [], []
    for name, wanted in (filters or {}).items():
        if wanted is None:
            where.append(f"{FILTER_COLUMNS[name]} IS NULL")
        else:
            where.append(f"{FILTER_COLUMNS[name]} = ?")
            params.append(wanted)
    sql = f"SELECT x.uid, x.id, {value}, {ref or 'NULL'} FROM {frm}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    raw = sqlite3.connect(path)
    rows = raw.execute(sql, params).fetchall()
    raw.close()

    def key(row):
        _uid, own, val, joined = row
        if ref is not None and joined is None:
            return (0, (), 0, own)  # no joined record
        if val is None:
            return (1, (), joined or 0, own)
        return (2, (fold(val),), joined or 0, own)

    ordered = [row[0] for row in sorted(rows, key=key)]
    return ordered[::-1] if descending else ordered


def test_the_data_has_ties_and_nulls_in_every_sort(ties):
    """The checks below prove something only if each order meets equal values and NULLs."""
    assert set(ORACLE) == set(listing.SORTS)
    raw = sqlite3.connect(ties.path)
    for collection, (frm, sorts) in ORACLE.items():
        assert set(sorts) == set(listing.SORTS[collection])
        for sort, (value, _ref, compared) in sorts.items():
            if (collection, sort) in UNIQUE_SORTS:
                continue
            folded = f"lower({value})" if compared == NOCASE else value
            tied = f"SELECT {folded} FROM {frm} WHERE {value} IS NOT NULL GROUP BY 1 HAVING count(*) > 1"
            assert raw.execute(f"SELECT count(*) FROM ({tied})").fetchone()[0], (collection, sort)
            if collection == "positions" and sort in ("date", "round", "person"):
                assert raw.execute(f"SELECT count(*) FROM {frm} WHERE {value} IS NULL").fetchone()[0], sort
    # a round without number, as well as positions without round
    assert raw.execute("SELECT count(*) FROM positions JOIN rounds r ON r.id = round_id "
                       "WHERE r.number IS NULL").fetchone()[0]
    raw.close()


@pytest.mark.parametrize("collection", sorted(ORACLE))
def test_every_order_of_every_listing_pages_through_each_row_once(ties, collection):
    for sort in listing.SORTS[collection]:
        for descending in (False, True):
            want = expected(ties.path, collection, sort, descending)
            assert len(want) == listing.count(ties, collection) > 0
            for page_size in (1, 2, 7, 500):
                got = walk(ties, collection, page_size, sort=sort, descending=descending)
                assert got == want, (sort, descending, page_size)


@pytest.mark.parametrize("filters", [
    {},
    {"negotiation": "n1"},
    {"negotiation": "n1", "party": "a"},
    {"negotiation": "n1", "topic": "t1b"},
    {"negotiation": "n1", "round": None},
    {"negotiation": "n1", "person": "p2"},
    {"negotiation": "n1", "kind": "demand"},
    {"negotiation": "n2", "party": "g", "kind": "offer"},
], ids=repr)
def test_positions_pages_with_the_panes_filters(ties, filters):
    for sort in listing.SORTS["positions"]:
        for descending in (False, True):
            want = expected(ties.path, "positions", sort, descending, filters)
            assert len(want) == listing.count(ties, "positions", filters=filters) > 0
            for page_size in (2, 5):
                got = walk(ties, "positions", page_size, sort=sort, descending=descending, filters=filters)
                assert got == want, (sort, descending, page_size)


def test_positions_text_filter_keeps_the_order(ties):
    filters = {"negotiation": "n1"}
    searched = {r.id: " ".join(r.cells[c] for c in ("summary", "party", "topic", "person")).lower()
                for r in listing.page(ties, "positions", filters=filters, limit=1000)}
    for sort in listing.SORTS["positions"]:
        for descending in (False, True):
            got = walk(ties, "positions", 3, sort=sort, descending=descending, filters=filters,
                       text_filter="LEE wat")
            want = [uid for uid in expected(ties.path, "positions", sort, descending, filters)
                    if "lee" in searched[uid] and "wat" in searched[uid]]
            assert got == want and 0 < len(want) < len(searched), (sort, descending)


def _plans(ws, run) -> list[list[str]]:
    """The query plan of each statement ``run()`` sends."""
    sent = sent_statements(ws, run)
    raw = sqlite3.connect(ws.path)
    plans = [[r[3] for r in raw.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)]
             for statement, parameters in sent if "positions" in statement]
    raw.close()
    return plans


@pytest.mark.parametrize("filters", [{"negotiation": "n1"}, {}], ids=["one negotiation", "every position"])
def test_each_page_of_positions_is_read_from_an_index_without_sorting(ties, filters):
    """What keeps the last page as quick as the first on 100,000 positions: no page sorts
    the rows it might show (a temporary b-tree) or reads the positions table through."""
    sorts = listing.SORTS["positions"] if filters else ["date"]
    for sort in sorts:
        for descending in (False, True):
            plans = _plans(ties, partial(walk, ties, "positions", 4, sort=sort, descending=descending,
                                         filters=filters))
            assert len(plans) > 10
            for plan in plans:
                slow = [step for step in plan if "TEMP B-TREE" in step or step.startswith("SCAN positions")]
                assert not slow, (sort, descending, plan)
