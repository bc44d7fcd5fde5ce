"""What a team workspace's guard sees and what a login may do, on a real server: the guard
reads the server's catalog, so a table the login may not see still counts; a workspace the
login may not read says so (not "no workspace"); a login that may only read opens the
workspace read-only, saying why; a backup refused by the server gives pg_dump's reason."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy.engine import make_url

from dossier.errors import ForeignSchemaError, NotAWorkspaceError, WorkspaceError, WorkspaceWriteError
from dossier.model.records import Party
from dossier.services import interchange, records
from dossier.services.demo import demo_bytes
from dossier.services.workspace import open_workspace
from dossier.store.database import open_database
from tests.test_cli import run

_numbers = itertools.count()


def _login(psycopg, pg_url: str, *grants: str) -> str:
    """A new login role (the server trusts it without a password), given ``grants`` (``{role}``
    stands for its name) in the test's database; the address to open that database as it."""
    role = f"login_{make_url(pg_url).database}_{next(_numbers)}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{role}" LOGIN')
        for grant in grants:
            conn.execute(grant.format(role=f'"{role}"'))
    return make_url(pg_url).set(username=role).render_as_string(hide_password=False)


def _workspace(pg_url: str) -> None:
    with open_workspace(pg_url) as ws:
        interchange.import_json(ws, demo_bytes())


def _sees(psycopg, url: str, table: str) -> bool:
    with psycopg.connect(url) as conn:
        return bool(conn.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = %s",
                                 (table,)).fetchone()[0])


WRITER = ("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
          "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
          "GRANT EXECUTE ON FUNCTION dossier_erase(jsonb, bigint[], text[], text[]) TO {role}")


def test_a_table_the_login_cannot_see_beside_a_workspace_is_refused(pg_url, psycopg, tmp_path):
    _workspace(pg_url)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE payroll (salary integer); REVOKE ALL ON payroll FROM PUBLIC")
    url = _login(psycopg, pg_url, *WRITER, "REVOKE ALL ON payroll FROM {role}")
    assert not _sees(psycopg, url, "payroll")  # what information_schema would have said
    for readonly in (False, True):
        with pytest.raises(ForeignSchemaError, match="an extra table payroll") as caught:
            open_workspace(url, readonly=readonly)
        assert "\n" not in str(caught.value)
    code, out, err = run("check", "--db", url, home=tmp_path / "home")
    assert code == 1 and "  an extra table payroll" in out.splitlines()
    code, _out, err = run("export-json", "--db", url, home=tmp_path / "home")
    assert code == 1 and "an extra table payroll" in err and len(err.strip().splitlines()) == 1


def test_a_table_the_login_cannot_see_in_an_empty_database_is_refused_untouched(pg_url, psycopg):
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE payroll (salary integer); REVOKE ALL ON payroll FROM PUBLIC")
    url = _login(psycopg, pg_url, "GRANT CREATE ON SCHEMA public TO {role}")  # it could make a workspace
    assert not _sees(psycopg, url, "payroll")
    with pytest.raises(NotAWorkspaceError, match=r"not a Dossier workspace \(it holds table payroll\)") as caught:
        open_workspace(url)
    assert "\n" not in str(caught.value)
    with psycopg.connect(pg_url) as conn:  # nothing was created beside it
        assert conn.execute("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                            "WHERE n.nspname = 'public'").fetchone()[0] == 1


def test_a_free_standing_sequence_or_view_beside_a_workspace_is_refused(pg_url, psycopg):
    _workspace(pg_url)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE SEQUENCE invoice_numbers; CREATE VIEW named AS SELECT name FROM people")
    with pytest.raises(ForeignSchemaError) as caught:
        open_workspace(pg_url)
    assert "an extra sequence invoice_numbers" in str(caught.value) and "an extra view named" in str(caught.value)


def test_an_extensions_own_relations_are_not_counted(pg_url, psycopg):
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION pg_stat_statements")  # two views of its own in the schema
    _workspace(pg_url)
    with open_workspace(pg_url) as ws:
        assert records.get(ws, "people", "ahmad-al-sharaa").name


def test_a_workspace_the_login_may_not_read_says_so(pg_url, psycopg, tmp_path):
    _workspace(pg_url)
    url = _login(psycopg, pg_url)  # no rights on the workspace's tables
    with pytest.raises(WorkspaceError) as caught:
        open_workspace(url)
    said = str(caught.value)
    assert f"this login ({make_url(url).username}) may not read it" in said and "no SELECT rights on" in said
    assert "no workspace" not in said and "\n" not in said
    for command in (("check",), ("export-json",)):
        code, _out, err = run(*command, "--db", url, home=tmp_path / "home")
        assert code == 1 and "may not read it" in err and "no workspace" not in err
        assert len(err.strip().splitlines()) == 1


def test_a_workspace_in_a_schema_the_login_may_not_use_says_so(pg_url, psycopg):
    _workspace(pg_url)
    url = _login(psycopg, pg_url, *WRITER)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("REVOKE USAGE ON SCHEMA public FROM PUBLIC")
    with pytest.raises(WorkspaceError, match=r"has no rights to its schema public") as caught:
        open_workspace(url)
    assert "no workspace" not in str(caught.value)


@pytest.mark.parametrize("grants, named", [
    (("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}",), "citations"),
    (("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",), "citations_id_seq"),
], ids=["select-only", "no-sequences"])
def test_a_login_that_may_only_read_opens_read_only_saying_why(grants, named, pg_url, psycopg):
    _workspace(pg_url)
    url = _login(psycopg, pg_url, *grants)
    role = make_url(url).username
    with open_workspace(url) as ws:
        assert ws.readonly
        reason = ws.db.readonly_reason
        assert reason.startswith(f"this login ({role}) can only read this team workspace (it may not change {named}")
        assert records.get(ws, "people", "ahmad-al-sharaa").name  # reading works
        with pytest.raises(WorkspaceWriteError, match="can only read"):
            records.create(ws, Party(id="zz", name="Z", kind="state"))
    with open_workspace(url, readonly=True) as ws:  # asked for: no reason to give
        assert ws.readonly and ws.db.readonly_reason is None


def test_the_read_only_reason_reaches_the_workspace(pg_url, psycopg):
    """What the window's banner shows (``ws.readonly_reason``): the services pass the store's on."""
    _workspace(pg_url)
    url = _login(psycopg, pg_url, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    with open_workspace(url) as ws:
        assert ws.readonly_reason == ws.db.readonly_reason and "can only read" in ws.readonly_reason


def test_a_login_that_may_write_opens_writable(pg_url, psycopg):
    _workspace(pg_url)
    url = _login(psycopg, pg_url, *WRITER)
    with open_workspace(url) as ws:
        assert not ws.readonly and ws.db.readonly_reason is None
        records.create(ws, Party(id="zz", name="Z", kind="state"))


def test_a_login_that_may_only_read_cannot_upgrade_and_says_why(pg_url, psycopg):
    _workspace(pg_url)
    url = _login(psycopg, pg_url, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0007'")
    with pytest.raises(WorkspaceError, match="needs an upgrade .* can only read"):
        open_database(url)


def test_a_backup_the_server_refuses_gives_pg_dumps_reason(pg_url, psycopg, tmp_path):
    _workspace(pg_url)
    url = _login(psycopg, pg_url, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")  # not its sequences
    target = tmp_path / "team.dump"
    code, _out, err = run("backup", "--db", url, "-o", target, home=tmp_path / "home")
    assert code == 1 and len(err.strip().splitlines()) == 1, err
    assert "permission denied for sequence" in err and make_url(url).render_as_string() in err
    assert "detail" not in err.lower() and not target.exists()
    assert not list(tmp_path.glob(".*partial"))
