"""A whole case from an empty workspace, in the window only: clicks and keys, no service calls.

A negotiation with three parties (made on the spot), two topics, two people, a graded
source, a round with participants and agenda, a red line citing the source, and an event;
then every step undone back to an empty workspace, and redone.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from dossier.model.records import COLLECTIONS
from dossier.services import records


def counts(ws) -> dict[str, int]:
    return {name: len(records.list_all(ws, name)) for name in COLLECTIONS}


def on_next_dialog(action) -> None:
    """Run ``action(dialog)`` on the modal dialog about to open."""
    QTimer.singleShot(0, lambda: action(QApplication.activeModalWidget()))


def type_into(qtbot, field, text: str) -> None:
    field.setFocus()
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)


def pick(combo, value) -> None:
    """Choose ``value`` in a drop-down, as a pick in its list does."""
    index = combo.findData(value)
    assert index >= 0, (value, [combo.itemData(i) for i in range(combo.count())])
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def pick_text(combo, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, (text, [combo.itemText(i) for i in range(combo.count())])
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def click(qtbot, button) -> None:
    assert button.isEnabled() and button.isVisible(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def go_to(qtbot, window, key: str):
    """Click the pane's entry in the sidebar."""
    if QApplication.activeWindow() is not window:  # as after a dialog closes
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    row = window.pane_keys.index(key)
    item = window.sidebar.item(row)
    qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.sidebar.visualItemRect(item).center())
    assert window.current_pane().key == key
    return window.current_pane()


def new_record(qtbot, pane) -> None:
    """Ctrl+N in the pane."""
    qtbot.keyClick(pane, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)


def press_enter(qtbot, field) -> None:
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.wait(10)


def make_party(qtbot, name: str, kind: str):
    def answer(dialog) -> None:
        type_into(qtbot, dialog.name_edit, name)
        pick(dialog.kind_box, kind)
        click(qtbot, dialog.create_button)
    return answer


def test_a_whole_case_from_an_empty_workspace_then_undone_and_redone(qtbot, tmp_path, qsettings_tmp):
    from dossier.services.workspace import open_workspace
    from dossier.ui.main_window import MainWindow

    ws = open_workspace(tmp_path / "new.sqlite")
    window = MainWindow(ws, qsettings_tmp, persist=False)
    qtbot.addWidget(window)
    window.resize(1280, 820)
    window.show()
    qtbot.waitExposed(window)
    assert window.welcome_shown()

    # ---- a negotiation with three parties, each made on the spot
    def fill_negotiation(dialog) -> None:
        type_into(qtbot, dialog.title_edit, "Israel-Syria security talks")
        for name, kind, role in (("Israel", "state", "party"), ("Syria", "state", "party"),
                                 ("United States", "state", "mediator")):
            on_next_dialog(make_party(qtbot, name, kind))
            click(qtbot, dialog.parties.new_party_button)
            pick(dialog.parties.role_combo, role)
            click(qtbot, dialog.parties.add_button)
        click(qtbot, dialog.create_button)

    on_next_dialog(fill_negotiation)
    click(qtbot, window._welcome.new_button)
    assert not window.welcome_shown()
    assert window.current_pane().key == "rounds"
    negotiation = records.list_all(ws, "negotiations")[0]
    assert window.ctx.negotiation_id == negotiation.id
    assert sorted(p.role for p in negotiation.parties) == ["mediator", "party", "party"]
    parties = {p.name: p.id for p in records.list_all(ws, "parties")}

    # ---- two topics
    topics = go_to(qtbot, window, "topics")
    for title in ("Buffer zone withdrawal", "Southern demilitarisation"):
        new_record(qtbot, topics)
        assert topics.editor.draft
        type_into(qtbot, topics.editor.fields["title"], title)
        press_enter(qtbot, topics.editor.fields["title"])
        qtbot.waitUntil(lambda: not topics.editor.draft)
    assert len(records.list_all(ws, "topics")) == 2

    # ---- two people
    people = go_to(qtbot, window, "people")
    for name, party in (("Ron Dermer", "Israel"), ("Asaad al-Shaybani", "Syria")):
        new_record(qtbot, people)
        type_into(qtbot, people.editor.name, name)
        pick(people.editor.party, parties[party])
        click(qtbot, people.editor.create_button)
    assert {p.name for p in records.list_all(ws, "people")} == {"Ron Dermer", "Asaad al-Shaybani"}

    # ---- a graded source
    sources = go_to(qtbot, window, "sources")
    new_record(qtbot, sources)
    type_into(qtbot, sources.editor.source_title, "Axios: Israel and Syria resume talks")
    pick(sources.editor.reliability, "B")
    click(qtbot, sources.editor.create_button)
    source = records.list_all(ws, "sources")[0]
    assert source.reliability == "B"

    # ---- a round with two participants and the two topics on its agenda
    rounds = go_to(qtbot, window, "rounds")
    new_record(qtbot, rounds)
    editor = rounds.editor
    assert editor.draft and editor.number.text() == "1"
    type_into(qtbot, editor.start, "2026-01-05")
    type_into(qtbot, editor.venue, "Paris")
    assert records.list_all(ws, "rounds") == []  # a draft: nothing written yet
    click(qtbot, editor.create_button)
    assert len(records.list_all(ws, "rounds")) == 1
    for person, party, role in (("Ron Dermer", "Israel", "Head of delegation"),
                                ("Asaad al-Shaybani", "Syria", "Foreign minister")):
        pick_text(editor.participants.person_combo, person)
        pick_text(editor.participants.party_combo, party)
        type_into(qtbot, editor.participants.role_edit, role)
        click(qtbot, editor.participants.add_button)
    for row in range(editor.agenda.count()):
        editor.agenda.setCurrentRow(row)
        qtbot.keyClick(editor.agenda, Qt.Key.Key_Space)
    rnd = records.list_all(ws, "rounds")[0]
    assert rnd.number == 1 and rnd.start == "2026-01-05" and rnd.venue == "Paris"
    assert [p.role for p in rnd.participants] == ["Head of delegation", "Foreign minister"]
    assert len(rnd.topics) == 2

    # ---- a red line citing the source as probably true (2)
    positions = go_to(qtbot, window, "positions")
    new_record(qtbot, positions)
    form = positions.editor
    assert form.draft
    pick(form.party, parties["Israel"])
    pick_text(form.topic, "Buffer zone withdrawal")
    pick(form.kind, "red_line")
    pick(form.round, rnd.id)
    form.summary.setFocus()
    qtbot.keyClicks(form.summary, "No withdrawal from the buffer zone before a security arrangement")
    assert records.list_all(ws, "positions") == []
    click(qtbot, form.create_button)
    click(qtbot, form.citations.add_button)
    pick(form.citations.table.cellWidget(0, 1), 2)
    position = records.list_all(ws, "positions")[0]
    assert position.kind == "red_line" and position.round == rnd.id
    assert [(c.source, c.credibility) for c in position.sources] == [(source.id, 2)]

    # ---- an event
    events = go_to(qtbot, window, "events")
    new_record(qtbot, events)
    type_into(qtbot, events.editor.fields["date"], "2026-01-06")
    type_into(qtbot, events.editor.fields["title"], "Joint statement in Paris")
    click(qtbot, events.editor.create_button)
    assert [e.title for e in records.list_all(ws, "events")] == ["Joint statement in Paris"]

    done = counts(ws)
    assert done == {"parties": 3, "people": 2, "negotiations": 1, "topics": 2, "rounds": 1, "positions": 1,
                    "sources": 1, "events": 1}
    saved = {name: records.list_all(ws, name) for name in COLLECTIONS}

    # ---- undo every step with Ctrl+Z, back to an empty workspace
    steps = 0
    while window.ctx.undo_stack.canUndo():
        qtbot.keyClick(window.current_pane(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        steps += 1
        assert steps < 60
    assert counts(ws) == dict.fromkeys(COLLECTIONS, 0)
    assert steps >= 17

    # ---- and redo them all
    while window.ctx.undo_stack.canRedo():
        qtbot.keyClick(window.current_pane(), Qt.Key.Key_Z,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert {name: records.list_all(ws, name) for name in COLLECTIONS} == saved
    window.close()
