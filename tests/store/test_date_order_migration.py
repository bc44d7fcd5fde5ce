"""Migration 0008: the indexes of the date orders, on ``date || '~'`` (``tables.date_order``).

A workspace upgraded from 0007 ends with the very schema of a new one, and ``tables.py``
declares those indexes as the migrations make them (Alembic's comparison cannot read an index
on an expression, so it is checked here from the SQL SQLite keeps)."""

from __future__ import annotations

import sqlite3

from old_workspaces import workspace_at
from sqlalchemy import create_engine

from dossier.services import listing
from dossier.services.workspace import open_workspace
from dossier.store.database import SCHEMA_HEAD, open_database

#: the indexes 0008 replaces, and those it makes
REPLACED = {"ix_positions_negotiation_date", "ix_positions_negotiation_kind_date", "ix_positions_date",
            "ix_rounds_negotiation_start", "ix_sources_published"}
MADE = {
    "ix_positions_negotiation_date_order":
        "CREATE INDEX ix_positions_negotiation_date_order ON positions (negotiation_id, (date || '~'))",
    "ix_positions_negotiation_kind_date_order":
        "CREATE INDEX ix_positions_negotiation_kind_date_order ON positions "
        "(negotiation_id, kind, (date || '~'))",
    "ix_positions_date_order": "CREATE INDEX ix_positions_date_order ON positions ((date || '~'))",
    "ix_rounds_negotiation_start_order":
        "CREATE INDEX ix_rounds_negotiation_start_order ON rounds (negotiation_id, (start || '~'))",
    "ix_sources_published_order": "CREATE INDEX ix_sources_published_order ON sources ((published || '~'))",
}


def schema(path) -> list[tuple]:
    """Everything SQLite keeps of a file's schema but where its pages are."""
    raw = sqlite3.connect(path)
    try:
        return raw.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                           "ORDER BY type, name").fetchall()
    finally:
        raw.close()


def indexes(path) -> dict[str, tuple[str, str]]:
    return {name: (table, sql) for kind, name, table, sql in schema(path) if kind == "index" and sql}


def _fill_at_0007(path) -> None:
    """A workspace at 0007 holding dated positions, rounds and sources, as that schema took them."""
    workspace_at(path, "0007")
    raw = sqlite3.connect(path)
    with raw:
        raw.execute("INSERT INTO parties (uid, name, kind) VALUES ('a', 'Alpha', 'state')")
        raw.execute("INSERT INTO negotiations (uid, title, status) VALUES ('n', 'N', 'active')")
        raw.execute("INSERT INTO topics (uid, negotiation_id, title) VALUES ('t', 1, 'Water')")
        for i, date in enumerate(["2025", "2025-06", "2025-06-13", None, "2025-06-30", "2025-07-01"]):
            raw.execute("INSERT INTO positions (uid, negotiation_id, party_id, topic_id, date, kind, "
                        "summary) VALUES (?, 1, 1, 1, ?, 'offer', 'Said')", (f"p{i}", date))
            raw.execute("INSERT INTO rounds (uid, negotiation_id, number, start, status) "
                        "VALUES (?, 1, ?, ?, 'held')", (f"r{i}", i + 1, date))
            raw.execute("INSERT INTO sources (uid, title, published, reliability, number) "
                        "VALUES (?, 'S', ?, 'B', ?)", (f"s{i}", date, i + 1))
    raw.close()


def test_an_upgraded_workspace_has_the_schema_of_a_new_one(tmp_path):
    new, old = tmp_path / "new.sqlite", tmp_path / "old.sqlite"
    open_database(new).close()
    _fill_at_0007(old)
    before = indexes(old)
    assert REPLACED <= set(before) and not set(MADE) & set(before)

    db = open_database(old)
    try:
        assert db.upgraded_from == "0007" and db.schema_revision() == SCHEMA_HEAD
    finally:
        db.close()
    assert schema(old) == schema(new)
    after = indexes(new)
    assert not REPLACED & set(after)
    assert {name: after[name][1] for name in MADE} == MADE
    # the events' index serves no order of a listing: it stays as it was
    assert after["ix_events_negotiation_date"] == before["ix_events_negotiation_date"]

    with open_workspace(old) as ws:  # the rows are kept, and now sorted as dates sort
        want = ["p3", "p2", "p4", "p1", "p5", "p0"]
        assert [row.id for row in listing.page(ws, "positions", sort="date")] == want
        assert [row.id for row in listing.page(ws, "rounds", sort="dates")] == [f"r{p[1]}" for p in want]
        assert [row.id for row in listing.page(ws, "sources", sort="published")] == [f"s{p[1]}" for p in want]


def test_tables_declare_the_indexes_the_migrations_make(tmp_path):
    """A database made from ``tables.metadata`` has each index of a new workspace, on the same
    table, by the same SQL (SQLAlchemy quotes a collation's name; the migrations did not)."""
    from dossier.store.tables import metadata

    declared_path = tmp_path / "declared.sqlite"
    engine = create_engine(f"sqlite:///{declared_path}")
    metadata.create_all(engine)
    engine.dispose()
    made_path = tmp_path / "made.sqlite"
    open_database(made_path).close()
    declared, made = indexes(declared_path), indexes(made_path)
    assert {name: declared[name][1] for name in MADE} == MADE

    def unquoted(entry):
        table, sql = entry
        return table, sql.replace('"', "")

    assert {n: unquoted(e) for n, e in declared.items()} == {n: unquoted(e) for n, e in made.items()}


def test_downgrade_gives_back_the_indexes_of_0007(tmp_path):
    from alembic import command

    from dossier.store import database
    from dossier.store.sqlite.connect import WRITE_OPTION, make_engine

    at_0007, down = tmp_path / "at-0007.sqlite", tmp_path / "down.sqlite"
    workspace_at(at_0007, "0007")
    workspace_at(down, SCHEMA_HEAD)
    engine = make_engine(down)
    with engine.connect() as raw:
        conn = raw.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            command.downgrade(database._alembic_config(conn, database.MIGRATIONS_PACKAGE), "0007")
    engine.dispose()
    assert indexes(down) == indexes(at_0007)
