"""Engines for team workspaces on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url

from dossier.errors import WorkspaceError


def is_postgres_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgresql+psycopg://", "postgres://"))


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
    return create_engine(parsed, pool_pre_ping=True, connect_args={"application_name": "Dossier"})


def display_name(url: str) -> str:
    """The address without any password, for titles and messages."""
    try:
        return make_url(url.replace("postgres://", "postgresql://", 1)).render_as_string(hide_password=True)
    except Exception:
        return "PostgreSQL database"
