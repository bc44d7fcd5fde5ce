"""The test suite's own rules, checked by running pytest in a process of its own.

PostgreSQL tests skip, saying why, when the driver (psycopg) is missing, and fail instead
on CI (``CI=true``): see ``unavailable`` in tests/postgres/conftest.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PG_MODULES = ["tests/postgres/test_server.py", "tests/postgres/test_team_pg.py"]

#: A pytest plugin that hides the driver, as if it were not installed.
BLOCK_PSYCOPG = "import sys\nsys.modules['psycopg'] = None  # import psycopg now raises ImportError\n"


def pytest_without_psycopg(tmp_path: Path, module: str, ci: bool) -> subprocess.CompletedProcess:
    (tmp_path / "plugin").mkdir(exist_ok=True)
    (tmp_path / "plugin" / "block_psycopg.py").write_text(BLOCK_PSYCOPG, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path / "plugin"),
                                                                     os.environ.get("PYTHONPATH")]))}
    env.pop("CI", None)
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", module, "-p", "block_psycopg", "-p", "no:cacheprovider",
         "-q", "-rsE", "--basetemp", str(tmp_path / "basetemp")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize("module", PG_MODULES)
def test_postgresql_tests_skip_saying_why_without_the_driver(tmp_path, module):
    proc = pytest_without_psycopg(tmp_path, module, ci=False)
    out = proc.stdout + proc.stderr
    summary = proc.stdout.strip().splitlines()[-1]
    assert proc.returncode == 0, out
    assert " skipped" in summary and "passed" not in summary and "error" not in summary, out
    assert "SKIPPED" in out and "psycopg cannot be imported" in out, out


def test_on_ci_postgresql_tests_fail_without_the_driver(tmp_path):
    proc = pytest_without_psycopg(tmp_path, PG_MODULES[0], ci=True)
    out = proc.stdout + proc.stderr
    summary = proc.stdout.strip().splitlines()[-1]
    assert proc.returncode == 1, out
    assert "1 error" in summary and "skipped" not in summary and "passed" not in summary, out
    assert "psycopg cannot be imported" in out and "CI=true" in out, out
