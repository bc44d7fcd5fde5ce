"""Nothing lost, nothing let in: locks, damaged files, backups, full disks, deleted text."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event

from dossier.errors import WorkspaceDamagedError, WorkspaceLockedError, WorkspaceWriteError
from dossier.model import Person
from dossier.services import interchange, queries, records
from dossier.services.demo import build_demo
from dossier.services.workspace import check_workspace, open_workspace, restore_backup
from dossier.store.sqlite import backups
from dossier.store.sqlite.lock import lock_path


def make_demo(path: Path) -> Path:
    ws, _ = build_demo(path)
    ws.close()
    return path


def holder_process(path: Path) -> subprocess.Popen:
    """Another process that opens the workspace and keeps it open."""
    code = (
        "import sys, time\n"
        "from dossier.services.workspace import open_workspace\n"
        f"ws = open_workspace({str(path)!r})\n"
        "print('open', flush=True)\n"
        "time.sleep(120)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "open"
    return proc


# ---------------------------------------------------------------- one writer
def test_second_writer_is_told_who_holds_it_and_may_read(tmp_path):
    path = make_demo(tmp_path / "w.sqlite")
    proc = holder_process(path)
    try:
        with pytest.raises(WorkspaceLockedError) as info:
            open_workspace(path)
        message = str(info.value)
        assert f"process {proc.pid}" in message and "read-only" in message
        with open_workspace(path, readonly=True) as ws:
            assert len(queries.list_people(ws)) == 9
            with pytest.raises(WorkspaceWriteError, match="read-only"):
                records.create(ws, Person(id="x", name="X"))
    finally:
        proc.kill()
        proc.wait()


def test_headless_writer_waits_then_fails_clearly(tmp_path):
    path = make_demo(tmp_path / "w.sqlite")
    proc = holder_process(path)
    try:
        env = {**os.environ, "DOSSIER_LOCK_TIMEOUT": "1"}
        started = time.monotonic()
        out = subprocess.run([sys.executable, "-m", "dossier", "demo", "--db", str(path)],
                             capture_output=True, text=True, env=env, timeout=60)
        waited = time.monotonic() - started
        assert out.returncode == 1
        assert "is open in Dossier" in out.stderr and "Traceback" not in out.stderr
        assert waited >= 1.0
    finally:
        proc.kill()
        proc.wait()
    with open_workspace(path) as ws:
        assert check_workspace(ws).ok


def test_stale_lock_of_a_killed_process_is_taken_over(tmp_path):
    path = make_demo(tmp_path / "w.sqlite")
    proc = holder_process(path)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert lock_path(path).exists()
    with open_workspace(path) as ws:
        assert ws.lock.found_stale
        assert check_workspace(ws).ok
    assert not lock_path(path).exists()


# ---------------------------------------------------------------- damaged files
def test_truncated_file_is_refused_untouched_and_a_backup_offered(tmp_path):
    path = make_demo(tmp_path / "w.sqlite")
    good = backups.daily_backup(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    before = path.read_bytes()
    with pytest.raises(WorkspaceDamagedError, match="cut short") as info:
        open_workspace(path)
    assert info.value.backup == good
    assert "dossier restore" in str(info.value)
    assert path.read_bytes() == before


def test_a_checkpoint_cut_off_part_way_is_not_taken_for_a_truncated_file(tmp_path):
    """Killed mid-checkpoint, the file has its new page 1 (and page count) but not yet the
    pages after it; the write-ahead log still holds them all, so nothing is lost."""
    path = tmp_path / "w.sqlite"
    open_workspace(path, daily_backup=False).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    with conn:
        conn.executemany("INSERT INTO people (uid, name, bio) VALUES (?, ?, ?)",
                         [(f"p-{i}", f"Person {i}", "x" * 3000) for i in range(60)])
    short = path.read_bytes()
    wal = Path(f"{path}-wal").read_bytes()
    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    page = int.from_bytes(short[16:18], "big")
    full_first_page = path.read_bytes()[:page]
    conn.close()
    for extra in ("-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)
    crashed = full_first_page + short[page:]
    assert int.from_bytes(crashed[28:32], "big") * page > len(crashed)
    path.write_bytes(crashed)
    Path(f"{path}-wal").write_bytes(wal)
    with open_workspace(path, daily_backup=False) as ws:
        assert check_workspace(ws).ok
        assert len(queries.list_people(ws)) == 60
    # Without its log the same file really is cut short.
    path.write_bytes(crashed)
    Path(f"{path}-wal").unlink(missing_ok=True)
    with pytest.raises(WorkspaceDamagedError, match="cut short"):
        open_workspace(path, daily_backup=False)


def test_a_clean_close_is_remembered_and_any_change_after_it_noticed(tmp_path):
    from dossier.services.workspace import unchanged_since_clean_close

    path = make_demo(tmp_path / "w.sqlite")
    assert unchanged_since_clean_close(path)
    with open_workspace(path) as ws:
        records.update(ws, replace(records.get(ws, "people", "ron-dermer"), notes="edited"))
    assert unchanged_since_clean_close(path)  # closed cleanly again, after the edit
    data = bytearray(path.read_bytes())
    data[-100] ^= 0xFF  # same size, new contents and time
    path.write_bytes(bytes(data))
    assert not unchanged_since_clean_close(path)
    copy = tmp_path / "elsewhere.sqlite"
    copy.write_bytes(path.read_bytes())
    assert not unchanged_since_clean_close(copy)


def test_garbage_pages_are_detected(tmp_path):
    path = make_demo(tmp_path / "w.sqlite")
    data = bytearray(path.read_bytes())
    page = 4096
    for n in range(3, len(data) // page):
        data[n * page + 8 : n * page + 400] = os.urandom(392)
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    with pytest.raises(WorkspaceDamagedError, match="damaged"):
        open_workspace(path)
    assert path.read_bytes() == before


def _edit_elsewhere(path: Path, notes: str, then: str) -> subprocess.CompletedProcess:
    """Another process opens the workspace, saves ``notes`` on one person, then runs ``then``
    (its last lines of Python: ``ws`` is the open workspace, ``os`` and ``signal`` imported)."""
    code = (
        "import os, signal\n"
        "from dataclasses import replace\n"
        "from dossier.services import queries, records\n"
        "from dossier.services.workspace import open_workspace\n"
        f"ws = open_workspace({str(path)!r})\n"
        "p = records.get(ws, 'people', 'ron-dermer')\n"
        f"records.update(ws, replace(p, notes={notes!r}))\n"
        f"{then}\n"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


def _crash_after_edit(path: Path) -> None:
    """A process that saves an edit and is then killed before it closes the workspace."""
    _edit_elsewhere(path, "edited just before the crash", "os.kill(os.getpid(), signal.SIGKILL)")


def test_edit_survives_a_crash(tmp_path):
    path = make_demo(tmp_path / "w.sqlite")
    _crash_after_edit(path)
    assert Path(f"{path}-wal").exists()
    with open_workspace(path) as ws:
        assert records.get(ws, "people", "ron-dermer").notes == "edited just before the crash"


def test_missing_wal_after_a_crash_is_detected(tmp_path):
    path = make_demo(tmp_path / "w.sqlite")
    _crash_after_edit(path)
    Path(f"{path}-wal").unlink()
    Path(f"{path}-shm").unlink(missing_ok=True)
    before = path.read_bytes()
    with pytest.raises(WorkspaceDamagedError, match="write-ahead log .* is missing"):
        open_workspace(path)
    assert path.read_bytes() == before


def test_killed_after_closing_the_database_but_before_the_lock_went(tmp_path):
    """The close folded the log into the file and removed it; only the lock file is left."""
    path = make_demo(tmp_path / "w.sqlite")
    _edit_elsewhere(path, "saved, then closed",
                    "ws.lock.release = lambda: os.kill(os.getpid(), signal.SIGKILL)\nws.close()")
    assert lock_path(path).exists()
    assert not Path(f"{path}-wal").exists()
    with open_workspace(path) as ws:
        assert ws.lock.found_stale
        assert records.get(ws, "people", "ron-dermer").notes == "saved, then closed"


def test_a_script_that_fails_without_closing_leaves_the_workspace_closed(tmp_path):
    """An uncaught exception ends the interpreter normally: the workspace is closed on the way
    out, so its lock goes with its log, and nothing looks like a crash."""
    path = make_demo(tmp_path / "w.sqlite")
    result = _edit_elsewhere(path, "saved, then a bug", "raise RuntimeError('a bug in the script')")
    assert result.returncode == 1 and "a bug in the script" in result.stderr
    assert not lock_path(path).exists()
    with open_workspace(path) as ws:
        assert not ws.lock.found_stale
        assert records.get(ws, "people", "ron-dermer").notes == "saved, then a bug"


def test_damaged_wal_is_detected(tmp_path):
    path = make_demo(tmp_path / "w.sqlite")
    _crash_after_edit(path)
    wal = Path(f"{path}-wal")
    data = bytearray(wal.read_bytes())
    data[8:16] = b"\xde\xad\xbe\xef" * 2
    wal.write_bytes(bytes(data))
    before = path.read_bytes()
    with pytest.raises(WorkspaceDamagedError, match="write-ahead log is damaged"):
        open_workspace(path)
    assert path.read_bytes() == before


# ---------------------------------------------------------------- backups and restore
def test_daily_backup_once_a_day_keeping_ten(tmp_path):
    path = make_demo(tmp_path / "w.sqlite")
    with open_workspace(path) as ws:
        first = ws.backup_made
    assert first is not None and first.parent == tmp_path / "backups"
    with open_workspace(path) as ws:
        assert ws.backup_made is None  # not twice on one day
    start = datetime(2026, 1, 1, 9, 0, 0)
    for day in range(12):
        backups.daily_backup(path, now=start + timedelta(days=day))
    kept = backups.list_backups(path)
    assert len(kept) == 10
    assert kept[0] == first  # today's is the newest
    assert kept[1].name == "w-20260112-090000.sqlite"
    assert kept[-1].name == "w-20260104-090000.sqlite"  # the three oldest went


def test_restore_keeps_the_replaced_file(tmp_path):
    path = make_demo(tmp_path / "w.sqlite")
    backup = backups.daily_backup(path)
    with open_workspace(path, daily_backup=False) as ws:
        records.delete(ws, "people", "ron-dermer", cascade=True)
    replaced = restore_backup(path, backup)
    assert replaced.exists() and ".replaced-" in replaced.name
    with open_workspace(path, daily_backup=False) as ws:
        assert records.get(ws, "people", "ron-dermer").name == "Ron Dermer"
    with open_workspace(replaced, daily_backup=False) as old:
        assert not any(p.id == "ron-dermer" for p in queries.list_people(old))


def test_restore_command_refuses_a_bad_backup(tmp_path):
    path = make_demo(tmp_path / "w.sqlite")
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a backup")
    before = path.read_bytes()
    out = subprocess.run([sys.executable, "-m", "dossier", "restore", "--db", str(path), str(bad)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and "cannot restore" in out.stderr and "Traceback" not in out.stderr
    assert path.read_bytes() == before


# ---------------------------------------------------------------- full disk, read-only
def test_full_disk_rolls_back_and_keeps_what_was_saved(tmp_path):
    path = make_demo(tmp_path / "w.sqlite")
    with open_workspace(path, daily_backup=False) as ws:
        pages = sqlite3.connect(path).execute("PRAGMA page_count").fetchone()[0]

        @event.listens_for(ws.db.engine, "connect")
        def _cap(dbapi_conn, _record):
            dbapi_conn.execute(f"PRAGMA max_page_count = {pages + 2}")

        ws.db.engine.dispose()
        person = records.get(ws, "people", "ron-dermer")
        with pytest.raises(WorkspaceWriteError, match="disk is full"):
            records.update(ws, replace(person, bio="x" * 2_000_000))
        assert records.get(ws, "people", "ron-dermer") == person
        assert check_workspace(ws).ok


def test_read_only_file_opens_read_only_with_a_reason(tmp_path):
    path = make_demo(tmp_path / "w.sqlite")
    path.chmod(0o444)
    try:
        if os.access(path, os.W_OK):
            pytest.skip("running as a user who can write read-only files (root)")
        with open_workspace(path) as ws:
            assert ws.readonly and ws.readonly_reason == "the workspace file is read-only"
    finally:
        path.chmod(0o644)


def test_read_only_folder_opens_immutable(tmp_path):
    folder = tmp_path / "cdrom"
    folder.mkdir()
    path = make_demo(folder / "w.sqlite")
    for side in folder.iterdir():
        if side.is_dir():
            for f in side.iterdir():
                f.unlink()
            side.rmdir()
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user who can write read-only folders (root)")
        with open_workspace(path) as ws:
            assert ws.readonly and "folder" in ws.readonly_reason
            assert len(queries.list_people(ws)) == 9
    finally:
        folder.chmod(0o755)


# ---------------------------------------------------------------- deleted means gone
def test_deleted_text_is_gone_from_the_file(tmp_path):
    path = make_demo(tmp_path / "w.sqlite")
    secret = "Zanzibarquux informant codename"
    with open_workspace(path, daily_backup=False) as ws:
        records.create(ws, Person(id="informant", name="Qwertyzed Informant", bio=secret, notes=secret))
    assert secret.encode() in path.read_bytes()  # closing folded the log into the file
    with open_workspace(path, daily_backup=False) as ws:
        records.delete(ws, "people", "informant")
    data = path.read_bytes()
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    for needle in (secret, "Zanzibarquux", "zanzibarquux", "Qwertyzed", "qwertyzed"):
        assert needle.encode() not in data, needle


def test_import_of_a_bad_document_changes_nothing(tmp_path, demo_bytes):
    path = make_demo(tmp_path / "w.sqlite")
    with open_workspace(path, daily_backup=False) as ws:
        before = interchange.document_to_json(interchange.export_document(ws))
        bad = demo_bytes.replace(b'"name": "Israel"', b'"name": "  "')
        with pytest.raises(Exception):
            interchange.import_json(ws, bad)
        after = interchange.document_to_json(interchange.export_document(ws))
    before.pop("exported_at"), after.pop("exported_at")
    assert after == before


def test_unwritable_places_open_read_only(tmp_path, monkeypatch):
    """What root cannot see for real: a file or folder the process may not write to."""
    path = make_demo(tmp_path / "w.sqlite")
    real_access = os.access

    def deny_writes(p, mode, *a, **kw):
        return False if mode & os.W_OK else real_access(p, mode, *a, **kw)

    monkeypatch.setattr(os, "access", deny_writes)
    with open_workspace(path) as ws:
        assert ws.readonly and ws.readonly_reason == "the workspace file is read-only"
        assert len(queries.list_people(ws)) == 9
        with pytest.raises(WorkspaceWriteError, match="read-only"):
            records.create(ws, Person(id="x", name="X"))
    assert not lock_path(path).exists()
