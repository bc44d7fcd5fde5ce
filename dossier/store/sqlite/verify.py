"""A workspace file's schema, verified before anything runs on it.

An SQLite file carries its own SQL: triggers run on writes, views answer reads, a CHECK or
an index evaluates expressions, all written by whoever made the file. A workspace received
from someone else is therefore opened only when its schema (every table, index, trigger and
view in ``sqlite_master``) is exactly the one this version's migrations make at the file's
schema revision: none extra, none missing, none replaced. Anything else is refused before a
single query touches a table of it, with one line naming what is foreign.

The expected schema is derived, never written down: the shipped migrations are run up to the
revision on an empty in-memory database and its ``sqlite_master`` is read. That needs Alembic
(about half a second to load and run), so each result is kept, per process in memory and
across processes in ``schemas.json`` in the user's data folder, keyed by a fingerprint of
everything that shapes it: the migration scripts and the store code they use, and the
versions of Dossier, SQLite, SQLAlchemy and Alembic. Any change to one of them builds it anew.

SQL texts are compared normalised (:func:`normalise`): comments and the spacing between
tokens dropped, keywords and identifiers folded to lower case, quoted identifiers unquoted;
string literals are kept exactly as written.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import os
import re
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from dossier.errors import ForeignSchemaError, MigrationError

#: One row of ``sqlite_master``: (type, name, tbl_name, sql).
Row = tuple[str, str, str, "str | None"]

#: Tables SQLite itself makes, holding data only (statistics of ANALYZE): allowed when their SQL is SQLite's own.
_SQLITE_OWN = {
    "sqlite_stat1": "CREATE TABLE sqlite_stat1(tbl,idx,stat)",
    "sqlite_stat4": "CREATE TABLE sqlite_stat4(tbl,idx,neq,nlt,ndlt,sample)",
}

CACHE_FILE = "schemas.json"


# ---------------------------------------------------------------- normalising SQL
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>--[^\n]*|/\*.*?(?:\*/|\Z))
  | (?P<string>'(?:[^']|'')*'?)
  | (?P<dquoted>"(?:[^"]|"")*"?)
  | (?P<bracketed>\[[^\]]*\]?)
  | (?P<backticked>`(?:[^`]|``)*`?)
  | (?P<blob>[xX]'[0-9A-Fa-f]*')
  | (?P<word>[A-Za-z_\u0080-\U0010ffff][A-Za-z0-9_$\u0080-\U0010ffff]*)
  | (?P<number>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|0[xX][0-9A-Fa-f]+)
  | (?P<operator>\|\||<=|>=|<>|!=|==|<<|>>|->>|->|.)
    """,
    re.VERBOSE | re.DOTALL,
)
_PLAIN_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*", re.ASCII)


@functools.lru_cache(maxsize=1024)  # the same few dozen texts at every opening
def normalise(sql: str | None) -> str | None:
    """``sql`` with comments and spacing dropped, keywords and identifiers in lower case, and
    quoted identifiers unquoted where they need no quotes; string literals kept as written."""
    if sql is None:
        return None
    tokens = []
    for match in _TOKEN.finditer(sql):
        kind = match.lastgroup
        value = match.group()
        if kind in ("space", "comment"):
            continue
        if kind in ("dquoted", "bracketed", "backticked"):
            inner = value[1:-1] if len(value) > 1 else ""
            if kind == "dquoted":
                inner = inner.replace('""', '"')
            elif kind == "backticked":
                inner = inner.replace("``", "`")
            value = inner.lower() if _PLAIN_IDENTIFIER.fullmatch(inner) else '"' + inner.replace('"', '""') + '"'
        elif kind == "word":
            value = value.lower()
        elif kind == "blob":
            value = "x" + value[1:].lower()
        tokens.append(value)
    return " ".join(tokens)


# ---------------------------------------------------------------- reading a schema
def read_schema(conn: sqlite3.Connection) -> list[tuple[str, str, str, str | None, int | None]]:
    """Every row of ``sqlite_master``: (type, name, tbl_name, sql, rootpage). Reading it parses
    the schema but runs none of it."""
    return [tuple(row) for row in conn.execute("SELECT type, name, tbl_name, sql, rootpage FROM sqlite_master")]


@dataclass(frozen=True)
class Expected:
    """The schema the migrations make at one revision: lower-cased name -> (type, table, normalised SQL)."""

    revision: str
    objects: dict[str, tuple[str, str, str | None]]
    names: dict[str, str]  # lower-cased name -> the name as the migrations spell it

    @classmethod
    def of(cls, revision: str, rows: Iterable[Sequence]) -> Expected:
        objects, names = {}, {}
        for type_, name, table, sql, *_ in rows:
            objects[name.lower()] = (type_, table.lower(), normalise(sql))
            names[name.lower()] = name
        return cls(revision, objects, names)


def _shown(name: object) -> str:
    """A schema object's name fit for a one-line message."""
    from dossier.model.text import quote_user_text

    if isinstance(name, str) and _PLAIN_IDENTIFIER.fullmatch(name) and len(name) <= 64:
        return name
    return quote_user_text(str(name))


def differences(rows: Iterable[Sequence], expected: Expected) -> list[str]:
    """What makes the schema ``rows`` (from :func:`read_schema`) differ from ``expected``, one line
    each: replaced objects first, then extra triggers and views, other extra objects, objects that
    differ, missing ones, and storage shared between two objects."""
    replaced, extra_code, extra, differ, missing, shared = [], [], [], [], [], []
    seen = set()
    roots: dict[int, str] = {}
    for type_, name, table, sql, rootpage in rows:
        key = str(name).lower()
        if key in seen:
            extra.append(f"a second {type_} named {_shown(name)}")
            continue
        seen.add(key)
        if isinstance(rootpage, int) and rootpage > 0:
            if rootpage in roots:
                shared.append(f"{type_} {_shown(name)} shares its storage with {roots[rootpage]}")
            else:
                roots[rootpage] = f"{type_} {_shown(name)}"
        want = expected.objects.get(key)
        if want is None:
            own = _SQLITE_OWN.get(key)
            if own is not None and type_ == "table" and normalise(sql) == normalise(own):
                continue
            on_table = f" on table {_shown(table)}" if type_ in ("trigger", "index") else ""
            (extra_code if type_ in ("trigger", "view") else extra).append(
                f"an extra {type_} {_shown(name)}{on_table}")
            continue
        want_type, want_table, want_sql = want
        if type_ != want_type:
            article = "an" if want_type[0] in "aeiou" else "a"
            replaced.append(f"{type_} {_shown(name)} stands where {article} {want_type} should be")
        elif str(table).lower() != want_table:
            differ.append(f"{type_} {_shown(name)} is on table {_shown(table)}, not on {_shown(want_table)}")
        elif normalise(sql) != want_sql:
            differ.append(f"{type_} {_shown(name)} differs from the one Dossier makes")
    for key, (type_, _table, _sql) in expected.objects.items():
        if key not in seen:
            missing.append(f"{type_} {_shown(expected.names[key])} is missing")
    return replaced + extra_code + extra + differ + missing + shared


def verify(conn: sqlite3.Connection, path: Path, revision: str, migrations: str) -> None:
    """Raise ForeignSchemaError unless the schema of the file open on ``conn`` is the one the
    ``migrations`` make at ``revision``."""
    found = differences(read_schema(conn), expected_schema(revision, migrations))
    if found:
        raise ForeignSchemaError(path, revision, found)


# ---------------------------------------------------------------- the expected schema
_memory: dict[tuple[str, str], Expected] = {}
_fingerprints: dict[str, str] = {}
_lock = threading.Lock()


def expected_schema(revision: str, migrations: str) -> Expected:
    """The schema the migrations make at ``revision``: from this process's memory, else from the
    data folder's cache when its fingerprint matches, else built (and kept in both)."""
    key = (migrations, revision)
    with _lock:
        found = _memory.get(key)
        if found is not None:
            return found
        fingerprint = _fingerprint(migrations)
        rows = _cached_rows(fingerprint, revision)
        if rows is None:
            rows = build_schema(revision, migrations)
            _keep_rows(fingerprint, revision, rows)
        found = _memory[key] = Expected.of(revision, rows)
        return found


def build_schema(revision: str, migrations: str) -> list[Row]:
    """Run the migrations up to ``revision`` on an empty in-memory database; its ``sqlite_master``."""
    engine, driver = build_database(revision, migrations)
    try:
        return [tuple(row) for row in driver.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")]
    finally:
        engine.dispose()
        driver.close()


def build_database(revision: str, migrations: str, text_factory=None):
    """A new in-memory database made by the migrations up to ``revision``: (engine, its one
    connection), to be disposed of and closed by the caller."""
    from alembic import command

    from dossier.store.migrating import alembic_config as _alembic_config
    from dossier.store.sqlite.connect import WRITE_OPTION, make_memory_engine

    engine, driver = make_memory_engine(text_factory)
    try:
        with engine.connect() as raw:
            driver.execute("PRAGMA foreign_keys = OFF")  # as when a file is upgraded (see database._upgrade)
            conn = raw.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                command.upgrade(_alembic_config(conn, migrations), revision)
            driver.execute("PRAGMA foreign_keys = ON")
    except Exception as exc:  # a migration that cannot run says so, one line
        engine.dispose()
        driver.close()
        raise MigrationError(f"the schema of revision {revision} could not be built: {exc}") from exc
    return engine, driver


def _migrations_folder(migrations: str) -> Path | None:
    if os.path.isdir(migrations):
        return Path(migrations)
    package, _, folder = migrations.partition(":")
    with contextlib.suppress(ImportError, ValueError, AttributeError):
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.submodule_search_locations:
            return Path(next(iter(spec.submodule_search_locations))) / folder
    return None


def _fingerprint(migrations: str) -> str:
    """A digest of everything that shapes the schema the migrations make (see the module's docstring)."""
    found = _fingerprints.get(migrations)
    if found is not None:
        return found
    import sqlalchemy

    import dossier

    digest = hashlib.sha256()
    for part in (migrations, dossier.__version__, sqlite3.sqlite_version, sqlalchemy.__version__):
        digest.update(part.encode() + b"\0")
    folders = [Path(__file__).resolve().parent.parent]  # dossier/store: the code the migrations use
    own = _migrations_folder(migrations)
    if own is not None and not str(own.resolve()).startswith(str(folders[0]) + os.sep):
        folders.append(own)
    with contextlib.suppress(ImportError, ValueError):
        spec = importlib.util.find_spec("alembic")  # found, not imported
        if spec is not None and spec.origin:
            folders.append(Path(spec.origin).parent / "__init__.py")
    for folder in folders:
        files = [folder] if folder.is_file() else sorted(folder.rglob("*.py"))
        for file in files:
            with contextlib.suppress(OSError):
                digest.update(str(file.relative_to(folder.parent)).encode() + b"\0" + file.read_bytes() + b"\0")
    found = _fingerprints[migrations] = digest.hexdigest()
    return found


def _cache_path() -> Path:
    from dossier import config

    return config.data_dir() / CACHE_FILE


def _read_cache() -> dict:
    try:
        with open(_cache_path(), encoding="utf-8") as fh:
            cached = json.load(fh)
    except (OSError, ValueError):
        return {}
    return cached if isinstance(cached, dict) else {}


def _cached_rows(fingerprint: str, revision: str) -> list[Row] | None:
    cached = _read_cache()
    if cached.get("fingerprint") != fingerprint:
        return None
    rows = cached.get("schemas", {}).get(revision) if isinstance(cached.get("schemas"), dict) else None
    if not isinstance(rows, list) or not all(
            isinstance(r, list) and len(r) == 4 and all(isinstance(v, str) for v in r[:3])
            and (r[3] is None or isinstance(r[3], str)) for r in rows):
        return None
    return [tuple(r) for r in rows]


def _keep_rows(fingerprint: str, revision: str, rows: list[Row]) -> None:
    """Add a revision's schema to the data folder's cache (private, replaced whole). Best effort."""
    from dossier.errors import WorkspaceError
    from dossier.files import make_private_folders, write_private_text

    try:
        cached = _read_cache()
        schemas = cached.get("schemas") if cached.get("fingerprint") == fingerprint else None
        schemas = dict(schemas) if isinstance(schemas, dict) else {}
        schemas[revision] = [list(r) for r in rows]
        folder = make_private_folders(_cache_path().parent)
        write_private_text(folder / CACHE_FILE, json.dumps({"fingerprint": fingerprint, "schemas": schemas}))
    except (OSError, WorkspaceError):  # a link where the cache goes is refused: the schema is built again
        pass
