"""Date orders on PostgreSQL: a month or a year after every day inside it, whatever the
database's collation, read from the ``*_date_order`` indexes; an upgraded database ends with
the indexes of a new one."""

from __future__ import annotations

import time

import pytest
from listing_dates import (
    RULE,
    dated_document,
    in_date_order,
    positions_dated,
    rounds_dated,
    sources_dated,
    walk,
)
from sent_statements import postgres_plans, sent_statements
from sqlalchemy import text

from dossier.services import interchange, listing
from dossier.services.workspace import open_workspace
from dossier.store.database import MIGRATIONS_PACKAGE, SCHEMA_HEAD, _alembic_config
from dossier.store.postgres.connect import make_engine

#: ICU's English with punctuation and symbols passed over at first, as many a database's
#: collation does: '2025-06~' and '2025-06-13~' compare there as 202506 and 20250613
SHIFTED = "en-US-u-ka-shifted"


@pytest.fixture
def shifted_url(postgres_server, psycopg, request):
    """A fresh database whose collation passes over punctuation."""
    host, port, user = postgres_server
    name = f"t_shifted_{abs(hash(request.node.nodeid)) % 10**8}_{int(time.time() * 1000) % 10**6}"
    with psycopg.connect(host=host, port=port, user=user, dbname="postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 LOCALE_PROVIDER icu "
                     f"ICU_LOCALE '{SHIFTED}' LOCALE 'C.UTF-8'")
    yield f"postgresql://{user}@{host}:{port}/{name}"
    with psycopg.connect(host=host, port=port, user=user, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_indexes(conn, tables=("positions", "rounds", "sources", "events")) -> dict[str, str]:
    rows = conn.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(:t)"),
                        {"t": list(tables)})
    return dict(rows.all())


def test_dates_sort_as_ranges_whatever_the_collation(shifted_url, tmp_path):
    with open_workspace(shifted_url) as shared, open_workspace(tmp_path / "w.sqlite") as local:
        with shared.db.read() as conn:
            # the database's collation alone would put a month before the days inside it
            plain = conn.execute(text("SELECT d FROM (VALUES ('2025-06~'), ('2025-06-13~')) AS v(d) "
                                      "ORDER BY d"))
            assert plain.scalars().all() == ["2025-06~", "2025-06-13~"]
        for ws in (shared, local):
            interchange.import_document(ws, dated_document())
        rows = listing.page(shared, "positions", filters={"negotiation": "n1"}, sort="date", limit=1000)
        assert list(dict.fromkeys(row.cells["date"] for row in rows if row.cells["date"])) == [
            "2024-12-31", "2024-12", "2024", "2025-01-01", *RULE, "2026-01-01", "2026-01", "2026"]
        for filters in ({}, {"negotiation": "n1"}, {"negotiation": "n1", "kind": "offer"}):
            for descending in (False, True):
                want = in_date_order(positions_dated(filters), descending)
                for page_size in (1, 3, 1000):
                    for ws in (shared, local):
                        got = walk(ws, "positions", page_size, sort="date", descending=descending,
                                   filters=filters)
                        assert got == want, (ws.db.dialect, filters, descending, page_size)
        for descending in (False, True):
            for ws in (shared, local):
                assert walk(ws, "rounds", 2, sort="dates", descending=descending,
                            filters={"negotiation": "n1"}) == in_date_order(rounds_dated(), descending)
                assert walk(ws, "sources", 2, sort="published",
                            descending=descending) == in_date_order(sources_dated(), descending)


def _many_dated(per_negotiation: int = 3000):
    """Positions enough for PostgreSQL to weigh an index against reading the table: two
    negotiations, dates at every precision over three years, one in twenty without a date."""
    from dossier.model import records as r

    doc = dated_document()
    days = ["2024-01-01", "2024-02-29", "2025-06-13", "2025-06-30", "2025-07-01", "2025-12-31", "2026-03-15"]
    dates = [*days, *(d[:7] for d in days), *(d[:4] for d in days)]
    for neg in ("n1", "n2"):
        for i in range(per_negotiation):
            doc.positions.append(r.Position(
                id=f"{neg}-m{i:05d}", negotiation=neg, party="a", topic=f"t-{neg}",
                kind=("demand", "offer")[i % 2],
                date=None if i % 20 == 0 else dates[(i * 7) % len(dates)], summary=f"Many {i}"))
    return doc


def _plans(ws, run) -> list[tuple[str, object, str]]:
    """(statement, parameters, plan) of each statement ``run()`` sends that reads positions."""
    return postgres_plans(ws, sent_statements(ws, run, lambda statement: "FROM positions" in statement))


@pytest.mark.parametrize("filters, index", [
    ({}, "ix_positions_date_order"),
    ({"negotiation": "n1"}, "ix_positions_negotiation_date_order"),
    ({"negotiation": "n1", "kind": "offer"}, "ix_positions_negotiation_kind_date_order"),
], ids=["every position", "one negotiation", "one kind"])
def test_positions_by_date_are_read_from_the_date_order_index(pg_url, filters, index):
    """The query's ``(date || '~') COLLATE "C"`` is the index's expression: every page of dated
    positions seeks that index, and where many rows are left (the first page of them, either
    way) reads them from it in order, the positions of one date put in id order as they come,
    never all of them sorted. (Near the end PostgreSQL may rather sort the few rows left.)"""
    with open_workspace(pg_url) as ws:
        interchange.import_document(ws, _many_dated())
        with ws.db.write() as conn:
            conn.execute(text("ANALYZE"))
        for descending in (False, True):
            plans = _plans(ws, lambda d=descending: walk(ws, "positions", 200, sort="date", descending=d,
                                                         filters=filters))
            dated = [(parameters, plan) for statement, parameters, plan in plans
                     if "COLLATE \"C\" IS NULL" not in statement]
            assert len(plans) > len(dated) >= 6
            for _parameters, plan in dated:
                assert f"using {index} " in plan or f"Index Scan on {index} " in plan, plan
            # the first page of dated positions: no keyset bound, only ``>= ''`` (the least date)
            (first,) = [plan for parameters, plan in dated if "" in parameters.values()]
            assert (f"Index Scan Backward using {index} " in first
                    or f"Index Scan using {index} " in first), first
            sorts = [line.strip() for line in first.splitlines() if "Sort" in line and "Key" not in line]
            assert all("Incremental Sort" in line for line in sorts), first


def test_an_upgraded_database_has_the_indexes_of_a_new_one(pg_url, postgres_server, psycopg):
    from alembic import command

    host, port, user = postgres_server
    new_name = f"t_new_{int(time.time() * 1000) % 10**8}"
    with psycopg.connect(host=host, port=port, user=user, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{new_name}"')
    try:
        with open_workspace(f"postgresql://{user}@{host}:{port}/{new_name}") as ws, ws.db.read() as conn:
            new = _pg_indexes(conn)
        engine = make_engine(pg_url)
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn, MIGRATIONS_PACKAGE), "0007")
        with engine.connect() as conn:
            old = _pg_indexes(conn)
        engine.dispose()
        assert {"ix_positions_date", "ix_sources_published"} <= set(old)
        with open_workspace(pg_url) as ws:
            assert ws.db.upgraded_from == "0007"
            with ws.db.read() as conn:
                assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
                upgraded = _pg_indexes(conn)
        assert upgraded == new
        assert new["ix_positions_negotiation_date_order"] == (
            "CREATE INDEX ix_positions_negotiation_date_order ON public.positions "
            "USING btree (negotiation_id, (((date)::text || '~'::text)) COLLATE \"C\")")
        assert "ix_positions_date" not in new
        assert new["ix_events_negotiation_date"] == old["ix_events_negotiation_date"]
    finally:
        with psycopg.connect(host=host, port=port, user=user, dbname="postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{new_name}" WITH (FORCE)')
