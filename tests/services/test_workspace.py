"""Workspace-level services: check, backup while another connection writes."""

from __future__ import annotations

import sqlite3
import threading

from dossier.model import Person
from dossier.services import records
from dossier.services.workspace import backup_workspace, check_workspace, open_workspace


def test_check_reports_counts_and_schema(demo_workspace):
    report = check_workspace(demo_workspace)
    assert report.ok
    assert report.integrity == ["ok"]
    assert report.counts["people"] == 9 and report.counts["positions"] == 8


def test_backup_is_consistent_while_another_connection_writes(tmp_path, demo_workspace):
    ws = demo_workspace
    stop = threading.Event()
    written = []

    def write_people():
        i = 0
        while not stop.is_set() and i < 400:
            records.create(ws, Person(id=f"p-{i}", name=f"Person {i}", bio="x" * 2000))
            written.append(i)
            i += 1

    thread = threading.Thread(target=write_people)
    thread.start()
    copies = []
    try:
        for n in range(5):
            copies.append(backup_workspace(ws, tmp_path / f"copy-{n}.sqlite"))
    finally:
        stop.set()
        thread.join()
    counts = []
    for copy in copies:
        raw = sqlite3.connect(copy)
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        n_people = raw.execute("SELECT count(*) FROM people").fetchone()[0]
        n_index = raw.execute("SELECT count(*) FROM search_index WHERE kind = 'people'").fetchone()[0]
        raw.close()
        assert n_people == n_index  # each copy is one consistent moment: record and index agree
        counts.append(n_people)
        with open_workspace(copy) as restored:
            assert check_workspace(restored).ok
    assert counts == sorted(counts)
    assert 9 <= counts[0] <= 9 + len(written)


def test_backup_refuses_to_overwrite_the_workspace(demo_workspace):
    import pytest

    from dossier.errors import WorkspaceError

    with pytest.raises(WorkspaceError, match="is the open workspace"):
        backup_workspace(demo_workspace, demo_workspace.path)
