"""Undoing an import, on a real SQLite workspace: all of it or, refused, none of it."""

from __future__ import annotations

import dataclasses
import sqlite3

import pytest
from interchange_cases import export_dict
from sqlalchemy import select

from dossier.model import Person, Position
from dossier.model.records import COLLECTIONS
from dossier.services import history, interchange, records, search
from dossier.services.import_undo import ImportNotUndoneError, undo_import


def _merge_file(demo_bytes):
    """The demo file with one person renamed, one person added and a position of theirs."""
    doc = interchange.read_document(demo_bytes)
    doc.people[0] = dataclasses.replace(doc.people[0], bio="The file's own biography.")
    doc.people.append(Person(id="zz-newcomer", name="Zephyrin Newcomer"))
    first = doc.positions[0]
    doc.positions.append(dataclasses.replace(first, id="zz-position", person="zz-newcomer",
                                             summary="Zephyrin's opening demand"))
    return doc


def _import(ws, doc):
    return interchange.import_document(ws, doc, undoable=True)


def test_undo_puts_back_what_was_replaced_and_removes_what_was_added(demo_workspace, demo_bytes):
    ws = demo_workspace
    person = records.get(ws, "people", interchange.read_document(demo_bytes).people[0].id)
    records.update(ws, dataclasses.replace(person, bio="My notes, before the import."))
    records.create(ws, Person(id="only-mine", name="Only Mine"))
    before = export_dict(ws)

    report = _import(ws, _merge_file(demo_bytes))
    assert report.added == {**{n: 0 for n in report.added}, "people": 1, "positions": 1}
    assert records.get(ws, "people", person.id).bio == "The file's own biography."
    assert search.search(ws, "Zephyrin")

    undone = undo_import(ws, report.undo)
    assert undone.removed == {"positions": 1, "people": 1}
    assert export_dict(ws) == before
    assert not records.exists(ws, "people", "zz-newcomer") and records.exists(ws, "people", "only-mine")
    assert not search.search(ws, "Zephyrin")
    assert search.search(ws, "before the import")
    latest = history.for_record(ws, "people", person.id)[0]
    assert latest.action == "update" and latest.after.bio == "My notes, before the import."
    assert history.for_record(ws, "people", "zz-newcomer") == []  # deleted means gone: not even its id
    with ws.db.read() as conn:
        last = conn.execute(select(history.history.c.uid, history.history.c.action)
                            .order_by(history.history.c.id.desc()).limit(1)).one()
    assert last.action == "delete" and last.uid.startswith("deleted-")  # who and when are kept
    conn = sqlite3.connect(ws.path)
    try:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def test_undoing_an_import_into_an_empty_workspace_empties_it(empty_workspace, demo_bytes):
    ws = empty_workspace
    report = interchange.import_json(ws, demo_bytes, undoable=True)
    assert sum(report.added.values()) == 41 and not sum(report.replaced.values())
    undone = undo_import(ws, report.undo)
    assert undone.removed == {n: c for n, c in report.added.items() if c}
    assert all(not records.list_all(ws, name) for name in COLLECTIONS)
    assert not search.search(ws, "Sharaa")


def test_refused_when_a_record_it_wrote_changed_since(demo_workspace, demo_bytes):
    ws = demo_workspace
    report = _import(ws, _merge_file(demo_bytes))
    newcomer = records.get(ws, "people", "zz-newcomer")
    records.update(ws, dataclasses.replace(newcomer, title="Envoy"))
    now = export_dict(ws)
    with pytest.raises(ImportNotUndoneError, match=r"^the import cannot be undone: person 'zz-newcomer' was changed since; nothing was changed$"):
        undo_import(ws, report.undo)
    assert export_dict(ws) == now


def test_refused_when_a_record_it_wrote_was_deleted_since(demo_workspace, demo_bytes):
    ws = demo_workspace
    report = _import(ws, _merge_file(demo_bytes))
    records.delete(ws, "positions", "zz-position")
    with pytest.raises(ImportNotUndoneError, match="position 'zz-position' was deleted since;"):
        undo_import(ws, report.undo)
    assert records.exists(ws, "people", "zz-newcomer")


def test_refused_when_a_record_made_since_refers_to_one_it_added(demo_workspace, demo_bytes):
    ws = demo_workspace
    report = _import(ws, _merge_file(demo_bytes))
    theirs = records.get(ws, "positions", "zz-position")
    records.create(ws, Position(**{**theirs.__dict__, "id": "later-work", "summary": "Made later"}))
    now = export_dict(ws)
    with pytest.raises(ImportNotUndoneError) as caught:
        undo_import(ws, report.undo)
    assert "position 'later-work' made or changed since refers to records it added (person)" \
        in str(caught.value)
    assert export_dict(ws) == now


def test_the_undo_data_is_only_gathered_when_asked(empty_workspace, demo_bytes):
    assert interchange.import_json(empty_workspace, demo_bytes).undo is None


def test_refused_when_what_it_replaced_refers_to_a_record_deleted_since(demo_workspace):
    ws = demo_workspace
    theirs = records.list_all(ws, "positions")[0]
    records.create(ws, Person(id="witness", name="Witness"))
    records.create(ws, dataclasses.replace(theirs, id="seen", person="witness"))
    doc = interchange.export_document(ws)
    doc.positions = [dataclasses.replace(p, person=None) if p.id == "seen" else p for p in doc.positions]
    doc.people = [p for p in doc.people if p.id != "witness"]
    report = _import(ws, doc)
    records.delete(ws, "people", "witness")  # nothing refers to them any more
    with pytest.raises(ImportNotUndoneError, match="refers to person 'witness', deleted since; nothing was changed"):
        undo_import(ws, report.undo)
    assert records.get(ws, "positions", "seen").person is None


def test_a_record_changed_since_and_changed_back_does_not_stop_it(demo_workspace, demo_bytes):
    ws = demo_workspace
    before = export_dict(ws)
    report = _import(ws, _merge_file(demo_bytes))
    newcomer = records.get(ws, "people", "zz-newcomer")
    records.update(ws, dataclasses.replace(newcomer, title="Envoy"))
    records.update(ws, newcomer)  # as the undo of that edit does: same text, a later version
    undo_import(ws, report.undo)
    assert export_dict(ws) == before
