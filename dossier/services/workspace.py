"""Opening, checking, backing up and closing a workspace: one SQLite file on a laptop, or
a PostgreSQL database a team shares (``postgresql://user@host:port/name``)."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from dossier import config
from dossier.config import is_postgres_url
from dossier.errors import WorkspaceError
from dossier.files import make_private_folders, write_private

# What every service takes and announces; kept in a module of their own, which imports no
# other service (``services.session``), and offered here as before.
from dossier.services.session import (  # noqa: F401
    Change,
    Workspace,
    remember_clean_close,
    unchanged_since_clean_close,
)
from dossier.store import workspace_file
from dossier.store.database import SCHEMA_HEAD, Database, open_database
from dossier.store.rows import count_records
from dossier.store.workspace_file import WorkspaceLock

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
    meets the same one (see ``dossier.store.workspace_file``). Once it is held, what a cut-off
    backup, restore or upgrade of this workspace left behind is removed; a new workspace is
    created private (0600), and every workspace written to gets the marker that tells its
    backups from another's.
    """
    if is_postgres_url(path):
        db = open_database(str(path), readonly=readonly, analyst=config.analyst_name())
        return Workspace(db, None, db.readonly_reason)  # a login that may only read says so
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
                workspace_file.remove_leftovers(target)  # their owner is gone: we hold the lock
        existed = workspace_file.holds_workspace_file(target)
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
                workspace_file.mark_workspace(db)
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
            ws.backup_made = workspace_file.daily_backup(target)
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


def _refuse_damaged(path: Path, lock: WorkspaceLock | None) -> bool:
    """Refuse a damaged file (``WorkspaceDamagedError``); True when every page was read through,
    False when it was skipped because the file is exactly as this user's Dossier left it."""
    read_through = not (lock is not None and not lock.found_stale and unchanged_since_clean_close(path))
    workspace_file.refuse_damaged(path, lock, read_through)
    return read_through


def restore_backup(path: str | os.PathLike, backup: str | os.PathLike, *, lock_timeout: float = 0.0) -> Path:
    """Replace the workspace with a backup; the current file is kept as NAME.replaced-STAMP."""
    target = Path(path)
    lock = WorkspaceLock(target).acquire(lock_timeout)
    try:
        return workspace_file.restore(target, Path(backup))
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

    The checks that differ are the store's (``Database.integrity_report``).
    """
    from dossier.services.verification import document_problems, read_tolerantly

    schema = ws.db.schema_revision()
    with ws.db.read() as conn:
        counts = count_records(conn)
    found = ws.db.integrity_report(counts)
    rules = document_problems(read_tolerantly(ws))
    warnings = tuple(filter(None, [*ws.db.privacy_warnings(), *found.unlisted]))
    return CheckReport(ws.path, schema, found.integrity, found.foreign_keys, counts, ws.location, warnings,
                       tuple(found.values), tuple(found.search_index), tuple(rules))


def privacy_warning(path: Path) -> str | None:
    """One line when other users of this computer can read the workspace file or its side
    files (Dossier creates them private, 0600; a file made elsewhere may not be)."""
    return workspace_file.privacy_warning(path)


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
    if not isinstance(ws_or_path, Workspace):
        workspace_file.backup_file(Path(ws_or_path), target)
        return BackupResult(target, "sqlite online backup")
    ws = ws_or_path
    method = ws.db.backup(target)
    if method is not None:
        return BackupResult(target, method)
    from dossier.services import interchange

    doc = interchange.export_document(ws)
    try:
        write_private(target, lambda fh: interchange.write_document(doc, fh))
    except OSError as exc:
        raise WorkspaceError(f"backup to {target} failed: {exc.strerror or exc}") from None
    return BackupResult(target, "interchange export")
