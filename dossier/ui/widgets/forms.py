"""The editing form every record detail shares: fields saved as soon as they are edited.

A form builds the record from its fields, hands it with the record as it was to
``commands.push_save`` (saved at once, undoable), and shows a refusal beside the field
it concerns, in the words the rules give (``must not be blank``). A form with no record
yet creates one on its first valid save.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFormLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from dossier.errors import FieldError, ValidationError
from dossier.ui.commands import push_save
from dossier.ui.context import AppContext

ERROR_STYLE = "color: #b42318;"


def field_of(error: FieldError) -> tuple[str, str]:
    """``rounds[r-1].sources[0].credibility`` -> (``sources``, ``sources[0].credibility``)."""
    path = error.path
    rest = path.split("].", 1)[1] if "]." in path else ("" if path.endswith("]") else path)
    top = rest.split(".", 1)[0].split("[", 1)[0]
    return top, rest


def error_text(error: FieldError, top: str, rest: str) -> str:
    """The message in plain words; an item of a list is named by its number from 1."""
    if rest and rest != top and "[" in rest:
        inner = rest[len(top):]
        try:
            number = int(inner[1:inner.index("]")]) + 1
        except ValueError:
            return error.message
        detail = inner[inner.index("]") + 1:].lstrip(".")
        return f"{number}: {detail}: {error.message}" if detail else f"{number}: {error.message}"
    return error.message


class PlainTextField(QPlainTextEdit):
    """A multi-line plain text field that reports when the user leaves it after editing."""

    editing_finished = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self._initial = ""

    def set_value(self, text: str | None) -> None:
        self._initial = text or ""
        self.setPlainText(self._initial)

    def value(self) -> str:
        return self.toPlainText()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        if self.toPlainText() != self._initial:
            self._initial = self.toPlainText()
            self.editing_finished.emit()


class RecordForm(QWidget):
    """Base of the round and position forms. Subclasses add fields and implement ``collect``/``load``."""

    #: a record was created or changed through this form (its id)
    sig_saved = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.record = None
        self.general_error = self._error_label()
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.form.setVerticalSpacing(8)
        self.errors: dict[str, QLabel] = {}
        self._loading = False
        layout = QVBoxLayout(self)
        layout.addWidget(self.general_error)
        layout.addLayout(self.form)
        layout.addStretch(1)

    def _error_label(self) -> QLabel:
        label = QLabel(self)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setStyleSheet(ERROR_STYLE)
        label.hide()
        return label

    def add_field(self, name: str, label: str, widget: QWidget) -> QWidget:
        """Add ``widget`` under ``label`` with a place for ``name``'s errors below it."""
        box = QWidget(self)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(2)
        inner.addWidget(widget)
        error = self._error_label()
        error.setAccessibleName(f"{name} error")
        inner.addWidget(error)
        self.errors[name] = error
        self.form.addRow(label, box)
        widget.setAccessibleName(label.replace("&", "").rstrip(":"))
        return widget

    def add_section(self, title: str) -> None:
        heading = QLabel(title, self)
        font = QFont(heading.font())
        font.setBold(True)
        heading.setFont(font)
        heading.setContentsMargins(0, 10, 0, 0)
        self.form.addRow(heading)

    # ------------------------------------------------------------- record in, record out
    def set_record(self, record) -> None:
        self.record = record
        self._loading = True
        try:
            self.load(record)
        finally:
            self._loading = False
        self.clear_errors()

    def load(self, record) -> None:
        raise NotImplementedError

    def collect(self):
        """The record the fields describe, or None when a field cannot be read (its error shown)."""
        raise NotImplementedError

    def describe(self, before, after) -> str:
        """The undo stack's text for this edit."""
        raise NotImplementedError

    def commit(self, text: str | None = None) -> bool:
        """Save what the fields say now; show any refusal beside its field. True when saved."""
        if self._loading:
            return False
        self.clear_errors()
        after = self.collect()
        if after is None:
            return False
        if self.record is not None and after == self.record:
            return True
        before = self.record
        error = push_save(self.ctx, before, after, text or self.describe(before, after))
        if error is not None:
            self.show_errors(error)
            return False
        self.record = after
        self.sig_saved.emit(after.id)
        return True

    # ------------------------------------------------------------- errors
    def clear_errors(self) -> None:
        for label in [self.general_error, *self.errors.values()]:
            label.clear()
            label.hide()

    def show_error(self, name: str, message: str) -> None:
        label = self.errors.get(name, self.general_error)
        label.setText(f"{label.text()}\n{message}" if label.text() else message)
        label.show()

    def show_errors(self, error: ValidationError) -> None:
        for item in error.errors:
            top, rest = field_of(item)
            self.show_error(top, error_text(item, top, rest))
