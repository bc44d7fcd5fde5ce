"""A team workspace on PostgreSQL with SQL Dossier does not make on its tables (a trigger, a
rule, a view where a table should be) is refused with one line naming it, unchanged."""

from __future__ import annotations

import pytest

from dossier.errors import ForeignSchemaError
from dossier.services import interchange
from dossier.services.demo import demo_bytes
from dossier.services.workspace import check_workspace, open_workspace
from tests.test_cli import run

FOREIGN = {
    "trigger": (
        "CREATE FUNCTION soften() RETURNS trigger AS $$ BEGIN NEW.kind := 'offer'; RETURN NEW; END $$ "
        "LANGUAGE plpgsql; CREATE TRIGGER soften BEFORE INSERT ON positions FOR EACH ROW EXECUTE FUNCTION soften()",
        "an extra trigger soften on table positions"),
    "rule": (
        "CREATE TABLE zz_kept (name text); "
        "CREATE RULE zz_copy AS ON INSERT TO people DO ALSO INSERT INTO zz_kept VALUES (NEW.name)",
        "an extra rule zz_copy on table people"),
    "view": (
        "ALTER TABLE topics RENAME TO topics_kept; CREATE VIEW topics AS SELECT * FROM topics_kept",
        "view topics stands where a table should be"),
}


@pytest.mark.parametrize("case", sorted(FOREIGN))
def test_foreign_sql_on_a_team_workspace_is_refused(case, pg_url, tmp_path, psycopg):
    sql, named = FOREIGN[case]
    with open_workspace(pg_url) as ws:
        interchange.import_json(ws, demo_bytes())
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(sql)
    for readonly in (False, True):
        with pytest.raises(ForeignSchemaError, match=named):
            open_workspace(pg_url, readonly=readonly)
    code, out, err = run("check", "--db", pg_url, home=tmp_path / "home")
    assert code == 1 and f"  {named}" in out.splitlines()
    code, _out, err = run("search", "--db", pg_url, "golan", home=tmp_path / "home")
    assert code == 1 and named in err and len(err.strip().splitlines()) == 1
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM people").fetchone()[0] == 9  # nothing was written


def test_a_team_workspace_of_dossiers_own_schema_passes(pg_url):
    with open_workspace(pg_url) as ws:
        interchange.import_json(ws, demo_bytes())
    with open_workspace(pg_url, readonly=True) as ws:
        assert check_workspace(ws).ok
