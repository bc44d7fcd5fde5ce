"""An open window on a team workspace follows others' changes again after its connection is
lost: the listening backend terminated, the server restarted, the server down a while.

While the feed is without its connection the status bar says so, and a mark at its right
stays until it is back; then the status bar says "Following changes again", and a change
another analyst saves afterwards shows in the open form.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

import pytest
from modals import Modals as Dialogs
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QLabel

from dossier.model.records import Person
from dossier.services import records
from dossier.services.workspace import open_workspace
from dossier.ui.main_window import MainWindow

# the restartable PostgreSQL server of tests/postgres/test_feed_reconnect.py (and its psycopg fixture)
_spec = importlib.util.spec_from_file_location(
    "postgres_feed_reconnect", Path(__file__).parents[1] / "postgres" / "test_feed_reconnect.py")
_reconnect = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_reconnect)
restartable_server = _reconnect.restartable_server
restartable_url = _reconnect.restartable_url
psycopg = _reconnect._postgres.psycopg

WAIT = 20_000  # milliseconds: the most the window may take to follow changes again (a bound, not a speed test)
LOST = "Changes saved by others cannot be followed for now"
BACK = "Following changes again"


@pytest.fixture
def window_and_b(restartable_url, qtbot, qsettings_tmp, monkeypatch):
    """A's window showing Ron Dermer's form, and B's own workspace on the same database."""
    monkeypatch.setenv("DOSSIER_ANALYST", "Bob")
    ws_b = open_workspace(restartable_url)
    records.create(ws_b, Person(id="ron-dermer", name="Ron Dermer", title="Minister"))
    monkeypatch.setenv("DOSSIER_ANALYST", "Alice")
    dialogs = Dialogs()
    window = MainWindow(open_workspace(restartable_url), qsettings_tmp)
    dialogs.stop()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.show_pane("people")
    assert window.open_record("people", "ron-dermer")
    yield window, ws_b
    if window.ctx is not None:
        window.close()
    ws_b.close()


def b_saves_title(ws_b, title: str) -> None:
    person, version = records.get_versioned(ws_b, "people", "ron-dermer")
    records.update(ws_b, dataclasses.replace(person, title=title), expected_version=version)


def test_the_window_follows_changes_again_after_the_connection_is_lost(window_and_b, restartable_server,
                                                                       restartable_url, qtbot, psycopg):
    window, ws_b = window_and_b
    editor = window.pane("people").editor
    live = window.live
    assert live.running and live.following and live.mark is not None and not live.mark.isVisible()
    said: list[str] = []
    window.statusBar().messageChanged.connect(said.append)

    def lost_then_back() -> None:
        qtbot.waitUntil(lambda: BACK in said, timeout=WAIT)
        assert any(m.startswith(LOST) for m in said[:said.index(BACK)]), said
        assert live.following and not live.mark.isVisible()

    # the listening backend alone is terminated
    pid = live.thread.feed._feed._conn.info.backend_pid
    with psycopg.connect(restartable_url, autocommit=True) as conn:
        assert conn.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]
    lost_then_back()
    b_saves_title(ws_b, "Minister for Strategic Affairs")
    qtbot.waitUntil(lambda: editor.person_title.text() == "Minister for Strategic Affairs", timeout=WAIT)

    # the whole server restarts
    said.clear()
    restartable_server.restart()
    lost_then_back()
    b_saves_title(ws_b, "Former minister")
    qtbot.waitUntil(lambda: editor.person_title.text() == "Former minister", timeout=WAIT)

    # the server is down a while: the mark stays while it is
    said.clear()
    restartable_server._pg_ctl("-m", "fast", "stop")
    try:
        qtbot.waitUntil(lambda: live.mark.isVisible() and not live.following, timeout=WAIT)
        assert any(m.startswith(LOST) for m in said), said
        assert live.mark.text() == "Not following changes" and LOST in live.mark.toolTip()
        qtbot.wait(1500)  # attempts to connect again fail meanwhile: still not following
        assert live.mark.isVisible() and BACK not in said
    finally:
        restartable_server._pg_ctl("start")
    lost_then_back()
    b_saves_title(ws_b, "Ambassador")
    qtbot.waitUntil(lambda: editor.person_title.text() == "Ambassador", timeout=WAIT)

    # stopping takes the mark away with the feed
    window.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert window.statusBar().findChild(QLabel, "liveLostMark") is None
