"""A real PostgreSQL server for the tests, started in a temporary directory.

The server refuses to run as root, so when the tests run as root it runs as the
unprivileged user ``nobody``. Tests here are skipped, saying why, only where the driver
(``psycopg``) cannot be imported or no PostgreSQL server programs can be found
(``bash packaging/setup.sh --test`` installs both on Debian); on CI (``CI=true``) either
absence fails the run instead: see ``unavailable``.

Tests that talk to the server themselves take the ``psycopg`` fixture (the driver module),
never ``import psycopg`` at module level: a missing driver would then break collection
instead of skipping.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import NoReturn

import pytest


def unavailable(reason: str) -> NoReturn:
    """What a PostgreSQL test does when something it needs is missing: skip, saying why; on CI
    (``CI=true``), where everything is installed, fail instead, so nothing is skipped unseen."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: PostgreSQL tests must run on CI, not be skipped)", pytrace=False)
    pytest.skip(reason)


def require_psycopg() -> ModuleType:
    """The ``psycopg`` module (as ``pytest.importorskip`` would give it), or ``unavailable``."""
    try:
        import psycopg
    except ImportError as exc:
        why = str(exc)
    else:
        return psycopg
    unavailable(f"the PostgreSQL driver psycopg cannot be imported ({why}); "
                "'bash packaging/setup.sh --test' (pip install -e '.[test]') installs it")


def _bin_dir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "nobody", "--", *cmd]
    return cmd


@pytest.fixture(scope="session")
def postgres_server():
    """(host, port, user) of a running PostgreSQL 15+ server with a throwaway cluster."""
    require_psycopg()  # no server is started for tests that could not talk to it
    bindir = _bin_dir()
    if bindir is None:
        unavailable("PostgreSQL server programs (initdb, pg_ctl) are not installed; "
                    "'bash packaging/setup.sh --test' installs them on Debian and Ubuntu")
    root = Path(tempfile.mkdtemp(prefix="dossier-pg-"))
    data, sockets = root / "data", root / "run"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "nobody")
        shutil.chown(sockets, "nobody")
        os.chmod(root, 0o700)
    user = "nobody" if os.geteuid() == 0 else os.environ.get("USER", "postgres")
    subprocess.run(_as_server_user([str(bindir / "initdb"), "-D", str(data), "-U", user, "--auth=trust",
                                    "-E", "UTF8", "--locale=C.UTF-8"]),
                   check=True, capture_output=True)
    port = _free_port()
    log = root / "server.log"
    subprocess.run(_as_server_user([
        str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60",
        "-o", f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off",
        "start"]), check=True, capture_output=True)
    try:
        yield "127.0.0.1", port, user
    finally:
        subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_url(postgres_server, request):
    """A fresh, empty database on the test server for one test."""
    psycopg = require_psycopg()
    host, port, user = postgres_server
    name = f"t_{abs(hash(request.node.nodeid)) % 10**10}_{int(time.time() * 1000) % 10**6}"
    with psycopg.connect(host=host, port=port, user=user, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql://{user}@{host}:{port}/{name}"
    with psycopg.connect(host=host, port=port, user=user, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def psycopg() -> ModuleType:
    """The driver module, for tests that talk to the server themselves."""
    return require_psycopg()
