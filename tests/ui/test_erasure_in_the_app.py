"""Deleted means gone in the app too: a delete can be undone while the window is open (the
undo command keeps what it needs in memory), and once the window is closed no file in the
workspace's folder holds the deleted person's text or id."""

from __future__ import annotations

from erasure_scan import PERSON, found, involve, needles, person
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from dossier.services import history, records


def _answer_next_dialog(button_text: str) -> None:
    def click():
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox) and box.textFormat() == Qt.TextFormat.PlainText
        next(b for b in box.buttons() if b.text().replace("&", "") == button_text).click()

    QTimer.singleShot(0, click)


def test_a_delete_undone_and_done_again_in_the_app_leaves_nothing_once_closed(main_window, tmp_path):
    ws = main_window.ctx.ws
    records.create(ws, person())
    involve(ws)
    assert found(tmp_path, needles())  # written (to the log, or the file)
    main_window.show_pane("people")
    pane = main_window.pane("people")
    pane.show_record("people", PERSON)

    _answer_next_dialog("Delete")
    pane.delete_selected()
    assert not records.exists(ws, "people", PERSON)
    assert history.for_record(ws, "people", PERSON) == []

    main_window.undo_action.trigger()  # the app kept what the delete took, in memory
    assert records.get(ws, "people", PERSON) == person()
    assert any(p.person == PERSON and p.role == "Plumbagoid liaison"
               for p in records.get(ws, "rounds", "round-2").participants)
    assert records.get(ws, "rounds", "round-2").mediator == PERSON
    assert PERSON in records.get(ws, "events", "ev-miami-meeting").people

    main_window.redo_action.trigger()
    assert not records.exists(ws, "people", PERSON)
    main_window.close()
    assert ws.closed

    assert found(tmp_path, needles()) == {}
