"""Opening a workspace file: checks, backup before upgrade, migrations, connections.

Opening never writes to a file it refuses. A workspace at the current schema is opened
with one query (no Alembic import); an older one is first copied beside itself, then
upgraded by the shipped Alembic migrations inside one transaction, so a failed upgrade
leaves the file as it was.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError

from dossier.errors import MigrationError, NewerSchemaError, WorkspaceError
from dossier.store.sqlite import connect as sqlite_connect
from dossier.store.sqlite.backup import backup_to
from dossier.store.sqlite.files import APPLICATION_ID, inspect_file

#: Every schema revision this version knows, oldest first; the last is current.
SCHEMA_REVISIONS = ("0001", "0002", "0003")
SCHEMA_HEAD = SCHEMA_REVISIONS[-1]
MIGRATIONS_PACKAGE = "dossier.store:migrations"


class Database:
    """An open workspace file. Hand out short transactions; never keep one open."""

    def __init__(self, path: Path, engine: Engine, readonly: bool, upgraded_from: str | None,
                 pre_upgrade_copy: Path | None):
        self.path = path
        self.engine = engine
        self.readonly = readonly
        self.upgraded_from = upgraded_from
        self.pre_upgrade_copy = pre_upgrade_copy

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        if self.readonly:
            raise WorkspaceError(f"{self.path.name} is open read-only; changes cannot be saved")
        with self.engine.connect() as raw:
            conn = raw.execution_options(**{sqlite_connect.WRITE_OPTION: True})
            with conn.begin():
                yield conn

    def schema_revision(self) -> str | None:
        with self.read() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()

    def close(self, *, tidy: bool = True) -> None:
        """Close every connection; tidy up the search index and fold the WAL into the file."""
        if tidy and not self.readonly:
            with contextlib.suppress(Exception):
                from dossier.store.sqlite import fulltext

                with self.write() as conn:
                    fulltext.optimize(conn)
                sqlite_connect.checkpoint(self.engine)
        self.engine.dispose()


def _alembic_config(connection: Connection, migrations: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", migrations)
    cfg.attributes["connection"] = connection
    return cfg


def _upgrade(engine: Engine, migrations: str) -> None:
    from alembic import command

    with engine.connect() as raw:
        conn = raw.execution_options(**{sqlite_connect.WRITE_OPTION: True})
        with conn.begin():
            command.upgrade(_alembic_config(conn, migrations), "head")
            conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")


def open_database(path: Path, *, readonly: bool = False, migrations: str = MIGRATIONS_PACKAGE,
                  known_revisions: tuple[str, ...] = SCHEMA_REVISIONS) -> Database:
    """Open (creating when absent) the workspace at ``path``."""
    path = Path(path)
    state = inspect_file(path)
    revision = state.revision
    if revision is not None and revision not in known_revisions:
        raise NewerSchemaError(
            f"{path.name} was written by a newer version of Dossier (schema {revision}); "
            "this version cannot open it. Update Dossier to open this workspace."
        )
    head = known_revisions[-1]
    if readonly:
        if revision is None:
            raise WorkspaceError(f"{path} holds no workspace to open read-only")
        if revision != head:
            raise WorkspaceError(f"{path.name} needs an upgrade, which cannot be done read-only")
        return Database(path, sqlite_connect.make_engine(path, readonly=True), True, None, None)
    if not state.exists:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WorkspaceError(f"cannot create the folder for {path}: {exc.strerror or exc}") from None
    copy = None
    if revision is not None and revision != head:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        copy = path.with_name(f"{path.name}.before-schema-{head}-{stamp}.bak")
        backup_to(path, copy)
    engine = sqlite_connect.make_engine(path)
    try:
        if revision != head:
            _upgrade(engine, migrations)
        sqlite_connect.set_wal(engine)
    except OperationalError as exc:
        engine.dispose()
        raise WorkspaceError(f"cannot open {path}: {exc.orig}") from None
    except Exception as exc:
        engine.dispose()
        if not state.exists:
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
                with contextlib.suppress(OSError):
                    leftover.unlink(missing_ok=True)
        raise MigrationError(f"upgrading {path.name} failed and was undone: {exc}") from exc
    return Database(path, engine, False, revision if revision != head else None, copy)
