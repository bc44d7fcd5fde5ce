"""Pieces of record forms: fields that commit when editing ends, error labels, lists, links.

Everything shows user text as plain text. A field reports ``edited`` once the user is
done with it (Enter, Tab, focus elsewhere, an item edited, added or removed), which is
when the pane saves the record.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from dossier.ui.widgets.common import BidiItemDelegate
from dossier.ui.widgets.text import is_rtl


class ErrorLabel(QLabel):
    """A problem with one field, in plain words, shown right under it; hidden when there is none."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setObjectName("fieldError")
        self.setStyleSheet("color: #b3261e;")
        self.hide()

    def show_message(self, message: str | None) -> None:
        self.setText(message or "")
        self.setVisible(bool(message))


def follow_text_direction(edit: QLineEdit) -> None:
    """Lay a line edit out right to left while its text reads right to left."""

    def update(text: str) -> None:
        edit.setLayoutDirection(Qt.LayoutDirection.RightToLeft if is_rtl(text) else Qt.LayoutDirection.LeftToRight)

    edit.textChanged.connect(update)
    update(edit.text())


class LineField(QLineEdit):
    """A one-line text field; ``edited`` when editing ends with a changed value."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._committed = ""
        self.editingFinished.connect(self._finish)
        follow_text_direction(self)

    def set_value(self, value: str | None) -> None:
        self._committed = value or ""
        if self.text() != self._committed:
            self.setText(self._committed)

    def value(self) -> str | None:
        """The text as typed (never trimmed); None when empty."""
        return self.text() or None

    def _finish(self) -> None:
        if self.text() != self._committed:
            self._committed = self.text()
            self.edited.emit()


class TextField(QPlainTextEdit):
    """Multi-line plain text; ``edited`` when it loses focus with a changed value."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._committed = ""
        self.setTabChangesFocus(True)
        self.setMinimumHeight(64)
        self.setMaximumHeight(120)

    def set_value(self, value: str | None) -> None:
        self._committed = value or ""
        if self.toPlainText() != self._committed:
            self.setPlainText(self._committed)
        self._follow_direction()

    def value(self) -> str | None:
        return self.toPlainText() or None

    def _follow_direction(self) -> None:
        option = self.document().defaultTextOption()
        option.setTextDirection(Qt.LayoutDirection.RightToLeft if is_rtl(self.toPlainText())
                                else Qt.LayoutDirection.LeftToRight)
        self.document().setDefaultTextOption(option)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.finish()

    def finish(self) -> None:
        if self.toPlainText() != self._committed:
            self._committed = self.toPlainText()
            self._follow_direction()
            self.edited.emit()


def _beside_add_remove(owner: QWidget, editor: QWidget, add_tip: str, remove_tip: str,
                       on_add, on_remove) -> tuple[QToolButton, QToolButton]:
    """Lay ``editor`` out in ``owner`` with + and − buttons beside it; return the buttons."""
    add_button = _small_button("+", add_tip)
    remove_button = _small_button("−", remove_tip)
    add_button.clicked.connect(on_add)
    remove_button.clicked.connect(on_remove)
    buttons = QVBoxLayout()
    buttons.addWidget(add_button)
    buttons.addWidget(remove_button)
    buttons.addStretch(1)
    layout = QHBoxLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(editor, 1)
    layout.addLayout(buttons)
    return add_button, remove_button


def _small_button(text: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setAutoRaise(False)
    return button


class StringListEditor(QWidget):
    """An editable list of strings (aliases): double-click or F2 edits, + adds, − removes."""

    edited = Signal()

    def __init__(self, placeholder: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.placeholder = placeholder
        self.list = QListWidget()
        self.list.setItemDelegate(BidiItemDelegate(self.list))
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.list.setMaximumHeight(64)
        self.list.itemChanged.connect(self._item_changed)
        self.add_button, self.remove_button = _beside_add_remove(
            self, self.list, self.tr("Add"), self.tr("Remove the selected entry"), self.add_item, self.remove_current)
        self._loading = False

    def set_values(self, values: list[str]) -> None:
        if values == self.values():
            return
        self._loading = True
        self.list.clear()
        for value in values:
            self.list.addItem(self._item(value))
        self._loading = False

    def _item(self, value: str) -> QListWidgetItem:
        item = QListWidgetItem(value)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        return item

    def values(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def add_item(self, value: str | None = None) -> None:
        """Append an entry: ``value`` at once, or an empty one opened for typing."""
        self._loading = True
        item = self._item(value or "")
        self.list.addItem(item)
        self._loading = False
        if value:
            self.edited.emit()
        else:
            self.list.setCurrentItem(item)
            self.list.editItem(item)

    def remove_current(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            self.edited.emit()

    def _item_changed(self, item: QListWidgetItem) -> None:
        if self._loading:
            return
        if not item.text():
            self.list.takeItem(self.list.row(item))
        self.edited.emit()


class ItemTableEditor(QWidget):
    """An editable table of small records (a person's roles): one row each, columns of text."""

    edited = Signal()

    def __init__(self, headers: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setItemDelegate(BidiItemDelegate(self.table))
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(96)
        self.table.itemChanged.connect(self._changed)
        self.add_button, self.remove_button = _beside_add_remove(
            self, self.table, self.tr("Add a row"), self.tr("Remove the selected row"), self.add_row,
            self.remove_current)
        self._loading = False

    def set_rows(self, rows: list[list[str | None]]) -> None:
        if rows == self.rows():
            return
        self._loading = True
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(value or ""))
        self._loading = False

    def rows(self) -> list[list[str | None]]:
        out = []
        for r in range(self.table.rowCount()):
            out.append([(self.table.item(r, c).text() or None) if self.table.item(r, c) else None
                        for c in range(self.table.columnCount())])
        return out

    def add_row(self) -> None:
        self._loading = True
        row = self.table.rowCount()
        self.table.insertRow(row)
        for c in range(self.table.columnCount()):
            self.table.setItem(row, c, QTableWidgetItem(""))
        self._loading = False
        self.table.setCurrentCell(row, 0)
        self.table.editItem(self.table.item(row, 0))

    def remove_current(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.edited.emit()

    def _changed(self, _item: QTableWidgetItem) -> None:
        if not self._loading:
            self.edited.emit()


class LinkList(QListWidget):
    """Records shown as links; clicking one (or Enter) asks to open it."""

    open_record = Signal(str, str)

    def __init__(self, empty_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.empty_text = empty_text
        self.setItemDelegate(BidiItemDelegate(self))
        self.setObjectName("linkList")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.itemActivated.connect(self._activate)
        self.itemClicked.connect(self._activate)

    def set_links(self, links: list[tuple[str, str, str]]) -> None:
        """Each link is ``(collection, id, text)``."""
        self.clear()
        for collection, record_id, text in links:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, (collection, record_id))
            item.setForeground(self.palette().link())
            self.addItem(item)
        if not links:
            item = QListWidgetItem(self.empty_text)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.addItem(item)
        rows = max(1, min(self.count(), 8))
        self.setFixedHeight(rows * (self.fontMetrics().height() + 8) + 6)

    def links(self) -> list[tuple[str, str, str]]:
        out = []
        for i in range(self.count()):
            target = self.item(i).data(Qt.ItemDataRole.UserRole)
            if target:
                out.append((*target, self.item(i).text()))
        return out

    def _activate(self, item: QListWidgetItem) -> None:
        target = item.data(Qt.ItemDataRole.UserRole)
        if target:
            self.open_record.emit(*target)


def section_title(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setObjectName("sectionTitle")
    label.setStyleSheet("font-weight: 600; margin-top: 10px;")
    return label


def push_button(text: str, slot) -> QPushButton:
    button = QPushButton(text)
    button.clicked.connect(lambda _checked=False: slot())
    return button
