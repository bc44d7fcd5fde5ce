"""Engines for team workspaces on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from dossier.errors import NotAWorkspaceError, WorkspaceError

#: Seconds to wait for the server to answer before saying it cannot be reached.
CONNECT_TIMEOUT = 10




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
    return create_engine(parsed, pool_pre_ping=True,
                         connect_args={"application_name": "Dossier", "connect_timeout": CONNECT_TIMEOUT})


def display_name(url: str) -> str:
    """The address without its password (left out, not masked), for titles and messages."""
    try:
        parsed = make_url(url.replace("postgres://", "postgresql://", 1))
        return parsed._replace(password=None).render_as_string(hide_password=False)
    except Exception:
        return "PostgreSQL database"


def schema_revision(conn: Connection, shown: str) -> str | None:
    """The workspace's schema revision; None for an empty database.

    Raises NotAWorkspaceError for a database holding other tables.
    """
    tables = [r[0] for r in conn.execute(text(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
        "ORDER BY table_name"))]
    if not tables:
        return None
    if "alembic_version" not in tables or "parties" not in tables:
        listed = ", ".join(tables[:5]) + (" …" if len(tables) > 5 else "")
        raise NotAWorkspaceError(f"{shown} is a PostgreSQL database but not a Dossier workspace "
                                 f"(it holds tables: {listed})")
    revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
    if revision is None:
        raise NotAWorkspaceError(f"{shown} holds Dossier's tables but no schema version")
    return revision


_CONNECT_REASONS = (
    ("password authentication failed", "authentication failed: check the user name and password"),
    ("no password supplied", "authentication failed: the server asks for a password"),
    ("authentication failed", "authentication failed: check the user name and password"),
    ("does not exist", None),  # the server's own words name the missing role or database
    ("connection refused", "the server cannot be reached: connection refused (is PostgreSQL running there?)"),
    ("timeout expired", "the server cannot be reached: no answer"),
    ("could not translate host name", "the server cannot be reached: unknown host name"),
    ("name or service not known", "the server cannot be reached: unknown host name"),
    ("permission denied", None),
)


def connection_error(shown: str, exc: DBAPIError) -> WorkspaceError:
    """A user-facing error for a failure to connect to (or read) a PostgreSQL workspace."""
    detail = str(getattr(exc, "orig", exc)).strip().splitlines()
    message = detail[0] if detail else type(exc).__name__
    lowered = message.lower()
    for needle, reason in _CONNECT_REASONS:
        if needle in lowered:
            message = reason or message.split("FATAL:", 1)[-1].strip()
            break
    return WorkspaceError(f"cannot open {shown}: {message}")
