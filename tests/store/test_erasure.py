"""Deleted means gone, fully: after a record is deleted and the workspace closed, no file in the
workspace's folder holds its text or its id, in its own history or in other records'.

Each test builds a real workspace in a temporary folder, deletes with a cascade, closes, and
searches the bytes of every file in the folder (the workspace, its ``-wal`` and ``-shm``, the
lock, anything else there). Backups taken before the delete are the user's own copies and are
left out of the search (docs/reliability.md says so).
"""

from __future__ import annotations

import dataclasses
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from erasure_scan import PERSON, found, involve, needles, person
from sqlalchemy import text

from dossier.model import Citation, Participant, Person
from dossier.services import history, interchange, records
from dossier.services.demo import build_demo
from dossier.services.workspace import open_workspace


def test_a_cascade_delete_leaves_nothing_of_the_person_in_any_file(tmp_path):
    folder = tmp_path / "talks"
    ws, _ = build_demo(folder / "talks.sqlite")
    with ws:
        records.create(ws, person())
        involve(ws)
        assert len(history.for_record(ws, "people", PERSON)) == 1
    wanted = needles()
    assert found(folder, wanted)  # closing folded everything into the file: the words are there

    with open_workspace(folder / "talks.sqlite") as ws:  # the daily backup is made here, before the delete
        made = ws.backup_made
        records.delete(ws, "people", PERSON, cascade=True)
        # while open: what the cascade changed, its history's earlier versions no longer name the person
        for collection, rid in (("rounds", "round-2"), ("events", "ev-miami-meeting"),
                                ("positions", "pos-il-red-lines")):
            for entry in history.for_record(ws, collection, rid):
                for version in (entry.before, entry.after):
                    assert version is None or PERSON not in repr(version) and "Plumbagoid" not in repr(version)
        assert history.for_record(ws, "people", PERSON) == []
        with ws.db.read() as conn:
            kept = conn.execute(text("SELECT uid, action, who, at, before, after FROM history "
                                             "WHERE collection = 'people' AND uid LIKE 'deleted-%'")).all()
    assert [row.action for row in kept] == ["create", "delete"]  # who and when are kept...
    assert len({row.uid for row in kept}) == 1 and all(row.who and row.at for row in kept)
    assert all(row.before is None and row.after is None for row in kept)  # ...without the text
    assert made is not None and made.is_file()

    assert found(folder, wanted, exempt={made}) == {}
    assert found(made.parent, wanted)  # the backup made before the delete still holds them: the user's copy


def test_the_placeholder_is_random_and_each_deleted_record_has_its_own(empty_workspace):
    ws = empty_workspace
    for pid in ("a-person", "b-person"):
        records.create(ws, Person(id=pid, name=pid))
        records.update(ws, Person(id=pid, name=pid, title="x"))
    records.delete(ws, "people", "a-person")
    records.delete(ws, "people", "b-person")
    with ws.db.read() as conn:
        rows = conn.execute(text("SELECT uid, action FROM history ORDER BY id")).all()
    names = [r.uid for r in rows]
    assert all(n.startswith("deleted-") and len(n) == len("deleted-") + 16 for n in names)
    assert names[0] == names[1] == names[4] != names[2]  # a's create, update and delete; b's differ
    assert names[2] == names[3] == names[5]
    assert not any("person" in n for n in names)


def test_a_deleted_source_takes_its_quotes_out_of_other_records_history(demo_workspace):
    ws = demo_workspace
    source = records.get(ws, "sources", records.list_all(ws, "sources")[0].id)
    position = records.get(ws, "positions", "pos-il-red-lines")
    records.update(ws, dataclasses.replace(position, sources=[
        *position.sources, Citation(source=source.id, credibility=2, quote="Snorkelwhist said so")]))
    records.update(ws, dataclasses.replace(records.get(ws, "positions", "pos-il-red-lines"), summary="Changed."))
    records.delete(ws, "sources", source.id, cascade=True)
    with ws.db.read() as conn:
        texts = [t for row in conn.execute(text("SELECT uid, before, after FROM history")).all()
                 for t in row if t]
    assert not any("Snorkelwhist" in t for t in texts)
    assert not any(f'"{source.id}"' in t for t in texts)


def test_records_an_import_added_leave_no_trace_once_deleted(demo_workspace, demo_bytes):
    from dossier.services.import_undo import undo_import

    ws = demo_workspace
    doc = interchange.read_document(demo_bytes)
    doc.people.append(person())
    doc.rounds.append(dataclasses.replace(doc.rounds[1], id="round-extra", number=None, participants=[
        Participant(person=PERSON, party="il", role="Plumbagoid liaison")]))
    report = interchange.import_document(ws, doc, undoable=True)
    assert report.added["people"] == 1 and report.added["rounds"] == 1
    records.update(ws, dataclasses.replace(records.get(ws, "rounds", "round-extra"), summary="Seen."))
    records.update(ws, dataclasses.replace(records.get(ws, "rounds", "round-extra"), summary="Seen twice."))
    with pytest.raises(Exception, match="changed since"):
        undo_import(ws, report.undo)  # refused: the round it added was changed since
    records.delete(ws, "rounds", "round-extra")
    records.delete(ws, "people", PERSON)
    with ws.db.read() as conn:
        texts = [t for row in conn.execute(text("SELECT uid, before, after FROM history")).all()
                 for t in row if t]
    assert not any(PERSON in t or "Plumbagoid" in t for t in texts)


def test_a_reader_holding_the_file_open_during_the_delete(tmp_path):
    """What docs/reliability.md says of a reader: once it lets go (and at the latest when the
    writer closes, which waits for it), the log is folded in and emptied; a reader that keeps a
    read transaction open past the writer's close leaves the text until a writer next opens the
    workspace, which folds the log in and empties it at once."""
    folder = tmp_path / "talks"
    ws, _ = build_demo(folder / "talks.sqlite")
    with ws:
        records.create(ws, person())
        involve(ws)
    wanted = needles()
    path = folder / "talks.sqlite"

    # a reader that keeps its connection open, but reads only now and then (as Dossier's readers do)
    reader = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    reader.execute("SELECT count(*) FROM people").fetchone()
    with open_workspace(path, daily_backup=False) as ws:
        records.delete(ws, "people", PERSON, cascade=True)
    assert found(folder, wanted) == {}  # the writer's close emptied the log although a reader was there
    reader.close()
    assert found(folder, wanted) == {}

    # a reader in the middle of a read transaction for the whole time: the log cannot be emptied
    ws, _ = build_demo(tmp_path / "other" / "talks.sqlite")
    with ws:
        records.create(ws, person())
        involve(ws)
    folder, path = tmp_path / "other", tmp_path / "other" / "talks.sqlite"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sqlite3, sys
        conn = sqlite3.connect("file:{path}?mode=ro", uri=True, isolation_level=None)
        conn.execute("BEGIN")
        conn.execute("SELECT count(*) FROM people").fetchone()
        print("reading", flush=True)
        sys.stdin.readline()
        conn.execute("COMMIT")
        conn.close()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "reading"
        with open_workspace(path, daily_backup=False) as ws:
            records.delete(ws, "people", PERSON, cascade=True)
    finally:
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=30)
    assert found(folder, wanted)  # the old pages stayed in the file: the log could not be folded in past the reader
    with open_workspace(path, daily_backup=False):
        pass  # the next writer folds the log in and empties it
    assert found(folder, wanted) == {}


@pytest.mark.parametrize("command", [["check"], ["export-json", "-o", "{out}"], ["search", "Zanzibarquux"]])
def test_commands_leave_no_log_behind(tmp_path, command):
    """Every command closes the workspace with its log folded in and emptied."""
    path = tmp_path / "w.sqlite"
    ws, _ = build_demo(path)
    ws.close()
    args = [a.replace("{out}", str(tmp_path / "out.json")) for a in command]
    out = subprocess.run([sys.executable, "-m", "dossier", *args, "--db", str(path)],
                         capture_output=True, text=True, timeout=120, check=False)
    assert "Traceback" not in out.stderr
    wal = Path(f"{path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
