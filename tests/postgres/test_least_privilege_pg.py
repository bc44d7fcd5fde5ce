"""Least privilege on a real server, set up by the very SQL docs/team.md gives.

The roles of the documentation (an owner that creates and upgrades the workspace, an analyst
role with rows only and the history insert-only) are made by running the ``sql`` blocks of
docs/team.md, so the page cannot go stale. Then, as an analyst login: every feature works
(records made, changed and deleted, an import and its undoing, search, a pg_dump backup, copies
both ways); the history names the real login whatever the analyst declares or an INSERT says;
deleting a record still erases its text from the history; and changing or deleting a history
entry, or any DDL, is refused.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from erasure_scan import PERSON, WORDS, involve, person
from exported_form import exported_workspace
from sqlalchemy import text
from sqlalchemy.engine import make_url

from dossier.errors import WorkspaceError
from dossier.model.records import Person
from dossier.services import history, interchange, records, search
from dossier.services.demo import demo_bytes
from dossier.services.import_undo import undo_import
from dossier.services.workspace import open_workspace
from dossier.store.database import SCHEMA_HEAD
from tests.test_cli import run

DOC = Path(__file__).resolve().parents[2] / "docs" / "team.md"
#: The cluster-wide roles the documentation makes.
ROLES = ("alice", "bob", "dossier_admin", "dossier_analyst", "dossier_owner")
ERASE = "dossier_erase(jsonb, bigint[], text[], text[])"


def documented_sql() -> tuple[str, str]:
    """The two ``sql`` blocks of docs/team.md's "Set up the database and roles": the superuser's,
    run once, and the owner's grants, run once the workspace exists."""
    section = DOC.read_text(encoding="utf-8").split("## Set up the database and roles", 1)[1].split("\n## ", 1)[0]
    section = section.split("\n### ", 1)[0]
    blocks = re.findall(r"```sql\n(.*?)```", section, re.DOTALL)
    assert len(blocks) == 2, "docs/team.md should set up the roles in two sql blocks"
    assert blocks[0].startswith("-- as a superuser") and blocks[1].startswith("-- as dossier_admin")
    return blocks[0], blocks[1]


def statements(block: str) -> list[str]:
    """The statements of a block (psql's ``\\c`` lines kept as they are), comments left out."""
    out = []
    for line in block.splitlines():
        line = re.sub(r"--.*$", "", line).strip()
        if not line:
            continue
        if line.startswith("\\"):
            out.append(line)
            continue
        if out and not out[-1].endswith(";") and not out[-1].startswith("\\"):
            out[-1] += " " + line
        else:
            out.append(line)
    return out


def _url(server, user: str, database: str) -> str:
    host, port, _ = server
    return f"postgresql://{user}@{host}:{port}/{database}"


def run_block(psycopg, server, block: str, *, user: str, database: str,
              rename: dict[str, str] | None = None) -> None:
    """Run a documented block as psql would, as ``user`` starting in ``database``, each statement
    on its own (CREATE DATABASE refuses a transaction); ``rename`` the database it names."""
    conn = psycopg.connect(_url(server, user, database), autocommit=True)
    try:
        for statement in statements(block):
            for old, new in (rename or {}).items():
                statement = re.sub(rf"\b{old}\b(?=[ ;]|$)", new, statement) \
                    if re.search(r"DATABASE|^\\c", statement) else statement
            if statement.startswith("\\c "):
                conn.close()
                conn = psycopg.connect(_url(server, user, statement.split()[1]), autocommit=True)
            else:
                conn.execute(statement)
    finally:
        conn.close()


def _drop_everything(psycopg, server, databases) -> None:
    with psycopg.connect(_url(server, server[2], "postgres"), autocommit=True) as conn:
        for name in databases:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        for role in ROLES:
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
                conn.execute(f'DROP OWNED BY "{role}"')
                conn.execute(f'DROP ROLE "{role}"')


class Team:
    """The documented set-up on the test server: ``url(login, database)`` gives an address."""

    def __init__(self, psycopg, server):
        self.psycopg, self.server = psycopg, server
        self.superuser_block, self.grants_block = documented_sql()
        self.databases: list[str] = []

    def url(self, login: str, database: str = "dossier") -> str:
        return _url(self.server, login, database)

    def database(self, name: str = "dossier", *, create_workspace: bool = True) -> str:
        """A database set up as documented (the roles made with the first), its workspace created
        by the owner and the analysts granted their rights on it."""
        first = not self.databases
        block = self.superuser_block
        if not first:  # the roles are the cluster's, made once: only the database's part again
            block = "\n".join(line for line in block.splitlines() if not re.match(r"\s*(CREATE|ALTER) ROLE", line))
        run_block(self.psycopg, self.server, block, user=self.server[2], database="postgres",
                  rename={"dossier": name})
        self.databases.append(name)
        if create_workspace:
            open_workspace(self.url("dossier_admin", name)).close()  # the owner's first open creates it
            self.grant(name)
        return name

    def grant(self, name: str = "dossier", *, functions: bool = True) -> None:
        """The documented grants (without those on functions for a workspace older than them)."""
        block = self.grants_block if functions else "\n".join(
            line for line in self.grants_block.splitlines() if "FUNCTION" not in line)
        run_block(self.psycopg, self.server, block, user="dossier_admin", database=name)

    def sql(self, login: str, statement: str, params=None, database: str = "dossier"):
        with self.psycopg.connect(self.url(login, database), autocommit=True) as conn:
            cur = conn.execute(statement, params)
            return cur.fetchall() if cur.description else None


@pytest.fixture
def team(psycopg, postgres_server):
    _drop_everything(psycopg, postgres_server, ("dossier", "dossier_copy", "dossier_old", "dossier_empty"))
    made = Team(psycopg, postgres_server)
    try:
        yield made
    finally:
        _drop_everything(psycopg, postgres_server, made.databases)


def _as(url: str, analyst: str | None, monkeypatch):
    if analyst is None:
        monkeypatch.delenv("DOSSIER_ANALYST", raising=False)
    else:
        monkeypatch.setenv("DOSSIER_ANALYST", analyst)
    return open_workspace(url)


def test_the_documented_sql_gives_an_owner_and_an_analyst_role(team):
    team.database()
    owner = team.sql("dossier_admin", "SELECT session_user, current_user")[0]
    assert owner == ("dossier_admin", "dossier_owner")
    assert team.sql("alice", "SELECT pg_has_role('alice', 'dossier_analyst', 'MEMBER'), "
                             "pg_has_role('alice', 'dossier_owner', 'MEMBER')")[0] == (True, False)
    rights = dict(team.sql("alice", "SELECT privilege_type, true FROM information_schema.table_privileges "
                                    "WHERE table_name = 'history' AND grantee = 'dossier_analyst'"))
    assert set(rights) == {"SELECT", "INSERT"}
    owners = team.sql("dossier_admin", "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class c "
                                       "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
                                       "AND c.relkind IN ('r', 'S') AND c.relname NOT LIKE 'pg_%'")
    assert owners == [("dossier_owner",)]
    assert team.sql("alice", f"SELECT has_function_privilege('{ERASE}', 'EXECUTE')")[0] == (True,)
    assert team.sql("alice", "SELECT has_schema_privilege('public', 'CREATE')")[0] == (False,)


def test_dossier_works_fully_under_an_analyst_login(team, tmp_path, monkeypatch):
    team.database()
    home = tmp_path / "home"
    alice = team.url("alice")
    with _as(alice, "Alice Martin", monkeypatch) as ws:
        assert not ws.readonly and ws.db.readonly_reason is None
        interchange.import_json(ws, demo_bytes())
        made = records.create(ws, Person(id="zz-analyst", name="Quirinal Analystperson")).record
        records.update(ws, dataclasses.replace(made, title="Envoy"), expected_version=1)
        assert [h.id for h in search.search(ws, "Quirinal")] == ["zz-analyst"]
        records.delete(ws, "people", "zz-analyst")
        assert not search.search(ws, "Quirinal") and not records.exists(ws, "people", "zz-analyst")

        before = exported_workspace(ws)
        doc = interchange.read_document(demo_bytes())
        doc.people.append(Person(id="zz-newcomer", name="Newcomer Personname"))
        doc.people[0] = dataclasses.replace(doc.people[0], bio="Replaced by the import.")
        report = interchange.import_document(ws, doc, undoable=True)
        assert report.added["people"] == 1 and [h.id for h in search.search(ws, "Newcomer")] == ["zz-newcomer"]
        undo_import(ws, report.undo)
        assert exported_workspace(ws) == before and not search.search(ws, "Newcomer")

    code, out, err = run("check", "--db", alice, home=home)
    assert code == 0, err
    code, out, err = run("backup", "--db", alice, "-o", tmp_path / "team.dump", home=home)
    assert code == 0, err
    assert "pg_dump" in out and (tmp_path / "team.dump").read_bytes()[:5] == b"PGDMP"
    offline = tmp_path / "offline.sqlite"
    code, out, err = run("copy", "--from", alice, "--to", offline, home=home)
    assert code == 0, err
    with open_workspace(offline) as ws:
        assert exported_workspace(ws) == before

    team.database("dossier_copy")  # an empty workspace, made by the owner, copied into by an analyst
    bob = team.url("bob", "dossier_copy")
    code, out, err = run("copy", "--from", offline, "--to", bob, home=home)
    assert code == 0, err
    with _as(bob, None, monkeypatch) as ws:
        assert exported_workspace(ws) == before
        with ws.db.read() as conn:
            logins = set(conn.execute(text("SELECT DISTINCT login FROM history")).scalars())
    assert logins == {"bob"}  # copied by an analyst: each entry names the login that copied it


def test_the_history_names_the_login_whatever_the_analyst_declares_or_an_insert_says(team, monkeypatch):
    team.database()
    with _as(team.url("alice"), "bob", monkeypatch) as ws:
        records.create(ws, Person(id="declared", name="Declared Person"))
        entry = history.for_record(ws, "people", "declared")[0]
    assert (entry.who, entry.login, entry.action) == ("bob", "alice", "create")
    with _as(team.url("bob"), None, monkeypatch) as ws:  # nothing declared: the login is the analyst too
        records.update(ws, Person(id="declared", name="Declared Person", title="x"))
        entry = history.for_record(ws, "people", "declared")[0]
    assert (entry.who, entry.login) == ("bob", "bob")

    forged = team.sql("alice", "INSERT INTO history (collection, uid, action, at, who, login) "
                               "VALUES ('people', 'declared', 'update', '2020-01-01T00:00:00.000000Z', 'carol', "
                               "'dossier_admin') RETURNING login")
    assert forged == [("alice",)]  # the server's word, not the writer's
    with team.psycopg.connect(team.url("alice"), autocommit=True) as conn:
        conn.execute("SET ROLE dossier_analyst")  # a role set after logging in changes nothing
        got = conn.execute("INSERT INTO history (collection, uid, action, at, who) VALUES "
                           "('people', 'declared', 'update', '2020-01-01T00:00:00.000000Z', 'x') "
                           "RETURNING login").fetchone()
    assert got == ("alice",)
    # the owner's Dossier records the owner's login; a copy the owner makes keeps the logins it
    # copies (none for an entry written before logins were recorded): it could rewrite them anyway
    with _as(team.url("dossier_admin"), "Admin", monkeypatch) as ws:
        records.update(ws, Person(id="declared", name="Declared Person", title="y"))
        entry = history.for_record(ws, "people", "declared")[0]
    assert (entry.who, entry.login) == ("Admin", "dossier_admin")
    for sent in ("copied-login", None):
        assert team.sql("dossier_admin", "INSERT INTO history (collection, uid, action, at, who, login) VALUES "
                                         "('people', 'declared', 'update', '2020-01-01T00:00:00.000000Z', 'x', "
                                         "%s) RETURNING login", (sent,)) == [(sent,)]
    assert team.sql("alice", "INSERT INTO history (collection, uid, action, at, who, login) VALUES "
                             "('people', 'declared', 'update', '2020-01-01T00:00:00.000000Z', 'x', NULL) "
                             "RETURNING login") == [("alice",)]


REFUSED = (
    "UPDATE history SET who = 'somebody else'",
    "UPDATE history SET before = NULL",
    "UPDATE history SET login = 'dossier_admin'",
    "DELETE FROM history",
    "TRUNCATE history",
    "ALTER TABLE history DISABLE TRIGGER dossier_history_rows",
    "DROP TRIGGER dossier_history_rows ON history",
    "DROP TABLE history",
    "DROP TABLE people CASCADE",
    "DROP SCHEMA public CASCADE",
    "CREATE TABLE payroll (salary integer)",
    "CREATE VIEW people_view AS SELECT * FROM people",
    "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    "CREATE TRIGGER t BEFORE INSERT ON people FOR EACH ROW EXECUTE FUNCTION dossier_history_guard()",
    "ALTER TABLE people ADD COLUMN x integer",
    "CREATE INDEX ix_x ON people (notes)",
    "UPDATE alembic_version SET version_num = '9999'",
    "DELETE FROM alembic_version",
    "SET ROLE dossier_owner",
    f"ALTER FUNCTION {ERASE} SECURITY INVOKER",
)


def test_an_analyst_cannot_alter_the_history_or_the_schema(team, psycopg, monkeypatch):
    team.database()
    with _as(team.url("alice"), None, monkeypatch) as ws:
        interchange.import_json(ws, demo_bytes())
        dermer = records.get(ws, "people", "ron-dermer")
        records.update(ws, dataclasses.replace(dermer, title="Minister"))
        records.delete(ws, "events", records.list_all(ws, "events")[0].id)
    snapshot = "SELECT id, collection, uid, action, at, who, login, before, after, origin FROM history ORDER BY id"
    kept = team.sql("dossier_admin", snapshot)
    tables = team.sql("dossier_admin", "SELECT count(*) FROM pg_class")
    for statement in REFUSED:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            team.sql("alice", statement)
    # even granted UPDATE and DELETE by mistake, the history's own trigger refuses them
    team.sql("dossier_admin", "GRANT UPDATE, DELETE ON history TO dossier_analyst")
    for statement in ("UPDATE history SET who = 'somebody else'", "DELETE FROM history"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="history can only be added to"):
            team.sql("alice", statement)
    team.grant()
    # nor may the erasing function be turned to anything but erasure
    some = next(row for row in reversed(kept) if row[8])  # an entry with a recorded version
    for call in (
            # a record that still exists
            ("SELECT dossier_erase(%s::jsonb, '{}', '{}', '{}')", ['[["people", "ron-dermer", "deleted-0123456789abcdef"]]']),
            # an entry's recorded version rewritten, naming no deleted record
            ("SELECT dossier_erase('[]'::jsonb, %s::bigint[], %s::text[], %s::text[])",
             [[some[0]], [some[7]], ['{"name": "forged"}']]),
            # a row moved under a name of the caller's choosing
            ("SELECT dossier_erase(%s::jsonb, '{}', '{}', '{}')", ['[["people", "ron-dermer", "ron-dermer-2"]]']),
            # who, when or the login: not parameters at all; a table that is not a record's
            ("SELECT dossier_erase(%s::jsonb, '{}', '{}', '{}')", ['[["alembic_version", "x", "deleted-0123456789abcdef"]]']),
    ):
        with pytest.raises((psycopg.errors.InsufficientPrivilege, psycopg.errors.InvalidParameterValue)):
            team.sql("alice", *call)
    assert team.sql("dossier_admin", snapshot) == kept
    assert team.sql("dossier_admin", "SELECT count(*) FROM pg_class") == tables
    assert team.sql("dossier_admin", "SELECT version_num FROM alembic_version") == [(SCHEMA_HEAD,)]
    # and the owner itself cannot rewrite who, when or the login of an entry
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="cannot be changed"):
        team.sql("dossier_admin", "UPDATE history SET who = 'somebody else'")


def test_the_erasing_function_takes_out_only_what_named_the_deleted_record(team, psycopg, monkeypatch):
    """``dossier_erase`` checks each new recorded version is exactly the old one without the
    deleted record, where the collections' references say it can be named: a topic "il" that
    never existed (or was deleted) does not let anyone take the party "il" out of a version."""
    team.database()
    with _as(team.url("alice"), None, monkeypatch) as ws:
        interchange.import_json(ws, demo_bytes())
        position = records.get(ws, "positions", "pos-il-red-lines")
        records.update(ws, dataclasses.replace(position, summary="Restated."))
    (row_id, before, after), = team.sql("alice", "SELECT id, before, after FROM history WHERE uid = "
                                                 "'pos-il-red-lines' AND before IS NOT NULL")
    placeholder = "deleted-0123456789abcdef"
    forged = [before.replace('"party": "il"', f'"party": "{placeholder}"'),
              after.replace('"party": "il"', f'"party": "{placeholder}"')]
    assert forged != [before, after]
    call = "SELECT dossier_erase(%s::jsonb, %s::bigint[], %s::text[], %s::text[])"
    for gone in ('[["topics", "il", "deleted-0123456789abcdef"]]', '[["people", "il", "deleted-0123456789abcdef"]]'):
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="may only lose what named a deleted"):
            team.sql("alice", call, (gone, [row_id], [forged[0]], [forged[1]]))
    # a change that drops a citation (a list entry) naming a source that still exists: refused too
    dropped = [json.dumps({**json.loads(v), "sources": []}, ensure_ascii=False) for v in (before, after)]
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        team.sql("alice", call, ('[["sources", "src-israeli-official", "deleted-0123456789abcdef"]]',
                                 [row_id], dropped[:1], dropped[1:]))
    assert team.sql("alice", "SELECT before, after FROM history WHERE id = %s", (row_id,)) == [(before, after)]


def test_deleting_a_record_as_an_analyst_erases_its_text_from_the_history(team, monkeypatch):
    team.database()
    with _as(team.url("alice"), None, monkeypatch) as ws:
        interchange.import_json(ws, demo_bytes())
        records.create(ws, person())
        involve(ws)
        records.delete(ws, "people", PERSON, cascade=True)
        assert history.for_record(ws, "people", PERSON) == []
        for collection, rid in (("rounds", "round-2"), ("events", "ev-miami-meeting"),
                                ("positions", "pos-il-red-lines")):
            assert history.for_record(ws, collection, rid)  # their history is kept, without the person
    rows = team.sql("dossier_admin", "SELECT uid, action, who, login, at, coalesce(before, '') || "
                                     "coalesce(after, '') FROM history")
    held = [r for r in rows if any(w in r[5] or w in r[0] for w in [*WORDS, PERSON])]
    assert held == []
    theirs = [r for r in rows if r[0].startswith("deleted-") and r[1] in ("create", "delete")]
    assert {(r[1], r[3]) for r in theirs} == {("create", "alice"), ("delete", "alice")}
    assert all(r[5] == "" and r[4] for r in theirs)

    # a source cited with a quote: its citations, quotes and all, leave other records' versions
    with _as(team.url("bob"), None, monkeypatch) as ws:
        position = records.get(ws, "positions", "pos-il-red-lines")
        records.update(ws, dataclasses.replace(position, summary="Restated."))
        records.delete(ws, "sources", "src-israeli-official", cascade=True)
        for entry in history.for_record(ws, "positions", "pos-il-red-lines"):
            for version in (entry.before, entry.after):
                assert version is None or not version.sources
    needles = ("src-israeli-official", "any agreement must maintain")  # its id; the quote (not the summary)
    quoted = team.sql("dossier_admin", "SELECT id FROM history WHERE " + " OR ".join(
        f"before LIKE '%{n}%' OR after LIKE '%{n}%'" for n in needles))
    assert quoted == []


def _owner_made_at(team, name: str, revision: str) -> None:
    """A database set up as documented, its workspace made by the owner at an older ``revision``."""
    from alembic import command
    from sqlalchemy import create_engine

    from dossier.store.database import MIGRATIONS_PACKAGE
    from dossier.store.migrating import alembic_config

    team.database(name, create_workspace=False)
    engine = create_engine(make_url(team.url("dossier_admin", name)).set(drivername="postgresql+psycopg"))
    try:
        with engine.connect() as conn, conn.begin():
            command.upgrade(alembic_config(conn, MIGRATIONS_PACKAGE), revision)
    finally:
        engine.dispose()
    team.grant(name, functions=False)


def test_an_analyst_asks_the_owner_to_upgrade_in_one_line(team, tmp_path):
    _owner_made_at(team, "dossier_old", "0009")
    alice = team.url("alice", "dossier_old")
    with pytest.raises(WorkspaceError) as caught:
        open_workspace(alice)
    message = str(caught.value)
    assert "\n" not in message
    assert (f"it needs an upgrade to this version of Dossier (schema 0009 to {SCHEMA_HEAD}), which only the "
            "workspace's owner can make, not this login (alice); ask the owner to open it once") in message
    for command in (("check", "--db", alice), ("export-json", "--db", alice, "-o", tmp_path / "x.json")):
        code, _out, err = run(*command, home=tmp_path / "home")
        assert code == 1 and len(err.strip().splitlines()) == 1 and "only the workspace's owner" in err
    assert team.sql("dossier_admin", "SELECT version_num FROM alembic_version", database="dossier_old") == [("0009",)]
    open_workspace(team.url("dossier_admin", "dossier_old")).close()  # the owner upgrades it
    team.grant("dossier_old")
    with open_workspace(alice) as ws:
        assert not ws.readonly

    team.database("dossier_empty", create_workspace=False)
    with pytest.raises(WorkspaceError, match=r"holds no Dossier workspace yet, and this login \(alice\) may not "
                                             r"create one") as caught:
        open_workspace(team.url("alice", "dossier_empty"))
    assert "\n" not in str(caught.value)


def test_a_login_without_the_erasing_function_opens_read_only(team, monkeypatch):
    team.database()
    team.sql("dossier_admin", f"REVOKE EXECUTE ON FUNCTION {ERASE} FROM dossier_analyst")
    with _as(team.url("alice"), None, monkeypatch) as ws:
        assert ws.readonly and "dossier_erase" in ws.db.readonly_reason


def test_a_trigger_that_only_borrows_the_guards_names_is_foreign(team, psycopg):
    from dossier.errors import ForeignSchemaError

    team.database()
    team.sql("dossier_admin", "CREATE FUNCTION public.other_guard() RETURNS trigger LANGUAGE plpgsql AS "
                              "'BEGIN RETURN NEW; END'")
    team.sql("dossier_admin", "DROP TRIGGER dossier_history_rows ON history; "
                              "CREATE TRIGGER dossier_history_rows BEFORE INSERT ON history "
                              "FOR EACH ROW EXECUTE FUNCTION other_guard()")
    with pytest.raises(ForeignSchemaError, match="an extra trigger dossier_history_rows on table history"):
        open_workspace(team.url("alice"))
    team.sql("dossier_admin", "DROP TRIGGER dossier_history_rows ON history; "
                              "CREATE TRIGGER dossier_history_rows BEFORE INSERT OR UPDATE OR DELETE ON history "
                              "FOR EACH ROW EXECUTE FUNCTION dossier_history_guard(); "
                              "CREATE TRIGGER sneaky BEFORE INSERT ON people "
                              "FOR EACH ROW EXECUTE FUNCTION dossier_history_guard()")
    with pytest.raises(ForeignSchemaError, match="an extra trigger sneaky on table people"):
        open_workspace(team.url("alice"))
