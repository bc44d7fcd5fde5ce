"""Consistent copies of a workspace through SQLite's online backup API."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from dossier.errors import WorkspaceError
from dossier.store.sqlite.files import open_readonly


def backup_to(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` consistently, even while another connection writes.

    The copy is written to a temporary name beside ``target`` and renamed when whole.
    """
    target = Path(target)
    tmp = target.with_name(target.name + ".partial")
    try:
        src = open_readonly(source)
        try:
            dst = sqlite3.connect(str(tmp))
            try:
                src.backup(dst, pages=1024)
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(tmp, target)
    except (sqlite3.Error, OSError) as exc:
        tmp.unlink(missing_ok=True)
        reason = getattr(exc, "strerror", None) or str(exc)
        raise WorkspaceError(f"backup to {target} failed: {reason}") from None
