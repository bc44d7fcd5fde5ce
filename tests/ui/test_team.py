"""Team workspaces in the desktop app: two analysts on one PostgreSQL database.

Analyst A works in the real main window; analyst B is a second open workspace on the
same database, saving through the services as B's own Dossier would. A never
overwrites B without being shown B's change; B's changes appear in A's window while it
is open; each record's history says who changed what.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from dossier.model.records import Party, Person
from dossier.services import records
from dossier.services.workspace import open_workspace
from dossier.ui.dialogs.conflict import conflict_text
from dossier.ui.dialogs.history import HistoryDialog
from dossier.ui.dialogs.team_workspace import address_problem, with_password, without_password
from dossier.ui.main_window import MainWindow
from modals import Modals as Dialogs
from modals import press as click

# the PostgreSQL server of tests/postgres, for these tests too
_spec = importlib.util.spec_from_file_location("postgres_fixtures", Path(__file__).parents[1] / "postgres" / "conftest.py")
_postgres = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_postgres)
postgres_server = _postgres.postgres_server
pg_url = _postgres.pg_url

WAIT = 10_000  # milliseconds: the most a change may take to show (a bound, not a speed test)


def seed(ws) -> None:
    records.create(ws, Party(id="il", name="Israel", country="IL"))
    records.create(ws, Person(id="ron-dermer", name="Ron Dermer", party="il", title="Minister"))
    records.create(ws, Person(id="yechiel-leiter", name="Yechiel Leiter", party="il", title="Ambassador"))


class SameFileAnalyst:
    """Analyst B on an SQLite workspace, which only one Dossier may write: B's saves go through
    A's open workspace under B's name, unannounced to A's window, as a save by another
    program would be."""

    def __init__(self, window: MainWindow):
        self.window = window

    def write(self, action):
        ctx = self.window.ctx
        db = ctx.ws.db
        name, db.analyst = db.analyst, "Bob"
        ctx.detach()
        try:
            return action(ctx.ws)
        finally:
            ctx.ws.subscribe(ctx._on_change)
            db.analyst = name


class ServerAnalyst:
    """Analyst B on the team's PostgreSQL database: a workspace of B's own."""

    def __init__(self, ws):
        self.ws = ws

    def write(self, action):
        return action(self.ws)


@pytest.fixture(params=["sqlite", "postgresql"])
def team(request, tmp_path, qtbot, qsettings_tmp, monkeypatch):
    """A's main window on a workspace with a few people, and analyst B who saves to it too."""
    monkeypatch.setenv("DOSSIER_ANALYST", "Bob")
    if request.param == "sqlite":
        target = tmp_path / "team.sqlite"
        ws = open_workspace(target)
        seed(ws)
        ws.close()
        ws_b = None
    else:
        target = request.getfixturevalue("pg_url")
        ws_b = open_workspace(target)
        seed(ws_b)
    monkeypatch.setenv("DOSSIER_ANALYST", "Alice")
    dialogs = Dialogs()  # none expected while opening; a refusal is reported, never waited on
    window = MainWindow(open_workspace(target), qsettings_tmp)
    dialogs.stop()
    qtbot.addWidget(window)
    window.resize(1400, 860)
    window.show()
    qtbot.waitExposed(window)
    window.show_pane("people")
    b = SameFileAnalyst(window) if ws_b is None else ServerAnalyst(ws_b)
    yield window, b
    if window.ctx is not None:
        window.close()
    if ws_b is not None:
        ws_b.close()


def show_person(window: MainWindow, person_id: str):
    """Open the person in A's People pane; its editor."""
    editor = window.pane("people").editor
    assert window.open_record("people", person_id)
    assert editor.record.id == person_id
    return editor


def type_into(qtbot, field, text: str) -> None:
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def b_saves(b, person_id: str, **fields):
    def save(ws):
        person, version = records.get_versioned(ws, "people", person_id)
        return records.update(ws, dataclasses.replace(person, **fields), expected_version=version)

    return b.write(save)


def b_reads(b, person_id: str):
    return b.write(lambda ws: records.get(ws, "people", person_id))


# ---------------------------------------------------------------- no silent overwrite
def test_a_save_over_someone_elses_change_shows_it_and_reapplies_mine_on_top(team, qtbot):
    window_a, b = team
    pane = show_person(window_a, "ron-dermer")
    b_saves(b, "ron-dermer", title="Minister of Strategic Affairs", bio="Born in Miami.")

    dialogs = Dialogs(click("Re-apply mine"))
    type_into(qtbot, pane.person_title, "Former minister")
    dialogs.stop()
    text = dialogs.texts[0]
    assert "Bob changed the person “Ron Dermer”" in text
    assert "Title\n    theirs:\n      Minister of Strategic Affairs\n    yours:\n      Former minister" in text
    assert "Biography\n    theirs:\n      Born in Miami.\n    yours: unchanged" in text

    saved, version = b.write(lambda ws: records.get_versioned(ws, "people", "ron-dermer"))
    assert saved.title == "Former minister"  # mine
    assert saved.bio == "Born in Miami."  # theirs, kept: re-applying mine changed only what I changed
    assert pane.version == version and pane.person_title.text() == "Former minister"
    assert pane.bio.toPlainText() == "Born in Miami."
    assert window_a.ctx.undo_stack.count() == 1  # one undoable command

    # undo puts back their version, not the one I first opened
    window_a.undo_action.trigger()
    assert b_reads(b, "ron-dermer").title == "Minister of Strategic Affairs"


def test_keep_theirs_reloads_the_form_with_their_record(team, qtbot):
    window_a, b = team
    pane = show_person(window_a, "ron-dermer")
    b_saves(b, "ron-dermer", name="Ron Dermer (Minister)")

    dialogs = Dialogs(click("Keep theirs"))
    type_into(qtbot, pane.name, "R. Dermer")
    dialogs.stop()
    assert "What Bob changed:\n  Name\n    theirs:\n      Ron Dermer (Minister)\n    yours:\n      R. Dermer" \
        in dialogs.texts[0]
    assert b_reads(b, "ron-dermer").name == "Ron Dermer (Minister)"
    assert pane.name.text() == "Ron Dermer (Minister)"
    assert pane.version == b.write(lambda ws: records.get_versioned(ws, "people", "ron-dermer"))[1]
    assert window_a.ctx.undo_stack.count() == 0

    # the next edit is based on their version: saved without asking
    dialogs = Dialogs()
    type_into(qtbot, pane.name, "Ron Dermer")
    dialogs.stop()
    assert b_reads(b, "ron-dermer").name == "Ron Dermer"


def test_undo_after_someone_else_changed_the_record_is_refused(team, qtbot):
    window_a, b = team
    pane = show_person(window_a, "yechiel-leiter")
    type_into(qtbot, pane.person_title, "Ambassador to the United States")
    assert window_a.ctx.undo_stack.canUndo()
    b_saves(b, "yechiel-leiter", title="Head of delegation")

    window_a.undo_action.trigger()
    assert b_reads(b, "yechiel-leiter").title == "Head of delegation"
    message = window_a.statusBar().currentMessage()
    # the undo step names the person, as written
    assert message.startswith("Could not edit person “Yechiel Leiter”: Bob changed it at "), message
    assert message.endswith("; their version is kept"), message
    assert not window_a.ctx.undo_stack.canUndo() and not window_a.ctx.undo_stack.canRedo()


def test_conflict_text_for_a_record_deleted_meanwhile():
    from dossier.errors import StaleRecordError

    before = Person(id="p", name="<b>Ann</b>", title="Envoy")
    mine = dataclasses.replace(before, title="Special envoy")
    text = conflict_text(StaleRecordError("people", "p", None, None, "Bob", "2026-05-01T09:15:00Z"),
                         before, mine)
    assert text.startswith("Bob deleted the person “<b>Ann</b>” at ")
    assert "Re-create mine" in text


# ---------------------------------------------------------------- live refresh
@pytest.fixture(params=["sqlite", "postgresql"])
def watcher(request, tmp_path, qtbot, qsettings_tmp, monkeypatch):
    """A's window, and B's own workspace saving to the same database.

    On SQLite, where one Dossier writes at a time, B holds the file and A reads it.
    """
    monkeypatch.setenv("DOSSIER_ANALYST", "Bob")
    target = tmp_path / "team.sqlite" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    ws_b = open_workspace(target)
    seed(ws_b)
    monkeypatch.setenv("DOSSIER_ANALYST", "Alice")
    dialogs = Dialogs()
    window = MainWindow(open_workspace(target, readonly=request.param == "sqlite"), qsettings_tmp)
    dialogs.stop()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.show_pane("people")
    yield window, ws_b
    if window.ctx is not None:
        window.close()
    ws_b.close()


def test_changes_by_others_appear_in_the_open_window(watcher, qtbot):
    window_a, ws_b = watcher
    pane = window_a.pane("people")
    editor = pane.editor
    live_thread = window_a.live.thread
    assert window_a.live.running

    records.create(ws_b, Person(id="ahmad-al-sharaa", name="Ahmad al-Sharaa"))
    qtbot.waitUntil(lambda: "ahmad-al-sharaa" in [pane.model.record_id(r) for r in range(pane.model.rowCount())],
                    timeout=WAIT)

    # a form without an unsaved edit reloads the record
    show_person(window_a, "ron-dermer")
    b_saves(ServerAnalyst(ws_b), "ron-dermer", title="Minister for Strategic Affairs")
    qtbot.waitUntil(lambda: editor.person_title.text() == "Minister for Strategic Affairs", timeout=WAIT)
    assert not editor.remote_note.isVisible()

    # one with an edit in progress keeps it and says who changed the record
    editor.name.setText("Ron Dermer, typing")
    b_saves(ServerAnalyst(ws_b), "ron-dermer", bio="Former ambassador.")
    qtbot.waitUntil(editor.remote_note.isVisible, timeout=WAIT)
    assert editor.remote_note.text().startswith("Changed by Bob (")
    assert editor.remote_note.text().endswith("your edit will be checked when you save")
    assert editor.name.text() == "Ron Dermer, typing"
    assert editor.bio.toPlainText() == ""

    # closing the window ends the thread
    editor.name.setText("Ron Dermer")  # nothing left to save on the way out
    window_a.close()
    assert window_a.live is None and not live_thread.isRunning()


# ---------------------------------------------------------------- history
def test_history_lists_who_changed_what_newest_first(team, qtbot):
    window_a, b = team
    pane = show_person(window_a, "ron-dermer")
    type_into(qtbot, pane.person_title, "<i>Former</i> minister")

    dialog = HistoryDialog(window_a.ctx.ws, "people", "ron-dermer", "Ron Dermer", window_a)
    qtbot.addWidget(dialog)
    tree = dialog.tree
    assert tree.topLevelItemCount() == 2
    newest, oldest = tree.topLevelItem(0), tree.topLevelItem(1)
    logins = [entry.login for entry in dialog.entries]
    assert all(logins)  # every entry names the login that wrote it, beside the declared name
    assert (newest.text(1), newest.text(2)) == (f"Alice (login {logins[0]})", "Changed: Title")
    assert (oldest.text(1), oldest.text(2)) == (f"Bob (login {logins[1]})", "Created")
    assert newest.childCount() == 1
    assert newest.child(0).text(0) == "Title: Minister → <i>Former</i> minister"
    assert "Name: Ron Dermer" in [oldest.child(i).text(0) for i in range(oldest.childCount())]
    assert "before:\n    Minister\n  after:\n    <i>Former</i> minister" in dialog.detail.toPlainText()

    # the form's button opens it
    seen = []

    def look(d):
        seen.append(d.tree.topLevelItemCount())
        d.reject()

    dialogs = Dialogs(look)
    pane.history_button.click()
    dialogs.stop()
    assert seen == [2]


# ---------------------------------------------------------------- opening a team workspace
def test_open_team_workspace_shows_its_address_and_keeps_no_password(main_window, pg_url, qtbot):
    secret = with_password(pg_url, "s3cret!")
    assert "s3cret" in secret and without_password(secret) == pg_url
    dialogs = Dialogs()
    assert main_window.switch_workspace(secret)  # the test server trusts any password
    dialogs.stop()
    ws = main_window.ctx.ws
    assert ws.is_shared and "s3cret" not in ws.location and without_password(ws.location) == pg_url
    assert ws.location in main_window.windowTitle() and "(shared)" in main_window.windowTitle()
    assert "s3cret" not in main_window.windowTitle()
    assert main_window.workspace_label.text() == ws.location
    assert main_window.shared_label.isVisible() and main_window.shared_label.text() == "Shared"
    assert not main_window.backup_action.isEnabled() and not main_window.restore_action.isEnabled()
    assert main_window.live.running
    main_window.save_settings()
    assert main_window.recent_files()[0] == pg_url
    stored = Path(main_window.settings.fileName()).read_text(encoding="utf-8")
    assert "s3cret" not in stored

    # back to a file: the file items come back, the mark goes
    main_window.settings.setValue("workspace/recent", [pg_url])
    main_window._fill_recent()
    assert main_window.recent_menu.actions()[0].text() == pg_url


def test_unreachable_server_is_said_plainly(main_window):
    before = main_window.ctx.ws
    dialogs = Dialogs(click("OK"))
    assert not main_window.switch_workspace("postgresql://analyst@127.0.0.1:1/dossier")
    dialogs.stop()
    assert "cannot be reached" in dialogs.texts[0] and "Traceback" not in dialogs.texts[0]
    assert main_window.ctx.ws is before


def test_addresses_are_checked_before_connecting():
    assert address_problem("postgresql://analyst@db.example.org:5432/dossier") is None
    assert "starts with postgresql://" in address_problem("mysql://x@y/z")
    assert "names no database" in address_problem("postgresql://analyst@db.example.org:5432/")
