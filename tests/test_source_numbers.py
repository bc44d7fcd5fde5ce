"""One numbering of sources per workspace: given once, in order, never again, kept for good.

Every test runs on real SQLite files; the numbers live in the workspace, never in the
interchange file. The Sources pane's part is in tests/ui/test_sources.py, PostgreSQL's
in tests/postgres/test_source_numbers_pg.py.
"""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest
from old_workspaces import workspace_at

from dossier.errors import ValidationError
from dossier.model.records import Citation, Document, Negotiation, Party, Position, Source, Topic
from dossier.services import interchange, records
from dossier.services.copy import copy_workspace
from dossier.services.workspace import check_workspace, open_workspace
from dossier.store.database import SCHEMA_HEAD, open_database


def document(*source_ids: str, cited: str | None = None) -> Document:
    """Sources with these ids in this order; ``cited`` is cited by a position."""
    doc = Document(sources=[Source(id=sid, title=f"Title of {sid}", reliability="B") for sid in source_ids])
    if cited is not None:
        doc.parties = [Party(id="p", name="P")]
        doc.negotiations = [Negotiation(id="n", title="N")]
        doc.topics = [Topic(id="t", negotiation="n", title="T")]
        doc.positions = [Position(id="x", negotiation="n", party="p", topic="t", summary="S",
                                  sources=[Citation(source=cited, credibility=2)])]
    return doc


@pytest.fixture
def ws(tmp_path):
    workspace = open_workspace(tmp_path / "w.sqlite")
    yield workspace
    workspace.close()


def exported_json(ws) -> dict:
    out = io.StringIO()
    interchange.export_json(ws, out)
    return json.loads(out.getvalue())


# ------------------------------------------------------------------ giving numbers
def test_a_fresh_import_numbers_the_files_sources_in_file_order(ws):
    sources = [{"id": sid, "title": sid.capitalize(), "reliability": "C"} for sid in ("zulu", "alpha", "mike")]
    interchange.import_json(ws, json.dumps({"format": "dossier-interchange", "version": 1,
                                            "sources": sources}).encode())
    assert records.source_numbers(ws) == {"zulu": 1, "alpha": 2, "mike": 3}
    assert records.source_numbers(ws, ["mike", "nobody", "Not An Id"]) == {"mike": 3}
    assert interchange.export_document(ws).source_numbers == {"zulu": 1, "alpha": 2, "mike": 3}


def test_a_source_added_between_two_exports_keeps_everyones_numbers(ws):
    interchange.import_document(ws, document("b", "a", "c"))
    first = interchange.export_document(ws).source_numbers
    records.create(ws, Source(id="aa", title="Sorts before the others"))
    second = interchange.export_document(ws).source_numbers
    assert second == {**first, "aa": 4}
    interchange.import_document(ws, document("d", "e"))  # a later import numbers on
    assert interchange.export_document(ws).source_numbers == {**second, "d": 5, "e": 6}


def test_a_deleted_number_is_not_given_again(ws):
    interchange.import_document(ws, document("a", "b", "c"))
    records.delete(ws, "sources", "c")  # the highest
    records.create(ws, Source(id="d", title="D"))
    records.delete(ws, "sources", "a")
    records.create(ws, Source(id="e", title="E"))
    assert records.source_numbers(ws) == {"b": 2, "d": 4, "e": 5}


def test_replacing_a_source_keeps_its_number(ws):
    interchange.import_document(ws, document("a", "b", "c"))
    changed = document("new", "b")  # b replaced, new added before it in the file
    changed.sources[1].title = "B, corrected"
    report = interchange.import_document(ws, changed)
    assert (report.added["sources"], report.replaced["sources"]) == (1, 1)
    saved = records.get(ws, "sources", "b")
    records.update(ws, Source(id="b", title="B again", publisher="Wire", text="Edited."))
    assert saved.title == "B, corrected"
    assert records.source_numbers(ws) == {"a": 1, "b": 2, "c": 3, "new": 4}


def test_numbers_a_document_names_are_given_when_free(ws):
    interchange.import_document(ws, document("a", "b", "c"))
    records.delete(ws, "sources", "b")
    wished = document("x", "y", "z")
    wished.source_numbers = {"x": 3, "y": 2, "z": 40}  # 3 is c's: x gets the next free
    interchange.import_document(ws, wished)
    assert records.source_numbers(ws) == {"a": 1, "c": 3, "y": 2, "z": 40, "x": 41}
    records.create(ws, Source(id="after", title="After"))
    assert records.source_numbers(ws, ["after"]) == {"after": 42}


def test_undoing_a_delete_puts_the_source_back_with_its_number(ws):
    interchange.import_document(ws, document("a", "b", "c", cited="b"))
    _outcome, restore = records.delete_preview(ws, "sources", "b")
    assert restore.source_numbers == {"b": 2}
    records.delete(ws, "sources", "b", cascade=True)
    records.create(ws, Source(id="d", title="Made meanwhile"))
    interchange.import_document(ws, restore)  # what the window's undo does
    assert records.source_numbers(ws) == {"a": 1, "b": 2, "c": 3, "d": 4}
    assert records.get(ws, "positions", "x").sources == [Citation(source="b", credibility=2)]


# ------------------------------------------------------------------ not in the interchange file
def test_the_number_is_neither_exported_nor_accepted_on_import(ws):
    interchange.import_document(ws, document("a", "b"))
    data = exported_json(ws)
    assert all("number" not in source for source in data["sources"])
    data["sources"][0]["number"] = 1
    with pytest.raises(ValidationError) as refused:
        interchange.import_json(ws, json.dumps(data).encode())
    assert [(e.path, e.message) for e in refused.value.errors] == [("sources[a].number", "unknown field")]
    assert interchange.read_document(json.dumps(exported_json(ws)).encode()).source_numbers == {}


# ------------------------------------------------------------------ copies and upgrades
def test_a_copied_workspace_keeps_the_numbers_and_the_highest_given(tmp_path):
    source, target = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    with open_workspace(source) as ws:
        interchange.import_document(ws, document("c", "b", "a"))
        records.delete(ws, "sources", "a")  # the highest, 3: never to be given again
    copy_workspace(source, target)
    with open_workspace(target) as ws:
        assert records.source_numbers(ws) == {"c": 1, "b": 2}
        records.create(ws, Source(id="d", title="D"))
        assert records.source_numbers(ws, ["d"]) == {"d": 4}


def _index_afresh(path: Path) -> None:
    """Fill the search index of a workspace file from its records, whatever its schema."""
    from dossier.store import search_index
    from dossier.store.sqlite.connect import make_engine

    engine = make_engine(path)
    with engine.begin() as conn:
        search_index.rebuild(conn)
    engine.dispose()


def _schema(path: Path, table: str) -> list[tuple]:
    raw = sqlite3.connect(path)
    try:
        return raw.execute("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? ORDER BY name",
                           (table,)).fetchall()
    finally:
        raw.close()


def test_upgrading_a_workspace_of_schema_0006_numbers_its_sources_in_the_order_they_were_added(tmp_path):
    path = tmp_path / "old.sqlite"
    workspace_at(path, "0006")
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA foreign_keys = ON")
    raw.executescript("""
        INSERT INTO sources (id, uid, title, reliability) VALUES (7, 'wire', 'Wire report', 'B');
        INSERT INTO sources (id, uid, title, reliability, via_id) VALUES (3, 'zeta', 'Zeta', 'C', 7);
        INSERT INTO sources (id, uid, title, reliability, via_id) VALUES (12, 'alpha', 'Ālpha', 'A', 3);
        INSERT INTO parties (id, uid, name, kind) VALUES (1, 'p', 'P', 'state');
        INSERT INTO negotiations (id, uid, title, status) VALUES (1, 'n', 'N', 'active');
        INSERT INTO topics (id, uid, negotiation_id, title) VALUES (1, 't', 1, 'T');
        INSERT INTO positions (id, uid, negotiation_id, party_id, topic_id, kind, summary)
            VALUES (1, 'x', 1, 1, 1, 'demand', 'S');
        INSERT INTO citations (position_id, ordinal, source_id, credibility) VALUES (1, 0, 12, 2);
    """)
    raw.commit()
    raw.close()
    _index_afresh(path)  # as that Dossier kept it

    db = open_database(path)
    try:
        assert db.upgraded_from == "0006" and db.schema_revision() == SCHEMA_HEAD
    finally:
        db.close()
    with open_workspace(path) as ws:
        assert records.source_numbers(ws) == {"zeta": 1, "wire": 2, "alpha": 3}  # by row id: 3, 7, 12
        assert records.get(ws, "sources", "alpha").via == "zeta" and records.get(ws, "sources", "alpha").text is None
        assert records.get(ws, "positions", "x").sources == [Citation(source="alpha", credibility=2)]
        assert check_workspace(ws).ok
        records.create(ws, Source(id="new", title="New"))
        assert records.source_numbers(ws, ["new"]) == {"new": 4}
        from dossier.services import search

        assert [h.id for h in search.search(ws, "alpha", collections=["sources"])] == ["alpha"]
    fresh = tmp_path / "fresh.sqlite"
    open_database(fresh).close()
    for table in ("sources", "numbering", "citations"):
        assert _schema(path, table) == _schema(fresh, table)


def test_upgrading_a_workspace_of_the_first_schema_with_sources(tmp_path):
    """The search index is built (schema 0002) before sources have their text (0007)."""
    path = tmp_path / "old.sqlite"
    workspace_at(path, "0001")
    raw = sqlite3.connect(path)
    raw.execute("INSERT INTO sources (uid, title, reliability) VALUES ('cable', 'Diplomatic cable', 'B')")
    raw.commit()
    raw.close()
    with open_workspace(path) as ws:
        assert records.source_numbers(ws) == {"cable": 1}
        from dossier.services import search

        assert [h.id for h in search.search(ws, "cable")] == ["cable"]
