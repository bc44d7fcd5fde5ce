"""The bulk paths of an import: the depth limit wherever deep nesting hides, the quick field
checks agreeing with the full ones, indexes rebuilt inside the transaction, all or nothing."""

from __future__ import annotations

import json
import sqlite3

import pytest
from interchange_cases import (
    collections_started,
    encode,
    export_dict,
    full_doc,
    many_positions,
    new_workspace,
    normalised,
    record,
)

from dossier.errors import InterchangeError, ValidationError, WorkspaceWriteError
from dossier.model.records import COLLECTIONS
from dossier.model.schema import FIELDS, record_checker, validate_record
from dossier.services import interchange
from dossier.store import rows as store
from dossier.store.sqlite import bulk

DEEP = "[" * 70 + "]" * 70


def _with_raw(doc: dict, collection: str, rid: str, key: str, raw_json: str) -> bytes:
    """The document's bytes with ``key`` of one record set to raw JSON text."""
    marker = "__raw_value__"
    record(doc, collection, rid)[key] = marker
    return encode(doc).replace(json.dumps(marker).encode(), raw_json.encode())


@pytest.mark.parametrize("where", ["unknown field", "text field", "list item", "citation"])
def test_deep_nesting_anywhere_in_a_record_is_refused_as_too_deep(where):
    doc = full_doc()
    if where == "unknown field":
        data = _with_raw(doc, "people", "per-1", "extra", DEEP)
    elif where == "text field":
        data = _with_raw(doc, "people", "per-1", "bio", DEEP)
    elif where == "list item":
        data = _with_raw(doc, "people", "per-1", "aliases", f"[{DEEP}]")
    else:
        data = _with_raw(doc, "positions", record(doc, "positions", doc["positions"][0]["id"])["id"],
                         "sources", f'[{{"source": "s-1", "credibility": 2, "quote": {DEEP}}}]')
    with pytest.raises(InterchangeError, match="nested deeper than 64"):
        interchange.read_document(data)


def test_deep_nesting_wins_over_a_wrong_format():
    doc = full_doc()
    doc["format"] = "something else"
    data = _with_raw(doc, "people", "per-1", "notes", DEEP)
    with pytest.raises(InterchangeError, match="nested deeper than 64"):
        interchange.read_document(data)


def test_nesting_at_the_limit_is_read():
    doc = full_doc()
    data = _with_raw(doc, "people", "per-1", "extra", "[" * 61 + "]" * 61)  # 3 levels above it: 64
    with pytest.raises(ValidationError) as info:
        interchange.read_document(data)
    assert [e.message for e in info.value.errors] == ["unknown field"]


def _resolver_ids(doc: dict) -> dict[str, set[str]]:
    return {name: {r["id"] for r in doc.get(name, [])} for name in COLLECTIONS}


@pytest.mark.parametrize("collection", list(COLLECTIONS))
def test_quick_checks_pass_only_what_the_full_check_passes(collection):
    """Every valid record passes; changing any field to a wrong value makes the quick check
    say no whenever the full check finds a problem."""
    doc = interchange.read_document(encode(full_doc()))
    ids = {name: {r.id for r in doc.collection(name)} for name in COLLECTIONS}

    class Resolver:
        def exists(self, name, rid):
            return rid in ids[name]

        def negotiation_of(self, name, rid):
            return None

    quick = record_checker(collection, ids)
    bad_values = [None, "", " ", "\x00", "\ud800", 0, -1, 7, 1.5, True, [], {}, ["x"], "9999-99",
                  "2025-02-30", "XX", "xx", "nope", "B", "s-1", "per-1", "n-1"]
    for rec in doc.collection(collection):
        assert quick(rec)
        assert validate_record(collection, rec, Resolver()) == []
        for name in FIELDS[collection]:
            for value in bad_values:
                changed = type(rec)(**{**vars(rec), name: value})
                if quick(changed):
                    assert validate_record(collection, changed, Resolver()) == [], (name, value)


def _schema(path) -> list[tuple]:
    query = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
    return sqlite3.connect(path).execute(query).fetchall()


def _fresh_schema(tmp_path) -> list[tuple]:
    """The schema of a new, empty workspace."""
    fresh = tmp_path / "fresh.sqlite"
    with new_workspace(fresh):
        pass
    return _schema(fresh)


def _intact(path) -> bool:
    return sqlite3.connect(path).execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_a_bulk_import_keeps_the_schema_and_exports_what_it_read(tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "BULK_ROWS", 50)
    doc = many_positions(full_doc(), 300)
    target = tmp_path / "w.sqlite"
    with new_workspace(target) as ws:
        interchange.import_json(ws, encode(doc))
        assert export_dict(ws) == normalised(doc)
    assert _schema(target) == _fresh_schema(tmp_path) and _intact(target)


def _positions_cannot_be_written(monkeypatch, fail):
    """The positions cannot be written (a disk error mid-way, after parties, people, rounds…)."""
    fail(lambda sql: sql.startswith("INSERT INTO positions "), sqlite3.OperationalError("disk I/O error"))
    return pytest.raises(WorkspaceWriteError)


def _folding_the_search_text_fails(monkeypatch, fail):
    """The thread that folds the search text fails."""
    from dossier.store.sqlite import fulltext

    def broken(record):
        raise RuntimeError("folding failed")

    monkeypatch.setattr(fulltext, "index_parts", broken)
    return pytest.raises(RuntimeError, match="folding failed")


def _indexes_cannot_be_built(monkeypatch, fail):
    """Every CREATE INDEX fails, as on a full disk (a new workspace builds its indexes last)."""
    fail(lambda sql: sql.lstrip().upper().startswith("CREATE INDEX"),
         sqlite3.OperationalError("database or disk is full"))
    return pytest.raises(WorkspaceWriteError)


@pytest.mark.parametrize("breaks", [_positions_cannot_be_written, _folding_the_search_text_fails,
                                    _indexes_cannot_be_built])
def test_a_bulk_import_that_fails_part_way_leaves_nothing_behind(tmp_path, monkeypatch, failing_statements, breaks):
    """Whatever fails (a write, the folding thread, an index build), the import fails and its
    transaction is undone: the records, the schema and the file's integrity are as before."""
    monkeypatch.setattr(bulk, "BULK_ROWS", 50)
    doc = many_positions(full_doc(), 300)
    path = tmp_path / "w.sqlite"
    with new_workspace(path) as ws:
        before_schema = _schema(path)
        before = export_dict(ws)
        with breaks(monkeypatch, failing_statements):
            interchange.import_json(ws, encode(doc))
        monkeypatch.undo()
        assert export_dict(ws) == before
    assert _schema(path) == before_schema and _intact(path)


def test_a_bulk_merge_into_a_workspace_with_records_keeps_the_schema(tmp_path, monkeypatch):
    """Replacing records takes the other path (each table's indexes rebuilt right after its rows)."""
    monkeypatch.setattr(bulk, "BULK_ROWS", 50)
    first = many_positions(full_doc(), 300)
    target = tmp_path / "w.sqlite"
    with new_workspace(target) as ws:
        interchange.import_json(ws, encode({"format": "dossier-interchange", "version": 1,
                                            "parties": full_doc()["parties"]}))
        interchange.import_json(ws, encode(first))
        assert export_dict(ws) == normalised(first)
    assert _schema(target) == _fresh_schema(tmp_path) and _intact(target)


def _index_rows(ws) -> list[tuple[int, str, str]]:
    with ws.db.read() as conn:
        return conn.exec_driver_sql("SELECT rowid, kind, uid FROM search_index ORDER BY rowid").fetchall()


def _import_rows(ws) -> list[tuple[str, str]]:
    with ws.db.read() as conn:
        return conn.exec_driver_sql(
            "SELECT collection, uid FROM history WHERE action = 'import' ORDER BY id").fetchall()


def _merged_doc() -> dict:
    """Replaces two parties and a source of ``full_doc``, adds three parties and a source."""
    return {"format": "dossier-interchange", "version": 1,
            "parties": [{"id": "p-a", "name": "Syria (renamed)", "kind": "state"},
                        {"id": "p-c", "name": "United Nations", "kind": "organization"},
                        *({"id": f"p-new-{i}", "name": f"Newcomer {i}", "kind": "other"} for i in range(3))],
            "sources": [{"id": "s-1", "title": "Report", "reliability": "B", "via": None},
                        {"id": "s-3", "title": "Wire copy", "reliability": "C", "via": "s-1"}]}


@pytest.mark.parametrize("look_up_from", [1, 1_000_000])  # which rows exist: looked up, or each deleted
def test_the_index_holds_one_row_per_record_after_a_merge(tmp_path, monkeypatch, look_up_from):
    from dossier.services.search import search
    from dossier.store.sqlite import fulltext

    monkeypatch.setattr(fulltext, "_LOOK_UP_FROM", look_up_from)
    with new_workspace(tmp_path / "w.sqlite") as ws:
        interchange.import_json(ws, encode(full_doc()))
        with ws.db.write() as conn:  # a stray row where the first new party's entry goes
            next_key = conn.exec_driver_sql("SELECT max(id) + 1 FROM parties").scalar_one()
            conn.exec_driver_sql(
                "INSERT INTO search_index (rowid, kind, uid, label, heading, names, body, fields) "
                "VALUES (?, 'parties', 'stray', 'Stray', 'zebulon', '', '', '{}')",
                (fulltext.rowid_of("parties", next_key),))
        interchange.import_json(ws, encode(_merged_doc()))
        rows = _index_rows(ws)
        held = {(name, r["id"]) for name in COLLECTIONS for r in export_dict(ws)[name]}
        assert sorted((kind, uid) for _, kind, uid in rows) == sorted(held)
        assert [h.id for h in search(ws, "renamed")] == ["p-a"]
        newcomers = [h.id for h in search(ws, "newcomer", collections=["parties"])]
        assert newcomers == ["p-new-0", "p-new-1", "p-new-2"]
        assert search(ws, "zebulon") == [] and search(ws, "united nations")[0].id == "p-c"


def test_an_import_writes_one_history_row_per_record_new_or_replaced(tmp_path):
    with new_workspace(tmp_path / "w.sqlite") as ws:
        interchange.import_json(ws, encode(full_doc()))
        first = _import_rows(ws)
        assert sorted(first) == sorted((name, r["id"]) for name in COLLECTIONS for r in full_doc()[name])
        interchange.import_json(ws, encode(_merged_doc()))
        second = _import_rows(ws)[len(first):]
        merged = _merged_doc()
        assert sorted(second) == sorted((name, r["id"]) for name in ("parties", "sources")
                                        for r in merged[name])


def test_a_merge_sets_and_clears_the_sources_a_source_came_via(tmp_path):
    with new_workspace(tmp_path / "w.sqlite") as ws:
        interchange.import_json(ws, encode(full_doc()))
        interchange.import_json(ws, encode(_merged_doc()))
        out = export_dict(ws)
    assert [(s["id"], s["via"]) for s in out["sources"]] == [("s-1", None), ("s-2", None), ("s-3", "s-1")]


def test_progress_counts_each_collection_then_the_search_index(tmp_path):
    steps: list[tuple[int, int]] = []
    with new_workspace(tmp_path / "w.sqlite") as ws:
        interchange.import_document(ws, interchange.read_document(encode(full_doc())),
                                    progress=lambda done, total: steps.append((done, total)))
    total = len(store.WRITE_ORDER) + 1
    assert steps == [(done, total) for done in range(1, total + 1)]


def test_reading_a_document_runs_no_garbage_collection():
    """However it is called (command line, app, import_json), reading pauses the collector,
    which would otherwise run over and over through the records' new containers."""
    import gc

    data = encode(many_positions(full_doc(), 3000))
    read = []
    assert collections_started([lambda: read.append(interchange.read_document(data))]) <= [1]
    assert len(read[0].positions) == 3000 and gc.isenabled()


def test_text_is_folded_alongside_index_builds_only_when_an_import_only_adds(tmp_path, monkeypatch):
    """Nothing with a statement per row runs beside the folding thread: each row would wait for
    Python's global lock. A merge that replaces records folds first, then writes."""
    from dossier.store.sqlite import fulltext

    calls = []
    original = fulltext.put_all

    def watched(conn, batches, alongside=None):
        if any(batches.values()):  # not a new workspace's empty index being made
            calls.append(alongside)
        return original(conn, batches, alongside)

    monkeypatch.setattr(fulltext, "put_all", watched)
    with new_workspace(tmp_path / "w.sqlite") as ws:
        interchange.import_json(ws, encode(full_doc()))
        interchange.import_json(ws, encode(full_doc()))
    assert len(calls) == 2 and callable(calls[0]) and calls[1] is None
