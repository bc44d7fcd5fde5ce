"""The command line as a user runs it: real processes, real files, exit codes, no tracebacks."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from dossier import __version__


def run(*args, home: Path, stdin: bytes | None = None):
    env = {**os.environ, "DOSSIER_HOME": str(home)}
    env.pop("DOSSIER_DEBUG", None)
    proc = subprocess.run([sys.executable, "-m", "dossier", *map(str, args)], input=stdin,
                          capture_output=True, env=env, timeout=120)
    out, err = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    assert "Traceback" not in err, err
    return proc.returncode, out, err


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


def test_version(home):
    code, out, _ = run("--version", home=home)
    assert code == 0 and out.strip() == f"Dossier {__version__}"


def test_demo_builds_in_the_data_directory_and_refreshes(home):
    code, out, _ = run("demo", home=home)
    assert code == 0
    assert (home / "demo.sqlite").exists()
    assert "9 people" in out and "8 positions" in out
    code, out, _ = run("demo", home=home)
    assert code == 0 and "9 replaced" in out


def test_check_search_backup(home, tmp_path):
    db = tmp_path / "w.sqlite"
    assert run("demo", "--db", db, home=home)[0] == 0
    code, out, _ = run("check", "--db", db, home=home)
    assert code == 0
    assert "Integrity: ok" in out and "Schema: " in out and "9 people" in out
    code, out, _ = run("search", "--db", db, "shay", home=home)
    assert code == 0 and out.splitlines()[0].startswith("person") and "asaad-al-shaybani" in out
    code, out, _ = run("search", "--db", db, "נתניהו", home=home)
    assert "benjamin-netanyahu" in out
    code, out, _ = run("search", "--db", db, "zzzz", home=home)
    assert code == 0 and out.strip() == "No matches."
    copy = tmp_path / "copy.sqlite"
    code, out, _ = run("backup", "--db", db, "-o", copy, home=home)
    assert code == 0 and copy.exists()
    raw = sqlite3.connect(copy)
    assert raw.execute("SELECT count(*) FROM people").fetchone()[0] == 9
    raw.close()


def test_default_workspace_lives_in_dossier_home(home):
    code, _, err = run("check", home=home)
    assert code == 1 and "no workspace at" in err and str(home) in err


@pytest.mark.parametrize(
    "args, message",
    [
        (["bogus"], "invalid choice"),
        (["search"], "required"),
        (["backup", "--db", "x.sqlite"], "required: -o/--output"),
        (["export-pdf", "--db", "x.sqlite", "-o", "x.pdf", "--round", "a", "--person", "b"], "not allowed with"),
        (["check", "--db", "/nonexistent/dir/w.sqlite"], "no workspace at"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_1(home, args, message):
    code, _, err = run(*args, home=home)
    assert code == 1
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_refuses_a_file_that_is_not_a_workspace(home, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    for cmd in (["check"], ["import-json", str(tmp_path / "none.json")], ["demo"]):
        code, _, err = run(*cmd, "--db", notes, home=home)
        assert code == 1 and err.strip()
    assert notes.read_text() == "my notes\n"
    code, _, err = run("check", "--db", notes, home=home)
    assert "not a Dossier workspace" in err


def test_newer_workspace_refused(home, tmp_path):
    db = tmp_path / "w.sqlite"
    run("demo", "--db", db, home=home)
    raw = sqlite3.connect(db)
    raw.execute("UPDATE alembic_version SET version_num = '9999'")
    raw.commit()
    raw.close()
    before = db.read_bytes()
    code, _, err = run("demo", "--db", db, home=home)
    assert code == 1 and "newer version of Dossier" in err
    assert db.read_bytes() == before


def test_export_pdf_from_the_command_line(home, tmp_path):
    db = tmp_path / "w.sqlite"
    run("demo", "--db", db, home=home)
    out_pdf = tmp_path / "dossier.pdf"
    code, out, _ = run("export-pdf", "--db", db, "-o", out_pdf, "--marking", "SECRET // TEST", "--author",
                       "Desk <b>Officer</b>", home=home)
    assert code == 0 and out_pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", str(out_pdf), "-"], capture_output=True, text=True).stdout
    assert "SECRET // TEST" in text and "Desk <b>Officer</b>" in text
    brief = tmp_path / "brief.pdf"
    assert run("export-pdf", "--db", db, "-o", brief, "--round", "round-5", home=home)[0] == 0
    profile = tmp_path / "profile.pdf"
    assert run("export-pdf", "--db", db, "-o", profile, "--person", "yechiel-leiter", "--paper", "letter",
               home=home)[0] == 0
    assert brief.stat().st_size > 0 and profile.stat().st_size > 0


@pytest.mark.parametrize("flag, value, message", [
    ("--round", "round-99", "rounds: no record with id 'round-99'"),
    ("--person", "nobody", "people: no record with id 'nobody'"),
    ("--negotiation", "elsewhere", "negotiations: no record with id 'elsewhere'"),
])
def test_export_pdf_unknown_id_leaves_no_file(home, tmp_path, flag, value, message):
    db = tmp_path / "w.sqlite"
    run("demo", "--db", db, home=home)
    target = tmp_path / "out.pdf"
    code, _, err = run("export-pdf", "--db", db, "-o", target, flag, value, home=home)
    assert code == 1 and message in err
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".pdf" or "pdf" in p.name] == []


def test_the_app_start_and_the_sub_commands_parse_alike():
    from dossier.cli import parse_arguments

    app = parse_arguments(["--demo", "--pane", "rounds", "--read-only"])
    assert (app.command, app.demo, app.pane, app.read_only) == (None, True, "rounds", True)
    search = parse_arguments(["search", "--limit", "3", "shaybani"])
    assert (search.command, search.limit, search.query) == ("search", 3, ["shaybani"])
    with pytest.raises(SystemExit):
        parse_arguments(["demoo"])  # not an app option: the whole parser names the sub-commands
