"""An export or a backup never replaces a workspace: the open one (by any path to it), its
side files, its backups folder, or any other workspace. Real processes, real files."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from tests.test_cli import run


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


@pytest.fixture
def workspace(tmp_path, demo_file):  # demo_file: a copy of the demo workspace (tests/conftest.py)
    db = tmp_path / "talks.sqlite"
    shutil.copyfile(demo_file, db)
    return db


@pytest.mark.parametrize("command", [["export-json"], ["export-pdf"]])
@pytest.mark.parametrize("target", ["self", "wal", "lock", "dotdot", "symlink", "hardlink", "other", "other-wal",
                                    "backups"])
def test_exports_never_replace_a_workspace(workspace, demo_file, home, tmp_path, command, target):
    other = tmp_path / "other.sqlite"
    shutil.copyfile(demo_file, other)
    (tmp_path / "backups").mkdir(exist_ok=True)
    out = {
        "self": workspace,
        "wal": workspace.with_name("talks.sqlite-wal"),
        "lock": workspace.with_name("talks.sqlite.lock"),
        "dotdot": tmp_path / "backups" / ".." / "talks.sqlite",
        "symlink": tmp_path / "link.json",
        "hardlink": tmp_path / "hard.json",
        "other": other,
        "other-wal": other.with_name("other.sqlite-wal"),
        "backups": tmp_path / "backups" / "out.json",
    }[target]
    if target == "symlink":
        out.symlink_to(workspace)
    if target == "hardlink":
        os.link(workspace, out)
    before = {p: digest(p) for p in (workspace, other)}
    code, stdout, err = run(*command, "--db", workspace, "-o", out, home=home)
    assert code == 1, stdout
    assert len(err.strip().splitlines()) == 1 and "choose another" in err
    assert {p: digest(p) for p in (workspace, other)} == before
    if target == "backups":
        assert not out.exists()


def test_backup_never_replaces_the_workspace_but_may_replace_an_earlier_copy(workspace, home, tmp_path):
    before = digest(workspace)
    hard = tmp_path / "hard.sqlite"
    os.link(workspace, hard)
    code, _out, err = run("backup", "--db", workspace, "-o", hard, home=home)
    assert code == 1 and "open workspace" in err
    assert digest(workspace) == before
    nightly = tmp_path / "nightly.sqlite"
    assert run("backup", "--db", workspace, "-o", nightly, home=home)[0] == 0
    assert run("backup", "--db", workspace, "-o", nightly, home=home)[0] == 0  # the next night


def test_an_export_to_a_new_file_or_over_an_earlier_export_is_fine(workspace, home, tmp_path):
    out = tmp_path / "talks.json"
    assert run("export-json", "--db", workspace, "-o", out, home=home)[0] == 0
    assert run("export-json", "--db", workspace, "-o", out, home=home)[0] == 0
    pdf = tmp_path / "talks.pdf"
    assert run("export-pdf", "--db", workspace, "-o", pdf, home=home)[0] == 0
    assert run("export-pdf", "--db", workspace, "-o", pdf, home=home)[0] == 0
