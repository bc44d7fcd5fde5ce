"""CHECK constraints that read the same on every database Dossier runs on.

SQLite has GLOB but no regular expressions; PostgreSQL has regular expressions but no
GLOB. The few pattern checks of the schema are written once here, each with its text for
either database; the migrations and ``tables.py`` both use them.
"""

from __future__ import annotations

from sqlalchemy import Boolean
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement

_DATE_GLOBS = ("[0-9][0-9][0-9][0-9]", "[0-9][0-9][0-9][0-9]-[0-9][0-9]",
               "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]")
_DATE_REGEX = "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"


class DialectCheck(ColumnElement):
    """A condition written once per database."""

    type = Boolean()
    inherit_cache = True

    def __init__(self, sqlite: str, postgresql: str):
        self.sqlite = sqlite
        self.postgresql = postgresql


@compiles(DialectCheck, "sqlite")
def _check_sqlite(element: DialectCheck, compiler, **kw) -> str:
    return element.sqlite


@compiles(DialectCheck, "postgresql")
def _check_postgresql(element: DialectCheck, compiler, **kw) -> str:
    return element.postgresql


def _quoted(column: str) -> str:
    return '"end"' if column == "end" else column


def valid_uid(column: str = "uid") -> DialectCheck:
    """1 to 64 characters from a-z 0-9 . _ -"""
    length = f"length({column}) BETWEEN 1 AND 64 AND "
    return DialectCheck(length + f"{column} NOT GLOB '*[^a-z0-9._-]*'", length + f"{column} !~ '[^a-z0-9._-]'")


def partial_date(column: str, nullable: bool = True) -> DialectCheck:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (the calendar itself is checked by the services)."""
    name = _quoted(column)
    null = f"{name} IS NULL OR " if nullable else ""
    globs = " OR ".join(f"{name} GLOB '{g}'" for g in _DATE_GLOBS)
    return DialectCheck(null + globs, null + f"{name} ~ '{_DATE_REGEX}'")


def country_code(column: str = "country") -> DialectCheck:
    return DialectCheck(f"{column} IS NULL OR {column} GLOB '[A-Z][A-Z]'", f"{column} IS NULL OR {column} ~ '^[A-Z]{{2}}$'")


def exactly_one_set(*columns: str) -> str:
    """Exactly one of the columns holds a value."""
    return " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in columns) + " = 1"
