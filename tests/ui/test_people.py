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
    ws = main_window.ctx.ws
    pane.new_record()
    type_into(qtbot, pane.name, "Zaid Qassem")
    person_id = pane.record.id
    assert person_id == "zaid-qassem"
    assert records.get(ws, "people", person_id).name == "Zaid Qassem"
    row = pane.model.row_of(person_id)
    assert row is not None
    assert pane.model.index(row, 0).data() == "Zaid Qassem"
    assert pane.count_label.text() == "10 people"
    # more fields of the same new person, each saved as it is left
    type_into(qtbot, pane.native_name, "زيد قاسم")
    pane.aliases.add_item("Zayd Qasim")
    assert records.get(ws, "people", person_id).native_name == "زيد قاسم"
    assert records.get(ws, "people", person_id).aliases == ["Zayd Qasim"]
    # search finds it
    main_window.search_box.setText("zaid")
    hits = main_window.search_box.run_search()
    assert ("people", person_id) in [(h.collection, h.id) for h in hits]

    stack = main_window.ctx.undo_stack
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


def test_markup_in_a_name_is_shown_literally(main_window, qtbot):
    pane = people_pane(main_window)
    assert pane.show_record("people", "ron-dermer")
    type_into(qtbot, pane.name, "<img src=x> <b>Ron</b>")
    row = pane.model.row_of("ron-dermer")
    assert pane.model.index(row, 0).data(Qt.ItemDataRole.DisplayRole) == "<img src=x> <b>Ron</b>"
    assert pane.heading.text() == "<img src=x> <b>Ron</b>"
    assert pane.heading.textFormat() == Qt.TextFormat.PlainText
    tip = pane.model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "<img" not in tip and "&lt;img src=x&gt;" in tip


def test_validation_error_is_shown_beside_the_field(main_window, qtbot):
    pane = people_pane(main_window)
    pane.show_record("people", "gil-reich")
    stack = main_window.ctx.undo_stack
    before = stack.count()
    type_into(qtbot, pane.name, "   ")
    assert pane.errors["name"].isVisibleTo(pane)
    assert "blank" in pane.errors["name"].text()
    assert records.get(main_window.ctx.ws, "people", "gil-reich").name == "Gil Reich"
    assert stack.count() == before
    # a bad date inside a role is shown under the roles
    pane.roles.add_row()
    pane.roles.table.item(0, 0).setText("Adviser")
    pane.roles.table.item(0, 2).setText("2025-13")
    assert pane.errors["roles"].isVisibleTo(pane)
    assert "start" in pane.errors["roles"].text()
    # fixing the name clears its error and saves
    type_into(qtbot, pane.name, "Gil Reich (acting)")
    assert pane.errors["name"].text() == ""


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
    links = pane.rounds_list.links()
    assert links and all(c == "rounds" for c, _i, _t in links)
    assert pane.positions_list.links()
    with qtbot.waitSignal(main_window.ctx.sig_open_record) as blocker:
        pane.rounds_list.itemClicked.emit(pane.rounds_list.item(0))
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
    assert names == {"Israel"} and pane.count_label.text().startswith(str(pane.model.rowCount()))
