"""``dossier analyse``: the reading of a negotiation on the command line, as text and as JSON,
from a real workspace file built by importing a small interchange document."""

from __future__ import annotations

import json

import pytest

from tests.test_cli import run

CITE = [{"source": "s-wire", "credibility": 2, "quote": None}]


def position(pid, party, topic, kind, round=None, date=None, sources=()):
    return {"id": pid, "negotiation": "n", "party": party, "topic": topic, "round": round, "date": date,
            "kind": kind, "summary": f"Summary of {pid}", "sources": list(sources)}


def round_(rid, number, start, status="held", topics=("t1", "t2")):
    return {"id": rid, "negotiation": "n", "number": number, "start": start, "end": None, "status": status,
            "topics": list(topics)}


DOC = {
    "format": "dossier-interchange", "version": 1,
    "parties": [{"id": "a", "name": "Aland", "kind": "state"}, {"id": "b", "name": "Borduria", "kind": "state"},
                {"id": "m", "name": "Mediatia", "kind": "state"}],
    "negotiations": [{"id": "n", "title": "Nuclear talks", "status": "active",
                      "parties": [{"party": "a", "role": "party"}, {"party": "b", "role": "party"},
                                  {"party": "m", "role": "mediator"}]}],
    "topics": [{"id": "t1", "negotiation": "n", "title": "Enrichment"},
               {"id": "t2", "negotiation": "n", "title": "Sanctions"}],
    "rounds": [round_("r1", 1, "2025-04-12"), round_("r2", 2, "2025-05-11"),
               round_("r3", 3, "2025-06-15", status="cancelled")],
    "positions": [
        position("a-red", "a", "t1", "red_line", "r1", sources=CITE),
        position("a-say-1", "a", "t1", "statement", "r2"),
        position("a-say-2", "a", "t1", "statement", date="2025-05-20"),
        position("b-demand", "b", "t1", "demand", "r1"),
        position("b-sanctions", "b", "t2", "demand", "r1"),
        position("a-offer", "a", "t2", "offer", date="2025-05"),
    ],
    "sources": [{"id": "s-wire", "title": "Wire", "reliability": "B"},
                {"id": "s-agency", "title": "Agency", "reliability": "A"}],
    "events": [{"id": "e-ceasefire", "negotiation": "n", "date": "2025-06", "title": "Ceasefire"},
               {"id": "e-strikes", "negotiation": "n", "date": "2025-06-13", "title": "Strikes"},
               {"id": "e-board", "negotiation": "n", "date": "2025-06-12", "title": "Board finding"}],
}


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


@pytest.fixture
def db(tmp_path, home):
    path = tmp_path / "talks.sqlite"
    code, _out, err = run("import-json", "-", "--db", path, home=home, stdin=json.dumps(DOC).encode())
    assert code == 0, err
    return path


def analyse(db, home, *args):
    code, out, err = run("analyse", "--db", db, "--json", *args, home=home)
    assert code == 0, err
    return json.loads(out)


def test_json_shape_and_the_rules(db, home):
    got = analyse(db, home)
    assert set(got) == {"negotiation", "as_of", "latest_round", "matrix", "gaps", "movement", "chronology",
                        "sources"}
    assert got["negotiation"] == "n" and got["as_of"] is None
    assert got["latest_round"] == "r2"  # the cancelled round 3 is never the latest
    # one entry per topic x principal party; the mediator has no position, so no column
    assert [(c["topic"], c["party"]) for c in got["matrix"]] == [("t1", "a"), ("t1", "b"), ("t2", "a"), ("t2", "b")]
    cell = got["matrix"][0]
    assert cell == {"topic": "t1", "party": "a", "standing": "a-red", "remark": "a-say-2"}
    assert got["gaps"]["conflicts"] == [{"topic": "t1", "claim": "a-red", "against": ["b-demand"]},
                                        {"topic": "t1", "claim": "b-demand", "against": ["a-red"]}]
    assert got["gaps"]["answered"] == [{"topic": "t2", "claim": "b-sanctions", "answers": ["a-offer"]}]
    assert got["gaps"]["open"] == []
    moves = {(m["round"], m["topic"], m["party"]): m for m in got["movement"]}
    assert {m["round"] for m in got["movement"]} == {"r1", "r2"}  # no movement for the cancelled round
    assert moves[("r2", "t1", "a")] == {"round": "r2", "topic": "t1", "party": "a", "change": "remark",
                                         "before": "a-red", "now": "a-say-1"}  # a-say-2 came after round 2
    assert moves[("r2", "t1", "b")]["change"] == "unchanged"
    assert moves[("r1", "t1", "a")]["change"] == "new"
    chronology = [(c["kind"], c["id"], c["approximate"]) for c in got["chronology"]]
    assert chronology == [("round", "r1", False), ("round", "r2", False), ("event", "e-board", False),
                          ("event", "e-strikes", False), ("round", "r3", False), ("event", "e-ceasefire", True)]
    assert got["sources"] == [{"id": "s-wire", "number": 1}, {"id": "s-agency", "number": 2}]


def test_as_of_a_round(db, home):
    got = analyse(db, home, "--as-of", "r1")
    assert got["as_of"] == "r1" and got["latest_round"] == "r1"
    assert got["matrix"][0]["standing"] == "a-red" and got["matrix"][0]["remark"] is None
    assert {m["round"] for m in got["movement"]} == {"r1"}
    assert [c["id"] for c in got["chronology"]] == ["r1"]
    # as of the cancelled round: the latest round is still the last held one
    assert analyse(db, home, "--as-of", "r3")["latest_round"] == "r2"


def test_text_for_a_terminal(db, home):
    code, out, err = run("analyse", "--db", db, home=home)
    assert code == 0, err
    assert "Nuclear talks (n)" in out and "Latest held round: Round 2" in out
    assert "Aland: red line: Summary of a-red [S1 B2]" in out
    assert "later remark: Summary of a-say-2" in out
    assert "Answered — to judge: 1" in out
    assert "Round 3 (cancelled)" in out
    assert out.index("Board finding") < out.index("Strikes") < out.index("Ceasefire")
    assert "Jun 2025 (month only): Ceasefire" in out


@pytest.mark.parametrize("args, message", [
    (["--negotiation", "nope"], "negotiations: no record with id 'nope'"),
    (["--as-of", "nope"], "rounds: no record with id 'nope'"),
])
def test_unknown_ids_one_line_exit_1(db, home, args, message):
    code, out, err = run("analyse", "--db", db, *args, home=home)
    assert code == 1 and out == ""
    assert err.strip() == f"dossier: {message}"


def test_several_negotiations_need_a_choice(db, home, tmp_path):
    extra = {"format": "dossier-interchange", "version": 1,
             "negotiations": [{"id": "n2", "title": "Other", "status": "active"}]}
    assert run("import-json", "-", "--db", db, home=home, stdin=json.dumps(extra).encode())[0] == 0
    code, _out, err = run("analyse", "--db", db, home=home)
    assert code == 1 and "choose one with --negotiation: n, n2" in err and len(err.strip().splitlines()) == 1
    assert analyse(db, home, "--as-of", "r2")["negotiation"] == "n"
    code, _out, err = run("analyse", "--db", db, "--negotiation", "n2", "--as-of", "r2", home=home)
    assert code == 1 and "belongs to negotiation 'n', not 'n2'" in err
