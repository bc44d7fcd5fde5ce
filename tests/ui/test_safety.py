"""Data safety in the desktop app: one writer, read-only windows, damaged files, backups and
restore, full disks, links that open only when asked; and text laid out in its direction.

Everything runs on real workspace files; a real second process holds the lock.
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QStyle
from sqlalchemy import event

from dossier.model.records import Person
from dossier.services import queries, records
from dossier.services.demo import build_demo
from dossier.services.workspace import open_workspace
from dossier.store.sqlite import backups
from dossier.ui.dialogs.restore import RestoreDialog
from dossier.ui.main_window import MainWindow
from dossier.ui.widgets.text import plain_label, set_plain

from modals import Modals as Dialogs
from modals import press as click


# ---------------------------------------------------------------- helpers
def make_demo(path: Path) -> Path:
    ws, _ = build_demo(path)
    ws.close()
    return path


@pytest.fixture
def holder(tmp_path):
    """Start another process that opens a workspace and keeps it open; killed at teardown."""
    started: list[subprocess.Popen] = []

    def start(path: Path) -> subprocess.Popen:
        code = ("import time\n"
                "from dossier.services.workspace import open_workspace\n"
                f"ws = open_workspace({str(path)!r}, daily_backup=False)\n"
                "print('open', flush=True)\n"
                "time.sleep(60)\n")
        proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        started.append(proc)
        assert proc.stdout.readline().strip() == "open"
        return proc

    yield start
    for proc in started:
        proc.kill()
        proc.wait()
        proc.stdout.close()


def cancel(box: QMessageBox) -> None:
    assert box.textFormat() == Qt.TextFormat.PlainText
    box.button(QMessageBox.StandardButton.Cancel).click()


def accept(box: QMessageBox) -> None:
    assert box.textFormat() == Qt.TextFormat.PlainText
    box.accept()


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# ---------------------------------------------------------------- one writer
def test_workspace_held_elsewhere_is_opened_read_only_only_when_asked(main_window, holder, tmp_path, qtbot):
    path = make_demo(tmp_path / "shared" / "talks.sqlite")
    proc = holder(path)
    before = main_window.ctx.ws.path

    # File ▸ Open recent, answered with Cancel: the window keeps its workspace
    main_window.settings.setValue("workspace/recent", [str(path)])
    main_window._fill_recent()
    dialogs = Dialogs(cancel)
    main_window.recent_menu.actions()[0].trigger()
    dialogs.stop()
    assert main_window.ctx.ws.path == before and not main_window.ctx.ws.readonly
    assert "talks.sqlite is open in another Dossier" in dialogs.texts[0]
    assert f"process {proc.pid}" in dialogs.texts[0]
    assert "User: " in dialogs.texts[0] and "Computer: " in dialogs.texts[0] and "Since: " in dialogs.texts[0]

    # again, now choosing to read it
    dialogs = Dialogs(click("Open read-only"))
    assert main_window.switch_workspace(path)
    dialogs.stop()
    ws = main_window.ctx.ws
    assert ws.path == path and ws.readonly and ws.lock is None
    assert main_window.banner.isVisible()
    assert main_window.banner.text().startswith("Read-only: another Dossier holds it (")
    assert "[read-only]" in main_window.windowTitle()
    for action in (main_window.new_action, main_window.delete_action, main_window.import_action,
                   main_window.restore_action, main_window.undo_action, main_window.redo_action):
        assert not action.isEnabled(), action.text()

    # the People form only shows
    pane = main_window.pane("people")
    main_window.show_pane("people")
    editor = pane.editor
    assert editor.record is not None
    name = editor.record.name
    assert editor.name.isReadOnly() and editor.bio.isReadOnly() and not editor.party.isEnabled()
    assert not editor.aliases.add_button.isEnabled() and not editor.roles.remove_button.isEnabled()
    assert editor.profile_button.isEnabled()  # exporting only reads
    assert not pane.filter_edit.isReadOnly()  # filtering and search still work
    editor.name.setFocus()
    qtbot.keyClicks(editor.name, "zzz")
    qtbot.keyClick(editor.name, Qt.Key.Key_Return)
    assert editor.name.text() == name
    main_window.new_action.trigger()
    assert not editor.draft and not pane.new_record()
    assert editor.record is not None and editor.record.name == name

    # the Rounds form too, including widgets it builds for the next round it shows
    main_window.show_pane("rounds")
    rounds = main_window.pane("rounds")
    assert rounds.form.title_edit.isReadOnly() and not rounds.form.status.isEnabled()
    assert not rounds.form.participants.add_button.isEnabled()
    rounds.table.selectRow(0)
    rounds.table.selectRow(rounds.model.rowCount() - 1)
    assert rounds.form.citations.table.rowCount() > 0
    combo = rounds.form.citations.table.cellWidget(0, 0)
    combo.ensurePolished()  # as showing it does
    assert not combo.isEnabled()
    agenda = rounds.form.agenda
    item = agenda.item(0)
    state = item.checkState()
    rect = agenda.visualItemRect(item)
    qtbot.mouseClick(agenda.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.left() + 8, rect.center().y()))
    assert item.checkState() == state
    assert main_window.ctx.undo_stack.count() == 0
    assert proc.poll() is None  # the holder still holds it


# ---------------------------------------------------------------- damaged files
def damage(path: Path) -> bytes:
    data = path.read_bytes()
    cut = data[: len(data) // 2 + 100]  # not a whole number of pages
    path.write_bytes(cut)
    return cut


def test_damaged_workspace_is_left_alone_unless_the_newest_good_backup_is_restored(main_window, tmp_path):
    folder = tmp_path / "damaged"
    path = make_demo(folder / "talks.sqlite")
    backup = backups.daily_backup(path, now=datetime.now() - timedelta(days=1))
    broken = damage(path)
    before = files_in(folder)

    dialogs = Dialogs(cancel)
    assert not main_window.switch_workspace(path)
    dialogs.stop()
    assert "talks.sqlite is damaged: it is cut short" in dialogs.texts[0]
    assert "Dossier has not changed the file" in dialogs.texts[0] and str(backup) in dialogs.texts[0]
    assert files_in(folder) == before  # not a byte written, no file added

    dialogs = Dialogs(click("Restore newest good backup"))
    assert main_window.switch_workspace(path)
    dialogs.stop()
    ws = main_window.ctx.ws
    assert ws.path == path and not ws.readonly
    assert len(queries.list_people(ws)) == 9
    kept = [p for p in folder.iterdir() if re.fullmatch(r"talks\.sqlite\.replaced-\d{8}-\d{6}", p.name)]
    assert len(kept) == 1 and kept[0].read_bytes() == broken  # kept exactly as it was
    message = main_window.statusBar().currentMessage()
    assert "the damaged file was kept as" in message and str(kept[0]) in message


def test_damaged_workspace_without_a_backup_says_so(main_window, tmp_path):
    folder = tmp_path / "nobackup"
    path = make_demo(folder / "talks.sqlite")
    damage(path)
    before = files_in(folder)
    dialogs = Dialogs(accept)
    assert not main_window.switch_workspace(path)
    dialogs.stop()
    assert "No good backup of it was found" in dialogs.texts[0] and "Traceback" not in dialogs.texts[0]
    assert files_in(folder) == before


# ---------------------------------------------------------------- backups and restore
def test_restore_from_backup_lists_backups_and_reopens_the_restored_file(main_window):
    ws = main_window.ctx.ws
    path = ws.path
    good = backups.daily_backup(path, now=datetime.now() - timedelta(days=2))
    bad = backups.backups_dir(path) / f"{path.stem}-{(datetime.now() - timedelta(days=1)):%Y%m%d-%H%M%S}.sqlite"
    bad.write_bytes(b"not a database at all")
    records.create(ws, Person(id="added-later", name="Added Later"))
    main_window.pane("people").reload()
    assert records.exists(ws, "people", "added-later")

    listed: dict = {}

    def choose(dialog: RestoreDialog) -> None:
        table = dialog.table
        listed["rows"] = [[table.item(r, c).text() for c in range(3)] for r in range(table.rowCount())]
        listed["selectable"] = [bool(table.item(r, 0).flags() & Qt.ItemFlag.ItemIsSelectable)
                                for r in range(table.rowCount())]
        assert dialog.chosen() == good
        dialog.restore_button.click()

    dialogs = Dialogs(choose, click("Restore"), accept)
    main_window.restore_action.trigger()
    dialogs.stop()
    assert dialogs.texts[1].startswith(f"Replace the workspace {path.name} with this backup?")

    made = [row[0] for row in listed["rows"]]  # newest first, as YYYY-MM-DD HH:MM
    assert made[0].startswith(f"{datetime.now() - timedelta(days=1):%Y-%m-%d} ")
    assert made[1].startswith(f"{datetime.now() - timedelta(days=2):%Y-%m-%d} ")
    assert listed["rows"][0][2].startswith("Unusable: ") and listed["rows"][1][2] == "Good"
    assert listed["selectable"] == [False, True]
    assert listed["rows"][1][1]  # a size is shown

    ws = main_window.ctx.ws
    assert ws.path == path and ws.lock is not None and ws.lock.held
    assert not records.exists(ws, "people", "added-later")
    assert main_window.pane("people").model.row_of("added-later") is None
    kept = [p for p in path.parent.iterdir() if re.fullmatch(re.escape(path.name) + r"\.replaced-\d{8}-\d{6}", p.name)]
    assert len(kept) == 1
    assert "The workspace as it was before is kept as" in dialogs.texts[2] and str(kept[0]) in dialogs.texts[2]
    with open_workspace(kept[0], readonly=True) as old:
        assert records.exists(old, "people", "added-later")
    assert main_window.ctx.undo_stack.count() == 0


def test_status_bar_tells_of_the_daily_backup_and_of_warnings(main_window, tmp_path):
    path = make_demo(tmp_path / "daily" / "talks.sqlite")
    assert main_window.switch_workspace(path)
    made = main_window.ctx.ws.backup_made
    assert made is not None and made.exists()
    assert f"Daily backup made: {made}" in main_window.statusBar().currentMessage()

    other = make_demo(tmp_path / "nofolder" / "talks.sqlite")
    (other.parent / "backups").write_text("a file where the backups folder would go")
    assert main_window.switch_workspace(other)
    message = main_window.statusBar().currentMessage()
    assert "Warning: the daily backup could not be made" in message


def test_window_on_a_read_only_file_shows_why(qtbot, tmp_path, qsettings_tmp):
    path = make_demo(tmp_path / "talks.sqlite")
    ws = open_workspace(path, readonly=True)
    ws.readonly_reason = "the workspace file is read-only"
    window = MainWindow(ws, qsettings_tmp, persist=False)
    qtbot.addWidget(window)
    window.show()
    assert window.banner.isVisible()
    assert window.banner.text().startswith("Read-only: the workspace file is read-only.")
    assert window.banner.textFormat() == Qt.TextFormat.PlainText
    assert not window.new_action.isEnabled()
    window.close()


# ---------------------------------------------------------------- full disk
HUGE_TEXT = ("a paragraph of biography that goes on and on " * 8 + "\n") * 400  # 145 kB


def cap_database(ws) -> None:
    """Let the database grow by two pages at most: the next big write fails with SQLITE_FULL."""
    with ws.db.read() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()

    @event.listens_for(ws.db.engine, "connect")
    def _cap(dbapi_conn, _record):
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + 2}")

    ws.db.engine.dispose()


def test_full_disk_rolls_the_edit_back_in_the_window_too(main_window):
    ws = main_window.ctx.ws
    pane = main_window.pane("people").editor
    main_window.show_pane("people")
    person_id = pane.record.id
    saved = records.get(ws, "people", person_id)
    stack = main_window.ctx.undo_stack
    count = stack.count()
    cap_database(ws)

    pane.bio.setFocus()
    pane.bio.setPlainText(HUGE_TEXT)
    pane.bio.finish()  # what leaving the field does

    assert "Not saved: " in main_window.statusBar().currentMessage()
    assert "the disk is full" in main_window.statusBar().currentMessage()
    assert pane.general_error.isVisibleTo(pane) and "the disk is full" in pane.general_error.text()
    assert records.get(ws, "people", person_id) == saved
    assert pane.bio.toPlainText() == (saved.bio or "")
    assert pane.record == saved
    assert stack.count() == count

    # a form of the other kind (Rounds) goes back to the saved value as well
    main_window.show_pane("rounds")
    rounds = main_window.pane("rounds")
    round_saved = rounds.form.record
    summary = HUGE_TEXT[:15_000]  # within a summary's limit (longer text is refused before any write)
    assert len(summary) < rounds.form.summary.limit
    rounds.form.summary.setPlainText(summary)
    assert not rounds.form.commit()
    assert rounds.form.summary.value() == (round_saved.summary or "")
    assert "the disk is full" in rounds.form.general_error.text()
    assert records.get(ws, "rounds", round_saved.id) == round_saved
    assert stack.count() == count


# ---------------------------------------------------------------- links
class RecordingDesktop:
    opened: list = []

    @classmethod
    def openUrl(cls, url) -> bool:
        cls.opened.append(url.toString())
        return True


def test_links_open_only_on_a_click_after_showing_the_full_address(main_window, qtbot, monkeypatch):
    import dossier.ui.panes.sources as sources_pane

    RecordingDesktop.opened = []
    monkeypatch.setattr(sources_pane, "QDesktopServices", RecordingDesktop)
    ws = main_window.ctx.ws
    url = "https://example.org/report?id=7&lang=en&title=%3Cb%3Ebold%3C/b%3E#" + "part-" * 30
    source = records.get(ws, "sources", "art-paris-round-5")
    records.update(ws, type(source)(**{**source.__dict__, "url": url}))
    main_window.show_pane("sources")
    pane = main_window.pane("sources")
    assert pane.show_record("sources", "art-paris-round-5")
    assert pane.editor.url.text() == url
    assert RecordingDesktop.opened == []  # showing it opens nothing

    dialogs = Dialogs(cancel)
    qtbot.mouseClick(pane.editor.open_button, Qt.MouseButton.LeftButton)
    dialogs.stop()
    assert url in dialogs.texts[0]  # in full, as plain text (checked by cancel)
    assert RecordingDesktop.opened == []

    dialogs = Dialogs(click("Open"))
    qtbot.mouseClick(pane.editor.open_button, Qt.MouseButton.LeftButton)
    dialogs.stop()
    assert RecordingDesktop.opened == [url]

    for bad in ("file:///etc/passwd", "javascript:alert(1)", "ftp://example.org/x", "smb://host/share"):
        pane.editor.url.setText(bad)
        assert not pane.editor.open_button.isEnabled()
        assert not pane.open_link()
    assert RecordingDesktop.opened == [url]
    # no label anywhere in the window turns text into a link that opens by itself
    assert not [label.objectName() for label in main_window.findChildren(QLabel)
                if label.openExternalLinks() and label.textFormat() != Qt.TextFormat.PlainText]


# ---------------------------------------------------------------- layout fixes
def visual_side(label: QLabel) -> Qt.AlignmentFlag:
    shown = QStyle.visualAlignment(label.layoutDirection(), label.alignment())
    return shown & (Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignRight)


@pytest.mark.parametrize("text, side", [
    ("שלום עולם", Qt.AlignmentFlag.AlignRight),
    ("مرحبا بالعالم (2025)", Qt.AlignmentFlag.AlignRight),
    ("Ron Dermer", Qt.AlignmentFlag.AlignLeft),
    ("", Qt.AlignmentFlag.AlignLeft),
])
def test_right_to_left_labels_line_up_on_the_right(qapp, text, side):
    label = plain_label(text)
    assert visual_side(label) == side
    set_plain(label, "Ron" if side == Qt.AlignmentFlag.AlignRight else "שלום")
    assert visual_side(label) != side  # follows the new text


def test_rounds_list_shows_every_column_without_scrolling_sideways(main_window):
    main_window.resize(1400, 860)
    main_window.show_pane("rounds")
    pane = main_window.pane("rounds")
    QApplication.processEvents()
    assert pane.table.viewport().width() > 0
    keys = [c.key for c in pane.model.columns]
    header = pane.table.horizontalHeader()
    for key in ("number", "title", "dates", "venue", "status"):
        column = keys.index(key)
        assert not pane.table.isColumnHidden(column) and header.sectionSize(column) > 30, key
    assert header.length() <= pane.table.viewport().width()
    assert not pane.table.horizontalScrollBar().isVisible()
    row = pane.model.row_of("round-5")
    assert pane.model.index(row, keys.index("dates")).data() == "5–6 Jan 2026"
    assert pane.model.index(row, keys.index("venue")).data() == "Paris"
