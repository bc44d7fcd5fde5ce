"""Order of rounds and positions, latest positions, gaps, movement and chronology."""

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
    Position,
    Round,
    Topic,
)
from dossier.resources import DEMO_FILE, resource_path
from dossier.services.interchange import read_document


@pytest.fixture(scope="module")
def demo():
    return read_document(resource_path(*DEMO_FILE).read_bytes())


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


def rnd(rid, number=None, start=None, end=None, topics=()):
    return Round(id=rid, negotiation="n", number=number, start=start, end=end, topics=list(topics))


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


def test_demo_round_order_and_chronology(demo):
    assert [r.number for r in analysis.ordered_rounds(demo, "il-sy-security")] == [1, 2, 3, 4, 5]
    entries = analysis.chronology(demo, "il-sy-security")
    ids = [e.record.id for e in entries]
    assert ids[0] == "ev-assad-falls"
    # partial "2025" sorts before the fuller dates inside it; rounds before events on a tie
    assert ids[1:6] == ["round-1", "round-2", "round-3", "round-4", "ev-dermer-resigns"]
    assert ids.index("ev-new-team") < ids.index("round-5")  # "2026-01" before "2026-01-05"


def test_chronology_unknown_negotiation():
    with pytest.raises(NotFoundError):
        analysis.chronology(talks(), "missing")


def test_chronology_undated_rounds_last():
    doc = talks(rounds=[rnd("undated", 1), rnd("dated", 2, "2024-03-01")],
                events=[Event(id="e", negotiation="n", date="2024", title="E")])
    assert [e.record.id for e in analysis.chronology(doc, "n")] == ["e", "dated", "undated"]


# ---------------------------------------------------------------- latest positions
def test_latest_positions_follow_round_order_not_list_order():
    doc = talks(rounds=[rnd("r1", 1, "2024-01-10"), rnd("r2", 2, "2024-05-10")],
                positions=[pos("new", "a", "t1", "offer", "r2", "2024-05-10"),
                           pos("old", "a", "t1", "demand", "r1", "2024-01-10")])
    assert analysis.latest_positions(doc, "n")[("a", "t1")].id == "new"
    assert analysis.latest_positions(doc, "n", "r1")[("a", "t1")].id == "old"


def test_roundless_positions_sort_by_date_among_rounds():
    doc = talks(rounds=[rnd("r1", 1, "2024-01-10", "2024-01-11"), rnd("r2", 2, "2024-05-10")],
                positions=[pos("between", "a", "t1", "statement", date="2024-03"),
                           pos("in-r1", "a", "t1", "demand", "r1", "2024-01-10")])
    latest = analysis.latest_positions(doc, "n")
    assert latest[("a", "t1")].id == "between"
    # as of round 1 a position dated after the round ended is left out
    assert analysis.latest_positions(doc, "n", "r1")[("a", "t1")].id == "in-r1"
    order = [p.id for p in analysis.positions_as_of(doc, "n")]
    assert order == ["in-r1", "between"]


def test_as_of_excludes_positions_dated_after_the_round():
    doc = talks(rounds=[rnd("r1", 1, "2024-01-10"), rnd("r2", 2, "2024-05-10")],
                positions=[pos("odd", "a", "t1", "demand", "r1", "2024-02-01")])
    assert analysis.latest_positions(doc, "n", "r1") == {}
    assert analysis.latest_positions(doc, "n", "r2")[("a", "t1")].id == "odd"


def test_demo_latest_positions(demo):
    latest = analysis.latest_positions(demo, "il-sy-security")
    assert latest[("il", "security-agreement")].id == "pos-il-red-lines"
    assert latest[("sy", "idf-withdrawal")].kind == "demand"
    assert analysis.latest_positions(demo, "il-sy-security", "round-4") == {}


# ---------------------------------------------------------------- gaps
def test_gap_when_the_other_side_does_not_meet_a_claim():
    doc = talks(rounds=[rnd("r1", 1, "2024-01-10")],
                positions=[pos("a-red", "a", "t1", "red_line", "r1"), pos("b-demand", "b", "t1", "demand", "r1"),
                           pos("a-demand", "a", "t2", "demand", "r1"), pos("b-offer", "b", "t2", "offer", "r1")])
    result = analysis.gaps(doc, "n")
    assert [(g.claim.id, [p.id for p in g.against]) for g in result.conflicts] == [
        ("a-red", ["b-demand"]), ("b-demand", ["a-red"])]
    assert result.open_demands == []  # t2 is answered by an offer


def test_open_demand_and_mediator_ignored():
    doc = talks(positions=[pos("a-demand", "a", "t1", "demand", date="2024"),
                           pos("m-statement", "m", "t1", "statement", date="2024"),
                           pos("m-demand", "m", "t2", "demand", date="2024")])
    result = analysis.gaps(doc, "n")
    assert result.conflicts == []
    assert [(o.claim.id, o.unanswered_by) for o in result.open_demands] == [("a-demand", ("b",))]
    assert result


def test_a_later_concession_closes_the_gap():
    doc = talks(rounds=[rnd("r1", 1, "2024-01-10"), rnd("r2", 2, "2024-03-01")],
                positions=[pos("a-demand", "a", "t1", "demand", "r1"), pos("b-no", "b", "t1", "statement", "r1"),
                           pos("b-yes", "b", "t1", "concession", "r2")])
    assert analysis.gaps(doc, "n", "r1").conflicts
    assert not analysis.gaps(doc, "n")


def test_demo_gaps(demo):
    result = analysis.gaps(demo, "il-sy-security")
    assert result.conflicts == []
    claims = [(o.claim.id, o.unanswered_by) for o in result.open_demands]
    assert claims[0] == ("pos-il-red-lines", ("sy",))  # red lines first
    assert ("pos-sy-withdrawal", ("il",)) in claims
    assert all(o.claim.party != "us" for o in result.open_demands)


# ---------------------------------------------------------------- movement
def test_movement_new_restated_kind_changed_unchanged_dropped():
    doc = talks(
        topics=("t1", "t2", "t3"),
        rounds=[rnd("r1", 1, "2024-01-10", topics=["t1", "t2", "t3"]), rnd("r2", 2, "2024-03-01", topics=["t1", "t2"])],
        positions=[pos("a1", "a", "t1", "demand", "r1"), pos("a1b", "a", "t1", "offer", "r2"),
                   pos("b1", "b", "t1", "demand", "r1"), pos("b1b", "b", "t1", "demand", "r2"),
                   pos("a2", "a", "t2", "statement", "r1"), pos("b2", "b", "t2", "offer", "r2"),
                   pos("a3", "a", "t3", "red_line", "r1")],
    )
    moves = {(m.topic, m.party): m for m in analysis.movement(doc, "r2")}
    assert moves[("t1", "a")].change == Change.KIND_CHANGED
    assert moves[("t1", "a")].label == "kind changed Demand → Offer"
    assert moves[("t1", "b")].change == Change.RESTATED
    assert moves[("t2", "a")].change == Change.UNCHANGED
    assert moves[("t2", "b")].change == Change.NEW and moves[("t2", "b")].previous is None
    assert moves[("t3", "a")].change == Change.DROPPED
    assert [m.topic for m in analysis.movement(doc, "r2")][:1] == ["t1"]


def test_movement_first_round_is_all_new(demo):
    moves = analysis.movement(demo, "round-5")
    assert moves and {m.change for m in moves} == {Change.NEW}
    assert analysis.movement(demo, "round-1") == []
    with pytest.raises(NotFoundError):
        analysis.movement(demo, "round-99")


def test_topics_in_reading_order(demo):
    from dossier.model.analysis import ordered_topics

    shuffled = replace(demo, topics=sorted(demo.topics, key=lambda t: t.id))  # as an export orders them
    order = [t.id for t in ordered_topics(shuffled, "il-sy-security")]
    assert order == ["security-agreement", "south-syria-disarmament", "idf-withdrawal", "syrian-sovereignty",
                     "druze-protection", "normalization"]
