"""Dialogs that do what they show: the PDF export's scope follows the last choice made and
survives a cancelled or failed export; restoring a backup asks first, saying when the backup
was made, its size and what it holds, without changing it.

Real workspace files and real PDFs throughout; modal boxes are answered as they open.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QPushButton

from dossier.errors import WorkspaceError
from dossier.model.records import Person
from dossier.services import records
from dossier.services.backups_info import backup_info
from dossier.services.workspace import backup_workspace, check_workspace, open_workspace
from dossier.store.sqlite import backups
from dossier.ui.dialogs.export_pdf import ExportPdfDialog
from dossier.ui.dialogs.restore import RestoreConfirmation, RestoreDialog, choose_backup
from dossier.ui.workers import _running

from modals import Modals, ok, press

ROUND_ID, ROUND_TITLE = "round-5", "Paris round"
PERSON_ID, PERSON_NAME = "asaad-al-shaybani", "Asaad al-Shaybani"


# ---------------------------------------------------------------- helpers
def pdf_facts(path: Path) -> tuple[int, str, str, str]:
    """Page count, subject, title and first page's text of a PDF."""
    reader = pypdf.PdfReader(str(path))
    meta = reader.metadata
    return len(reader.pages), meta.subject or "", meta.title or "", reader.pages[0].extract_text() or ""


def run_export(dialog: ExportPdfDialog, qtbot, out: Path):
    dialog.path.setText(str(out))
    dialog.export_button.click()
    task = dialog.task
    assert task is not None
    qtbot.waitUntil(lambda: task not in _running, timeout=60_000)  # its outcome handled before
    return task


def pick_from_list(qtbot, combo, index: int) -> None:
    """Choose item ``index`` of a combo box the way a user does: open its list, click the item."""
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible, timeout=5_000)
    rect = view.visualRect(view.model().index(index, combo.modelColumn()))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=5_000)
    assert combo.currentIndex() == index


def type_in_people_box(qtbot, dialog: ExportPdfDialog, text: str) -> None:
    """Type ``text`` over what the people box shows, as a user does with the box focused."""
    dialog.activateWindow()
    dialog.people.setFocus()
    qtbot.waitUntil(dialog.people.hasFocus, timeout=5_000)
    dialog.people.lineEdit().selectAll()
    qtbot.keyClicks(dialog.people, text)


@pytest.fixture
def export_dialog(ctx, qtbot):
    dialog = ExportPdfDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def scope(dialog: ExportPdfDialog) -> str:
    checked = [name for name, button in (("negotiation", dialog.scope_negotiation), ("round", dialog.scope_round),
                                         ("person", dialog.scope_person)) if button.isChecked()]
    assert len(checked) == 1
    return checked[0]


# ---------------------------------------------------------------- Export PDF: the scope shown is the scope written
def test_picking_a_round_exports_its_brief_and_a_person_their_profile(export_dialog, qtbot, tmp_path):
    dialog = export_dialog
    assert scope(dialog) == "negotiation"
    whole = tmp_path / "whole.pdf"
    assert run_export(dialog, qtbot, whole).result
    whole_pages, subject, _title, _text = pdf_facts(whole)
    assert subject == "Negotiation dossier"

    dialog.show()  # the export closed it (accepted); open it again as the user would
    pick_from_list(qtbot, dialog.rounds, dialog.rounds.findData(ROUND_ID))
    assert scope(dialog) == "round"  # picking the round is enough: no radio button clicked
    brief = tmp_path / "brief.pdf"
    task = run_export(dialog, qtbot, brief)
    pages, subject, title, text = pdf_facts(brief)
    assert task.result == pages and subject == "Round brief"
    assert ROUND_TITLE in title and ROUND_TITLE in text and pages != whole_pages

    dialog.show()
    pick_from_list(qtbot, dialog.people, dialog.people.findData(PERSON_ID))
    assert scope(dialog) == "person"
    profile = tmp_path / "profile.pdf"
    task = run_export(dialog, qtbot, profile)
    pages, subject, title, text = pdf_facts(profile)
    assert task.result == pages and subject == "Person profile"
    assert title == f"{PERSON_NAME} — profile" and PERSON_NAME in text and pages != whole_pages


def test_the_scope_follows_the_last_choice_made(export_dialog, qtbot, tmp_path):
    dialog = export_dialog
    first_round = dialog.rounds.findData(ROUND_ID)

    pick_from_list(qtbot, dialog.people, dialog.people.findData("ron-dermer"))
    assert scope(dialog) == "person"
    pick_from_list(qtbot, dialog.rounds, first_round)
    assert scope(dialog) == "round"
    # the round already shown picked again: still a choice of that round
    dialog.scope_person.click()
    assert scope(dialog) == "person"
    pick_from_list(qtbot, dialog.rounds, first_round)
    assert scope(dialog) == "round"

    # a name typed in the editable people box, completed as it is typed, taken with Return
    type_in_people_box(qtbot, dialog, "asaad")
    assert dialog.people.currentText() == "asaad al-Shaybani"  # the completion, not yet taken
    assert scope(dialog) == "person"  # typing in the box is choosing a person
    qtbot.keyClick(dialog.people, Qt.Key.Key_Return)
    assert dialog.people.currentData() == PERSON_ID and dialog.people.currentText() == PERSON_NAME
    assert scope(dialog) == "person" and dialog.isVisible() and dialog.task is None

    # typed, then a round picked: the round (leaving the box takes the name typed, then the round)
    type_in_people_box(qtbot, dialog, "gil")
    assert scope(dialog) == "person"
    pick_from_list(qtbot, dialog.rounds, 0)
    assert scope(dialog) == "round" and dialog.options()["round_id"] == dialog.rounds.itemData(0)
    # a completion picked from the completer, as its list does it
    dialog.people.completer().activated.emit(PERSON_NAME)
    assert scope(dialog) == "person"
    dialog.scope_negotiation.click()
    assert scope(dialog) == "negotiation"
    assert dialog.options()["round_id"] is None and dialog.options()["person_id"] is None

    # a name typed without Return: the profile of the person named, not of the one shown before
    type_in_people_box(qtbot, dialog, "tom b")
    assert scope(dialog) == "person" and dialog.options()["person_id"] == "tom-barrack"
    out = tmp_path / "typed.pdf"
    run_export(dialog, qtbot, out)
    assert pdf_facts(out)[2] == "Tom Barrack — profile"


def test_a_typed_name_nobody_has_is_refused(export_dialog, qtbot, tmp_path):
    dialog = export_dialog
    type_in_people_box(qtbot, dialog, "Nobody Known")
    assert scope(dialog) == "person"
    modals = Modals(ok)
    dialog.path.setText(str(tmp_path / "nobody.pdf"))
    assert dialog.start() is None
    modals.stop()
    assert "No person is named Nobody Known" in modals.texts[0]
    assert dialog.export_button.isEnabled() and not (tmp_path / "nobody.pdf").exists()


def test_cancel_leaves_export_ready_and_a_second_export_succeeds(export_dialog, qtbot, tmp_path):
    dialog = export_dialog
    out = tmp_path / "dossier.pdf"
    dialog.path.setText(str(out))
    dialog.export_button.click()
    task = dialog.task
    assert not dialog.export_button.isEnabled()
    progress = dialog.findChildren(QProgressDialog)
    assert len(progress) == 1
    progress[0].findChild(QPushButton).click()  # its Cancel button (shown once the export takes a while)
    qtbot.waitUntil(lambda: task not in _running, timeout=60_000)
    assert task.was_cancelled and task.error is None
    assert dialog.export_button.isEnabled()
    assert dialog.isVisible() and dialog.result() != dialog.DialogCode.Accepted
    assert QApplication.activeModalWidget() is None or QApplication.activeModalWidget() is dialog
    assert not out.exists()

    task = run_export(dialog, qtbot, out)
    assert not task.was_cancelled and task.error is None
    assert out.exists() and pdf_facts(out)[0] == task.result
    assert dialog.result() == dialog.DialogCode.Accepted


def test_a_failed_export_leaves_export_ready(export_dialog, qtbot, tmp_path):
    dialog = export_dialog
    modals = Modals(ok)
    task = run_export(dialog, qtbot, tmp_path / "no such folder" / "dossier.pdf")
    qtbot.waitUntil(lambda: len(modals.seen) == 1, timeout=5_000)
    modals.stop()
    assert task.error is not None and "Traceback" not in modals.texts[0]
    assert dialog.export_button.isEnabled() and dialog.isVisible()

    out = tmp_path / "dossier.pdf"
    task = run_export(dialog, qtbot, out)
    assert task.error is None and out.exists()


# ---------------------------------------------------------------- restore asks, saying what the backup holds
PLURALS = {"negotiations": "negotiation", "parties": "party", "people": "person", "topics": "topic",
           "rounds": "round", "positions": "position", "sources": "source", "events": "event"}


def counted(collection: str, n: int) -> str:
    return f"{n} {PLURALS[collection] if n == 1 else collection}"


def make_backup(ws, days_ago: int) -> tuple[Path, datetime]:
    made = (datetime.now() - timedelta(days=days_ago)).replace(microsecond=0)
    folder = backups.backups_dir(ws.path)
    folder.mkdir(exist_ok=True)
    target = backup_workspace(ws, folder / f"{ws.path.stem}-{made:%Y%m%d-%H%M%S}.sqlite")
    return target, made


def file_state(path: Path) -> tuple[bytes, int, list[str]]:
    return path.read_bytes(), path.stat().st_mtime_ns, sorted(p.name for p in path.parent.iterdir())


def choose_row(backup: Path):
    def handler(dialog: RestoreDialog) -> None:
        assert isinstance(dialog, RestoreDialog)
        dialog.table.selectRow(dialog.backups.index(backup))
        assert dialog.chosen() == backup
        dialog.restore_button.click()

    return handler


def test_restore_confirmation_shows_the_backups_date_size_and_counts(main_window, qtbot):
    ws = main_window.ctx.ws
    path = ws.path
    backup, made = make_backup(ws, days_ago=2)
    with open_workspace(backup, readonly=True, daily_backup=False) as old:
        expected = check_workspace(old).counts
    # the workspace changes after the backup: the counts shown must be the backup's
    records.create(ws, Person(id="added-later", name="Added Later"))
    records.create(ws, Person(id="added-too", name="Added Too"))
    records.delete(ws, "sources", records.list_all(ws, "sources")[0].id, cascade=True)
    now = check_workspace(ws).counts
    assert now["people"] == expected["people"] + 2 and now["sources"] == expected["sources"] - 1
    before = file_state(backup)

    shown: dict = {}

    def look_then(answer):
        def handler(box: QMessageBox) -> None:
            assert isinstance(box, RestoreConfirmation)
            assert box.textFormat() == Qt.TextFormat.PlainText
            assert box.defaultButton() is box.cancel_button and box.escapeButton() is box.cancel_button
            assert sorted(b.text().replace("&", "") for b in box.buttons()) == ["Cancel", "Restore"]
            shown["text"] = box.text()
            answer(box)

        return handler

    # Cancel: nothing replaced, the same workspace still open
    modals = Modals(choose_row(backup), look_then(press("Cancel")))
    assert main_window.restore_from_backup() is False
    modals.stop()
    text = shown["text"]
    assert f"Made: {made:%Y-%m-%d %H:%M}" in text
    assert f"Size: {QLocale().formattedDataSize(backup.stat().st_size)}" in text
    holds = ", ".join(counted(c, expected[c]) for c in PLURALS)
    assert f"Holds: {holds}" in text, text
    assert counted("people", now["people"]) not in text and counted("sources", now["sources"]) not in text
    assert "1 negotiation," in text and "9 people" in text  # plain words, one and many
    assert f"{path.name}.replaced-" in text and "replaced" in text and "copy" in text
    assert main_window.ctx.ws is ws and not ws.closed
    assert records.exists(ws, "people", "added-later")
    assert not [p for p in path.parent.iterdir() if ".replaced-" in p.name]
    assert file_state(backup) == before  # counting read the backup only

    # Restore: the backup is put in place, the replaced workspace kept
    modals = Modals(choose_row(backup), look_then(press("Restore")), ok)
    assert main_window.restore_from_backup() is True
    modals.stop()
    restored = main_window.ctx.ws
    assert restored.path == path and not records.exists(restored, "people", "added-later")
    assert check_workspace(restored).counts == expected
    assert len([p for p in path.parent.iterdir() if ".replaced-" in p.name and not p.name.endswith(".old")]) == 1
    assert file_state(backup)[0] == before[0]


def test_choose_backup_returns_the_backup_only_when_restore_is_pressed(main_window, qtbot):
    ws = main_window.ctx.ws
    older, _ = make_backup(ws, days_ago=3)
    newer, _ = make_backup(ws, days_ago=1)

    modals = Modals(choose_row(older), press("Restore"))
    assert choose_backup(main_window, ws.path) == older
    modals.stop()
    assert "Made: " in modals.texts[1]

    modals = Modals(choose_row(newer), press("Cancel"))
    assert choose_backup(main_window, ws.path) is None
    modals.stop()

    # closing the box without a choice (Esc, the window's close button) is Cancel too
    modals = Modals(choose_row(newer), lambda box: box.reject())
    assert choose_backup(main_window, ws.path) is None
    modals.stop()


def test_an_unreadable_backup_says_why_and_cannot_be_restored(main_window, qtbot):
    ws = main_window.ctx.ws
    good, _ = make_backup(ws, days_ago=3)
    newer, _ = make_backup(ws, days_ago=1)
    # a backup this version cannot read: a newer schema
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    before = file_state(newer)

    states: list[list[str]] = []

    def list_shows_it_unusable_then_cancel(dialog: RestoreDialog) -> None:
        states.append([dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount())])
        row = dialog.backups.index(newer)
        assert not dialog.table.item(row, 0).flags() & Qt.ItemFlag.ItemIsSelectable
        dialog.table.selectRow(row)
        assert dialog.chosen() is None and not dialog.restore_button.isEnabled()
        dialog.reject()

    modals = Modals(list_shows_it_unusable_then_cancel)  # the list says so before it is chosen
    assert choose_backup(main_window, ws.path) is None
    modals.stop()
    assert states[0][dialog_row(ws, newer)].startswith("Unusable: ")
    assert "newer" in states[0][dialog_row(ws, newer)]
    assert file_state(newer) == before

    # a cut-short backup is refused by the service too, and left as it was
    data = good.read_bytes()
    good.write_bytes(data[: len(data) // 2 + 100])
    cut = file_state(good)
    with pytest.raises(WorkspaceError) as info:
        backup_info(good)
    assert "is damaged" in str(info.value) and "cut short" in str(info.value)
    assert file_state(good) == cut


def dialog_row(ws, backup: Path) -> int:
    return backups.list_backups(ws.path).index(backup)


def test_backup_info_counts_without_changing_the_file(demo_ws, tmp_path):
    target = backup_workspace(demo_ws, tmp_path / "copy.sqlite")
    before = file_state(target)
    info = backup_info(target)
    assert info.counts == check_workspace(demo_ws).counts
    assert info.size == target.stat().st_size and info.path == target and info.made_at is not None
    assert file_state(target) == before
