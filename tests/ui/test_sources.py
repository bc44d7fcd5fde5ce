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
