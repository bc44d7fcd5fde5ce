"""One writer per workspace file: an advisory lock held by whoever writes to it.

The lock is keyed on the file itself, so every path to one workspace meets one lock. A
writer takes two lock files, both or neither:

* ``NAME.lock`` beside the workspace's *real* path (every symbolic link and ``..`` in the
  path resolved). Opened through a link, through ``..`` or by its own name, a workspace
  meets this one lock file; it is what another program, user or computer sharing the folder
  sees, it tells who holds the workspace, and a leftover one tells that the last session
  did not close cleanly.
* ``HOST-DEVICE-INODE.lock`` in the ``locks`` folder of the user's data directory, named
  from the device and inode of the workspace file (``st_dev``, ``st_ino``). A hard link
  (another name of the same file, in the same folder or another) has another real path but
  the same device and inode, so it meets this lock. A workspace the opening creates gets it
  as soon as the file exists (``cover_new_file``). Where the locks folder cannot be made
  (a read-only home) only the first lock is taken.

Each lock file is kept locked with the operating system's file lock (``flock``) while its
holder may write, and holds who that is (user, host, process, since when) with the
workspace's real path, device and inode. The operating system releases the lock when the
process ends, however it ends, so a lock left by a crashed process is found stale and taken
over. A second writer through any path is told who holds the workspace and may open it
read-only; so is a second writer in the same process (``flock`` locks belong to an open
file, not to a process).

The workspace file itself is not locked this way: SQLite keeps POSIX locks on it, which
closing any other descriptor of that file in the same process would drop, and on network
file systems ``flock`` turns into a byte-range lock that would collide with SQLite's own.
The inode lock lives in a per-user folder, so it covers the paths of one user on one
computer; other users cannot write a workspace anyway, as Dossier makes it private (0600).

Lock files are never followed through a symbolic link: they are opened with
``O_NOFOLLOW`` and created ``0600``; one that is a link, not a plain file, or a file with
other names (hard links) is refused with ``UnsafeFileError`` naming it, so a lock file
planted as a link to another file neither empties nor overwrites that file.
"""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import sys
import time
from datetime import datetime
from pathlib import Path

from dossier.config import os_user
from dossier.errors import LockHolder, UnsafeFileError, WorkspaceError, WorkspaceLockedError
from dossier.files import NOFOLLOW, PRIVATE_FILE, link_refused, make_private_folder, make_private_folders

_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_WHAT = "the workspace's lock"


def real_path(workspace: Path) -> Path:
    """The workspace's path with every symbolic link and ``..`` resolved (it need not exist)."""
    return Path(os.path.realpath(workspace))


def lock_path(workspace: Path) -> Path:
    """``NAME.lock`` beside the workspace's real path."""
    real = real_path(workspace)
    return real.with_name(real.name + ".lock")


def inode_locks_dir() -> Path:
    """The folder of the locks keyed on device and inode: ``locks`` in the user's data directory."""
    from dossier import config

    return config.data_dir() / "locks"


def _inode_lock_path(st: os.stat_result) -> Path | None:
    """The lock keyed on this file's device and inode, or None when its folder cannot be made."""
    folder = inode_locks_dir()
    try:
        make_private_folders(folder.parent)
        make_private_folder(folder, "its locks")
    except UnsafeFileError:
        raise
    except (OSError, WorkspaceError):
        return None
    host = re.sub(r"[^A-Za-z0-9.-]", "_", socket.gethostname())[:64] or "host"
    return folder / f"{host}-{st.st_dev}-{st.st_ino}.lock"


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows builds
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def _unlock(fd: int) -> None:
    if sys.platform == "win32":  # pragma: no cover
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


def _let_go(fd: int) -> None:
    """Unlock and close a lock file's descriptor (closed even when unlocking fails)."""
    try:
        _unlock(fd)
    finally:
        os.close(fd)


def _refuse_unless_plain(fd: int, path: Path) -> os.stat_result:
    """The lock file's status; refuse (closing ``fd``) anything but a plain file with one name."""
    st = os.fstat(fd)
    problem = None
    if not stat.S_ISREG(st.st_mode):
        problem = f"{path} is not a plain file, but Dossier keeps {_WHAT} there; it was left as it is"
    elif st.st_nlink > 1:
        problem = (f"{path} has other names (hard links) where Dossier keeps {_WHAT}; it was left as it is "
                   "(remove it and try again)")
    if problem:
        os.close(fd)
        raise UnsafeFileError(problem)
    return st


def _open_lock_file(path: Path) -> int:
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | NOFOLLOW | _CLOEXEC | _NONBLOCK, PRIVATE_FILE)
    except OSError as exc:
        if os.path.islink(path):
            raise link_refused(path, _WHAT) from None
        raise WorkspaceError(f"cannot create the lock file {path}: {exc.strerror or exc}") from None
    _refuse_unless_plain(fd, path)
    return fd


def _read_all(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    return os.read(fd, 65536)


def _holder_from(data: bytes) -> LockHolder | None:
    try:
        facts = json.loads(data)
        return LockHolder(str(facts["user"]), str(facts["host"]), int(facts["pid"]), str(facts["since"]),
                          str(facts.get("program", "Dossier")))
    except (ValueError, KeyError, TypeError):
        return None


def _read_holder_file(path: Path) -> LockHolder | None:
    try:
        fd = os.open(path, os.O_RDONLY | NOFOLLOW | _CLOEXEC | _NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return _holder_from(_read_all(fd))
    except OSError:
        return None
    finally:
        os.close(fd)


def read_holder(workspace: Path) -> LockHolder | None:
    """Who holds the workspace, as its lock file says (None when it says nothing readable)."""
    return _read_holder_file(lock_path(workspace))


class _LockFile:
    """One lock file, held with ``flock`` once taken."""

    def __init__(self, path: Path):
        self.path = path
        self.fd: int | None = None

    def try_take(self) -> bool:
        """Take it without waiting; False when another holds it."""
        fd = _open_lock_file(self.path)
        if _try_lock(fd):
            if self._same_file(fd):
                self.fd = fd
                return True
            _unlock(fd)  # the holder removed the file as we took it: start again
        os.close(fd)
        return False

    def _same_file(self, fd: int) -> bool:
        try:
            return os.path.samestat(os.fstat(fd), os.lstat(self.path))
        except OSError:
            return False

    def left_by_another(self) -> bool:
        """A leftover lock file with content: its holder ended without closing."""
        try:
            return os.fstat(self.fd).st_size > 0
        except OSError:
            return False

    def read(self) -> dict:
        data = _read_all(self.fd)
        return json.loads(data) if data else {}

    def write(self, facts: dict) -> None:
        if hasattr(os, "fchmod") and stat.S_IMODE(os.fstat(self.fd).st_mode) != PRIVATE_FILE:
            try:
                os.fchmod(self.fd, PRIVATE_FILE)  # left by an older version, readable by others
            except OSError:
                pass
        data = json.dumps(facts).encode("utf-8")
        os.ftruncate(self.fd, 0)
        os.lseek(self.fd, 0, os.SEEK_SET)
        os.write(self.fd, data)
        os.fsync(self.fd)

    def back_off(self) -> None:
        """Let go without touching what it says (a stale holder's facts stay for the next try)."""
        fd, self.fd = self.fd, None
        try:
            if os.fstat(fd).st_size == 0 and self._same_file(fd):
                os.unlink(self.path)  # made by this try: leave nothing behind
        except OSError:
            pass
        finally:
            _let_go(fd)

    def release(self) -> None:
        """Empty, remove and let go: the workspace was closed cleanly."""
        fd, self.fd = self.fd, None
        try:
            os.ftruncate(fd, 0)
            if self._same_file(fd):
                os.unlink(self.path)
        except OSError:
            pass
        finally:
            _let_go(fd)


class WorkspaceLock:
    """Held while a process may write to the workspace."""

    def __init__(self, workspace: Path):
        self.workspace = Path(workspace)
        self.real = real_path(self.workspace)
        self.path = lock_path(self.workspace)
        self._name = _LockFile(self.path)
        self._inode: _LockFile | None = None
        self._holder: dict = {}
        self._previous: dict = {}
        self.found_stale = False  # a previous holder ended without closing cleanly

    @property
    def held(self) -> bool:
        return self._name.fd is not None

    def acquire(self, timeout: float = 0.0, program: str = "Dossier") -> WorkspaceLock:
        """Take the lock, waiting up to ``timeout`` seconds; raise WorkspaceLockedError.

        A symbolic link (or anything but a plain file) where a lock file should be raises
        ``UnsafeFileError`` naming it; nothing is written through it."""
        deadline = time.monotonic() + timeout
        existed = os.path.lexists(self.path)
        while True:
            blocker = self.path
            if self._name.try_take():
                blocker = self._take_inode_lock()
                if blocker is None:
                    break
                self._name.back_off()
            if time.monotonic() >= deadline:
                raise WorkspaceLockedError(self.workspace, _read_holder_file(blocker))
            time.sleep(0.1)
        self.found_stale = existed and self._name.left_by_another()
        try:
            self._previous = self._name.read() if self.found_stale else {}
        except ValueError:
            self._previous = {"unreadable": True}
        self._holder = {
            "program": program,
            "user": os_user(),
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "since": datetime.now().isoformat(timespec="seconds"),
            "workspace": str(self.real),
        }
        self._write_holder()
        return self

    def _take_inode_lock(self) -> Path | None:
        """Take the lock keyed on the file's device and inode; the path of the lock that is held
        by another (None when taken, or when there is no file yet or no folder for it)."""
        if self._inode is not None:
            return None
        try:
            st = os.stat(self.real)
        except FileNotFoundError:
            return None  # a new workspace: covered once it exists
        except OSError as exc:
            raise WorkspaceError(f"cannot read {self.workspace}: {exc.strerror or exc}") from None
        where = _inode_lock_path(st)
        if where is None:
            return None
        lock = _LockFile(where)
        if not lock.try_take():
            return where
        try:
            same = os.path.samestat(os.stat(self.real), st)
        except OSError:
            same = False
        if not same:  # the file was replaced meanwhile: try again with the new one
            lock.back_off()
            return self.path
        self._inode = lock
        return None

    def cover_new_file(self) -> None:
        """Take the lock keyed on device and inode for a workspace file this holder created."""
        if not self.held or self._inode is not None:
            return
        blocker = self._take_inode_lock()
        if blocker is not None:
            raise WorkspaceLockedError(self.workspace, _read_holder_file(blocker))
        self._write_holder()

    def _write_holder(self) -> None:
        facts = dict(self._holder)
        try:
            st = os.stat(self.real)
            facts.update(device=st.st_dev, inode=st.st_ino)
        except OSError:
            pass
        self._name.write(facts)
        if self._inode is not None:
            self._inode.write(facts)

    def mark(self, **facts) -> None:
        """Add facts to the lock file (e.g. that the database was opened)."""
        if self._name.fd is None:
            return
        holder = self._name.read()
        holder.update(facts)
        self._name.write(holder)

    def previous_state(self) -> dict:
        """What the lock file said before this process took it (read before overwriting)."""
        return self._previous

    def release(self) -> None:
        """Release and remove the lock files: the workspace was closed cleanly."""
        if self._name.fd is None:
            return
        try:
            if self._inode is not None:
                inode, self._inode = self._inode, None
                inode.release()
        finally:
            self._name.release()


