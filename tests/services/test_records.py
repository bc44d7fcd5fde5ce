"""Services on a real workspace: validation naming fields, references, cascades."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dossier.errors import NotFoundError, ReferencedError, ValidationError
from dossier.model import Citation, Participant, Person, Position, Role, Round, Source, Topic
from dossier.services import queries, records


def paths(exc: ValidationError) -> list[str]:
    return [e.path for e in exc.errors]


def test_create_get_update_person(demo_workspace):
    ws = demo_workspace
    person = Person(id="hakan-fidan", name="Hakan Fidan", native_name="Hakan Fidan", aliases=["H. Fidan"],
                    roles=[Role(title="Foreign Minister", start="2023-06")], bio="Line one\nLine two")
    saved, version = records.create(ws, person)
    assert saved == person and version == 1
    assert records.get(ws, "people", "hakan-fidan").bio == "Line one\nLine two"
    changed, version = records.update(ws, replace(saved, title="Minister", aliases=["Fidan", "H. Fidan"]))
    assert records.get_versioned(ws, "people", "hakan-fidan") == (changed, version) and version == 2
    assert changed.aliases == ["Fidan", "H. Fidan"]


def test_validation_names_every_bad_field(demo_workspace):
    bad = Person(id="x-1", name="  ", party="atlantis", roles=[Role(title="Envoy", start="2025-05-10", end="2025-04")])
    with pytest.raises(ValidationError) as info:
        records.create(demo_workspace, bad)
    assert paths(info.value) == ["people[x-1].name", "people[x-1].party", "people[x-1].roles[0].end"]
    assert "unknown party 'atlantis'" in str(info.value)
    with pytest.raises(NotFoundError):
        records.get(demo_workspace, "people", "x-1")


def test_invalid_id_and_duplicate_id(demo_workspace):
    with pytest.raises(ValidationError) as info:
        records.create(demo_workspace, Person(id="Not An Id", name="X"))
    assert paths(info.value) == ["people[#0].id"]
    with pytest.raises(ValidationError, match="already exists"):
        records.create(demo_workspace, Person(id="ron-dermer", name="Someone else"))


def test_update_of_missing_record_is_not_found(demo_workspace):
    with pytest.raises(NotFoundError, match="people: no record with id 'nobody'"):
        records.update(demo_workspace, Person(id="nobody", name="Nobody"))


def test_position_topic_must_belong_to_its_negotiation(demo_workspace):
    ws = demo_workspace
    from dossier.model import Negotiation
    from dossier.services import records

    records.create(ws, Negotiation(id="other", title="Other talks"))
    records.create(ws, Topic(id="other-topic", negotiation="other", title="Elsewhere"))
    pos = Position(id="p-x", negotiation="il-sy-security", party="il", topic="other-topic",
                   kind="demand", summary="Mismatch")
    with pytest.raises(ValidationError, match="belongs to negotiation 'other'") as info:
        records.create(ws, pos)
    assert paths(info.value) == ["positions[p-x].topic"]


def test_round_number_is_unique_within_its_negotiation(demo_workspace):
    with pytest.raises(ValidationError, match="round number 5 is already used") as info:
        records.create(demo_workspace, Round(id="round-5b", negotiation="il-sy-security", number=5))
    assert paths(info.value) == ["rounds[round-5b].number"]
    renumbered = replace(records.get(demo_workspace, "rounds", "round-5"), number=6)
    assert records.update(demo_workspace, renumbered).record.number == 6


def test_citation_credibility_and_source_checked(demo_workspace):
    rnd = records.get(demo_workspace, "rounds", "round-5")
    bad = replace(rnd, sources=[Citation(source="art-paris-round-5", credibility=7),
                                Citation(source="nowhere", credibility=2)])
    with pytest.raises(ValidationError) as info:
        records.update(demo_workspace, bad)
    assert [str(e) for e in info.value.errors] == [
        "rounds[round-5].sources[0].credibility: expected an integer 1-6, got number 7",
        "rounds[round-5].sources[1].source: unknown source 'nowhere'",
    ]


def test_via_cycle_is_refused(demo_workspace):
    src = records.get(demo_workspace, "sources", "art-paris-round-5")
    with pytest.raises(ValidationError, match="comes back to where it started"):
        records.update(demo_workspace, replace(src, via="src-informed"))
    with pytest.raises(ValidationError):
        records.create(demo_workspace, Source(id="selfish", title="Self", via="selfish"))


def test_delete_referenced_is_refused_with_referrers(demo_workspace):
    with pytest.raises(ReferencedError) as info:
        records.delete(demo_workspace, "people", "benjamin-netanyahu")
    refs = {str(r) for r in info.value.references}
    assert "positions[pos-il-red-lines].person" in refs
    assert "events[ev-miami-meeting].people" in refs
    assert records.get(demo_workspace, "people", "benjamin-netanyahu")


def test_cascade_delete_clears_optional_and_removes_entries(demo_workspace):
    ws = demo_workspace
    outcome = records.delete(ws, "people", "yechiel-leiter", cascade=True)
    assert outcome.deleted == {"people": ["yechiel-leiter"]}
    r5 = records.get(ws, "rounds", "round-5")
    assert "yechiel-leiter" not in [p.person for p in r5.participants]
    assert [p.person for p in r5.participants][:1] == ["asaad-al-shaybani"]


def test_cascade_delete_of_a_topic_deletes_its_positions(demo_workspace):
    ws = demo_workspace
    outcome = records.delete(ws, "topics", "idf-withdrawal", cascade=True)
    assert outcome.deleted["positions"] == ["pos-sy-withdrawal"]
    assert "idf-withdrawal" not in records.get(ws, "rounds", "round-5").topics
    with pytest.raises(NotFoundError):
        records.get(ws, "positions", "pos-sy-withdrawal")


def test_delete_preview_changes_nothing_and_restores(demo_workspace):
    from dossier.services import interchange

    ws = demo_workspace
    before = interchange.document_to_json(interchange.export_document(ws))
    outcome, snapshot = records.delete_preview(ws, "parties", "il")
    assert "il" in outcome.deleted["parties"]
    assert interchange.document_to_json(interchange.export_document(ws))["people"] == before["people"]
    records.delete(ws, "parties", "il", cascade=True)
    interchange.import_document(ws, snapshot)
    after = interchange.document_to_json(interchange.export_document(ws))
    for key in ("parties", "people", "negotiations", "topics", "rounds", "positions", "sources", "events"):
        assert after[key] == before[key], key


def test_rounds_attended_and_positions_stated(demo_workspace):
    assert [r.id for r in queries.rounds_attended(demo_workspace, "asaad-al-shaybani")] == ["round-4", "round-5"]
    assert [p.id for p in queries.positions_stated(demo_workspace, "asaad-al-shaybani")] == ["pos-sy-withdrawal"]


def test_lists_put_a_partial_date_after_the_days_inside_it(demo_workspace):
    # "2025" (Dermer resigns) after 29 Dec 2025; "2026-01" after nothing dated inside January
    assert [e.id for e in queries.list_events(demo_workspace, "il-sy-security")] == [
        "ev-assad-falls", "ev-miami-meeting", "ev-dermer-resigns", "ev-new-team"]
    dates = [p.date for p in queries.list_positions(demo_workspace, party="il")]
    assert dates == ["2025-12-29", "2025-12-29", "2025-12-29", "2026-01", "2026-01"]


def test_participant_with_unknown_person(demo_workspace):
    rnd = records.get(demo_workspace, "rounds", "round-1")
    with pytest.raises(ValidationError) as info:
        records.update(demo_workspace, replace(rnd, participants=[Participant(person="ghost", party="il")]))
    assert paths(info.value) == ["rounds[round-1].participants[0].person"]


def test_new_id_is_readable_and_fresh(demo_workspace):
    assert records.new_id(demo_workspace, "people", "Ron Dermer") == "ron-dermer-2"
    assert records.new_id(demo_workspace, "people", "Shaybānī") == "shaybani"
    assert records.new_id(demo_workspace, "people", "أسعد") == "person"


def test_large_text_is_stored_whole(demo_workspace):
    big = "مرحبا " * 200_000  # about 1.2 MB of Arabic
    person = replace(records.get(demo_workspace, "people", "ron-dermer"), notes=big)
    records.update(demo_workspace, person)
    assert records.get(demo_workspace, "people", "ron-dermer").notes == big


def test_choices_give_ids_and_fields_in_name_order_without_whole_records(demo_workspace):
    got = records.choices(demo_workspace, "people", "name", "party")
    everyone = queries.list_people(demo_workspace)
    assert sorted(got) == sorted((p.id, p.name, p.party) for p in everyone)
    names = [name for _id, name, _party in got]
    assert names == sorted(names, key=str.casefold)
    sources = records.choices(demo_workspace, "sources", "title", "reliability")
    assert {s[0] for s in sources} == {s.id for s in records.list_all(demo_workspace, "sources")}
    assert all(s[2] in "ABCDEF" for s in sources)


def test_many_records_found_at_once_read_the_same_as_one_by_one(demo_workspace):
    """Over a few hundred, ``find`` reads through its query instead of key by key."""
    from dossier.services import interchange

    demo = interchange.export_document(demo_workspace)
    neg = demo.negotiations[0]
    party, topic = neg.parties[0].party, next(t.id for t in demo.topics if t.negotiation == neg.id)
    rnd = next(r.id for r in demo.rounds if r.negotiation == neg.id)
    everyone = [p.id for p in demo.people]
    cited = [s.id for s in demo.sources]
    extra = [Position(id=f"bulk-{i:04d}", negotiation=neg.id, party=party, topic=topic,
                      round=rnd if i % 3 else None, person=everyone[i % len(everyone)] if i % 4 else None,
                      date="2026-02" if i % 5 else None, summary=f"Position {i}",
                      sources=[Citation(source=cited[(i + k) % len(cited)], credibility=2, quote=None)
                               for k in range(i % 3)])
             for i in range(1200)]
    demo.positions.extend(extra)
    interchange.import_document(demo_workspace, demo)
    found = records.find(demo_workspace, "positions", {"negotiation": neg.id})
    assert len(found) > 1200
    ids = [p.id for p in found]
    assert ids == sorted(ids)
    assert found == records.get_many(demo_workspace, "positions", ids)
    by_id = {p.id: p for p in found}
    assert all(by_id[p.id] == p for p in extra)


def test_find_without_lists_reads_every_field_but_leaves_the_lists_empty(demo_workspace):
    ws = demo_workspace
    whole = records.find(ws, "positions")
    bare = records.find(ws, "positions", lists=False)
    assert any(p.sources for p in whole)
    assert [replace(p, sources=[]) for p in whole] == bare
    rounds_bare = records.find(ws, "rounds", lists=False)
    assert all(not r.participants and not r.topics and not r.sources for r in rounds_bare)
    assert [r.id for r in rounds_bare] == [r.id for r in records.find(ws, "rounds")]


def test_a_negotiation_is_loaded_with_positions_only_when_asked(demo_workspace):
    from dossier.ui.widgets.negotiation_data import load_negotiation

    ws = demo_workspace
    nid = records.find(ws, "negotiations")[0].id
    assert load_negotiation(ws, nid).positions == []
    doc = load_negotiation(ws, nid, positions=True)
    expected = [replace(p, sources=[]) for p in records.find(ws, "positions", {"negotiation": nid})]
    assert doc.positions == expected and expected
    assert load_negotiation(ws, "no-such-negotiation") is None
