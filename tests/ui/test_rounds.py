"""The Rounds pane: form, participants with undo, movement, on a real demo workspace."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from dossier.model.analysis import Change
from dossier.services import records
from dossier.ui.panes.rounds import RoundsPane
from dossier.ui.widgets.movement import CHANGE, NOW

NEG = "il-sy-security"


@pytest.fixture
def pane(qtbot, ctx):
    pane = RoundsPane(ctx)
    qtbot.addWidget(pane)
    pane.resize(1300, 800)
    pane.show()
    return pane


def participants(ctx):
    return [(p.person, p.party, p.role) for p in records.get(ctx.ws, "rounds", "round-5").participants]


def test_lists_the_negotiations_rounds(pane):
    model = pane.model
    assert [model.record_id(r) for r in range(model.rowCount())] == [f"round-{n}" for n in range(1, 6)]
    assert pane.show_record("rounds", "round-5")
    assert pane.form.venue.text() == "Paris"
    assert pane.form.participants.table.rowCount() == 5


def test_add_and_remove_a_participant_with_undo(pane, ctx, qtbot):
    pane.show_record("rounds", "round-5")
    editor = pane.form.participants
    editor.person_combo.setCurrentIndex(editor.person_combo.findData("ahmad-al-sharaa"))
    editor.person_combo.activated.emit(editor.person_combo.currentIndex())
    assert editor.party_combo.currentData() == "sy"  # the person's own party is proposed
    editor.role_edit.setText("Observer")
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    assert ("ahmad-al-sharaa", "sy", "Observer") in participants(ctx)
    assert editor.table.rowCount() == 6

    ctx.undo_stack.undo()
    assert ("ahmad-al-sharaa", "sy", "Observer") not in participants(ctx)
    assert editor.table.rowCount() == 5
    ctx.undo_stack.redo()
    assert ("ahmad-al-sharaa", "sy", "Observer") in participants(ctx)

    row = next(r for r in range(editor.table.rowCount()) if editor.table.item(r, 0).text() == "Roman Gofman")
    editor.table.selectRow(row)
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    assert "roman-gofman" not in [p for p, _, _ in participants(ctx)]
    ctx.undo_stack.undo()
    assert ("roman-gofman", "il", "Delegate") in participants(ctx)


def test_a_bad_date_is_refused_beside_the_field(pane, ctx):
    pane.show_record("rounds", "round-5")
    pane.form.start.setText("2026-13-01")
    pane.form.start.editingFinished.emit()
    error = pane.form.errors["start"]
    assert not error.isHidden()
    assert "month" in error.text()
    assert records.get(ctx.ws, "rounds", "round-5").start == "2026-01-05"
    assert ctx.undo_stack.count() == 0
    pane.form.number.setText("five")
    pane.form.number.editingFinished.emit()
    assert "whole number" in pane.form.errors["number"].text()


def test_summary_markup_is_kept_as_text(pane, ctx):
    pane.show_record("rounds", "round-4")
    pane.form.summary.setPlainText("<script>x</script> & co")
    pane.form.commit()
    assert records.get(ctx.ws, "rounds", "round-4").summary == "<script>x</script> & co"
    assert pane.form.summary.toPlainText() == "<script>x</script> & co"


def round_6(ctx):
    return [r for r in records.find(ctx.ws, "rounds", {"negotiation": NEG}) if r.number == 6]


def test_new_round_is_a_draft_until_created_and_undone(pane, ctx, qtbot):
    assert pane.new_record()
    assert pane.form.draft and pane.form.number.text() == "6"
    pane.form.start.setText("2026-02")
    pane.form.start.editingFinished.emit()
    pane.form.venue.setText("Baku")
    pane.form.venue.editingFinished.emit()
    assert not round_6(ctx) and ctx.undo_stack.count() == 0  # editing a draft writes nothing
    assert pane.model.rowCount() == 5
    qtbot.mouseClick(pane.form.create_button, Qt.MouseButton.LeftButton)
    created = round_6(ctx)
    assert len(created) == 1 and (created[0].start, created[0].venue) == ("2026-02", "Baku")
    assert not pane.form.draft and pane.form.record.id == created[0].id
    assert pane.model.rowCount() == 6 and ctx.undo_stack.count() == 1
    ctx.undo_stack.undo()
    assert not round_6(ctx)
    assert pane.model.rowCount() == 5


def test_movement_lists_round_5_changes(pane):
    pane.show_record("rounds", "round-5")
    model = pane.movement.model
    moves = {(m.topic, m.party): m for m in model.rows}
    assert len(moves) == 7
    red = moves[("security-agreement", "il")]
    assert red.change == Change.NEW and red.before is None and red.now.kind == "red_line"
    assert moves[("idf-withdrawal", "sy")].now.id == "pos-sy-withdrawal"
    row = model.rows.index(red)
    assert model.index(row, NOW).data().startswith("RED LINE")
    assert model.index(row, CHANGE).data() == "New"
    assert "Round 4" in model.headerData(2, Qt.Orientation.Horizontal)
    assert "against Round 4, the previous round held" in pane.movement.caption.text()


def test_movement_shows_a_kind_change(pane, ctx):
    position = records.get(ctx.ws, "positions", "pos-sy-withdrawal")
    records.update(ctx.ws, position.__class__(**{**position.__dict__, "round": "round-4", "date": "2025"}))
    records.create(ctx.ws, position.__class__(**{**position.__dict__, "id": "pos-sy-withdrawal-2",
                                                      "kind": "concession", "summary": "A phased pull-back."}))
    pane.show_record("rounds", "round-5")
    move = next(m for m in pane.movement.model.rows if (m.topic, m.party) == ("idf-withdrawal", "sy"))
    assert move.change == Change.KIND_CHANGED
    row = pane.movement.model.rows.index(move)
    assert pane.movement.model.index(row, CHANGE).data() == "Kind changed from demand to concession"


def test_movement_model_passes_the_item_model_tester(pane):
    tester_model = pane.movement.model
    QAbstractItemModelTester(tester_model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    pane.show_record("rounds", "round-5")
    pane.show_record("rounds", "round-1")


def test_an_agenda_in_its_own_order_is_shown_unchanged_and_a_tick_adds_at_its_end(qtbot, ctx):
    import dataclasses

    rnd = records.get(ctx.ws, "rounds", "round-5")
    topics = [t.id for t in records.find(ctx.ws, "topics", {"negotiation": NEG})]
    agenda = list(reversed(topics[:3]))  # not the order the topics are offered in
    records.update(ctx.ws, dataclasses.replace(rnd, topics=agenda))
    pane = RoundsPane(ctx)
    qtbot.addWidget(pane)
    assert pane.show_record("rounds", "round-5")
    assert pane.form.agenda.value() == agenda
    assert not pane.form.has_unsaved_edit()  # leaving the round asks nothing
    extra = next(i for i in range(pane.form.agenda.count())
                 if pane.form.agenda.item(i).data(Qt.ItemDataRole.UserRole) == topics[3])
    pane.form.agenda.setCurrentRow(extra)
    qtbot.keyClick(pane.form.agenda, Qt.Key.Key_Space)
    assert records.get(ctx.ws, "rounds", "round-5").topics == agenda + [topics[3]]
