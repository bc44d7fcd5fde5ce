"""A source's document in the window: File ▸ Add source document…, a file dropped on the window,
text pasted from the clipboard; each becomes a new source to check and create, holding the text."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication
from modals import Modals, ok

from dossier.services import records
from dossier.ui.workers import _running

ARTICLE = """<!doctype html><html><head><meta charset="utf-8">
<title>Talks resume | Wire</title>
<meta property="og:title" content="Syrian and Israeli officials meet in Paris">
<meta property="og:site_name" content="Wire Service">
<meta property="article:published_time" content="2026-01-05T09:00:00+01:00">
</head><body><nav>Home · World · Sport</nav>
<article><p>Tom Barak met al-Shaibani (أسعد حسن الشيباني) in <a href="http://example.org">Paris</a>.</p>
<p>עראקצ'י was not there; می‌خواهم.</p></article>
<footer>© Wire</footer></body></html>"""


def _read(main_window, qtbot, path) -> None:
    task = main_window.start_source_document(path)
    assert task is not None
    qtbot.waitUntil(lambda: task not in _running, timeout=30_000)


def test_a_document_becomes_a_source_to_check_and_create(main_window, qtbot, tmp_path):
    page = tmp_path / "article.html"
    page.write_text(ARTICLE, encoding="utf-8")
    _read(main_window, qtbot, page)
    pane = main_window.current_pane()
    assert pane.key == "sources" and pane.editor.draft  # nothing is saved before the analyst creates it
    draft = pane.editor.read(pane.editor.blank())
    assert draft.title == "Syrian and Israeli officials meet in Paris"
    assert draft.publisher == "Wire Service" and draft.published == "2026-01-05"
    assert "أسعد حسن الشيباني" in draft.text and "می\u200cخواهم" in draft.text and "Paris" in draft.text
    assert "Home" not in draft.text and "© Wire" not in draft.text
    before = {s.id for s in records.list_all(main_window.ctx.ws, "sources")}
    assert pane.editor.create()
    [made] = [s for s in records.list_all(main_window.ctx.ws, "sources") if s.id not in before]
    assert made.text == draft.text and made.title == draft.title


def test_a_file_dropped_on_the_window_is_read_the_same_way(main_window, qtbot, tmp_path):
    page = tmp_path / "cable.txt"
    page.write_text("Cable: the envoy met the minister.\r\nSecond line.", encoding="utf-8")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(page))])
    event = QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    main_window.dropEvent(event)
    qtbot.waitUntil(lambda: main_window.current_pane().key == "sources" and main_window.current_pane().editor.draft,
                    timeout=30_000)
    draft = main_window.current_pane().editor.read(main_window.current_pane().editor.blank())
    assert draft.title == "cable" and draft.text == "Cable: the envoy met the minister.\nSecond line."


def test_pasted_text_becomes_a_source_and_blank_text_is_refused(main_window, qtbot):
    QApplication.clipboard().setText("   \n ")
    modals = Modals(ok)
    assert not main_window.add_source_from_clipboard()
    qtbot.waitUntil(lambda: bool(modals.seen), timeout=5000)
    modals.stop()
    assert "blank" in modals.texts[0].lower() or "empty" in modals.texts[0].lower()
    QApplication.clipboard().setText("Statement by the mediator: talks resume on Monday.")
    assert main_window.add_source_from_clipboard()
    draft = main_window.current_pane().editor.read(main_window.current_pane().editor.blank())
    assert draft.text == "Statement by the mediator: talks resume on Monday." and draft.title == ""


def test_a_file_that_cannot_be_read_creates_nothing_and_says_why(main_window, qtbot, tmp_path):
    empty = tmp_path / "nothing.pdf"
    empty.write_bytes(b"")
    before = records.list_all(main_window.ctx.ws, "sources")
    modals = Modals(ok)
    _read(main_window, qtbot, empty)
    qtbot.waitUntil(lambda: bool(modals.seen), timeout=5000)
    modals.stop()
    assert "nothing.pdf" in modals.texts[0] and "\n" not in modals.texts[0].strip()
    assert records.list_all(main_window.ctx.ws, "sources") == before


def test_a_file_read_into_a_shown_source_becomes_its_document_and_undo_takes_it_back(
        main_window, qtbot, tmp_path, monkeypatch):
    page = tmp_path / "cable.txt"
    page.write_text("Cable: the envoy met the minister in Paris.", encoding="utf-8")
    ws = main_window.ctx.ws
    assert main_window.open_record("sources", "axios-paris-round-5")
    pane = main_window.current_pane()
    pane.tabs.setCurrentIndex(1)  # Details
    assert records.get(ws, "sources", "axios-paris-round-5").text is None
    assert pane.editor.read_document_button.isEnabled()
    monkeypatch.setattr(main_window, "_ask_path", lambda *_args, **_kw: str(page))
    qtbot.mouseClick(pane.editor.read_document_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: records.get(ws, "sources", "axios-paris-round-5").text is not None, timeout=30_000)
    saved = records.get(ws, "sources", "axios-paris-round-5")
    assert saved.text == "Cable: the envoy met the minister in Paris." and saved.title.startswith("Axios")
    main_window.ctx.undo_stack.undo()
    assert records.get(ws, "sources", "axios-paris-round-5").text is None
    pane.new_record()  # a draft has no document to fill yet
    assert not pane.editor.read_document_button.isEnabled()
