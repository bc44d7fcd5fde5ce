"""`dossier copy`, and --db with a URL, on the command line (SQLite side; the PostgreSQL
side is in tests/postgres)."""

from __future__ import annotations

import pytest

from dossier.cli import main
from dossier.services import history, interchange, records
from dossier.services.workspace import open_workspace


def _export(path) -> dict:
    with open_workspace(path) as ws:
        data = interchange.document_to_json(interchange.export_document(ws))
        entries = history.count(ws)
    data.pop("exported_at")
    return {"records": data, "history": entries}


def test_copy_a_workspace_to_a_new_file(tmp_path, capsys):
    source, target = tmp_path / "a.sqlite", tmp_path / "new" / "b.sqlite"
    assert main(["demo", "--db", str(source)]) == 0
    with open_workspace(source) as ws:
        person = records.get(ws, "people", "ahmad-al-sharaa")
        person.title = "Edited"
        records.update(ws, person)
    capsys.readouterr()
    assert main(["copy", "--from", str(source), "--to", str(target)]) == 0
    out = capsys.readouterr().out
    assert f"Copied {source} to {target}" in out and "9 people" in out and "history entries" in out
    assert _export(target) == _export(source)
    with open_workspace(target) as ws:
        assert records.get_versioned(ws, "people", "ahmad-al-sharaa")[1] == 2


def test_copy_refuses_what_it_would_overwrite(tmp_path, capsys):
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    assert main(["demo", "--db", str(a)]) == 0
    assert main(["demo", "--db", str(b)]) == 0
    before = b.read_bytes()
    capsys.readouterr()
    assert main(["copy", "--from", str(a), "--to", str(b)]) == 1
    assert "is not empty" in capsys.readouterr().err
    assert main(["copy", "--from", str(a), "--to", str(a)]) == 1
    assert "the same workspace" in capsys.readouterr().err
    assert main(["copy", "--from", str(tmp_path / "missing.sqlite"), "--to", str(tmp_path / "c.sqlite")]) == 1
    assert "no workspace at" in capsys.readouterr().err
    assert not (tmp_path / "c.sqlite").exists()
    with pytest.raises(SystemExit) as exited:  # --to is required
        main(["copy", "--from", str(a)])
    assert exited.value.code == 1
    with open_workspace(b, readonly=True) as ws:
        assert interchange.export_document(ws).count()["people"] == 9
    assert len(b.read_bytes()) == len(before)


def test_unreachable_server_is_one_clear_line(capsys):
    assert main(["check", "--db", "postgresql://someone:secret@127.0.0.1:1/team"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("dossier: cannot open postgresql://someone@127.0.0.1:1/team:")
    assert "cannot be reached" in err and "secret" not in err and "Traceback" not in err
    assert main(["check", "--db", "postgresql://127.0.0.1:1"]) == 1
    assert "names no database" in capsys.readouterr().err
