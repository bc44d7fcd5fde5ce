"""Daily backups kept beside a workspace, and restoring one of them.

Backups go into a ``backups`` folder beside the workspace file, named
``STEM-YYYYmmdd-HHMMSS.sqlite``; at most one a day is made when the workspace is opened,
and the newest ten are kept.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import datetime
from pathlib import Path

from dossier.errors import WorkspaceError
from dossier.store.sqlite.backup import backup_to
from dossier.store.sqlite.files import content_problem, inspect_file, structure_problem

KEEP = 10
_STAMP = re.compile(r"-(\d{8})-(\d{6})\.sqlite$")


def backups_dir(workspace: Path) -> Path:
    return workspace.parent / "backups"


def list_backups(workspace: Path) -> list[Path]:
    """This workspace's backups, newest first."""
    folder = backups_dir(workspace)
    if not folder.is_dir():
        return []
    stem = workspace.stem
    found = [p for p in folder.iterdir()
             if p.name.startswith(stem + "-") and _STAMP.search(p.name) and p.name[len(stem) + 1:][:8].isdigit()]
    return sorted(found, key=lambda p: _STAMP.search(p.name).groups(), reverse=True)


def daily_backup(workspace: Path, now: datetime | None = None) -> Path | None:
    """Back the workspace up unless it already was today; keep the newest ten."""
    now = now or datetime.now()
    existing = list_backups(workspace)
    if existing and _STAMP.search(existing[0].name).group(1) == now.strftime("%Y%m%d"):
        return None
    folder = backups_dir(workspace)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise WorkspaceError(f"cannot create the backups folder {folder}: {exc.strerror or exc}") from None
    target = folder / f"{workspace.stem}-{now.strftime('%Y%m%d-%H%M%S')}.sqlite"
    backup_to(workspace, target)
    for old in list_backups(workspace)[KEEP:]:
        old.unlink(missing_ok=True)
    return target


def backup_problem(backup: Path) -> str | None:
    """Why a backup cannot be restored, or None when it is a sound workspace."""
    try:
        state = inspect_file(backup)
    except WorkspaceError as exc:
        return str(exc)
    if state.revision is None:
        return f"{backup.name} holds no workspace"
    return structure_problem(backup) or content_problem(backup)


def newest_good_backup(workspace: Path) -> Path | None:
    for candidate in list_backups(workspace):
        if backup_problem(candidate) is None:
            return candidate
    return None


def restore(workspace: Path, backup: Path, now: datetime | None = None) -> Path:
    """Put ``backup`` in the workspace's place; the current file is kept as NAME.replaced-STAMP.

    The caller holds the workspace's lock. Returns where the replaced file was kept.
    """
    workspace, backup = Path(workspace), Path(backup)
    problem = backup_problem(backup)
    if problem:
        raise WorkspaceError(f"cannot restore {backup}: {problem}")
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    replaced = workspace.with_name(f"{workspace.name}.replaced-{stamp}")
    incoming = workspace.with_name(f".{workspace.name}.restoring")
    backup_to(backup, incoming)
    try:
        if workspace.exists():
            try:
                backup_to(workspace, replaced)  # a consistent copy, the log folded in
            except WorkspaceError:  # too damaged to read: keep its files as they are
                shutil.copy2(workspace, replaced)
                if Path(f"{workspace}-wal").exists():
                    shutil.copy2(f"{workspace}-wal", f"{replaced}-wal")
        for suffix in ("-wal", "-shm"):
            side = Path(f"{workspace}{suffix}")
            if side.exists():
                os.replace(side, Path(f"{replaced}{suffix}.old"))
        os.replace(incoming, workspace)
    except OSError as exc:
        incoming.unlink(missing_ok=True)
        raise WorkspaceError(f"restoring {workspace.name} failed: {exc.strerror or exc}") from None
    return replaced
