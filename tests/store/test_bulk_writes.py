"""Store helpers of bulk writes: looking up many records' keys, the page cache of a bulk write."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from dossier.model import Party
from dossier.services.workspace import open_workspace
from dossier.store import rows as store
from dossier.store.rows import keys as store_keys
from dossier.store.sqlite import bulk


@pytest.fixture
def workspace_with_parties(tmp_path):
    ws = open_workspace(tmp_path / "w.sqlite")
    with ws.db.write() as conn:
        store.write_records(conn, "parties", [Party(id=f"p-{i:03d}", name=f"Party {i}") for i in range(40)])
    yield ws
    ws.close()


ASKED = [f"p-{i:03d}" for i in range(0, 40, 3)] + ["p-999", "nobody"]


@pytest.mark.parametrize("whole_map_from, rows_per_id, whole_map", [
    (1_000_000, 4, False),  # few ids: asked for
    (2, 4, True),  # many ids, and the table holds at most 4 rows for each: the whole map is read
    (2, 1, False),  # many ids, but the table is much larger: asked for all the same
])
def test_keys_are_the_same_however_they_are_looked_up(workspace_with_parties, monkeypatch,
                                                       whole_map_from, rows_per_id, whole_map):
    ws = workspace_with_parties
    with ws.db.read() as conn:
        expected = dict(conn.exec_driver_sql("SELECT uid, id FROM parties WHERE uid IN "
                                             f"({', '.join('?' * len(ASKED))})", tuple(ASKED)).fetchall())
    monkeypatch.setattr(store_keys, "_WHOLE_MAP_FROM", whole_map_from)
    monkeypatch.setattr(store_keys, "_WHOLE_MAP_ROWS_PER_ID", rows_per_id)
    statements: list[str] = []
    event.listen(ws.db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with ws.db.read() as conn:
        assert store.keys_for(conn, "parties", iter(ASKED)) == expected
        assert len(expected) == len(ASKED) - 2
        assert store.keys_for(conn, "people", ASKED) == {}  # an empty table
    asked_for = [s for s in statements if "FROM parties" in s and "IN (" in s]
    assert bool(asked_for) is not whole_map


def _cache_size(conn) -> int:
    return conn.exec_driver_sql("PRAGMA cache_size").scalar_one()


def test_a_bulk_write_has_a_larger_page_cache_and_gives_it_back(workspace_with_parties):
    ws = workspace_with_parties
    with ws.db.write() as conn:
        usual = _cache_size(conn)
        with store.bulk_page_cache(conn):
            assert _cache_size(conn) == -bulk.BULK_CACHE_KIB != usual
        assert _cache_size(conn) == usual
        with pytest.raises(ZeroDivisionError), store.bulk_page_cache(conn):
            1 / 0
        assert _cache_size(conn) == usual
