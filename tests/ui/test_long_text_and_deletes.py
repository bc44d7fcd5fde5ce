"""Text too long for a field is refused with a message and never cut; deletes name what refers
to a record in the form's words."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from dossier.services import records


def test_a_megabyte_pasted_into_a_name_is_kept_in_the_field_refused_and_not_cut(main_window, qtbot):
    main_window.show_pane("people")
    pane = main_window.current_pane()
    person = pane.editor.record
    big = "Ahmad al-Sharaa " * 65_536  # 1 MiB of text
    field = pane.editor.name
    field.setFocus()
    field.selectAll()
    QApplication.clipboard().setText(big)
    qtbot.keyClick(field, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    if field.text() != big:  # a platform without a clipboard: insert as a paste would
        field.selectAll()
        field.insert(big)
    assert field.text() == big  # nothing cut
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert records.get(main_window.ctx.ws, "people", person.id).name == person.name
    error = pane.editor.errors["name"]
    assert not error.isHidden()
    assert error.text().startswith("Name: 1,048,576 characters is too long")
    assert "Notes" in error.text()
    assert len(pane.editor.heading.text()) < 200  # the heading shows the saved name

    # putting the name back clears the message and saves nothing new
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, person.name)
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert error.isHidden()
    assert not pane.editor.has_unsaved_edit()


def test_a_delete_names_what_refers_to_the_record_in_the_forms_words(main_window, qtbot):
    main_window.show_pane("people")
    pane = main_window.current_pane()
    ws = main_window.ctx.ws
    attended = next(p for p in records.list_all(ws, "people")
                    if any(part.person == p.id for r in records.list_all(ws, "rounds") for part in r.participants))
    assert pane.browser.select(attended.id)
    seen = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        box.button(QMessageBox.StandardButton.Cancel).click()

    QTimer.singleShot(0, answer)
    main_window.delete_action.trigger()
    assert seen, "no confirmation was shown"
    text = seen[0]
    assert "— participant" in text and "Round " in text
    assert "participants.person" not in text and "rounds[" not in text and attended.id not in text.split("“")[0]
    assert records.exists(ws, "people", attended.id)  # cancelled: kept
