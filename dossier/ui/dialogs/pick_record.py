"""Choosing one record from a list that can be searched by typing (a person, a position…)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dossier.model.search_text import fold
from dossier.ui.widgets.text import plain_label, plain_tooltip


class RecordPicker(QDialog):
    """A filter line over a list of ``(collection, id, text)`` choices; ``chosen()`` after OK.

    ``extra`` is a widget shown under the list (a citation's credibility, say)."""

    def __init__(self, title: str, prompt: str, choices: list[tuple[str, str, str]], parent: QWidget | None = None,
                 *, extra: QWidget | None = None, ok_text: str | None = None):
        super().__init__(parent)
        self.setObjectName("recordPicker")
        self.setWindowTitle(title)
        self.resize(560, 480)
        self.filter = QLineEdit(self)
        self.filter.setObjectName("pickerFilter")
        self.filter.setClearButtonEnabled(True)
        self.filter.setPlaceholderText(self.tr("Type to filter…"))
        self.list = QListWidget(self)
        self.list.setObjectName("pickerList")
        self.list.setWordWrap(True)
        self._folded: list[str] = []
        for collection, record_id, text in choices:
            item = QListWidgetItem(text)  # an item shows its text as text, never as markup
            item.setData(Qt.ItemDataRole.UserRole, (collection, record_id))
            item.setToolTip(plain_tooltip(text))
            self.list.addItem(item)
            self._folded.append(fold(text))
        self.empty = QLabel(self.tr("Nothing to choose from."), self)
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setVisible(not choices)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        if ok_text:
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(prompt, self, wrap=True))
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        if extra is not None:
            layout.addWidget(extra)
        layout.addWidget(self.buttons)
        self.filter.textChanged.connect(self._filter)
        self.list.currentItemChanged.connect(lambda *_: self._update_ok())
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        self.filter.returnPressed.connect(self._accept_if_chosen)
        if self.list.count():
            self.list.setCurrentRow(0)
        self._update_ok()
        self.filter.setFocus()

    def _filter(self, text: str) -> None:
        words = fold(text).split()
        first = None
        for row, folded in enumerate(self._folded):
            item = self.list.item(row)
            shown = all(word in folded for word in words)
            item.setHidden(not shown)
            if shown and first is None:
                first = item
        current = self.list.currentItem()
        if current is None or current.isHidden():
            self.list.setCurrentItem(first)
        self._update_ok()

    def _update_ok(self) -> None:
        item = self.list.currentItem()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(item is not None and not item.isHidden())

    def _accept_if_chosen(self) -> None:
        if self.chosen() is not None:
            self.accept()

    def choose(self, record_id: str) -> bool:
        """Make the row of ``record_id`` the current one (for the keyboard, and for tests)."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole)[1] == record_id and not item.isHidden():
                self.list.setCurrentItem(item)
                return True
        return False

    def chosen(self) -> tuple[str, str] | None:
        item = self.list.currentItem()
        if item is None or item.isHidden():
            return None
        return item.data(Qt.ItemDataRole.UserRole)
