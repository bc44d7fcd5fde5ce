"""The fields of a record editor (``dossier.ui.widgets.editor``).

Every field shows user text as plain text, in its own direction, and has the same small
interface: ``set_value``/``value``, an ``edited`` signal sent once the user is done with
a changed value (Enter, Tab, focus elsewhere, an item picked, added or removed), and
``problem()``: what is wrong with what was typed, in the form's words, before anything is
asked of the workspace (a date that is not one, a number that is not whole, a name far
too long). Nothing typed is ever cut: text over a field's limit stays in the field,
with a message, and is not saved.

Just past 500 lines: one module for the field kinds, which share the same loaded-text and
limit rules.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
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

from dossier.model.dates import PartialDate
from dossier.ui.messages import date_problem as describe_date_problem
from dossier.ui.translate import translator
from dossier.ui.widgets.common import BidiItemDelegate
from dossier.ui.widgets.text import is_rtl, plain_tooltip

#: Longest text a one-line field takes (a name, a title, a venue); longer text belongs in notes.
LINE_LIMIT = 300
#: Longest text of a summary or description.
SUMMARY_LIMIT = 20_000
#: Longest text of notes and biographies: about 500 printed pages.
NOTES_LIMIT = 1_000_000
#: What a QLineEdit holds at most, set far above every limit so that Qt never cuts a paste.
_NEVER_CUT = 1 << 28


tr = translator("fields")


def too_long(length: int, limit: int, where: str) -> str:
    return tr("{0:,} characters is too long; at most {1:,} fit here — {2}").format(length, limit, where)


#: an item's text as Qt shows it and the value it was loaded from: Qt drops U+FEFF and U+FFFE, and
#: a cell's value is read without the spaces around it, so untouched, the value comes back as loaded
LOADED = Qt.ItemDataRole.UserRole + 1


def cell_value(item: QTableWidgetItem | None) -> str | None:
    """The cell's value: as loaded while its text is untouched, else its text without the spaces
    around it (None when empty)."""
    if item is None:
        return None
    loaded = item.data(LOADED)
    if loaded is not None and loaded[0] == item.text():
        return loaded[1]
    return item.text().strip() or None


def date_problem(text: str | None) -> str | None:
    """Why ``text`` is not a date the rules accept, in the words the rules' messages use
    (``messages.date_problem``); None when it is one (or empty)."""
    if not text:
        return None
    try:
        PartialDate.parse(text)
    except ValueError as exc:
        return describe_date_problem(str(exc)) or str(exc)
    return None


def follow_text_direction(edit: QLineEdit) -> None:
    """Lay a line edit out right to left while its text reads right to left."""

    def update(text: str) -> None:
        edit.setLayoutDirection(Qt.LayoutDirection.RightToLeft if is_rtl(text) else Qt.LayoutDirection.LeftToRight)

    edit.textChanged.connect(update)
    update(edit.text())


class LineField(QLineEdit):
    """One line of text; ``edited`` when editing ends with a changed value.

    ``value()`` is the text without the spaces around it (None when empty), except that
    text loaded and left untouched comes back exactly as it was stored.
    """

    edited = Signal()

    def __init__(self, limit: int = LINE_LIMIT, placeholder: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.limit = limit
        self._loaded: str | None = None
        self._shown = self._committed = ""
        self.setMaxLength(_NEVER_CUT)
        self.setPlaceholderText(placeholder)
        self.editingFinished.connect(self.finish)
        follow_text_direction(self)

    def set_value(self, value: str | None) -> None:
        self._loaded = value
        if self.text() != (value or ""):
            self.setText(value or "")
            self.setCursorPosition(0)
        # what Qt shows of it: a QLineEdit drops U+FEFF and U+FFFE, so "untouched" is this
        self._shown = self._committed = self.text()

    def value(self):
        if self.text() == self._shown:
            return self._loaded
        return self.text().strip() or None

    def problem(self) -> str | None:
        # the limit is on what is typed: stored text the rules took is shown, untouched, as it is
        if len(self.text()) > self.limit and self.text() != self._shown:
            return too_long(len(self.text()), self.limit, tr("longer text belongs in Notes"))
        return None

    def finish(self) -> None:
        """Report the text typed since the last report, if any."""
        if self.text() != self._committed:
            self._committed = self.text()
            self.edited.emit()


class DateField(LineField):
    """A partial date as the rules take it: ``2025``, ``2025-11`` or ``2025-11-05``."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(10 ** 3, tr("2025-11-05, 2025-11 or 2025"), parent)
        self.setMaximumWidth(220)

    def problem(self) -> str | None:
        return super().problem() or date_problem(self.text().strip())


class NumberField(LineField):
    """A whole number from 1, or nothing."""

    def __init__(self, placeholder: str = "", parent: QWidget | None = None):
        super().__init__(40, placeholder, parent)
        self.setMaximumWidth(120)

    def set_value(self, value: int | None) -> None:
        super().set_value(None if value is None else str(value))

    def value(self):
        text = self.text().strip()
        if not text:
            return None
        try:
            return int(text) if text.isascii() and text.isdigit() else text
        except ValueError:
            return text

    def problem(self) -> str | None:
        value = self.value()
        if value is None or (type(value) is int and value >= 1):
            return None
        return tr("type a whole number from 1, e.g. 6")


class TextField(QPlainTextEdit):
    """Several lines of plain text; ``edited`` when it loses focus with a changed value."""

    edited = Signal()

    def __init__(self, limit: int = SUMMARY_LIMIT, height: int = 72, parent: QWidget | None = None):
        super().__init__(parent)
        self.limit = limit
        self._loaded: str | None = None
        self._shown = self._shown_from = self._committed = ""
        self.setTabChangesFocus(True)
        self.setFixedHeight(height)
        self.textChanged.connect(self._follow_direction)

    def set_value(self, value: str | None) -> None:
        self._loaded = value
        if self.toPlainText() != self._shown or self._shown_from != (value or ""):
            self.setPlainText(value or "")
        # what Qt shows of it: toPlainText() gives U+2028, U+2029, CR and CR LF as LF, U+00A0 as a
        # space, and drops U+FEFF and U+FFFE, so text left untouched is this, not ``value``
        self._shown = self._committed = self.toPlainText()
        self._shown_from = value or ""

    def value(self):
        text = self.toPlainText()
        if text == self._shown:
            return self._loaded
        return text.strip() or None

    def problem(self) -> str | None:
        # the limit is on what is typed: stored text the rules took is shown, untouched, as it is
        if len(self.toPlainText()) > self.limit and self.toPlainText() != self._shown:
            where = tr("longer text belongs in Notes") if self.limit < NOTES_LIMIT else tr("split it into parts")
            return too_long(len(self.toPlainText()), self.limit, where)
        return None

    def _follow_direction(self) -> None:
        option = self.document().defaultTextOption()
        wanted = Qt.LayoutDirection.RightToLeft if is_rtl(self.toPlainText()[:200]) else Qt.LayoutDirection.LeftToRight
        if option.textDirection() != wanted:
            option.setTextDirection(wanted)
            self.document().setDefaultTextOption(option)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.finish()

    def finish(self) -> None:
        if self.toPlainText() != self._committed:
            self._committed = self.toPlainText()
            self.edited.emit()


class ChoiceField(QComboBox):
    """A drop-down of ``(value, text)`` choices; ``edited`` when the user picks another.

    Long texts are elided, with the whole text in the tooltip, so that a long name never
    widens the form past the window.
    """

    edited = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(10)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.activated.connect(lambda _i: self.edited.emit())
        self.currentIndexChanged.connect(lambda _i: self.setToolTip(plain_tooltip(self.currentText())))

    def fill(self, options: list[tuple[object, str]]) -> None:
        """Offer ``options``, keeping the current choice where it is still offered."""
        current = self.currentData()
        self.blockSignals(True)
        self.clear()
        for value, text in options:
            self.addItem(text, value)
            self.setItemData(self.count() - 1, plain_tooltip(text), Qt.ItemDataRole.ToolTipRole)
        index = self.findData(current)
        self.setCurrentIndex(index if index >= 0 else 0)
        self.blockSignals(False)
        self.setToolTip(plain_tooltip(self.currentText()))

    def set_value(self, value: object) -> None:
        index = self.findData(value)
        if index < 0 and value is not None:  # a value no longer offered: shown as it is
            self.addItem(str(value), value)
            index = self.count() - 1
        self.setCurrentIndex(index)  # -1 (nothing shown) for None when None is not offered

    def value(self):
        return self.currentData()


def _beside_add_remove(owner: QWidget, editor: QWidget, add_tip: str, remove_tip: str,
                       on_add, on_remove) -> tuple[QToolButton, QToolButton]:
    """Lay ``editor`` out in ``owner`` with + and − buttons beside it; return the buttons."""
    add_button = QToolButton()
    add_button.setText("+")
    add_button.setToolTip(add_tip)
    add_button.setAccessibleName(add_tip)
    remove_button = QToolButton()
    remove_button.setText("−")
    remove_button.setToolTip(remove_tip)
    remove_button.setAccessibleName(remove_tip)
    add_button.clicked.connect(lambda _c=False: on_add())
    remove_button.clicked.connect(lambda _c=False: on_remove())
    buttons = QVBoxLayout()
    buttons.addWidget(add_button)
    buttons.addWidget(remove_button)
    buttons.addStretch(1)
    layout = QHBoxLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(editor, 1)
    layout.addLayout(buttons)
    return add_button, remove_button


class StringListEditor(QWidget):
    """An editable list of strings (other spellings): double-click or F2 edits, + adds, − removes."""

    edited = Signal()

    def __init__(self, placeholder: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.placeholder = placeholder
        self.list = QListWidget()
        self.list.setItemDelegate(BidiItemDelegate(self.list))
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setMaximumHeight(80)
        self.list.setToolTip(placeholder)
        self.list.itemChanged.connect(self._item_changed)
        self.add_button, self.remove_button = _beside_add_remove(
            self, self.list, tr("Add a spelling"), tr("Remove the selected spelling"), self.add_item,
            self.remove_current)
        self._loading = False
        self._loaded: set[str] = set()

    def set_value(self, values: list[str]) -> None:
        self._loaded = set(values)
        if values == self.value():
            return
        self._loading = True
        self.list.clear()
        for value in values:
            self.list.addItem(self._item(value))
        self._loading = False

    def _item(self, value: str) -> QListWidgetItem:
        item = QListWidgetItem(value)
        item.setData(LOADED, (item.text(), value))  # Qt drops U+FEFF: untouched, the value comes back
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        item.setToolTip(plain_tooltip(value))
        return item

    def value(self) -> list[str]:
        out = []
        for i in range(self.list.count()):
            item = self.list.item(i)
            loaded = item.data(LOADED)
            out.append(loaded[1] if loaded is not None and loaded[0] == item.text() else item.text())
        return out

    def problem(self) -> str | None:
        # the limit is on what is typed: a stored spelling the rules took is shown as it is
        longest = max((len(v) for v in self.value() if v not in self._loaded), default=0)
        return too_long(longest, LINE_LIMIT, tr("longer text belongs in Notes")) if longest > LINE_LIMIT else None

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
        if not item.text().strip():
            self.list.takeItem(self.list.row(item))
        self.edited.emit()


class ItemTableEditor(QWidget):
    """An editable table of small records (a person's roles): one row each, columns of text."""

    edited = Signal()

    def __init__(self, headers: list[str], parent: QWidget | None = None, *, date_columns: tuple[int, ...] = ()):
        super().__init__(parent)
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setItemDelegate(BidiItemDelegate(self.table))
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()  # every column in sight: text columns share the width
        header.setMinimumSectionSize(40)
        date_width = self.fontMetrics().horizontalAdvance("2025-11-05") + 16
        for column in range(len(headers)):
            if column in date_columns:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
                self.table.setColumnWidth(column, date_width)
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(110)
        self.table.setMaximumHeight(150)
        self.table.itemChanged.connect(self._changed)
        self.add_button, self.remove_button = _beside_add_remove(
            self, self.table, tr("Add a row"), tr("Remove the selected row"), self.add_row, self.remove_current)
        self._loading = False

    def set_value(self, rows: list[list[str | None]]) -> None:
        if rows == self.value():
            return
        self._loading = True
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem(value or "")
                item.setToolTip(plain_tooltip(value))
                item.setData(LOADED, (item.text(), value))  # a cell left untouched gives back its value
                self.table.setItem(r, c, item)
        self._loading = False

    def value(self) -> list[list[str | None]]:
        out = []
        for r in range(self.table.rowCount()):
            row = [cell_value(self.table.item(r, c)) for c in range(self.table.columnCount())]
            if any(row):
                out.append(row)
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

    def _changed(self, item: QTableWidgetItem) -> None:
        if not self._loading:
            item.setToolTip(plain_tooltip(item.text()))
            self.edited.emit()


class CheckListField(QListWidget):
    """A list of ``(value, text)`` choices with a tick each (a round's agenda)."""

    edited = Signal()

    def __init__(self, empty_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.empty_text = empty_text
        self.setItemDelegate(BidiItemDelegate(self))
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self._loaded: list = []  # the values as the record holds them, in its order
        self._loading = False
        self.itemChanged.connect(lambda _i: None if self._loading else self.edited.emit())

    def fill(self, options: list[tuple[object, str]]) -> None:
        ticked = self.value()
        self._loading = True
        self.clear()
        for value, text in options:
            item = QListWidgetItem(text, self)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setToolTip(plain_tooltip(text))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if value in ticked else Qt.CheckState.Unchecked)
        if not options:
            item = QListWidgetItem(self.empty_text, self)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
        self._loading = False
        rows = max(2, min(self.count(), 7))
        self.setFixedHeight(rows * (self.fontMetrics().height() + 6) + 8)

    def _offered(self) -> list[QListWidgetItem]:
        return [self.item(i) for i in range(self.count()) if self.item(i).data(Qt.ItemDataRole.UserRole) is not None]

    def set_value(self, values: list) -> None:
        self._loading = True
        self._loaded = list(values)
        for item in self._offered():
            checked = item.data(Qt.ItemDataRole.UserRole) in values
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self._loading = False

    def value(self) -> list:
        """The ticked values: those loaded in their own order (and any not offered here, kept),
        then those ticked since, in the order offered."""
        items = self._offered()
        offered = {item.data(Qt.ItemDataRole.UserRole) for item in items}
        ticked = {item.data(Qt.ItemDataRole.UserRole) for item in items if item.checkState() == Qt.CheckState.Checked}
        kept = [v for v in self._loaded if v in ticked or v not in offered]
        return kept + [item.data(Qt.ItemDataRole.UserRole) for item in items
                       if item.data(Qt.ItemDataRole.UserRole) in ticked and item.data(Qt.ItemDataRole.UserRole)
                       not in self._loaded]


class LinkList(QListWidget):
    """Records shown as links; clicking one (or Enter) asks to open it."""

    open_record = Signal(str, str)

    def __init__(self, empty_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.empty_text = empty_text
        self.setItemDelegate(BidiItemDelegate(self))
        self.setObjectName("linkList")
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
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
            item.setToolTip(plain_tooltip(text))
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
