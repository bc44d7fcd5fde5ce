"""A citation's quote in its source's document, in the citation editor of the Positions pane:
found quotes can be shown in the document, quotes the document does not hold are flagged,
and sources without a document are not checked. Driven through the real pane on a demo copy."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from dossier.model.records import Citation, Position, Source
from dossier.services import records
from dossier.ui.panes.positions import PositionsPane
from dossier.ui.widgets.citations import QUOTE, SOURCE

NEG = "il-sy-security"
DOCUMENT = ("Talks resumed in Paris on Monday. The envoy told reporters: No withdrawal before a signed "
            "agreement, and no agreement without guarantees. Both delegations met again the next day. "
            "A <b>bold</b> claim &amp; a counter-claim followed.")
FOUND = "No withdrawal before a signed agreement"
#: as an analyst typed it: other case, other spacing, in quotation marks (still the document's words)
TYPED = "“no withdrawal  before a signed agreement”"
NOT_THERE = "We will withdraw tomorrow"
FLAG = "This quote is not in the source's document"


@pytest.fixture
def pane(qtbot, ctx):
    ws = ctx.ws
    records.create(ws, Source(id="wire-doc", title="Wire report with its text", reliability="B", text=DOCUMENT))
    records.create(ws, Source(id="no-doc", title="Phone call notes", reliability="C"))
    records.create(ws, Position(id="pos-doc", negotiation=NEG, party="il", topic="security-agreement",
                                round="round-5", date="2026-01-06", kind="statement",
                                summary="No withdrawal before an agreement.",
                                sources=[Citation(source="wire-doc", credibility=2, quote=TYPED),
                                         Citation(source="no-doc", credibility=3, quote=NOT_THERE)]))
    pane = PositionsPane(ctx)
    qtbot.addWidget(pane)
    pane.resize(1300, 800)
    pane.show()
    assert pane.show_record("positions", "pos-doc")
    return pane


def quote_item(editor, row):
    return editor.table.item(row, QUOTE)


def assert_flagged(editor, row, flagged: bool) -> None:
    item = quote_item(editor, row)
    assert editor.quote_missing(row) is flagged
    assert (not item.icon().isNull()) is flagged
    assert item.toolTip() == (FLAG if flagged else "")
    assert (item.data(Qt.ItemDataRole.AccessibleDescriptionRole) or "") == (FLAG if flagged else "")


def test_a_found_quote_is_not_flagged_and_opens_its_passage(pane, ctx, qtbot):
    editor = pane.form.citations
    assert editor.table.rowCount() == 2
    assert_flagged(editor, 0, False)
    assert_flagged(editor, 1, False)  # a source without a document: nothing to check
    assert editor.passage(1) is None

    start = DOCUMENT.index(FOUND)
    assert editor.passage(0) == ("wire-doc", start, start + len(FOUND))
    editor.table.setCurrentCell(0, QUOTE)
    assert editor.show_button.isEnabled() and editor.show_action.isEnabled()
    with qtbot.waitSignal(ctx.sig_open_passage, timeout=1000) as opened:
        qtbot.mouseClick(editor.show_button, Qt.MouseButton.LeftButton)
    assert opened.args == ["wire-doc", start, start + len(FOUND)]
    assert DOCUMENT[opened.args[1]:opened.args[2]] == FOUND

    editor.table.setCurrentCell(1, QUOTE)  # the row of the source without a document
    assert not editor.show_button.isEnabled() and not editor.show_action.isEnabled()
    assert not editor.show_button.isHidden()  # offered while a row's source holds a document
    with qtbot.assertNotEmitted(ctx.sig_open_passage):
        assert editor.show_in_document() is False


def test_a_quote_edited_away_from_the_document_is_flagged_and_back_again_is_not(pane, ctx, qtbot):
    editor = pane.form.citations
    quote_item(editor, 0).setText("Troops will leave by spring")  # as the cell's editor commits it
    saved = records.get(ctx.ws, "positions", "pos-doc")
    assert saved.sources[0].quote == "Troops will leave by spring"  # the edit was saved…
    editor = pane.form.citations
    assert_flagged(editor, 0, True)  # …and the reloaded row is flagged
    assert FLAG in quote_item(editor, 0).data(Qt.ItemDataRole.AccessibleTextRole)
    editor.table.setCurrentCell(0, QUOTE)
    assert not editor.show_button.isEnabled()
    assert_flagged(editor, 1, False)

    quote_item(editor, 0).setText("no agreement without guarantees")
    assert records.get(ctx.ws, "positions", "pos-doc").sources[0].quote == "no agreement without guarantees"
    assert_flagged(editor, 0, False)
    start = DOCUMENT.index("no agreement without guarantees")
    assert editor.passage(0) == ("wire-doc", start, start + len("no agreement without guarantees"))


def test_the_flag_follows_the_cited_source_and_the_document(pane, ctx, qtbot):
    editor = pane.form.citations
    combo = editor.table.cellWidget(1, SOURCE)  # cite the document instead of the phone notes
    combo.setCurrentIndex(combo.findData("wire-doc"))
    combo.activated.emit(combo.currentIndex())
    assert records.get(ctx.ws, "positions", "pos-doc").sources[1].source == "wire-doc"
    editor = pane.form.citations
    assert_flagged(editor, 1, True)  # NOT_THERE is not in the document

    # the source's document changes (here, or in another window): the rows are checked again
    source = records.get(ctx.ws, "sources", "wire-doc")
    records.update(ctx.ws, replace(source, text=DOCUMENT + " " + NOT_THERE + ", said the minister."))
    assert_flagged(pane.form.citations, 1, False)
    records.update(ctx.ws, replace(source, text="   "))  # a blank document: nothing to check
    assert_flagged(pane.form.citations, 0, False)
    assert_flagged(pane.form.citations, 1, False)
    assert pane.form.citations.passage(0) is None
    assert pane.form.citations.show_button.isHidden()  # no row's source holds a document now


def test_untouched_quotes_come_back_as_loaded_and_the_check_is_no_edit(pane, ctx):
    editor = pane.form.citations
    before = ctx.undo_stack.count()
    version = records.version_of(ctx.ws, "positions", "pos-doc")
    editor.check_quotes()  # marking the rows is not an edit: nothing is saved
    assert ctx.undo_stack.count() == before
    assert records.version_of(ctx.ws, "positions", "pos-doc") == version
    assert editor.citations() == records.get(ctx.ws, "positions", "pos-doc").sources
    assert not pane.form.has_unsaved_edit()


def test_documents_are_read_once_for_the_cited_sources_only(pane, ctx, monkeypatch):
    editor = pane.form.citations
    asked: list[list[str]] = []
    real = records.get_many

    def counting(ws, collection, ids):
        asked.append(list(ids))
        return real(ws, collection, ids)

    monkeypatch.setattr(records, "get_many", counting)
    pane.show_record("positions", "pos-il-red-lines")
    quoted = {c.source for c in records.get(ctx.ws, "positions", "pos-il-red-lines").sources if c.quote}
    assert all(set(ids) <= quoted for ids in asked)  # only the sources cited with a quote
    asked.clear()
    pane.show_record("positions", "pos-doc")
    assert asked == [["no-doc", "wire-doc"]]  # one query for the rows shown
    asked.clear()
    pane.form.citations.check_quotes()
    pane.form.refresh()
    assert asked == []  # read once, kept while shown
    assert editor.passage(0) is not None
