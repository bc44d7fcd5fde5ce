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


def test_an_upgrade_to_0010_keeps_earlier_history_and_records_logins_from_then_on(pg_url, postgres_server):
    """Entries written before 0010 keep no login; from then on each names the login, and deleting
    a record made before the upgrade erases its text through the server's function."""
    from alembic import command

    from dossier.model.records import Person
    from dossier.services import history, records
    from dossier.services.workspace import open_workspace
    from dossier.store.database import _alembic_config

    engine = make_engine(pg_url)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn, MIGRATIONS_PACKAGE), "0009")
        conn.execute(text("INSERT INTO parties (uid, name, kind) VALUES ('il', 'Israel', 'state')"))
        conn.execute(text("INSERT INTO people (uid, name, party_id) VALUES ('early', 'Early Person', 1)"))
        conn.execute(text("INSERT INTO history (collection, uid, action, at, who, after) VALUES ('people', 'early', "
                          "'create', '2025-01-01T00:00:00.000000Z', 'Early Analyst', "
                          "'{\"id\": \"early\", \"name\": \"Early Person\", \"party\": \"il\"}')"))
    engine.dispose()
    with open_workspace(pg_url) as ws:
        assert ws.db.upgraded_from == "0009"
        assert [(e.who, e.login) for e in history.for_record(ws, "people", "early")] == [("Early Analyst", None)]
        records.create(ws, Person(id="later", name="Later Person", party="il"))
        assert history.for_record(ws, "people", "later")[0].login == postgres_server[2]
        records.delete(ws, "parties", "il", cascade=True)
        assert records.get(ws, "people", "early").party is None
        with ws.db.read() as conn:
            left = conn.execute(text("SELECT count(*) FROM history WHERE after LIKE '%\"il\"%' "
                                     "OR before LIKE '%\"il\"%'")).scalar_one()
        assert left == 0


def test_a_downgrade_to_0009_gives_back_its_schema(pg_url, psycopg):
    """0011 and 0010 undone leave what 0009 made: the same indexes, columns, no functions or triggers."""
    from alembic import command
    from sqlalchemy.engine import make_url

    from dossier.store.database import _alembic_config

    other = make_url(pg_url).set(database=make_url(pg_url).database + "_b").render_as_string(hide_password=False)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{make_url(other).database}"')
    try:
        def migrate(url, *steps):
            engine = make_engine(url)
            with engine.begin() as conn:
                for step, revision in steps:
                    getattr(command, step)(_alembic_config(conn, MIGRATIONS_PACKAGE), revision)
            engine.dispose()

        def schema(url):
            with psycopg.connect(url) as conn:
                return [conn.execute(sql).fetchall() for sql in (
                    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
                    ("SELECT table_name, column_name, data_type FROM information_schema.columns "
                     "WHERE table_schema = 'public' ORDER BY 1, 2"),
                    ("SELECT proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                     "WHERE n.nspname = 'public' AND proname LIKE 'dossier%' ORDER BY 1"),
                    "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1")]

        migrate(pg_url, ("upgrade", "0009"))
        migrate(other, ("upgrade", "head"), ("downgrade", "0009"))
        assert schema(other) == schema(pg_url)
    finally:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{make_url(other).database}" WITH (FORCE)')
