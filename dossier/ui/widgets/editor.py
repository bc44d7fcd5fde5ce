"""The one record editor every pane uses, and the list beside it.

``RecordEditor`` is a form over one record. Subclasses add fields with ``add_field`` and
say how the record and the fields map (``load``/``read``); the editor does the rest:

* **Saving.** A record that exists is saved as soon as a field is left with a valid
  change (one transaction, one undo step, checked against the version shown, so another
  analyst's change is never overwritten without asking: ``commands.push_save``).
* **Drafts.** A new record is a draft: nothing is written until the user creates it
  (the *Create* button, or Enter in a one-line field) and every rule holds.
* **Messages.** A problem shows under its field, in the form's words
  (``dossier.ui.messages``), once the user has left that field or tried to save, and
  goes away as soon as it is fixed.
* **Nothing typed is dropped.** Leaving a draft, or an edit that cannot be saved,
  asks first (``confirm_leave``): keep editing, discard, or create the draft when it is
  valid.
* **Following others.** A change saved elsewhere reloads the form, or is noted above it
  while the user has an unsaved edit (``follow``).

The list beside it and the pane made of both are ``record_pane``. This module stays whole
past 500 lines because ``RecordEditor`` is one state machine (shown record, draft, pending
edit, messages, remote change) whose pieces each read and change the same state.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from dossier.errors import DossierError, FieldError
from dossier.model.labels import record_label
from dossier.model.records import SINGULAR, collection_of
from dossier.services import records
from dossier.ui.commands import push_save
from dossier.ui.context import AppContext
from dossier.ui.dialogs.history import show_history
from dossier.ui.messages import field_label, human_error
from dossier.ui.widgets.team import Refresh, RemoteNote, last_change, refresh_action
from dossier.ui.widgets.text import plain_tooltip, set_plain

ERROR_STYLE = "color: #b3261e;"
#: A heading longer than this is cut, with the whole text in its tooltip.
HEADING_LIMIT = 100


class Leave(Enum):
    """What the user chose when asked about an unsaved edit."""

    KEEP = "keep"
    DISCARD = "discard"
    SAVE = "save"


def ask_leave(parent: QWidget | None, title: str, text: str, can_save: bool, save_text: str) -> Leave:
    """Ask what to do with an edit that is not saved: keep editing (the default), discard, or save."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setObjectName("leaveEditBox")
    keep = box.addButton(QApplication.translate("editor", "Keep editing"), QMessageBox.ButtonRole.RejectRole)
    discard = box.addButton(QApplication.translate("editor", "Discard"), QMessageBox.ButtonRole.DestructiveRole)
    save = box.addButton(save_text, QMessageBox.ButtonRole.AcceptRole) if can_save else None
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    clicked = box.clickedButton()
    if clicked is discard:
        return Leave.DISCARD
    if save is not None and clicked is save:
        return Leave.SAVE
    return Leave.KEEP


class ErrorLabel(QLabel):
    """A problem with one field, in plain words, right under it; hidden when there is none."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setObjectName("fieldError")
        self.setStyleSheet(ERROR_STYLE)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.hide()

    def show_message(self, message: str | None) -> None:
        self.setText(message or "")
        self.setVisible(bool(message))


def field_button(text: str, name: str, tip: str, slot, parent: QWidget) -> QPushButton:
    """A field's button (*Add*, *Remove*…) with an object name and a tooltip, calling ``slot()``."""
    button = QPushButton(text, parent)
    button.setObjectName(name)
    button.setToolTip(tip)
    button.clicked.connect(lambda _checked=False: slot())
    return button


def set_heading(label: QLabel, text: str | None) -> None:
    """Show ``text`` as a heading: plain, in its own direction, cut when very long."""
    text = text or ""
    shown = text if len(text) <= HEADING_LIMIT else text[:HEADING_LIMIT - 1] + "…"
    set_plain(label, shown)
    label.setToolTip(plain_tooltip(text) if shown != text else "")


class _FocusWatch(QObject):
    """Tells the editor when the user leaves one of its fields."""

    def __init__(self, editor: RecordEditor, name: str):
        super().__init__(editor)
        self.editor = editor
        self.name = name

    def watch(self, root: QWidget) -> None:
        """Watch ``root`` and every widget in it, including those added later."""
        for part in [root, *root.findChildren(QWidget)]:
            part.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.ChildPolished and isinstance(event.child(), QWidget):
            self.watch(event.child())
        elif kind == QEvent.Type.FocusOut:
            QTimer.singleShot(0, lambda: self.editor._left(self.name))
        elif kind == QEvent.Type.ShortcutOverride and _is_undo_key(event):
            # Ctrl+Z in a field undoes the last edit, not the field's own typing: the window's
            # Undo saves the field first, so the field never shows other than what is saved
            event.ignore()
            return True
        return False


def _is_undo_key(event) -> bool:
    return (event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo)
            or QKeySequence(event.keyCombination()) == QKeySequence("Ctrl+Y"))


class RecordEditor(QWidget):
    """A form over one record of ``COLLECTION``; see the module's docstring."""

    COLLECTION = ""
    #: a record was created or changed through this editor (its id)
    sig_saved = Signal(str)
    #: a draft was discarded or created: the browser shows a record again
    sig_draft_ended = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, heading: bool = True):
        super().__init__(parent)
        self.ctx = ctx
        self.record = None  # the record shown, as saved
        self.version: int | None = None  # the version of ``record`` the form was filled from
        self.draft = False  # the form holds a new record, not saved yet
        self._draft_start = None  # what the form said when the draft was started
        self._touched: set[str] = set()  # fields the user has left or edited
        self._attempted = False  # the user tried to create the draft: every problem shows
        self._saving = False
        self._loading = False
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, ErrorLabel] = {}
        self.labels: dict[str, str] = {}  # field -> the word its row shows
        self.singular = SINGULAR[self.COLLECTION]

        self.heading = QLabel(self)
        self.heading.setObjectName("recordHeading")
        self.heading.setWordWrap(True)
        self.heading.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.heading.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.subheading = QLabel(self)
        self.subheading.setWordWrap(True)
        self.subheading.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.subheading.setStyleSheet("font-size: 12pt; color: palette(dark);")
        self.history_button = QPushButton(self.tr("History…"), self)
        self.history_button.setObjectName("historyButton")
        self.history_button.setToolTip(self.tr("Who changed this record, and what, newest first"))
        self.history_button.clicked.connect(lambda _c=False: self.show_history())
        self.history_button.setEnabled(False)
        self.remote_note = RemoteNote(self)
        self.general_error = ErrorLabel(self)

        self.draft_bar = QFrame(self)
        self.draft_bar.setObjectName("draftBar")
        self.draft_bar.setStyleSheet("QFrame#draftBar { background: #eef4ff; border: 1px solid #c7d7f5;"
                                     " border-radius: 4px; }")
        self.draft_note = QLabel(self.draft_bar)
        self.draft_note.setTextFormat(Qt.TextFormat.PlainText)
        self.draft_note.setWordWrap(True)
        self.draft_note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.create_button = QPushButton(self.tr("Create {0}").format(self.singular), self.draft_bar)
        self.create_button.setObjectName("createButton")
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(lambda _c=False: self.create())
        self.discard_button = QPushButton(self.tr("Discard"), self.draft_bar)
        self.discard_button.setObjectName("discardButton")
        self.discard_button.clicked.connect(lambda _c=False: self.discard())
        bar = QHBoxLayout(self.draft_bar)
        bar.setContentsMargins(8, 6, 8, 6)
        bar.addWidget(self.draft_note, 1)
        bar.addWidget(self.discard_button)
        bar.addWidget(self.create_button)
        self.draft_bar.hide()

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.form.setHorizontalSpacing(12)
        self.form.setVerticalSpacing(6)
        self.heading_row = QHBoxLayout()  # subclasses may put more beside the heading
        self.heading_row.setContentsMargins(0, 0, 0, 0)
        self.heading_row.addWidget(self.heading, 1)
        self.heading_row.addWidget(self.history_button, 0, Qt.AlignmentFlag.AlignTop)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(16, 12, 16, 16)
        self.layout_.addLayout(self.heading_row)
        self.layout_.addWidget(self.subheading)
        self.layout_.addWidget(self.remote_note)
        self.layout_.addWidget(self.draft_bar)
        self.layout_.addWidget(self.general_error)
        self.layout_.addSpacing(4)
        self.layout_.addLayout(self.form)
        if not heading:
            self.heading.hide()
            self.subheading.hide()
        self._show_heading = heading
        self.build()
        self.layout_.addStretch(1)
        self.set_record(None)

    # ------------------------------------------------------------ for subclasses
    def build(self) -> None:
        """Add the fields with ``add_field`` (and anything else under them to ``layout_``)."""
        raise NotImplementedError

    def load(self, record) -> None:
        """Show ``record`` in the fields (never None: ``blank()`` stands in for nothing)."""
        raise NotImplementedError

    def read(self, base):
        """A copy of ``base`` with the fields' values."""
        raise NotImplementedError

    def blank(self):
        """A new, empty record; its id is chosen when it is created."""
        raise NotImplementedError

    def headings(self, record) -> tuple[str, str]:
        return record_label(record), ""

    def describe(self, before, after) -> str:
        """The undo stack's text for this edit."""
        if before is None:
            return self.tr("New {0} “{1}”").format(self.singular, record_label(after))
        return self.tr("Edit {0} “{1}”").format(self.singular, record_label(after))

    def new_id_hint(self, record) -> str:
        """What the id of a new record is made from."""
        return record_label(record) or self.singular

    def names(self, collection: str, record_id: str) -> str | None:
        """A record's name for messages (``human_error``)."""
        try:
            return record_label(records.get(self.ctx.ws, collection, record_id))
        except DossierError:
            return None

    def after_save(self, record) -> None:
        """Called once a record was created or saved through the form."""

    # ------------------------------------------------------------ building
    def add_field(self, name: str, label: str | None, widget: QWidget, *, row_label: bool = True) -> QWidget:
        """Add ``widget`` as the field ``name``, labelled ``label`` (the form's word for it by
        default), with a place for its problems right under it."""
        label = field_label(self.COLLECTION, name) if label is None else label
        self.labels[name] = label
        error = ErrorLabel()
        error.setAccessibleName(self.tr("{0}: problem").format(label))
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        box.addWidget(error)
        if row_label:
            self.form.addRow(label, holder)
        else:
            self.form.addRow(holder)
        widget.setAccessibleName(label)
        self.fields[name] = widget
        self.errors[name] = error
        edited = getattr(widget, "edited", None)
        if edited is not None:
            edited.connect(lambda n=name: self._edited(n))
        sig_edited = getattr(widget, "sig_edited", None)
        if sig_edited is not None:
            sig_edited.connect(lambda text, n=name: self._edited(n, text))
        if isinstance(widget, QLineEdit):
            widget.returnPressed.connect(self._return_pressed)
        watch = _FocusWatch(self, name)
        watch.watch(widget)
        return widget

    def add_section(self, title: str) -> QLabel:
        heading = QLabel(title, self)
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setObjectName("sectionTitle")
        heading.setStyleSheet("font-weight: 600; margin-top: 10px;")
        self.form.addRow(heading)
        return heading

    # ------------------------------------------------------------ showing
    def set_record(self, record, version: int | None = None) -> None:
        """Show the saved ``record`` (None: nothing) and forget any draft or unsaved edit."""
        was_draft = self.draft
        self.record = record
        self.version = version
        self.draft = False
        self._touched = set()
        self._attempted = False
        self.draft_bar.hide()
        self.remote_note.clear_note()
        self.history_button.setEnabled(record is not None)
        self.setEnabled(record is not None)
        self._fill(record if record is not None else self.blank())
        self.clear_errors()
        if record is None:
            set_heading(self.heading, self.tr("Nothing selected"))
            set_plain(self.subheading, self.tr("Choose a row on the left, or make a new {0}.").format(self.singular))
            self.subheading.setVisible(self._show_heading)
        else:
            self._show_headings(record)
        if was_draft:
            self.sig_draft_ended.emit()

    def _fill(self, record) -> None:
        self._loading = True
        try:
            self.load(record)
        finally:
            self._loading = False

    def start_draft(self, record=None, *, content: bool = False) -> None:
        """Show a new record to fill in (``record``: one with some fields already chosen).

        With ``content``, what ``record`` holds is the user's (a passage coded into a
        position, a document's text): leaving the draft asks first, as if it were typed.
        Without it, the chosen fields are only the form's defaults (a round's next number)."""
        self.set_record(None)
        self.draft = True
        self.setEnabled(True)
        self.history_button.setEnabled(False)
        self._fill(record if record is not None else self.blank())
        self._draft_start = None if content else self.read(self.blank())
        set_heading(self.heading, self.tr("New {0}").format(self.singular))
        self.subheading.hide()
        self.draft_note.setText(self.tr("Not saved yet: fill in the fields, then Create {0} (or press Enter).")
                                .format(self.singular))
        self.draft_bar.show()
        self.focus_first()

    def focus_first(self) -> None:
        for widget in self.fields.values():
            if widget.isEnabled() and widget.focusPolicy() != Qt.FocusPolicy.NoFocus:
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                return

    def _show_headings(self, record) -> None:
        title, sub = self.headings(record)
        set_heading(self.heading, title)
        set_heading(self.subheading, sub)
        self.subheading.setVisible(bool(sub) and self._show_heading)

    def current_id(self) -> str | None:
        return None if self.draft or self.record is None else self.record.id

    def version_shown(self, record_id: str) -> int | None:
        """The version of the record this form shows, when it is ``record_id``."""
        return self.version if self.current_id() == record_id else None

    # ------------------------------------------------------------ problems
    def local_problems(self) -> dict[str, str]:
        """What the fields themselves find wrong (a date that is none, text too long), by field."""
        found = {}
        for name, widget in self.fields.items():
            problem = getattr(widget, "problem", None)
            message = problem() if problem is not None else None
            if message:
                found[name] = f"{self.labels.get(name, name)}: {message}"
        return found

    def rule_problems(self, record, creating: bool) -> dict[str, list[str]]:
        """What the workspace's rules find wrong with ``record``, by field, in the form's words."""
        return self.sort_errors(records.problems(self.ctx.ws, record, creating=creating))

    def sort_errors(self, errors: list[FieldError]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for error in errors:
            name, text = human_error(self.COLLECTION, error, self.names)
            found.setdefault(name if name in self.errors else "", []).append(text)
        return found

    def _problems_now(self, creating: bool) -> dict[str, list[str]]:
        """Every problem with what the form says now."""
        local = self.local_problems()
        found: dict[str, list[str]] = {name: [text] for name, text in local.items()}
        if local:
            return found  # the record cannot be read as the rules take it
        candidate = self.candidate()
        for name, texts in self.rule_problems(candidate, creating).items():
            found.setdefault(name, []).extend(texts)
        return found

    def candidate(self):
        """The record the form describes now (a draft with the id it would be created with)."""
        if self.draft:
            after = self.read(self.blank())
            after.id = records.new_id(self.ctx.ws, self.COLLECTION, self.new_id_hint(after))
            return after
        return self.read(self.record)

    def clear_errors(self) -> None:
        for label in [self.general_error, *self.errors.values()]:
            label.show_message(None)

    def show_problems(self, found: dict[str, list[str]], only: set[str] | None = None) -> None:
        """Show ``found`` under the fields (those in ``only``, when given); clear the others."""
        general: list[str] = []
        for name, label in self.errors.items():
            texts = found.get(name, []) if only is None or name in only else []
            label.show_message("\n".join(texts) or None)
        general += found.get("", [])
        self.general_error.show_message("\n".join(general) or None)

    def problem_count(self) -> int:
        return sum(1 for label in [self.general_error, *self.errors.values()] if label.isVisible())

    # ------------------------------------------------------------ editing
    def _edited(self, name: str, text: str | None = None) -> None:
        if self._loading:
            return
        self._touched.add(name)
        if self.draft:
            self._recheck_draft()
        elif self.record is not None:
            self.commit(text)

    def _left(self, name: str) -> None:
        if self._loading or not self.isVisible():
            return
        widget = self.fields.get(name)
        if widget is None:
            return
        focus = QApplication.focusWidget()
        if focus is not None and (focus is widget or widget.isAncestorOf(focus)):
            return  # moved inside the field (a list's row editor)
        self._touched.add(name)
        if self.draft:
            self._recheck_draft()
        elif self.record is not None:
            local = self.local_problems()
            if name in local:
                self.errors[name].show_message(local[name])

    def _recheck_draft(self) -> None:
        found = self._problems_now(creating=True)
        self.show_problems(found, None if self._attempted else self._touched)

    def _return_pressed(self) -> None:
        if self.draft:
            QTimer.singleShot(0, self.create)

    def flush(self) -> None:
        """Report the field being typed in now, as if the user had left it."""
        focus = QApplication.focusWidget()
        for widget in self.fields.values():
            if focus is not None and (focus is widget or widget.isAncestorOf(focus)):
                finish = getattr(widget, "finish", None)
                if finish is not None:
                    finish()

    def create(self) -> bool:
        """Create the draft when every rule holds; else show every problem. True when created."""
        if not self.draft:
            return False
        self.flush()
        self._attempted = True
        found = self._problems_now(creating=True)
        if found:
            self.show_problems(found)
            first = next((self.fields[n] for n in self.fields if n in found), None)
            if first is not None:
                first.setFocus(Qt.FocusReason.OtherFocusReason)
            return False
        after = self.candidate()
        self._saving = True
        try:
            saved = push_save(self.ctx, None, after, self.describe(None, after), None, self)
        finally:
            self._saving = False
        if saved.error is not None:
            self.show_problems(self.sort_errors(saved.error.errors))
            return False
        self.set_record(saved.record, saved.version)
        self.after_save(saved.record)
        self.sig_saved.emit(saved.record.id)
        return True

    def commit(self, text: str | None = None) -> bool:
        """Save what the fields say now (one undo step); show any refusal under its field."""
        if self._loading or self.record is None or self.draft:
            return False
        local = self.local_problems()
        if local:
            self.show_problems({name: [message] for name, message in local.items()},
                               self._touched | set(local))
            return False
        after = self.read(self.record)
        if after == self.record:
            self.clear_errors()
            self._fill(self.record)  # what was typed comes to what is saved ("qa" for "QA"): show it as saved
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
                self.show_problems(self.sort_errors(saved.error.errors))
            if saved.record is not None:
                self.sig_saved.emit(saved.record.id)
            return saved.error is None and not saved.theirs
        if saved.error is not None:
            self.show_problems(self.sort_errors(saved.error.errors))
            return False
        self.record = saved.record
        self.version = saved.version
        self.clear_errors()
        self.remote_note.clear_note()
        self._show_headings(saved.record)
        self._fill(saved.record)  # as saved: lists show what was added
        self.after_save(saved.record)
        self.sig_saved.emit(saved.record.id)
        return True

    def discard(self) -> None:
        """Drop the draft, or put the saved record back in the fields."""
        if self.draft:
            self.set_record(None)
        else:
            self.set_record(self.record, self.version)

    def has_unsaved_edit(self) -> bool:
        """Whether the form holds something the user typed that is not saved."""
        if self.draft:
            # what the draft was started with (a round's next number) is not the user's content
            start = self._draft_start if self._draft_start is not None else self.blank()
            return bool(self.local_problems()) or self.read(self.blank()) != start
        if self.record is None:
            return False
        return bool(self.local_problems()) or self.read(self.record) != self.record

    def confirm_leave(self) -> bool:
        """Whether the form may show something else now; asks when that would drop an edit."""
        if self._saving:
            return True
        self.flush()
        if not self.has_unsaved_edit():
            if self.draft:
                self.set_record(None)
            return True
        if self.draft:
            valid = not self._problems_now(creating=True)
            text = self.tr("The new {0} is not saved yet.").format(self.singular)
            if not valid:
                text += "\n\n" + self.tr("It cannot be created as it is: {0}").format(self._summary())
            choice = ask_leave(self, self.tr("New {0} not saved").format(self.singular), text, valid,
                               self.tr("Create {0}").format(self.singular))
        else:
            text = self.tr("Your change to “{0}” is not saved: {1}").format(record_label(self.record),
                                                                          self._summary())
            choice = ask_leave(self, self.tr("Change not saved"), text, False, "")
        if choice is Leave.SAVE:
            return self.create()
        if choice is Leave.DISCARD:
            self.discard()
            return True
        self.show_problems(self._problems_now(creating=self.draft))
        return False

    def _summary(self) -> str:
        found = self._problems_now(creating=self.draft)
        texts = [text for texts in found.values() for text in texts]
        if not texts:
            return self.tr("it has not been saved")
        return "; ".join(texts[:3]) + (" …" if len(texts) > 3 else "")

    # ------------------------------------------------------------ following others
    def follow(self, record, version: int | None, unsaved: bool | None = None) -> None:
        """The record as saved now: load it, or keep an edit in progress and note the change.

        ``unsaved`` is whether the user had an unsaved edit, when the caller had to ask
        before refreshing the choices the fields offer.
        """
        if self._saving or self.draft:
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
            self.record = record
            self.version = version
            self.remote_note.clear_note()
            self._show_headings(record)
            self._fill(record)

    def refresh(self) -> None:
        """Re-read the record shown and follow it."""
        record_id = self.current_id()
        if record_id is None:
            return
        try:
            fresh, version = records.get_versioned(self.ctx.ws, self.COLLECTION, record_id)
        except DossierError:
            fresh, version = None, None
        self.follow(fresh, version)

    def show_history(self) -> None:
        record_id = self.current_id()
        if record_id is not None:
            show_history(self.ctx.ws, self.COLLECTION, record_id, record_label(self.record), self)
