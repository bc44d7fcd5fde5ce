"""Daily backups kept beside a workspace, and restoring one of them.

Backups go into a ``backups`` folder beside the workspace file (beside its real path, every
link resolved), named from the workspace's full name: its stem, the moment, and its own
suffix (``talks.sqlite`` -> ``talks-20260101-090000.sqlite``, ``talks.db`` ->
``talks-20260101-090000.db``). At most one a day is made when the workspace is opened, and
the newest ten are kept.

A file is one of the workspace's backups only when

* its whole name fits that pattern exactly (so ``talks-20250101-20260101-090000.sqlite``,
  a backup of ``talks-20250101.sqlite``, is never one of ``talks.sqlite``'s);
* it is a plain file: a link or a folder with such a name is left alone;
* the marker inside it agrees with the workspace's. The marker is a random number every
  workspace Dossier writes to keeps in its header (``PRAGMA user_version``, which the schema
  does not otherwise use); a backup, a page-for-page copy, carries its workspace's, and a
  restored backup is given the marker of the workspace it replaces. A file whose marker
  differs from the workspace's belongs to another workspace, whatever its name; one without
  a marker (made before markers, or unreadable) goes by its name.

Listing, counting and rotating see only those files, so two workspaces in one folder never
take, count or delete each other's backups, and nothing else in the folder is ever deleted.
A ``backups`` folder that is a symbolic link is refused (named) and never written through.

Temporary files a backup, a restore or an upgrade makes beside the workspace or among its
backups (``*.partial``, ``*.partial-journal``, ``.NAME.restoring`` …) are removed by
:func:`remove_leftovers` when the workspace is next opened for writing, its lock held (so
their owner is gone).
"""

from __future__ import annotations

import os
import re
import secrets
import sqlite3
import stat
from datetime import datetime
from pathlib import Path

from dossier.errors import UnsafeFileError, WorkspaceError
from dossier.files import NOFOLLOW, copy_private, make_private_folder, open_folder
from dossier.model.text import quote_user_text
from dossier.store.sqlite.files import SQLITE_HEADER, content_problem, inspect_file, structure_problem
from dossier.store.sqlite.online_backup import backup_to

KEEP = 10
_FOLDER = "its backups"
_STAMP = r"(\d{8})-(\d{6})"
#: What SQLite and ``backup_to`` leave beside a file they were writing when cut off.
_SIDE_FILES = r"(?:\.partial)?(?:-journal|-wal|-shm)?"
_MARKER_OFFSET = 60  # PRAGMA user_version in the database header


def _real(workspace: Path) -> Path:
    return Path(os.path.realpath(workspace))


def backups_dir(workspace: Path) -> Path:
    return _real(workspace).parent / "backups"


def backup_pattern(workspace: Path) -> re.Pattern:
    """The exact name of the workspace's backups; groups: the day and the time."""
    real = _real(workspace)
    return re.compile(re.escape(real.stem) + "-" + _STAMP + re.escape(real.suffix))


def backup_name(workspace: Path, when: datetime) -> str:
    real = _real(workspace)
    return f"{real.stem}-{when.strftime('%Y%m%d-%H%M%S')}{real.suffix}"


def folder_problem(workspace: Path) -> str | None:
    """Why the workspace's ``backups`` folder is not used (a link, not a folder), or None."""
    folder = backups_dir(workspace)
    try:
        st = os.lstat(folder)
    except OSError:
        return None
    if stat.S_ISLNK(st.st_mode):
        return (f"{folder} is a symbolic link where Dossier keeps {_FOLDER}; it was not followed and "
                "nothing was written through it (remove the link and try again)")
    if not stat.S_ISDIR(st.st_mode):
        return f"{folder} is not a folder, but Dossier keeps {_FOLDER} there"
    return None


# ---------------------------------------------------------------- the marker
def read_marker(path: Path, *, dir_fd: int | None = None) -> int:
    """The marker in a file's header: 0 when it has none or cannot be read. Only a plain file
    is read, never through a link."""
    try:
        fd = os.open(path, os.O_RDONLY | NOFOLLOW | getattr(os, "O_NONBLOCK", 0), dir_fd=dir_fd)
    except OSError:
        return 0
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return 0
        header = os.read(fd, 100)
    except OSError:
        return 0
    finally:
        os.close(fd)
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        return 0
    return int.from_bytes(header[_MARKER_OFFSET:_MARKER_OFFSET + 4], "big", signed=True)


def mark_workspace(engine) -> int:
    """Give the open workspace a marker unless it has one; returns the marker."""
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        marker = conn.execute("PRAGMA user_version").fetchone()[0]
        if not marker:
            marker = secrets.randbelow(2**31 - 1) + 1
            conn.execute(f"PRAGMA user_version = {marker}")
        return marker
    finally:
        raw.close()


def _set_marker(path: Path, marker: int) -> None:
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute(f"PRAGMA user_version = {int(marker)}")
    finally:
        conn.close()


# ---------------------------------------------------------------- listing and rotating
def _scan(folder: Path, fd: int) -> list[str]:
    if os.scandir in os.supports_fd:
        with os.scandir(fd) as entries:
            return [entry.name for entry in entries]
    return os.listdir(folder)  # pragma: no cover - Windows


def _plain_file(name: str, folder: Path, fd: int) -> bool:
    try:
        if os.stat in os.supports_dir_fd:
            st = os.stat(name, dir_fd=fd, follow_symlinks=False)
        else:  # pragma: no cover - Windows
            st = os.lstat(folder / name)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode)


def _marker_in(name: str, folder: Path, fd: int) -> int:
    if os.open in os.supports_dir_fd:
        return read_marker(Path(name), dir_fd=fd)
    return read_marker(folder / name)  # pragma: no cover - Windows


def list_backups(workspace: Path) -> list[Path]:
    """This workspace's backups, newest first (see the module's docstring for which files)."""
    folder = backups_dir(workspace)
    if folder_problem(workspace):
        return []
    try:
        fd = open_folder(folder, _FOLDER)
    except (OSError, UnsafeFileError):
        return []
    try:
        pattern = backup_pattern(workspace)
        mine = read_marker(_real(workspace))
        found = []
        for name in _scan(folder, fd):
            match = pattern.fullmatch(name)
            if not match or not _plain_file(name, folder, fd):
                continue
            theirs = _marker_in(name, folder, fd)
            if mine and theirs and theirs != mine:
                continue  # another workspace's, named like this one's
            found.append((match.groups(), folder / name))
    finally:
        os.close(fd)
    return [path for _, path in sorted(found, key=lambda item: item[0], reverse=True)]


def _rotate(workspace: Path) -> None:
    """Delete this workspace's backups beyond the newest ten, and nothing else."""
    old = list_backups(workspace)[KEEP:]
    if not old:
        return
    folder = backups_dir(workspace)
    fd = open_folder(folder, _FOLDER)
    try:
        for path in old:
            if not _plain_file(path.name, folder, fd):
                continue
            try:
                if os.unlink in os.supports_dir_fd:
                    os.unlink(path.name, dir_fd=fd)
                else:  # pragma: no cover - Windows
                    os.unlink(folder / path.name)
            except FileNotFoundError:
                pass
    finally:
        os.close(fd)


def daily_backup(workspace: Path, now: datetime | None = None) -> Path | None:
    """Back the workspace up unless it already was today; keep the newest ten.

    A ``backups`` folder that is a link raises ``UnsafeFileError`` (a ``WorkspaceError``)."""
    now = now or datetime.now()
    real = _real(workspace)
    problem = folder_problem(real)
    if problem:
        raise UnsafeFileError(problem)
    existing = list_backups(real)
    if existing and backup_pattern(real).fullmatch(existing[0].name).group(1) == now.strftime("%Y%m%d"):
        return None
    folder = make_private_folder(backups_dir(real), _FOLDER)
    target = folder / backup_name(real, now)
    backup_to(real, target)
    _rotate(real)
    return target


def backup_problem(backup: Path) -> str | None:
    """Why a backup cannot be restored, or None when it is a sound workspace."""
    try:
        state = inspect_file(backup)
    except WorkspaceError as exc:
        return str(exc)
    if state.revision is None:
        return f"{backup.name} holds no workspace"
    # Imported here: the module that opens workspaces is not needed to copy them.
    from dossier.errors import ForeignSchemaError
    from dossier.store.database import SCHEMA_REVISIONS, verify_schema

    if state.revision not in SCHEMA_REVISIONS:  # restored, it would no longer open
        return (f"{backup.name} was written by a newer version of Dossier (schema "
                f"{quote_user_text(state.revision, 20)}); this version cannot restore it")
    try:  # restored, it would be refused on opening: the same rule as for any received file
        verify_schema(backup, state.schema, state.revision)
    except ForeignSchemaError as exc:
        more = len(exc.problems) - 2
        return (f"{backup.name} holds SQL that Dossier does not make ({'; '.join(exc.problems[:2])}"
                f"{f', and {more} more' if more > 0 else ''})")
    return structure_problem(backup) or content_problem(backup)


def newest_good_backup(workspace: Path) -> Path | None:
    for candidate in list_backups(workspace):
        if backup_problem(candidate) is None:
            return candidate
    return None


# ---------------------------------------------------------------- restoring
def restoring_path(workspace: Path) -> Path:
    real = _real(workspace)
    return real.with_name(f".{real.name}.restoring")


def restore(workspace: Path, backup: Path, now: datetime | None = None) -> Path:
    """Put ``backup`` in the workspace's place; the current file is kept as NAME.replaced-STAMP.

    The caller holds the workspace's lock. The restored file keeps the workspace's marker, so
    its backups are still recognised. Returns where the replaced file was kept.
    """
    workspace, backup = _real(Path(workspace)), Path(backup)
    problem = backup_problem(backup)
    if problem:
        raise WorkspaceError(f"cannot restore {backup}: {problem}")
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    replaced = workspace.with_name(f"{workspace.name}.replaced-{stamp}")
    incoming = restoring_path(workspace)
    marker = read_marker(workspace)
    backup_to(backup, incoming)
    try:
        if marker:
            _set_marker(incoming, marker)
        if workspace.exists():
            try:
                backup_to(workspace, replaced)  # a consistent copy, the log folded in
            except WorkspaceError:  # too damaged to read: keep its files as they are
                copy_private(workspace, replaced)
                if Path(f"{workspace}-wal").exists():
                    copy_private(f"{workspace}-wal", f"{replaced}-wal")
        for suffix in ("-wal", "-shm"):
            side = Path(f"{workspace}{suffix}")
            if side.exists():
                os.replace(side, Path(f"{replaced}{suffix}.old"))
        os.replace(incoming, workspace)
    except (OSError, sqlite3.Error) as exc:
        incoming.unlink(missing_ok=True)
        raise WorkspaceError(f"restoring {workspace.name} failed: {getattr(exc, 'strerror', None) or exc}") from None
    return replaced


# ---------------------------------------------------------------- leftovers
def leftover_patterns(workspace: Path) -> tuple[re.Pattern, re.Pattern]:
    """Names of the temporary files of this workspace: beside it, and among its backups.

    Beside it: ``.NAME.restoring`` (a restore cut off), ``NAME.replaced-STAMP.partial`` and
    ``NAME.before-schema-REV-STAMP.bak.partial`` (copies cut off), each with the journal or
    log SQLite may have left (``-journal``, ``-wal``, ``-shm``). Among its backups: a
    backup's name followed by ``.partial`` and the same."""
    real = _real(workspace)
    name = re.escape(real.name)
    beside = re.compile(
        rf"\.{name}\.restoring{_SIDE_FILES}"
        rf"|{name}\.(?:replaced-\d{{8}}-\d{{6}}(?:-wal)?|before-schema-\w+-\d{{8}}-\d{{6}}\.bak)\.partial(?:-journal|-wal|-shm)?")
    among = re.compile(backup_pattern(real).pattern + r"\.partial(?:-journal|-wal|-shm)?")
    return beside, among


def remove_leftovers(workspace: Path) -> list[Path]:
    """Remove the temporary files a cut-off backup, restore or upgrade of this workspace left.

    Call only while holding the workspace's lock: whoever made them is gone. Only plain files
    and links (the link itself) whose whole name is one of :func:`leftover_patterns` are
    removed. Returns what was removed."""
    real = _real(workspace)
    beside, among = leftover_patterns(real)
    removed = []
    for folder, pattern in ((real.parent, beside), (backups_dir(real), among)):
        try:
            fd = open_folder(folder, _FOLDER)
        except (OSError, UnsafeFileError):
            continue
        try:
            for name in _scan(folder, fd):
                if not pattern.fullmatch(name):
                    continue
                try:
                    if os.unlink in os.supports_dir_fd:
                        st = os.stat(name, dir_fd=fd, follow_symlinks=False)
                        if stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode):
                            os.unlink(name, dir_fd=fd)
                            removed.append(folder / name)
                    else:  # pragma: no cover - Windows
                        if (folder / name).is_file():
                            (folder / name).unlink()
                            removed.append(folder / name)
                except OSError:
                    pass
        finally:
            os.close(fd)
    return removed
