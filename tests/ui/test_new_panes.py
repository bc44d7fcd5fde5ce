"""The Parties, Topics, Events and Negotiations panes and their list model, driven through their
widgets on real workspace files."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from dossier.model.records import Citation, Negotiation, NegotiationParty, Party, Person, Source, Topic
from dossier.services import records

SHOTS = Path("/tmp/newpanes")


# ---------------------------------------------------------------- helpers
@pytest.fixture
def empty_ctx(qapp, tmp_path, qsettings_tmp):
    """An AppContext on a new, empty workspace."""
    from dossier.services.workspace import open_workspace
    from dossier.ui.context import AppContext

    ws = open_workspace(tmp_path / "w.sqlite")
    context = AppContext(ws, qsettings_tmp)
    yield context
    context.detach()
    ws.close()


def show(qtbot, pane):
    qtbot.addWidget(pane)
    pane.resize(900 - 150, 500)
    with qtbot.waitExposed(pane):
        pane.show()
    with qtbot.waitActive(pane):  # fields are left as a user leaves them: focus moves
        pane.activateWindow()
    return pane


def grab(qtbot, pane, name: str) -> None:
    """Save a picture of the pane: its form from the top, and (when it scrolls) from the bottom."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    bar = pane.browser.detail_scroll.verticalScrollBar()
    bar.setValue(0)
    qtbot.wait(50)  # the layouts settle
    assert pane.grab().save(str(SHOTS / f"{name}.png"))
    if bar.maximum() > 0:
        bar.setValue(bar.maximum())
        qtbot.wait(20)
        assert pane.grab().save(str(SHOTS / f"{name}-lower.png"))


def type_into(qtbot, field, text: str, enter: bool = True) -> None:
    """Type into a one-line field as a user does: select all, type, and (``enter``) press Enter."""
    field.setFocus()
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)
    if enter:
        qtbot.keyClick(field, Qt.Key.Key_Return)


def pick(combo, value) -> None:
    """Choose ``value`` in a drop-down as a user does."""
    index = combo.findData(value)
    assert index >= 0, f"{value!r} is not offered"
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def click(qtbot, button) -> None:
    assert button.isEnabled(), f"{button.text()} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def every_row(model) -> list[str]:
    """The ids of every row, reading each page."""
    while model.canFetchMore():
        model.fetchMore()
    return [model.record_id(r) for r in range(model.rowCount())]


def undo_redo_all(ctx, check_done, check_undone, steps: int) -> None:
    stack = ctx.undo_stack
    for _ in range(steps):
        stack.undo()
    check_undone()
    for _ in range(steps):
        stack.redo()
    check_done()


# ---------------------------------------------------------------- the list model
def test_small_listing_pages_sorts_and_filters_without_skipping_or_repeating(ctx):
    from dossier.ui.models.small import EventsListModel, PartiesListModel

    ws = ctx.ws
    records.create(ws, Party(id="tr", name="Türkiye", kind="state", country="TR"))
    records.create(ws, Party(id="hts", name="Hayat Tahrir al-Sham", kind="armed_group"))
    parties = PartiesListModel(ws, page_size=2)
    every = sorted(p.id for p in records.list_all(ws, "parties"))
    for column in range(len(parties.columns)):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            parties.sort(column, order)
            assert sorted(every_row(parties)) == every, (column, order)  # every row once
    parties.sort(0, Qt.SortOrder.AscendingOrder)
    every_row(parties)
    names = [parties.cells(r)["name"] for r in range(parties.rowCount())]
    assert names == sorted(names, key=str.casefold)
    parties.sort(2, Qt.SortOrder.DescendingOrder)  # country: empty last either way
    every_row(parties)
    countries = [parties.cells(r)["country"] for r in range(parties.rowCount())]
    assert countries[-1] == "" and countries[:-1] == sorted(countries[:-1], reverse=True)
    parties.set_filter(None, "TURKIYE")  # case and diacritics do not matter
    assert [parties.record_id(r) for r in range(parties.rowCount())] == ["tr"] and parties.total() == 1
    parties.set_filter(None, "armed sham")  # every word, in any cell
    assert [parties.record_id(r) for r in range(parties.rowCount())] == ["hts"]
    assert parties.cells(0)["kind"] == "Armed group"

    events = EventsListModel(ws, filters={"negotiation": ctx.negotiation_id}, page_size=1)
    every_row(events)
    found = records.find(ws, "events", {"negotiation": ctx.negotiation_id})
    assert events.total() == len(found) == events.rowCount()
    dates = [events.cells(r)["date"] for r in range(events.rowCount())]
    # readable, in date order: "2025" (known only to the year) after 29 Dec 2025, "Jan 2026" after 5 Jan
    assert dates == ["8 Dec 2024", "29 Dec 2025", "2025", "Jan 2026"]
    assert events.cells(2)["people"] == "1"  # Ron Dermer resigns
    events.set_filter({"negotiation": "no-such-negotiation"})
    assert events.rowCount() == 0 and events.total() == 0


# ---------------------------------------------------------------- parties
def test_parties_pane_create_edit_problems_undo(empty_ctx, qtbot):
    from dossier.ui.panes.parties import PartiesPane

    ctx, ws = empty_ctx, empty_ctx.ws
    pane = show(qtbot, PartiesPane(ctx))
    editor = pane.editor
    assert pane.model.rowCount() == 0 and pane.browser.count_label.text() == "0 parties"
    click(qtbot, pane.browser.new_button)
    assert editor.draft
    click(qtbot, editor.create_button)  # no name: refused, said under the field
    assert editor.errors["name"].isVisibleTo(pane) and "Name: required" in editor.errors["name"].text()
    assert records.list_all(ws, "parties") == [] and ctx.undo_stack.count() == 0

    type_into(qtbot, editor.name, "Qatar", enter=False)
    pick(editor.kind, "organization")
    type_into(qtbot, editor.country, "qa", enter=False)
    assert editor.country.text() == "QA"  # capitals as it is typed
    click(qtbot, editor.create_button)
    assert not editor.draft and editor.current_id() == "qatar"
    assert records.get(ws, "parties", "qatar") == Party(id="qatar", name="Qatar", kind="organization",
                                                       country="QA")
    assert pane.model.cells(0) == {"name": "Qatar", "kind": "Organization", "country": "QA", "people": "0"}
    assert pane.browser.count_label.text() == "1 party"

    pick(editor.kind, "state")  # each change of a saved party is saved at once
    type_into(qtbot, editor.name, "State of Qatar")
    assert records.get(ws, "parties", "qatar").name == "State of Qatar"
    assert records.get(ws, "parties", "qatar").kind == "state"
    type_into(qtbot, editor.country, "QATAR")  # not a country code: said, not saved
    assert "two-letter country code" in editor.errors["country"].text()
    assert records.get(ws, "parties", "qatar").country == "QA"
    type_into(qtbot, editor.country, "qa")
    assert not editor.errors["country"].isVisibleTo(pane) and editor.country.text() == "QA"
    assert ctx.undo_stack.count() == 3
    grab(qtbot, pane, "parties")

    def done():
        assert records.get(ws, "parties", "qatar").name == "State of Qatar"
        assert pane.model.row_of("qatar") is not None

    def undone():
        assert not records.exists(ws, "parties", "qatar")
        assert pane.model.rowCount() == 0

    ctx.undo_stack.undo()
    assert records.get(ws, "parties", "qatar").name == "Qatar" and editor.name.text() == "Qatar"
    ctx.undo_stack.redo()
    undo_redo_all(ctx, done, undone, 3)


def test_party_links_open_its_people_and_negotiations(ctx, qtbot):
    from dossier.ui.panes.parties import PartiesPane

    pane = show(qtbot, PartiesPane(ctx))
    assert pane.show_record("parties", "us")
    people = pane.editor.people_list.links()
    assert people and {c for c, _i, _t in people} == {"people"}
    negotiations = pane.editor.negotiations_list.links()
    assert [(c, t) for c, _i, t in negotiations] == [
        ("negotiations", "Israel–Syria security talks · Mediator")]
    with qtbot.waitSignal(ctx.sig_open_record) as blocker:
        pane.editor.people_list.itemClicked.emit(pane.editor.people_list.item(0))
    assert blocker.args == ["people", people[0][1]]
    assert pane.editor.heading.textFormat() == Qt.TextFormat.PlainText


# ---------------------------------------------------------------- topics
def test_topics_pane_create_edit_problems_undo(empty_ctx, qtbot):
    from dossier.ui.panes.topics import TopicsPane

    ctx, ws = empty_ctx, empty_ctx.ws
    pane = show(qtbot, TopicsPane(ctx))
    editor = pane.editor
    new = pane.browser.new_button
    assert not new.isEnabled() and new.toolTip() == "Make or choose a negotiation first"
    assert not pane.new_record()
    grab(qtbot, pane, "topics-no-negotiation")

    records.create(ws, Negotiation(id="talks", title="Talks"))
    records.create(ws, Negotiation(id="other", title="Other talks"))
    ctx.set_negotiation("talks")
    assert new.isEnabled()
    click(qtbot, new)
    assert editor.draft
    click(qtbot, editor.create_button)
    assert "required" in editor.errors["title"].text() and editor.errors["title"].isVisibleTo(pane)
    assert records.list_all(ws, "topics") == [] and ctx.undo_stack.count() == 0

    type_into(qtbot, editor.topic_title, "Buffer zone", enter=False)
    type_into(qtbot, editor.category, "Security", enter=False)
    click(qtbot, editor.create_button)
    assert records.get(ws, "topics", "buffer-zone") == Topic(id="buffer-zone", negotiation="talks",
                                                             title="Buffer zone", category="Security")
    assert pane.model.cells(0) == {"title": "Buffer zone", "category": "Security", "rounds": "0"}

    type_into(qtbot, editor.category, "Territory")
    editor.description.setFocus()
    qtbot.keyClicks(editor.description, "A strip along the border")
    editor.topic_title.setFocus()  # leaving the text saves it
    assert records.get(ws, "topics", "buffer-zone").description == "A strip along the border"
    assert records.get(ws, "topics", "buffer-zone").category == "Territory"
    grab(qtbot, pane, "topics")

    # the list is the chosen negotiation's: another shows none, and drafts go there
    ctx.set_negotiation("other")
    assert pane.model.rowCount() == 0 and editor.current_id() is None
    ctx.set_negotiation("talks")
    assert pane.model.rowCount() == 1 and editor.current_id() == "buffer-zone"

    def done():
        topic = records.get(ws, "topics", "buffer-zone")
        assert (topic.category, topic.description) == ("Territory", "A strip along the border")

    def undone():
        assert not records.exists(ws, "topics", "buffer-zone") and pane.model.rowCount() == 0

    undo_redo_all(ctx, done, undone, 3)
    assert pane.model.row_of("buffer-zone") is not None


def test_topic_lists_the_rounds_that_had_it_on_their_agenda(ctx, qtbot):
    from dossier.ui.panes.topics import TopicsPane

    pane = show(qtbot, TopicsPane(ctx))
    topic = next(t for t in records.find(ctx.ws, "topics", {"negotiation": ctx.negotiation_id}))
    assert pane.show_record("topics", topic.id)
    links = pane.editor.rounds_list.links()
    expected = {r.id for r in records.listing(ctx.ws, "rounds", "topics", topic.id)}
    assert {i for _c, i, _t in links} == expected
    row = pane.model.row_of(topic.id)
    assert pane.model.cells(row)["rounds"] == str(len(expected))


# ---------------------------------------------------------------- events
def test_events_pane_create_with_person_and_citation_edit_undo(empty_ctx, qtbot):
    from dossier.ui.panes.events import EventsPane

    ctx, ws = empty_ctx, empty_ctx.ws
    pane = show(qtbot, EventsPane(ctx))
    editor = pane.editor
    assert not pane.browser.new_button.isEnabled()
    records.create(ws, Negotiation(id="talks", title="Talks"))
    records.create(ws, Person(id="amal", name="Amal Haddad"))
    records.create(ws, Person(id="omar", name="Omar Saleh"))
    records.create(ws, Source(id="wire", title="Wire report", reliability="B"))
    ctx.set_negotiation("talks")
    assert editor.people.person_combo.findData("amal") >= 0  # the new people and sources are offered
    click(qtbot, pane.browser.new_button)

    click(qtbot, editor.create_button)  # no date, no title
    assert "Date: required" in editor.errors["date"].text()
    assert "Title: required" in editor.errors["title"].text()
    grab(qtbot, pane, "events-problems")
    assert records.list_all(ws, "events") == [] and ctx.undo_stack.count() == 0
    type_into(qtbot, editor.date, "2025-13", enter=False)  # not a date: said at once
    click(qtbot, editor.create_button)
    assert "no month 13" in editor.errors["date"].text() and records.list_all(ws, "events") == []

    type_into(qtbot, editor.date, "2025-11-05", enter=False)
    type_into(qtbot, editor.event_title, "Ceasefire announced", enter=False)
    pick(editor.people.person_combo, "omar")
    click(qtbot, editor.people.add_button)
    assert editor.people.value() == ["omar"] and editor.people.person_combo.findData("omar") < 0
    click(qtbot, editor.citations.add_button)
    pick(editor.citations.table.cellWidget(0, 1), 2)  # credibility: probably true
    click(qtbot, editor.create_button)
    event_id = editor.current_id()
    assert event_id == "ceasefire-announced"
    event = records.get(ws, "events", event_id)
    assert (event.negotiation, event.date, event.title, event.people) == ("talks", "2025-11-05",
                                                                          "Ceasefire announced", ["omar"])
    assert event.sources == [Citation(source="wire", credibility=2)]
    assert pane.model.cells(0) == {"date": "5 Nov 2025", "title": "Ceasefire announced", "people": "1"}

    pick(editor.people.person_combo, "amal")  # each change is saved at once
    click(qtbot, editor.people.add_button)
    assert records.get(ws, "events", event_id).people == ["omar", "amal"]
    type_into(qtbot, editor.date, "2025-11")
    assert records.get(ws, "events", event_id).date == "2025-11"
    assert pane.model.cells(0)["date"] == "Nov 2025"
    type_into(qtbot, editor.date, "")  # the date is required: not saved
    assert "Date: required" in editor.errors["date"].text()
    assert records.get(ws, "events", event_id).date == "2025-11"
    type_into(qtbot, editor.date, "2025-11")
    editor.people.list.setCurrentRow(0)
    click(qtbot, editor.people.remove_button)
    assert records.get(ws, "events", event_id).people == ["amal"]
    grab(qtbot, pane, "events")

    def done():
        saved = records.get(ws, "events", event_id)
        assert (saved.date, saved.people) == ("2025-11", ["amal"])
        assert editor.people.value() == ["amal"]

    def undone():
        assert not records.exists(ws, "events", event_id) and pane.model.rowCount() == 0

    undo_redo_all(ctx, done, undone, 4)


# ---------------------------------------------------------------- negotiations
def _answer_new_party(name: str, kind: str, seen: list) -> None:
    from dossier.ui.widgets.negotiation_parties import NewPartyDialog

    def answer():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NewPartyDialog)
        seen.append(dialog)
        assert not dialog.create_button.isEnabled()  # no name yet
        dialog.name_edit.setText(name)
        pick(dialog.kind_box, kind)
        dialog.create_button.click()

    QTimer.singleShot(0, answer)


def test_negotiations_pane_create_with_three_parties_edit_undo(empty_ctx, qtbot):
    from dossier.ui.panes.negotiations import NegotiationsPane

    ctx, ws = empty_ctx, empty_ctx.ws
    records.create(ws, Party(id="il", name="Israel", country="IL"))
    records.create(ws, Party(id="sy", name="Syria", country="SY"))
    pane = show(qtbot, NegotiationsPane(ctx))
    editor = pane.editor
    parties = editor.parties
    assert pane.model.rowCount() == 0 and ctx.negotiation_id is None
    click(qtbot, pane.browser.new_button)
    click(qtbot, editor.create_button)
    assert "required" in editor.errors["title"].text() and records.list_all(ws, "negotiations") == []
    assert ctx.undo_stack.count() == 0

    type_into(qtbot, editor.negotiation_title, "Israel Syria talks", enter=False)
    type_into(qtbot, editor.started, "2025-09", enter=False)
    for party in ("il", "sy"):
        pick(parties.party_combo, party)
        pick(parties.role_combo, "party")
        click(qtbot, parties.add_button)
    assert parties.party_combo.findData("il") < 0  # listed parties are not offered again
    seen: list = []
    _answer_new_party("United States", "state", seen)
    click(qtbot, parties.new_party_button)
    assert seen and records.get(ws, "parties", "united-states").name == "United States"
    assert parties.party_combo.currentData() == "united-states"  # made, and chosen to be added
    pick(parties.role_combo, "mediator")
    click(qtbot, parties.add_button)
    click(qtbot, editor.create_button)

    negotiation_id = "israel-syria-talks"
    saved = records.get(ws, "negotiations", negotiation_id)
    assert saved.parties == [NegotiationParty(party="il", role="party"),
                             NegotiationParty(party="sy", role="party"),
                             NegotiationParty(party="united-states", role="mediator")]
    assert (saved.title, saved.status, saved.started) == ("Israel Syria talks", "active", "2025-09")
    assert ctx.negotiation_id == negotiation_id  # made here: now the chosen one
    assert pane.model.cells(0) == {"title": "Israel Syria talks", "status": "Active", "started": "Sep 2025",
                                   "ended": ""}

    pick(editor.status, "suspended")  # saved at once
    assert records.get(ws, "negotiations", negotiation_id).status == "suspended"
    role = parties.table.cellWidget(1, 1)
    pick(role, "observer")
    assert records.get(ws, "negotiations", negotiation_id).parties[1].role == "observer"
    type_into(qtbot, editor.ended, "2025-08")  # before it started: refused, said
    assert "before it started" in editor.errors["ended"].text()
    assert records.get(ws, "negotiations", negotiation_id).ended is None
    type_into(qtbot, editor.ended, "")
    grab(qtbot, pane, "negotiations")

    def done():
        negotiation = records.get(ws, "negotiations", negotiation_id)
        assert negotiation.status == "suspended" and negotiation.parties[1].role == "observer"
        assert records.exists(ws, "parties", "united-states")

    def undone():
        assert not records.exists(ws, "negotiations", negotiation_id)
        assert not records.exists(ws, "parties", "united-states")
        assert pane.model.rowCount() == 0

    assert ctx.undo_stack.count() == 4  # the party, the negotiation, its status, a role
    undo_redo_all(ctx, done, undone, 4)


def test_choosing_a_negotiation_in_the_pane_chooses_it_everywhere(ctx, qtbot):
    from dossier.ui.panes.negotiations import NegotiationsPane

    records.create(ctx.ws, Negotiation(id="aaa", title="Armistice talks"))
    first = ctx.negotiation_id
    pane = show(qtbot, NegotiationsPane(ctx))
    assert ctx.negotiation_id == first and pane.editor.current_id() == first  # opening it changes nothing
    pane.table.selectRow(pane.model.row_of("aaa"))
    assert ctx.negotiation_id == "aaa"
    ctx.set_negotiation(first)  # chosen elsewhere: the pane follows
    assert pane.editor.current_id() == first
    assert "Holds" in pane.editor.contents.text() and "topics" in pane.editor.contents.text()


def test_negotiation_parties_field_stands_alone(empty_ctx, qtbot):
    """The field the New negotiation dialog uses too: only a context is needed."""
    from dossier.ui.widgets.negotiation_parties import NegotiationPartiesField

    ctx, ws = empty_ctx, empty_ctx.ws
    field = NegotiationPartiesField(ctx)
    qtbot.addWidget(field)
    assert not field.add_button.isEnabled() and field.value() == []
    records.create(ws, Party(id="eg", name="Egypt"))
    field.load_choices()
    with qtbot.waitSignal(field.edited):
        pick(field.role_combo, "host")
        click(qtbot, field.add_button)
    assert field.value() == [NegotiationParty(party="eg", role="host")]
    field.set_value([NegotiationParty(party="eg", role="mediator")])
    assert field.value() == [NegotiationParty(party="eg", role="mediator")]
    field.table.setCurrentCell(0, 0)
    with qtbot.waitSignal(field.edited):
        click(qtbot, field.remove_button)
    assert field.value() == [] and field.party_combo.currentData() == "eg"
