"""``RecordPane``: a filterable table of one kind of record beside a form that edits it.

Subclasses say which collection and model, build their form, and convert between the
form and the record. The base does the rest: paging table, text filter, selection,
saving each field the moment its editing ends (``push_save``), errors beside their
fields, delete with confirmation (``push_delete``), following changes and undo,
and remembering splitter sizes and column widths.

The form remembers the version of the record it shows: a save based on it is checked
against changes others saved meanwhile, and a change someone else saves reloads the
form, or, when the user has an edit in it not yet saved, is noted above it.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from dossier.errors import DossierError, ValidationError
from dossier.model.records import SINGULAR
from dossier.services import records
from dossier.services.workspace import Change
from dossier.ui.commands import push_delete, push_save, record_label
from dossier.ui.context import AppContext, Pane
from dossier.ui.dialogs.history import show_history
from dossier.ui.models.tables import ListingTableModel
from dossier.ui.widgets.common import record_table, select_record, selected_record
from dossier.ui.widgets.common_form import ErrorLabel, push_button
from dossier.ui.widgets.team import Refresh, RemoteNote, last_change, refresh_action
from dossier.ui.widgets.text import set_plain


def field_of(path: str, collection: str) -> str:
    """The record field a FieldError path names: ``people[x].roles[0].start`` -> ``roles``."""
    rest = path
    if rest.startswith(collection + "["):
        rest = rest[rest.find("]") + 1:].lstrip(".")
    head = rest.split(".", 1)[0]
    return head.split("[", 1)[0]


class RecordPane(Pane):
    COLLECTION = ""
    MODEL: type[ListingTableModel] = ListingTableModel

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.record = None  # the record shown, as saved
        self.version: int | None = None  # the version of ``record`` the form was filled from
        self.creating = False  # the form holds a new record not saved yet
        self._saving = False  # a save is under way: the form is brought up to date when it ends
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, ErrorLabel] = {}

        self.model = self.MODEL(ctx.ws, parent=self)
        self.table = record_table(self.model)
        self.table.setObjectName(f"{self.key}Table")
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.filter_edit = QLineEdit()
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setPlaceholderText(self.tr("Filter…"))
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(200)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.filter_edit.textChanged.connect(lambda _t: self._filter_timer.start())
        self.count_label = QLabel()
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.count_label.setObjectName("countLabel")

        self.filter_row = QHBoxLayout()
        self.filter_row.setContentsMargins(0, 0, 0, 0)
        self.filter_row.addWidget(self.filter_edit, 1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(8, 8, 4, 8)
        left_layout.addLayout(self.filter_row)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.count_label)

        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setObjectName("recordHeading")
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.subheading = QLabel()
        self.subheading.setTextFormat(Qt.TextFormat.PlainText)
        self.subheading.setWordWrap(True)
        self.subheading.setStyleSheet("font-size: 12pt; color: palette(dark);")
        self.general_error = ErrorLabel()
        self.remote_note = RemoteNote()
        self.history_button = push_button(self.tr("History…"), self.show_history)
        self.history_button.setObjectName("historyButton")
        self.history_button.setToolTip(self.tr("Who changed this record, and what, newest first"))
        heading_row = QHBoxLayout()
        heading_row.setContentsMargins(0, 0, 0, 0)
        heading_row.addWidget(self.heading, 1)
        heading_row.addWidget(self.history_button, 0, Qt.AlignmentFlag.AlignTop)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.form.setHorizontalSpacing(12)
        self.form.setVerticalSpacing(6)
        self.detail = QWidget()
        self.detail.setObjectName("detail")
        self.detail_layout = QVBoxLayout(self.detail)
        self.detail_layout.setContentsMargins(16, 12, 16, 16)
        self.detail_layout.addLayout(heading_row)
        self.detail_layout.addWidget(self.subheading)
        self.detail_layout.addWidget(self.remote_note)
        self.detail_layout.addWidget(self.general_error)
        self.detail_layout.addSpacing(6)
        self.detail_layout.addLayout(self.form)
        self.build_form()
        self.detail_layout.addStretch(1)
        self.empty_note = QLabel(self.tr("Choose a row on the left, or Edit ▸ New record."))
        self.empty_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.detail)
        self.detail_scroll = scroll

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName(f"{self.key}Splitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([660, 560])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self._update_count()
        if self.model.rowCount() > 0:
            self.table.selectRow(0)
        else:
            self.show_detail(None)

    # ------------------------------------------------------------ for subclasses
    def build_form(self) -> None:
        """Add rows to ``self.form`` with ``add_field``."""
        raise NotImplementedError

    def fill_form(self, record) -> None:
        """Show ``record`` in the form and refresh the linked lists."""
        raise NotImplementedError

    def read_form(self, base):
        """A copy of ``base`` with the form's values."""
        raise NotImplementedError

    def blank_record(self):
        """A new, empty record (its id is chosen when it is first saved)."""
        raise NotImplementedError

    def headings(self, record) -> tuple[str, str]:
        return record_label(record), ""

    def count_text(self, n: int) -> str:
        return self.tr("{0} records").format(f"{n:,}")

    # ------------------------------------------------------------ form plumbing
    def add_field(self, name: str, label: str, widget: QWidget) -> QWidget:
        """Add a form row whose edits save the record and whose errors show right under it."""
        error = ErrorLabel()
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        box.addWidget(error)
        self.form.addRow(label, holder)
        self.fields[name] = widget
        self.errors[name] = error
        signal = getattr(widget, "edited", None)
        if signal is not None:
            signal.connect(self.commit)
        return widget

    def show_errors(self, error: ValidationError | None) -> None:
        messages: dict[str, list[str]] = {}
        general: list[str] = []
        for item in error.errors if error else []:
            name = field_of(item.path, self.COLLECTION)
            if name in self.errors:
                detail = item.path.split(".", 1)[1] if "." in item.path else ""
                nested = detail != name and detail.startswith(name)
                messages.setdefault(name, []).append(f"{detail[len(name):].lstrip('.')}: {item.message}"
                                                     if nested else item.message)
            else:
                general.append(str(item) if item.path else item.message)
        for name, label in self.errors.items():
            label.show_message("\n".join(messages.get(name, [])) or None)
        self.general_error.show_message("\n".join(general) or None)

    # ------------------------------------------------------------ showing
    def show_detail(self, record, version: int | None = None) -> None:
        self.record = record
        self.version = version
        self.creating = False
        self.show_errors(None)
        self.remote_note.clear_note()
        self.detail.setEnabled(record is not None)
        self.history_button.setEnabled(record is not None)
        if record is None:
            set_plain(self.heading, self.tr("Nothing selected"))
            set_plain(self.subheading, "")
            self.fill_form(self.blank_record())
            return
        self._show_headings(record)
        self.fill_form(record)

    def _show_headings(self, record) -> None:
        title, sub = self.headings(record)
        set_plain(self.heading, title)
        set_plain(self.subheading, sub)
        self.subheading.setVisible(bool(sub))

    def _on_current_row(self, current, _previous) -> None:
        record_id = self.model.record_id(current.row()) if current.isValid() else None
        if record_id is None:
            return
        if self.record is not None and self.record.id == record_id and not self.creating:
            return
        try:
            self.show_detail(*records.get_versioned(self.ctx.ws, self.COLLECTION, record_id))
        except DossierError as exc:
            self.ctx.sig_status.emit(str(exc))

    def current_id(self) -> str | None:
        return None if self.creating or self.record is None else self.record.id

    # ------------------------------------------------------------ saving
    def has_unsaved_edit(self) -> bool:
        """Whether the form holds something the user typed that is not saved yet."""
        if self.creating:
            return True
        if self.record is None:
            return False
        return self.read_form(self.record) != self.record

    def commit(self) -> ValidationError | None:
        """Save the form now (one transaction, one undo step); show any refusal beside its field.

        A record someone else changed since the form showed it is not overwritten: the
        conflict dialog shows both, and the form then shows what was chosen.
        """
        if self.record is None and not self.creating:
            return None
        base = self.blank_record() if self.creating else self.record
        after = self.read_form(base)
        if self.creating:
            after.id = records.new_id(self.ctx.ws, self.COLLECTION, record_label(after))
        text = (self.tr("New {0}") if self.creating else self.tr("Edit {0}")).format(SINGULAR[self.COLLECTION])
        self._saving = True
        try:
            saved = push_save(self.ctx, None if self.creating else self.record, after, text, self.version, self)
        finally:
            self._saving = False
        if saved.replaced:
            self.model.reload()
            self._update_count()
            self.show_detail(saved.record, saved.version)
            if saved.record is not None:
                self.select(saved.record.id)
            self.show_errors(saved.error)
            return saved.error
        self.show_errors(saved.error)
        if saved.error is None:
            self.record = saved.record
            self.version = saved.version
            self.creating = False
            self.remote_note.clear_note()
            self.history_button.setEnabled(True)
            self._show_headings(saved.record)
            self.select(saved.record.id)
        return saved.error

    def show_history(self) -> None:
        """The History… button: who changed the record shown, and what."""
        record_id = self.current_id()
        if record_id is not None:
            show_history(self.ctx.ws, self.COLLECTION, record_id, record_label(self.record), self)

    def select(self, record_id: str) -> bool:
        return select_record(self.table, record_id)

    # ------------------------------------------------------------ Pane hooks
    def new_record(self) -> None:
        self.table.clearSelection()
        self.show_detail(None)
        self.detail.setEnabled(True)
        self.creating = True
        self.heading.setText(self.tr("New {0}").format(SINGULAR[self.COLLECTION]))
        first = next(iter(self.fields.values()))
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    def delete_selected(self) -> None:
        record_id = self.current_id() or selected_record(self.table)
        if record_id is not None:
            version = self.version if record_id == self.current_id() else None
            push_delete(self.ctx, self.COLLECTION, record_id, self, version)

    def show_record(self, collection: str, record_id: str) -> bool:
        if collection != self.COLLECTION:
            return False
        if not self.select(record_id):
            # hidden by the filter: clear it and look again
            self.filter_edit.clear()
            self.apply_filter()
            if not self.select(record_id):
                return False
        return True

    def on_changed(self, change: Change) -> None:
        if not self.follows(change):
            return
        self.model.reload()
        self._update_count()
        if self.creating or self._saving:
            return
        keep = self.current_id()
        if keep is not None:
            self.select(keep)
            self.refresh_form()

    def follows(self, change: Change) -> bool:
        """Whether a change can alter what this pane shows."""
        return change.touches(self.COLLECTION)

    def reload(self) -> None:
        keep = self.current_id()
        self.model.reload()
        self._update_count()
        if self.creating or keep is None:
            return
        self.select(keep)
        self.refresh_form()

    def refresh_form(self) -> None:
        """Bring the form up to date with the record as saved now, keeping an edit in progress."""
        keep = self.current_id()
        if keep is None:
            return
        try:
            fresh, version = records.get_versioned(self.ctx.ws, self.COLLECTION, keep)
        except DossierError:
            fresh, version = None, None
        unsaved = self.has_unsaved_edit()
        if fresh is None:
            if unsaved:
                who, when = last_change(self.ctx.ws, self.COLLECTION, keep)
                self.remote_note.show_changed(who, when, deleted=True)
            else:
                self.show_detail(None)
            return
        action = refresh_action(self.version, version, unsaved)
        if action is Refresh.MARK:
            who, when = last_change(self.ctx.ws, self.COLLECTION, keep)
            self.remote_note.show_changed(who, when)
        elif action is Refresh.LOAD:
            self.record = fresh
            self.version = version
            self.remote_note.clear_note()
            self._show_headings(fresh)
            self.fill_form(fresh)

    def apply_filter(self) -> None:
        self.model.set_filter(self.model_filters(), self.filter_edit.text())
        self._update_count()

    def model_filters(self) -> dict:
        return {}

    def _update_count(self) -> None:
        self.count_label.setText(self.count_text(self.model.total()))

    # ------------------------------------------------------------ remembering
    def _setting(self, name: str) -> str:
        return f"panes/{self.key}/{name}"

    def save_state(self) -> None:
        self.ctx.settings.setValue(self._setting("splitter"), self.splitter.saveState())
        self.ctx.settings.setValue(self._setting("header"), self.table.horizontalHeader().saveState())

    def restore_state(self) -> None:
        splitter = self.ctx.settings.value(self._setting("splitter"))
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        header = self.ctx.settings.value(self._setting("header"))
        if isinstance(header, QByteArray):
            self.table.horizontalHeader().restoreState(header)
            self.table.horizontalHeader().setSortIndicator(
                self.model.sort_column(),
                Qt.SortOrder.DescendingOrder if self.model.descending else Qt.SortOrder.AscendingOrder)
