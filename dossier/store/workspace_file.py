"""A workspace file on this computer, before and around its opening: its lock, the checks
that refuse a damaged file, the daily backups beside it, restoring one, copying it, reading
it tolerantly, and rescuing the rows of one that cannot be opened.

Only a workspace in a file has these; a team workspace on a server is the server's to lock,
check and back up. The work is SQLite's (``dossier.store.sqlite``); services reach it here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from dossier.errors import WorkspaceDamagedError
from dossier.store import database
from dossier.store.database import Database
from dossier.store.sqlite import backups
from dossier.store.sqlite import connect as sqlite_connect
from dossier.store.sqlite import salvage as sqlite_salvage
from dossier.store.sqlite.backend import backup_file as _backup_file
from dossier.store.sqlite.backend import privacy_warning as _privacy_warning
from dossier.store.sqlite.files import (
    SQLITE_HEADER,
    content_problem,
    open_readonly,
    wal_problem,
)
from dossier.store.sqlite.files import structure_problem as _structure_problem
from dossier.store.sqlite.lock import WorkspaceLock
from dossier.store.sqlite.soundness import tolerant_text

__all__ = ["WorkspaceDamagedError", "WorkspaceLock", "backup_file", "backup_problem", "backups_dir",
           "daily_backup", "folder_problem", "holds_workspace_file", "list_backups", "mark_workspace", "privacy_warning",
           "refuse_damaged", "remove_leftovers", "rescued", "restore", "structure_problem", "tolerant_reader"]


def holds_workspace_file(path: Path) -> bool:
    """Whether ``path`` holds a database file (a workspace, or something to be refused as one)."""
    try:
        with path.open("rb") as fh:
            return fh.read(16) == SQLITE_HEADER
    except OSError:
        return False


def refuse_damaged(path: Path, lock: WorkspaceLock | None, read_through: bool) -> None:
    """Refuse a damaged file (``WorkspaceDamagedError``, naming the newest good backup): its
    structure, a write-ahead log lost by a crash (the ``lock`` found stale), the log itself,
    and, when ``read_through``, every page read through."""
    problem = _structure_problem(path)
    if problem is None and lock is not None and lock.found_stale:
        state = lock.previous_state()
        if state.get("opened") and not state.get("closing") and not Path(f"{path}-wal").exists():
            problem = ("it was not closed properly and its write-ahead log "
                       f"({path.name}-wal) is missing, so its latest changes are lost")
    problem = problem or wal_problem(path)
    if problem is None and read_through:
        problem = content_problem(path)
    if problem:
        raise WorkspaceDamagedError(path, problem, backups.newest_good_backup(path))


def remove_leftovers(path: Path) -> list[Path]:
    """Remove what a cut-off backup, restore or upgrade of this workspace left (hold its lock)."""
    return backups.remove_leftovers(path)


def mark_workspace(db: Database) -> int:
    """Give the open workspace the marker that tells its backups from another's."""
    return backups.mark_workspace(db.engine)


def daily_backup(path: Path) -> Path | None:
    """Back the workspace up into ``backups/`` beside it unless it already was today."""
    return backups.daily_backup(path)


def restore(path: Path, backup: Path) -> Path:
    """Put ``backup`` in the workspace's place (hold its lock); returns where the current file went."""
    return backups.restore(path, backup)


def backups_dir(path: Path) -> Path:
    """The folder the workspace's daily backups go in."""
    return backups.backups_dir(path)


def list_backups(path: Path) -> list[Path]:
    """The workspace's own backups, newest first."""
    return backups.list_backups(path)


def folder_problem(path: Path) -> str | None:
    """Why the workspace's backups folder cannot be used, or None."""
    return backups.folder_problem(path)


def backup_problem(backup: Path) -> str | None:
    """Why ``backup`` could not be restored (damaged, foreign, too new), or None."""
    return backups.backup_problem(backup)


def structure_problem(path: Path) -> str | None:
    """What is wrong with the file's structure (its header and page layout), or None."""
    return _structure_problem(path)


def backup_file(source: Path, target: Path) -> None:
    """Copy the workspace file ``source`` to ``target`` consistently, even while it is written."""
    _backup_file(source, target)


def privacy_warning(path: Path) -> str | None:
    """One line when other users of this computer can read the workspace file or its side files."""
    return _privacy_warning(path)


@contextlib.contextmanager
def tolerant_reader(path: Path, revision: str) -> Iterator[Database]:
    """A read-only ``Database`` on the (verified) workspace file at ``path``, whose text that is
    not UTF-8 reads as lone surrogates. A file of an older schema is copied into memory and
    upgraded there, the file left as it is."""
    if revision == database.SCHEMA_HEAD:
        engine = sqlite_connect.make_engine(path, readonly=True, text_factory=tolerant_text)
        db = Database(path, engine, True, None, None)
        try:
            yield db
        finally:
            db.close()
        return
    engine, driver = sqlite_connect.make_memory_engine(text_factory=tolerant_text)
    try:
        source = open_readonly(path)
        try:
            source.backup(driver)
        finally:
            source.close()
        database.upgrade_in_place(engine, path)
        db = Database(path, engine, True, None, None)
        try:
            yield db
        finally:
            db.close()
    finally:
        engine.dispose()
        driver.close()


@contextlib.contextmanager
def rescued(path: Path) -> Iterator[tuple[Database, str, list[str]]]:
    """The rows of the workspace file at ``path`` that can be rescued, without running any of its
    SQL (see ``dossier.store.sqlite.salvage``), in a new read-only in-memory workspace at the current
    schema: (that workspace, the revision the file was read as, one line per row left out)."""
    engine, driver, revision, skipped = sqlite_salvage.copy_rows(
        Path(path), database.SCHEMA_REVISIONS, database.MIGRATIONS_PACKAGE)
    try:
        if revision != database.SCHEMA_HEAD:
            database.upgrade_in_place(engine, path)
        db = Database(path, engine, True, None, None)
        try:
            yield db, revision, skipped
        finally:
            db.close()
    finally:
        engine.dispose()
        driver.close()
