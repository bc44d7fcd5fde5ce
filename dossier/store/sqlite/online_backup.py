"""Consistent copies of a workspace through SQLite's online backup API."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from dossier.errors import UnsafeFileError, WorkspaceError
from dossier.files import clear_leftover, create_private_anew
from dossier.store.sqlite.files import open_readonly


def backup_to(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` consistently, even while another connection writes.

    The copy is written to a private (0600) temporary file beside ``target``, created anew
    (``O_EXCL``, never through a link; whatever an earlier attempt left there is removed
    first, with the journal and log SQLite may have left beside it), and renamed over
    ``target`` when whole. A rename replaces a link at ``target``; it never writes through it.
    """
    target = Path(target)
    tmp = target.with_name(target.name + ".partial")
    try:
        for side in ("-journal", "-wal", "-shm"):
            clear_leftover(f"{tmp}{side}")
        os.close(create_private_anew(tmp))  # SQLite then gives its journal the same mode
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
    except UnsafeFileError:
        raise
    except (sqlite3.Error, OSError) as exc:
        tmp.unlink(missing_ok=True)
        reason = getattr(exc, "strerror", None) or str(exc)
        raise WorkspaceError(f"backup to {target} failed: {reason}") from None
