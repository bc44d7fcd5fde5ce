"""Shared test set-up: Qt offscreen, a private data directory, the demo document and workspace.

The demo workspace is built once per session (``demo_built``) and copied for each test that
wants one: ``demo_file`` (a copy, closed), ``demo_workspace`` (a copy, open), ``demo_copy`` (a
copy at a path of the test's choosing). Never open or write ``demo_built`` itself.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
DEMO_JSON = REPO / "resources" / "demo" / "syria-israel-2026.json"


@pytest.fixture(autouse=True)
def _private_home(tmp_path_factory, monkeypatch):
    """Every test gets its own DOSSIER_HOME, so nothing touches the user's workspace."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("DOSSIER_HOME", str(home))
    return home


@pytest.fixture
def demo_bytes() -> bytes:
    return DEMO_JSON.read_bytes()


@pytest.fixture(scope="session")
def demo_doc():
    """The demo document as the reader gives it (shared by the session: do not change it)."""
    from dossier.services.interchange import read_document

    return read_document(DEMO_JSON.read_bytes())


@pytest.fixture(scope="session")
def demo_built(tmp_path_factory) -> Path:
    """The demo workspace file, built once for the session in a data folder of its own.

    Read-only by convention: tests get copies (``demo_file``, ``demo_workspace``, ``copy_demo``).
    """
    from dossier.services.demo import build_demo

    folder = tmp_path_factory.mktemp("demo-built")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DOSSIER_HOME", str(folder / "home"))
        build_demo(folder / "talks.sqlite")[0].close()  # closing folds the log into the file
    path = folder / "talks.sqlite"
    assert not Path(f"{path}-wal").exists()
    return path


def copy_demo(built: Path, dest: Path) -> Path:
    """A copy of the built demo at ``dest``, as a fresh ``build_demo(dest)`` would leave it:
    the file alone (mode kept: 0600), with a backup marker of its own."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(built, dest)
    conn = sqlite3.connect(dest, isolation_level=None)
    try:
        conn.execute(f"PRAGMA user_version = {secrets.randbelow(2**31 - 1) + 1}")
    finally:
        conn.close()
    return dest


def open_demo_copy(built: Path, dest: Path):
    """An open workspace on a copy of the built demo, as ``build_demo(dest)`` returns it (no
    daily backup, no reading through its records: a freshly built file gets neither)."""
    from dossier.services.workspace import open_workspace

    return open_workspace(copy_demo(built, dest), daily_backup=False, check_records=False)


@pytest.fixture
def demo_copy(demo_built):
    """``demo_copy(dest)``: a copy of the demo workspace at ``dest`` (its path);
    ``demo_copy(dest, open=True)``: that copy opened (the test closes it)."""

    def make(dest: Path, *, open: bool = False):
        return open_demo_copy(demo_built, Path(dest)) if open else copy_demo(demo_built, Path(dest))

    return make


@pytest.fixture
def demo_file(tmp_path, demo_built) -> Path:
    """A copy of the demo workspace (closed, nothing beside it) at ``tmp_path/demo/talks.sqlite``."""
    return copy_demo(demo_built, tmp_path / "demo" / "talks.sqlite")


@pytest.fixture
def demo_workspace(tmp_path, demo_built):
    """A fresh demo workspace in a real SQLite file (``tmp_path/demo.sqlite``), open."""
    ws = open_demo_copy(demo_built, tmp_path / "demo.sqlite")
    yield ws
    ws.close()


@pytest.fixture
def empty_workspace(tmp_path):
    from dossier.services.workspace import open_workspace

    ws = open_workspace(tmp_path / "empty.sqlite")
    yield ws
    ws.close()


@pytest.fixture
def failing_statements(monkeypatch):
    """Fault injection, through the one seam for it: ``fail(when, error)`` makes every statement of
    the records' bulk path for which ``when(sql)`` is true raise ``error`` (an ``sqlite3.Error``)
    where the driver's errors are raised (``SqliteStatements.run`` and ``.many``, documented in
    ``dossier.store.sqlite.bulk``)."""
    from dossier.store.sqlite import bulk

    def fail(when, error: Exception) -> None:
        for name in ("run", "many"):
            original = getattr(bulk.SqliteStatements, name)

            def failing(self, sql, params=(), _original=original):
                if when(sql):
                    with bulk.raw_cursor(self.conn):  # raised where the driver's errors are
                        raise error
                return _original(self, sql, params)

            monkeypatch.setattr(bulk.SqliteStatements, name, failing)

    return fail
