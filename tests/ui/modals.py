"""Answering the modal boxes and dialogs a test expects, as each one opens."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget


class Modals:
    """Answers the modal widgets a test expects, in order, as each one opens (a dialog shown
    again after it closed counts as opening again).

    Each handler gets the widget and closes it. One beyond those expected is rejected and
    recorded, so a test fails instead of hanging.
    """

    def __init__(self, *handlers):
        self.handlers = list(handlers)
        self.seen: list[QWidget] = []
        self.texts: list[str] = []
        self.unexpected: list[str] = []
        self.running = True
        self._open: list[QWidget] = []  # answered and not closed since
        QTimer.singleShot(0, self._poll)

    def _poll(self) -> None:
        if not self.running:
            return
        self._open = [w for w in self._open if shiboken6.isValid(w) and w.isVisible()]
        widget = QApplication.activeModalWidget()
        if widget is not None and widget.isVisible() and all(widget is not w for w in self._open):
            self._open.append(widget)
            self.seen.append(widget)
            self.texts.append(widget.text() if isinstance(widget, QMessageBox) else widget.windowTitle())
            if self.handlers:
                self.handlers.pop(0)(widget)
            else:
                self.unexpected.append(self.texts[-1])
                widget.reject()
        QTimer.singleShot(10, self._poll)

    def stop(self) -> None:
        self.running = False
        assert not self.unexpected, self.unexpected
        assert not self.handlers, "expected dialogs did not open"


def press(label: str):
    """A handler clicking the message box button whose text is ``label``."""

    def handler(box: QMessageBox) -> None:
        assert box.textFormat() == Qt.TextFormat.PlainText
        button = next((b for b in box.buttons() if b.text().replace("&", "") == label), None)
        assert button is not None, [b.text() for b in box.buttons()]
        button.click()

    return handler


def ok(box: QMessageBox) -> None:
    assert box.textFormat() == Qt.TextFormat.PlainText
    box.accept()
