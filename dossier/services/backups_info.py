"""What a backup of a workspace holds, read without changing it: when it was made, its size
and how many records of each kind it keeps.

The backup is opened read-only and only counted (one ``COUNT`` a collection), so this is
quick however large the file. A backup written by an older version of Dossier is counted as
it is, not upgraded. A file that cannot be read raises ``WorkspaceError`` saying why.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from dossier.errors import WorkspaceError
from dossier.model.records import COLLECTIONS
from dossier.store.database import SCHEMA_HEAD, SCHEMA_REVISIONS, Database, open_database, verify_file
from dossier.store.records import count_records
from dossier.store.sqlite.connect import make_engine
from dossier.store.sqlite.files import structure_problem

_STAMP = re.compile(r"-(\d{8}-\d{6})(?:\.[^.]*)?$")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    made_at: datetime | None
    size: int  # bytes
    counts: dict[str, int]  # collection -> records, every collection in COLLECTIONS order


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
    revision = verify_file(path).revision  # raises for a file that is not a workspace, or not as Dossier makes it
    if revision is None:
        raise WorkspaceError(f"{path.name} holds no workspace")
    if revision != SCHEMA_HEAD and revision in SCHEMA_REVISIONS:
        # An older backup: its record tables are there since the first schema; count them as they are.
        db = Database(path, make_engine(path, readonly=True), True, None, None)
    else:
        db = open_database(path, readonly=True)  # a newer schema raises, saying so
    try:
        with db.read() as conn:
            counted = count_records(conn)
    finally:
        db.close(tidy=False)
    counts = {name: counted.get(name, 0) for name in COLLECTIONS}
    return BackupInfo(path, backup_made_at(path), size, counts)
