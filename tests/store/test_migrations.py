"""Opening workspace files: creation, upgrade with a copy kept, refusal without a byte written."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import warnings
from pathlib import Path

import pytest
from old_workspaces import workspace_at
from sqlalchemy import text

from dossier.errors import MigrationError, NewerSchemaError, NotAWorkspaceError, NotSQLiteError
from dossier.store import database
from dossier.store.database import SCHEMA_HEAD, SCHEMA_REVISIONS, open_database
from dossier.store.sqlite.files import APPLICATION_ID

MIGRATIONS_DIR = Path(database.__file__).parent / "migrations"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_workspace_is_created_at_head_with_pragmas(tmp_path):
    db = open_database(tmp_path / "new" / "w.sqlite")
    try:
        assert db.schema_revision() == SCHEMA_HEAD
        with db.read() as conn:
            assert conn.execute(text("PRAGMA application_id")).scalar() == APPLICATION_ID
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA secure_delete")).scalar() == 1
            tables = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))}
        assert {"parties", "people", "rounds", "positions", "citations", "search_index"} <= tables
    finally:
        db.close()


def test_migrations_build_exactly_the_declared_tables(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from dossier.store.tables import metadata

    db = open_database(tmp_path / "w.sqlite")
    try:
        with db.engine.connect() as conn, warnings.catch_warnings():
            # it cannot read an index on an expression (the date orders'): test_date_order_migration.py
            # compares those by their SQL
            warnings.filterwarnings("ignore", message=".*expression-based index")
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
        # the FTS5 virtual table and its shadow tables are created by SQL, not declared
        diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name.startswith("search_index"))]
        assert diff == []
    finally:
        db.close()


def test_known_revisions_match_the_shipped_migrations():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", database.MIGRATIONS_PACKAGE)
    script = ScriptDirectory.from_config(cfg)
    history = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    assert tuple(history) == SCHEMA_REVISIONS


def test_upgrade_from_first_schema_keeps_data_and_a_copy(tmp_path):
    path = tmp_path / "old.sqlite"
    workspace_at(path, "0001")
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO parties (uid, name, kind) VALUES ('sy', 'Syria', 'state')")
        raw.execute("INSERT INTO people (uid, name, native_name, party_id) "
                    "VALUES ('asaad', 'Asaad al-Shaybānī', 'أسعد الشيباني', 1)")
    raw.close()
    before = digest(path)

    db = open_database(path)
    try:
        assert db.upgraded_from == "0001"
        assert db.schema_revision() == SCHEMA_HEAD
        assert db.pre_upgrade_copy is not None and db.pre_upgrade_copy.exists()
        copy = sqlite3.connect(db.pre_upgrade_copy)
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
        assert copy.execute("SELECT name FROM people").fetchone()[0] == "Asaad al-Shaybānī"
        copy.close()
        from dossier.store.sqlite import fulltext

        with db.read() as conn:
            hits, _ = fulltext.search(conn, "shaybani")
        assert [(h.kind, h.uid) for h in hits] == [("people", "asaad")]
    finally:
        db.close()
    assert digest(path) != before


def test_failed_migration_leaves_the_file_as_it_was(tmp_path):
    path = tmp_path / "w.sqlite"
    open_database(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO parties (uid, name, kind) VALUES ('il', 'Israel', 'state')")
    raw.close()
    before = digest(path)

    broken = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, broken, ignore=shutil.ignore_patterns("__pycache__"))
    (broken / "versions" / "9999_broken.py").write_text(
        '"""A migration that fails halfway."""\n'
        "from alembic import op\n"
        "import sqlalchemy as sa\n"
        f"revision = '9999'\ndown_revision = {SCHEMA_HEAD!r}\nbranch_labels = None\ndepends_on = None\n"
        "def upgrade():\n"
        "    op.create_table('halfway', sa.Column('id', sa.Integer, primary_key=True))\n"
        "    op.execute(\"UPDATE parties SET name = 'changed'\")\n"
        "    raise RuntimeError('boom')\n"
        "def downgrade():\n    pass\n",
        encoding="utf-8",
    )
    with pytest.raises(MigrationError, match="failed and was undone"):
        open_database(path, migrations=str(broken), known_revisions=(*SCHEMA_REVISIONS, "9999"))
    assert digest(path) == before
    raw = sqlite3.connect(path)
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master")}
    assert "halfway" not in tables
    assert raw.execute("SELECT name FROM parties").fetchone()[0] == "Israel"
    assert raw.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD
    raw.close()


def test_newer_schema_is_refused_untouched(tmp_path):
    path = tmp_path / "future.sqlite"
    open_database(path).close()
    raw = sqlite3.connect(path)
    raw.execute("UPDATE alembic_version SET version_num = '7777'")
    raw.commit()
    raw.close()
    before = digest(path)
    with pytest.raises(NewerSchemaError, match="newer version of Dossier"):
        open_database(path)
    assert digest(path) == before


def test_foreign_sqlite_file_is_refused_untouched(tmp_path):
    path = tmp_path / "other.sqlite"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    raw.execute("INSERT INTO notes (body) VALUES ('keep me')")
    raw.commit()
    raw.close()
    before = digest(path)
    with pytest.raises(NotAWorkspaceError, match="not a Dossier workspace.*notes"):
        open_database(path)
    assert digest(path) == before
    assert not Path(f"{path}-wal").exists()


@pytest.mark.parametrize("content", [b"hello, not a database\n", b"\x00" * 4096, b"SQLite format 2\x00" + b"x" * 200])
def test_non_sqlite_file_is_refused_untouched(tmp_path, content):
    path = tmp_path / "notes.sqlite"
    path.write_bytes(content)
    with pytest.raises(NotSQLiteError, match="not a Dossier workspace|cannot be read"):
        open_database(path)
    assert path.read_bytes() == content


def test_damaged_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "w.sqlite"
    open_database(path).close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # garbage over the schema page
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises((NotSQLiteError, NotAWorkspaceError)):
        open_database(path)
    assert digest(path) == before


def test_empty_file_becomes_a_workspace(tmp_path):
    path = tmp_path / "empty.sqlite"
    path.write_bytes(b"")
    db = open_database(path)
    try:
        assert db.schema_revision() == SCHEMA_HEAD
    finally:
        db.close()


def test_schema_enforces_constraints(tmp_path):
    path = tmp_path / "w.sqlite"
    open_database(path).close()
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA foreign_keys = ON")
    raw.execute("INSERT INTO parties (uid, name, kind) VALUES ('il', 'Israel', 'state')")
    raw.execute("INSERT INTO negotiations (uid, title, status) VALUES ('n', 'Talks', 'active')")
    bad = [
        "INSERT INTO parties (uid, name, kind) VALUES ('x', 'X', 'empire')",  # enum
        "INSERT INTO parties (uid, name, kind) VALUES ('il', 'Again', 'state')",  # unique uid
        "INSERT INTO parties (uid, name, kind) VALUES ('Bad Id', 'X', 'state')",  # id pattern
        "INSERT INTO parties (uid, name, kind, country) VALUES ('y', 'Y', 'state', 'usa')",  # country
        "INSERT INTO parties (uid, name, kind) VALUES ('z', '   ', 'state')",  # blank name
        "INSERT INTO people (uid, name, party_id) VALUES ('p', 'P', 999)",  # foreign key
        "INSERT INTO sources (uid, title, reliability, number) VALUES ('s', 'S', 'G', 1)",  # grade
        "INSERT INTO sources (uid, title, reliability) VALUES ('s', 'S', 'B')",  # NOT NULL number
        "INSERT INTO sources (uid, title, reliability, number) VALUES ('s', 'S', 'B', 0)",  # number >= 1
        "INSERT INTO rounds (uid, negotiation_id, number, status) VALUES ('r0', 1, 0, 'held')",  # number >= 1
        "INSERT INTO rounds (uid, negotiation_id, status, start) VALUES ('r9', 1, 'held', '2025-1')",  # date
        "INSERT INTO events (uid, negotiation_id, title) VALUES ('e', 1, 'No date')",  # NOT NULL date
    ]
    for sql in bad:
        with pytest.raises(sqlite3.IntegrityError):
            raw.execute(sql)
    raw.execute("INSERT INTO rounds (uid, negotiation_id, number, status) VALUES ('r1', 1, 1, 'held')")
    with pytest.raises(sqlite3.IntegrityError):
        raw.execute("INSERT INTO rounds (uid, negotiation_id, number, status) VALUES ('r2', 1, 1, 'held')")
    raw.execute("INSERT INTO sources (uid, title, reliability, number) VALUES ('s1', 'S', 'B', 1)")
    with pytest.raises(sqlite3.IntegrityError):
        raw.execute("INSERT INTO sources (uid, title, reliability, number) VALUES ('s2', 'S', 'B', 1)")
    with pytest.raises(sqlite3.IntegrityError):
        raw.execute("INSERT INTO citations (position_id, round_id, ordinal, source_id, credibility) "
                    "VALUES (NULL, 1, 0, 1, 7)")
    raw.close()
