"""Opening, checking, backing up and closing a workspace: one SQLite file on a laptop, or
a PostgreSQL database a team shares (``postgresql://user@host:port/name``)."""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shlex
import tempfile
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text

from dossier import config
from dossier.config import is_postgres_url
from dossier.errors import WorkspaceError
from dossier.files import (
    group_or_others_can_read,
    make_private_folders,
    refuse_workspace_target,
    write_private,
)
from dossier.store.database import SCHEMA_HEAD, Database, open_database
from dossier.store.postgres import backup as postgres_backup
from dossier.store.records import count_records
from dossier.store.sqlite import backups
from dossier.store.sqlite.backup import backup_to
from dossier.store.sqlite.files import (
    SQLITE_HEADER,
    WorkspaceDamagedError,
    content_problem,
    structure_problem,
    wal_problem,
)
from dossier.store.sqlite.lock import WorkspaceLock


@dataclass(frozen=True)
class Change:
    """What one committed operation changed, broadcast to listeners (the GUI's panes)."""

    changed: dict[str, tuple[str, ...]] = field(default_factory=dict)  # collection -> ids added/edited
    deleted: dict[str, tuple[str, ...]] = field(default_factory=dict)  # collection -> ids removed
    everything: bool = False  # e.g. after an import: refresh all

    def touches(self, collection: str) -> bool:
        return self.everything or collection in self.changed or collection in self.deleted


#: Workspaces not closed yet: closed properly when the interpreter exits, even after an
#: uncaught exception. (Else SQLite's own clean-up would fold in and remove the log while the
#: lock file stayed, and the next opening would take that for a crash that lost the log.)
_open_workspaces: weakref.WeakSet[Workspace] = weakref.WeakSet()


@atexit.register
def _close_at_exit() -> None:
    for ws in list(_open_workspaces):
        try:
            ws.close()
        except Exception:  # noqa: BLE001 - leaving anyway; the next opening checks the file
            pass


class Workspace:
    """An open workspace. Services take it as their first argument."""

    def __init__(self, db: Database, lock: WorkspaceLock | None = None, readonly_reason: str | None = None):
        self.db = db
        self.lock = lock
        self.readonly_reason = readonly_reason  # why it was opened read-only, for a banner
        self.backup_made: Path | None = None
        self.warnings: list[str] = []
        self._listeners: list[Callable[[Change], None]] = []
        self.closed = False
        _open_workspaces.add(self)

    @property
    def path(self) -> Path | None:
        """The workspace file; None for a workspace on PostgreSQL (see ``location``)."""
        return self.db.path

    @property
    def location(self) -> str:
        """Where the workspace is, fit to show: the file path, or the URL without its password."""
        return self.db.location

    @property
    def is_shared(self) -> bool:
        """True for a team workspace on PostgreSQL, which others may change while it is open."""
        return self.db.is_shared

    @property
    def readonly(self) -> bool:
        return self.db.readonly

    def subscribe(self, listener: Callable[[Change], None]) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[Change], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def announce(self, change: Change) -> None:
        for listener in list(self._listeners):
            listener(change)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        _open_workspaces.discard(self)
        try:
            if self.lock is not None:
                # Closing folds the write-ahead log into the file and removes it: a process
                # killed after that but before the lock goes must not look like lost changes.
                self.lock.mark(closing=True)
            self.db.close()
            if self.lock is not None:
                remember_clean_close(self.db.path)
        finally:
            if self.lock is not None:
                self.lock.release()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


#: Set by ``use_app_safeguards``: every opening in this process checks the records it may show.
_check_every_opening = False


def use_app_safeguards(time_limit: float | None = 120.0) -> None:
    """For the desktop app: every workspace file it opens (read-only ones too) has its records
    checked against the model's rules unless it is exactly as this user's Dossier left it, so no
    pane draws a row no Dossier could have written; and no transaction on a file may run longer
    than ``time_limit`` seconds (a query that would is stopped, and the action fails saying so).
    A command is stopped by Ctrl+C instead, and checks what it reads whole."""
    global _check_every_opening
    _check_every_opening = True
    Database.time_limit = time_limit


def open_workspace(path: str | os.PathLike | None = None, *, readonly: bool = False,
                   lock_timeout: float = 0.0, daily_backup: bool = True,
                   check_records: bool | None = None) -> Workspace:
    """Open the workspace at ``path`` (default: the user's workspace), creating it when absent.

    ``path`` may be a ``postgresql://user@host:port/name`` URL: the database's schema is
    created or upgraded by the same migrations, and many analysts may write at once (no
    lock file, no daily backup: the server's administrator backs it up, see docs/team.md).

    Writing needs the workspace's lock: another running Dossier holding it makes this raise
    ``WorkspaceLockedError`` (naming who holds it) after ``lock_timeout`` seconds. A file
    that cannot be written opens read-only, saying why in ``readonly_reason``. A damaged
    file raises ``WorkspaceDamagedError`` naming the newest good backup, and is not
    written to. At most once a day a backup is made into ``backups/`` beside the file.

    A file's schema must be exactly the one Dossier's migrations make (``ForeignSchemaError``
    otherwise, naming what is foreign). Its records are held to the model's rules
    (``BrokenRecordsError`` naming one that breaks them) before anything is written, when
    ``check_records`` says so; by default when the file is not exactly as this user's Dossier
    left it and is opened for writing, or opened at all in the app (``use_app_safeguards``).
    ``check`` passes False: it lists those problems instead.

    The lock is keyed on the file itself, so every path to it (a link, a hard link, ``..``)
    meets the same one (see ``dossier.store.sqlite.lock``). Once it is held, what a cut-off
    backup, restore or upgrade of this workspace left behind is removed; a new workspace is
    created private (0600), and every workspace written to gets the marker that tells its
    backups from another's (see ``dossier.store.sqlite.backups``).
    """
    if is_postgres_url(path):
        return Workspace(open_database(str(path), readonly=readonly, analyst=config.analyst_name()))
    target = Path(path) if path is not None else config.default_workspace_path()
    reason = None
    if not readonly:
        reason = _why_not_writable(target)
        readonly = reason is not None
    lock = None
    if not readonly:
        try:
            make_private_folders(Path(os.path.realpath(target)).parent)
        except OSError as exc:
            raise WorkspaceError(f"cannot create the folder for {target}: {exc.strerror or exc}") from None
        lock = WorkspaceLock(target).acquire(lock_timeout)
    db = None
    try:
        if lock is not None:
            with contextlib.suppress(OSError, WorkspaceError):
                backups.remove_leftovers(target)  # their owner is gone: we hold the lock
        existed = _holds_sqlite(target)
        if existed:
            read_through = _refuse_damaged(target, lock)
            if check_records if check_records is not None else (
                    read_through and (not readonly or _check_every_opening)):
                from dossier.services.verification import check_file

                check_file(target)  # reads only: the schema verified first, then every record
        db = open_database(target, readonly=readonly, analyst=config.analyst_name())
        if lock is not None:
            lock.cover_new_file()  # a workspace made just now: lock its inode too
            with contextlib.suppress(Exception):  # only helps tell its backups from others'
                backups.mark_workspace(db.engine)
        ws = Workspace(db, lock, reason)
        if lock is not None:
            lock.mark(opened=True)
    except BaseException:
        if db is not None:
            db.close(tidy=False)
        if lock is not None:
            lock.release()
        raise
    if existed and daily_backup and not readonly:
        try:
            ws.backup_made = backups.daily_backup(target)
        except WorkspaceError as exc:
            ws.warnings.append(f"the daily backup could not be made: {exc}")
    return ws


def _why_not_writable(path: Path) -> str | None:
    path = Path(os.path.realpath(path))  # the folder its lock and log go in is the real file's
    if path.exists():
        if not os.access(path, os.W_OK):
            return "the workspace file is read-only"
        if not os.access(path.parent, os.W_OK | os.X_OK):
            return "the folder holding the workspace is read-only"
    return None


def _holds_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(16) == SQLITE_HEADER
    except OSError:
        return False


def _refuse_damaged(path: Path, lock: WorkspaceLock | None) -> bool:
    """Refuse a damaged file (``WorkspaceDamagedError``); True when every page was read through,
    False when it was skipped because the file is exactly as this user's Dossier left it."""
    problem = structure_problem(path)
    if problem is None and lock is not None and lock.found_stale:
        state = lock.previous_state()
        if state.get("opened") and not state.get("closing") and not Path(f"{path}-wal").exists():
            problem = ("it was not closed properly and its write-ahead log "
                       f"({path.name}-wal) is missing, so its latest changes are lost")
    problem = problem or wal_problem(path)
    read_through = not (lock is not None and not lock.found_stale and unchanged_since_clean_close(path))
    if problem is None and read_through:
        problem = content_problem(path)  # every page read through, unless as it was left cleanly
    if problem:
        raise WorkspaceDamagedError(path, problem, backups.newest_good_backup(path))
    return read_through


#: Files this user's Dossier closed cleanly, with their size, modification time and inode then.
CLEAN_CLOSES = "clean-closes.json"
_CLEAN_CLOSES_KEPT = 50


def _stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _clean_closes() -> dict[str, list[int]]:
    try:
        known = json.loads((config.data_dir() / CLEAN_CLOSES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return known if isinstance(known, dict) else {}


def remember_clean_close(path: Path) -> None:
    """Note a workspace file as this process closed it, its log folded in. Opened again unchanged
    (same size, time and inode), its pages need not all be read through for damage: they are
    as SQLite left them after the check at the previous opening. Best effort only."""
    try:
        if Path(f"{path}-wal").exists():
            return  # another reader keeps the log: the file will change at its next checkpoint
        key = str(path.resolve())
        known = _clean_closes()
        known.pop(key, None)
        known[key] = _stamp(path)
        kept = dict(list(known.items())[-_CLEAN_CLOSES_KEPT:])
        folder = make_private_folders(config.data_dir())
        fd, tmp = tempfile.mkstemp(prefix=".clean-closes-", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(kept, out)
        os.replace(tmp, folder / CLEAN_CLOSES)
    except OSError:
        pass


def unchanged_since_clean_close(path: Path) -> bool:
    """Whether ``path`` is exactly as this user's Dossier last closed it cleanly."""
    try:
        return _clean_closes().get(str(path.resolve())) == _stamp(path)
    except OSError:
        return False


def restore_backup(path: str | os.PathLike, backup: str | os.PathLike, *, lock_timeout: float = 0.0) -> Path:
    """Replace the workspace with a backup; the current file is kept as NAME.replaced-STAMP."""
    target = Path(path)
    lock = WorkspaceLock(target).acquire(lock_timeout)
    try:
        return backups.restore(target, Path(backup))
    finally:
        lock.release()


@dataclass(frozen=True)
class CheckReport:
    path: Path | None  # None for a workspace on PostgreSQL
    schema: str | None
    integrity: list[str]  # ["ok"], or SQLite's integrity_check lines (pages, indexes, NOT NULL, UNIQUE, CHECK)
    foreign_keys: list[str]
    counts: dict[str, int]
    location: str = ""
    warnings: tuple[str, ...] = ()  # worth telling, but not problems: ``ok`` does not look at them
    values: tuple[str, ...] = ()  # values of another kind than their column holds
    search_index: tuple[str, ...] = ()  # the search index's own check, and its agreement with the records
    rules: tuple[str, ...] = ()  # records that break the model's rules, read back one by one

    @property
    def ok(self) -> bool:
        return (self.integrity == ["ok"] and not self.foreign_keys and self.schema == SCHEMA_HEAD
                and not self.values and not self.search_index and not self.rules)


def check_workspace(ws: Workspace) -> CheckReport:
    """Everything that could make the workspace fail in use, each problem one line.

    On a file, on a private snapshot of it (a read-write copy in memory, so the file is never
    written and CHECK constraints are checked too): SQLite's integrity check, its foreign-key
    check, values of the wrong kind for their column, and the search index's own check and its
    agreement with the records. Then every record is read back and held to the model's rules,
    as an imported document is. The schema itself was verified when the workspace was opened.

    On PostgreSQL, which keeps its own files sound and enforces its constraints, the integrity
    line says the database answered, the foreign-key check looks for rows whose references lead
    nowhere, and the records are held to the model's rules.
    """
    from dossier.services.verification import document_problems, read_tolerantly

    values: list[str] = []
    index: list[str] = []
    unlisted: list[str] = []
    with ws.db.read() as conn:
        if ws.is_shared:
            integrity = ["ok"]
            fk = postgres_backup.dangling_references(conn)
        schema = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
        counts = count_records(conn)
    if ws.is_shared:
        from dossier.services import interchange

        doc = interchange.export_document(ws)
    else:
        integrity, fk, values, index, unlisted = _check_snapshot(ws, counts)
        doc = read_tolerantly(ws)
    rules = document_problems(doc)
    warnings = () if ws.is_shared else tuple(filter(None, [privacy_warning(ws.path), *unlisted]))
    return CheckReport(ws.path, schema, integrity, fk, counts, ws.location, warnings,
                       tuple(values), tuple(index), tuple(rules))


def _check_snapshot(ws: Workspace, counts: dict[str, int]) -> tuple[list[str], ...]:
    """Integrity, foreign keys, values and search index of a private in-memory copy of the file;
    last, the records the search index does not list (a warning: search misses them, nothing fails)."""
    from dossier.store.sqlite import soundness

    raw = ws.db.engine.raw_connection()
    try:
        with soundness.snapshot(raw.driver_connection) as copy:
            integrity = soundness.integrity_problems(copy) or ["ok"]
            fk = soundness.foreign_key_problems(copy)
            values = soundness.type_problems(copy)
            index = soundness.search_index_problems(copy)
            unlisted = []
            if not index:
                indexed = dict(copy.execute("SELECT kind, count(*) FROM search_index GROUP BY kind").fetchall())
                for name, stored in counts.items():
                    listed = indexed.pop(name, 0)
                    if listed != stored:
                        unlisted.append(f"the search index lists {listed} {name} where {stored} are stored; "
                                        "a search may miss some (an export imported into a new workspace "
                                        "indexes them all)")
                for name, listed in indexed.items():
                    unlisted.append(f"the search index lists {listed} entries of an unknown kind "
                                    f"{soundness_shown(name)}")
    finally:
        raw.close()
    return integrity, fk, values, index, unlisted


def soundness_shown(value: object) -> str:
    from dossier.model.text import quote_user_text

    return quote_user_text(value) if isinstance(value, str) else repr(value)[:60]


def privacy_warning(path: Path) -> str | None:
    """One line when other users of this computer can read the workspace file or its side
    files (Dossier creates them private, 0600; a file made elsewhere may not be)."""
    readable = []
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            mode = file.stat().st_mode
        except OSError:
            continue
        if group_or_others_can_read(mode):
            readable.append((file, mode & 0o777))
    if not readable:
        return None
    names = ", ".join(f"{file.name} (mode {mode:03o})" for file, mode in readable)
    files = " ".join(shlex.quote(str(file)) for file, _ in readable)
    return (f"other users of this computer can read {names}; "
            f"make it private with: chmod go-rwx {files}")


@dataclass(frozen=True)
class BackupResult:
    target: Path
    method: str  # "sqlite online backup", "pg_dump custom format" or "interchange export"


def backup_workspace(ws_or_path: Workspace | Path | str, target: str | os.PathLike) -> Path:
    """Write a consistent copy of the workspace to ``target`` (safe while others write)."""
    return backup_workspace_as(ws_or_path, target).target


def backup_workspace_as(ws_or_path: Workspace | Path | str, target: str | os.PathLike) -> BackupResult:
    """Like ``backup_workspace``, saying how the copy was made.

    A file is copied with SQLite's online backup. A PostgreSQL workspace is dumped with
    ``pg_dump --format=custom`` (restore with ``pg_restore``) when pg_dump can be found,
    else written as an interchange export read in one transaction (restore by importing
    it into an empty workspace with ``dossier copy``).
    """
    target = Path(target)
    if isinstance(ws_or_path, Workspace) and ws_or_path.is_shared:
        refuse_workspace_target(target)
        ws = ws_or_path
        url = ws.db.engine.url.render_as_string(hide_password=False)
        if postgres_backup.pg_dump_program() is not None:
            postgres_backup.dump(url, target)
            return BackupResult(target, "pg_dump custom format")
        from dossier.services import interchange

        doc = interchange.export_document(ws)
        try:
            write_private(target, lambda fh: interchange.write_document(doc, fh))
        except OSError as exc:
            raise WorkspaceError(f"backup to {target} failed: {exc.strerror or exc}") from None
        return BackupResult(target, "interchange export")
    source = ws_or_path.path if isinstance(ws_or_path, Workspace) else Path(ws_or_path)
    refuse_workspace_target(target, source, may_replace_database=True)
    backup_to(source, target)
    return BackupResult(target, "sqlite online backup")
