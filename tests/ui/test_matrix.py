"""The Positions pane's matrix and list, driven through real widgets on a real demo workspace."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from dossier.model.records import Position
from dossier.services import records
from dossier.ui.panes.positions import PositionsPane
from dossier.ui.widgets.matrix import GAP_ROLE, KIND_ROLE, POSITION_ROLE

NEG = "il-sy-security"


@pytest.fixture
def pane(qtbot, ctx):
    pane = PositionsPane(ctx)
    qtbot.addWidget(pane)
    pane.resize(1300, 800)
    pane.show()
    return pane


def cell(pane, party, topic):
    return pane.matrix.model.index_of(party, topic)


def choose(combo, value):
    combo.setCurrentIndex(combo.findData(value))
    combo.activated.emit(combo.currentIndex())


def test_demo_shows_the_israeli_red_line(pane):
    index = cell(pane, "il", "security-agreement")
    assert index.data(KIND_ROLE) == "red_line"
    assert index.data(Qt.ItemDataRole.DisplayRole).startswith("RED LINE")
    assert index.data(POSITION_ROLE).id == "pos-il-red-lines"
    assert not cell(pane, "sy", "security-agreement").data(KIND_ROLE)
    # Syria has not answered Israel's red line: the row is flagged in the gap column
    gap = pane.matrix.model.index(pane.matrix.model.topics.index("security-agreement"),
                                  pane.matrix.model.gap_column())
    assert gap.data(GAP_ROLE) == "open"


def test_editing_a_position_changes_its_cell_and_undo_restores_it(pane, ctx):
    assert pane.show_record("positions", "pos-il-red-lines")
    assert pane.form.record.id == "pos-il-red-lines"
    choose(pane.form.kind, "demand")
    assert records.get(ctx.ws, "positions", "pos-il-red-lines").kind == "demand"
    assert cell(pane, "il", "security-agreement").data(KIND_ROLE) == "demand"
    ctx.undo_stack.undo()
    assert cell(pane, "il", "security-agreement").data(KIND_ROLE) == "red_line"
    assert pane.form.kind.currentData() == "red_line"


def test_a_counter_claim_opens_a_gap(pane, ctx):
    records.create(ctx.ws, Position(id="pos-sy-no", negotiation=NEG, party="sy", topic="security-agreement",
                                         round="round-5", date="2026-01-06", kind="red_line",
                                         summary="No agreement while Israeli troops stay."))
    model = pane.matrix.model
    gap = model.index(model.topics.index("security-agreement"), model.gap_column())
    assert gap.data(GAP_ROLE) == "conflict"
    assert gap.data(Qt.ItemDataRole.DisplayRole) == "GAP"


def test_markup_in_a_summary_is_shown_literally(pane, ctx):
    markup = "<b>Bold</b> & <a href='x'>link</a>"
    pane.show_record("positions", "pos-il-disarmament")
    pane.form.summary.setFocus()
    pane.form.summary.setPlainText(markup)
    pane.form.summary.clearFocus()
    assert records.get(ctx.ws, "positions", "pos-il-disarmament").summary == markup
    index = cell(pane, "il", "south-syria-disarmament")
    assert markup in index.data(Qt.ItemDataRole.DisplayRole)
    tooltip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;a href=&#x27;x&#x27;&gt;" in tooltip
    pane.matrix.select_cell("il", "south-syria-disarmament")
    assert pane.matrix.history_model.index(0, 3).data() == markup
    assert pane.matrix.history_title.textFormat() == Qt.TextFormat.PlainText


def test_matrix_as_of_a_chosen_round(pane, ctx):
    records.create(ctx.ws, Position(id="pos-sy-early", negotiation=NEG, party="sy", topic="security-agreement",
                                         round="round-4", kind="demand", summary="A return to the 1974 lines."))
    model = pane.matrix.model
    assert cell(pane, "il", "security-agreement").data(KIND_ROLE) == "red_line"
    pane.matrix.set_as_of("round-4")
    assert model.as_of == "round-4"
    assert cell(pane, "il", "security-agreement").data(KIND_ROLE) is None
    assert cell(pane, "sy", "security-agreement").data(POSITION_ROLE).id == "pos-sy-early"
    assert cell(pane, "il", "south-syria-disarmament").data(KIND_ROLE) is None
    pane.matrix.set_as_of(None)
    assert cell(pane, "il", "security-agreement").data(KIND_ROLE) == "red_line"


def test_clicking_a_cell_shows_the_party_history(pane, qtbot):
    table = pane.matrix.table
    index = cell(pane, "il", "security-agreement")
    rect = table.visualRect(index)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    history = pane.matrix.history_model
    assert history.rowCount() == 2
    assert {history.index(r, 2).data() for r in range(2)} == {"RED LINE", "Statement"}
    assert "Israel on Security agreement" in pane.matrix.history_title.text()


def test_a_new_position_without_summary_is_refused_beside_the_field(pane, ctx, qtbot):
    form = pane.form
    before = len(records.find(ctx.ws, "positions"))
    assert pane.new_record()
    assert form.draft
    pane.activateWindow()
    qtbot.waitActive(pane)
    choose(form.party, "sy")
    # no problem shows for a field the user has not been to yet, and nothing is written
    error = form.errors["summary"]
    assert error.isHidden() and form.errors["topic"].isHidden()
    assert len(records.find(ctx.ws, "positions")) == before and ctx.undo_stack.count() == 0
    # leaving the summary empty shows its problem, in the form's words
    form.summary.setFocus()
    qtbot.waitUntil(form.summary.hasFocus)
    form.date.setFocus()
    qtbot.waitUntil(lambda: not error.isHidden())
    assert error.text().startswith("Summary: required")
    assert "blank" not in error.text()
    assert form.errors["topic"].isHidden()
    # Create refuses the draft and shows every problem
    qtbot.mouseClick(form.create_button, Qt.MouseButton.LeftButton)
    assert form.draft and not error.isHidden() and not form.errors["topic"].isHidden()
    assert "Topic: choose a topic" in form.errors["topic"].text()
    assert len(records.find(ctx.ws, "positions")) == before and ctx.undo_stack.count() == 0
    # each problem goes as soon as it is fixed; still nothing is written
    form.summary.setFocus()
    form.summary.setPlainText("Syria offers a demilitarised zone.")
    form.summary.finish()
    assert error.isHidden()
    choose(form.topic, "security-agreement")
    choose(form.kind, "offer")
    assert form.errors["topic"].isHidden() and form.draft
    assert len(records.find(ctx.ws, "positions")) == before
    qtbot.mouseClick(form.create_button, Qt.MouseButton.LeftButton)
    assert not form.draft and form.record is not None
    assert len(records.find(ctx.ws, "positions")) == before + 1
    created = records.get(ctx.ws, "positions", form.record.id)
    assert (created.party, created.topic, created.kind) == ("sy", "security-agreement", "offer")
    assert ctx.undo_stack.count() == 1


def test_list_filters_by_kind(pane):
    filters = pane.list.filters
    filters["kind"].setCurrentIndex(filters["kind"].findData("demand"))
    model = pane.list.model
    assert model.rowCount() == 3
    assert all(model.cells(r)["kind"].lower() == "demand" for r in range(model.rowCount()))


def test_models_pass_the_item_model_tester(pane):
    pane.matrix.select_cell("il", "security-agreement")
    for model in (pane.matrix.model, pane.matrix.history_model):
        QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    pane.matrix.set_as_of("round-2")
    pane.matrix.set_as_of(None)


def test_the_form_fills_its_drop_downs_when_the_list_is_first_shown(pane):
    assert pane.tabs.currentWidget() is pane.matrix
    assert pane.form.person.count() == 0 and not pane.form.isEnabled()
    pane.tabs.setCurrentWidget(pane.list)
    assert pane.form.person.count() > 1 and pane.form.isEnabled()
    assert pane.form.person.findData("ron-dermer") > 0
    pane.tabs.setCurrentWidget(pane.matrix)
    pane.reload()  # once filled, they follow every reload
    assert pane.form.person.findData("ron-dermer") > 0


def test_long_names_in_the_matrix_headers_are_cut_to_a_few_lines_with_the_whole_name_in_the_tooltip():
    from dossier.ui.widgets.matrix import header_lines

    title = "Withdrawal of Israeli forces from the buffer zone and the summit of Mount Hermon, " * 3
    shown = header_lines(title, 30, 4)
    assert len(shown.split("\n")) == 4 and shown.endswith("…")
    assert all(len(line) <= 30 for line in shown.split("\n"))
    assert header_lines("Syria", 18, 2) == "Syria"
