"""Versions, stale saves and the history of every edit, on a real SQLite workspace."""

from __future__ import annotations

import getpass

import pytest
from sqlalchemy import select

from dossier import config
from dossier.errors import StaleRecordError
from dossier.model import Person, Position
from dossier.services import history, interchange, records
from dossier.services.workspace import open_workspace


def test_every_save_raises_the_version_and_a_stale_one_is_refused(demo_workspace):
    ws = demo_workspace
    person, version = records.get_versioned(ws, "people", "ahmad-al-sharaa")
    assert version == 1  # as the demo import created it
    first = Person(**{**person.__dict__, "title": "President"})
    records.update(ws, first, expected_version=version)
    assert records.version_of(ws, "people", "ahmad-al-sharaa") == version + 1
    second = Person(**{**person.__dict__, "bio": "Another edit from the same starting point."})
    with pytest.raises(StaleRecordError) as caught:
        records.save(ws, second, expected_version=version)
    stale = caught.value
    assert stale.current == first and stale.current_version == version + 1
    assert stale.changed_by == getpass.getuser() and stale.changed_at.endswith("Z")
    assert records.get(ws, "people", "ahmad-al-sharaa") == first  # nothing of the stale save
    records.save(ws, Person(**{**first.__dict__, "bio": second.bio}), expected_version=stale.current_version)
    assert records.get(ws, "people", "ahmad-al-sharaa").bio == second.bio
    with pytest.raises(StaleRecordError):
        records.delete(ws, "people", "ahmad-al-sharaa", cascade=True, expected_version=version)
    assert records.exists(ws, "people", "ahmad-al-sharaa")


def test_a_record_deleted_meanwhile_is_reported_as_such(empty_workspace):
    ws = empty_workspace
    records.create(ws, Person(id="p", name="P"))
    person, version = records.get_versioned(ws, "people", "p")
    records.delete(ws, "people", "p")
    with pytest.raises(StaleRecordError, match="was deleted") as caught:
        records.update(ws, person, expected_version=version)
    assert caught.value.current is None and caught.value.current_version is None
    assert not records.exists(ws, "people", "p")


def test_without_an_expected_version_saves_as_before(empty_workspace):
    records.create(empty_workspace, Person(id="p", name="P"))
    records.update(empty_workspace, Person(id="p", name="P2"))
    assert records.get_versioned(empty_workspace, "people", "p")[1] == 2


def test_history_per_record_newest_first_with_who_and_when(empty_workspace, monkeypatch):
    ws = empty_workspace
    records.create(ws, Person(id="p", name="P"))
    records.update(ws, Person(id="p", name="P", title="Envoy"))
    entries = history.for_record(ws, "people", "p")
    assert [e.action for e in entries] == ["update", "create"]
    assert {e.who for e in entries} == {getpass.getuser()}
    assert entries[0].before == Person(id="p", name="P") and entries[0].after.title == "Envoy"
    assert entries[1].before is None and entries[1].after == Person(id="p", name="P")
    assert entries[0].at >= entries[1].at
    assert history.for_record(ws, "people", "nobody") == []


def test_the_analyst_name_comes_from_the_environment_or_the_setting(tmp_path, monkeypatch):
    monkeypatch.delenv("DOSSIER_ANALYST", raising=False)
    config.write_setting("analyst_name", "  Dana Analyst ")
    assert config.analyst_name() == "Dana Analyst"
    with open_workspace(tmp_path / "w.sqlite") as ws:
        records.create(ws, Person(id="p", name="P"))
    monkeypatch.setenv("DOSSIER_ANALYST", "Eli")
    with open_workspace(tmp_path / "w.sqlite") as ws:
        records.update(ws, Person(id="p", name="Q"))
        assert [e.who for e in history.for_record(ws, "people", "p")] == ["Eli", "Dana Analyst"]


def test_a_cascade_records_every_record_it_deleted_or_changed(demo_workspace):
    ws = demo_workspace
    topic = records.list_all(ws, "topics")[0].id
    on_topic = [p.id for p in records.find(ws, "positions", {"topic": topic})]
    rounds_with_it = [r.id for r in records.list_all(ws, "rounds") if topic in r.topics]
    before = {r: records.version_of(ws, "rounds", r) for r in rounds_with_it}
    deleted_before = _deleted_rows(ws)
    records.delete(ws, "topics", topic, cascade=True)
    assert history.for_record(ws, "topics", topic) == []  # deleted means gone, its id too
    for pid in on_topic:
        assert history.for_record(ws, "positions", pid) == []
    new = _deleted_rows(ws) - deleted_before
    assert sorted(c for c, _ in new) == sorted(["topics"] + ["positions"] * len(on_topic))  # one row each
    for rid in rounds_with_it:
        latest = history.for_record(ws, "rounds", rid)[0]
        assert latest.action == "update" and topic not in latest.after.topics
        assert records.version_of(ws, "rounds", rid) == before[rid] + 1


def _deleted_rows(ws) -> set[tuple[str, str]]:
    """(collection, name) of every ``delete`` row: each kept under a random name."""
    with ws.db.read() as conn:
        rows = conn.execute(select(history.history.c.collection, history.history.c.uid)
                            .where(history.history.c.action == "delete")).all()
    assert all(uid.startswith("deleted-") for _, uid in rows)
    return {(c, uid) for c, uid in rows}


def test_imports_write_one_row_per_record_and_raise_versions(demo_workspace, demo_bytes):
    ws = demo_workspace
    count = history.count(ws)
    version = records.version_of(ws, "parties", "sy")
    report = interchange.import_json(ws, demo_bytes)
    assert history.count(ws) == count + sum(report.replaced.values()) + sum(report.added.values())
    assert records.version_of(ws, "parties", "sy") == version + 1
    latest = history.for_record(ws, "parties", "sy")[0]
    assert (latest.action, latest.before, latest.after) == ("import", None, None)  # imported as it was


def test_an_import_keeps_what_it_replaced_in_the_history(demo_workspace, demo_bytes):
    ws = demo_workspace
    person = records.get(ws, "people", "ahmad-al-sharaa")
    mine = Person(**{**person.__dict__, "bio": "My own notes, <b>not</b> in the file."})
    records.update(ws, mine)
    interchange.import_json(ws, demo_bytes)
    assert records.get(ws, "people", "ahmad-al-sharaa") == person  # the file's version won
    latest = history.for_record(ws, "people", "ahmad-al-sharaa")[0]
    assert (latest.action, latest.before, latest.after) == ("import", mine, person)


def test_records_an_import_adds_get_a_row_without_their_text(empty_workspace, demo_bytes):
    interchange.import_json(empty_workspace, demo_bytes)
    [entry] = history.for_record(empty_workspace, "people", "ahmad-al-sharaa")
    assert (entry.action, entry.before, entry.after) == ("import", None, None)


def test_a_position_edit_keeps_its_citations_in_history(demo_workspace):
    ws = demo_workspace
    pos: Position = next(p for p in records.list_all(ws, "positions") if p.sources)
    changed = Position(**{**pos.__dict__, "summary": pos.summary + " (revised)"})
    records.update(ws, changed)
    entry = history.for_record(ws, "positions", pos.id)[0]
    assert entry.before == pos and entry.after == changed
