"""Names, titles and summaries of any length on PostgreSQL, as a workspace file takes them.

A b-tree entry holds at most about 2,700 bytes: since migration 0011 the indexes on those
columns hold the first 500 characters, and the listings sort by them, then by the whole text,
then by id — the order a workspace file gives, served by the same indexes as before."""

from __future__ import annotations

import re
import sqlite3

import pytest
from exported_form import exported_workspace
from listing_dates import walk
from sent_statements import postgres_plans, sent_statements
from sqlalchemy import text

from dossier.cli import main
from dossier.model.records import Document, Negotiation, Party, Person, Position, Source, Topic
from dossier.services import interchange, listing, records, search
from dossier.services.workspace import open_workspace
from dossier.store.database import SCHEMA_HEAD

#: 4-byte characters (UTF-8): the worst case for an index that counts characters
WIDE = "𠀀𝒜😀𐍈"
#: more than 500 characters, shared by the long texts so that they tie on what the index holds
SHARED = ("quorvex " + WIDE + " ") * 60


def long_text(tail: str, length: int = 10_500) -> str:
    """A text of ``length`` characters or more: ``SHARED``, then ``tail``, then 4-byte characters."""
    text_ = f"{SHARED}{tail} "
    return text_ + (WIDE * (length // len(WIDE) + 1))[: max(0, length - len(text_))]


def long_document() -> Document:
    """Records whose names, titles and summaries run to 10,000 characters and more (four bytes
    a character for most), several alike through their first 500 and more, beside short ones."""
    doc = Document(negotiations=[Negotiation(id="n", title="Talks")])
    tails = ["mmm", "bbb", "zzz", "bbb"]  # two alike to the end: the id decides
    doc.parties = [Party(id=f"party-{i}", name=long_text(t)) for i, t in enumerate(tails)]
    doc.parties += [Party(id="party-short", name="quorvex"), Party(id="party-a", name="Aardvark")]
    doc.topics = [Topic(id=f"topic-{i}", negotiation="n", title=long_text(t)) for i, t in enumerate(tails)]
    doc.topics.append(Topic(id="topic-short", negotiation="n", title="Zebra"))
    doc.people = [Person(id=f"person-{i}", name=long_text(t), party=f"party-{i}") for i, t in enumerate(tails)]
    doc.people += [Person(id="person-short", name="quorvex", party="party-short"),
                   Person(id="person-a", name="Aardvark person", party="party-a")]
    doc.sources = [Source(id=f"source-{i}", title=long_text(t, 12_000)) for i, t in enumerate(tails)]
    doc.sources.append(Source(id="source-short", title="Quorvex"))
    doc.positions = [Position(id=f"pos-{i}", negotiation="n", party=f"party-{i % 4}", topic=f"topic-{i % 4}",
                              person=f"person-{i % 4}", summary=long_text(t, 20_000))
                     for i, t in enumerate([*tails, "aaa"])]
    doc.positions.append(Position(id="pos-short", negotiation="n", party="party-a", topic="topic-short",
                                  summary="Quorvex, briefly"))
    return doc


def _walks(ws) -> dict:
    return {(collection, sort, descending): walk(ws, collection, 2, sort=sort, descending=descending)
            for collection, sorts in listing.SORTS.items() for sort in sorts for descending in (False, True)}


def test_long_names_are_created_listed_and_searched_as_in_a_file(pg_url, tmp_path):
    doc = long_document()
    assert min(len(p.name) for p in doc.people[:4]) >= 10_000
    assert min(len(p.name.encode()) for p in doc.people[:4]) > 30_000
    with open_workspace(pg_url) as shared, open_workspace(tmp_path / "w.sqlite") as local:
        for ws in (shared, local):  # one at a time, through the forms of the app
            for collection in ("negotiations", "parties", "topics", "people", "sources", "positions"):
                for record in doc.collection(collection):
                    records.create(ws, record)
        assert exported_workspace(shared) == exported_workspace(local)
        on_sqlite = _walks(local)
        assert _walks(shared) == on_sqlite
        # the whole text decides past the 500 characters an index holds, then the id
        assert on_sqlite["people", "name", False] == ["person-a", "person-short", "person-1", "person-3",
                                                      "person-0", "person-2"]
        assert on_sqlite["people", "party", True][:4] == ["person-2", "person-0", "person-3", "person-1"]
        assert on_sqlite["sources", "title", False] == ["source-short", "source-1", "source-3", "source-0",
                                                        "source-2"]
        # "quorvex " sorts before "quorvex, briefly": the long summaries first
        assert on_sqlite["positions", "summary", False] == ["pos-4", "pos-1", "pos-3", "pos-0", "pos-2",
                                                            "pos-short"]

        for query, expected in (("quorvex", {"person-0", "party-0", "topic-0", "source-0", "pos-0", "person-short"}),
                                ("mmm", {"person-0", "party-0", "topic-0", "source-0", "pos-0"})):
            assert expected <= {h.id for h in search.search(shared, query, limit=100)}
        updated = records.get(shared, "people", "person-0")
        updated.name = long_text("yyy", 15_000)
        records.update(shared, updated, expected_version=1)
        assert records.get(shared, "people", "person-0").name == long_text("yyy", 15_000)
        records.delete(shared, "positions", "pos-0")
        records.delete(shared, "people", "person-0", cascade=True)


def test_a_file_with_long_names_copies_to_postgresql_and_back_byte_for_byte(pg_url, tmp_path):
    first, last = tmp_path / "first.sqlite", tmp_path / "last.sqlite"
    with open_workspace(first) as ws:
        interchange.import_document(ws, long_document())
        expected = exported_workspace(ws)
    assert main(["copy", "--from", str(first), "--to", pg_url]) == 0
    with open_workspace(pg_url) as ws:
        assert exported_workspace(ws) == expected
        assert walk(ws, "people", 2, sort="name") == ["person-a", "person-short", "person-1", "person-3",
                                                      "person-0", "person-2"]
    assert main(["copy", "--from", pg_url, "--to", str(last)]) == 0
    with open_workspace(last) as ws:
        assert exported_workspace(ws) == expected
    assert _texts(first) == _texts(last)  # the very bytes of every name, title and summary
    assert _texts(last)["people", "person-0"] == long_text("mmm").encode("utf-8")


def _texts(path) -> dict:
    conn = sqlite3.connect(path)
    try:
        return {(table, uid): value for table, column in (("parties", "name"), ("people", "name"),
                                                          ("topics", "title"), ("sources", "title"),
                                                          ("positions", "summary"))
                for uid, value in conn.execute(f"SELECT uid, CAST({column} AS BLOB) FROM {table}")}
    finally:
        conn.close()


def _plans(ws, run) -> list[tuple[str, str]]:
    sent = sent_statements(ws, run, lambda statement: statement.lstrip().startswith("SELECT"))
    return [(statement, plan) for statement, _parameters, plan in postgres_plans(ws, sent)]


def _many() -> Document:
    doc = Document(negotiations=[Negotiation(id="n", title="Talks")])
    doc.parties = [Party(id=f"pa{i}", name=f"Party {i * 7919 % 300:04d}") for i in range(300)]
    doc.topics = [Topic(id=f"t{i}", negotiation="n", title=f"Topic {i * 7919 % 300:04d}") for i in range(300)]
    doc.people = [Person(id=f"p{i}", name=f"Person {i * 7919 % 6000:05d}", party=f"pa{i % 300}")
                  for i in range(6000)]
    doc.sources = [Source(id=f"s{i}", title=f"Source {i * 7919 % 3000:05d}") for i in range(3000)]
    doc.positions = [Position(id=f"x{i}", negotiation="n", party=f"pa{i % 300}", topic=f"t{i % 300}",
                              person=f"p{i % 6000}", summary=f"Summary {i}") for i in range(6000)]
    doc.people.append(Person(id="long", name=long_text("x"), party="pa0"))
    return doc


@pytest.mark.parametrize("collection, sort, index", [
    ("people", "name", "ix_people_name_nocase"),
    ("people", "party", "ix_parties_name_nocase"),
    ("positions", "party", "ix_parties_name_nocase"),
    ("positions", "topic", "ix_topics_title_nocase"),
    ("positions", "person", "ix_people_name_nocase"),
    ("sources", "title", "ix_sources_title_nocase"),
])
def test_the_orders_by_a_long_text_are_still_read_from_their_index(pg_url, collection, sort, index):
    with open_workspace(pg_url) as ws:
        interchange.import_document(ws, _many())
        with ws.db.write() as conn:
            conn.execute(text("ANALYZE"))
        for descending in (False, True):
            def pages(d=descending):
                first = listing.page(ws, collection, sort=sort, descending=d, limit=50)
                listing.page(ws, collection, sort=sort, descending=d, after=first[-1].sort_key, limit=50)

            # the pages of rows having the value (those without a party come first going up: by key)
            plans = [plan for statement, plan in _plans(ws, pages) if "ORDER BY left(lower(" in statement]
            assert len(plans) == 2
            for plan in plans:
                assert f" using {index} " in plan, plan
                sorts = [line.strip() for line in plan.splitlines() if "Sort" in line and "Key" not in line]
                assert all("Incremental Sort" in line for line in sorts), plan


def test_the_indexes_on_long_text_hold_500_characters(pg_url, psycopg):
    open_workspace(pg_url).close()
    with psycopg.connect(pg_url) as conn:
        defs = dict(conn.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'").fetchall())
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD
    for name, expression in (("ix_parties_name", "\"left\"(name, 500)"),
                             ("ix_people_name", "\"left\"(name, 500)"),
                             ("ix_parties_name_nocase", "\"left\"(lower(name), 500)"),
                             ("ix_people_name_nocase", "\"left\"(lower(name), 500)"),
                             ("ix_topics_title_nocase", "\"left\"(lower(title), 500)"),
                             ("ix_sources_title_nocase", "\"left\"(lower(title), 500)"),
                             ("ix_positions_negotiation_summary_nocase", "\"left\"(lower(summary), 500)")):
        assert expression in defs[name], defs[name]
    # no other b-tree index key is a whole free text: a plain column is of a bounded type (an id, a
    # varchar(n) such as a date or a kind), an expression a bounded one (a prefix, a date's order)
    with psycopg.connect(pg_url) as conn:
        keys = conn.execute(
            "SELECT ic.relname, pg_get_indexdef(i.indexrelid, k, true), format_type(a.atttypid, a.atttypmod) "
            "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam "
            "JOIN pg_namespace n ON n.oid = ic.relnamespace CROSS JOIN generate_series(1, i.indnkeyatts) k "
            "LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1] "
            "AND a.attnum > 0 WHERE n.nspname = 'public' AND am.amname = 'btree'").fetchall()
    assert len(keys) > 40
    for index, key, column_type in keys:
        if column_type is None:  # an expression
            assert key.startswith("\"left\"(") or "|| '~'" in key, (index, key)
        else:
            assert column_type in ("integer", "bigint") or re.fullmatch(r"character varying\((\d+)\)", column_type) \
                and int(column_type.split("(")[1][:-1]) <= 64, (index, key, column_type)
