"""Every shortcut does one thing; Ctrl+Z undoes the last edit and shows what it undid."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractButton

from dossier.services import records
from dossier.ui.dialogs.about import ShortcutsDialog


def _all_shortcuts(window) -> list[tuple[str, str]]:
    found = []
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            if not key.isEmpty():
                found.append((key.toString(QKeySequence.SequenceFormat.PortableText), action.text()))
    for button in window.findChildren(QAbstractButton):
        key = button.shortcut()
        if not key.isEmpty():
            found.append((key.toString(QKeySequence.SequenceFormat.PortableText), button.text()))
    return found


def test_every_shortcut_is_unique_in_every_pane(main_window):
    for key in main_window.pane_keys:  # panes add their own shortcuts when built
        main_window.show_pane(key)
    found = _all_shortcuts(main_window)
    keys = [key for key, _what in found]
    duplicates = sorted({(key, what) for key, what in found if keys.count(key) > 1})
    assert not duplicates, duplicates
    assert {"Ctrl+N", "Ctrl+Shift+N", "Ctrl+Alt+N", "Ctrl+Z"} <= set(keys)
    dialog = ShortcutsDialog(main_window)
    listed = [dialog.table.item(i, 1).text() for i in range(dialog.table.rowCount())]
    assert len(listed) == len(set(listed))


def test_ctrl_n_makes_a_new_record_in_the_pane_shown(main_window, qtbot):
    main_window.show_pane("people")
    pane = main_window.current_pane()
    qtbot.keyClick(pane.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert pane.editor.draft
    assert pane.editor.name.hasFocus() or pane.editor.focusWidget() is pane.editor.name


def test_ctrl_z_in_a_text_field_undoes_the_last_edit_and_the_field_shows_what_is_saved(main_window, qtbot):
    main_window.show_pane("people")
    pane = main_window.current_pane()
    person = pane.editor.record
    field = pane.editor.person_title
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "Envoy to Baku")
    qtbot.keyClick(field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert records.get(main_window.ctx.ws, "people", person.id).title == person.title
    assert field.text() == (person.title or "")
    assert main_window.statusBar().currentMessage().startswith("Undone:")
    qtbot.keyClick(field, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert records.get(main_window.ctx.ws, "people", person.id).title == "Envoy to Baku"
    assert field.text() == "Envoy to Baku"


def test_undo_brings_the_changed_record_into_view(main_window, qtbot):
    main_window.show_pane("people")
    pane = main_window.current_pane()
    person = pane.editor.record
    field = pane.editor.person_title
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "Changed title")
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert records.get(main_window.ctx.ws, "people", person.id).title == "Changed title"
    other = next(p for p in records.list_all(main_window.ctx.ws, "people") if p.id != person.id)
    pane.browser.select(other.id)
    main_window.show_pane("sources")
    main_window.undo_action.trigger()
    assert main_window.current_pane().key == "people"
    assert pane.editor.record.id == person.id
    assert pane.editor.person_title.text() == (person.title or "")
    assert "Undone: Edit person" in main_window.statusBar().currentMessage()


def test_new_record_on_the_timeline_makes_a_new_event(main_window, qtbot):
    main_window.show_pane("timeline")
    main_window.new_action.trigger()
    pane = main_window.current_pane()
    assert pane.key == "events" and pane.editor.draft
