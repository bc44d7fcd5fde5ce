"""A workspace folder prepared by hand, as an attacker or a slip of the keyboard would leave it:
links where Dossier's own files go, another workspace whose name starts the same, files that
look like backups, two paths to one file, leftovers of a crash; and the modes of every file
Dossier makes. Real files in a temporary folder, real processes for the command line."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from dossier.errors import UnsafeFileError, WorkspaceLockedError
from dossier.model import Person
from dossier.services import interchange, queries, records
from dossier.services.demo import build_demo
from dossier.services.workspace import check_workspace, open_workspace, restore_backup
from dossier.store.sqlite import backups
from dossier.store.sqlite.lock import inode_locks_dir, lock_path

SECRET = b"the analyst's private notes\n"


def make_demo(path: Path) -> Path:
    ws, _ = build_demo(path)
    ws.close()
    return path


def make_empty(path: Path) -> Path:
    open_workspace(path).close()
    return path


def dossier(*args, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """The command line in a process of its own (it inherits this test's DOSSIER_HOME)."""
    proc = subprocess.run([sys.executable, "-m", "dossier", *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=timeout, check=False)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def holder_process(path: Path) -> subprocess.Popen:
    """Another process that opens the workspace at ``path`` for writing and keeps it open."""
    code = (
        "import sys, time\n"
        "from dossier.services.workspace import open_workspace\n"
        f"ws = open_workspace({str(path)!r}, daily_backup=False)\n"
        "print('open', flush=True)\n"
        "time.sleep(120)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "open"
    return proc


def stop(proc: subprocess.Popen) -> None:
    proc.kill()
    proc.wait()
    proc.stdout.close()


def secret_file(folder: Path, name: str = "anything") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    target.write_bytes(SECRET)
    return target


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture
def demo_json(tmp_path, demo_bytes) -> Path:
    path = tmp_path / "demo.json"
    path.write_bytes(demo_bytes)
    return path


# ---------------------------------------------------------------- 1. links where Dossier's files go
def test_a_symlinked_lock_is_refused_and_its_target_left_as_it_was(tmp_path, demo_json):
    folder = tmp_path / "received"
    path = make_empty(folder / "talks.sqlite")
    target = secret_file(tmp_path, "anything")
    lock_path(path).symlink_to(Path("..") / "anything")

    out = dossier("import-json", demo_json, "--db", path)
    assert out.returncode == 1
    assert str(lock_path(path)) in out.stderr and "symbolic link" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert target.read_bytes() == SECRET

    with pytest.raises(UnsafeFileError, match="symbolic link"):  # as the app opens it
        open_workspace(path)
    assert target.read_bytes() == SECRET and os.path.islink(lock_path(path))
    with open_workspace(path, readonly=True) as ws:  # reading needs no lock
        assert check_workspace(ws).ok


def test_a_lock_linked_to_a_missing_file_creates_nothing(tmp_path):
    path = tmp_path / "new.sqlite"
    lock_path(path).symlink_to(tmp_path / "created-through-the-link")
    with pytest.raises(UnsafeFileError):
        open_workspace(path)
    assert not (tmp_path / "created-through-the-link").exists()


def test_a_hard_linked_lock_is_refused_and_its_other_name_left_as_it_was(tmp_path):
    path = make_empty(tmp_path / "talks.sqlite")
    target = secret_file(tmp_path / "elsewhere")
    os.link(target, lock_path(path))
    with pytest.raises(UnsafeFileError, match="hard links"):
        open_workspace(path)
    assert target.read_bytes() == SECRET


def test_a_backups_folder_that_is_a_link_is_refused_and_never_written_through(tmp_path, demo_json):
    path = make_demo(tmp_path / "talks.sqlite")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    planted = elsewhere / "talks-20250101-090000.sqlite"
    shutil.copy(path, planted)
    (tmp_path / "backups").symlink_to(elsewhere, target_is_directory=True)
    before = planted.read_bytes()

    with open_workspace(path) as ws:  # opens, and says why there is no backup
        assert ws.backup_made is None
        assert any(str(tmp_path / "backups") in w and "symbolic link" in w for w in ws.warnings)
    out = dossier("import-json", demo_json, "--db", path)
    assert out.returncode == 0
    assert "warning: the daily backup could not be made" in out.stderr and "symbolic link" in out.stderr
    with pytest.raises(UnsafeFileError, match="symbolic link"):
        backups.daily_backup(path)
    assert backups.list_backups(path) == []  # what lies behind the link is not taken for a backup
    assert "symbolic link" in backups.folder_problem(path)
    assert sorted(p.name for p in elsewhere.iterdir()) == ["talks-20250101-090000.sqlite"]
    assert planted.read_bytes() == before


def test_links_and_leftovers_where_backups_and_copies_are_written_are_not_followed(tmp_path):
    path = make_demo(tmp_path / "talks.sqlite")
    target = secret_file(tmp_path / "elsewhere")
    when = datetime(2026, 1, 2, 9, 0, 0)
    folder = tmp_path / "backups"
    folder.mkdir()
    name = f"talks-{when:%Y%m%d-%H%M%S}.sqlite"
    for planted in (f"{name}.partial", f"{name}.partial-journal", f"{name}.partial-wal"):
        (folder / planted).symlink_to(target)
    made = backups.daily_backup(path, now=when)
    assert made == folder / name and made.is_file() and not made.is_symlink()
    assert target.read_bytes() == SECRET
    assert sorted(p.name for p in folder.iterdir()) == [name]  # the planted links went, not their target

    # a restore: its temporary copies and the kept file are not written through links either
    stamp = datetime(2026, 1, 3, 9, 0, 0)
    replaced = tmp_path / f"talks.sqlite.replaced-{stamp:%Y%m%d-%H%M%S}"
    (tmp_path / f"{replaced.name}.partial").symlink_to(target)
    (tmp_path / ".talks.sqlite.restoring.partial").symlink_to(target)
    assert backups.restore(path, made, now=stamp) == replaced
    assert replaced.is_file() and not replaced.is_symlink()
    assert target.read_bytes() == SECRET


def test_a_backup_named_link_is_neither_listed_nor_deleted(tmp_path):
    path = make_demo(tmp_path / "talks.sqlite")
    other = make_empty(tmp_path / "elsewhere" / "kept.sqlite")
    folder = tmp_path / "backups"
    folder.mkdir()
    link = folder / "talks-20200101-090000.sqlite"
    link.symlink_to(other)
    start = datetime(2026, 1, 1, 9, 0, 0)
    for day in range(12):
        backups.daily_backup(path, now=start + timedelta(days=day))
    assert link not in backups.list_backups(path) and len(backups.list_backups(path)) == 10
    assert link.is_symlink() and other.exists()


def test_cli_export_does_not_write_through_a_link_at_its_temporary_name(tmp_path):
    path = make_demo(tmp_path / "talks.sqlite")
    target = secret_file(tmp_path / "elsewhere")
    out = tmp_path / "out.json"
    (tmp_path / ".out.json.partial").symlink_to(target)
    assert dossier("export-json", "--db", path, "-o", out).returncode == 0
    assert target.read_bytes() == SECRET
    assert out.is_file() and not (tmp_path / ".out.json.partial").exists()


# ---------------------------------------------------------------- 2. backups of two workspaces never mix
def test_a_workspace_whose_name_starts_the_same_keeps_its_backups_apart(tmp_path):
    talks = make_demo(tmp_path / "talks.sqlite")
    other = make_demo(tmp_path / "talks-20250101.sqlite")
    with open_workspace(other) as ws:
        others_backup = ws.backup_made
    assert others_backup is not None and others_backup.name.startswith("talks-20250101-")
    with open_workspace(talks) as ws:  # the other's backup of today is not talks' backup
        own = ws.backup_made
    assert own is not None and re.fullmatch(r"talks-\d{8}-\d{6}\.sqlite", own.name)
    assert backups.list_backups(talks) == [own]
    assert backups.list_backups(other) == [others_backup]

    # rotation counts and deletes only talks' own
    start = datetime(2025, 1, 1, 9, 0, 0)
    for day in range(12):
        backups.daily_backup(talks, now=start + timedelta(days=day))
    assert len(backups.list_backups(talks)) == 10
    assert others_backup.exists() and backups.list_backups(other) == [others_backup]


def test_check_on_a_damaged_workspace_names_only_its_own_backup(tmp_path):
    talks = make_demo(tmp_path / "talks.sqlite")
    own = backups.daily_backup(talks, now=datetime.now() - timedelta(days=2))
    other = make_demo(tmp_path / "talks-20250101.sqlite")
    others = backups.daily_backup(other, now=datetime.now())  # newer, and its name starts like talks'
    killed = subprocess.run([sys.executable, "-c", (  # an edit, then a crash: the log holds it
        "import os, signal\nfrom dossier.model import Person\nfrom dossier.services import queries, records\n"
        "from dossier.services.workspace import open_workspace\n"
        f"ws = open_workspace({str(talks)!r}, daily_backup=False)\n"
        "records.create(ws, Person(id='late', name='Late'))\nos.kill(os.getpid(), signal.SIGKILL)\n")],
        timeout=60, check=False)
    assert killed.returncode == -9
    wal = Path(f"{talks}-wal")
    data = bytearray(wal.read_bytes())
    data[8:16] = b"\xde\xad\xbe\xef" * 2  # and the log damaged
    wal.write_bytes(bytes(data))

    out = dossier("check", "--db", talks)
    assert out.returncode == 1
    assert str(own) in out.stderr and str(others) not in out.stderr
    assert backups.newest_good_backup(talks) == own


def test_a_same_named_workspaces_backup_is_told_apart_by_its_marker(tmp_path):
    talks = make_demo(tmp_path / "a" / "talks.sqlite")
    own = backups.daily_backup(talks, now=datetime(2026, 1, 1, 9, 0, 0))
    stranger = make_demo(tmp_path / "b" / "talks.sqlite")  # another analyst's talks.sqlite
    foreign = backups.daily_backup(stranger, now=datetime(2026, 1, 5, 9, 0, 0))
    assert backups.read_marker(own) == backups.read_marker(talks) != 0
    assert backups.read_marker(foreign) not in (0, backups.read_marker(talks))
    moved = tmp_path / "a" / "backups" / foreign.name  # a shared folder merged into this one
    shutil.copy(foreign, moved)
    assert backups.list_backups(talks) == [own]
    start = datetime(2026, 2, 1, 9, 0, 0)
    for day in range(12):
        backups.daily_backup(talks, now=start + timedelta(days=day))
    assert moved.exists() and moved not in backups.list_backups(talks)

    # a restored file keeps the marker of the workspace it replaced, so its backups stay its own
    marker = backups.read_marker(talks)
    restore_backup(talks, foreign)
    assert backups.read_marker(talks) == marker
    assert len(backups.list_backups(talks)) == 10


def test_rotation_never_deletes_a_file_that_merely_looks_like_a_backup(tmp_path):
    path = make_demo(tmp_path / "talks.sqlite")
    folder = tmp_path / "backups"
    folder.mkdir()
    lookalikes = ["talks-20200101-090000.sqlite.txt", "talks-20200101-090000-copy.sqlite",
                  "Talks-20200101-090000.sqlite", "talks-2020-01-01.sqlite", "talks-20200101-0900.sqlite",
                  "talks-20200101-20200101-090000.sqlite", "talks-20200101-090000.db", "xtalks-20200101-090000.sqlite",
                  "talks-20200101-090000", "notes.txt"]
    for name in lookalikes:
        (folder / name).write_bytes(b"not mine")
    (folder / "talks-20200102-090000.sqlite").mkdir()  # a folder with a backup's name
    start = datetime(2026, 1, 1, 9, 0, 0)
    for day in range(15):
        backups.daily_backup(path, now=start + timedelta(days=day))
    kept = backups.list_backups(path)
    assert len(kept) == 10 and all(re.fullmatch(r"talks-\d{8}-\d{6}\.sqlite", p.name) for p in kept)
    for name in lookalikes:
        assert (folder / name).read_bytes() == b"not mine"
    assert (folder / "talks-20200102-090000.sqlite").is_dir()


def test_workspaces_with_other_suffixes_have_backups_of_their_own(tmp_path):
    db = make_demo(tmp_path / "talks.db")
    sqlite_one = make_demo(tmp_path / "talks.sqlite")
    made = backups.daily_backup(db, now=datetime(2026, 1, 1, 9, 0, 0))
    assert made.name == "talks-20260101-090000.db"
    assert backups.list_backups(sqlite_one) == []
    assert backups.daily_backup(sqlite_one, now=datetime(2026, 1, 1, 9, 0, 0)).name == \
        "talks-20260101-090000.sqlite"
    assert backups.list_backups(db) == [made]


# ---------------------------------------------------------------- 6. every path to one file meets one lock
def _paths_to(path: Path) -> dict[str, Path]:
    folder = path.parent
    (folder / "link.sqlite").symlink_to(path.name)
    os.link(path, folder / "hard.sqlite")
    (folder / "sub").mkdir()
    (folder / "elsewhere").mkdir()
    os.link(path, folder / "elsewhere" / "hard-elsewhere.sqlite")
    (folder.parent / "linked-folder").symlink_to(folder, target_is_directory=True)
    return {
        "symlink": folder / "link.sqlite",
        "hard link": folder / "hard.sqlite",
        "hard link in another folder": folder / "elsewhere" / "hard-elsewhere.sqlite",
        "dot-dot": folder / "sub" / ".." / path.name,
        "linked folder": folder.parent / "linked-folder" / path.name,
        "linked folder and dot-dot": folder.parent / "linked-folder" / "sub" / ".." / path.name,
    }


def test_every_path_to_one_file_meets_one_lock(tmp_path):
    path = make_demo(tmp_path / "w" / "talks.sqlite")
    backup = backups.daily_backup(path)
    paths = _paths_to(path)
    proc = holder_process(path)
    try:
        for how, other in paths.items():
            with pytest.raises(WorkspaceLockedError) as info:
                open_workspace(other)
            assert f"process {proc.pid}" in str(info.value), how
            with open_workspace(other, readonly=True) as ws:  # and may read it
                assert len(queries.list_people(ws)) == 9, how
        # a restore through another path waits for the holder like any writer
        for how in ("symlink", "hard link", "dot-dot"):
            with pytest.raises(WorkspaceLockedError):
                restore_backup(paths[how], backup)
        # the command line, through a hard link, is told who holds it
        out = dossier("demo", "--db", paths["hard link"], env={"DOSSIER_LOCK_TIMEOUT": "0"})
        assert out.returncode == 1 and f"process {proc.pid}" in out.stderr
    finally:
        stop(proc)
    # in one process too, and whichever path was first
    with open_workspace(paths["hard link in another folder"]) as ws:
        for how, other in [("real path", path), *paths.items()]:
            if other == paths["hard link in another folder"]:
                continue
            with pytest.raises(WorkspaceLockedError):
                open_workspace(other)
        records.create(ws, Person(id="through-a-hard-link", name="Through A Hard Link"))
    with open_workspace(path) as ws:  # free again once closed, every lock file gone
        assert records.get(ws, "people", "through-a-hard-link").name == "Through A Hard Link"
    assert not lock_path(path).exists() and not lock_path(paths["hard link"]).exists()
    assert list(inode_locks_dir().iterdir()) == []


def test_a_workspace_made_by_the_opening_is_locked_on_its_inode_at_once(tmp_path):
    path = tmp_path / "new.sqlite"
    with open_workspace(path):
        hard = tmp_path / "hard.sqlite"
        os.link(path, hard)
        with pytest.raises(WorkspaceLockedError):
            open_workspace(hard)
        assert len(list(inode_locks_dir().iterdir())) == 1


# ---------------------------------------------------------------- 9. private files, leftovers
@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_every_file_dossier_makes_is_private_whatever_the_umask(tmp_path, demo_json, umask_022):
    folder = tmp_path / "new" / "folder"
    path = folder / "talks.sqlite"
    assert dossier("import-json", demo_json, "--db", path).returncode == 0
    assert mode(tmp_path / "new") == 0o700 and mode(folder) == 0o700  # folders it made
    assert mode(path) == 0o600
    proc = holder_process(path)  # while open: the log, the shared memory, the locks
    try:
        for side in ("-wal", "-shm"):
            assert mode(Path(f"{path}{side}")) == 0o600, side
        assert mode(lock_path(path)) == 0o600
        assert mode(inode_locks_dir()) == 0o700
        assert [mode(p) for p in inode_locks_dir().iterdir()] == [0o600]
    finally:
        stop(proc)
    assert dossier("import-json", demo_json, "--db", path).returncode == 0  # the next day's opening backs it up
    with open_workspace(path, daily_backup=False) as ws:
        made = backups.daily_backup(path, now=datetime.now() - timedelta(days=1))
        assert made is not None
        records.create(ws, Person(id="x", name="X"))
    assert mode(folder / "backups") == 0o700
    assert {mode(p) for p in (folder / "backups").iterdir()} == {0o600}
    replaced = restore_backup(path, made)
    assert mode(replaced) == 0o600 and mode(path) == 0o600

    exports = tmp_path / "exports"
    exports.mkdir()
    assert dossier("export-json", "--db", path, "-o", exports / "talks.json").returncode == 0
    assert dossier("backup", "--db", path, "-o", exports / "copy.sqlite").returncode == 0
    assert dossier("export-pdf", "--db", path, "-o", exports / "talks.pdf").returncode == 0
    assert {p.name: mode(p) for p in exports.iterdir()} == {
        "talks.json": 0o600, "copy.sqlite": 0o600, "talks.pdf": 0o600}

    from dossier import config

    config.write_setting("analyst_name", "Desk Officer")
    assert mode(config.settings_path()) == 0o600


def test_a_copy_kept_before_an_upgrade_is_private(tmp_path, umask_022):
    from alembic import command

    from dossier.store import database
    from dossier.store.sqlite.connect import WRITE_OPTION, make_engine, set_wal
    from dossier.store.sqlite.files import APPLICATION_ID

    path = tmp_path / "old.sqlite"
    engine = make_engine(path)
    with engine.connect() as raw:
        conn = raw.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            command.upgrade(database._alembic_config(conn, database.MIGRATIONS_PACKAGE), "0001")
            conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    set_wal(engine)
    engine.dispose()
    with open_workspace(path, daily_backup=False) as ws:
        copy = ws.db.pre_upgrade_copy
    assert copy is not None and ".before-schema-" in copy.name and mode(copy) == 0o600


def test_leftover_temporary_files_are_removed_on_the_next_open(tmp_path, demo_json):
    path = make_demo(tmp_path / "talks.sqlite")
    (tmp_path / "backups").mkdir()
    leftovers = [tmp_path / name for name in (
        ".talks.sqlite.restoring", ".talks.sqlite.restoring.partial", ".talks.sqlite.restoring.partial-journal",
        "talks.sqlite.replaced-20250101-090000.partial", "talks.sqlite.replaced-20250101-090000.partial-journal",
        "talks.sqlite.replaced-20250101-090000-wal.partial",
        "talks.sqlite.before-schema-0007-20250101-090000.bak.partial",
        "backups/talks-20250101-090000.sqlite.partial", "backups/talks-20250101-090000.sqlite.partial-journal",
        "backups/talks-20250101-090000.sqlite.partial-wal")]
    others = [tmp_path / name for name in (  # another workspace's, or not a temporary file at all
        "other.sqlite.replaced-20250101-090000.partial", ".other.sqlite.restoring",
        "talks.sqlite.replaced-20250101-090000", "notes.partial", ".talks.json.partial",
        "backups/talks-20250101-20250101-090000.sqlite.partial", "backups/other-20250101-090000.sqlite.partial")]
    outside = secret_file(tmp_path / "elsewhere")
    linked = tmp_path / "talks.sqlite.replaced-20250102-090000.partial"

    proc = holder_process(path)  # their owner may be alive: a reader leaves them alone
    try:
        for file in leftovers + others:
            file.write_bytes(b"x" * 1000)
        linked.symlink_to(outside)
        with open_workspace(path, readonly=True):
            pass
        assert all(f.exists() for f in leftovers)
    finally:
        stop(proc)
    assert dossier("import-json", demo_json, "--db", path).returncode == 0  # the owner is gone
    assert [f.name for f in leftovers if f.exists()] == []
    assert all(f.exists() for f in others)
    assert not linked.is_symlink() and outside.read_bytes() == SECRET


def test_a_cut_off_backup_leaves_nothing_after_the_next_open(tmp_path):
    """A real one: a process killed while it writes a backup."""
    path = make_demo(tmp_path / "talks.sqlite")
    with open_workspace(path, daily_backup=False) as ws:
        for i in range(200):
            records.create(ws, Person(id=f"p{i}", name=f"Person {i}", bio="words " * 400))
    code = (
        "import os, signal\n"
        "from pathlib import Path\n"
        "from dossier.store.sqlite import backups, online_backup as backup\n"
        "opened = backup.open_readonly\n"
        "class Cut:  # copies some pages, then the process is killed\n"
        "    def __init__(self, conn): self.conn = conn\n"
        "    def backup(self, target, pages=-1):\n"
        "        def progress(status, remaining, total):\n"
        "            if total - remaining >= 16: os.kill(os.getpid(), signal.SIGKILL)\n"
        "        self.conn.backup(target, pages=4, progress=progress)\n"
        "    def close(self): self.conn.close()\n"
        "backup.open_readonly = lambda path: Cut(opened(path))\n"
        f"backups.daily_backup(Path({str(path)!r}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60, check=False)
    assert proc.returncode == -9
    partials = [p.name for p in (tmp_path / "backups").iterdir() if ".partial" in p.name]
    assert partials and all(re.fullmatch(r"talks-\d{8}-\d{6}\.sqlite\.partial(-journal|-wal|-shm)?", n)
                            for n in partials)
    with open_workspace(path) as ws:
        assert ws.backup_made is not None
    assert [p.name for p in (tmp_path / "backups").iterdir() if ".partial" in p.name] == []


def test_check_warns_when_others_can_read_the_workspace(tmp_path):
    path = make_demo(tmp_path / "talks.sqlite")
    out = dossier("check", "--db", path)
    assert out.returncode == 0 and "Warning" not in out.stdout
    path.chmod(0o644)
    out = dossier("check", "--db", path)
    assert out.returncode == 0 and "Integrity: ok" in out.stdout
    warnings = [line for line in out.stdout.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 1
    assert "other users of this computer can read talks.sqlite (mode 644)" in warnings[0]
    assert f"chmod go-rwx {path}" in warnings[0]


def test_a_file_made_by_another_version_keeps_its_mode_and_is_named_by_check(tmp_path):
    """Dossier does not change the mode of a workspace it did not make: it says so instead."""
    path = make_demo(tmp_path / "talks.sqlite")
    path.chmod(0o640)
    with open_workspace(path, daily_backup=False) as ws:
        assert check_workspace(ws).warnings and mode(path) == 0o640
        assert interchange.export_document(ws).people
