"""A change feed on a team workspace outlives its connection: when the listening backend is
terminated, or the whole server restarts, the feed says so, connects again by itself, asks
for everything to be read again, and changes saved afterwards by others arrive.

The restart runs on a server of this module's own (``restartable_server``), so the shared
test server is never interrupted.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from dossier.errors import WorkspaceError
from dossier.model.records import Person
from dossier.services import live, records
from dossier.services.workspace import open_workspace

_spec = importlib.util.spec_from_file_location("postgres_fixtures_reconnect", Path(__file__).parent / "conftest.py")
_postgres = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_postgres)

WAIT = 20.0  # seconds: the most the feed may take to come back (a bound, not a speed test)


class RestartableServer:
    """A throwaway PostgreSQL server that a test may restart (``pg_ctl restart``)."""

    def __init__(self):
        _postgres.require_psycopg()
        self.bindir = _postgres._bin_dir()
        if self.bindir is None:
            _postgres.unavailable("PostgreSQL server programs (initdb, pg_ctl) are not installed; "
                                  "'bash packaging/setup.sh --test' installs them on Debian and Ubuntu")
        self.root = Path(tempfile.mkdtemp(prefix="dossier-pg-restart-"))
        self.data, sockets = self.root / "data", self.root / "run"
        sockets.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.root, "nobody")
            shutil.chown(sockets, "nobody")
            os.chmod(self.root, 0o700)
        self.user = "nobody" if os.geteuid() == 0 else os.environ.get("USER", "postgres")
        subprocess.run(_postgres._as_server_user([
            str(self.bindir / "initdb"), "-D", str(self.data), "-U", self.user, "--auth=trust",
            "-E", "UTF8", "--locale=C.UTF-8"]), check=True, capture_output=True)
        self.port = _postgres._free_port()
        self.options = f"-p {self.port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._pg_ctl("start")

    def _pg_ctl(self, *action: str) -> None:
        subprocess.run(_postgres._as_server_user([
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"),
            "-w", "-t", "60", "-o", self.options, *action]), check=True, capture_output=True)

    def restart(self) -> None:
        self._pg_ctl("-m", "fast", "restart")

    def url(self, database: str) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        subprocess.run(_postgres._as_server_user([str(self.bindir / "pg_ctl"), "-D", str(self.data),
                                                  "-m", "immediate", "stop"]), capture_output=True, check=False)
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def restartable_server():
    server = RestartableServer()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def restartable_url(restartable_server, psycopg):
    with psycopg.connect(restartable_server.url("postgres"), autocommit=True) as conn:
        conn.execute('CREATE DATABASE "team"')
    yield restartable_server.url("team")
    with psycopg.connect(restartable_server.url("postgres"), autocommit=True) as conn:
        conn.execute('DROP DATABASE IF EXISTS "team" WITH (FORCE)')


@pytest.fixture
def two_analysts(monkeypatch):
    """Opens (url) -> (A's workspace, B's workspace), each with a connection of its own."""
    opened = []

    def open_both(url: str):
        monkeypatch.setenv("DOSSIER_ANALYST", "Bob")
        b = open_workspace(url)
        opened.append(b)
        records.create(b, Person(id="ron-dermer", name="Ron Dermer", title="Minister"))
        monkeypatch.setenv("DOSSIER_ANALYST", "Alice")
        a = open_workspace(url)
        opened.append(a)
        return a, b

    yield open_both
    for ws in opened:
        ws.close()


def listening_pid(feed: live.ChangeFeed) -> int:
    """The server process of the feed's listening connection."""
    return feed._feed._conn.info.backend_pid


def polled_until(feed: live.ChangeFeed, done, problems: list[str]) -> list:
    """Polls the feed until ``done(changes)`` holds for what one poll returned (its problems,
    said meanwhile, kept in ``problems``); fails after ``WAIT`` seconds."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            changes = feed.poll(0.5)
        except WorkspaceError as exc:
            problems.append(str(exc))
            time.sleep(0.1)
            continue
        if done(changes):
            return changes
    raise AssertionError(f"the feed did not come back within {WAIT} s; it said: {problems[-3:]}")


def saved_by_b(b, title: str) -> None:
    person, version = records.get_versioned(b, "people", "ron-dermer")
    records.update(b, dataclasses.replace(person, title=title), expected_version=version)


def everything(changes) -> bool:
    return any(c.everything for c in changes)


def ron_changed(changes) -> bool:
    return any(c.everything or "ron-dermer" in c.changed.get("people", ()) for c in changes)


def test_the_feed_comes_back_after_its_backend_is_terminated(pg_url, psycopg, two_analysts):
    a, b = two_analysts(pg_url)
    with live.ChangeFeed(a) as feed:
        saved_by_b(b, "Minister for Strategic Affairs")
        assert ron_changed(polled_until(feed, ron_changed, []))
        with psycopg.connect(pg_url, autocommit=True) as conn:
            killed = conn.execute("SELECT pg_terminate_backend(%s)", (listening_pid(feed),)).fetchone()[0]
        assert killed
        problems: list[str] = []
        polled_until(feed, everything, problems)  # back: everything may have changed meanwhile
        assert problems and "lost the connection" in problems[0]
        saved_by_b(b, "Former minister")
        changes = polled_until(feed, ron_changed, problems)
        assert changes[0].changed == {"people": ("ron-dermer",)} and not changes[0].everything


def test_the_feed_comes_back_after_every_backend_is_terminated(pg_url, psycopg, two_analysts):
    """Not only the feed's connection: B's and A's own too (reads and saves recover as well)."""
    a, b = two_analysts(pg_url)
    with live.ChangeFeed(a) as feed:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        problems: list[str] = []
        polled_until(feed, everything, problems)
        assert problems
        saved_by_b(b, "Former minister")
        polled_until(feed, ron_changed, problems)
        assert records.get(a, "people", "ron-dermer").title == "Former minister"


def test_the_feed_comes_back_after_the_server_restarts(restartable_server, restartable_url, two_analysts):
    a, b = two_analysts(restartable_url)
    with live.ChangeFeed(a) as feed:
        assert feed.poll(0.2) == []
        restartable_server.restart()
        problems: list[str] = []
        polled_until(feed, everything, problems)
        assert problems and "lost the connection" in problems[0]
        saved_by_b(b, "Former minister")
        changes = polled_until(feed, ron_changed, problems)
        assert changes[0].changed == {"people": ("ron-dermer",)}


def test_a_feed_waits_longer_between_failed_attempts(restartable_server, restartable_url, two_analysts,
                                                     monkeypatch):
    """While the server is down, attempts to connect again are spaced out, twice as long each
    time (to a limit); once it is up, the feed comes back."""
    from dossier.store.postgres import feed as pg_feed

    a, _b = two_analysts(restartable_url)
    attempts: list[float] = []
    connect = pg_feed.PostgresChangeFeed._connect

    def counted(self, psycopg):
        attempts.append(time.monotonic())
        return connect(self, psycopg)

    monkeypatch.setattr(pg_feed.PostgresChangeFeed, "_connect", counted)
    with live.ChangeFeed(a) as feed:
        attempts.clear()
        restartable_server._pg_ctl("-m", "fast", "stop")
        try:
            problems: list[str] = []
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                with pytest.raises(WorkspaceError) as caught:
                    feed.poll(0.3)
                problems.append(str(caught.value))
        finally:
            restartable_server._pg_ctl("start")
        assert "lost the connection" in problems[0]
        assert any("cannot connect to" in p for p in problems)
        # 0.5 s after the loss, then 1, 2, 4 s apart: a few attempts, not one for every poll
        assert 2 <= len(attempts) <= 5 and len(attempts) < len(problems) / 2, (len(attempts), len(problems))
        polled_until(feed, everything, problems)
