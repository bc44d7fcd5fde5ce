"""An open workspace, as every service takes it, and the changes it announces.

``Workspace`` wraps the store's ``Database`` with what the app needs around it: the lock of
a file, why it is read-only, the daily backup made on opening, warnings, and the listeners
told of every committed ``Change``. Closing a file cleanly is remembered, so the next
opening need not read every page of an unchanged file (``unchanged_since_clean_close``).
Opening one is ``services.workspace.open_workspace``.

This module imports no other service, so every service can import it.
"""

from __future__ import annotations

import atexit
import json
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dossier import config
from dossier.errors import WorkspaceError
from dossier.files import make_private_folders, write_private_text
from dossier.store.database import Database
from dossier.store.workspace_file import WorkspaceLock


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
        write_private_text(folder / CLEAN_CLOSES, json.dumps(kept))
    except (OSError, WorkspaceError):  # a link where the file goes is refused: then it is not kept
        pass


def unchanged_since_clean_close(path: Path) -> bool:
    """Whether ``path`` is exactly as this user's Dossier last closed it cleanly."""
    try:
        return _clean_closes().get(str(path.resolve())) == _stamp(path)
    except OSError:
        return False
