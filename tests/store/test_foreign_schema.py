"""A received workspace whose SQL or rows are not Dossier's: refused untouched, named by
``check``, rescued by ``export-json --salvage``; a query that runs too long is stopped.

Each hostile file is built in a temporary folder with sqlite3 directly, from a demo
workspace, the way someone preparing one by hand would; the commands run as real processes.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dossier.errors import ForeignSchemaError, WorkspaceError
from dossier.services.verification import BrokenRecordsError
from dossier.services.workspace import check_workspace, open_workspace
from dossier.store import database
from dossier.store.database import SCHEMA_HEAD, SCHEMA_REVISIONS
from dossier.store.sqlite import verify
from dossier.store.sqlite.files import open_readonly
from dossier.store.sqlite.verify import normalise
from tests.test_cli import run

ROOT = Path(__file__).resolve().parent.parent.parent
DEMO_JSON = ROOT / "resources" / "demo" / "syria-israel-2026.json"
RECURSIVE = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


# ``demo_file`` (tests/conftest.py): a copy of the demo workspace at tmp_path/demo/talks.sqlite,
# with nothing beside it.


def edited(demo_file: Path, name: str, script: str) -> Path:
    """A copy of the demo workspace edited with sqlite3, as another program would."""
    path = demo_file.parent.parent / "received" / f"{name}.sqlite"
    path.parent.mkdir(exist_ok=True)
    shutil.copy(demo_file, path)
    conn = sqlite3.connect(path)
    conn.executescript(script)
    conn.close()
    return path


class digests:
    """The bytes of the workspace and of every file beside it. Equal to a later look when nothing
    was changed: SQLite's reader of a file in WAL mode may leave an empty log and its index."""

    def __init__(self, path: Path):
        self.files = {p.name: p.read_bytes() for p in sorted(path.parent.iterdir()) if p.is_file()}
        self.name = path.name

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, digests):
            return NotImplemented
        before, after = (self, other) if len(self.files) <= len(other.files) else (other, self)
        wal, shm = f"{self.name}-wal", f"{self.name}-shm"
        added = after.files.keys() - before.files.keys()
        same = all(after.files.get(name) == data for name, data in before.files.items())
        return same and added <= {wal, shm} and (wal not in added or after.files[wal] == b"")

    def __repr__(self) -> str:
        return repr({name: hashlib.sha256(data).hexdigest()[:12] for name, data in self.files.items()})


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("dossier: ") and "Traceback" not in err
    return lines[0]


# ---------------------------------------------------------------- SQL that is not Dossier's
FOREIGN = {
    "extra trigger copying people": (
        "CREATE TABLE zz_kept (name TEXT);"
        "CREATE TRIGGER zz_copy AFTER INSERT ON people BEGIN INSERT INTO zz_kept VALUES (new.name); END;",
        "an extra trigger zz_copy on table people"),
    "trigger turning a red line into an offer": (
        "CREATE TRIGGER soften AFTER INSERT ON positions WHEN new.kind = 'red_line' "
        "BEGIN UPDATE positions SET kind = 'offer' WHERE id = new.id; END;",
        "an extra trigger soften on table positions"),
    "view standing in for a table": (
        "PRAGMA foreign_keys = OFF; PRAGMA legacy_alter_table = ON;"
        "ALTER TABLE positions RENAME TO positions_kept;"
        "CREATE VIEW positions AS SELECT * FROM positions_kept WHERE kind <> 'red_line';",
        "view positions stands where a table should be"),
    "recursive view": (
        f"CREATE VIEW zz_loop AS {RECURSIVE};",
        "an extra view zz_loop"),
    "index replaced": (
        "DROP INDEX ix_people_name; CREATE INDEX ix_people_name ON people (name, bio);",
        "index ix_people_name differs from the one Dossier makes"),
    "table with another definition": (
        "PRAGMA writable_schema = ON;"
        "UPDATE sqlite_master SET sql = replace(sql, 'notes TEXT', 'notes TEXT DEFAULT (zeroblob(1000000000))') "
        "WHERE name = 'parties';",
        "table parties differs from the one Dossier makes"),
    "version table that is a view": (
        "CREATE TABLE zz_version (version_num VARCHAR(32) NOT NULL);"
        "INSERT INTO zz_version SELECT version_num FROM alembic_version;"
        "DROP TABLE alembic_version; CREATE VIEW alembic_version AS SELECT * FROM zz_version;",
        "view alembic_version stands where a table should be"),
}


def opening(index: int, path: Path) -> list:
    """One of the ways a workspace is opened (a command, or the app), in turn by ``index``."""
    ways = [["search", "--db", path, "golan"], ["export-json", "--db", path],
            ["export-pdf", "--db", path, "-o", path.parent / "out.pdf"], ["import-json", DEMO_JSON, "--db", path],
            ["analyse", "--db", path], ["--db", path, "--screenshot", path.parent / "shot.png"]]
    return ways[index % len(ways)]


@pytest.mark.parametrize("case", sorted(FOREIGN))
def test_foreign_sql_is_refused_untouched_by_every_opening_and_named_by_check(case, demo_file, home):
    """The services refuse it read-only and for writing; ``check`` names it and exits 1; a command
    or the app (one per case, in turn: each is tried) says so in one line and exits 1."""
    script, named = FOREIGN[case]
    path = edited(demo_file, "foreign", script)
    before = digests(path)
    for readonly in (True, False):
        with pytest.raises(ForeignSchemaError) as info:
            open_workspace(path, readonly=readonly)
        assert named in str(info.value) and "\n" not in str(info.value)
    code, out, err = run("check", "--db", path, home=home)
    assert code == 1 and f"  {named}" in out.splitlines() and "--salvage" in out
    args = opening(sorted(FOREIGN).index(case), path)
    code, out, err = run(*args, home=home)
    assert code == 1 and named in one_line(err), (args, err)
    assert digests(path) == before
    assert not (path.parent / "out.pdf").exists() and not (path.parent / "shot.png").exists()


@pytest.mark.parametrize("case", sorted(FOREIGN))
def test_a_foreign_workspace_is_rescued_into_a_new_one(case, demo_file, home, tmp_path):
    from dossier.services import interchange

    script, _named = FOREIGN[case]
    path = edited(demo_file, "foreign", script)
    before = digests(path)
    rescued = tmp_path / "rescued.json"
    code, _out, err = run("export-json", "--db", path, "--salvage", "-o", rescued, home=home)
    assert code == 0, err
    assert "Traceback" not in err and err.splitlines()[-1].startswith("dossier: rescued ")
    assert digests(path) == before
    with open_workspace(tmp_path / "new.sqlite") as fresh:
        interchange.import_json(fresh, rescued.read_bytes())  # what import-json does
        report = check_workspace(fresh)
    assert report.ok, report
    if case == "view standing in for a table":  # its positions were in a table Dossier does not know
        assert report.counts["positions"] == 0 and "left out: positions: no plain table of that name" in err
    else:
        assert report.counts["positions"] == 8 and report.counts["people"] == 9
    names = {r[0] for r in sqlite3.connect(tmp_path / "new.sqlite").execute("SELECT name FROM sqlite_master")}
    assert not {"zz_kept", "zz_copy", "soften", "zz_loop", "zz_version"} & names


def test_salvage_runs_none_of_the_files_sql(demo_file, home, tmp_path):
    """A view named like a table is never read, so a recursive one cannot hang the rescue; a
    trigger never fires, as nothing is written to the file."""
    path = edited(demo_file, "loop", "PRAGMA foreign_keys = OFF; DROP TABLE topics;"
                                     f"CREATE VIEW topics AS {RECURSIVE};")
    start = time.monotonic()
    code, _out, err = run("export-json", "--db", path, "--salvage", "-o", tmp_path / "r.json", home=home)
    assert code == 0 and time.monotonic() - start < 30
    assert "left out: topics: no plain table of that name" in err


def test_an_old_workspace_with_foreign_sql_is_refused_before_any_upgrade(tmp_path, home):
    from old_workspaces import workspace_at

    path = tmp_path / "old.sqlite"
    workspace_at(path, SCHEMA_REVISIONS[4])
    conn = sqlite3.connect(path)
    conn.execute("CREATE TRIGGER zz_copy AFTER INSERT ON people BEGIN SELECT 1; END")
    conn.close()
    before = digests(path)
    with pytest.raises(ForeignSchemaError, match="an extra trigger zz_copy on table people"):
        open_workspace(path)
    assert digests(path) == before  # no copy made, nothing upgraded


def test_a_file_of_no_tables_but_a_view_is_not_taken_for_an_empty_workspace(tmp_path):
    path = tmp_path / "view-only.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"CREATE VIEW v AS {RECURSIVE}")
    conn.close()
    before = digests(path)
    with pytest.raises(WorkspaceError, match="not a Dossier workspace"):
        open_workspace(path)
    assert digests(path) == before


# ---------------------------------------------------------------- rows that break the rules
BAD_ROWS = {
    "a position kind that does not exist": (
        "UPDATE positions SET kind = 'ultimatum' WHERE uid = 'pos-il-red-lines'",
        ["CHECK constraint failed in positions",
         "positions[pos-il-red-lines].kind: expected one of demand, offer, red_line"]),
    "month 13": (
        "UPDATE positions SET date = '2026-13-02' WHERE uid = 'pos-il-red-lines'",
        ["positions[pos-il-red-lines].date: no month 13"]),
    "text where a number belongs": (
        "UPDATE rounds SET number = 'three' WHERE uid = 'round-1'",
        ["rounds row 1 ('round-1'): number holds text where a number belongs",
         "rounds[round-1].number: expected an integer"]),
    "bytes in a text column": (
        "UPDATE people SET bio = x'00ff10' WHERE uid = 'asaad-al-shaybani'",
        ["('asaad-al-shaybani'): bio holds bytes where text belongs",
         "people[asaad-al-shaybani].bio: expected text, got bytes"]),
    "text that is not UTF-8": (
        "UPDATE people SET bio = CAST(x'c328' AS TEXT) WHERE uid = 'asaad-al-shaybani'",
        ["people[asaad-al-shaybani].bio: text may not contain a lone surrogate"]),
    "a dangling reference": (
        "PRAGMA foreign_keys = OFF; UPDATE positions SET party_id = 999 WHERE uid = 'pos-il-red-lines'",
        ["positions row 1 ('pos-il-red-lines') refers to a missing parties row",
         "positions[pos-il-red-lines].party: required, got null"]),
}


def with_checks_off(sql: str) -> str:
    return f"PRAGMA ignore_check_constraints = ON; {sql};"


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_check_names_every_row_that_breaks_the_rules(case, demo_file, home):
    sql, named = BAD_ROWS[case]
    path = edited(demo_file, "rows", with_checks_off(sql))
    before = digests(path)
    code, out, err = run("check", "--db", path, home=home)
    assert code == 1 and "the workspace has problems" in err, out
    for name in named:
        assert any(name in line for line in out.splitlines()), (name, out)
    assert "Schema objects: ok" in out
    with open_workspace(path, readonly=True) as ws:  # the same report from the service
        assert not check_workspace(ws).ok
    assert digests(path) == before


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_rows_that_break_the_rules_never_reach_a_pdf_the_app_or_an_import(case, demo_file, home):
    """A command that reads the records whole, an import into the file, or the app: one line naming
    the record and how to rescue the others, exit 1 (one way per case, in turn: each is tried)."""
    from dossier.services.verification import whole_document

    sql, named = BAD_ROWS[case]
    path = edited(demo_file, "rows", with_checks_off(sql))
    before = digests(path)
    record = named[-1].split(":")[0]  # e.g. positions[pos-il-red-lines].kind
    with pytest.raises(BrokenRecordsError, match=re.escape(record)):
        open_workspace(path)  # for writing: the records are checked before anything is written
    with open_workspace(path, readonly=True) as ws, pytest.raises(BrokenRecordsError, match=re.escape(record)):
        whole_document(ws)
    args = opening(1 + sorted(BAD_ROWS).index(case) % 5, path)  # every way but a search, which reads no record
    code, _out, err = run(*args, home=home)
    line = one_line(err)
    assert code == 1 and record in line and "--salvage" in line, (args, err)
    assert digests(path) == before
    assert not (path.parent / "out.pdf").exists() and not (path.parent / "shot.png").exists()


def test_the_app_opens_nothing_it_could_not_draw_even_read_only(demo_file, monkeypatch):
    from dossier.services import workspace

    monkeypatch.setattr(workspace, "_check_every_opening", False)
    monkeypatch.setattr(database.Database, "time_limit", None)
    path = edited(demo_file, "rows", with_checks_off(BAD_ROWS["month 13"][0]))
    open_workspace(path, readonly=True).close()  # a command reads it, and checks what it reads whole
    workspace.use_app_safeguards()
    with pytest.raises(BrokenRecordsError, match=r"positions\[pos-il-red-lines\].date: no month 13"):
        open_workspace(path, readonly=True)


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_rows_that_break_the_rules_are_left_out_of_a_rescue_and_listed(case, demo_file, home, tmp_path):
    from dossier.services import interchange

    sql, _named = BAD_ROWS[case]
    path = edited(demo_file, "rows", with_checks_off(sql))
    rescued = tmp_path / "rescued.json"
    code, _out, err = run("export-json", "--db", path, "--salvage", "-o", rescued, home=home)
    assert code == 0, err
    lines = err.splitlines()
    left_out = [line for line in lines if line.startswith("dossier: left out: ")]
    assert left_out and lines[-1].startswith("dossier: rescued ") and lines[-1].endswith(f"{len(left_out)} left out")
    assert len(lines) == len(left_out) + 1 and "Traceback" not in err
    with open_workspace(tmp_path / "new.sqlite") as fresh:
        interchange.import_json(fresh, rescued.read_bytes())
        assert check_workspace(fresh).ok


# ---------------------------------------------------------------- the search index
GARBLED = {
    "an entry's text removed": "DELETE FROM search_index_content WHERE id = (SELECT min(id) FROM search_index_content)",
    "index pages zeroed": "UPDATE search_index_data SET block = zeroblob(length(block)) WHERE id > 10",
}


@pytest.mark.parametrize("case", sorted(GARBLED))
def test_check_finds_a_garbled_search_index(case, demo_file, home):
    path = edited(demo_file, "fts", GARBLED[case] + ";")
    before = digests(path)
    code, out, err = run("check", "--db", path, home=home)
    assert code == 1 and "Integrity: ok" in out
    assert "  the search index is damaged" in out
    assert digests(path) == before
    code, _out, err = run("search", "--db", path, "golan", home=home)
    assert "Traceback" not in err and (code == 0 or len(err.strip().splitlines()) == 1)


# ---------------------------------------------------------------- stopping a long query
SLOW_COMMAND = """
import sys
from dossier import cli
from dossier.services import search as search_service

def slow_search(ws, query, limit=20):
    with ws.db.read() as conn:
        print("query started", file=sys.stderr, flush=True)
        conn.exec_driver_sql(sys.argv[1]).all()
    return []

search_service.search = slow_search
sys.exit(cli.main(sys.argv[2:]))
"""


def test_ctrl_c_ends_a_command_in_the_middle_of_a_query_within_a_second(demo_file, home):
    env = {**os.environ, "DOSSIER_HOME": str(home)}
    env.pop("DOSSIER_DEBUG", None)
    proc = subprocess.Popen([sys.executable, "-c", SLOW_COMMAND, RECURSIVE, "search", "--db", str(demo_file), "x"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    try:
        assert proc.stderr.readline() == b"query started\n"
        time.sleep(0.3)  # well inside the query, which never ends by itself
        assert proc.poll() is None
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=10)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
    print(f"\nCtrl+C to exit: {took * 1000:.0f} ms")
    assert proc.returncode == 1 and err.decode() == "dossier: interrupted\n"
    assert took < 1.0


def test_the_apps_work_has_a_time_limit(demo_file, monkeypatch):
    from dossier.services import workspace

    monkeypatch.setattr(workspace, "_check_every_opening", False)
    monkeypatch.setattr(database.Database, "time_limit", None)
    workspace.use_app_safeguards(time_limit=0.5)
    with open_workspace(demo_file, readonly=True) as ws:
        start = time.monotonic()
        with pytest.raises(WorkspaceError, match="took longer than 0.5 seconds and was stopped"), \
                ws.db.read() as conn:
            conn.exec_driver_sql(RECURSIVE).all()
        assert time.monotonic() - start < 2.0
        with ws.db.read() as conn:  # the next piece of work runs as usual
            assert conn.exec_driver_sql("SELECT count(*) FROM people").scalar() == 9


def test_every_connection_trusts_nothing_in_the_schema(demo_file):
    with open_workspace(demo_file) as ws, ws.db.read() as conn:
        assert conn.exec_driver_sql("PRAGMA trusted_schema").scalar() == 0
    with open_workspace(demo_file, readonly=True) as ws, ws.db.read() as conn:
        assert conn.exec_driver_sql("PRAGMA trusted_schema").scalar() == 0
    raw = open_readonly(demo_file)
    assert raw.execute("PRAGMA trusted_schema").fetchone()[0] == 0
    raw.close()


# ---------------------------------------------------------------- the expected schema
def test_sql_is_compared_as_sqlite_reads_it_not_as_it_is_spaced():
    assert normalise('CREATE TABLE "people" (\n\tid INTEGER NOT NULL, -- key\n name TEXT /* x */)') == \
        normalise("create table people(id integer not null,name text)")
    assert normalise("CREATE INDEX [ix] ON t (`a`)") == normalise("CREATE INDEX ix ON t (a)")
    assert normalise("CHECK (kind IN ('offer'))") != normalise("CHECK (kind IN ('Offer'))")
    assert normalise("CHECK (kind = 'offer')") != normalise('CHECK (kind = "offer")')


def test_every_revision_s_schema_is_built_by_the_migrations_and_kept(tmp_path, monkeypatch):
    """The expected schema of each revision is what its migrations make on an empty database; it is
    kept in the data folder under a fingerprint of what shapes it, and read from there next time."""
    monkeypatch.setattr(verify, "_memory", {})
    built = {}
    for revision in SCHEMA_REVISIONS:
        expected = verify.expected_schema(revision, database.MIGRATIONS_PACKAGE)
        assert "alembic_version" in expected.objects and "parties" in expected.objects
        built[revision] = expected
    assert built[SCHEMA_HEAD].objects.keys() >= {"search_index", "numbering"}
    monkeypatch.setattr(verify, "_memory", {})
    monkeypatch.setattr(verify, "build_schema", lambda *a: pytest.fail("built again, not read from the cache"))
    for revision in SCHEMA_REVISIONS:
        assert verify.expected_schema(revision, database.MIGRATIONS_PACKAGE) == built[revision]
    cache = Path(os.environ["DOSSIER_HOME"]) / verify.CACHE_FILE
    assert cache.stat().st_mode & 0o077 == 0


def test_an_upgrade_that_would_make_another_schema_is_undone(tmp_path, monkeypatch):
    from old_workspaces import workspace_at

    path = tmp_path / "old.sqlite"
    workspace_at(path, SCHEMA_REVISIONS[-2])
    real = verify.expected_schema

    def expecting_an_extra_index(revision, migrations):
        expected = real(revision, migrations)
        if revision != SCHEMA_HEAD:
            return expected
        objects = {**expected.objects, "ix_only_expected": ("index", "people", "create index ix_only_expected")}
        return verify.Expected(revision, objects, {**expected.names, "ix_only_expected": "ix_only_expected"})

    monkeypatch.setattr(verify, "expected_schema", expecting_an_extra_index)
    with pytest.raises(WorkspaceError, match="index ix_only_expected is missing"):
        open_workspace(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_REVISIONS[-2]
    conn.close()


def test_cost_of_verifying_the_schema_on_opening(demo_file, capsys):
    """Measured, not asserted: what the verification adds to opening the demo workspace."""
    from statistics import median

    def timed(n, fn):
        times = []
        for _ in range(n):
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
        return median(times)

    verify._memory.clear()
    verify._fingerprints.clear()
    built = timed(1, lambda: verify.expected_schema(SCHEMA_HEAD, database.MIGRATIONS_PACKAGE))  # by the migrations
    verify._memory.clear()
    verify._fingerprints.clear()
    cold = timed(1, lambda: verify.expected_schema(SCHEMA_HEAD, database.MIGRATIONS_PACKAGE))  # from the cache file
    schema = database.inspect_file(demo_file).schema
    expected = verify.expected_schema(SCHEMA_HEAD, database.MIGRATIONS_PACKAGE)
    compare = timed(50, lambda: verify.differences(schema, expected))
    opening = timed(20, lambda: open_workspace(demo_file, readonly=True).close())
    real = verify.differences
    verify.differences = lambda rows, exp: []
    try:
        unverified = timed(20, lambda: open_workspace(demo_file, readonly=True).close())
    finally:
        verify.differences = real
    with capsys.disabled():
        print(f"\nschema verification: expected schema built by the migrations {built:.0f} ms (Alembic loaded), "
              f"read from the cache {cold:.1f} ms (once per process); "
              f"comparison {compare:.2f} ms; read-only opening {opening:.1f} ms, "
              f"{unverified:.1f} ms without the comparison")
