"""Others' changes reach an open SQLite workspace through ChangeFeed."""

from __future__ import annotations

import threading
import time

from dossier.model import Person
from dossier.services import interchange, live, records
from dossier.services.workspace import open_workspace


def test_the_feed_brings_another_workspaces_changes_but_not_its_own(tmp_path, demo_bytes):
    path = tmp_path / "w.sqlite"
    writer = open_workspace(path, daily_backup=False)
    reader = open_workspace(path, readonly=True)  # a second window on the same file
    theirs, mine = live.ChangeFeed(reader), live.ChangeFeed(writer)
    try:
        assert theirs.poll(0.3) == []
        started = time.monotonic()
        records.create(writer, Person(id="p", name="P"))
        changes = theirs.poll(5)
        assert time.monotonic() - started < 2
        assert len(changes) == 1 and changes[0].changed == {"people": ("p",)} and not changes[0].deleted
        assert mine.poll(0.5) == []  # the writer's own change is not "someone else's"
        records.update(writer, Person(id="p", name="P2"))
        records.delete(writer, "people", "p")
        changes = theirs.poll(5)
        # the history no longer names a deleted record: a delete made elsewhere reloads everything
        assert changes[0].everything
        interchange.import_json(writer, demo_bytes)
        assert theirs.poll(5)[0].everything
        assert theirs.poll(0.3) == []
    finally:
        theirs.close()
        mine.close()
        reader.close()
        writer.close()


def test_closing_ends_a_poll_under_way(empty_workspace):
    feed = live.ChangeFeed(empty_workspace)
    threading.Timer(0.3, feed.close).start()
    started = time.monotonic()
    assert feed.poll(10) == []
    assert time.monotonic() - started < 2
    assert feed.poll(1) == []  # closed: returns at once
