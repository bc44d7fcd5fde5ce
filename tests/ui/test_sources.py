"""The Sources pane: grades, the via chain, who cites a source, and safe links."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from dossier.services import records
from dossier.ui.panes.sources import is_openable_url


def sources_pane(window):
    window.show_pane("sources")
    return window.pane("sources")


@pytest.mark.parametrize("url, ok", [
    ("https://www.axios.com/2026/01/05/israel-syria-talks", True),
    ("http://example.org", True),
    ("mailto:desk@example.org", True),
    ("javascript:alert(1)", False),
    ("file:///etc/passwd", False),
    ("https://", False),
    ("https://example.org/a b", False),
    (" https://example.org", False),
    ("ftp://example.org/x", False),
    ("data:text/html,<script>", False),
    ("", False),
    (None, False),
])
def test_only_web_and_mail_addresses_may_be_opened(url, ok):
    assert is_openable_url(url) is ok


def test_via_chain_and_citing_records(main_window):
    pane = sources_pane(main_window)
    assert pane.show_record("sources", "src-informed")
    chain = pane.editor.chain_list.links()
    assert [i for _c, i, _t in chain] == ["axios-paris-round-5", "art-paris-round-5"]
    citing = pane.editor.citing_list.links()
    assert citing and {c for c, _i, _t in citing} <= {"rounds", "positions", "events", "sources"}
    pane.show_record("sources", "axios-paris-round-5")
    kinds = {c for c, _i, _t in pane.editor.citing_list.links()}
    assert "positions" in kinds and "sources" in kinds  # cited, and carries two unnamed sources


def test_edit_grade_and_url_with_undo(main_window, qtbot):
    pane = sources_pane(main_window)
    editor = pane.editor
    ws = main_window.ctx.ws
    pane.show_record("sources", "art-paris-round-5")
    editor.reliability.setCurrentIndex(editor.reliability.findData("A"))
    editor.reliability.activated.emit(editor.reliability.currentIndex())  # as picking it does
    assert records.get(ws, "sources", "art-paris-round-5").reliability == "A"
    row = pane.model.row_of("art-paris-round-5")
    assert pane.model.cells(row)["reliability"] == "A"

    editor.url.setFocus()
    editor.url.setText("javascript:alert('<b>x</b>')")
    qtbot.keyClick(editor.url, Qt.Key.Key_Return)
    assert records.get(ws, "sources", "art-paris-round-5").url == "javascript:alert('<b>x</b>')"
    assert not editor.open_button.isEnabled()
    assert not pane.open_link()  # refused before any dialog
    editor.url.setText("https://example.org/report")
    qtbot.keyClick(editor.url, Qt.Key.Key_Return)
    assert records.get(ws, "sources", "art-paris-round-5").url == "https://example.org/report"
    assert editor.open_button.isEnabled()
    assert main_window.ctx.undo_stack.count() == 3

    main_window.undo_action.trigger()
    main_window.undo_action.trigger()
    main_window.undo_action.trigger()
    source = records.get(ws, "sources", "art-paris-round-5")
    assert (source.reliability, source.url) == ("C", None)
    assert editor.reliability.value() == "C" and editor.url.text() == ""


def test_via_cycle_is_refused_beside_the_field(main_window):
    pane = sources_pane(main_window)
    pane.show_record("sources", "art-paris-round-5")
    editor = pane.editor
    editor.via.setCurrentIndex(editor.via.findData("src-informed"))
    editor.via.activated.emit(editor.via.currentIndex())
    assert editor.errors["via"].isVisibleTo(editor)
    text = editor.errors["via"].text()
    assert text.startswith("Carried by: this makes a loop") and "carried by itself" in text
    assert records.get(main_window.ctx.ws, "sources", "art-paris-round-5").via is None
    assert main_window.ctx.undo_stack.count() == 0


def test_new_source_and_grade_filter(main_window, qtbot):
    pane = sources_pane(main_window)
    editor = pane.editor
    assert pane.new_record()
    editor.source_title.setFocus()
    qtbot.keyClicks(editor.source_title, "Reuters wire")
    assert editor.draft and not records.exists(main_window.ctx.ws, "sources", "reuters-wire")
    qtbot.keyClick(editor.source_title, Qt.Key.Key_Return)  # Enter creates the draft
    qtbot.waitUntil(lambda: not editor.draft)
    assert editor.record.id == "reuters-wire"
    assert records.get(main_window.ctx.ws, "sources", "reuters-wire").reliability == "F"
    assert main_window.ctx.undo_stack.count() == 1
    pane.grade_filter.setCurrentIndex(pane.grade_filter.findData("F"))
    pane.grade_filter.edited.emit()
    grades = {pane.model.cells(r)["reliability"] for r in range(pane.model.rowCount())}
    assert grades == {"F"} and pane.model.row_of("reuters-wire") is not None


def test_citation_rows_share_one_list_of_sources_that_is_not_kept_twice(qapp):
    from PySide6.QtGui import QStandardItemModel

    from dossier.model.records import Citation
    from dossier.ui.widgets.citations import CitationsEditor

    editor = CitationsEditor()
    many = [(f"src-{i}", f"Source {i}", "B") for i in range(300)]
    editor.set_sources(many)
    editor.set_citations([Citation(source="src-1", credibility=2), Citation(source="src-7", credibility=3)])
    first, second = (editor.table.cellWidget(r, 0) for r in range(2))
    assert first.model() is second.model() and first.count() == 300
    assert first.currentData() == "src-1" and second.currentData() == "src-7"
    for _ in range(5):  # every reload of a pane offers the sources again
        editor.set_sources(many)
    models = lambda: [m for m in editor.findChildren(QStandardItemModel) if m.rowCount() == 300]  # noqa: E731
    assert len(models()) == 1
    editor.set_sources([*many, ("src-new", "A new source", "A")])
    assert first.count() == 300 and first.currentData() == "src-1"  # shown rows keep their list
    editor.set_citations([Citation(source="src-new", credibility=1)])
    qapp.processEvents()
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert models() == []  # the old list went with its rows
    assert editor.table.cellWidget(0, 0).count() == 301


# ------------------------------------------------------------------ the workspace's numbers
def test_the_pane_shows_each_sources_number(main_window, qtbot):
    pane = sources_pane(main_window)
    numbers = records.source_numbers(main_window.ctx.ws)
    model = pane.model
    column = model.column_of("number")
    assert model.headerData(column, Qt.Orientation.Horizontal) == "No."
    shown = {model.record_id(r): model.data(model.index(r, column)) for r in range(model.rowCount())}
    assert shown == {sid: f"S{n}" for sid, n in numbers.items()}
    assert model.sort_column() == model.column_of("title")  # the pane still opens sorted by title

    model.sort(column, Qt.SortOrder.DescendingOrder)
    assert [model.record_id(r) for r in range(model.rowCount())] == sorted(numbers, key=numbers.get,
                                                                           reverse=True)
    pane.show_record("sources", "src-informed")
    label = pane.editor.number_label
    assert label.isVisibleTo(pane.editor) and label.text() == f"S{numbers['src-informed']}"

    assert pane.new_record()  # a draft has no number until it is created
    assert not label.isVisibleTo(pane.editor)
    pane.editor.source_title.setFocus()
    qtbot.keyClicks(pane.editor.source_title, "Reuters wire")
    qtbot.keyClick(pane.editor.source_title, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not pane.editor.draft)
    new = f"S{max(numbers.values()) + 1}"
    assert label.isVisibleTo(pane.editor) and label.text() == new
    assert model.data(model.index(model.row_of("reuters-wire"), column)) == new


def test_a_source_deleted_and_undone_in_the_window_comes_back_with_its_number(main_window):
    from modals import Modals, press

    from dossier.model.records import Source

    pane = sources_pane(main_window)
    ws = main_window.ctx.ws
    before = records.source_numbers(ws)
    assert pane.show_record("sources", "art-paris-round-5")
    modals = Modals(press("Delete"))  # it carries other sources: the window asks first
    pane.delete_selected()
    modals.stop()
    assert not records.exists(ws, "sources", "art-paris-round-5")
    records.create(ws, Source(id="meanwhile", title="Made meanwhile"))
    main_window.undo_action.trigger()
    assert records.source_numbers(ws) == {**before, "meanwhile": max(before.values()) + 1}
    assert pane.show_record("sources", "art-paris-round-5")
    assert pane.editor.number_label.text() == f"S{before['art-paris-round-5']}"


def test_the_document_text_is_edited_in_its_own_field_and_undone(main_window, qtbot):
    pane = sources_pane(main_window)
    editor = pane.editor
    ws = main_window.ctx.ws
    pane.show_record("sources", "axios-paris-round-5")
    field = editor.fields["text"]
    assert field is editor.document_text and editor.labels["text"] == "Document text"
    assert field.accessibleName() == "Document text" and field.toPlainText() == ""
    text = "PARIS — Israeli and Syrian officials met.\n\n«نريد اتفاقاً أمنياً» <b>not markup</b>"
    field.setFocus()
    field.setPlainText(text)
    editor.source_title.setFocus()  # leaving the field saves it
    qtbot.waitUntil(lambda: records.get(ws, "sources", "axios-paris-round-5").text == text)
    assert main_window.ctx.undo_stack.count() == 1
    main_window.undo_action.trigger()
    assert records.get(ws, "sources", "axios-paris-round-5").text is None
    assert field.toPlainText() == ""


def test_a_new_source_undone_and_redone_keeps_its_number(main_window, qtbot):
    pane = sources_pane(main_window)
    ws = main_window.ctx.ws
    highest = max(records.source_numbers(ws).values())
    assert pane.new_record()
    pane.editor.source_title.setFocus()
    qtbot.keyClicks(pane.editor.source_title, "Reuters wire")
    qtbot.keyClick(pane.editor.source_title, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not pane.editor.draft)
    assert records.source_numbers(ws, ["reuters-wire"]) == {"reuters-wire": highest + 1}
    main_window.undo_action.trigger()
    assert not records.exists(ws, "sources", "reuters-wire")
    main_window.redo_action.trigger()
    assert records.source_numbers(ws, ["reuters-wire"]) == {"reuters-wire": highest + 1}
