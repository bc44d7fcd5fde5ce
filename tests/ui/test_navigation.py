"""Every kind of record a search hit can name opens in place, in the pane that edits it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from dossier.model.records import COLLECTIONS
from dossier.services import records

PANE_OF = {"negotiations": "negotiations", "parties": "parties", "people": "people", "topics": "topics",
           "rounds": "rounds", "positions": "positions", "sources": "sources", "events": "events"}


@pytest.mark.parametrize("collection", sorted(COLLECTIONS))
def test_a_search_hit_of_every_kind_opens_its_record(main_window, qtbot, collection):
    ws = main_window.ctx.ws
    record = records.list_all(ws, collection)[-1]
    main_window.show_pane("timeline" if collection != "events" else "people")
    assert main_window.open_record(collection, record.id)
    pane = main_window.current_pane()
    assert pane.key == PANE_OF[collection]
    assert pane.editor.record.id == record.id
    assert "No pane shows" not in main_window.statusBar().currentMessage()


def test_a_topic_found_by_search_opens_in_the_topics_pane(main_window, qtbot):
    topic = records.list_all(main_window.ctx.ws, "topics")[0]
    box = main_window.search_box
    main_window.focus_search()
    qtbot.keyClicks(box, topic.title.split()[0])
    found = box.run_search()
    row = next(i for i, hit in enumerate(found) if hit.collection == "topics" and hit.id == topic.id)
    box.hits.setCurrentRow(row)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert main_window.current_pane().key == "topics"
    assert main_window.current_pane().editor.record.id == topic.id


def test_no_record_of_the_demo_reads_as_an_unsaved_edit_when_merely_shown(main_window):
    """Showing a record and leaving it must never ask about an edit nobody made."""
    ws = main_window.ctx.ws
    for collection, key in PANE_OF.items():
        for record in records.list_all(ws, collection):
            assert main_window.open_record(collection, record.id), (collection, record.id)
            editor = main_window.pane(key).editor
            assert editor.record.id == record.id
            assert not editor.has_unsaved_edit(), (collection, record.id, editor.local_problems())
