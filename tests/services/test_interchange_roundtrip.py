"""Round trip, export order and merge semantics of the interchange format, on real SQLite workspaces.

For any valid document D: import D into an empty workspace and export it as E; E equals D
once exported_at is dropped, optional fields are filled with null/[] and collections are
sorted by id.
"""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from interchange_cases import (
    COLLECTIONS,
    collections_started,
    encode,
    export_dict,
    full_doc,
    many_positions,
    new_workspace,
    normalised,
    record,
)

from dossier.errors import CancelledError, InterchangeError, ValidationError
from dossier.model.dates import certainly_before
from dossier.services import interchange

FIXTURE = Path(__file__).resolve().parents[2] / "resources" / "demo" / "syria-israel-2026.json"


def import_export(doc_or_bytes) -> dict:
    data = doc_or_bytes if isinstance(doc_or_bytes, bytes) else encode(doc_or_bytes)
    with tempfile.TemporaryDirectory() as tmp, new_workspace(Path(tmp) / "w.sqlite") as ws:
        interchange.import_json(ws, data)
        return export_dict(ws)


# ====================================================================== the demo fixture
def test_fixture_round_trips_through_a_workspace():
    data = FIXTURE.read_bytes()
    original = json.loads(data)
    assert import_export(data) == normalised(original)


def test_export_is_readable_again_and_round_trips_a_second_time(tmp_path):
    with new_workspace(tmp_path / "a.sqlite") as ws:
        interchange.import_json(ws, FIXTURE.read_bytes())
        out = io.StringIO()
        interchange.export_json(ws, out)
    text = out.getvalue()
    assert text.endswith("\n")
    first = json.loads(text)
    assert first["format"] == "dossier-interchange" and first["version"] == 1
    assert list(first) == ["format", "version", "exported_at", *COLLECTIONS]
    with new_workspace(tmp_path / "b.sqlite") as ws:
        interchange.import_json(ws, text.encode("utf-8"))
        assert export_dict(ws) == {k: v for k, v in first.items() if k != "exported_at"}


def test_full_document_round_trips():
    assert import_export(full_doc()) == normalised(full_doc())


# ====================================================================== generated documents
_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
_TEXT = st.one_of(
    st.text(_CHARS, max_size=40),
    st.sampled_from(["", " ", "  ", "\n", "\u3000", "<b>", "أسعد الشيباني", "\u202eabc\u202c", "\U0001f600"]),
    st.builds(lambda piece, n: piece * n, st.text(_CHARS, min_size=1, max_size=8), st.integers(300, 1000)),
)
REQUIRED_TEXT = st.builds(lambda a, c, b: a + c + b, st.text(_CHARS, max_size=20),
                          _CHARS.filter(lambda ch: not ch.isspace()), st.text(_CHARS, max_size=20))
OPTIONAL_TEXT = st.none() | _TEXT
IDS = st.text("abcdefghijklmnopqrstuvwxyz0123456789._-", min_size=1, max_size=64)


@st.composite
def partial_dates(draw, nullable=True):
    if nullable and draw(st.booleans()):
        return None
    day = draw(st.dates())
    precision = draw(st.integers(1, 3))
    return day.isoformat()[: {1: 4, 2: 7, 3: 10}[precision]]


@st.composite
def ordered_dates(draw):
    start, end = draw(partial_dates()), draw(partial_dates())
    if start and end and certainly_before(end, start):
        start, end = end, start
    return start, end


def ids_for(draw, prefix, max_size, min_size=0):
    raw = draw(st.lists(IDS, min_size=min_size, max_size=max_size, unique=True))
    # the same id may also be used in other collections; keep collections distinct sometimes
    return [prefix + i if len(prefix + i) <= 64 and draw(st.booleans()) else i for i in raw]


def citations(draw, sources):
    if not sources:
        return []
    return draw(st.lists(st.fixed_dictionaries({
        "source": st.sampled_from(sources), "credibility": st.integers(1, 6), "quote": OPTIONAL_TEXT,
    }), max_size=3))


@st.composite
def documents(draw):
    doc = {"format": "dossier-interchange", "version": 1, "exported_at": "2026-01-05T09:00:00Z"}
    party_ids = ids_for(draw, "p", 4, 1)
    doc["parties"] = [{
        "id": pid, "name": draw(REQUIRED_TEXT),
        "kind": draw(st.sampled_from(["state", "organization", "armed_group", "other"])),
        "country": draw(st.none() | st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2)), "notes": draw(OPTIONAL_TEXT),
    } for pid in party_ids]
    maybe_party = st.none() | st.sampled_from(party_ids) if party_ids else st.none()

    def role():
        start, end = draw(ordered_dates())
        return {"title": draw(REQUIRED_TEXT), "organization": draw(OPTIONAL_TEXT), "start": start, "end": end}

    person_ids = ids_for(draw, "per", 4, 1)
    doc["people"] = [{
        "id": pid, "name": draw(REQUIRED_TEXT), "native_name": draw(OPTIONAL_TEXT),
        "aliases": draw(st.lists(_TEXT, max_size=3)), "party": draw(maybe_party), "title": draw(OPTIONAL_TEXT),
        "bio": draw(OPTIONAL_TEXT), "roles": [role() for _ in range(draw(st.integers(0, 3)))],
        "notes": draw(OPTIONAL_TEXT),
    } for pid in person_ids]
    maybe_person = st.none() | st.sampled_from(person_ids) if person_ids else st.none()

    negotiation_ids = ids_for(draw, "n", 3, 1)
    doc["negotiations"] = []
    for nid in negotiation_ids:
        started, ended = draw(ordered_dates())
        members = draw(st.lists(st.sampled_from(party_ids), unique=True, max_size=4)) if party_ids else []
        doc["negotiations"].append({
            "id": nid, "title": draw(REQUIRED_TEXT), "summary": draw(OPTIONAL_TEXT),
            "status": draw(st.sampled_from(["active", "suspended", "concluded", "collapsed"])),
            "started": started, "ended": ended,
            "parties": [{"party": p, "role": draw(st.sampled_from(["party", "mediator", "observer", "host"]))}
                        for p in members],
        })

    doc["sources"] = []
    for sid in ids_for(draw, "s", 4, 1):
        earlier = [s["id"] for s in doc["sources"]]  # via only points back: no cycles
        doc["sources"].append({
            "id": sid, "title": draw(REQUIRED_TEXT), "publisher": draw(OPTIONAL_TEXT), "url": draw(OPTIONAL_TEXT),
            "published": draw(partial_dates()), "reliability": draw(st.sampled_from(list("ABCDEF"))),
            "via": draw(st.none() | st.sampled_from(earlier)) if earlier else None, "notes": draw(OPTIONAL_TEXT),
            "text": draw(OPTIONAL_TEXT),
        })
    source_ids = [s["id"] for s in doc["sources"]]

    doc["topics"], doc["rounds"], doc["positions"], doc["events"] = [], [], [], []
    if not negotiation_ids:
        return doc
    topic_ids = ids_for(draw, "t", 5, 1)
    for tid in topic_ids:
        doc["topics"].append({"id": tid, "negotiation": draw(st.sampled_from(negotiation_ids)),
                              "title": draw(REQUIRED_TEXT), "description": draw(OPTIONAL_TEXT),
                              "category": draw(OPTIONAL_TEXT)})
    topics_of = {n: [t["id"] for t in doc["topics"] if t["negotiation"] == n] for n in negotiation_ids}

    numbers_used: set = set()
    for rid in ids_for(draw, "r", 5, 1):
        nid = draw(st.sampled_from(negotiation_ids))
        number = draw(st.none() | st.integers(1, 3) | st.integers(1, 2**63 - 1))
        if (nid, number) in numbers_used:
            number = None
        elif number is not None:
            numbers_used.add((nid, number))
        start, end = draw(ordered_dates())
        doc["rounds"].append({
            "id": rid, "negotiation": nid, "number": number, "title": draw(OPTIONAL_TEXT), "start": start,
            "end": end, "venue": draw(OPTIONAL_TEXT),
            "status": draw(st.sampled_from(["planned", "held", "postponed", "cancelled"])),
            "mediator": draw(maybe_person), "summary": draw(OPTIONAL_TEXT),
            "participants": [{"person": p, "party": draw(maybe_party), "role": draw(OPTIONAL_TEXT)}
                             for p in draw(st.lists(st.sampled_from(person_ids), max_size=3))] if person_ids else [],
            "topics": draw(st.lists(st.sampled_from(topics_of[nid]), max_size=4)) if topics_of[nid] else [],
            "sources": citations(draw, source_ids),
        })
    rounds_of = {n: [r["id"] for r in doc["rounds"] if r["negotiation"] == n] for n in negotiation_ids}

    if party_ids:
        for pid in ids_for(draw, "pos", 4, 1):
            nid = draw(st.sampled_from(negotiation_ids))
            if not topics_of[nid]:
                continue
            doc["positions"].append({
                "id": pid, "negotiation": nid, "party": draw(st.sampled_from(party_ids)),
                "topic": draw(st.sampled_from(topics_of[nid])),
                "round": draw(st.none() | st.sampled_from(rounds_of[nid])) if rounds_of[nid] else None,
                "person": draw(maybe_person), "date": draw(partial_dates()),
                "kind": draw(st.sampled_from(["demand", "offer", "red_line", "concession", "assurance",
                                              "statement"])),
                "summary": draw(REQUIRED_TEXT), "sources": citations(draw, source_ids),
            })

    for eid in ids_for(draw, "e", 3):
        doc["events"].append({
            "id": eid, "negotiation": draw(st.sampled_from(negotiation_ids)),
            "date": draw(partial_dates(nullable=False)), "title": draw(REQUIRED_TEXT),
            "description": draw(OPTIONAL_TEXT),
            "people": draw(st.lists(st.sampled_from(person_ids), max_size=3)) if person_ids else [],
            "sources": citations(draw, source_ids),
        })
    return doc


def _shuffle_and_thin(doc: dict, data) -> dict:
    """The same document as an importer may write it: any record order, optional empties left out."""
    out = {k: v for k, v in doc.items() if k not in COLLECTIONS}
    if data.draw(st.booleans()):
        out.pop("exported_at")
    for name in COLLECTIONS:
        records = data.draw(st.permutations(doc[name]))
        if not records and data.draw(st.booleans()):
            continue  # a missing collection means empty
        thinned = []
        for rec in records:
            if data.draw(st.booleans()):
                rec = {k: v for k, v in rec.items() if k == "id" or v is not None and v != []}
            thinned.append(rec)
        out[name] = thinned
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(doc=documents(), data=st.data(), ascii_escapes=st.booleans())
def test_generated_documents_round_trip_exactly(doc, data, ascii_escapes):
    written = _shuffle_and_thin(doc, data)
    raw = json.dumps(written, ensure_ascii=ascii_escapes).encode("utf-8")
    assert import_export(raw) == normalised(doc)


# ====================================================================== export form
def test_export_sorts_collections_by_id_by_code_point(tmp_path):
    ids = ["t-2", "t-10", "t-1", "t_1", "t.1", "t", "a", "0", "-", "z", "t-1a", "t-01"]
    doc = {"format": "dossier-interchange", "version": 1,
           "parties": [{"id": i, "name": i, "kind": "other"} for i in ids],
           "sources": [{"id": i, "title": i, "reliability": "F"} for i in ids]}
    with new_workspace(tmp_path / "w.sqlite") as ws:
        interchange.import_json(ws, encode(doc))
        out = export_dict(ws)
    assert [p["id"] for p in out["parties"]] == sorted(ids)
    assert [p["id"] for p in out["parties"]][:6] == ["-", "0", "a", "t", "t-01", "t-1"]
    assert [s["id"] for s in out["sources"]] == sorted(ids)
    assert sorted(ids).index("t-10") < sorted(ids).index("t-2")


def test_lists_inside_a_record_keep_their_order():
    doc = full_doc()
    record(doc, "people", "per-1")["aliases"] = ["zeta", "alpha", "zeta", "", "mu"]
    record(doc, "rounds", "r-1")["topics"] = ["t-2", "t-1", "t-2"]
    record(doc, "events", "e-1")["people"] = ["per-2", "per-1"]
    record(doc, "people", "per-1")["roles"].reverse()
    out = import_export(doc)
    assert record(out, "people", "per-1")["aliases"] == ["zeta", "alpha", "zeta", "", "mu"]
    assert record(out, "rounds", "r-1")["topics"] == ["t-2", "t-1", "t-2"]
    assert record(out, "events", "e-1")["people"] == ["per-2", "per-1"]
    assert [r["title"] for r in record(out, "people", "per-1")["roles"]] == ["Envoy", "Minister"]


def test_optional_fields_are_exported_as_null_and_empty_lists():
    doc = {"format": "dossier-interchange", "version": 1,
           "parties": [{"id": "p", "name": "P", "kind": "state"}],
           "people": [{"id": "a", "name": "A", "roles": [{"title": "T"}]}],
           "negotiations": [{"id": "n", "title": "N", "status": "active", "parties": [{"party": "p",
                                                                                      "role": "host"}]}],
           "topics": [{"id": "t", "negotiation": "n", "title": "T"}],
           "rounds": [{"id": "r", "negotiation": "n", "status": "held", "participants": [{"person": "a"}],
                       "sources": [{"source": "s", "credibility": 6}]}],
           "positions": [{"id": "x", "negotiation": "n", "party": "p", "topic": "t", "kind": "offer",
                          "summary": "S"}],
           "sources": [{"id": "s", "title": "S", "reliability": "F"}],
           "events": [{"id": "e", "negotiation": "n", "date": "2025", "title": "E"}]}
    out = import_export(doc)
    assert out == {
        "format": "dossier-interchange", "version": 1,
        "parties": [{"id": "p", "name": "P", "kind": "state", "country": None, "notes": None}],
        "people": [{"id": "a", "name": "A", "native_name": None, "aliases": [], "party": None, "title": None,
                    "bio": None, "roles": [{"title": "T", "organization": None, "start": None, "end": None}],
                    "notes": None}],
        "negotiations": [{"id": "n", "title": "N", "summary": None, "status": "active", "started": None,
                          "ended": None, "parties": [{"party": "p", "role": "host"}]}],
        "topics": [{"id": "t", "negotiation": "n", "title": "T", "description": None, "category": None}],
        "rounds": [{"id": "r", "negotiation": "n", "number": None, "title": None, "start": None, "end": None,
                    "venue": None, "status": "held", "mediator": None, "summary": None,
                    "participants": [{"person": "a", "party": None, "role": None}], "topics": [],
                    "sources": [{"source": "s", "credibility": 6, "quote": None}]}],
        "positions": [{"id": "x", "negotiation": "n", "party": "p", "topic": "t", "round": None, "person": None,
                       "date": None, "kind": "offer", "summary": "S", "sources": []}],
        "sources": [{"id": "s", "title": "S", "publisher": None, "url": None, "published": None,
                     "reliability": "F", "via": None, "notes": None, "text": None}],
        "events": [{"id": "e", "negotiation": "n", "date": "2025", "title": "E", "description": None,
                    "people": [], "sources": []}],
    }


def test_empty_workspace_exports_every_collection_empty(tmp_path):
    with new_workspace(tmp_path / "w.sqlite") as ws:
        out = io.StringIO()
        interchange.export_json(ws, out)
    value = json.loads(out.getvalue())
    assert value["format"] == "dossier-interchange" and value["version"] == 1
    assert isinstance(value["exported_at"], str)
    assert all(value[name] == [] for name in COLLECTIONS)


def test_null_lists_export_as_empty_lists():
    doc = full_doc()
    record(doc, "people", "per-1")["aliases"] = None
    record(doc, "rounds", "r-1")["sources"] = None
    out = import_export(doc)
    assert record(out, "people", "per-1")["aliases"] == []
    assert record(out, "rounds", "r-1")["sources"] == []


# ====================================================================== merging
def test_merge_adds_new_replaces_existing_and_leaves_the_rest(tmp_path):
    with new_workspace(tmp_path / "w.sqlite") as ws:
        interchange.import_json(ws, encode(full_doc()))
        before = export_dict(ws)
        incoming = {
            "format": "dossier-interchange", "version": 1,
            "parties": [
                {"id": "p-a", "name": "Syrian Arab Republic", "kind": "state", "country": "SY", "notes": None},
                {"id": "p-new", "name": "France", "kind": "state", "country": "FR", "notes": "Host."},
            ],
            "people": [{"id": "per-1", "name": "A. al-Shaybani", "native_name": None, "aliases": [],
                        "party": "p-new", "title": None, "bio": None, "roles": [], "notes": None}],
        }
        report = interchange.import_json(ws, encode(incoming))
        after = export_dict(ws)
    assert report.added["parties"] == 1 and report.replaced["parties"] == 1
    assert report.added["people"] == 0 and report.replaced["people"] == 1
    assert record(after, "parties", "p-a") == incoming["parties"][0]
    assert record(after, "parties", "p-new") == incoming["parties"][1]
    assert record(after, "people", "per-1") == incoming["people"][0]  # lists replaced as a whole
    assert [p["id"] for p in after["parties"]] == ["p-a", "p-b", "p-c", "p-new"]
    for name in COLLECTIONS:  # nothing else touched
        untouched_before = [r for r in before[name] if r["id"] not in ("p-a", "per-1")]
        untouched_after = [r for r in after[name] if r["id"] not in ("p-a", "per-1", "p-new")]
        assert untouched_after == untouched_before


def test_merging_the_same_document_twice_changes_nothing(tmp_path):
    with new_workspace(tmp_path / "w.sqlite") as ws:
        interchange.import_json(ws, FIXTURE.read_bytes())
        before = export_dict(ws)
        report = interchange.import_json(ws, FIXTURE.read_bytes())
        assert export_dict(ws) == before
    assert sum(report.added.values()) == 0 and sum(report.replaced.values()) > 0


def test_merge_may_renumber_rounds_by_swapping(tmp_path):
    with new_workspace(tmp_path / "w.sqlite") as ws:
        interchange.import_json(ws, encode(full_doc()))
        doc = full_doc()
        record(doc, "rounds", "r-1")["number"] = 2
        record(doc, "rounds", "r-2")["number"] = 1
        interchange.import_json(ws, encode(doc))
        out = export_dict(ws)
    assert record(out, "rounds", "r-1")["number"] == 2 and record(out, "rounds", "r-2")["number"] == 1


def _workspace_with_full_doc(tmp_path):
    ws = new_workspace(tmp_path / "w.sqlite")
    interchange.import_json(ws, encode(full_doc()))
    return ws


@pytest.mark.parametrize(
    "incoming, expected_path",
    [
        ({"people": [{"id": "per-9", "name": "X", "party": "p-a"}]}, "people[per-9].party"),
        ({"topics": [{"id": "t-9", "negotiation": "n-1", "title": "X"}]}, "topics[t-9].negotiation"),
        ({"sources": [{"id": "s-9", "title": "X", "reliability": "A", "via": "s-1"}]}, "sources[s-9].via"),
        ({"events": [{"id": "e-9", "negotiation": "n-1", "date": "2025", "title": "X",
                      "sources": [{"source": "s-1", "credibility": 1}]}]}, "events[e-9].negotiation"),
    ],
)
def test_document_referring_to_records_only_in_the_workspace_is_refused(tmp_path, incoming, expected_path):
    doc = {"format": "dossier-interchange", "version": 1, **incoming}
    with _workspace_with_full_doc(tmp_path) as ws:
        before = export_dict(ws)
        with pytest.raises(ValidationError) as info:
            interchange.import_json(ws, encode(doc))
        assert expected_path in [e.path for e in info.value.errors]
        assert all(e.message.startswith("unknown ") for e in info.value.errors)
        assert export_dict(ws) == before


def test_round_number_already_used_in_the_workspace_is_refused(tmp_path):
    doc = full_doc()
    doc["rounds"] = [{"id": "r-9", "negotiation": "n-1", "number": 1, "status": "held"}]
    doc["positions"] = []
    with _workspace_with_full_doc(tmp_path) as ws:
        before = export_dict(ws)
        with pytest.raises(ValidationError) as info:
            interchange.import_json(ws, encode(doc))
        assert [e.path for e in info.value.errors] == ["rounds[r-9].number"]
        assert "'r-1'" in info.value.errors[0].message
        assert export_dict(ws) == before


# ====================================================================== all or nothing
BAD_DOCUMENTS = {
    "one-bad-field-among-new-records": lambda: _with_new_parties_and(lambda d: record(d, "events", "e-1")
                                                                      .__setitem__("date", "2025-02-29")),
    "dangling-reference": lambda: _with_new_parties_and(lambda d: record(d, "rounds", "r-2")
                                                         .__setitem__("mediator", "nobody")),
    "via-cycle": lambda: _with_new_parties_and(lambda d: record(d, "sources", "s-2").__setitem__("via", "s-1")),
    "trailing-data": lambda: encode(_with_new_parties_and(lambda d: None)) + b"]",
    "higher-version": lambda: _with_new_parties_and(lambda d: d.__setitem__("version", 2)),
    "bom": lambda: b"\xef\xbb\xbf" + encode(_with_new_parties_and(lambda d: None)),
}


def _with_new_parties_and(change):
    doc = full_doc()
    for rec in doc["parties"]:
        rec["name"] = rec["name"] + " (changed)"
    doc["parties"].append({"id": "p-new", "name": "New", "kind": "other", "country": None, "notes": None})
    change(doc)
    return doc


@pytest.mark.parametrize("name", list(BAD_DOCUMENTS))
def test_bad_document_leaves_the_workspace_unchanged(tmp_path, name):
    bad = BAD_DOCUMENTS[name]()
    data = bad if isinstance(bad, bytes) else encode(bad)
    with _workspace_with_full_doc(tmp_path) as ws:
        before = export_dict(ws)
        with pytest.raises((ValidationError, InterchangeError)):
            interchange.import_json(ws, data)
        assert export_dict(ws) == before


def test_cancelled_import_writes_nothing(tmp_path):
    calls = []

    def is_cancelled():
        calls.append(1)
        return len(calls) > 4  # after parties, people, negotiations and topics were written

    with _workspace_with_full_doc(tmp_path) as ws:
        before = export_dict(ws)
        doc = interchange.read_document(encode(_with_new_parties_and(lambda d: None)))
        with pytest.raises(CancelledError):
            interchange.import_document(ws, doc, is_cancelled=is_cancelled)
        assert len(calls) == 5
        assert export_dict(ws) == before


def test_failed_import_into_an_empty_workspace_leaves_it_empty(tmp_path):
    doc = full_doc()
    record(doc, "positions", "pos-2")["topic"] = "t-1"  # t-1 belongs to another negotiation
    with new_workspace(tmp_path / "w.sqlite") as ws:
        with pytest.raises(ValidationError):
            interchange.import_json(ws, encode(doc))
        assert all(v == [] for k, v in export_dict(ws).items() if k in COLLECTIONS)


def test_export_reads_and_writes_with_the_garbage_collector_paused(tmp_path):
    import gc

    from dossier.services import interchange

    with new_workspace(tmp_path / "w.sqlite") as ws:
        interchange.import_json(ws, encode(many_positions(full_doc(), 3000)))
        exported = []
        started = collections_started([lambda: exported.append(interchange.export_document(ws)),
                                       lambda: interchange.write_document(exported[0], io.StringIO())])
    assert len(exported[0].positions) == 3000
    assert started[0] <= 1 and started[1] <= 1 and gc.isenabled()
