"""The editing form every record detail shares: fields saved as soon as they are edited.

A form builds the record from its fields, hands it with the record as it was to
``commands.push_save`` (saved at once, undoable), and shows a refusal beside the field
it concerns, in the words the rules give (``must not be blank``). A form with no record
yet creates one on its first valid save.

The form remembers the version of the record it shows. Saves are checked against it
(someone else's change meanwhile opens the conflict dialog), and when the record is
changed elsewhere the form reloads it, or notes the change above an edit in progress
(``follow``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from dossier.errors import FieldError, ValidationError
from dossier.model.records import collection_of
from dossier.ui.commands import push_save, record_label
from dossier.ui.context import AppContext
from dossier.ui.dialogs.history import show_history
from dossier.ui.widgets.team import Refresh, RemoteNote, last_change, refresh_action

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
        self.version: int | None = None  # of ``record``, as the form was filled
        self._saving = False
        self.remote_note = RemoteNote(self)
        self.history_button = QPushButton(self.tr("History…"), self)
        self.history_button.setObjectName("historyButton")
        self.history_button.setToolTip(self.tr("Who changed this record, and what, newest first"))
        self.history_button.clicked.connect(lambda _checked=False: self.show_history())
        self.history_button.setEnabled(False)
        self.general_error = self._error_label()
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.form.setVerticalSpacing(8)
        self.errors: dict[str, QLabel] = {}
        self._loading = False
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.remote_note, 1)
        top.addStretch(0)
        top.addWidget(self.history_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
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
    def set_record(self, record, version: int | None = None) -> None:
        self.record = record
        self.version = version
        self.remote_note.clear_note()
        self.history_button.setEnabled(record is not None)
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

    def has_unsaved_edit(self) -> bool:
        """Whether the fields say something other than the record shown (typed, not saved yet)."""
        if self.record is None:
            return False
        return self.collect() != self.record

    def follow(self, record, version: int | None, unsaved: bool | None = None) -> None:
        """The pane re-read the record to show: load it, or keep an edit in progress and note the change.

        ``unsaved`` is whether the user had an unsaved edit, when the pane had to ask
        before refreshing the choices the fields offer.
        """
        if self._saving:
            return
        if record is None or self.record is None or record.id != self.record.id:
            if record is None and self.record is not None and (self.has_unsaved_edit() if unsaved is None
                                                                 else unsaved):
                who, when = last_change(self.ctx.ws, collection_of(self.record), self.record.id)
                self.remote_note.show_changed(who, when, deleted=True)
                return
            self.set_record(record, version)
            return
        unsaved = self.has_unsaved_edit() if unsaved is None else unsaved
        action = refresh_action(self.version, version, unsaved)
        if action is Refresh.MARK:
            who, when = last_change(self.ctx.ws, collection_of(record), record.id)
            self.remote_note.show_changed(who, when)
        elif action is Refresh.LOAD:
            self.set_record(record, version)

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
        self._saving = True
        try:
            saved = push_save(self.ctx, before, after, text or self.describe(before, after), self.version, self)
        finally:
            self._saving = False
        if saved.replaced:
            self.set_record(saved.record, saved.version)
            if saved.error is not None:
                self.show_errors(saved.error)
            if saved.record is not None:
                self.sig_saved.emit(saved.record.id)
            return saved.error is None and not saved.theirs
        if saved.error is not None:
            self.show_errors(saved.error)
            return False
        self.set_record(saved.record, saved.version)  # as saved: lists show what was added
        self.sig_saved.emit(after.id)
        return True

    def show_history(self) -> None:
        if self.record is not None:
            show_history(self.ctx.ws, collection_of(self.record), self.record.id, record_label(self.record), self)

    def version_shown(self, record_id: str) -> int | None:
        """The version of the record this form shows, when it is ``record_id``."""
        return self.version if self.record is not None and self.record.id == record_id else None

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
