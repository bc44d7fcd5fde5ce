"""Backups and checks of a workspace on PostgreSQL: pg_dump, and references that lead nowhere.

The counterpart of SQLite's online backup and ``PRAGMA foreign_key_check``.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import Connection, func, select
from sqlalchemy.engine import make_url

from dossier.errors import WorkspaceError
from dossier.files import create_private_anew
from dossier.store.postgres import connect as postgres_connect
from dossier.store.tables import metadata


def pg_dump_program() -> str | None:
    """pg_dump from PATH, else the newest in /usr/lib/postgresql/*/bin (Debian's place)."""
    found = shutil.which("pg_dump")
    if found:
        return found
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"),
                        key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    return candidates[-1] if candidates else None


def dump(url: str, target: Path) -> None:
    """``pg_dump --format=custom`` of the database into ``target``, written whole or not at all.

    pg_dump reads in one snapshot, so the copy is consistent while others write. The
    password, if any, goes to pg_dump in its environment, never on its command line.
    """
    program = pg_dump_program()
    if program is None:
        raise WorkspaceError("pg_dump is not installed")
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    conninfo = parsed._replace(drivername="postgresql", password=None).render_as_string(hide_password=False)
    tmp = target.with_name(f".{target.name}.partial")
    try:
        os.close(create_private_anew(tmp))  # private (0600); pg_dump keeps the mode of the file it fills
        done = subprocess.run([program, "--format=custom", "--no-owner", f"--file={tmp}", f"--dbname={conninfo}"],
                              check=False, env=env, capture_output=True, text=True, timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        tmp.unlink(missing_ok=True)
        raise WorkspaceError(f"pg_dump could not run: {exc}") from None
    if done.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise WorkspaceError(f"pg_dump could not back up {conninfo}: {dump_failure(done.stderr)}")
    try:
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise WorkspaceError(f"backup to {target} failed: {exc.strerror or exc}") from None


def dump_failure(stderr: str) -> str:
    """pg_dump's own reason, in one line, from what it wrote on stderr: its first ``error:``
    line (``permission denied for sequence history_id_seq``), not the ``detail:`` or ``hint:``
    lines after it, without the wrapping (``pg_dump: error: query failed: ERROR:``); a failure
    to reach the server is said as an opening says it."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [i for i, line in enumerate(lines) if line.lower().startswith(("pg_dump: error:", "pg_dump: fatal:"))]
    if not errors:
        return lines[-1].removeprefix("pg_dump:").strip() if lines else "no reason given"
    first = errors[0]
    said = [lines[first].split(":", 2)[2]]  # libpq's text may go on over the lines after it
    said += [line for line in lines[first + 1:] if not line.lower().startswith("pg_dump:")]
    text = "\n".join(said)
    if postgres_connect.connection_trouble(text):
        return postgres_connect.reason_from_text(text)
    reason = said[0].strip()
    for wrapping in ("query failed:", "ERROR:", "FATAL:"):
        reason = reason.removeprefix(wrapping).strip()
    return " ".join(reason.split()) or "no reason given"


def dangling_references(conn: Connection) -> list[str]:
    """Rows whose foreign keys name a row that does not exist (the server enforces them;
    this finds damage done around it, e.g. by a restore with triggers disabled)."""
    problems = []
    for table in metadata.sorted_tables:
        for fk in table.foreign_keys:
            target = fk.column.table.alias("target")  # an alias: sources refer to sources
            child, parent = fk.parent, target.c[fk.column.name]
            missing = conn.execute(
                select(func.count()).select_from(table.outerjoin(target, child == parent))
                .where(child.is_not(None), parent.is_(None))
            ).scalar_one()
            if missing:
                problems.append(f"{missing} {table.name} row(s) refer to a missing {fk.column.table.name} row")
    return problems
