"""Table models: Qt's model tester, lazy paging, sorting and filtering in SQL."""

from __future__ import annotations

import gc

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from dossier.model.dates import display_date
from dossier.model.records import Document, Party, Person
from dossier.services import interchange
from dossier.services.workspace import open_workspace
from dossier.ui.models.base import RecordIdRole
from dossier.ui.models.tables import (
    PeopleTableModel,
    PositionsTableModel,
    RoundsTableModel,
    SourcesTableModel,
)


@pytest.mark.parametrize("model_class", [PeopleTableModel, PositionsTableModel, RoundsTableModel,
                                         SourcesTableModel])
def test_model_passes_qt_model_tester(qapp, demo_ws, model_class):
    model = model_class(demo_ws, page_size=3)
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    assert min(3, model.total()) <= model.rowCount() <= model.total()
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == model.total() > 0
    for column, spec in enumerate(model.columns):
        if spec.sort:
            model.sort(column, Qt.SortOrder.DescendingOrder)
            model.fetchMore()
    model.set_filter(text="a")
    model.reload()


@pytest.fixture(scope="module")
def crowd_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("crowd") / "crowd.sqlite"
    ws = open_workspace(path)
    doc = Document(parties=[Party(id="x", name="Xland"), Party(id="y", name="Yland")])
    doc.people = [Person(id=f"p{i:05d}", name=f"Person {i:05d}", party="x" if i % 2 else "y")
                  for i in range(3000)]
    interchange.import_document(ws, doc)
    ws.close()
    return path


@pytest.fixture
def crowd(crowd_path):
    ws = open_workspace(crowd_path)
    yield ws
    ws.close()


def test_lazy_model_fetches_in_pages(qapp, crowd):
    model = PeopleTableModel(crowd)
    assert model.total() == 3000
    assert model.rowCount() == 200
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 400
    # finding a far row reads only the pages up to it
    row = model.row_of("p01234")
    assert row == 1234 and model.rowCount() == 1400
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 3000
    assert len({model.record_id(r) for r in range(3000)}) == 3000
    assert model.row_of("nobody") is None


def test_sort_and_filter_requery(qapp, crowd):
    model = PeopleTableModel(crowd)
    model.fetchMore()
    model.sort(model.column_of("name"), Qt.SortOrder.DescendingOrder)
    assert model.rowCount() == 200  # back to one page
    assert model.record_id(0) == "p02999"
    model.set_filter({"party": "x"}, "person 0001")
    ids = [model.record_id(r) for r in range(model.rowCount())]
    assert ids == [f"p{i:05d}" for i in (19, 17, 15, 13, 11, 1)]
    assert model.total() == 6
    model.set_filter()
    assert model.total() == 3000


def test_reload_keeps_loaded_rows(qapp, crowd):
    model = PeopleTableModel(crowd)
    model.fetchMore()
    model.fetchMore()
    model.reload()
    assert model.rowCount() == 600


@pytest.mark.parametrize("model_class", [PeopleTableModel, PositionsTableModel, RoundsTableModel,
                                         SourcesTableModel])
def test_small_pages_show_the_rows_and_texts_of_one_query_in_every_order(qapp, demo_ws, model_class):
    from dossier.services import listing

    model = model_class(demo_ws, page_size=3)
    for column, spec in enumerate(model.columns):
        if not spec.sort:
            continue
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            model.sort(column, order)
            while model.canFetchMore():
                model.fetchMore()
            whole = listing.page(demo_ws, model.COLLECTION, sort=spec.sort,
                                 descending=order == Qt.SortOrder.DescendingOrder, limit=100_000)
            assert [model.record_id(r) for r in range(model.rowCount())] == [r.id for r in whole]
            assert [model.cells(r) for r in range(model.rowCount())] == [r.cells for r in whole]
            last = model.index(model.rowCount() - 1, column)
            cell = whole[-1].cells[spec.key]
            # a stored date is shown as every pane shows dates: 2026-01 as "Jan 2026"
            shown = display_date(cell) if cell and spec.key in model.DATE_CELLS else cell
            assert model.data(last) == shown
            assert model.data(last, Qt.ItemDataRole.AccessibleTextRole) == shown
            assert model.data(last, RecordIdRole) == whole[-1].id


def test_rows_kept_add_no_objects_for_the_garbage_collector(qapp, crowd):
    """A full collection walks every container; 100,000 rows of them would make each one
    long enough to stall the step of scrolling it falls in."""
    model = PeopleTableModel(crowd)
    model.fetchMore()  # the query of a next page is compiled and cached
    gc.collect()
    before = len(gc.get_objects())
    while model.canFetchMore():
        model.fetchMore()
    gc.collect()
    assert model.rowCount() == 3000
    assert len(gc.get_objects()) - before < 100  # for 2,600 rows more
