"""Opening a workspace (a file, or a PostgreSQL database): checks, backup before upgrade,
migrations, connections.

Opening never writes to a file or database it refuses. A file's schema is verified first: it must
be exactly the one the shipped migrations make at the file's revision (``sqlite.verify``), else
the file is refused untouched. A workspace at the current schema is then opened with one query
(no Alembic import once the expected schema is cached); an older one is first copied beside itself, then
upgraded by the shipped Alembic migrations inside one transaction, so a failed upgrade
leaves the file as it was. A PostgreSQL database is upgraded the same way, in one
transaction holding an advisory lock, so two analysts opening it at once upgrade it once.

What only one kind of database can do (time limits, tidying, change feeds, integrity
reports, backups) an open ``Database`` asks of its backend: ``dossier.store.sqlite.backend``
or ``dossier.store.postgres.backend``, chosen here by the engine's dialect.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError, OperationalError

from dossier.config import is_postgres_url, os_user
from dossier.errors import (
    MigrationError,
    NewerSchemaError,
    WorkspaceError,
    WorkspaceWriteError,
)
from dossier.store.feeds import ChangeFeed
from dossier.store.integrity import IntegrityReport
from dossier.store.migrating import alembic_config as _alembic_config
from dossier.store.postgres import connect as postgres_connect
from dossier.store.postgres.backend import PostgresBackend
from dossier.store.sqlite import connect as sqlite_connect
from dossier.store.sqlite import verify as sqlite_verify
from dossier.store.sqlite.backend import SQLiteBackend
from dossier.store.sqlite.files import APPLICATION_ID, inspect_file
from dossier.store.sqlite.online_backup import backup_to

#: Every schema revision this version knows, oldest first; the last is current.
SCHEMA_REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010", "0011")
SCHEMA_HEAD = SCHEMA_REVISIONS[-1]
MIGRATIONS_PACKAGE = "dossier.store:migrations"


class Database:
    """An open workspace. Hand out short transactions; never keep one open.

    ``path`` is the workspace file (None on PostgreSQL); ``location`` says where it is in
    words fit for a title bar: the file path, or the database URL without its password.
    """

    #: Execution options every write carries: who writes, and which open workspace.
    WHO_OPTION = "dossier_who"
    ORIGIN_OPTION = "dossier_origin"
    #: Seconds one transaction of a workspace file may run before it is stopped (None: no limit;
    #: the app sets one, see ``services.workspace.use_app_safeguards``; a command is stopped by Ctrl+C).
    time_limit: float | None = None

    def __init__(self, path: Path | None, engine: Engine, readonly: bool, upgraded_from: str | None,
                 pre_upgrade_copy: Path | None, *, location: str | None = None, analyst: str | None = None,
                 readonly_reason: str | None = None):
        self.path = path
        self.engine = engine
        self.readonly = readonly
        #: Why it is read-only when the opener did not ask for that (a login that may only read), for a banner.
        self.readonly_reason = readonly_reason
        self.upgraded_from = upgraded_from
        self.pre_upgrade_copy = pre_upgrade_copy
        self.location = location if location is not None else str(path)
        self.name = path.name if path is not None else self.location
        self.origin = uuid.uuid4().hex  # tells this open workspace's changes from others'
        backend = PostgresBackend if engine.dialect.name == "postgresql" else SQLiteBackend
        self.backend = backend(engine, path)
        self.analyst = analyst or self._default_analyst()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_shared(self) -> bool:
        """True for a team workspace on a server, which others may change while it is open."""
        return self.backend.shared

    def _default_analyst(self) -> str:
        if self.is_shared:
            with contextlib.suppress(Exception), self.engine.connect() as conn:
                return str(conn.execute(text("SELECT session_user")).scalar_one())  # the login, not a SET role
        return os_user()

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        stopped = [False]
        try:
            with self.engine.connect() as conn, self._limited(conn) as stopped, conn.begin():
                yield conn
        except DBAPIError as exc:
            if stopped[0]:
                raise self._too_long(writing=False) from None
            raise storage_error(self.name, exc, writing=False) from None

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction: committed when the block ends, rolled back on any error."""
        if self.readonly:
            why = f" ({self.readonly_reason})" if self.readonly_reason else ""
            raise WorkspaceWriteError(f"{self.name} is open read-only{why}; changes cannot be saved")
        stopped = [False]
        try:
            with self.engine.connect() as raw, self._limited(raw) as stopped:
                conn = raw.execution_options(**{sqlite_connect.WRITE_OPTION: True, self.WHO_OPTION: self.analyst,
                                                self.ORIGIN_OPTION: self.origin})
                with conn.begin():
                    yield conn
        except DBAPIError as exc:
            if stopped[0]:
                raise self._too_long(writing=True) from None
            raise storage_error(self.name, exc, writing=True) from None

    def _limited(self, conn: Connection):
        """The ``time_limit`` on a connection's work (SQLite only; PostgreSQL has its own timeouts)."""
        return self.backend.time_limit(conn, self.time_limit)

    def _too_long(self, *, writing: bool) -> WorkspaceError:
        limit = f"{self.time_limit:g} seconds"
        if writing:
            return WorkspaceWriteError(f"could not save to {self.name}: the work took longer than {limit} and "
                                       "was stopped; the change was not made")
        return WorkspaceError(f"could not read {self.name}: the work took longer than {limit} and was stopped")

    def schema_revision(self) -> str | None:
        with self.read() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()

    def close(self, *, tidy: bool = True) -> None:
        """Close every connection; first, on a file, tidy up the search index and fold the WAL in."""
        if tidy and not self.readonly:
            self.backend.tidy(self)
        self.engine.dispose()

    def change_feed(self) -> ChangeFeed:
        """Others' changes as they commit (see ``dossier.store.feeds``); close it when done."""
        return self.backend.change_feed(self)

    def integrity_report(self, counts: dict[str, int]) -> IntegrityReport:
        """The backend's own soundness checks; ``counts`` (collection -> records stored) is what the
        search index should list."""
        return self.backend.integrity_report(self, counts)

    def privacy_warnings(self) -> list[str]:
        """Lines saying who else can read the workspace, when others than its user can."""
        return self.backend.privacy_warnings()

    def backup(self, target: Path) -> str | None:
        """A consistent copy of the workspace in ``target``, safe while others write; how it was
        made, or None when the backend has no way (the caller then writes an export)."""
        return self.backend.backup(target)

    def tolerant_reader(self) -> Database | None:
        """A read-only ``Database`` on the same workspace whose text that is not UTF-8 reads as lone
        surrogates rather than failing the read (close it when done); None when this one's own
        reads serve (a server holds only valid text)."""
        engine = self.backend.tolerant_engine()
        if engine is None:
            return None
        return Database(self.path, engine, True, None, None, location=self.location, analyst=self.analyst)


_WRITE_REASONS = {
    "SQLITE_FULL": "the disk is full",
    "SQLITE_READONLY": "the workspace file or its folder is read-only",
    "SQLITE_PERM": "permission to write the workspace file was denied",
    "SQLITE_BUSY": "another program kept the workspace busy for too long",
    "SQLITE_LOCKED": "another program kept the workspace busy for too long",
    "SQLITE_IOERR": "the disk could not be written to",
    "SQLITE_CANTOPEN": "the workspace file could not be opened",
    "SQLITE_CORRUPT": "the workspace file is damaged",
    "SQLITE_NOTADB": "the workspace file is damaged",
}


def storage_error(name: Path | str, exc: DBAPIError, *, writing: bool) -> WorkspaceError:
    """A user-facing error for a failed database operation (the transaction is already rolled back)."""
    name_shown = name.name if isinstance(name, Path) else name
    name = getattr(exc.orig, "sqlite_errorname", "") or ""
    reason = next((text for code, text in _WRITE_REASONS.items() if name.startswith(code)), None)
    if reason is None:
        reason = postgres_connect.connection_failure(exc)  # a server gone away: one line naming the cause
    if reason is None:
        if getattr(exc, "orig", None) is not None and "constraint" in str(exc.orig).lower():
            reason = f"the change breaks a rule of the workspace ({_cut(str(exc.orig), 300)})"
        else:
            reason = _cut(" ".join(str(getattr(exc, "orig", exc)).split()), 300)  # one line, however long
    if writing:
        return WorkspaceWriteError(f"could not save to {name_shown}: {reason}; the change was not made")
    return WorkspaceError(f"could not read {name_shown}: {reason}")


def _upgrade(engine: Engine, migrations: str, head: str) -> None:
    """Run the migrations on a workspace file in one transaction.

    Foreign keys are not enforced while they run, as SQLite asks of a migration that makes
    a table anew (the only way it has to add a constraint to a column) while other tables
    refer to it; every reference is checked once the migrations are done, before the commit,
    and so is the schema they made: exactly the one they make on an empty database.
    """
    from alembic import command

    with engine.connect() as raw:
        driver = raw.connection.driver_connection
        driver.execute("PRAGMA foreign_keys = OFF")  # outside the transaction: inside one it does nothing
        try:
            conn = raw.execution_options(**{sqlite_connect.WRITE_OPTION: True})
            with conn.begin():
                command.upgrade(_alembic_config(conn, migrations), "head")
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
                if broken is not None:
                    raise MigrationError(f"a row of {broken[0]} would refer to a missing row of {broken[2]}")
                made = sqlite_verify.differences(sqlite_verify.read_schema(driver),
                                                 sqlite_verify.expected_schema(head, migrations))
                if made:
                    raise MigrationError(f"the schema it made differs from Dossier's: {made[0]}")
                conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        finally:
            driver.execute("PRAGMA foreign_keys = ON")


def upgrade_in_place(engine: Engine, path: Path, migrations: str = MIGRATIONS_PACKAGE) -> None:
    """Upgrade the (verified) workspace ``engine`` holds to the current schema, as an opening does;
    ``MigrationError`` saying why when it cannot be."""
    try:
        _upgrade(engine, migrations, SCHEMA_HEAD)
    except WorkspaceError:
        raise
    except Exception as exc:
        raise MigrationError(f"upgrading {path.name} failed: {exc}") from exc


def open_database(path: Path | str, *, readonly: bool = False, migrations: str = MIGRATIONS_PACKAGE,
                  known_revisions: tuple[str, ...] = SCHEMA_REVISIONS, analyst: str | None = None) -> Database:
    """Open (creating when absent) the workspace at ``path``: a file, or a ``postgresql://`` URL."""
    if is_postgres_url(path):
        return _open_postgres(str(path), readonly, migrations, known_revisions, analyst)
    path = Path(path)
    state = verify_file(path, migrations=migrations, known_revisions=known_revisions)
    revision = state.revision
    head = known_revisions[-1]
    if readonly:
        if revision is None:
            raise WorkspaceError(f"{path} holds no workspace to open read-only")
        if revision != head:
            raise WorkspaceError(f"{path.name} needs an upgrade, which cannot be done read-only")
        return Database(path, sqlite_connect.make_engine(path, readonly=True), True, None, None, analyst=analyst)
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
            _upgrade(engine, migrations, head)
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
    return Database(path, engine, False, revision if revision != head else None, copy, analyst=analyst)


def verify_file(path: Path, *, migrations: str = MIGRATIONS_PACKAGE,
                known_revisions: tuple[str, ...] = SCHEMA_REVISIONS):
    """What is at ``path`` (``inspect_file``), refused unless it is nothing, an empty file, or a
    workspace whose schema this version knows and finds exactly as its migrations make it:
    ``NewerSchemaError`` for a newer schema, ``ForeignSchemaError`` naming what is foreign. Reads
    the schema and the revision only, so it runs before a single query touches a table."""
    state = inspect_file(path)
    revision = state.revision
    if revision is not None and revision not in known_revisions:
        raise NewerSchemaError(
            f"{path.name} was written by a newer version of Dossier (schema {_cut(revision)}); "
            "this version cannot open it. Update Dossier to open this workspace."
        )
    if revision is not None:
        verify_schema(path, state.schema, revision, migrations)
    return state


def _cut(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def verify_schema(path: Path, schema: tuple, revision: str, migrations: str = MIGRATIONS_PACKAGE) -> None:
    """Refuse (``ForeignSchemaError``, one line naming what is foreign) a workspace file whose
    schema (``FileState.schema``) is not exactly the one the migrations make at ``revision``."""
    problems = sqlite_verify.differences(schema, sqlite_verify.expected_schema(revision, migrations))
    if problems:
        raise sqlite_verify.ForeignSchemaError(path, revision, problems)


#: Key of the advisory lock held while a PostgreSQL workspace is upgraded ("DOSS").
_UPGRADE_LOCK = 0x444F5353


def _open_postgres(url: str, readonly: bool, migrations: str, known_revisions: tuple[str, ...],
                   analyst: str | None) -> Database:
    shown = postgres_connect.display_name(url)
    engine = postgres_connect.make_engine(url)
    head = known_revisions[-1]
    refusal = None
    try:
        with engine.connect() as conn:
            contents = postgres_connect.read_schema(conn)
            foreign = _postgres_foreign_objects(conn, contents)
            if foreign:
                raise sqlite_verify.ForeignSchemaError(shown, None, foreign, team=True)
            revision = postgres_connect.schema_revision(conn, shown, contents)
        _refuse_newer(shown, revision, known_revisions)
        if revision is not None:
            refusal = postgres_connect.write_refusal(contents)
        if revision != head:
            if refusal is not None:
                raise WorkspaceError(f"{shown} needs an upgrade to this version of Dossier, which cannot be made: "
                                     f"{refusal}; open it once with a login that owns its tables")
            if readonly:
                raise WorkspaceError(f"{shown} needs an upgrade, which cannot be done read-only")
            refused = postgres_connect.migration_refusal(shown, revision, head, contents)
            if refused is not None:
                raise WorkspaceError(refused)
            with engine.connect() as conn, conn.begin():
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _UPGRADE_LOCK})
                now = postgres_connect.schema_revision(conn, shown)  # someone may have upgraded meanwhile
                _refuse_newer(shown, now, known_revisions)
                if now != head:
                    from alembic import command

                    command.upgrade(_alembic_config(conn, migrations), "head")
    except DBAPIError as exc:
        engine.dispose()
        raise postgres_connect.connection_error(shown, exc) from None
    except WorkspaceError:
        engine.dispose()
        raise
    except Exception as exc:
        engine.dispose()
        raise MigrationError(f"upgrading {shown} failed and was undone: {exc}") from exc
    upgraded_from = revision if revision not in (None, head) else None
    return Database(None, engine, readonly or refusal is not None, upgraded_from, None, location=shown,
                    analyst=analyst, readonly_reason=None if readonly else refusal)


def _postgres_foreign_objects(conn: Connection,
                              contents: postgres_connect.SchemaContents | None = None) -> list[str]:
    """What in a PostgreSQL workspace's schema Dossier did not make, read from ``pg_catalog``
    (so what the login may not see counts too): a trigger or a rule on one of its tables, or a
    view (or any relation other than a table) bearing one's name, which would run SQL Dossier
    did not write when it reads or writes its own tables; and, beside a workspace, every other
    relation (another application's table, a view, a free-standing sequence): Dossier keeps a
    schema of its own. Dossier's migrations make none of these on PostgreSQL but the history's
    guard (``postgres_connect.OWN_TRIGGERS``: by name, calling Dossier's function of its schema);
    foreign keys are the server's own internal triggers, not counted. A schema without Dossier's
    tables is judged by ``schema_revision`` ("not a Dossier workspace")."""
    contents = contents if contents is not None else postgres_connect.read_schema(conn)
    ours = sorted(postgres_connect.dossier_tables())
    rows = conn.execute(text(
        "SELECT 'trigger', t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_proc p ON p.oid = t.tgfoid "
        "WHERE NOT t.tgisinternal AND n.nspname = :schema AND c.relname = ANY(:ours) "
        "AND NOT (p.pronamespace = n.oid AND (c.relname, t.tgname, p.proname) IN "
        "         (SELECT * FROM unnest(CAST(:own_tables AS text[]), CAST(:own_triggers AS text[]), "
        "                               CAST(:own_functions AS text[])))) "
        "UNION ALL SELECT 'rule', r.rulename, c.relname FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE r.rulename <> '_RETURN' AND n.nspname = :schema AND c.relname = ANY(:ours) "
        "UNION ALL SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' "
        "WHEN 'f' THEN 'foreign table' ELSE 'relation' END, c.relname, c.relname "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = :schema AND c.relname = ANY(:ours) AND c.relkind IN ('v', 'm', 'f') "
        "ORDER BY 1, 2"), {"ours": ours, "schema": contents.schema,
                           **dict(zip(("own_tables", "own_triggers", "own_functions"),
                                      map(list, zip(*sorted(postgres_connect.OWN_TRIGGERS)))))}).all()
    problems = []
    for kind, name, table in rows:
        if kind in ("trigger", "rule"):
            problems.append(f"an extra {kind} {sqlite_verify._shown(name)} on table {table}")
        else:
            problems.append(f"{kind} {table} stands where a table should be")
    if contents.holds_workspace():
        problems += postgres_connect.extra_relations(contents)
    return problems


def _refuse_newer(shown: str, revision: str | None, known_revisions: tuple[str, ...]) -> None:
    if revision is not None and revision not in known_revisions:
        raise NewerSchemaError(
            f"{shown} was written by a newer version of Dossier (schema {revision}); "
            "this version cannot open it. Update Dossier to open this workspace."
        )


def stop_queries_on_ctrl_c() -> None:
    """Make Ctrl+C stop a running query at once in a command-line process (call it from the main
    thread); the query fails, and Python's handler then raises KeyboardInterrupt."""
    sqlite_connect.stop_queries_on_ctrl_c()


def stop_requested() -> bool:
    """Whether Ctrl+C was pressed since ``stop_queries_on_ctrl_c``."""
    return sqlite_connect.stop_requested()


def display_location(target: str | os.PathLike) -> str:
    """Where a workspace is, fit to show: the file path, or the database URL without its password."""
    return postgres_connect.display_name(str(target)) if is_postgres_url(target) else str(target)


def same_workspace(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Whether two places (file paths or URLs) name the same workspace."""
    if is_postgres_url(a) or is_postgres_url(b):
        return str(a) == str(b)
    return Path(a).resolve() == Path(b).resolve()


def workspace_revision(target: Path | str) -> str | None:
    """The schema revision of the workspace at ``target`` (a file or a URL), without
    creating or changing anything; None when there is no workspace there yet."""
    if is_postgres_url(target):
        shown = postgres_connect.display_name(str(target))
        engine = postgres_connect.make_engine(str(target))
        try:
            with engine.connect() as conn:
                return postgres_connect.schema_revision(conn, shown)
        except DBAPIError as exc:
            raise postgres_connect.connection_error(shown, exc) from None
        finally:
            engine.dispose()
    return inspect_file(Path(target)).revision
