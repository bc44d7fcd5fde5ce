"""Paged, sorted, filtered listings for the desktop tables, on real workspace files."""

from __future__ import annotations

import pytest

from dossier.model.records import Document, Party, Person
from dossier.services import interchange, listing, records
from dossier.services.workspace import open_workspace


@pytest.fixture
def crowd(tmp_path):
    """A workspace of 1,000 people, some without a title, one with LIKE wildcards in the name."""
    ws = open_workspace(tmp_path / "crowd.sqlite")
    doc = Document(parties=[Party(id="a", name="Alpha"), Party(id="b", name="beta")])
    for i in range(1000):
        doc.people.append(Person(id=f"p{i:04d}", name=f"Person {i % 37:02d}", party="a" if i % 3 else "b",
                                 title=None if i % 5 == 0 else f"title {i % 11}"))
    doc.people.append(Person(id="wild", name="100%_done", aliases=["Zed Alias"]))
    interchange.import_document(ws, doc)
    yield ws
    ws.close()


def walk(ws, collection, page_size, **kwargs):
    rows, after = [], None
    while True:
        page = listing.page(ws, collection, after=after, limit=page_size, **kwargs)
        assert len(page) <= page_size
        if not page:
            return rows
        rows += page
        after = page[-1].sort_key


@pytest.mark.parametrize("collection", ["people", "positions", "rounds", "sources"])
def test_every_sort_pages_through_every_row_once_in_order(demo_workspace, collection):
    total = listing.count(demo_workspace, collection)
    assert total > 0
    for sort in listing.SORTS[collection]:
        for descending in (False, True):
            whole = listing.page(demo_workspace, collection, sort=sort, descending=descending, limit=10_000)
            paged = walk(demo_workspace, collection, 2, sort=sort, descending=descending)
            assert [r.id for r in paged] == [r.id for r in whole]
            assert len({r.id for r in paged}) == total


def test_keyset_paging_with_nulls_and_ties(crowd):
    for descending in (False, True):
        paged = walk(crowd, "people", 64, sort="title", descending=descending)
        assert len(paged) == 1001 and len({r.id for r in paged}) == 1001
        titles = [r.cells["title"] for r in paged]
        blanks = [i for i, t in enumerate(titles) if t == ""]
        # SQLite's rule: no value first going up, last going down
        assert blanks == (list(range(len(blanks))) if not descending
                          else list(range(1001 - len(blanks), 1001)))
        filled = [t.lower() for t in titles if t]
        assert filled == sorted(filled, reverse=descending)


def test_people_cells_and_sort_by_name_ignores_case(crowd):
    records.save(crowd, Person(id="lower", name="aaron lowercase"))
    first = listing.page(crowd, "people", sort="name", limit=2)
    assert first[0].cells["name"] == "100%_done"
    assert first[1].cells["name"] == "aaron lowercase"
    row = listing.page(crowd, "people", filters={"party": "b"}, limit=1)[0]
    assert row.cells["party"] == "beta" and row.cells["rounds"] == "0"


def test_filters_and_text_filter(crowd):
    assert listing.count(crowd, "people", filters={"party": "b"}) == 334
    assert listing.count(crowd, "people", filters={"party": None}) == 1
    # LIKE wildcards in the typed text are taken literally
    assert [r.id for r in listing.page(crowd, "people", text_filter="0%_")] == ["wild"]
    assert listing.count(crowd, "people", text_filter="%") == 1
    # aliases are searched too, and every word must match
    assert [r.id for r in listing.page(crowd, "people", text_filter="zed alias")] == ["wild"]
    assert listing.count(crowd, "people", text_filter="person 07") == 27
    with pytest.raises(KeyError):
        listing.page(crowd, "people", filters={"colour": "red"})
    with pytest.raises(KeyError):
        listing.page(crowd, "people", sort="colour")


def test_demo_cells(demo_workspace):
    people = {r.id: r for r in listing.page(demo_workspace, "people", limit=100)}
    shaybani = people["asaad-al-shaybani"]
    assert shaybani.cells["native_name"] == "أسعد حسن الشيباني"
    assert shaybani.cells["party"] == "Syria"
    assert int(shaybani.cells["rounds"]) == len(
        records.listing(demo_workspace, "rounds", "participants", "asaad-al-shaybani"))
    demands = listing.page(demo_workspace, "positions",
                           filters={"negotiation": "il-sy-security", "kind": "demand"})
    assert demands and {r.cells["kind"] for r in demands} == {"Demand"}
    rounds = listing.page(demo_workspace, "rounds", sort="dates", descending=True, limit=1)
    assert rounds[0].cells["status"] == "Held" and "–" in rounds[0].cells["dates"]
    src = {r.id: r for r in listing.page(demo_workspace, "sources")}
    assert src["axios-paris-round-5"].cells["via"] == records.get(demo_workspace, "sources", "art-paris-round-5").title


@pytest.mark.parametrize("sort", ["title", "via"])
def test_sources_filtered_by_via_are_those_relayed_by_that_source_whatever_the_sort(tmp_path, sort):
    from dossier.model.records import Source

    ws = open_workspace(tmp_path / "via.sqlite")
    try:
        doc = Document(sources=[Source(id="wire", title="Wire"), Source(id="paper", title="Paper")])
        doc.sources += [Source(id=f"s{i}", title=f"Story {i}", via="wire" if i % 2 else "paper") for i in range(10)]
        interchange.import_document(ws, doc)
        rows = walk(ws, "sources", 3, filters={"via": "wire"}, sort=sort)
        assert sorted(r.id for r in rows) == [f"s{i}" for i in range(1, 10, 2)]
        assert {r.cells["via"] for r in rows} == {"Wire"}
        assert listing.count(ws, "sources", filters={"via": "wire"}) == 5
        assert {r.id for r in walk(ws, "sources", 3, filters={"via": None}, sort=sort)} == {"wire", "paper"}
    finally:
        ws.close()
