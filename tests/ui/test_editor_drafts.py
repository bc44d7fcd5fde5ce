"""The record editor's draft rules, driven through real widgets of the main window on a demo workspace.

* A new record is a draft: nothing is written until Create (or Enter in a one-line field),
  and only once every rule holds.
* A problem shows under its field once the field was left or Create was tried, and goes as
  soon as it is fixed.
* Leaving a draft with content, or an edit that cannot be saved, asks first (``leaveEditBox``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from dossier.services import records


# ---------------------------------------------------------------- helpers
def shown_pane(window, key: str):
    assert window.show_pane(key) is not False
    window.activateWindow()
    return window.pane(key)


class answer_leave_box:
    """Answer the next "not saved" box by clicking ``button_text``; note what it said in ``seen``.

    It waits for the box until it has answered one or is cancelled (``cancel``: when no box
    is expected, so that it cannot answer a later one).
    """

    def __init__(self, button_text: str, seen: list[dict]):
        self.button_text = button_text
        self.seen = seen
        self.cancelled = False
        QTimer.singleShot(0, self._answer)

    def cancel(self) -> None:
        self.cancelled = True

    def _answer(self) -> None:
        if self.cancelled:
            return
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, self._answer)  # not open yet
            return
        buttons = [b.text().replace("&", "") for b in box.buttons()]
        self.seen.append({"name": box.objectName(), "text": box.text(), "buttons": buttons,
                          "plain": box.textFormat() == Qt.TextFormat.PlainText})
        for button in box.buttons():
            if button.text().replace("&", "") == self.button_text:
                button.click()
                return
        box.reject()  # the wanted button is missing: the test's assertions say so


def click_row(qtbot, table, record_id: str) -> None:
    """Click the row of ``record_id`` in a record list, as the user does."""
    model = table.model()
    row = model.row_of(record_id)
    assert row is not None, record_id
    index = model.index(row, 0)
    table.scrollTo(index)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())


def selected_id(table) -> str | None:
    index = table.selectionModel().currentIndex()
    return table.model().record_id(index.row()) if index.isValid() else None


def visible_errors(editor) -> dict[str, str]:
    return {name: label.text() for name, label in editor.errors.items() if label.isVisibleTo(editor)}


def leave(qtbot, field) -> None:
    """Tab out of ``field``, as the user does, and let the editor hear of it."""
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    qtbot.wait(20)


# ---------------------------------------------------------------- (a) a draft is not dropped silently
def test_a_draft_with_only_a_native_name_is_not_written_and_clicking_another_row_asks(main_window, qtbot):
    pane = shown_pane(main_window, "people")
    editor = pane.editor
    ws = main_window.ctx.ws
    stack = main_window.ctx.undo_stack
    people_before = len(records.list_all(ws, "people"))

    assert pane.new_record()
    assert editor.draft and editor.record is None and selected_id(pane.table) is None
    editor.native_name.setFocus()
    editor.native_name.insert("زيد قاسم")  # the test library types ASCII keys only
    leave(qtbot, editor.native_name)
    assert editor.draft and len(records.list_all(ws, "people")) == people_before and stack.count() == 0

    # clicking another row asks; Keep editing keeps the draft and its text
    seen: list[dict] = []
    answer_leave_box("Keep editing", seen)
    click_row(qtbot, pane.table, "ron-dermer")
    assert len(seen) == 1
    assert seen[0]["name"] == "leaveEditBox" and seen[0]["plain"]
    assert sorted(seen[0]["buttons"]) == ["Discard", "Keep editing"]  # no Create: a blank name cannot be
    assert "not saved" in seen[0]["text"] and "Name: required" in seen[0]["text"]
    assert editor.draft and editor.native_name.text() == "زيد قاسم"
    assert selected_id(pane.table) != "ron-dermer"
    assert visible_errors(editor).get("name", "").startswith("Name: required")
    assert len(records.list_all(ws, "people")) == people_before and stack.count() == 0

    # asked again, Discard drops the draft and shows the row clicked
    answer_leave_box("Discard", seen)
    click_row(qtbot, pane.table, "ron-dermer")
    assert len(seen) == 2 and seen[1]["name"] == "leaveEditBox"
    assert not editor.draft and editor.record.id == "ron-dermer"
    assert editor.name.text() == "Ron Dermer" and editor.native_name.text() != "زيد قاسم"
    assert selected_id(pane.table) == "ron-dermer"
    assert not editor.draft_bar.isVisible() and visible_errors(editor) == {}
    qtbot.wait(20)  # the draft's end is handled after the event loop turns: it must not move the selection
    assert editor.record.id == "ron-dermer" and selected_id(pane.table) == "ron-dermer"
    assert len(records.list_all(ws, "people")) == people_before and stack.count() == 0


def test_a_valid_draft_can_be_created_from_the_question(main_window, qtbot):
    pane = shown_pane(main_window, "people")
    editor = pane.editor
    ws = main_window.ctx.ws
    assert pane.new_record()
    editor.name.setFocus()
    qtbot.keyClicks(editor.name, "Nadia Karim")
    leave(qtbot, editor.name)
    assert editor.draft and not records.exists(ws, "people", "nadia-karim")

    seen: list[dict] = []
    answer_leave_box("Create person", seen)
    assert pane.new_record()  # asked first: the draft is created, then a new one started
    assert len(seen) == 1 and sorted(seen[0]["buttons"]) == ["Create person", "Discard", "Keep editing"]
    assert records.get(ws, "people", "nadia-karim").name == "Nadia Karim"
    assert main_window.ctx.undo_stack.count() == 1
    assert editor.draft and editor.name.text() == ""


# ---------------------------------------------------------------- (b) nothing written before Create
def test_nothing_is_written_before_create_and_create_with_a_blank_name_is_refused(main_window, qtbot):
    pane = shown_pane(main_window, "people")
    editor = pane.editor
    ws = main_window.ctx.ws
    stack = main_window.ctx.undo_stack
    people_before = len(records.list_all(ws, "people"))

    assert pane.new_record()
    assert editor.draft and editor.create_button.isVisible() and editor.create_button.text() == "Create person"
    assert visible_errors(editor) == {}  # nothing the user has not been to yet
    editor.person_title.setFocus()
    qtbot.keyClicks(editor.person_title, "Envoy")
    leave(qtbot, editor.person_title)
    editor.bio.setFocus()
    qtbot.keyClicks(editor.bio, "Joined the talks in 2025.")
    leave(qtbot, editor.bio)
    editor.aliases.add_item("N. K.")
    assert editor.draft
    assert len(records.list_all(ws, "people")) == people_before and stack.count() == 0

    # Create with a blank name: the problem shows under the name, in the form's words; nothing written
    qtbot.mouseClick(editor.create_button, Qt.MouseButton.LeftButton)
    errors = visible_errors(editor)
    assert list(errors) == ["name"]
    assert errors["name"].startswith("Name: required") and "blank" not in errors["name"]
    assert editor.draft and editor.fields["name"].hasFocus()  # taken to the field to fix
    assert len(records.list_all(ws, "people")) == people_before and stack.count() == 0
    # Enter in a one-line field tries to create too: refused the same way
    editor.person_title.setFocus()
    qtbot.keyClick(editor.person_title, Qt.Key.Key_Return)
    qtbot.wait(20)
    assert editor.draft and "name" in visible_errors(editor)
    assert len(records.list_all(ws, "people")) == people_before and stack.count() == 0
    # what was typed is all still there
    assert (editor.person_title.text(), editor.bio.toPlainText(), editor.aliases.value()) == \
        ("Envoy", "Joined the talks in 2025.", ["N. K."])

    # with a name, Create writes the whole person at once: one undo step
    editor.name.setFocus()
    qtbot.keyClicks(editor.name, "Nadia Karim")
    qtbot.mouseClick(editor.create_button, Qt.MouseButton.LeftButton)
    assert not editor.draft and editor.record.id == "nadia-karim"
    created = records.get(ws, "people", "nadia-karim")
    assert (created.name, created.title, created.bio, created.aliases) == \
        ("Nadia Karim", "Envoy", "Joined the talks in 2025.", ["N. K."])
    assert len(records.list_all(ws, "people")) == people_before + 1 and stack.count() == 1
    assert selected_id(pane.table) == "nadia-karim"
    main_window.undo_action.trigger()
    assert not records.exists(ws, "people", "nadia-karim")


# ---------------------------------------------------------------- (c) an edit that cannot be saved
def test_an_invalid_end_date_of_a_saved_round_is_not_saved_and_leaving_the_round_asks(main_window, qtbot):
    pane = shown_pane(main_window, "rounds")
    editor = pane.editor
    ws = main_window.ctx.ws
    stack = main_window.ctx.undo_stack
    assert pane.show_record("rounds", "round-5")
    saved = records.get(ws, "rounds", "round-5")
    assert editor.end.text() == (saved.end or "")

    editor.end.setFocus()
    editor.end.selectAll()
    qtbot.keyClicks(editor.end, "2026-02-30")
    assert "end" not in visible_errors(editor)  # not while typing
    leave(qtbot, editor.end)
    error = visible_errors(editor).get("end", "")
    assert error.startswith("End: ") and "no day 30" in error
    assert records.get(ws, "rounds", "round-5") == saved and stack.count() == 0

    # clicking another round asks instead of dropping the edit
    seen: list[dict] = []
    answer_leave_box("Keep editing", seen)
    click_row(qtbot, pane.table, "round-4")
    assert len(seen) == 1 and seen[0]["name"] == "leaveEditBox" and seen[0]["plain"]
    assert sorted(seen[0]["buttons"]) == ["Discard", "Keep editing"]
    assert "no day 30" in seen[0]["text"]
    assert editor.record.id == "round-5" and editor.end.text() == "2026-02-30"
    assert selected_id(pane.table) == "round-5"
    assert "no day 30" in visible_errors(editor).get("end", "")

    # the same from code that selects a row (the search box, a link)
    answer_leave_box("Keep editing", seen)
    assert pane.browser.select("round-4") is False
    assert len(seen) == 2 and editor.record.id == "round-5" and editor.end.text() == "2026-02-30"

    # Discard puts the saved round back and shows the one clicked
    answer_leave_box("Discard", seen)
    click_row(qtbot, pane.table, "round-4")
    assert len(seen) == 3
    assert editor.record.id == "round-4" and selected_id(pane.table) == "round-4"
    assert visible_errors(editor) == {}
    assert records.get(ws, "rounds", "round-5") == saved and stack.count() == 0


def test_an_untouched_new_round_is_left_without_asking(main_window, qtbot):
    """The number proposed for a new round is not something the user typed: nothing to lose."""
    pane = shown_pane(main_window, "rounds")
    editor = pane.editor
    assert pane.new_record()
    assert editor.draft and editor.number.text() == "6"
    assert not editor.has_unsaved_edit()
    seen: list[dict] = []
    guard = answer_leave_box("Keep editing", seen)  # were a question asked, it would keep the draft
    click_row(qtbot, pane.table, "round-4")
    qtbot.wait(50)
    guard.cancel()
    assert seen == [] and not editor.draft and editor.record.id == "round-4"
    # once something is typed, it is content: leaving asks
    assert pane.new_record()
    editor.venue.setFocus()
    qtbot.keyClicks(editor.venue, "Baku")
    answer_leave_box("Discard", seen)
    click_row(qtbot, pane.table, "round-3")
    assert len(seen) == 1 and sorted(seen[0]["buttons"]) == ["Create round", "Discard", "Keep editing"]
    assert editor.record.id == "round-3"
    assert main_window.ctx.undo_stack.count() == 0


# ---------------------------------------------------------------- (d) problems go once fixed
def test_a_problem_under_a_field_goes_once_the_value_is_fixed(main_window, qtbot):
    pane = shown_pane(main_window, "people")
    editor = pane.editor
    ws = main_window.ctx.ws
    stack = main_window.ctx.undo_stack

    # a saved person: a blank name is refused under the field, a name clears it and is saved
    assert pane.show_record("people", "gil-reich")
    editor.name.setFocus()
    editor.name.selectAll()
    qtbot.keyClick(editor.name, Qt.Key.Key_Delete)
    leave(qtbot, editor.name)
    assert visible_errors(editor).get("name", "").startswith("Name: required")
    assert records.get(ws, "people", "gil-reich").name == "Gil Reich" and stack.count() == 0
    editor.name.setFocus()
    qtbot.keyClicks(editor.name, "Gil Reich")
    qtbot.keyClick(editor.name, Qt.Key.Key_Return)
    assert visible_errors(editor) == {}
    assert not editor.has_unsaved_edit() and stack.count() == 0  # the name as saved: nothing to write
    editor.name.setFocus()
    editor.name.selectAll()
    qtbot.keyClicks(editor.name, "Gil Reich (acting)")
    leave(qtbot, editor.name)
    assert visible_errors(editor) == {}
    assert records.get(ws, "people", "gil-reich").name == "Gil Reich (acting)" and stack.count() == 1

    # a draft: the problem Create showed goes once the name is typed and left, before anything is written
    people_before = len(records.list_all(ws, "people"))
    assert pane.new_record()
    qtbot.mouseClick(editor.create_button, Qt.MouseButton.LeftButton)
    assert "name" in visible_errors(editor)
    editor.name.setFocus()
    qtbot.keyClicks(editor.name, "Omar Aziz")
    leave(qtbot, editor.name)
    assert visible_errors(editor) == {}
    assert editor.draft and len(records.list_all(ws, "people")) == people_before
    # and comes back when the name is emptied again
    editor.name.setFocus()
    editor.name.selectAll()
    qtbot.keyClick(editor.name, Qt.Key.Key_Delete)
    leave(qtbot, editor.name)
    assert visible_errors(editor).get("name", "").startswith("Name: required")
    editor.discard()
    assert not editor.draft

    # a round's date: the problem goes once a date the rules take is typed, and that is saved
    rounds = shown_pane(main_window, "rounds")
    form = rounds.editor
    assert rounds.show_record("rounds", "round-5")
    form.end.setFocus()
    form.end.selectAll()
    qtbot.keyClicks(form.end, "2026-13")
    leave(qtbot, form.end)
    assert "month" in visible_errors(form).get("end", "")
    form.end.setFocus()
    form.end.selectAll()
    qtbot.keyClicks(form.end, "2026-01-07")
    leave(qtbot, form.end)
    assert visible_errors(form) == {}
    assert records.get(ws, "rounds", "round-5").end == "2026-01-07"
