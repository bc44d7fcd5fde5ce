"""The People pane, driven through its real widgets on a real workspace file."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QStyleOptionViewItem

from dossier.services import records
from dossier.ui.models.base import RecordIdRole


def people_pane(window):
    window.show_pane("people")
    return window.pane("people")


def type_into(qtbot, field, text):
    field.setFocus()
    field.selectAll()
    field.clear()
    if text.isascii():
        qtbot.keyClicks(field, text)
    else:  # the test library types ASCII keys only
        field.insert(text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_create_person_through_form_then_undo_and_redo(main_window, qtbot):
    pane = people_pane(main_window)
    editor = pane.editor
    ws = main_window.ctx.ws
    stack = main_window.ctx.undo_stack
    assert pane.new_record()
    assert editor.draft and editor.create_button.isVisible()
    # typing into the draft writes nothing
    editor.name.setFocus()
    qtbot.keyClicks(editor.name, "Zaid Qassem")
    editor.name.finish()
    assert editor.draft and not records.exists(ws, "people", "zaid-qassem") and stack.count() == 0
    # Enter in a one-line field creates it
    qtbot.keyClick(editor.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not editor.draft)
    person_id = editor.record.id
    assert person_id == "zaid-qassem"
    assert records.get(ws, "people", person_id).name == "Zaid Qassem"
    assert not editor.create_button.isVisible()
    row = pane.model.row_of(person_id)
    assert row is not None
    assert pane.model.index(row, 0).data() == "Zaid Qassem"
    assert pane.browser.count_label.text() == "10 people"
    # more fields of the same, now saved, person: each saved as it is left
    type_into(qtbot, editor.native_name, "زيد قاسم")
    editor.aliases.add_item("Zayd Qasim")
    assert records.get(ws, "people", person_id).native_name == "زيد قاسم"
    assert records.get(ws, "people", person_id).aliases == ["Zayd Qasim"]
    # search finds it
    main_window.search_box.setText("zaid")
    hits = main_window.search_box.run_search()
    assert ("people", person_id) in [(h.collection, h.id) for h in hits]

    assert stack.count() == 3
    for _ in range(3):
        main_window.undo_action.trigger()
    assert not records.exists(ws, "people", person_id)
    assert pane.model.row_of(person_id) is None
    for _ in range(3):
        main_window.redo_action.trigger()
    again = records.get(ws, "people", person_id)
    assert (again.name, again.native_name, again.aliases) == ("Zaid Qassem", "زيد قاسم", ["Zayd Qasim"])
    assert pane.model.row_of(person_id) is not None


def test_create_button_creates_the_draft_in_one_undo_step(main_window, qtbot):
    pane = people_pane(main_window)
    editor = pane.editor
    ws = main_window.ctx.ws
    stack = main_window.ctx.undo_stack
    assert pane.new_record()
    editor.name.setFocus()
    qtbot.keyClicks(editor.name, "Layla Haddad")
    editor.person_title.setFocus()
    qtbot.keyClicks(editor.person_title, "Envoy")
    editor.bio.setFocus()  # leaving the fields of a draft writes nothing
    assert editor.draft and not records.exists(ws, "people", "layla-haddad") and stack.count() == 0
    qtbot.mouseClick(editor.create_button, Qt.MouseButton.LeftButton)
    assert not editor.draft
    created = records.get(ws, "people", "layla-haddad")
    assert (created.name, created.title) == ("Layla Haddad", "Envoy")
    assert stack.count() == 1
    assert pane.model.record_id(pane.table.currentIndex().row()) == "layla-haddad"
    main_window.undo_action.trigger()
    assert not records.exists(ws, "people", "layla-haddad")
    main_window.redo_action.trigger()
    assert records.get(ws, "people", "layla-haddad").title == "Envoy"


def test_markup_in_a_name_is_shown_literally(main_window, qtbot):
    pane = people_pane(main_window)
    assert pane.show_record("people", "ron-dermer")
    type_into(qtbot, pane.editor.name, "<img src=x> <b>Ron</b>")
    assert records.get(main_window.ctx.ws, "people", "ron-dermer").name == "<img src=x> <b>Ron</b>"
    row = pane.model.row_of("ron-dermer")
    assert pane.model.index(row, 0).data(Qt.ItemDataRole.DisplayRole) == "<img src=x> <b>Ron</b>"
    assert pane.editor.heading.text() == "<img src=x> <b>Ron</b>"
    assert pane.editor.heading.textFormat() == Qt.TextFormat.PlainText
    tip = pane.model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "<img" not in tip and "&lt;img src=x&gt;" in tip


def test_validation_error_is_shown_beside_the_field(main_window, qtbot):
    pane = people_pane(main_window)
    editor = pane.editor
    pane.show_record("people", "gil-reich")
    stack = main_window.ctx.undo_stack
    before = stack.count()
    type_into(qtbot, editor.name, "   ")
    assert editor.errors["name"].isVisibleTo(editor)
    assert "Name: required" in editor.errors["name"].text()
    assert "blank" not in editor.errors["name"].text()  # in the form's words, not the rule's
    assert records.get(main_window.ctx.ws, "people", "gil-reich").name == "Gil Reich"
    assert stack.count() == before
    # fixing the name clears its error and saves
    type_into(qtbot, editor.name, "Gil Reich (acting)")
    assert not editor.errors["name"].isVisibleTo(editor) and editor.errors["name"].text() == ""
    assert records.get(main_window.ctx.ws, "people", "gil-reich").name == "Gil Reich (acting)"
    assert stack.count() == before + 1
    # a bad date inside a role is shown under the roles, and not saved
    editor.roles.add_row()
    editor.roles.table.item(0, 0).setText("Adviser")  # valid: saved
    roles = records.get(main_window.ctx.ws, "people", "gil-reich").roles
    assert roles[0].title == "Adviser"
    saved = stack.count()
    editor.roles.table.item(0, 2).setText("2025-13")
    assert editor.errors["roles"].isVisibleTo(editor)
    text = editor.errors["roles"].text()
    assert "Roles, row 1: Start" in text and "no month 13" in text
    assert records.get(main_window.ctx.ws, "people", "gil-reich").roles == roles
    assert stack.count() == saved
    # fixing it clears the problem and saves
    editor.roles.table.item(0, 2).setText("2025-12")
    assert not editor.errors["roles"].isVisibleTo(editor)
    assert records.get(main_window.ctx.ws, "people", "gil-reich").roles[0].start == "2025-12"


def _click_in_next_dialog(button_text: str, seen: list[str]) -> None:
    def click():
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        assert box.textFormat() == Qt.TextFormat.PlainText
        for button in box.buttons():
            if button.text().replace("&", "") == button_text:
                button.click()
                return
        raise AssertionError(f"no {button_text} button")

    QTimer.singleShot(0, click)


def test_delete_referenced_person_asks_then_undo_restores_everything(main_window, qtbot):
    pane = people_pane(main_window)
    ws = main_window.ctx.ws
    person = "asaad-al-shaybani"
    attended = [r.id for r in records.listing(ws, "rounds", "participants", person)]
    stated = [p.id for p in records.find(ws, "positions", {"person": person})]
    assert attended and stated
    pane.show_record("people", person)

    seen: list[str] = []
    _click_in_next_dialog("Cancel", seen)
    pane.delete_selected()
    assert records.exists(ws, "people", person)
    assert "refer to" in seen[0] and "round" in seen[0]

    _click_in_next_dialog("Delete", seen)
    pane.delete_selected()
    assert not records.exists(ws, "people", person)
    assert all(records.get(ws, "positions", p).person is None for p in stated)
    assert pane.model.row_of(person) is None

    main_window.undo_action.trigger()
    assert records.get(ws, "people", person).name == "Asaad al-Shaybani"
    assert [r.id for r in records.listing(ws, "rounds", "participants", person)] == attended
    assert all(records.get(ws, "positions", p).person == person for p in stated)
    assert pane.model.row_of(person) is not None
    main_window.redo_action.trigger()
    assert not records.exists(ws, "people", person)


def test_detail_links_open_rounds_and_positions(main_window, qtbot):
    pane = people_pane(main_window)
    pane.show_record("people", "asaad-al-shaybani")
    links = pane.editor.rounds_list.links()
    assert links and all(c == "rounds" for c, _i, _t in links)
    assert pane.editor.positions_list.links()
    with qtbot.waitSignal(main_window.ctx.sig_open_record) as blocker:
        pane.editor.rounds_list.itemClicked.emit(pane.editor.rounds_list.item(0))
    assert blocker.args == ["rounds", links[0][1]]


def test_arabic_and_hebrew_cells_are_laid_out_right_to_left(main_window):
    pane = people_pane(main_window)
    model = pane.model
    row = model.row_of("asaad-al-shaybani")
    column = model.column_of("native_name")
    index = model.index(row, column)
    option = QStyleOptionViewItem()
    pane.table.itemDelegate().initStyleOption(option, index)
    assert option.text == "أسعد حسن الشيباني"
    assert option.direction == Qt.LayoutDirection.RightToLeft
    latin = QStyleOptionViewItem()
    pane.table.itemDelegate().initStyleOption(latin, model.index(row, 0))
    assert latin.direction == Qt.LayoutDirection.LeftToRight
    assert model.index(row, 0).data(RecordIdRole) == "asaad-al-shaybani"


def test_filters_by_text_and_party(main_window, qtbot):
    pane = people_pane(main_window)
    pane.filter_edit.setText("שיב")  # no one: Hebrew letters not in any name
    pane.apply_filter()
    assert pane.model.rowCount() == 0
    pane.filter_edit.setText("shaib")  # an alias spelling
    pane.apply_filter()
    assert [pane.model.record_id(r) for r in range(pane.model.rowCount())] == ["asaad-al-shaybani"]
    pane.filter_edit.clear()
    index = pane.party_filter.findData("il")
    pane.party_filter.setCurrentIndex(index)
    pane.party_filter.edited.emit()
    names = {pane.model.cells(r)["party"] for r in range(pane.model.rowCount())}
    assert names == {"Israel"} and pane.browser.count_label.text().startswith(str(pane.model.rowCount()))
