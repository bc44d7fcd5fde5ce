"""The test server itself works, with the extensions team workspaces rely on."""


def test_server_runs_with_unaccent_and_trigram(pg_url, psycopg):
    with psycopg.connect(pg_url.replace("postgresql://", "postgresql://", 1), autocommit=True) as conn:
        version = conn.execute("SHOW server_version_num").fetchone()[0]
        assert int(version) >= 150000
        conn.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        assert conn.execute("SELECT unaccent('Shaybānī')").fetchone()[0] == "Shaybani"
        assert conn.execute("SELECT similarity('shaybani', 'shaibani') > 0.3").fetchone()[0]
