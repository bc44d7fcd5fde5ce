"""One writer per workspace file: an advisory lock held by whoever writes to it.

The lock is a small file beside the workspace (``NAME.lock``) that the holder keeps
locked with the operating system's file lock and fills with who holds it. The
operating system releases the lock when the process ends, however it ends, so a lock
left by a crashed process is found stale and taken over; the leftover file then also
tells that the last session did not close cleanly.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from dossier.errors import WorkspaceError


class WorkspaceLockedError(WorkspaceError):
    def __init__(self, path: Path, holder: LockHolder | None):
        self.path = path
        self.holder = holder
        who = holder.describe() if holder else "another program"
        super().__init__(f"{path.name} is open in {who}; it can be opened read-only, "
                         "or after that program closes it")


@dataclass(frozen=True)
class LockHolder:
    user: str
    host: str
    pid: int
    since: str
    program: str = "Dossier"

    def describe(self) -> str:
        return f"{self.program} by {self.user} on {self.host} (process {self.pid}, since {self.since})"


def lock_path(workspace: Path) -> Path:
    return workspace.with_name(workspace.name + ".lock")


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


def read_holder(workspace: Path) -> LockHolder | None:
    try:
        data = json.loads(lock_path(workspace).read_text(encoding="utf-8"))
        return LockHolder(str(data["user"]), str(data["host"]), int(data["pid"]), str(data["since"]),
                          str(data.get("program", "Dossier")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


class WorkspaceLock:
    """Held while a process may write to the workspace."""

    def __init__(self, workspace: Path):
        self.workspace = Path(workspace)
        self.path = lock_path(self.workspace)
        self._fd: int | None = None
        self._previous: dict = {}
        self.found_stale = False  # a previous holder ended without closing cleanly

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, timeout: float = 0.0, program: str = "Dossier") -> WorkspaceLock:
        """Take the lock, waiting up to ``timeout`` seconds; raise WorkspaceLockedError."""
        deadline = time.monotonic() + timeout
        existed = self.path.exists()
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise WorkspaceError(f"cannot create the lock file {self.path}: {exc.strerror or exc}") from None
            if _try_lock(fd):
                if self._same_file(fd):
                    break
                _unlock(fd)  # the holder removed the file as we took it: start again
            os.close(fd)
            if time.monotonic() >= deadline:
                raise WorkspaceLockedError(self.workspace, read_holder(self.workspace))
            time.sleep(0.1)
        self.found_stale = existed and self._previous_holder_left_it(fd)
        try:
            self._previous = json.loads(_read_all(fd) or b"{}") if self.found_stale else {}
        except ValueError:
            self._previous = {"unreadable": True}
        holder = {
            "program": program,
            "user": _user(),
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "since": datetime.now().isoformat(timespec="seconds"),
        }
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, json.dumps(holder).encode("utf-8"))
        os.fsync(fd)
        self._fd = fd
        return self

    def _same_file(self, fd: int) -> bool:
        try:
            return os.path.samestat(os.fstat(fd), os.stat(self.path))
        except OSError:
            return False

    def mark(self, **facts) -> None:
        """Add facts to the lock file (e.g. that the database was opened)."""
        if self._fd is None:
            return
        holder = json.loads(_read_all(self._fd) or b"{}")
        holder.update(facts)
        data = json.dumps(holder).encode("utf-8")
        os.ftruncate(self._fd, 0)
        os.lseek(self._fd, 0, os.SEEK_SET)
        os.write(self._fd, data)
        os.fsync(self._fd)

    @staticmethod
    def _previous_holder_left_it(fd: int) -> bool:
        """A leftover lock file with content: its holder ended without closing."""
        try:
            return os.fstat(fd).st_size > 0
        except OSError:
            return False

    def previous_state(self) -> dict:
        """What the lock file said before this process took it (read before overwriting)."""
        return self._previous

    def release(self) -> None:
        """Release and remove the lock file: the workspace was closed cleanly."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
            self.path.unlink(missing_ok=True)
        except OSError:
            pass
        finally:
            try:
                _unlock(fd)
            finally:
                os.close(fd)


def _read_all(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    return os.read(fd, 65536)


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name to be had (some containers)
        return "unknown user"
