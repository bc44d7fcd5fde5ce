"""SQLite engines with the pragmas a workspace needs, and real transactions.

Python's sqlite3 module starts transactions lazily and not before DDL; Dossier turns that
off and emits ``BEGIN`` itself (``BEGIN IMMEDIATE`` for writes), so migrations run in a
transaction and a writer never has to upgrade a read lock midway.

Every connection runs with ``PRAGMA trusted_schema = OFF`` (functions and virtual tables
not known to be harmless may not be used from the schema's own SQL), and every one can be
stopped midway: ``interrupt_all`` (what Ctrl+C does in a command, see
``stop_queries_on_ctrl_c``) and ``time_limit`` (a ceiling for the app's work) call SQLite's
``interrupt()`` from another thread, so a query that runs too long ends with an error
instead of hanging. A query's own thread cannot be relied on for that: while SQLite works,
Python runs no signal handler in it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import NullPool, StaticPool

from dossier.files import create_private_if_absent
from dossier.store.sqlite.files import TrackedConnection, live_connections, readonly_uri

BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "dossier_write"


def _raw_connect(path: Path, readonly: bool, text_factory: Callable[[bytes], object] | None = None) -> sqlite3.Connection:
    if readonly:
        conn = sqlite3.connect(readonly_uri(path), uri=True, isolation_level=None, check_same_thread=False,
                               timeout=BUSY_TIMEOUT_MS / 1000, factory=TrackedConnection)
    else:
        # A new workspace is created here, private (0600) whatever the umask; SQLite gives its
        # -wal, -shm and -journal files the mode of the database file.
        try:
            create_private_if_absent(os.path.realpath(path))
        except OSError:
            pass  # SQLite's own attempt below says what is wrong
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False,
                               timeout=BUSY_TIMEOUT_MS / 1000, factory=TrackedConnection)
    if text_factory is not None:
        conn.text_factory = text_factory
    return conn


def make_engine(path: Path, *, readonly: bool = False,
                text_factory: Callable[[bytes], object] | None = None) -> Engine:
    """An engine on the workspace file ``path``; ``text_factory`` makes Python values of its text."""
    engine = create_engine(
        "sqlite://",
        creator=lambda: _raw_connect(path, readonly, text_factory),
        poolclass=NullPool if readonly else None,
        pool_pre_ping=False,
    )
    _set_up(engine, readonly)
    return engine


def make_memory_engine(text_factory: Callable[[bytes], object] | None = None) -> tuple[Engine, sqlite3.Connection]:
    """An engine on a new, empty in-memory database (one connection, returned with it), set up
    as a workspace file's engine is; the database goes when the connection is closed."""
    driver = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False, factory=TrackedConnection)
    if text_factory is not None:
        driver.text_factory = text_factory
    engine = create_engine("sqlite://", creator=lambda: driver, poolclass=StaticPool)
    _set_up(engine, False)
    return engine, driver


def _set_up(engine: Engine, readonly: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA trusted_schema = OFF")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not readonly:
            cur.execute("PRAGMA secure_delete = ON")
            cur.execute("PRAGMA synchronous = FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write and not readonly else "BEGIN")


def set_wal(engine: Engine) -> None:
    """Switch the file to write-ahead logging (persistent; must run outside a transaction)."""
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA journal_mode = WAL")
    finally:
        raw.close()


def checkpoint(engine: Engine) -> None:
    """Fold the WAL into the main file and empty it."""
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()


# ---------------------------------------------------------------- stopping queries
def interrupt_all() -> None:
    """Stop whatever every open SQLite connection of this process is running (from any thread):
    each running statement ends with ``sqlite3.OperationalError: interrupted``, and its
    transaction is rolled back as after any error."""
    for conn in list(live_connections):
        with contextlib.suppress(sqlite3.Error):
            conn.interrupt()


_stop_requested = threading.Event()


def stop_requested() -> bool:
    """Whether Ctrl+C was pressed since ``stop_queries_on_ctrl_c``."""
    return _stop_requested.is_set()


def stop_queries_on_ctrl_c() -> None:
    """Make Ctrl+C (SIGINT) stop a running query at once, in a command-line process.

    Python's own handler only runs between two bytecodes of the main thread, never while SQLite
    works in it; so SIGINT is also written to a pipe (``signal.set_wakeup_fd``), and a thread
    waiting on that pipe interrupts every connection. The main thread then sees the query fail,
    and Python's handler raises KeyboardInterrupt as usual. Call it from the main thread."""
    global _watching_ctrl_c
    if _watching_ctrl_c or threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        return  # Ctrl+C ignored (started in the background) or handled by someone else: leave it so
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    try:
        previous = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
        if previous != -1:  # someone else (an event loop) listens there: leave it to them
            signal.set_wakeup_fd(previous)
            raise ValueError("taken")
    except (ValueError, OSError):
        os.close(read_end)
        os.close(write_end)
        return

    def watch() -> None:
        while True:
            try:
                received = os.read(read_end, 64)
            except OSError:
                return
            if not received:
                return
            if signal.SIGINT in received:
                _stop_requested.set()
                interrupt_all()

    threading.Thread(target=watch, name="dossier-ctrl-c", daemon=True).start()
    _watching_ctrl_c = True


_watching_ctrl_c = False


class _Watchdog:
    """One thread that interrupts connections whose time is up (see ``time_limit``)."""

    AGAIN = 0.25  # seconds between two interrupts of a connection whose time is up

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._watched: dict[int, tuple[float, sqlite3.Connection, list[bool]]] = {}
        self._thread: threading.Thread | None = None
        self._next = 0

    def watch(self, conn: sqlite3.Connection, seconds: float) -> tuple[int, list[bool]]:
        fired = [False]
        with self._cond:
            self._next += 1
            token = self._next
            self._watched[token] = (time.monotonic() + seconds, conn, fired)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="dossier-time-limit", daemon=True)
                self._thread.start()
            self._cond.notify()
        return token, fired

    def release(self, token: int) -> None:
        with self._cond:
            self._watched.pop(token, None)

    def _run(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                for token, (deadline, conn, fired) in list(self._watched.items()):
                    if deadline <= now:
                        # again and again until released: an interrupt while no statement runs is forgotten
                        self._watched[token] = (now + self.AGAIN, conn, fired)
                        fired[0] = True
                        with contextlib.suppress(sqlite3.Error):
                            conn.interrupt()
                wait = min((d for d, _c, _f in self._watched.values()), default=now + 60) - now
                self._cond.wait(max(wait, 0.005))


_watchdog = _Watchdog()


@contextlib.contextmanager
def time_limit(conn: sqlite3.Connection, seconds: float | None) -> Iterator[list[bool]]:
    """Interrupt ``conn`` when the block has run for ``seconds`` (no limit for None). Yields a
    one-item list that holds True once the limit stopped it."""
    if not seconds or seconds <= 0:
        yield [False]
        return
    token, fired = _watchdog.watch(conn, seconds)
    try:
        yield fired
    finally:
        _watchdog.release(token)
