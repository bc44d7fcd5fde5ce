"""Engines for team workspaces on PostgreSQL; what a database's schema holds, read from the
server's catalog; what the login may do there; and one line for every failure to reach it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from dossier.errors import NotAWorkspaceError, WorkspaceError

#: Seconds to wait for the server to answer before saying it cannot be reached.
CONNECT_TIMEOUT = 10


class _NoTerminationNoise(logging.Filter):
    """Drops psycopg's "error ignored terminating <psycopg.Pipeline [BAD]>" and "error ignored
    exiting <psycopg.Pipeline …>" warnings: when a connection is lost during a batch, closing its
    pipeline (or COPY) fails too, and psycopg logs that second failure while the first is raised;
    the raised one is reported, in one line, and the warning would only be a stray line of libpq
    text on stderr. Which of the two psycopg logs depends on timing: "exiting" when libpq has read
    the server's last message but not yet seen the connection close (so, mostly under load)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(("error ignored terminating", "error ignored exiting"))


def _quiet_psycopg() -> None:
    logger = logging.getLogger("psycopg")
    if not any(isinstance(f, _NoTerminationNoise) for f in logger.filters):
        logger.addFilter(_NoTerminationNoise())


def make_engine(url: str) -> Engine:
    """An engine for ``postgresql://user@host:port/name`` (the psycopg driver)."""
    try:
        parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    except Exception:
        raise WorkspaceError("the database address is not a valid postgresql:// URL") from None
    parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise WorkspaceError("team workspaces need the PostgreSQL driver: pip install 'dossier[postgresql]'") from None
    if not parsed.database:
        raise WorkspaceError(f"the database address {display_name(url)} names no database "
                             "(postgresql://user@host:port/name)")
    _quiet_psycopg()
    return create_engine(parsed, pool_pre_ping=True,
                         connect_args={"application_name": "Dossier", "connect_timeout": CONNECT_TIMEOUT})


def display_name(url: str) -> str:
    """The address without its password (left out, not masked), for titles and messages."""
    try:
        parsed = make_url(url.replace("postgres://", "postgresql://", 1))
        return parsed._replace(password=None).render_as_string(hide_password=False)
    except Exception:
        return "PostgreSQL database"


# --- what the schema holds ---------------------------------------------------------------------

#: What a relation's ``relkind`` is called in a message.
_KINDS = {"r": "table", "p": "table", "v": "view", "m": "materialized view", "f": "foreign table",
          "S": "sequence", "c": "composite type"}


@dataclass(frozen=True)
class Relation:
    """One relation of the workspace's schema, as the catalog lists it (seen whatever the login's
    rights). ``owner_table``: for a sequence that numbers a column, that column's table."""

    name: str
    kind: str  # pg_class.relkind
    owner_table: str | None
    readable: bool  # SELECT
    writable: bool  # INSERT and UPDATE (a table; the history, only added to: INSERT); USAGE (a sequence)
    #: the login may act as the relation's owner (ALTER it, and so upgrade the workspace)
    owned: bool = False

    @property
    def shown(self) -> str:
        return f"{_KINDS.get(self.kind, 'relation')} {self.name}"


@dataclass(frozen=True)
class SchemaContents:
    """The schema Dossier's unqualified names resolve to (the first of the search path that
    exists), every relation in it but indexes (each belongs to a table, judged with it) and an
    extension's own (installed by the database's administrator, like the ``unaccent`` and
    ``pg_trgm`` Dossier needs, e.g. ``pg_stat_statements``), and who asks."""

    schema: str | None  # None when the search path names no schema that exists
    usable: bool  # the login has USAGE on the schema
    role: str  # current_user: whose rights these are
    relations: tuple[Relation, ...]
    #: the login may create tables in the schema
    creatable: bool = False
    #: the login may run ``dossier_erase`` (None: there is no such function, before schema 0010)
    erasing: bool | None = None

    def migratable(self) -> bool:
        """Whether this login can make or upgrade the workspace: it may create tables in the schema
        and act as the owner of every table Dossier made there."""
        ours = dossier_tables()
        return self.creatable and all(r.owned for r in self.relations if r.name in ours)

    def tables(self) -> set[str]:
        return {r.name for r in self.relations if r.kind in ("r", "p")}

    def holds_workspace(self) -> bool:
        return {"alembic_version", "parties"} <= self.tables()


#: The function through which a deleted record's text leaves the history (migration 0010).
ERASE_FUNCTION = "dossier_erase"
#: (table, trigger, function) of the triggers Dossier's migrations make (0010): the history's guard.
OWN_TRIGGERS = frozenset({("history", "dossier_history_rows", "dossier_history_guard"),
                          ("history", "dossier_history_truncate", "dossier_history_guard")})


def dossier_tables() -> set[str]:
    """The names of the tables Dossier's migrations make on PostgreSQL."""
    from dossier.store.postgres.fulltext import TABLE as SEARCH_TABLE
    from dossier.store.tables import metadata

    return {*metadata.tables, "alembic_version", SEARCH_TABLE}


def _search_path(value: str, role: str) -> list[str]:
    names = []
    for item in value.split(","):
        item = item.strip()
        if item.startswith('"') and item.endswith('"') and len(item) > 1:
            item = item[1:-1].replace('""', '"')
        names.append(role if item == "$user" else item)
    return [n for n in names if n]


def read_schema(conn: Connection) -> SchemaContents:
    """What the workspace's schema holds, from ``pg_catalog`` (``information_schema`` lists only
    what the login has some right to, so a table it may not touch would pass unseen)."""
    schema, role = conn.execute(text("SELECT current_schema(), current_user")).one()
    if schema is None:  # the login may not use the schema its search path names: find it anyway
        path = conn.execute(text("SELECT current_setting('search_path')")).scalar_one()
        existing = set(conn.execute(text("SELECT nspname FROM pg_namespace WHERE nspname = ANY(:names)"),
                                    {"names": _search_path(path, role)}).scalars())
        schema = next((n for n in _search_path(path, role) if n in existing), None)
    if schema is None:
        return SchemaContents(None, False, role, ())
    usable, creatable, erasing = conn.execute(text(
        "SELECT has_schema_privilege(:s, 'USAGE'), has_schema_privilege(:s, 'CREATE'), "
        "(SELECT bool_and(has_function_privilege(p.oid, 'EXECUTE')) FROM pg_proc p "
        " JOIN pg_namespace pn ON pn.oid = p.pronamespace WHERE pn.nspname = :s AND p.proname = :erase)"),
        {"s": schema, "erase": ERASE_FUNCTION}).one()
    rows = conn.execute(text(
        "SELECT c.relname, c.relkind, owner.relname, "
        "CASE WHEN c.relkind = 'S' THEN has_sequence_privilege(c.oid, 'SELECT') "
        "     ELSE has_table_privilege(c.oid, 'SELECT') END, "
        "CASE WHEN c.relkind = 'S' THEN has_sequence_privilege(c.oid, 'USAGE') "
        "     WHEN c.relname = :history THEN has_table_privilege(c.oid, 'INSERT') "
        "     ELSE has_table_privilege(c.oid, 'INSERT') AND has_table_privilege(c.oid, 'UPDATE') END, "
        "pg_has_role(c.relowner, 'USAGE') "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN pg_depend d ON c.relkind = 'S' AND d.classid = 'pg_class'::regclass AND d.objid = c.oid "
        "     AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') "
        "LEFT JOIN pg_class owner ON owner.oid = d.refobjid AND owner.relnamespace = c.relnamespace "
        "WHERE n.nspname = :s AND c.relkind NOT IN ('i', 'I', 't') "
        "AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid "
        "                AND e.deptype = 'e') "
        "ORDER BY c.relname"), {"s": schema, "history": "history"}).all()
    relations = tuple(Relation(name, kind, owner, bool(read) and usable, bool(write) and usable, bool(owned))
                      for name, kind, owner, read, write, owned in rows)
    return SchemaContents(schema, usable, role, relations, bool(creatable),
                          None if erasing is None else bool(erasing))


def _listed(names: list[str], limit: int = 5) -> str:
    return ", ".join(names[:limit]) + (" …" if len(names) > limit else "")


def extra_relations(contents: SchemaContents) -> list[str]:
    """Beside a workspace, every relation of its schema Dossier does not make, one line each:
    another application's table (seen even when the login may not read it), a view, a
    sequence numbering no table. A sequence numbering a table, and a view bearing the name of
    one of Dossier's tables, are judged elsewhere (with the table; "stands where a table should
    be")."""
    ours = dossier_tables()
    return [f"an extra {r.shown}" for r in contents.relations
            if r.name not in ours and not (r.kind == "S" and r.owner_table)]


def schema_revision(conn: Connection, shown: str, contents: SchemaContents | None = None) -> str | None:
    """The workspace's schema revision; None when the schema holds nothing at all.

    Raises ``NotAWorkspaceError`` naming what the database holds when that is not a Dossier
    workspace, and ``WorkspaceError`` when it is one this login may not read.
    """
    contents = contents if contents is not None else read_schema(conn)
    if not contents.relations:
        return None
    if not contents.holds_workspace():
        raise NotAWorkspaceError(f"{shown} is a PostgreSQL database but not a Dossier workspace "
                                 f"(it holds {_listed([r.shown for r in contents.relations])})")
    refuse_unreadable(shown, contents)
    revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
    if revision is None:
        raise NotAWorkspaceError(f"{shown} holds Dossier's tables but no schema version")
    return revision


def migration_refusal(shown: str, revision: str | None, head: str, contents: SchemaContents) -> str | None:
    """Why this login cannot make or upgrade the workspace (one line, asking its owner to), when it
    cannot; None when it can."""
    if contents.migratable():
        return None
    if revision is None:
        return (f"cannot open {shown}: it holds no Dossier workspace yet, and this login ({contents.role}) may "
                f"not create one (it may not create tables in schema {contents.schema}); the workspace's owner "
                "creates it by opening it once (docs/team.md)")
    return (f"cannot open {shown}: it needs an upgrade to this version of Dossier (schema {revision} to {head}), "
            f"which only the workspace's owner can make, not this login ({contents.role}); ask the owner to open "
            "it once with this version of Dossier (docs/team.md)")


def refuse_unreadable(shown: str, contents: SchemaContents) -> None:
    """``WorkspaceError`` naming what the login may not read, when it may not read the workspace."""
    if not contents.usable:
        raise WorkspaceError(
            f"cannot open {shown}: it holds a Dossier workspace, but this login ({contents.role}) has no "
            f"rights to its schema {contents.schema}; the database's administrator can grant them (docs/team.md)")
    ours = dossier_tables()
    closed = [r.name for r in contents.relations if r.name in ours and not r.readable]
    if closed:
        raise WorkspaceError(
            f"cannot open {shown}: it holds a Dossier workspace, but this login ({contents.role}) may not "
            f"read it (no SELECT rights on {_listed(closed, 3)}); the database's administrator can grant "
            "them (docs/team.md)")


def write_refusal(contents: SchemaContents) -> str | None:
    """Why this login can only read the workspace, fit for a read-only banner; None when it may
    change it (INSERT and UPDATE on every table Dossier writes but the history, INSERT on the
    history, USAGE of their sequences, EXECUTE of ``dossier_erase``)."""
    ours = dossier_tables() - {"alembic_version"}  # only an upgrade writes the schema version
    closed = [r.name for r in contents.relations
              if not r.writable and (r.name in ours or (r.kind == "S" and r.owner_table in ours))]
    if contents.erasing is False:  # deleting a record erases its text from the history through it
        closed.append(f"the history of deleted records ({ERASE_FUNCTION})")
    if not closed:
        return None
    return (f"this login ({contents.role}) can only read this team workspace (it may not change "
            f"{_listed(closed, 3)})")


# --- one line for every failure ----------------------------------------------------------------

_CONNECT_REASONS = (
    ("password authentication failed", "authentication failed: check the user name and password"),
    ("no password supplied", "authentication failed: the server asks for a password"),
    ("authentication failed", "authentication failed: check the user name and password"),
    ("does not exist", None),  # the server's own words name the missing role or database
    ("connection refused", "the server cannot be reached: connection refused (is PostgreSQL running there?)"),
    ("no such file or directory", "the server cannot be reached: nothing listens there (is PostgreSQL running?)"),
    ("timeout expired", "the server cannot be reached: no answer"),
    ("could not translate host name", "the server cannot be reached: unknown host name"),
    ("name or service not known", "the server cannot be reached: unknown host name"),
    ("no route to host", "the server cannot be reached: no route to the host"),
    ("network is unreachable", "the server cannot be reached: the network is unreachable"),
    ("the database system is shutting down", "the server is shutting down"),
    ("the database system is starting up", "the server is starting up: try again in a moment"),
    ("the database system is in recovery mode", "the server is recovering from a crash: try again in a moment"),
    ("terminating connection due to administrator command",
     "the server ended the connection (it is shutting down, or an administrator ended the session)"),
    ("terminating connection", "the server ended the connection"),
    ("server closed the connection unexpectedly", "the connection to the server was lost"),
    ("could not receive data from server", "the connection to the server was lost"),
    ("could not send data to server", "the connection to the server was lost"),
    ("ssl syscall error", "the connection to the server was lost"),
    ("the connection is lost", "the connection to the server was lost"),
    ("the connection is closed", "the connection to the server was lost"),
    ("consuming input failed", "the connection to the server was lost"),
    ("permission denied", None),
)

#: SQLSTATE classes and codes of a connection that failed or went away.
_CONNECTION_STATES = ("08", "57P01", "57P02", "57P03", "28")


def _clean(line: str) -> str:
    """A libpq line without its ``connection failed: connection to server at … failed:`` and
    ``FATAL:`` wrapping (the address is named by the message already)."""
    for marker in ("FATAL:", "ERROR:"):
        if marker in line:
            line = line.split(marker, 1)[1]
    if " failed: " in line and line.lower().startswith(("connection failed", "connection to server")):
        line = line.rsplit(" failed: ", 1)[1]
    return " ".join(line.split()) or line.strip()


def reason_from_text(message: str) -> str:
    """One line saying why, from libpq's (or pg_dump's) text of a failure, which may run to
    several lines: a known cause in Dossier's words, else the server's first line."""
    lowered = " ".join(message.lower().split())
    lines = [line for line in message.strip().splitlines() if line.strip()]
    for needle, reason in _CONNECT_REASONS:
        if needle in lowered:
            if reason is not None:
                return reason
            found = next((line for line in lines if needle in line.lower()), lines[0])
            return _clean(found)
    return _clean(lines[0]) if lines else "no reason given"


def connection_trouble(message: str) -> bool:
    """Whether libpq's text is about reaching the server (or a connection lost on the way)."""
    lowered = " ".join(message.lower().split())
    return "connection to server" in lowered or any(
        needle in lowered for needle, reason in _CONNECT_REASONS if reason is not None)


def connection_failure(exc: BaseException) -> str | None:
    """One line saying why, when ``exc`` (a DBAPIError, or the driver's own) is a failure to
    reach the server or a connection lost on the way; None for any other error."""
    orig = getattr(exc, "orig", exc)
    if not type(orig).__module__.startswith("psycopg"):
        return None
    sqlstate = getattr(orig, "sqlstate", None) or ""
    invalidated = bool(getattr(exc, "connection_invalidated", False))
    import psycopg

    if not (isinstance(orig, psycopg.OperationalError) or sqlstate.startswith(_CONNECTION_STATES) or invalidated):
        return None
    return reason_from_text(str(orig))


def connection_error(shown: str, exc: DBAPIError) -> WorkspaceError:
    """A user-facing error, one line naming the server, for a failure to connect to (or read) a
    PostgreSQL workspace."""
    reason = connection_failure(exc)
    if reason is None:
        reason = reason_from_text(str(getattr(exc, "orig", exc)) or type(exc).__name__)
    return WorkspaceError(f"cannot open {shown}: {reason}")
