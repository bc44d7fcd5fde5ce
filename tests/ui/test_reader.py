"""The reader: a source's document in the Sources pane, every known name marked, coding from the text."""

from __future__ import annotations

import time

import pytest
from modals import Modals, press
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QToolTip

from dossier.model import quotes
from dossier.model.records import Source
from dossier.services import records
from dossier.ui.widgets.fields import ChoiceField
from dossier.ui.widgets.reader_view import EXACT_ALPHA, FUZZY_ALPHA, OffsetMap

TEXT = (
    "Talks resumed in Paris on Monday.\n"
    "The US envoy Tom Barak met Ron Dermer before noon.\n"
    "Later Tom Barrak said both sides were close.\n"
    "Ron Dermer said Israel will never withdraw from the buffer zone before a security agreement.\n"
    "Yosef Haddad, a new adviser, attended; <b>not bold</b> and \u202eevil\u202c stay text.\n"
)
EXACT = "Tom Barak"  # an alias of Tom Barrack
CLOSE = "Tom Barrak"  # a close spelling of Tom Barrack
PASSAGE = "Ron Dermer said Israel will never withdraw from the buffer zone before a security agreement."
UNKNOWN = "Yosef Haddad"


def _source(ws, text: str = TEXT, title: str = "Wire report from Paris") -> Source:
    source = Source(id="", title=title, reliability="B", text=text)
    source.id = records.new_id(ws, "sources", title)
    records.create(ws, source)
    return source


def _reader_on(window, qtbot, source_id: str):
    assert window.open_record("sources", source_id)
    pane = window.current_pane()
    assert pane.key == "sources" and pane.tabs.currentWidget() is pane.reader
    qtbot.waitUntil(lambda: pane.reader.found is not None, timeout=30_000)
    return pane, pane.reader


def _format_at(view, offset: int) -> QTextCharFormat:
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.map.to_doc(offset) + 1)  # the format of the character before the cursor
    return cursor.charFormat()


def _click(qtbot, view, offset: int) -> None:
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.map.to_doc(offset))
    view.setTextCursor(cursor)
    view.ensureCursorVisible()
    rect = view.cursorRect(cursor)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.center().x() + 4, rect.center().y()))


def test_offsets_of_the_text_and_of_the_document_agree():
    text = "a😀b\r\nc\u2028d"
    offsets = OffsetMap(text)
    assert [offsets.to_doc(i) for i in range(len(text) + 1)] == [0, 1, 3, 4, 4, 5, 6, 7, 8]
    assert offsets.to_text(3) == 2 and offsets.to_text(4) == 3 and offsets.to_text(5) == 5
    assert all(offsets.to_text(offsets.to_doc(i)) == i for i in (0, 1, 2, 3, 5, 6, 7, 8))


def test_mentions_are_marked_exact_and_close_and_a_click_opens_the_record(main_window, qtbot):
    source = _source(main_window.ctx.ws)
    _pane, reader = _reader_on(main_window, qtbot, source.id)
    view = reader.view
    assert view.toPlainText().replace("\u2029", "\n") == TEXT  # shown as text
    found = reader.found
    barrack = [m for m in found.mentions if m.record_id == "tom-barrack"]
    exact = TEXT.index(EXACT)
    close = TEXT.index(CLOSE)
    assert any(m.start == exact and m.end == exact + len(EXACT) and m.match == "exact" for m in barrack)
    assert any(m.start <= close + 4 < m.end and m.match == "fuzzy" for m in barrack)
    # marked at their offsets, the close spelling paler and dotted
    strong = _format_at(view, exact + 1)
    assert strong.background().color().alpha() == EXACT_ALPHA
    assert strong.underlineStyle() == QTextCharFormat.UnderlineStyle.SingleUnderline
    pale = _format_at(view, close + 5)
    assert pale.background().color().alpha() == FUZZY_ALPHA
    assert pale.underlineStyle() == QTextCharFormat.UnderlineStyle.DotLine
    assert _format_at(view, TEXT.index("Monday")).background().style() == Qt.BrushStyle.NoBrush
    # hovering names the record and how it is spelled here
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.map.to_doc(close + 5))
    point = view.cursorRect(cursor).center()
    QApplication.sendEvent(view.viewport(), QHelpEvent(QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point)))
    assert "Tom Barrack" in QToolTip.text() and "close spelling" in QToolTip.text()
    QToolTip.hideText()
    # hovering finds the mention under the mouse; a click opens its record
    _click(qtbot, view, exact + 2)
    qtbot.waitUntil(lambda: main_window.current_pane().key == "people", timeout=5000)
    assert main_window.current_pane().editor.current_id() == "tom-barrack"


def test_the_margin_counts_mentions_by_record_and_steps_through_them(main_window, qtbot):
    source = _source(main_window.ctx.ws)
    _pane, reader = _reader_on(main_window, qtbot, source.id)
    counts = {}
    for i in range(reader.names.topLevelItemCount()):
        section = reader.names.topLevelItem(i)
        for j in range(section.childCount()):
            item = section.child(j)
            counts[tuple(item.data(0, Qt.ItemDataRole.UserRole))] = (item.text(0), int(item.text(1)), item)
    assert counts[("people", "ron-dermer")][:2] == ("Ron Dermer", 2)
    assert counts[("people", "tom-barrack")][1] == 2
    item = counts[("people", "ron-dermer")][2]
    reader.names.itemClicked.emit(item, 0)
    assert reader.view.selection() == (TEXT.index("Ron Dermer"), TEXT.index("Ron Dermer") + len("Ron Dermer"))
    reader.names.itemClicked.emit(item, 0)
    second = TEXT.index("Ron Dermer said")
    assert reader.view.selection() == (second, second + len("Ron Dermer"))
    reader.names.itemActivated.emit(item, 0)  # double-click or Enter: the record itself
    assert main_window.current_pane().key == "people"
    assert main_window.current_pane().editor.current_id() == "ron-dermer"


def _choose_candidate(reader, name: str) -> None:
    for row in range(reader.candidates.count()):
        if reader.candidates.item(row).data(Qt.ItemDataRole.UserRole) == name:
            reader.candidates.setCurrentRow(row)
            return
    raise AssertionError([reader.candidates.item(r).text() for r in range(reader.candidates.count())])


def test_a_name_not_in_the_workspace_becomes_a_new_person(main_window, qtbot):
    ws = main_window.ctx.ws
    source = _source(ws)
    _pane, reader = _reader_on(main_window, qtbot, source.id)
    assert UNKNOWN in [u.text for u in reader.unknown]
    _choose_candidate(reader, UNKNOWN)
    qtbot.mouseClick(reader.person_button, Qt.MouseButton.LeftButton)
    people = main_window.current_pane()
    assert people.key == "people" and people.editor.draft
    assert people.editor.name.value() == UNKNOWN  # to check, give a party, and create
    assert people.editor.create()
    made = people.editor.record
    assert made.name == UNKNOWN
    # back in the reader, the name is now a mention of the new person
    _pane, reader = _reader_on(main_window, qtbot, source.id)
    qtbot.waitUntil(lambda: any(m.record_id == made.id for m in reader.found.mentions), timeout=10_000)
    assert UNKNOWN not in [u.text for u in reader.unknown]


def test_a_name_not_in_the_workspace_becomes_an_alias_and_undo_takes_it_back(main_window, qtbot):
    ws = main_window.ctx.ws
    source = _source(ws)
    _pane, reader = _reader_on(main_window, qtbot, source.id)
    _choose_candidate(reader, UNKNOWN)

    def pick(dialog) -> None:
        dialog.filter.setText("derm")
        assert dialog.choose("ron-dermer")
        dialog.accept()

    modals = Modals(pick)
    qtbot.mouseClick(reader.alias_button, Qt.MouseButton.LeftButton)
    modals.stop()
    assert UNKNOWN in records.get(ws, "people", "ron-dermer").aliases
    qtbot.waitUntil(lambda: UNKNOWN not in [u.text for u in reader.unknown], timeout=10_000)
    assert any(m.record_id == "ron-dermer" and m.text == UNKNOWN for m in reader.found.mentions)
    main_window.ctx.undo_stack.undo()
    assert UNKNOWN not in records.get(ws, "people", "ron-dermer").aliases


def test_a_red_line_coded_from_a_selected_passage_keeps_its_quote_anchored(main_window, qtbot):
    ws = main_window.ctx.ws
    source = _source(ws)
    _pane, reader = _reader_on(main_window, qtbot, source.id)
    assert not reader.new_position_button.isEnabled()  # nothing selected yet
    start = TEXT.index(PASSAGE)
    reader.view.select_span(start - 1, start + len(PASSAGE) + 1)  # with the line breaks around it
    assert reader.new_position_button.isEnabled()
    qtbot.mouseClick(reader.new_position_button, Qt.MouseButton.LeftButton)
    positions = main_window.current_pane()
    assert positions.key == "positions"
    form = positions.editor
    assert form.draft
    assert form.summary.value() == PASSAGE
    assert form.person.value() == "ron-dermer" and form.party.value() == "il"  # said by Ron Dermer, of Israel
    [citation] = form.citations.citations()
    assert citation.source == source.id and citation.quote == PASSAGE
    form.kind.set_value("red_line")
    form.topic.set_value("idf-withdrawal")
    assert form.create(), form.general_error.text()
    saved = records.get(ws, "positions", form.record.id)
    assert saved.kind == "red_line" and saved.negotiation == main_window.ctx.negotiation_id
    [citation] = saved.sources
    assert quotes.locate_quote(source.text, citation.quote) == (start, start + len(PASSAGE))


def test_a_selected_passage_is_cited_on_an_existing_record_and_undo_takes_it_back(main_window, qtbot):
    ws = main_window.ctx.ws
    source = _source(ws)
    _pane, reader = _reader_on(main_window, qtbot, source.id)
    rnd = records.find(ws, "rounds", {"negotiation": main_window.ctx.negotiation_id})[0]
    before = len(rnd.sources)
    start = TEXT.index("Later Tom")
    reader.view.select_span(start, TEXT.index("\n", start))

    def pick(dialog) -> None:
        assert dialog.choose(rnd.id)
        assert dialog.findChild(ChoiceField, "pickerCredibility").value() == 6  # the analyst grades it
        dialog.accept()

    modals = Modals(pick)
    qtbot.mouseClick(reader.cite_button, Qt.MouseButton.LeftButton)
    modals.stop()
    cited = records.get(ws, "rounds", rnd.id).sources
    assert len(cited) == before + 1
    assert cited[-1].source == source.id and cited[-1].quote == "Later Tom Barrak said both sides were close."
    main_window.ctx.undo_stack.undo()
    assert len(records.get(ws, "rounds", rnd.id).sources) == before


def test_a_search_hit_in_a_document_opens_the_reader_at_the_passage(main_window, qtbot):
    source = _source(main_window.ctx.ws)
    box = main_window.search_box
    box.setText("buffer")
    found = box.run_search()
    row = next(i for i, hit in enumerate(found) if hit.id == source.id)
    box._open_item(box.hits.item(row))
    pane = main_window.current_pane()
    assert pane.key == "sources" and pane.tabs.currentWidget() is pane.reader
    assert pane.reader.source.id == source.id
    at = TEXT.index("buffer")
    assert pane.reader.view.selection() == (at, at + len("buffer"))


def test_hostile_text_shows_as_text(main_window, qtbot):
    ws = main_window.ctx.ws
    source = _source(ws, title="<b>Title</b> \u202eevil")
    pane, reader = _reader_on(main_window, qtbot, source.id)
    assert reader.title.textFormat() == Qt.TextFormat.PlainText and reader.title.text() == source.title
    shown = reader.view.toPlainText()
    assert "<b>not bold</b>" in shown and "\u202eevil\u202c" in shown
    assert not reader.view.acceptRichText()
    for label in pane.findChildren(type(reader.title)):
        if label.text():
            assert label.textFormat() in (Qt.TextFormat.PlainText, Qt.TextFormat.AutoText)
            assert label.textFormat() == Qt.TextFormat.PlainText or "<" not in label.text()


@pytest.mark.parametrize("rtl", [False, True])
def test_a_right_to_left_paragraph_is_aligned_right(main_window, qtbot, rtl):
    line = "أسعد حسن الشيباني التقى توم باراك في باريس" if rtl else "Asaad met Tom Barrack in Paris"
    source = _source(main_window.ctx.ws, text=f"{line}\nend of the report\n", title="Direction")
    _pane, reader = _reader_on(main_window, qtbot, source.id)
    qtbot.wait(50)
    layout = reader.view.document().firstBlock().layout()
    x = layout.lineAt(0).naturalTextRect().x()
    width = reader.view.viewport().width()
    assert (x > width / 3) == rtl


def test_a_document_of_a_megabyte_shows_at_once_and_its_names_follow(main_window, qtbot):
    ws = main_window.ctx.ws
    big = ("The envoy Tom Barak met Ron Dermer in Paris to talk about the buffer zone. " * 40 + "\n") * 350
    assert len(big) > 1_000_000
    source = _source(ws, text=big, title="Long transcript")
    started = time.perf_counter()
    assert main_window.open_record("sources", source.id)
    shown = time.perf_counter() - started
    pane = main_window.current_pane()
    assert pane.reader.view.document().characterCount() - 1 == len(big)
    assert shown < 2.0, shown  # the text shows before its names are found
    qtbot.waitUntil(lambda: pane.reader.found is not None, timeout=60_000)
    assert len(pane.reader.found.mentions) >= 2 * 40 * 350
    last = big.rindex("Ron Dermer")
    assert _format_at(pane.reader.view, last + 1).background().color().alpha() == EXACT_ALPHA


def test_a_double_click_on_a_name_selects_it_to_code_from_and_opens_nothing(main_window, qtbot):
    source = _source(main_window.ctx.ws)
    pane, reader = _reader_on(main_window, qtbot, source.id)
    view = reader.view
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.map.to_doc(TEXT.index(EXACT) + 1))
    rect = view.cursorRect(cursor)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.wait(view._open_timer.interval() + 100)
    assert main_window.current_pane() is pane and view.selection() is not None
    assert reader.cite_button.isEnabled()


def test_the_context_menu_offers_coding_and_the_record_under_the_mouse(main_window, qtbot):
    from PySide6.QtWidgets import QMenu

    source = _source(main_window.ctx.ws, text="Ron Dermer & Tom Barak met.\n")
    _pane, reader = _reader_on(main_window, qtbot, source.id)
    reader.view.select_span(0, 10)
    menu = QMenu()
    mention = reader.view.mention_at(1)
    reader._extend_menu(menu, mention)
    texts = [a.text() for a in menu.actions() if a.text()]
    assert "New position from selection" in texts and "Cite selection…" in texts
    assert "Open person “Ron Dermer”" in texts
    menu.actions()[-1].trigger()
    assert main_window.current_pane().key == "people"


def test_offsets_hold_past_characters_outside_the_basic_plane_and_in_arabic(main_window, qtbot):
    text = "📄 Report 😀😀\r\nالتقى توم باراك بالشيباني.\r\nThen Tom Barak met Ron Dermer.\n"
    source = _source(main_window.ctx.ws, text=text, title="Offsets")
    _pane, reader = _reader_on(main_window, qtbot, source.id)
    at = text.index("Ron Dermer")
    assert any(m.start == at and m.end == at + len("Ron Dermer") for m in reader.found.mentions)
    assert _format_at(reader.view, at + 1).background().color().alpha() == EXACT_ALPHA
    reader.view.select_span(at, at + len("Ron Dermer"))
    assert reader.view.selection() == (at, at + len("Ron Dermer"))
    assert reader.view.textCursor().selectedText() == "Ron Dermer"


def test_a_read_only_workspace_reads_but_codes_nothing(qtbot, tmp_path, qsettings_tmp, demo_copy):
    from dossier.services.workspace import open_workspace
    from dossier.ui.main_window import MainWindow

    ws = demo_copy(tmp_path / "rw.sqlite", open=True)
    source = _source(ws)
    ws.close()
    ws = open_workspace(tmp_path / "rw.sqlite", readonly=True, daily_backup=False)
    window = MainWindow(ws, qsettings_tmp, persist=False)
    qtbot.addWidget(window)
    window.show()
    _pane, reader = _reader_on(window, qtbot, source.id)
    assert reader.found.mentions
    reader.view.select_span(0, 20)
    _choose_candidate(reader, UNKNOWN)
    for button in (reader.new_position_button, reader.cite_button, reader.person_button, reader.alias_button):
        assert not button.isEnabled()
    assert not reader.new_position_from_selection() and reader.cite_selection() is None
    window.close()


def test_a_new_source_with_a_document_opens_on_it_once_created_and_edits_keep_the_tab(main_window, qtbot):
    assert main_window.show_pane("sources")
    pane = main_window.current_pane()
    assert pane.new_record(Source(id="", title="Pasted cable", text=TEXT))
    assert pane.tabs.currentIndex() == 1 and not pane.tabs.isTabEnabled(0)  # a draft: its form
    assert pane.editor.create()
    assert pane.tabs.currentWidget() is pane.reader and pane.reader.source.id == pane.editor.current_id()
    qtbot.waitUntil(lambda: pane.reader.found is not None, timeout=10_000)
    pane.tabs.setCurrentIndex(1)  # the analyst edits the text: the form stays in front
    pane.editor.document_text.setPlainText(TEXT + "Ron Dermer left.\n")
    pane.editor.document_text.finish()
    assert records.get(main_window.ctx.ws, "sources", pane.editor.current_id()).text.endswith("Ron Dermer left.")
    assert pane.tabs.currentIndex() == 1
    assert pane.reader.source.text.endswith("Ron Dermer left.")
    assert pane.prefer_reader is False


def test_what_a_passage_and_a_name_become():
    from dossier.ui.widgets.reader_coding import passage_quote, passage_summary, person_draft

    assert passage_quote("  Israel  will\n never\twithdraw. ") == "Israel will never withdraw."
    long = "First sentence is here. " * 20 + "And then a very long tail " * 30
    summary = passage_summary(long)
    assert len(summary) <= 600 and summary.endswith("here.")
    words = passage_summary("word " * 400)
    assert len(words) <= 600 and words.endswith("word…")
    assert person_draft("Yosef Haddad").name == "Yosef Haddad"
    arabic = person_draft("أحمد الشرع")
    assert arabic.name == "" and arabic.native_name == "أحمد الشرع"


def test_a_draft_coded_from_the_text_is_asked_about_before_it_is_dropped(main_window, qtbot):
    """What a passage put in a draft is the analyst's work, like what they type; a round's next
    number alone is the form's default and leaving it asks nothing."""
    source = _source(main_window.ctx.ws)
    _pane, reader = _reader_on(main_window, qtbot, source.id)
    start = TEXT.index(PASSAGE)
    reader.view.select_span(start, start + len(PASSAGE))
    qtbot.mouseClick(reader.new_position_button, Qt.MouseButton.LeftButton)
    form = main_window.current_pane().editor
    assert form.draft and form.has_unsaved_edit()
    modals = Modals(press("Discard"))
    assert main_window.show_pane("rounds")
    modals.stop()
    assert modals.texts == ["The new position is not saved yet."]
    rounds = main_window.current_pane()
    assert rounds.new_record()
    assert rounds.editor.draft and not rounds.editor.has_unsaved_edit()
