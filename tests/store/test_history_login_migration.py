"""Migration 0010 on a workspace file: the history gains ``login``, the account that wrote each
entry (the OS user on a file), beside ``who``, the analyst's name as declared. Entries written
before keep none; new ones name the OS user whatever the analyst declares."""

from __future__ import annotations

import getpass
import sqlite3

from old_workspaces import workspace_at

from dossier.model.records import Person
from dossier.services import history, interchange, records
from dossier.services.demo import demo_bytes
from dossier.services.workspace import open_workspace


def test_a_file_upgraded_to_0010_records_the_os_user_beside_the_declared_analyst(tmp_path, monkeypatch):
    path = tmp_path / "old.sqlite"
    workspace_at(path, "0009")
    raw = sqlite3.connect(path)
    with raw:
        raw.execute("INSERT INTO history (collection, uid, action, at, who) "
                    "VALUES ('people', 'old-one', 'import', '2025-01-01T00:00:00.000000Z', 'Earlier Analyst')")
    raw.close()
    monkeypatch.setenv("DOSSIER_ANALYST", "Declared Name")
    with open_workspace(path) as ws:
        assert ws.db.upgraded_from == "0009"
        assert [(e.who, e.login) for e in history.for_record(ws, "people", "old-one")] == [("Earlier Analyst", None)]
        records.create(ws, Person(id="new-one", name="New One"))
        interchange.import_json(ws, demo_bytes())
        entry = history.for_record(ws, "people", "new-one")[0]
        assert (entry.who, entry.login) == ("Declared Name", getpass.getuser())
        imported = history.for_record(ws, "people", "ron-dermer")[0]
        assert (imported.action, imported.who, imported.login) == ("import", "Declared Name", getpass.getuser())
        records.delete(ws, "people", "new-one")
        with ws.db.read() as conn:
            logins = conn.exec_driver_sql("SELECT DISTINCT login FROM history WHERE uid <> 'old-one'").all()
    assert logins == [(getpass.getuser(),)]


def test_the_servers_erasure_knows_where_each_collection_names_others():
    """On PostgreSQL, ``dossier_erase`` (migration 0010) checks a rewritten version against where
    each collection's records name others, as written in the migration: the model's references
    (``model.schema.FIELDS``) must still be those; a new one needs a migration replacing them."""
    import importlib.util
    from pathlib import Path

    from dossier.model.schema import FIELDS, ListOf, Obj, Ref

    path = Path(__file__).resolve().parents[2] / "dossier/store/migrations/versions/0010_history_login.py"
    spec = importlib.util.spec_from_file_location("migration_0010", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)

    def references(kind):
        if isinstance(kind, Ref):
            return {"ref": kind.collection, "nullable": kind.nullable}
        if isinstance(kind, ListOf):
            item = references(kind.item)
            return {"list": item} if item else None
        if isinstance(kind, Obj):
            fields = {name: references(k) for name, k in kind.fields.items()}
            fields = {name: r for name, r in fields.items() if r}
            return {"obj": fields} if fields else None
        return None

    now = {collection: {name: r for name, kind in fields.items() if (r := references(kind))}
           for collection, fields in FIELDS.items()}
    assert migration.REFERENCES == now
    assert set(migration.RECORD_TABLES) == set(FIELDS)
