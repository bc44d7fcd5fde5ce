"""A table of list entries (citations, participants) with Add and Remove, reporting each edit."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)


class ListEditor(QWidget):
    """Rows in a table; ``sig_edited`` carries the undo text of each change the user makes."""

    sig_edited = Signal(str)

    def __init__(self, headers: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.table = QTableWidget(0, len(headers), self)
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 14)
        self.table.setMinimumHeight(110)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.remove_button.clicked.connect(self._remove_clicked)
        self.buttons = QHBoxLayout()
        self.buttons.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(self.buttons)
        self._loading = False

    def finish_buttons(self) -> None:
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.remove_button)

    def _remove_clicked(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        self.table.removeRow(row)
        self.sig_edited.emit(self.remove_text())

    def remove_text(self) -> str:
        raise NotImplementedError

    def _changed(self, text: str) -> None:
        if not self._loading:
            self.sig_edited.emit(text)


def choice_combo(choices: list[tuple[str, object]], current: object, parent: QWidget | None = None) -> QComboBox:
    """A combo box of (text, data) choices with ``current`` selected (added when unknown)."""
    combo = QComboBox(parent)
    for text, data in choices:
        combo.addItem(text, data)
    index = combo.findData(current)
    if index < 0 and current is not None:
        combo.addItem(str(current), current)
        index = combo.count() - 1
    combo.setCurrentIndex(max(index, 0))
    combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return combo
