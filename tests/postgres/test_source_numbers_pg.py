"""Source numbers in a team workspace: analysts making sources at the same moment each get
their own number; an upgraded database numbers the sources it holds."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from dossier.model.records import Document, Source
from dossier.services import interchange, records
from dossier.services.workspace import open_workspace
from dossier.store.database import MIGRATIONS_PACKAGE, SCHEMA_HEAD, _alembic_config
from dossier.store.postgres.connect import make_engine


def test_sources_made_at_the_same_moment_get_numbers_of_their_own(pg_url):
    with open_workspace(pg_url) as ws:
        records.create(ws, Source(id="first", title="First"))
    sessions = [open_workspace(pg_url) for _ in range(4)]
    rounds = 8
    barrier = threading.Barrier(len(sessions))
    failures: list[BaseException] = []

    def make(ws, i: int) -> None:
        for n in range(rounds):
            barrier.wait()
            try:
                if n % 2:
                    records.create(ws, Source(id=f"s-{i}-{n}", title=f"Source {i} {n}"))
                else:  # an import numbers its sources in the same way
                    interchange.import_document(ws, Document(sources=[
                        Source(id=f"s-{i}-{n}", title="T"), Source(id=f"s-{i}-{n}b", title="T")]))
            except BaseException as exc:  # noqa: BLE001 - reported below
                failures.append(exc)

    threads = [threading.Thread(target=make, args=(ws, i)) for i, ws in enumerate(sessions)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    try:
        assert failures == []
        numbers = records.source_numbers(sessions[0])
    finally:
        for ws in sessions:
            ws.close()
    made = 1 + len(sessions) * (rounds // 2) * 3
    assert len(numbers) == made and sorted(numbers.values()) == list(range(1, made + 1))
    assert numbers["first"] == 1


def test_upgrading_a_database_of_schema_0006_numbers_its_sources(pg_url):
    from alembic import command

    engine = make_engine(pg_url)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn, MIGRATIONS_PACKAGE), "0006")
        conn.execute(text("INSERT INTO sources (id, uid, title, reliability) VALUES "
                          "(5, 'wire', 'Wire', 'B'), (2, 'zeta', 'Zeta', 'C'), (9, 'alpha', 'Alpha', 'A')"))
    engine.dispose()
    with open_workspace(pg_url) as ws:
        assert ws.db.upgraded_from == "0006" and ws.db.schema_revision() == SCHEMA_HEAD
        assert records.source_numbers(ws) == {"zeta": 1, "wire": 2, "alpha": 3}
        records.create(ws, Source(id="new", title="New", text="Full text, kept as written.  "))
        assert records.source_numbers(ws, ["new"]) == {"new": 4}
        assert records.get(ws, "sources", "new").text == "Full text, kept as written.  "
        with ws.db.engine.connect() as conn:
            for bad in ("INSERT INTO sources (uid, title, reliability) VALUES ('x', 'X', 'B')",
                        "INSERT INTO sources (uid, title, reliability, number) VALUES ('x', 'X', 'B', 1)",
                        "INSERT INTO sources (uid, title, reliability, number) VALUES ('x', 'X', 'B', 0)"):
                with pytest.raises(IntegrityError), conn.begin():  # the database's own refusal
                    conn.execute(text(bad))
