"""A table of list entries (citations, participants) with Add and Remove, reporting each edit."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
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


def choice_model(choices: list[tuple[str, object]], parent: QObject) -> QStandardItemModel:
    """(text, data) choices as one model that many combo boxes can share (see ``choice_combo``)."""
    model = QStandardItemModel(parent)
    for text, data in choices:
        item = QStandardItem(text)
        item.setData(data, Qt.ItemDataRole.UserRole)
        model.appendRow(item)
    return model


#: Longer lists than this are not measured item by item to size their combo box.
_MEASURED_CHOICES = 200


def fit_long_list(combo: QComboBox) -> None:
    """Size a combo box of thousands of choices (people, sources) without measuring each one."""
    if combo.count() > _MEASURED_CHOICES:
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(24)


def choice_combo(choices: list[tuple[str, object]] | QStandardItemModel, current: object,
                 parent: QWidget | None = None) -> QComboBox:
    """A combo box of (text, data) choices with ``current`` selected (added when unknown).

    ``choices`` may be a shared ``choice_model``: a table of citations then holds one list
    of thousands of sources, not one per row.
    """
    combo = QComboBox(parent)
    if isinstance(choices, QStandardItemModel):
        combo.setModel(choices)
    else:
        for text, data in choices:
            combo.addItem(text, data)
    fit_long_list(combo)
    index = combo.findData(current)
    if index < 0 and current is not None:
        combo.addItem(str(current), current)
        index = combo.count() - 1
    combo.setCurrentIndex(max(index, 0))
    combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return combo
