"""A workspace's backups and what a workspace or a backup holds, read without changing them.

``list_workspace_backups`` names the workspace's backups, newest first, each with why it
cannot be restored (None when it can). ``backup_info`` tells when one was made, its size
and how many records of each kind it keeps: the backup is opened read-only and only
counted (one ``COUNT`` a collection), so this is quick however large the file. A backup
written by an older version of Dossier is counted as it is, not upgraded. A file that
cannot be read raises ``WorkspaceError`` saying why.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from dossier.errors import WorkspaceError
from dossier.model.records import COLLECTIONS
from dossier.store import workspace_file as backups
from dossier.store.database import SCHEMA_REVISIONS, open_database, verify_file, workspace_revision
from dossier.store.rows import count_records
from dossier.store.workspace_file import structure_problem

_STAMP = re.compile(r"-(\d{8}-\d{6})(?:\.[^.]*)?$")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    made_at: datetime | None
    size: int  # bytes
    counts: dict[str, int]  # collection -> records, every collection in COLLECTIONS order


@dataclass(frozen=True)
class BackupListing:
    """A workspace's backups folder and the backups in it."""

    folder: Path  # where the workspace's backups are kept
    problem: str | None  # why that folder is not used (a link, not a folder), or None
    backups: list[Path] = field(default_factory=list)  # the workspace's own backups, newest first
    problems: dict[Path, str | None] = field(default_factory=dict)  # why each cannot be restored, or None


def backups_folder(workspace: str | os.PathLike) -> Path:
    """Where the backups of the workspace file ``workspace`` are kept: ``backups`` beside it."""
    return backups.backups_dir(Path(workspace))


def list_workspace_backups(workspace: str | os.PathLike) -> BackupListing:
    """The backups of the workspace file ``workspace``, newest first (only its own: never another
    workspace's, nothing behind a folder that is a link), each with why it cannot be restored."""
    path = Path(workspace)
    found = backups.list_backups(path)
    return BackupListing(backups.backups_dir(path), backups.folder_problem(path), found,
                         {backup: backups.backup_problem(backup) for backup in found})


def inspect_workspace_file(path: str | os.PathLike) -> None:
    """Refuse (``WorkspaceError`` saying why) a file that is not a workspace, or not one Dossier
    can read; reads its header and schema version only, and changes nothing."""
    workspace_revision(Path(path))


def record_counts(ws) -> dict[str, int]:
    """How many records of each kind the open workspace ``ws`` holds, every collection in
    ``COLLECTIONS`` order."""
    with ws.db.read() as conn:
        counted = count_records(conn)
    return {name: counted.get(name, 0) for name in COLLECTIONS}


def backup_made_at(backup: Path) -> datetime | None:
    """When a backup was made: from its name (``STEM-YYYYmmdd-HHMMSS`` and the workspace's suffix,
    e.g. ``.sqlite``), else its file time."""
    found = _STAMP.search(Path(backup).name)
    if found:
        try:
            return datetime.strptime(found.group(1), "%Y%m%d-%H%M%S")
        except ValueError:
            pass
    try:
        return datetime.fromtimestamp(Path(backup).stat().st_mtime)
    except OSError:
        return None


def backup_info(backup: str | os.PathLike) -> BackupInfo:
    """When ``backup`` was made, its size and its record counts; the file is only read."""
    path = Path(backup)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise WorkspaceError(f"cannot read {path.name}: {exc.strerror or exc}") from None
    problem = structure_problem(path)
    if problem:
        raise WorkspaceError(f"{path.name} is damaged: {problem}")
    # Raises for a file that is not a workspace, not as Dossier makes it, or of a newer schema.
    revision = verify_file(path).revision
    if revision is None:
        raise WorkspaceError(f"{path.name} holds no workspace")
    # Opened read-only at its own revision: an older backup is counted as it is, not upgraded
    # (its record tables are there since the first schema).
    db = open_database(path, readonly=True, known_revisions=SCHEMA_REVISIONS[: SCHEMA_REVISIONS.index(revision) + 1])
    try:
        with db.read() as conn:
            counted = count_records(conn)
    finally:
        db.close(tidy=False)
    counts = {name: counted.get(name, 0) for name in COLLECTIONS}
    return BackupInfo(path, backup_made_at(path), size, counts)
