"""The Timeline pane: a drawn axis of rounds and events, zoom, click to open."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from dossier.services import records
from dossier.ui.panes.timeline import TimelinePane

NEG = "il-sy-security"


@pytest.fixture
def pane(qtbot, ctx):
    pane = TimelinePane(ctx)
    qtbot.addWidget(pane)
    pane.resize(1200, 500)
    pane.show()
    qtbot.waitExposed(pane)
    return pane


def test_an_item_per_round_and_event(pane, ctx):
    drawn = {(i.collection, i.record_id) for i in pane.view.record_items()}
    expected = {("rounds", r.id) for r in records.find(ctx.ws, "rounds", {"negotiation": NEG})}
    expected |= {("events", e.id) for e in records.find(ctx.ws, "events", {"negotiation": NEG})}
    assert drawn == expected and len(drawn) == 9


def test_partial_dates_cover_their_span(pane):
    ppd = pane.view.timeline.px_per_day
    year = pane.view.item_for("rounds", "round-1").rect().width()  # "2025"
    month = pane.view.item_for("events", "ev-new-team").rect().width()  # "2026-01"
    assert year == pytest.approx(365 * ppd, rel=0.01)
    assert month == pytest.approx(31 * ppd, rel=0.01)
    assert not pane.view.item_for("rounds", "round-1").span.exact
    assert pane.view.item_for("rounds", "round-5").span.exact


@pytest.mark.parametrize("collection, record_id", [("events", "ev-assad-falls"), ("rounds", "round-3")])
def test_clicking_an_item_opens_it(pane, ctx, qtbot, collection, record_id):
    item = pane.view.item_for(collection, record_id)
    pane.view.centerOn(item)
    point = pane.view.mapFromScene(item.sceneBoundingRect().center())
    with qtbot.waitSignal(ctx.sig_open_record) as blocker:
        qtbot.mouseClick(pane.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert blocker.args == [collection, record_id]
    assert pane.view.item_for(collection, record_id).isSelected()
    assert not pane.detail.isHidden()


def test_zoom_buttons_change_the_scale(pane, qtbot):
    before = pane.view.timeline.px_per_day
    width = pane.view.item_for("rounds", "round-1").rect().width()
    qtbot.mouseClick(pane.zoom_in, Qt.MouseButton.LeftButton)
    assert pane.view.timeline.px_per_day == pytest.approx(before * 1.5)
    assert pane.view.item_for("rounds", "round-1").rect().width() == pytest.approx(width * 1.5, rel=0.01)
    qtbot.mouseClick(pane.zoom_out, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(pane.zoom_out, Qt.MouseButton.LeftButton)
    assert pane.view.timeline.px_per_day == pytest.approx(before / 1.5)
    qtbot.mouseClick(pane.fit_button, Qt.MouseButton.LeftButton)
    assert pane.view.timeline.px_per_day == pytest.approx(before)


def test_an_edited_event_is_redrawn(pane, ctx):
    event = records.get(ctx.ws, "events", "ev-dermer-resigns")
    records.update(ctx.ws, event.__class__(**{**event.__dict__, "date": "2025-11-20"}))
    item = pane.view.item_for("events", "ev-dermer-resigns")
    assert item.span.exact and item.span.first.isoformat() == "2025-11-20"
