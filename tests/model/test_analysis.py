"""The reading rules of ``model.analysis``: order, standing positions, gaps, movement, chronology,
titles as of a round, events of a round and of a person, source numbers. Each test builds a small
document of its own."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dossier.errors import NotFoundError
from dossier.model import analysis
from dossier.model.analysis import Change
from dossier.model.records import (
    Document,
    Event,
    Negotiation,
    NegotiationParty,
    Party,
    Person,
    Position,
    Role,
    Source,
    Round,
    Topic,
)
from dossier.model.dates import is_approximate, sort_key


@pytest.fixture
def demo(demo_doc):
    """The demo document (``demo_doc``, tests/conftest.py; read once per session: not changed here)."""
    return demo_doc


def talks(rounds=(), positions=(), events=(), topics=("t1", "t2")) -> Document:
    """Parties a and b negotiate, m mediates."""
    return Document(
        parties=[Party(id=i, name=i.upper()) for i in ("a", "b", "m")],
        negotiations=[Negotiation(id="n", title="Talks", parties=[
            NegotiationParty(party="a", role="party"), NegotiationParty(party="b", role="party"),
            NegotiationParty(party="m", role="mediator")])],
        topics=[Topic(id=t, negotiation="n", title=t) for t in topics],
        rounds=list(rounds), positions=list(positions), events=list(events),
    )


def rnd(rid, number=None, start=None, end=None, topics=(), status="held"):
    return Round(id=rid, negotiation="n", number=number, start=start, end=end, topics=list(topics), status=status)


def pos(pid, party, topic, kind, round=None, date=None):
    return Position(id=pid, negotiation="n", party=party, topic=topic, kind=kind, round=round, date=date,
                    summary=pid)


# ---------------------------------------------------------------- order
def test_rounds_order_by_number_then_start_then_unnumbered():
    doc = talks(rounds=[rnd("late", start="2025-01"), rnd("r2", 2, "2024-06"), rnd("r1", 1, "2024-09"),
                        rnd("early", start="2024")])
    assert [r.id for r in analysis.ordered_rounds(doc, "n")] == ["r1", "r2", "early", "late"]
    assert [r.id for r in analysis.rounds_as_of(doc, "r2")] == ["r1", "r2"]
    assert analysis.previous_round(doc, "r1") is None


def test_partial_dates_sort_after_the_fuller_dates_inside_their_range():
    keys = ["2025-06", "2025-06-13", "2025", "2025-12-31", "2025-12", "2026-01-01", "2025-06-30", "2025-07-01"]
    assert sorted(keys, key=sort_key) == ["2025-06-13", "2025-06-30", "2025-06", "2025-07-01", "2025-12-31",
                                          "2025-12", "2025", "2026-01-01"]
    assert sort_key(None) > sort_key("9999")
    assert is_approximate("2025-06") and is_approximate("2025") and is_approximate(None)
    assert not is_approximate("2025-06-13")


def test_month_dated_event_comes_after_the_days_of_its_month():
    doc = talks(rounds=[rnd("r1", 1, "2025-06-10", "2025-06-11")],
                events=[Event(id="ceasefire", negotiation="n", date="2025-06", title="Ceasefire"),
                        Event(id="strikes", negotiation="n", date="2025-06-13", title="Strikes"),
                        Event(id="board", negotiation="n", date="2025-06-12", title="Board finding"),
                        Event(id="july", negotiation="n", date="2025-07-01", title="July")])
    entries = analysis.chronology(doc, "n")
    assert [e.record.id for e in entries] == ["r1", "board", "strikes", "ceasefire", "july"]
    assert [e.approximate for e in entries] == [False, False, False, True, False]


def test_chronology_ties_round_before_event_then_id():
    doc = talks(rounds=[rnd("r-b", 2, "2025-03-01"), rnd("r-a", 1, "2025-03-01")],
                events=[Event(id="e", negotiation="n", date="2025-03-01", title="E")])
    assert [e.record.id for e in analysis.chronology(doc, "n")] == ["r-a", "r-b", "e"]


def test_demo_round_order_and_chronology(demo):
    assert [r.number for r in analysis.ordered_rounds(demo, "il-sy-security")] == [1, 2, 3, 4, 5]
    entries = analysis.chronology(demo, "il-sy-security")
    ids = [e.record.id for e in entries]
    assert ids[0] == "ev-assad-falls"
    # rounds known only to the year 2025 come after the events dated inside 2025
    assert ids.index("ev-miami-meeting") < ids.index("round-1")
    assert ids[ids.index("round-1"):ids.index("round-1") + 5] == [
        "round-1", "round-2", "round-3", "round-4", "ev-dermer-resigns"]
    assert ids.index("round-5") < ids.index("ev-new-team")  # "2026-01" after "2026-01-05"


def test_chronology_unknown_negotiation():
    with pytest.raises(NotFoundError):
        analysis.chronology(talks(), "missing")


def test_chronology_undated_rounds_last():
    doc = talks(rounds=[rnd("undated", 1), rnd("dated", 2, "2024-03-01")],
                events=[Event(id="e", negotiation="n", date="2024", title="E")])
    assert [e.record.id for e in analysis.chronology(doc, "n")] == ["dated", "e", "undated"]


# ---------------------------------------------------------------- standing positions
def test_standing_positions_follow_round_order_not_list_order():
    doc = talks(rounds=[rnd("r1", 1, "2024-01-10"), rnd("r2", 2, "2024-05-10")],
                positions=[pos("new", "a", "t1", "offer", "r2", "2024-05-10"),
                           pos("old", "a", "t1", "demand", "r1", "2024-01-10")])
    assert analysis.standing_positions(doc, "n")[("a", "t1")].standing.id == "new"
    assert analysis.standing_positions(doc, "n", "r1")[("a", "t1")].standing.id == "old"


def test_a_red_line_followed_by_two_statements_still_stands():
    doc = talks(rounds=[rnd("r1", 1, "2025-01-10"), rnd("r2", 2, "2025-03-10"), rnd("r3", 3, "2025-05-10")],
                positions=[pos("red", "a", "t1", "red_line", "r1"), pos("say-1", "a", "t1", "statement", "r2"),
                           pos("say-2", "a", "t1", "statement", "r3"), pos("b-demand", "b", "t1", "demand", "r1")])
    cell = analysis.matrix(doc, "n").cell("a", "t1")
    assert cell.standing.id == "red" and cell.remark.id == "say-2" and not cell.remark_only
    # the gap is still the red line against b's demand, not "contradicted by a statement"
    found = analysis.gaps(doc, "n")
    assert [(g.claim.id, [p.id for p in g.against]) for g in found.conflicts] == [
        ("red", ["b-demand"]), ("b-demand", ["red"])]
    # and round 3's movement is a remark, never a change of kind
    moves = {(m.topic, m.party): m for m in analysis.movement(doc, "r3")}
    assert moves[("t1", "a")].change == Change.REMARK
    assert moves[("t1", "a")].before.id == "red" and moves[("t1", "a")].now.id == "say-2"


def test_only_statements_fill_the_cell_as_a_remark():
    doc = talks(positions=[pos("s1", "a", "t1", "statement", date="2025-01-01"),
                           pos("s2", "a", "t1", "statement", date="2025-02-01")])
    cell = analysis.matrix(doc, "n").cell("a", "t1")
    assert cell.remark_only and cell.standing is None and cell.shown.id == "s2"


def test_matrix_parties_and_topics():
    doc = talks(topics=("t1", "t2"), positions=[pos("m1", "m", "t1", "statement", date="2025")])
    grid = analysis.matrix(doc, "n")
    assert grid.parties == ["a", "b", "m"] and grid.topics == ["t1", "t2"]
    assert analysis.matrix(talks(), "n").parties == ["a", "b"]  # the mediator only with a position


def test_roundless_positions_sort_by_date_among_rounds():
    doc = talks(rounds=[rnd("r1", 1, "2024-01-10", "2024-01-11"), rnd("r2", 2, "2024-05-10")],
                positions=[pos("between", "a", "t1", "offer", date="2024-03"),
                           pos("in-r1", "a", "t1", "demand", "r1", "2024-01-10")])
    assert analysis.standing_positions(doc, "n")[("a", "t1")].standing.id == "between"
    # as of round 1 a position dated after the round ended is left out
    assert analysis.standing_positions(doc, "n", "r1")[("a", "t1")].standing.id == "in-r1"
    assert [p.id for p in analysis.positions_as_of(doc, "n")] == ["in-r1", "between"]


def test_as_of_excludes_positions_dated_after_the_round():
    doc = talks(rounds=[rnd("r1", 1, "2024-01-10"), rnd("r2", 2, "2024-05-10")],
                positions=[pos("odd", "a", "t1", "demand", "r1", "2024-02-01")])
    assert analysis.standing_positions(doc, "n", "r1") == {}
    assert analysis.standing_positions(doc, "n", "r2")[("a", "t1")].standing.id == "odd"


def test_placement_of_roundless_positions():
    doc = talks(rounds=[rnd("r1", 1, "2025-06-05"), rnd("r2", 2, "2025-06-20"), rnd("r3", 3, "2025-09-01")],
                positions=[pos("june", "a", "t1", "demand", date="2025-06"),
                           pos("day", "a", "t1", "demand", date="2025-07-14"),
                           pos("undated", "a", "t1", "demand"),
                           pos("attached", "a", "t1", "demand", "r1", "2025-06")])
    placed = analysis.placements(doc, "n")
    assert set(placed) == {"june", "day", "undated"}
    assert placed["june"].after.id == "r2" and placed["june"].approximate
    assert [r.id for r in placed["june"].spans] == ["r1", "r2"]
    assert placed["day"].after.id == "r2" and not placed["day"].approximate
    assert placed["undated"].after is None and placed["undated"].approximate
    order = [p.id for p in analysis.positions_as_of(doc, "n")]
    assert order == ["undated", "attached", "june", "day"]


def test_demo_standing_positions(demo):
    cells = analysis.standing_positions(demo, "il-sy-security")
    assert cells[("il", "security-agreement")].standing.id == "pos-il-red-lines"
    # the statement made the same day sorts before it (by id), so it is not a later remark
    assert cells[("il", "security-agreement")].remark is None
    assert cells[("sy", "idf-withdrawal")].standing.kind == "demand"
    assert analysis.standing_positions(demo, "il-sy-security", "round-4") == {}


# ---------------------------------------------------------------- gaps
def test_gap_groups_conflict_answered_open():
    doc = talks(topics=("t1", "t2", "t3", "t4"), rounds=[rnd("r1", 1, "2024-01-10")],
                positions=[pos("a-red", "a", "t1", "red_line", "r1"), pos("b-demand", "b", "t1", "demand", "r1"),
                           pos("a-demand", "a", "t2", "demand", "r1"), pos("b-offer", "b", "t2", "offer", "r1"),
                           pos("b-later", "b", "t2", "statement", "r1"),
                           pos("a-open", "a", "t3", "demand", "r1"),
                           pos("a-t4", "a", "t4", "demand", "r1"), pos("b-remark", "b", "t4", "statement", "r1")])
    found = analysis.gaps(doc, "n")
    assert [(g.claim.id, [p.id for p in g.against]) for g in found.conflicts] == [
        ("a-red", ["b-demand"]), ("b-demand", ["a-red"]), ("a-t4", ["b-remark"])]
    # an offer answers the claim but never closes it silently; a later remark does not displace the offer
    assert [(g.claim.id, [p.id for p in g.answers]) for g in found.answered] == [("a-demand", ["b-offer"])]
    assert [(g.claim.id, g.unanswered_by) for g in found.open] == [("a-open", ("b",))]


def test_mediators_neither_open_nor_close_gaps():
    doc = talks(positions=[pos("a-demand", "a", "t1", "demand", date="2024"),
                           pos("m-statement", "m", "t1", "statement", date="2024"),
                           pos("m-demand", "m", "t2", "demand", date="2024")])
    found = analysis.gaps(doc, "n")
    assert found.conflicts == [] and found.answered == []
    assert [(o.claim.id, o.unanswered_by) for o in found.open] == [("a-demand", ("b",))]
    assert found


def test_a_later_concession_answers_the_claim():
    doc = talks(rounds=[rnd("r1", 1, "2024-01-10"), rnd("r2", 2, "2024-03-01")],
                positions=[pos("a-demand", "a", "t1", "demand", "r1"), pos("b-no", "b", "t1", "statement", "r1"),
                           pos("b-yes", "b", "t1", "concession", "r2")])
    assert [g.claim.id for g in analysis.gaps(doc, "n", "r1").conflicts] == ["a-demand"]
    found = analysis.gaps(doc, "n")
    assert not found.conflicts and [g.answers[0].id for g in found.answered] == ["b-yes"]


def test_demo_gaps(demo):
    found = analysis.gaps(demo, "il-sy-security")
    assert found.conflicts == [] and found.answered == []
    claims = [(o.claim.id, o.unanswered_by) for o in found.open]
    assert claims[0] == ("pos-il-red-lines", ("sy",))  # red lines first
    assert ("pos-sy-withdrawal", ("il",)) in claims
    assert all(o.claim.party != "us" for o in found.open)


# ---------------------------------------------------------------- movement
def test_movement_labels():
    doc = talks(
        topics=("t1", "t2", "t3", "t4"),
        rounds=[rnd("r1", 1, "2024-01-10", topics=["t1", "t2", "t3", "t4"]),
                rnd("r2", 2, "2024-03-01", topics=["t1", "t2", "t4"])],
        positions=[pos("a1", "a", "t1", "demand", "r1"), pos("a1b", "a", "t1", "offer", "r2"),
                   pos("b1", "b", "t1", "demand", "r1"), pos("b1b", "b", "t1", "demand", "r2"),
                   pos("a2", "a", "t2", "statement", "r1"), pos("b2", "b", "t2", "offer", "r2"),
                   pos("a3", "a", "t3", "red_line", "r1"),
                   pos("a4", "a", "t4", "demand", "r1"), pos("a4s", "a", "t4", "statement", "r2")],
    )
    moves = {(m.topic, m.party): m for m in analysis.movement(doc, "r2")}
    assert moves[("t1", "a")].change == Change.KIND_CHANGED
    assert moves[("t1", "a")].label == "kind changed from demand to offer"
    assert (moves[("t1", "a")].before.id, moves[("t1", "a")].now.id) == ("a1", "a1b")
    assert moves[("t1", "b")].change == Change.RESTATED
    assert moves[("t2", "a")].change == Change.UNCHANGED and moves[("t2", "a")].once
    assert moves[("t2", "b")].change == Change.NEW and moves[("t2", "b")].before is None
    assert moves[("t3", "a")].change == Change.OFF_AGENDA and moves[("t3", "a")].once
    assert moves[("t4", "a")].change == Change.REMARK and moves[("t4", "a")].now.id == "a4s"
    assert [m.topic for m in analysis.movement(doc, "r2")][:1] == ["t1"]


def test_a_label_never_contradicts_its_texts():
    """Every label agrees with the positions printed beside it, for every row of a mixed case."""
    doc = talks(
        topics=("t1", "t2", "t3"),
        rounds=[rnd("r1", 1, "2024-01-10", topics=["t1", "t2", "t3"]), rnd("r2", 2, "2024-06-01", topics=["t1"])],
        positions=[pos("a1", "a", "t1", "demand", "r1"), pos("a1-mar", "a", "t1", "demand", date="2024-03-15"),
                   pos("b2", "b", "t2", "offer", "r1"), pos("b2-apr", "b", "t2", "statement", date="2024-04"),
                   pos("a3", "a", "t3", "red_line", "r1")])
    for move in analysis.movement(doc, "r2"):
        if move.change in (Change.UNCHANGED, Change.OFF_AGENDA):
            assert move.before is move.now and not move.said
        elif move.change == Change.NEW:
            assert move.before is None or not analysis.is_stance(move.before)
        elif move.change == Change.RESTATED:
            assert move.before is not move.now and move.before.kind == move.now.kind
        elif move.change == Change.KIND_CHANGED:
            assert move.before.kind != move.now.kind
        elif move.change == Change.REMARK:
            assert move.now.kind == "statement" and move.now in move.said
    moves = {(m.topic, m.party): m for m in analysis.movement(doc, "r2")}
    # a round-less position dated between the rounds is what was said in between
    assert moves[("t1", "a")].change == Change.RESTATED and moves[("t1", "a")].now.id == "a1-mar"
    assert moves[("t2", "b")].change == Change.REMARK  # t2 left the agenda, but b spoke on it
    assert moves[("t3", "a")].change == Change.OFF_AGENDA


def test_movement_agrees_with_the_matrix_when_a_round_position_is_dated_late():
    doc = talks(rounds=[rnd("r3", 3, "2025-03-01"), rnd("r4", 4, "2025-04-01"), rnd("r5", 5, "2025-05-01")],
                positions=[pos("late", "a", "t1", "demand", "r3", "2025-04-15"),
                           pos("offer", "a", "t1", "offer", "r4", "2025-04-01")])
    assert analysis.matrix(doc, "n", "r5").cell("a", "t1").standing.id == "offer"
    moves = {(m.topic, m.party): m for m in analysis.movement(doc, "r5")}
    assert moves[("t1", "a")].change == Change.UNCHANGED and moves[("t1", "a")].now.id == "offer"


def test_a_day_inside_a_round_start_known_to_the_month_is_approximate():
    doc = talks(rounds=[rnd("r1", 1, "2025-06"), rnd("r2", 2, "2025-09-01")],
                positions=[pos("day", "a", "t1", "demand", date="2025-06-10"),
                           pos("later", "a", "t1", "demand", date="2025-07-10")])
    placed = analysis.placements(doc, "n")
    assert placed["day"].approximate and [r.id for r in placed["day"].spans] == ["r1"]
    assert not placed["later"].approximate


def test_movement_first_round_is_all_new(demo):
    moves = analysis.movement(demo, "round-5")
    assert moves and {m.change for m in moves} <= {Change.NEW, Change.REMARK}
    assert {m.change for m in moves if analysis.is_stance(m.now)} == {Change.NEW}
    assert analysis.movement(demo, "round-1") == []
    with pytest.raises(NotFoundError):
        analysis.movement(demo, "round-99")


# ---------------------------------------------------------------- rounds that did not take place
def test_a_cancelled_last_round_is_never_latest_nor_previous():
    doc = talks(rounds=[rnd("r1", 1, "2025-01-10"), rnd("r2", 2, "2025-03-10"),
                        rnd("r3", 3, "2025-05-10", status="cancelled"), rnd("r4", 4, "2025-07-10", status="planned")],
                positions=[pos("a1", "a", "t1", "demand", "r1"), pos("a2", "a", "t1", "offer", "r2"),
                           pos("a3", "a", "t1", "red_line", "r3")])
    assert [r.id for r in analysis.ordered_rounds(doc, "n")] == ["r1", "r2", "r3", "r4"]
    assert analysis.latest_round(doc, "n").id == "r2"
    assert analysis.latest_round(doc, "n", "r1").id == "r1"
    assert analysis.movement(doc, "r3") == [] and analysis.movement(doc, "r4") == []
    assert [r.id for r in analysis.held_rounds(doc, "n")] == ["r1", "r2"]
    doc.rounds.append(rnd("r5", 5, "2025-09-10"))
    assert analysis.previous_round(doc, "r5").id == "r2"
    assert analysis.latest_round(doc, "n").id == "r5"
    entries = analysis.chronology(doc, "n")
    assert [e.took_place for e in entries] == [True, True, False, False, True]


# ---------------------------------------------------------------- titles and events
def test_participant_titles_as_of_the_round():
    minister = Person(id="p", name="P", title="Former Minister", roles=[
        Role(title="Deputy Minister", start="2020", end="2022-05"),
        Role(title="Minister", start="2022-06", end="2025-02-01")])
    assert analysis.title_at(minister, rnd("r1", 1, "2024-11-03")) == "Minister"
    assert analysis.title_at(minister, rnd("r0", 1, "2021-03")) == "Deputy Minister"
    assert analysis.title_at(minister, rnd("r2", 2, "2025-06-01")) == "Former Minister"
    assert analysis.title_at(minister, rnd("r3", 3)) == "Former Minister"


def test_events_of_a_round_and_of_a_person():
    doc = talks(rounds=[rnd("r1", 1, "2025-01-10", "2025-01-11"), rnd("r2", 2, "2025-02-10", status="cancelled"),
                        rnd("r3", 3, "2025-03-10")],
                events=[Event(id="before", negotiation="n", date="2025-01-02", title="x", people=["p"]),
                        Event(id="jan", negotiation="n", date="2025-01", title="x"),
                        Event(id="feb", negotiation="n", date="2025-02-15", title="x", people=["p"]),
                        Event(id="after", negotiation="n", date="2025-04-01", title="x")])
    assert [e.id for e in analysis.events_of_round(doc, "r1")] == ["before"]
    assert [e.id for e in analysis.events_of_round(doc, "r3")] == ["jan", "feb"]
    assert [e.id for e in analysis.events_naming(doc, "p")] == ["before", "feb"]


# ---------------------------------------------------------------- sources
def test_source_numbers_from_the_workspace_else_file_order():
    doc = talks()
    doc.sources = [Source(id="z", title="Z"), Source(id="a", title="A"), Source(id="m", title="M")]
    assert analysis.source_numbers(doc) == {"z": 1, "a": 2, "m": 3}
    doc.source_numbers = {"a": 7, "z": 2, "gone": 9}
    assert analysis.source_numbers(doc) == {"a": 7, "z": 2, "m": 8}


def test_topics_in_reading_order(demo):
    from dossier.model.analysis import ordered_topics

    shuffled = replace(demo, topics=sorted(demo.topics, key=lambda t: t.id))  # as an export orders them
    order = [t.id for t in ordered_topics(shuffled, "il-sy-security")]
    assert order == ["security-agreement", "south-syria-disarmament", "idf-withdrawal", "syrian-sovereignty",
                     "druze-protection", "normalization"]
