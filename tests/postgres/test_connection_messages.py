"""Every failure to reach a team workspace's server is one line naming the server and the
cause: a server stopped (before the command, or while a workspace is open), a login refused,
a connection lost in the middle of a save; no stray line of the driver's on stderr; and a
failed pg_dump gives its own reason."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import text

from dossier.errors import WorkspaceError, WorkspaceWriteError
from dossier.services import interchange
from dossier.services.demo import demo_bytes
from dossier.services.workspace import open_workspace
from dossier.store.database import open_database
from dossier.store.postgres.backup import dump_failure
from dossier.store.postgres.connect import reason_from_text
from tests.postgres.conftest import _as_server_user, _bin_dir, _free_port, require_psycopg, unavailable
from tests.test_cli import run

REFUSED = "the server cannot be reached: connection refused (is PostgreSQL running there?)"


class PrivateServer:
    """A server of this module's own, which a test may stop and start again; the login
    ``guarded`` must give the password ``right``."""

    def __init__(self, root: Path, bindir: Path, user: str):
        self.root, self.bindir, self.user = root, bindir, user
        self.data, self.port = root / "data", _free_port()

    def pg_ctl(self, *args: str) -> None:
        subprocess.run(_as_server_user([str(self.bindir / "pg_ctl"), "-D", str(self.data), *args]),
                       check=True, capture_output=True)

    def start(self) -> None:
        self.pg_ctl("-l", str(self.root / "server.log"), "-w", "-t", "60", "-o",
                    f"-p {self.port} -k {self.root / 'run'} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def stop(self) -> None:
        self.pg_ctl("-m", "fast", "-w", "stop")

    def url(self, user: str | None = None, database: str = "team") -> str:
        return f"postgresql://{user or self.user}@127.0.0.1:{self.port}/{database}"


@pytest.fixture(scope="module")
def private_server():
    """A running server holding the demo workspace in database ``team``."""
    psycopg = require_psycopg()
    bindir = _bin_dir()
    if bindir is None:
        unavailable("PostgreSQL server programs (initdb, pg_ctl) are not installed")
    root = Path(tempfile.mkdtemp(prefix="dossier-pg-private-"))
    (root / "run").mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "nobody")
        shutil.chown(root / "run", "nobody")
        os.chmod(root, 0o700)
    user = "nobody" if os.geteuid() == 0 else os.environ.get("USER", "postgres")
    server = PrivateServer(root, bindir, user)
    subprocess.run(_as_server_user([str(bindir / "initdb"), "-D", str(server.data), "-U", user, "--auth=trust",
                                    "-E", "UTF8", "--locale=C.UTF-8"]), check=True, capture_output=True)
    hba = server.data / "pg_hba.conf"
    hba.write_text("host all guarded 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
    server.start()
    try:
        with psycopg.connect(server.url(database="postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE team")
            conn.execute("CREATE ROLE guarded LOGIN PASSWORD 'right'")
        with open_workspace(server.url()) as ws:
            interchange.import_json(ws, demo_bytes())
        yield server
    finally:
        subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(server.data), "-m", "immediate",
                                        "stop"]), check=False, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def stopped(private_server):
    """The private server, stopped for the test and started again after it."""
    private_server.stop()
    try:
        yield private_server
    finally:
        private_server.start()


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_commands_against_a_stopped_server_say_one_line(stopped, tmp_path):
    url = stopped.url()
    for command in (("check",), ("export-json",), ("backup", "-o", tmp_path / "team.dump")):
        code, _out, err = run(*command, "--db", url, home=tmp_path / "home")
        assert code == 1
        assert _one_line(err) == f"dossier: cannot open {url}: {REFUSED}"
    assert not (tmp_path / "team.dump").exists()


def test_a_workspace_whose_server_stops_says_one_line(private_server):
    url = private_server.url()
    db = open_database(url)
    try:
        with db.read() as conn:
            assert conn.execute(text("SELECT count(*) FROM people")).scalar_one() == 9
        private_server.stop()
        try:
            with pytest.raises(WorkspaceError) as caught, db.read() as conn:
                conn.execute(text("SELECT count(*) FROM people"))
            assert str(caught.value) == f"could not read {url}: {REFUSED}"
            with pytest.raises(WorkspaceWriteError) as caught, db.write() as conn:
                conn.execute(text("SELECT 1"))
            assert str(caught.value) == f"could not save to {url}: {REFUSED}; the change was not made"
        finally:
            private_server.start()
        with db.read() as conn:  # back again once the server is
            assert conn.execute(text("SELECT count(*) FROM people")).scalar_one() == 9
    finally:
        db.close()


def test_a_refused_login_says_one_line(private_server, tmp_path):
    wrong = private_server.url("guarded:wrong")
    code, _out, err = run("check", "--db", wrong, home=tmp_path / "home")
    assert code == 1 and _one_line(err) == (f"dossier: cannot open {private_server.url('guarded')}: "
                                            "authentication failed: check the user name and password")
    code, _out, err = run("check", "--db", private_server.url("nobody_here"), home=tmp_path / "home")
    assert code == 1 and _one_line(err).endswith(': role "nobody_here" does not exist')
    code, _out, err = run("check", "--db", private_server.url(database="absent"), home=tmp_path / "home")
    assert code == 1 and _one_line(err).endswith(': database "absent" does not exist')


_LOSE_THE_CONNECTION = textwrap.dedent("""
    import sys
    import psycopg
    from sqlalchemy import text
    from dossier.store.database import open_database

    url, how = sys.argv[1], sys.argv[2]
    db = open_database(url)
    try:
        with (db.write() if how == "write" else db.read()) as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
            with psycopg.connect(url, autocommit=True) as other:
                other.execute("SELECT pg_terminate_backend(%s)", (pid,))
            # many rows at once: the driver sends them in a pipeline, which it then fails to close
            conn.execute(text("SELECT pg_notify('elsewhere', :n)"), [{"n": str(i)} for i in range(20)])
    except Exception as exc:
        print(f"{type(exc).__name__}: {exc}")
    db.close()
""")


@pytest.mark.parametrize("how", ["write", "read"])
def test_a_connection_lost_mid_operation_is_one_line_and_nothing_else(how, pg_url):
    open_workspace(pg_url).close()
    done = subprocess.run([sys.executable, "-c", _LOSE_THE_CONNECTION, pg_url, how],
                          check=False, capture_output=True, text=True, timeout=120)
    assert done.stderr == ""  # no "error ignored terminating <psycopg.Pipeline [BAD]>"
    said = _one_line(done.stdout)
    if how == "write":
        assert said.startswith(f"WorkspaceWriteError: could not save to {pg_url}: the ")
        assert said.endswith("; the change was not made")
    else:
        assert said.startswith(f"WorkspaceError: could not read {pg_url}: the ")
    assert "connection" in said and "\\x0a" not in said


def test_psycopgs_second_failure_closing_a_pipeline_is_not_a_stray_line(caplog):
    """Whichever warning psycopg logs when it cannot close the pipeline of a connection already
    lost ("terminating", or "exiting" when libpq has not yet seen the connection close, which
    timing decides), it goes nowhere: the first failure is the one reported, in one line."""
    import logging

    from dossier.store.postgres.connect import make_engine

    make_engine("postgresql://nobody@127.0.0.1:1/none").dispose()
    logger = logging.getLogger("psycopg")
    with caplog.at_level(logging.WARNING, logger="psycopg"):
        logger.warning("error ignored terminating %r: %s", "<psycopg.Pipeline [BAD]>", "consuming input failed")
        logger.warning("error ignored exiting %r: %s", "<psycopg.Pipeline [IDLE]>",
                       "cannot exit pipeline mode with uncollected results")
        logger.warning("something else")
    assert [r.getMessage() for r in caplog.records] == ["something else"]


def test_libpq_text_of_a_failure_becomes_one_line():
    assert reason_from_text('connection failed: connection to server at "127.0.0.1", port 1 failed: '
                            "Connection refused\n\tIs the server running on that host and accepting TCP/IP "
                            "connections?") == REFUSED
    assert reason_from_text("consuming input failed: server closed the connection unexpectedly\n\tThis probably "
                            "means the server terminated abnormally\n\tbefore or while processing the request.") \
        == "the connection to the server was lost"
    assert reason_from_text("terminating connection due to administrator command\nserver closed the connection "
                            "unexpectedly").startswith("the server ended the connection")
    assert reason_from_text('connection failed: connection to server at "127.0.0.1", port 5432 failed: FATAL:  '
                            'role "x" does not exist') == 'role "x" does not exist'


def test_pg_dumps_own_reason_is_the_one_given():
    assert dump_failure("pg_dump: error: query failed: ERROR:  permission denied for sequence history_id_seq\n"
                        "pg_dump: detail: Query was: SELECT last_value, is_called FROM public.history_id_seq\n") \
        == "permission denied for sequence history_id_seq"
    assert dump_failure('pg_dump: error: connection to server at "127.0.0.1", port 1 failed: Connection refused\n'
                        "\tIs the server running on that host and accepting TCP/IP connections?\n") == REFUSED
    assert dump_failure('pg_dump: error: connection to server at "127.0.0.1", port 5 failed: FATAL:  database '
                        '"nonexist" does not exist\n') == 'database "nonexist" does not exist'
    assert dump_failure("pg_dump: error: aborting because of server version mismatch\n"
                        "pg_dump: detail: server version: 17.2; pg_dump version: 15.18\n") \
        == "aborting because of server version mismatch"
    assert dump_failure("") == "no reason given"
