"""Team workspaces on a real PostgreSQL server: schema, records, search, conflicts,
history, live changes, copies both ways, backups and the command line."""

from __future__ import annotations

import threading
import time

import pytest
from exported_form import exported_workspace
from sqlalchemy import select

from dossier.cli import main
from dossier.errors import (
    NewerSchemaError,
    NotAWorkspaceError,
    StaleRecordError,
    ValidationError,
    WorkspaceError,
)
from dossier.model.records import Party, Person
from dossier.services import copy, history, interchange, listing, live, records, search
from dossier.services.demo import demo_bytes
from dossier.services.workspace import backup_workspace_as, check_workspace, open_workspace
from dossier.store.database import SCHEMA_HEAD
from dossier.store.postgres import backup as pg_backup


def _open_as(url: str, analyst: str, monkeypatch):
    monkeypatch.setenv("DOSSIER_ANALYST", analyst)
    return open_workspace(url)


def test_open_by_url_creates_the_schema_through_the_migrations(pg_url):
    with open_workspace(pg_url) as ws:
        assert ws.is_shared and ws.path is None and ws.location == pg_url
        assert ws.db.schema_revision() == SCHEMA_HEAD
        report = check_workspace(ws)
    assert report.ok and report.location == pg_url and sum(report.counts.values()) == 0
    with open_workspace(pg_url) as ws:  # opening again changes nothing
        assert ws.db.upgraded_from is None


def test_the_password_is_never_shown(pg_url, tmp_path):
    shown = pg_url.replace("nobody@", "nobody:secret@")
    with pytest.raises(WorkspaceError) as caught:
        open_workspace(shown.replace(shown.rsplit(":", 1)[1].split("/")[0], "1"))
    assert "secret" not in str(caught.value) and "cannot be reached" in str(caught.value)
    with open_workspace(shown) as ws:  # the test server trusts any password
        assert ws.location == pg_url  # left out, not masked
        result = backup_workspace_as(ws, tmp_path / "with-password.dump")
        assert result.method == "pg_dump custom format" and result.target.stat().st_size > 0


def test_foreign_and_newer_databases_are_refused_untouched(pg_url, psycopg):
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(NotAWorkspaceError, match="not a Dossier workspace .*invoices"):
        open_workspace(pg_url)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("DROP TABLE invoices")
    open_workspace(pg_url).close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(NewerSchemaError, match="newer version of Dossier"):
        open_workspace(pg_url)


def test_records_are_created_read_updated_validated_and_deleted(pg_url):
    with open_workspace(pg_url) as ws:
        records.create(ws, Party(id="sy", name="Syria", kind="state", country="SY"))
        saved, version = records.create(ws, Person(id="p", name="Asaad al-Shaybani", party="sy", aliases=["A", "B"]))
        assert records.get_versioned(ws, "people", "p") == (saved, version) == (saved, 1)
        saved.title = "Foreign Minister"
        assert records.update(ws, saved, expected_version=1).version == 2
        assert records.get_versioned(ws, "people", "p")[1] == 2
        with pytest.raises(ValidationError, match=r"people\[q\]\.party"):
            records.create(ws, Person(id="q", name="Q", party="nowhere"))
        with pytest.raises(ValidationError, match="must not be blank"):
            records.create(ws, Person(id="q", name="  "))
        records.delete(ws, "parties", "sy", cascade=True)
        assert records.get(ws, "people", "p").party is None
        assert records.get_versioned(ws, "people", "p")[1] == 3  # the cascade changed it


def test_an_import_that_replaced_records_is_undone_on_postgresql(pg_url):
    from dossier.services.import_undo import undo_import

    with open_workspace(pg_url) as ws:
        interchange.import_json(ws, demo_bytes())
        person = records.get(ws, "people", "ron-dermer")
        records.update(ws, Person(**{**person.__dict__, "bio": "Mine, before the import."}))
        before = exported_workspace(ws)
        doc = interchange.read_document(demo_bytes())
        doc.people.append(Person(id="zz-newcomer", name="Newcomer"))
        report = interchange.import_document(ws, doc, undoable=True)
        latest = history.for_record(ws, "people", "ron-dermer")[0]
        assert (latest.action, latest.before.bio, latest.after) == ("import", "Mine, before the import.", person)
        undo_import(ws, report.undo)
        assert exported_workspace(ws) == before
        assert not search.search(ws, "Newcomer")


def test_search_finds_latin_arabic_and_hebrew(pg_url):
    with open_workspace(pg_url) as ws:
        records.create(ws, Person(id="faisal", name="Fayṣal al-Shaybānī"))
        records.create(ws, Person(id="sharaa", name="Ahmad al-Sharaa", native_name="أحمد الشرع"))
        records.create(ws, Person(id="leiter", name="Yechiel Leiter", native_name="יחיאל לייטר"))

        def found(query: str) -> list[str]:
            return [h.id for h in search.search(ws, query)]

        assert found("faysal") == ["faisal"]  # diacritics folded away
        assert found("shayb") == ["faisal"]  # a prefix
        assert found("shaibani") == ["faisal"]  # another transliteration, by trigrams
        assert found("الشرع") == ["sharaa"]
        assert found("الشَّرع") == ["sharaa"]  # vowel marks ignored
        assert found("לייטר") == ["leiter"]
        assert found("יחיא") == ["leiter"]
        records.delete(ws, "people", "leiter")
        assert found("לייטר") == []


def test_listing_sorts_without_case_on_postgresql(pg_url):
    with open_workspace(pg_url) as ws:
        for uid, name in (("a", "beta"), ("b", "Alpha"), ("c", "gamma")):
            records.create(ws, Person(id=uid, name=name))
        rows = listing.page(ws, "people", sort="name")
        assert [r.cells["name"] for r in rows] == ["Alpha", "beta", "gamma"]
        assert listing.count(ws, "people") == 3


def test_every_listing_pages_alike_on_postgresql_and_sqlite(pg_url, tmp_path):
    from dossier.store.listing import SORTS

    def pages(ws) -> dict:
        out = {}
        for collection, sorts in SORTS.items():
            for sort in sorts:
                for descending in (False, True):
                    first = listing.page(ws, collection, sort=sort, descending=descending, limit=3)
                    rest = listing.page(ws, collection, sort=sort, descending=descending,
                                        after=first[-1].sort_key) if first else []
                    out[collection, sort, descending] = [(r.id, r.cells) for r in first + rest]
            for words in ("AL", "sy", "round 5", "Isr_", "100%"):
                out[collection, words] = ([r.id for r in listing.page(ws, collection, text_filter=words)],
                                          listing.count(ws, collection, text_filter=words))
        return out

    with open_workspace(pg_url) as shared, open_workspace(tmp_path / "w.sqlite") as local:
        for ws in (shared, local):
            interchange.import_json(ws, demo_bytes())
        assert pages(shared) == pages(local)


def test_a_stale_save_by_a_second_analyst_is_refused_and_can_be_reapplied(pg_url, monkeypatch):
    with _open_as(pg_url, "Alice", monkeypatch) as setup:
        records.create(setup, Person(id="p", name="Asaad al-Shaybani"))
    a = _open_as(pg_url, "Alice", monkeypatch)
    b = _open_as(pg_url, "Bob", monkeypatch)
    try:
        mine_a, version_a = records.get_versioned(a, "people", "p")
        mine_b, version_b = records.get_versioned(b, "people", "p")
        assert version_a == version_b == 1
        mine_a.title = "Foreign Minister"
        records.update(a, mine_a, expected_version=version_a)
        mine_b.bio = "Born in al-Hasakah."
        with pytest.raises(StaleRecordError) as caught:
            records.save(b, mine_b, expected_version=version_b)
        stale = caught.value
        assert (stale.collection, stale.record_id, stale.current_version) == ("people", "p", 2)
        assert stale.changed_by == "Alice" and stale.changed_at and "Alice" in str(stale)
        assert stale.current.title == "Foreign Minister" and stale.current.bio is None
        stale.current.bio = mine_b.bio  # re-apply B's change on top of A's
        records.update(b, stale.current, expected_version=stale.current_version)
        final, version = records.get_versioned(a, "people", "p")
        assert (final.title, final.bio, version) == ("Foreign Minister", "Born in al-Hasakah.", 3)
        records.delete(a, "people", "p", expected_version=3)
        with pytest.raises(StaleRecordError) as caught:
            records.update(b, final, expected_version=3)
        # deleted means gone: the history no longer names the record, so who deleted it is not told
        assert caught.value.current is None and caught.value.changed_by is None
        assert "was deleted after you opened it" in str(caught.value)
    finally:
        a.close()
        b.close()


def test_concurrent_saves_of_one_version_let_exactly_one_through(pg_url, monkeypatch):
    with _open_as(pg_url, "Setup", monkeypatch) as ws:
        records.create(ws, Person(id="p", name="P"))
    sessions = [_open_as(pg_url, f"Analyst {i}", monkeypatch) for i in range(4)]
    outcomes: list[str] = []
    barrier = threading.Barrier(len(sessions))

    def edit(ws, i):
        person, version = records.get_versioned(ws, "people", "p")
        person.title = f"title {i}"
        barrier.wait()
        try:
            records.update(ws, person, expected_version=version)
            outcomes.append("saved")
        except StaleRecordError:
            outcomes.append("stale")

    threads = [threading.Thread(target=edit, args=(ws, i)) for i, ws in enumerate(sessions)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    for ws in sessions:
        ws.close()
    assert sorted(outcomes) == ["saved", "stale", "stale", "stale"]


def test_history_tells_who_changed_what_and_when(pg_url, monkeypatch):
    with _open_as(pg_url, "Alice", monkeypatch) as a:
        records.create(a, Person(id="p", name="P"))
    with _open_as(pg_url, "Bob", monkeypatch) as b:
        person = records.get(b, "people", "p")
        person.title = "Envoy"
        records.update(b, person)
        entries = history.for_record(b, "people", "p")
        assert [(e.action, e.who) for e in entries] == [("update", "Bob"), ("create", "Alice")]
        assert entries[0].before.title is None and entries[0].after.title == "Envoy"
        assert entries[1].before is None and entries[1].after.name == "P"
        assert entries[0].at >= entries[1].at and entries[0].at.endswith("Z")
        records.delete(b, "people", "p")
        assert history.for_record(b, "people", "p") == []  # deleted means gone, its id too...
        table = history.history
        with b.db.read() as conn:
            rows = conn.execute(select(table.c.uid, table.c.action, table.c.who, table.c.before, table.c.after)
                                .where(table.c.collection == "people").order_by(table.c.id.desc())).all()
        assert [(r.action, r.who) for r in rows] == [("delete", "Bob"), ("update", "Bob"), ("create", "Alice")]
        assert len({r.uid for r in rows}) == 1 and rows[0].uid.startswith("deleted-")  # ...who and when kept
        assert all(r.before is None and r.after is None for r in rows)


def test_the_database_user_is_named_when_no_analyst_is_configured(pg_url, monkeypatch, tmp_path):
    monkeypatch.delenv("DOSSIER_ANALYST", raising=False)
    monkeypatch.setenv("DOSSIER_HOME", str(tmp_path))
    with open_workspace(pg_url) as ws:
        records.create(ws, Person(id="p", name="P"))
        assert history.for_record(ws, "people", "p")[0].who == pg_url.split("//")[1].split("@")[0]


def test_change_feed_brings_others_changes_within_seconds(pg_url, monkeypatch):
    a = _open_as(pg_url, "Alice", monkeypatch)
    b = _open_as(pg_url, "Bob", monkeypatch)
    feed = live.ChangeFeed(a)
    try:
        records.create(a, Person(id="mine", name="Mine"))  # A's own change does not come back
        assert feed.poll(0.5) == []
        started = time.monotonic()
        records.create(b, Person(id="theirs", name="Theirs"))
        changes = feed.poll(5)
        assert time.monotonic() - started < 3
        assert len(changes) == 1 and changes[0].changed == {"people": ("theirs",)}
        records.delete(b, "people", "theirs")
        assert feed.poll(5)[0].deleted == {"people": ("theirs",)}
        interchange.import_json(b, demo_bytes())
        assert any(c.everything for c in feed.poll(5))
        closer = threading.Timer(0.3, feed.close)
        closer.start()
        started = time.monotonic()
        assert feed.poll(10) == []  # closing ends a poll under way
        assert time.monotonic() - started < 2
    finally:
        feed.close()
        a.close()
        b.close()


def _history_rows(ws) -> list[tuple]:
    from sqlalchemy import select

    table = history.history
    with ws.db.read() as conn:
        return [tuple(r) for r in conn.execute(select(table.c.collection, table.c.uid, table.c.action, table.c.at,
                                                      table.c.who, table.c["before"], table.c.after,
                                                      table.c.login)
                                               .order_by(table.c.id))]


def test_copy_from_sqlite_to_postgresql_and_back_is_lossless(pg_url, tmp_path, monkeypatch):
    first, last = tmp_path / "first.sqlite", tmp_path / "last.sqlite"
    with _open_as(str(first), "Alice", monkeypatch) as ws:
        interchange.import_json(ws, demo_bytes())
        person, version = records.get_versioned(ws, "people", "ahmad-al-sharaa")
        person.bio = "Edited before the copy."
        records.update(ws, person, expected_version=version)
        records.delete(ws, "events", records.list_all(ws, "events")[0].id)
        expected, expected_history = exported_workspace(ws), _history_rows(ws)
    assert main(["copy", "--from", str(first), "--to", pg_url]) == 0
    with open_workspace(pg_url) as ws:
        assert exported_workspace(ws) == expected and _history_rows(ws) == expected_history
        assert records.get_versioned(ws, "people", "ahmad-al-sharaa")[1] == 2
        assert [h.id for h in search.search(ws, "الشرع")] == ["ahmad-al-sharaa"]
    assert main(["copy", "--from", pg_url, "--to", str(last)]) == 0
    with open_workspace(last) as ws:
        assert exported_workspace(ws) == expected and _history_rows(ws) == expected_history
        assert records.get_versioned(ws, "people", "ahmad-al-sharaa")[1] == 2
    with pytest.raises(WorkspaceError, match="not empty"):  # never over a workspace that holds something
        copy.copy_workspace(first, pg_url)


def test_backup_through_pg_dump_or_anexported_workspace(pg_url, tmp_path, monkeypatch, capsys):
    assert main(["demo", "--db", pg_url]) == 0
    target = tmp_path / "team.dump"
    assert main(["backup", "--db", pg_url, "-o", str(target)]) == 0
    assert "pg_dump custom format" in capsys.readouterr().out
    assert target.read_bytes()[:5] == b"PGDMP"
    monkeypatch.setattr(pg_backup, "pg_dump_program", lambda: None)
    with open_workspace(pg_url) as ws:
        result = backup_workspace_as(ws, tmp_path / "team.json")
        assert result.method == "interchange export"
        assert interchange.read_document(result.target.read_bytes()).count() == interchange.export_document(ws).count()


def test_command_line_against_postgresql(pg_url, tmp_path, capsys):
    assert main(["check", "--db", pg_url]) == 1  # reading commands never create a workspace
    assert "no workspace at" in capsys.readouterr().err
    assert main(["demo", "--db", pg_url]) == 0
    assert pg_url in capsys.readouterr().out
    assert main(["search", "--db", pg_url, "shaibani"]) == 0
    assert "asaad-al-shaybani" in capsys.readouterr().out
    assert main(["check", "--db", pg_url]) == 0
    out = capsys.readouterr().out
    assert "Schema: " + SCHEMA_HEAD in out and "Foreign keys: ok" in out and "9 people" in out
    out_file = tmp_path / "export.json"
    assert main(["export-json", "--db", pg_url, "-o", str(out_file)]) == 0
    assert interchange.read_document(out_file.read_bytes()).count()["people"] == 9
    assert main(["import-json", "--db", pg_url, str(out_file)]) == 0
    assert main(["restore", "--db", pg_url, str(out_file)]) == 1
    assert "pg_restore" in capsys.readouterr().err
    bad = pg_url.rsplit("/", 1)[0] + "/no_such_database"
    assert main(["check", "--db", bad]) == 1
    assert 'database "no_such_database" does not exist' in capsys.readouterr().err


def test_roles_as_docs_team_md_sets_them_up(pg_url, monkeypatch, psycopg):
    """An analyst's login role, acting as the owner role, is named in the history."""
    monkeypatch.delenv("DOSSIER_ANALYST", raising=False)
    database = pg_url.rsplit("/", 1)[1]
    owner, login = f"{database}_owner", f"{database}_alice"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {owner} NOLOGIN")
        conn.execute(f'ALTER DATABASE "{database}" OWNER TO {owner}')
        conn.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        conn.execute(f"ALTER SCHEMA public OWNER TO {owner}")
        conn.execute(f"CREATE ROLE {login} LOGIN IN ROLE {owner}")
        conn.execute(f"ALTER ROLE {login} SET role = {owner}")
    url = pg_url.replace(pg_url.split("//")[1].split("@")[0], login, 1)
    with open_workspace(url) as ws:
        records.create(ws, Person(id="p", name="P"))
        assert history.for_record(ws, "people", "p")[0].who == login
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'people'").fetchone()[0] == owner


def test_a_feed_whose_connection_is_cut_says_so(pg_url, psycopg):
    with open_workspace(pg_url) as ws:
        feed = live.ChangeFeed(ws)
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        with pytest.raises(WorkspaceError, match="lost the connection"):
            feed.poll(2)
        feed.close()


def test_choices_on_the_server_match_the_records(pg_url):
    with open_workspace(pg_url) as ws:
        interchange.import_json(ws, demo_bytes())
        got = records.choices(ws, "people", "name", "party")
        assert sorted(got) == sorted((p.id, p.name, p.party) for p in records.list_all(ws, "people"))
        names = [name for _id, name, _party in got]
        assert names == sorted(names, key=str.lower)


def test_many_records_found_at_once_read_the_same_as_one_by_one_on_the_server(pg_url):
    from dossier.model.records import Citation, Position

    with open_workspace(pg_url) as ws:
        interchange.import_json(ws, demo_bytes())
        doc = interchange.export_document(ws)
        neg = doc.negotiations[0]
        topic = next(t.id for t in doc.topics if t.negotiation == neg.id)
        doc.positions.extend(
            Position(id=f"bulk-{i:04d}", negotiation=neg.id, party=neg.parties[0].party, topic=topic,
                     person=doc.people[i % len(doc.people)].id, summary=f"Position {i}",
                     sources=[Citation(source=doc.sources[i % len(doc.sources)].id, credibility=3)])
            for i in range(800))
        interchange.import_document(ws, doc)
        found = records.find(ws, "positions", {"negotiation": neg.id})
        assert len(found) > 800
        assert found == records.get_many(ws, "positions", [p.id for p in found])
