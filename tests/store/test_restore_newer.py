"""`restore` refuses a backup written by a newer version of Dossier, as it refuses any other file
that is not a workspace this version can open, and leaves the workspace untouched."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from dossier.errors import WorkspaceError
from dossier.services.demo import build_demo
from dossier.services.workspace import open_workspace, restore_backup
from dossier.store.sqlite import backups


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _newer_copy(workspace: Path, target: Path) -> Path:
    """A sound copy of the workspace, marked as written by a later schema than this version knows."""
    shutil.copyfile(workspace, target)
    conn = sqlite3.connect(target)
    try:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
        conn.commit()
    finally:
        conn.close()
    return target


@pytest.fixture
def workspace(tmp_path) -> Path:
    ws, _ = build_demo(tmp_path / "talks.sqlite")
    ws.close()
    return tmp_path / "talks.sqlite"


def test_the_restore_command_refuses_a_backup_from_a_newer_version(workspace, tmp_path):
    newer = _newer_copy(workspace, tmp_path / "from-the-future.sqlite")
    before = {p.name: _digest(p) for p in tmp_path.iterdir() if p.is_file() and p.name.startswith("talks")}
    out = subprocess.run([sys.executable, "-m", "dossier", "restore", "--db", str(workspace), str(newer)],
                         capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "newer version of Dossier" in out.stderr and "cannot restore" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    after = {p.name: _digest(p) for p in tmp_path.iterdir() if p.is_file() and p.name.startswith("talks")}
    assert after == before  # the workspace as it was; no replaced copy, nothing half restored
    assert not list(tmp_path.glob(".talks.sqlite.restoring*"))
    with open_workspace(workspace, daily_backup=False) as ws:  # and it still opens
        assert ws.db.schema_revision() != "9999"


def test_restoring_it_in_the_app_is_refused_the_same_way(workspace, tmp_path):
    newer = _newer_copy(workspace, tmp_path / "from-the-future.sqlite")
    before = _digest(workspace)
    with pytest.raises(WorkspaceError, match="newer version of Dossier"):
        restore_backup(workspace, newer)
    assert _digest(workspace) == before


def test_a_newer_backup_is_never_the_good_backup_offered(workspace, tmp_path):
    with open_workspace(workspace):  # the daily backup
        pass
    [made] = backups.list_backups(workspace)
    assert backups.newest_good_backup(workspace) == made
    later = made.with_name(made.name.replace("-2", "-3", 1))  # a later stamp, so it sorts first
    _newer_copy(made, later)
    assert later in backups.list_backups(workspace)
    assert "newer version" in backups.backup_problem(later)
    assert backups.newest_good_backup(workspace) == made


def _with_foreign_sql(workspace: Path, target: Path) -> Path:
    """A sound copy of the workspace whose schema carries a trigger Dossier never makes."""
    shutil.copyfile(workspace, target)
    conn = sqlite3.connect(target)
    try:
        conn.execute("CREATE TRIGGER zz_soften AFTER INSERT ON positions BEGIN "
                     "UPDATE positions SET kind = 'offer' WHERE rowid = new.rowid; END")
        conn.commit()
    finally:
        conn.close()
    return target


def test_a_backup_holding_foreign_sql_is_refused_like_a_received_workspace(workspace, tmp_path):
    foreign = _with_foreign_sql(workspace, tmp_path / "talks-20260101-090000.sqlite")
    before = {p.name: _digest(p) for p in tmp_path.iterdir() if p.is_file() and p.name.startswith("talks.")}
    out = subprocess.run([sys.executable, "-m", "dossier", "restore", "--db", str(workspace), str(foreign)],
                         capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "cannot restore" in out.stderr and "an extra trigger zz_soften on table positions" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    after = {p.name: _digest(p) for p in tmp_path.iterdir() if p.is_file() and p.name.startswith("talks.")}
    assert after == before
    with pytest.raises(WorkspaceError, match="zz_soften"):
        restore_backup(workspace, foreign)
    assert _digest(workspace) == before["talks.sqlite"]


def test_a_backup_holding_foreign_sql_is_never_the_good_backup_offered(workspace, tmp_path):
    with open_workspace(workspace):  # the daily backup
        pass
    [made] = backups.list_backups(workspace)
    later = made.with_name(made.name.replace("-2", "-3", 1))
    _with_foreign_sql(made, later)
    assert later in backups.list_backups(workspace)
    assert "does not make" in backups.backup_problem(later)
    assert backups.newest_good_backup(workspace) == made
