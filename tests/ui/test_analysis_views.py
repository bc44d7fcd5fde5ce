"""The window says what ``model.analysis`` says: standing positions with their remarks, the
three groups of gaps, movement between held rounds, rounds that did not take place, titles
as of a round, approximate placements, and a timeline that reaches the end of the calendar.

Each test runs the real widgets on a real SQLite workspace: a small nuclear-talks case made
through the services (rounds 1–5 held, round 6 cancelled; a red line followed by two
statements; a position known only to the month, between rounds), or the demo.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush

from dossier.model.analysis import Change
from dossier.model.records import (
    Event,
    Negotiation,
    NegotiationParty,
    Participant,
    Party,
    Person,
    Position,
    Role,
    Round,
    Topic,
)
from dossier.services import records

NEG = "nuclear-talks"
ROUND_DATES = ["2025-04-12", "2025-04-19", "2025-04-26", "2025-05-11", "2025-05-23", "2025-06-15"]


def build_case(ws) -> None:
    """Iran and the United States, Oman mediating; six rounds, the sixth cancelled."""
    for party in (Party(id="ir", name="Iran"), Party(id="us", name="United States"), Party(id="om", name="Oman")):
        records.create(ws, party)
    records.create(ws, Person(id="araghchi", name="Abbas Araghchi", party="ir",
                              title="Former Minister of Foreign Affairs",
                              roles=[Role(title="Minister of Foreign Affairs", start="2024-08", end="2025-09")]))
    records.create(ws, Person(id="witkoff", name="Steve Witkoff", party="us", title="Special Envoy",
                              roles=[Role(title="Special Envoy", start="2025-01")]))
    records.create(ws, Negotiation(id=NEG, title="Nuclear talks", parties=[
        NegotiationParty(party="ir", role="party"), NegotiationParty(party="us", role="party"),
        NegotiationParty(party="om", role="mediator")]))
    topics = {"enrichment": "Enrichment", "sanctions": "Sanctions relief", "inspections": "Inspections",
              "ceasefire": "Ceasefire"}
    for tid, title in topics.items():
        records.create(ws, Topic(id=tid, negotiation=NEG, title=title))
    for number, start in enumerate(ROUND_DATES, 1):
        records.create(ws, Round(
            id=f"r{number}", negotiation=NEG, number=number, start=start, venue="Muscat",
            status="cancelled" if number == 6 else "held",
            topics=["enrichment", "sanctions", "inspections"],
            participants=[Participant(person="araghchi", party="ir", role="Head of delegation"),
                          Participant(person="witkoff", party="us", role="Head of delegation")]))
    for pid, party, topic, kind, rnd, date, summary in (
        ("p-ir-red", "ir", "enrichment", "red_line", "r1", "2025-04-12", "Enrichment on Iranian soil will go on."),
        ("p-ir-sanctions", "ir", "sanctions", "demand", "r1", "2025-04-12", "Lift all sanctions first."),
        ("p-us-zero", "us", "enrichment", "demand", "r2", "2025-04-19", "Zero enrichment."),
        ("p-us-snap", "us", "inspections", "demand", "r2", "2025-04-19", "Snap inspections of every site."),
        ("p-ir-limits", "ir", "enrichment", "statement", "r3", "2025-04-26", "Ready to talk about levels."),
        ("p-ir-right", "ir", "enrichment", "statement", "r4", "2025-05-11",
         "Enrichment is a right we will never give up, whatever the pressure."),
        ("p-us-relief", "us", "sanctions", "offer", "r4", "2025-05-11", "Phased relief as steps are verified."),
        ("p-ir-ceasefire", "ir", "ceasefire", "statement", None, "2025-05", "A ceasefire would help."),
    ):
        records.create(ws, Position(id=pid, negotiation=NEG, party=party, topic=topic, kind=kind, round=rnd,
                                    date=date, summary=summary))
    for eid, date, title in (("ev-board", "2025-06-12", "Board finding"), ("ev-strikes", "2025-06-13", "Strikes"),
                             ("ev-ceasefire", "2025-06", "Ceasefire")):
        records.create(ws, Event(id=eid, negotiation=NEG, date=date, title=title))


@pytest.fixture
def case_ws(tmp_path):
    from dossier.services.workspace import open_workspace

    ws = open_workspace(tmp_path / "case.sqlite")
    build_case(ws)
    yield ws
    ws.close()


@pytest.fixture
def case_ctx(qapp, case_ws, qsettings_tmp):
    from dossier.ui.context import AppContext

    context = AppContext(case_ws, qsettings_tmp)
    context.set_negotiation(NEG)
    yield context
    context.detach()


def shown(qtbot, widget, size=(1300, 800)):
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def positions(qtbot, case_ctx):
    from dossier.ui.panes.positions import PositionsPane

    return shown(qtbot, PositionsPane(case_ctx))


@pytest.fixture
def rounds(qtbot, case_ctx):
    from dossier.ui.panes.rounds import RoundsPane

    return shown(qtbot, RoundsPane(case_ctx))


@pytest.fixture
def timeline(qtbot, case_ctx):
    from dossier.ui.panes.timeline import TimelinePane

    return shown(qtbot, TimelinePane(case_ctx), (1200, 500))


# ---------------------------------------------------------------- the matrix
def test_a_red_line_followed_by_two_statements_stands_with_the_latest_remark_beneath(positions):
    from dossier.ui.widgets.matrix import CELL_ROLE, KIND_ROLE, POSITION_ROLE, REMARK_ROLE

    model = positions.matrix.model
    index = model.index_of("ir", "enrichment")
    cell = index.data(CELL_ROLE)
    assert cell.standing.id == "p-ir-red" and cell.remark.id == "p-ir-right"
    assert index.data(KIND_ROLE) == "red_line" and index.data(POSITION_ROLE).id == "p-ir-red"
    assert index.data(REMARK_ROLE).id == "p-ir-right"
    text = index.data(Qt.ItemDataRole.DisplayRole)
    assert text.startswith("RED LINE: Enrichment on Iranian soil will go on.")
    assert text.endswith("\nRemark, 11 May 2025: Enrichment is a right we will never give up, whatever the…")
    tooltip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert "Standing position: Red line" in tooltip and "Later remark" in tooltip
    # the row is tall enough for both, and the cell is drawn (offscreen) without error
    row = model.topics.index("enrichment")
    view = positions.matrix.table
    assert view.rowHeight(row) > view.rowHeight(model.topics.index("inspections"))
    assert not positions.matrix.grab().isNull()
    # the history still lists every position the party took on the topic
    positions.matrix.select_cell("ir", "enrichment")
    history = positions.matrix.history_model
    assert [history.index(r, 2).data() for r in range(history.rowCount())] == ["RED LINE", "Statement", "Statement"]


def test_a_cell_of_statements_only_is_marked_as_a_remark(positions):
    from dossier.ui.widgets.matrix import CELL_ROLE

    index = positions.matrix.model.index_of("ir", "ceasefire")
    assert index.data(CELL_ROLE).remark_only
    assert index.data(Qt.ItemDataRole.DisplayRole) == "REMARK: A ceasefire would help."
    assert index.data(Qt.ItemDataRole.ToolTipRole).count("Remark (a statement; no stance on record)") == 1
    # the legend explains the remark's look next to the kinds of stance
    legend = [label.text() for label in positions.matrix.legend.findChildren(type(positions.matrix.history_title))]
    assert "REMARK: a statement (never replaces a stance)" in legend
    assert "Statement" not in legend  # a statement in the matrix is a remark, never a stance


def test_columns_follow_the_matrix_parties(positions):
    assert positions.matrix.model.parties == ["ir", "us"]  # the mediator has said nothing
    assert positions.matrix.model.headerData(2, Qt.Orientation.Horizontal) == "Gap"


def test_the_gap_column_reads_conflict_answered_and_open_as_the_cells_do(positions):
    from dossier.ui.widgets.matrix import GAP_NOTES_ROLE, GAP_ROLE

    model = positions.matrix.model

    def gap(topic):
        return model.index(model.topics.index(topic), model.gap_column())

    assert gap("enrichment").data(GAP_ROLE) == "conflict"
    assert gap("enrichment").data(Qt.ItemDataRole.DisplayRole) == "GAP"
    # the two claims meet each other: said once, red line first
    assert gap("enrichment").data(GAP_NOTES_ROLE) == [("conflict", "Iran's red line meets United States' demand")]
    assert gap("sanctions").data(GAP_ROLE) == "answered"
    assert gap("sanctions").data(Qt.ItemDataRole.DisplayRole) == "To judge"
    assert gap("sanctions").data(GAP_NOTES_ROLE) == [
        ("answered", "Iran's demand is answered by United States' offer — to judge")]
    assert gap("inspections").data(GAP_ROLE) == "open"
    assert gap("inspections").data(GAP_NOTES_ROLE) == [
        ("open", "United States' demand is not addressed by Iran")]
    assert gap("ceasefire").data(GAP_ROLE) is None  # a remark claims nothing
    tooltip = gap("sanctions").data(Qt.ItemDataRole.ToolTipRole)
    assert "To judge: Iran&#x27;s demand is answered by United States&#x27; offer — to judge" in tooltip
    # as of round 1, the United States had said nothing yet: both Iranian claims are open
    positions.matrix.set_as_of("r1")
    assert {gap(t).data(GAP_ROLE) for t in ("enrichment", "sanctions")} == {"open"}
    assert model.index_of("ir", "enrichment").data(Qt.ItemDataRole.DisplayRole) == \
        "RED LINE: Enrichment on Iranian soil will go on."


def test_the_as_of_choice_names_the_cancelled_round(positions):
    combo = positions.matrix.as_of_combo
    assert combo.itemText(combo.findData("r6")).startswith("Round 6 (cancelled)")


# ---------------------------------------------------------------- movement
def test_a_cancelled_round_has_no_movement_table(rounds, qtbot):
    assert rounds.show_record("rounds", "r6")
    movement = rounds.movement
    assert movement.model.rows == [] and movement.model.rowCount() == 0
    assert movement.table.isHidden()
    assert movement.caption.text() == "Round 6 was cancelled: no movement."


def test_movement_compares_with_the_previous_held_round_and_labels_what_was_said(rounds, case_ctx):
    from dossier.ui.widgets.movement import BEFORE, CHANGE, NOW

    assert rounds.show_record("rounds", "r4")
    model = rounds.movement.model
    moves = {(m.topic, m.party): m for m in model.rows}
    remark = moves[("enrichment", "ir")]
    assert remark.change == Change.REMARK
    row = model.rows.index(remark)
    assert model.index(row, BEFORE).data() == "RED LINE: Enrichment on Iranian soil will go on."
    assert model.index(row, NOW).data().startswith("REMARK: Enrichment is a right")
    assert model.index(row, CHANGE).data() == "Remark"
    relief = moves[("sanctions", "us")]
    assert relief.change == Change.NEW and model.index(model.rows.index(relief), CHANGE).data() == "New"
    # said nothing since round 3: the position is printed once, across both columns
    same = moves[("inspections", "us")]
    assert same.change == Change.UNCHANGED and same.once
    row = model.rows.index(same)
    assert rounds.movement.table.columnSpan(row, BEFORE) == 2
    assert model.index(row, BEFORE).data() == "Demand: Snap inspections of every site."
    assert "Round 3" in model.headerData(BEFORE, Qt.Orientation.Horizontal)
    assert "Round 4 against Round 3, the previous round held" in rounds.movement.caption.text()


def test_after_a_cancelled_round_the_previous_round_is_the_last_one_held(rounds, case_ctx):
    from dossier.ui.widgets.movement import BEFORE

    records.create(case_ctx.ws, Round(id="r7", negotiation=NEG, number=7, start="2025-07-01", status="held",
                                      topics=["enrichment"]))
    assert rounds.show_record("rounds", "r7")
    model = rounds.movement.model
    assert model.previous.id == "r5"
    assert "Round 5" in model.headerData(BEFORE, Qt.Orientation.Horizontal)
    assert "(Round 6, cancelled did not take place)" in rounds.movement.caption.text()
    assert not rounds.movement.table.isHidden()


def test_the_first_held_round_has_nothing_earlier_to_compare_with(rounds):
    assert rounds.show_record("rounds", "r1")
    model = rounds.movement.model
    assert model.rows and {m.change for m in model.rows} == {Change.NEW}
    assert "nothing earlier to compare with" in rounds.movement.caption.text()
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Before"


# ---------------------------------------------------------------- the rounds pane
def test_the_pane_opens_on_the_latest_round_held_and_a_cancelled_round_says_so(rounds):
    assert rounds.form.record.id == "r5"  # round 6 was cancelled: never the latest round
    badge = rounds.form.status_badge
    assert badge.isHidden()
    assert rounds.show_record("rounds", "r6")
    assert not badge.isHidden() and badge.text().startswith("Cancelled")
    assert "cancelled" in rounds.form.subheading.text()
    assert rounds.show_record("rounds", "r5")
    assert badge.isHidden()


def test_a_participant_carries_the_title_held_at_the_round(rounds, case_ctx):
    from dossier.ui.widgets.participants import PERSON, TITLE

    assert rounds.show_record("rounds", "r1")
    table = rounds.form.participants.table
    titles = {table.item(r, PERSON).text(): table.item(r, TITLE).text() for r in range(table.rowCount())}
    # the role ended in September 2025, after the round: not today's "Former Minister…"
    assert titles["Abbas Araghchi"] == "Minister of Foreign Affairs"
    assert titles["Steve Witkoff"] == "Special Envoy"
    assert "Today: Former Minister of Foreign Affairs" in table.item(0, TITLE).toolTip()
    # a round after the role ended carries today's title
    records.create(case_ctx.ws, Round(id="r7", negotiation=NEG, number=7, start="2025-11-02", status="held",
                                      participants=[Participant(person="araghchi", party="ir")]))
    assert rounds.show_record("rounds", "r7")
    assert table.item(0, TITLE).text() == "Former Minister of Foreign Affairs"


# ---------------------------------------------------------------- the positions pane
def test_a_month_dated_position_between_rounds_says_it_is_placed_approximately(positions, case_ctx):
    note = positions.form.placement_note
    assert positions.show_record("positions", "p-ir-ceasefire")
    assert not note.isHidden()
    assert note.text() == ("Placed after Round 5 by its date, May 2025, which spans the starts of Round 4 "
                           "(11 May 2025) and Round 5 (23 May 2025): give it a day or a round to place it exactly.")
    # a month holding the start of one round
    position = records.get(case_ctx.ws, "positions", "p-ir-ceasefire")
    records.update(case_ctx.ws, Position(**{**position.__dict__, "date": "2025-06"}))
    assert note.text() == ("Placed after Round 6 by its date, Jun 2025, which spans the start of Round 6 "
                           "(15 Jun 2025): give it a day or a round to place it exactly.")
    # a day makes the placement exact, and the note says so plainly
    records.update(case_ctx.ws, Position(**{**position.__dict__, "date": "2025-05-30"}))
    assert note.text() == "Placed after Round 5 by its date, 30 May 2025."
    # no date and no round
    records.update(case_ctx.ws, Position(**{**position.__dict__, "date": None}))
    assert note.text() == "No date and no round: placed before every round. Give it a date or a round."
    # a position of a round needs no note
    assert positions.show_record("positions", "p-ir-red")
    assert note.isHidden()


def test_the_history_says_where_a_position_without_a_round_stands(positions):
    positions.matrix.select_cell("ir", "ceasefire")
    history = positions.matrix.history_model
    assert history.index(0, 0).data() == "after Round 5 (approx.)"
    assert "spans the starts of Round 4 (11 May 2025) and Round 5" in history.index(0, 0).data(
        Qt.ItemDataRole.ToolTipRole)


def test_the_round_filter_and_choice_follow_the_model_order_and_name_the_status(positions):
    positions.tabs.setCurrentWidget(positions.list)
    combo = positions.list.filters["round"]
    assert [combo.itemData(i) for i in range(1, combo.count())] == [f"r{n}" for n in range(1, 7)]
    assert combo.itemText(6) == "Round 6 (cancelled)"
    assert positions.form.round.itemText(positions.form.round.findData("r6")) == "Round 6 (cancelled)"


# ---------------------------------------------------------------- the timeline
def test_a_cancelled_last_round_is_drawn_apart_and_says_cancelled(timeline):
    held = timeline.view.item_for("rounds", "r5")
    cancelled = timeline.view.item_for("rounds", "r6")
    assert held.span.status == "" and cancelled.span.status == "cancelled"
    assert "cancelled" in cancelled.span.label and "cancelled" not in held.span.label
    assert "cancelled" in cancelled.toolTip().lower() and "Cancelled: did not take place." in cancelled.span.tooltip

    def look(item):
        shape = item.shape_item
        return shape.brush().style(), shape.brush().color().name(), shape.pen().style()

    assert look(cancelled) != look(held)
    assert look(cancelled)[0] == Qt.BrushStyle.BDiagPattern  # hatched, not the held fill
    assert look(held)[0] == Qt.BrushStyle.SolidPattern
    # every held round looks alike
    assert {look(timeline.view.item_for("rounds", f"r{n}")) for n in range(1, 6)} == {look(held)}


def test_a_planned_round_is_an_outline_and_says_planned(timeline, case_ctx):
    records.create(case_ctx.ws, Round(id="r7", negotiation=NEG, number=7, start="2025-09", status="planned"))
    item = timeline.view.item_for("rounds", "r7")
    assert "planned" in item.span.label and "planned" in item.span.tooltip
    assert item.shape_item.brush().style() == Qt.BrushStyle.NoBrush
    assert item.shape_item.pen().style() == Qt.PenStyle.DotLine


def test_month_dates_read_as_months_in_the_timeline(timeline):
    item = timeline.view.item_for("events", "ev-ceasefire")
    assert "Jun 2025 (date known only to the month)" in item.span.tooltip
    assert "1 Jun 2025" not in item.span.tooltip
    assert "1 Jun 2025" not in item.toolTip()
    assert timeline.show_record("events", "ev-ceasefire")
    assert "Jun 2025" in timeline.detail.text() and "1 Jun 2025" not in timeline.detail.text()


@pytest.mark.parametrize("date", ["9999-12-31", "9999-12", "9999", "0001-01-01"])
def test_a_date_at_the_end_of_the_calendar_does_not_break_the_timeline(qtbot, ctx, date):
    from dossier.ui.panes.timeline import TimelinePane

    pane = shown(qtbot, TimelinePane(ctx), (1200, 500))
    records.create(ctx.ws, Event(id="ev-far", negotiation="il-sy-security", date=date, title="Far away"))
    item = pane.view.item_for("events", "ev-far")
    assert item is not None
    assert item.span.last.year == int(date[:4])
    for button in (pane.zoom_in, pane.zoom_in, pane.zoom_out, pane.fit_button):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    pane.view.horizontalScrollBar().setValue(pane.view.horizontalScrollBar().maximum())
    pane.view.centerOn(pane.view.item_for("events", "ev-far"))  # each zoom draws the items anew
    assert not pane.grab().isNull()  # drawn at the far end, the year at the left edge included
    # the scene stays a size that can be drawn, however far apart the dates are
    assert pane.view.sceneRect().width() < 300_000
    widest = None
    while pane.view.timeline.px_per_day != widest:  # zoom in as far as it goes
        widest = pane.view.timeline.px_per_day
        pane.view.zoom(4)
    assert pane.view.sceneRect().width() < 300_000
    assert not pane.grab().isNull()


def test_a_timeline_item_looks_the_same_after_a_round_changes_status(timeline, case_ctx):
    rnd = records.get(case_ctx.ws, "rounds", "r6")
    records.update(case_ctx.ws, Round(**{**rnd.__dict__, "status": "held"}))
    item = timeline.view.item_for("rounds", "r6")
    assert item.span.status == "" and "cancelled" not in item.span.label
    assert item.shape_item.brush() == QBrush(timeline.view.item_for("rounds", "r5").shape_item.brush())


def test_with_three_principal_parties_one_claim_shows_in_more_than_one_group(positions, case_ctx):
    from dossier.ui.widgets.matrix import GAP_NOTES_ROLE, GAP_ROLE

    negotiation = records.get(case_ctx.ws, "negotiations", NEG)
    records.update(case_ctx.ws, Negotiation(**{**negotiation.__dict__, "parties": [
        NegotiationParty(party="ir", role="party"), NegotiationParty(party="us", role="party"),
        NegotiationParty(party="om", role="party")]}))
    model = positions.matrix.model
    assert model.parties == ["ir", "us", "om"]  # a principal party has its column, positions or not
    gap = model.index(model.topics.index("enrichment"), model.gap_column())
    assert gap.data(GAP_ROLE) == "conflict"
    assert gap.data(GAP_NOTES_ROLE) == [("conflict", "Iran's red line meets United States' demand"),
                                        ("open", "Iran's red line is not addressed by Oman"),
                                        ("open", "United States' demand is not addressed by Oman")]
    assert not positions.matrix.grab().isNull()  # several gaps drawn in one cell
