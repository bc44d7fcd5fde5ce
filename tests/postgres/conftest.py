"""A real PostgreSQL server for the tests, started in a temporary directory.

The server refuses to run as root, so when the tests run as root it runs as the
unprivileged user ``nobody``. Tests here are skipped, saying why, only where no
PostgreSQL server programs can be found (``bash .ci/run`` installs them on Debian); on CI
(``CI`` set) their absence fails the run instead.
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

import pytest


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
    bindir = _bin_dir()
    if bindir is None:
        if os.environ.get("CI"):  # CI installs PostgreSQL (packaging/setup.sh --test): never skip there
            pytest.fail("PostgreSQL server programs (initdb, pg_ctl) are missing on CI; "
                        "packaging/setup.sh --test should have installed the postgresql package")
        pytest.skip("PostgreSQL server programs (initdb, pg_ctl) are not installed; "
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
    psycopg = pytest.importorskip("psycopg")
    host, port, user = postgres_server
    name = f"t_{abs(hash(request.node.nodeid)) % 10**10}_{int(time.time() * 1000) % 10**6}"
    with psycopg.connect(host=host, port=port, user=user, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql://{user}@{host}:{port}/{name}"
    with psycopg.connect(host=host, port=port, user=user, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
