"""Workspace files as an older Dossier left them, for the tests of upgrades.

Shared by tests/store/test_migrations.py and tests/test_source_numbers.py.
"""

from __future__ import annotations

from pathlib import Path

from dossier.store import database
from dossier.store.sqlite.files import APPLICATION_ID


def workspace_at(path: Path, revision: str) -> None:
    """A workspace file at schema ``revision``, as the Dossier of that schema made it."""
    from alembic import command

    from dossier.store.sqlite.connect import WRITE_OPTION, make_engine, set_wal

    engine = make_engine(path)
    with engine.connect() as raw:
        conn = raw.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            command.upgrade(database._alembic_config(conn, database.MIGRATIONS_PACKAGE), revision)
            conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    set_wal(engine)
    engine.dispose()
