"""An error shown to the user: plain text in a modal box, never a traceback. Light to import:
the window uses it before anything else of the app is loaded."""

from __future__ import annotations


def show_error(parent, title: str, message: str) -> None:
    """A modal error with the message as plain text (never a traceback)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Critical, title, message, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()
