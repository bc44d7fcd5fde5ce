"""The same Alembic migrations build the schema on PostgreSQL, with its search index."""

from __future__ import annotations

from sqlalchemy import inspect, text

from dossier.store.database import MIGRATIONS_PACKAGE, SCHEMA_HEAD
from dossier.store.postgres.connect import make_engine


def test_migrations_create_the_schema_and_its_checks(pg_url):
    from alembic import command

    from dossier.store.database import _alembic_config

    engine = make_engine(pg_url)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn, MIGRATIONS_PACKAGE), "head")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
        tables = set(inspect(conn).get_table_names())
    assert {"parties", "people", "rounds", "positions", "citations", "search_index"} <= tables
    for bad in ("INSERT INTO parties (uid, name, kind) VALUES ('Bad Id', 'X', 'state')",
                "INSERT INTO parties (uid, name, kind, country) VALUES ('y', 'Y', 'state', 'us')",
                "INSERT INTO parties (uid, name, kind) VALUES ('z', 'Z', 'empire')",
                "INSERT INTO negotiations (uid, title, status, started) VALUES ('n', 'N', 'active', '2025-1')"):
        with engine.connect() as conn:
            try:
                conn.execute(text(bad))
                raise AssertionError(f"accepted: {bad}")
            except Exception as exc:  # the database's own refusal
                assert "check constraint" in str(exc).lower()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO negotiations (uid, title, status, started) "
                          "VALUES ('n', 'N', 'active', '2025-05')"))
    engine.dispose()
