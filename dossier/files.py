"""Files and folders Dossier makes: private to the user, and never reached through a link.

Every file Dossier creates (a workspace and its side files, the lock, backups, temporary
and replaced files, exports, settings) is created with mode ``0600`` and every folder
``0700``, whatever the umask, because the material is sensitive and a laptop may have
other users. A file is created with ``O_CREAT | O_EXCL | O_NOFOLLOW``, so nothing that
stood at that name (a file, or a symbolic link left there by someone else) is opened or
written through; a name Dossier must use anew is first cleared of what an earlier, failed
attempt left (unlinking a link removes the link, never its target). A symbolic link where
Dossier keeps a file or folder of its own raises ``UnsafeFileError`` naming it.

Leans on nothing but the standard library, so every layer (store, services, export, cli,
ui) can use it.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from dossier.errors import UnsafeFileError, WorkspaceError

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700

#: Not on Windows, where links are rare and made only by administrators; the checks by
#: ``lstat`` below still refuse them there.
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_BINARY = getattr(os, "O_BINARY", 0)


def link_refused(path: str | os.PathLike, what: str) -> UnsafeFileError:
    """The error for a symbolic link found where Dossier keeps ``what``."""
    return UnsafeFileError(f"{path} is a symbolic link where Dossier keeps {what}; it was not followed and "
                           "nothing was written through it (remove the link and try again)")


def refuse_link(path: str | os.PathLike, what: str) -> None:
    """Raise ``UnsafeFileError`` when ``path`` is a symbolic link (absent is fine)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(st.st_mode):
        raise link_refused(path, what)


def create_private(path: str | os.PathLike, *, flags: int = os.O_WRONLY) -> int:
    """Create ``path`` anew, readable and writable by its owner only, and return a descriptor.

    Raises ``FileExistsError`` when anything is at ``path`` already (a file, a folder or a
    link: none is opened)."""
    fd = os.open(path, flags | os.O_CREAT | os.O_EXCL | NOFOLLOW | _CLOEXEC | _BINARY, PRIVATE_FILE)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, PRIVATE_FILE)  # the umask may have taken bits away; give them back
    except OSError:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(path)  # made just now: nothing else stood there
        raise
    return fd


def clear_leftover(path: str | os.PathLike, what: str = "a temporary file") -> None:
    """Remove what an earlier, failed attempt left at ``path``: a file or a link (the link
    itself, never what it points to). A folder there is refused."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(st.st_mode):
        raise UnsafeFileError(f"{path} is a folder where Dossier keeps {what}; it was left as it is")
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def create_private_anew(path: str | os.PathLike, what: str = "a temporary file", *,
                        flags: int = os.O_WRONLY) -> int:
    """``create_private`` after clearing a leftover at ``path`` (see ``clear_leftover``)."""
    clear_leftover(path, what)
    return create_private(path, flags=flags)


def create_private_if_absent(path: str | os.PathLike) -> bool:
    """Create an empty private file at ``path`` unless something is there; True when created."""
    try:
        os.close(create_private(path))
    except FileExistsError:
        return False
    return True


def temporary_name(target: str | os.PathLike) -> Path:
    """Where a new ``target`` is written before it is renamed into place: ``.NAME.partial`` beside it."""
    target = Path(target)
    return target.with_name(f".{target.name}.partial")


@contextlib.contextmanager
def replacing_privately(target: str | os.PathLike, temporary: str | os.PathLike | None = None,
                        what: str = "a temporary file") -> Iterator[Path]:
    """Write ``target`` whole or not at all: yield a new, empty, private file beside it
    (``temporary``, by default ``temporary_name(target)``; what an earlier, failed attempt
    left there is cleared first, a link removed, never followed) for the block to write;
    when the block ends, flush it to disk and rename it over ``target`` (a rename replaces a
    link at ``target``, never writes through it). When the block raises (a cancel included)
    or the rename fails, the temporary file is removed and ``target`` is left as it was."""
    tmp = Path(temporary) if temporary is not None else temporary_name(target)
    os.close(create_private_anew(tmp, what))
    try:
        yield tmp
        _flush_to_disk(tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _flush_to_disk(path: Path) -> None:
    fd = os.open(path, os.O_WRONLY | NOFOLLOW | _CLOEXEC | _BINARY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _reopen(path: Path) -> int:
    """A descriptor writing the file ``replacing_privately`` made, never through a link."""
    return os.open(path, os.O_WRONLY | os.O_TRUNC | NOFOLLOW | _CLOEXEC | _BINARY)


def write_private(path: str | os.PathLike, write: Callable[[TextIO], object]) -> None:
    """Write ``path`` whole or not at all, as UTF-8 text that ``write(stream)`` produces
    (``replacing_privately``). What failed leaves no temporary file."""
    with replacing_privately(path) as tmp, os.fdopen(_reopen(tmp), "w", encoding="utf-8", newline="\n") as fh:
        write(fh)


def write_private_text(path: str | os.PathLike, text: str) -> None:
    """``write_private`` of one string."""
    write_private(path, lambda fh: fh.write(text))


def write_private_bytes(path: str | os.PathLike, data: bytes) -> None:
    """``write_private`` of bytes (an image, a PDF): whole or not at all, private."""
    write_private(path, lambda fh: fh.buffer.write(data))


def copy_private(source: str | os.PathLike, target: str | os.PathLike) -> None:
    """Copy ``source``'s bytes to a new private file ``target``, written whole or not at all
    (through ``NAME.partial`` beside it)."""
    target = Path(target)
    with replacing_privately(target, target.with_name(target.name + ".partial")) as tmp, \
            open(source, "rb") as src, os.fdopen(_reopen(tmp), "wb") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)


def make_private_folder(path: str | os.PathLike, what: str) -> Path:
    """The folder ``path``, created ``0700`` when absent. A link there is refused (named), and
    so is anything else that is not a folder; an existing folder is left as it is."""
    path = Path(path)
    try:
        os.mkdir(path, PRIVATE_FOLDER)
        os.chmod(path, PRIVATE_FOLDER)  # the umask may have taken bits away
    except FileExistsError:
        pass
    except OSError as exc:
        raise WorkspaceError(f"cannot create {what} {path}: {exc.strerror or exc}") from None
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        raise link_refused(path, what)
    if not stat.S_ISDIR(st.st_mode):
        raise UnsafeFileError(f"{path} is not a folder, but Dossier keeps {what} there; it was left as it is")
    return path


def make_private_folders(path: str | os.PathLike) -> Path:
    """Create ``path`` and any missing folder above it, each ``0700``; existing ones are left
    as they are (the user chose them). Raises ``OSError`` like ``Path.mkdir``."""
    path = Path(path)
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, PRIVATE_FOLDER)
        except FileExistsError:
            continue
        os.chmod(folder, PRIVATE_FOLDER)
    if not path.is_dir():
        raise NotADirectoryError(20, "Not a directory", str(path))
    return path


def open_folder(path: str | os.PathLike, what: str) -> int:
    """A descriptor of the folder ``path`` for ``*at`` calls (``dir_fd=``), opened without
    following a link: a link there raises ``UnsafeFileError``."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | NOFOLLOW | _CLOEXEC
    try:
        return os.open(path, flags)
    except OSError:
        refuse_link(path, what)
        raise


def group_or_others_can_read(mode: int) -> bool:
    return bool(mode & (stat.S_IRGRP | stat.S_IROTH))


#: What SQLite writes at the start of every database file: a workspace or a backup of one.
SQLITE_HEADER = b"SQLite format 3\x00"
#: Side files SQLite and Dossier keep beside a workspace file.
SIDE_SUFFIXES = ("-wal", "-shm", "-journal", ".lock")


def _is_sqlite_file(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def refuse_workspace_target(output: str | os.PathLike, workspace: str | os.PathLike | None = None, *,
                            may_replace_database: bool = False) -> None:
    """Raise ``WorkspaceError`` when writing ``output`` would replace a workspace or one of its
    files: the open ``workspace`` itself or its side files (``-wal``, ``-shm``, ``-journal``,
    lock), a file in its backups folder, or any existing SQLite database (another workspace,
    or a backup) — whatever path reaches it (a link, a hard link, ``..``). Also the side file
    of any existing workspace. An export is written to a new file or over a file of its own
    kind, never over a workspace. With ``may_replace_database`` (a backup written again over
    an earlier backup copy of the user's, or into the backups folder), an existing database
    other than the workspace's own files may be replaced."""
    out = Path(output)
    if workspace is not None:
        ws = Path(workspace)
        for own in [ws, *(ws.with_name(ws.name + suffix) for suffix in SIDE_SUFFIXES)]:
            if _same_file(out, own):
                raise WorkspaceError(f"{out} is the open workspace{'' if own == ws else ' file ' + own.name}; "
                                     "choose another file to write")
        backups = ws.parent / "backups"
        if not may_replace_database and os.path.realpath(out.parent) == os.path.realpath(backups):
            raise WorkspaceError(f"{out} is in the workspace's backups folder; choose another folder to write to")
    if out.is_dir():
        raise WorkspaceError(f"{out} is a folder; choose a file to write")
    if not may_replace_database and _is_sqlite_file(out):
        raise WorkspaceError(f"{out} is a workspace or a backup of one; an export never replaces it, "
                             "choose another file to write")
    for suffix in SIDE_SUFFIXES:
        if out.name.endswith(suffix) and _is_sqlite_file(out.with_name(out.name[: -len(suffix)])):
            raise WorkspaceError(f"{out} belongs to the workspace {out.name[: -len(suffix)]}; "
                                 "choose another file to write")
