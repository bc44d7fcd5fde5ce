"""The list beside the record editor, and the sidebar pane made of the two.

``RecordBrowser`` is a filterable list of records beside an editor (``editor.RecordEditor``):
choosing a row shows it, unless the editor holds something the user would not leave.
``RecordPane`` is a sidebar pane made of one browser; a pane declares its editor, list model,
filter hint and counts (``EDITOR``, ``MODEL``, ``FILTER_HINT``, ``COUNT_WORDS``) and overrides
only what differs. ``NegotiationRecordPane`` lists the records of the chosen negotiation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from dossier.errors import DossierError
from dossier.services import records
from dossier.services.workspace import Change
from dossier.ui.commands import push_delete
from dossier.ui.context import AppContext, Pane
from dossier.ui.models import small
from dossier.ui.widgets.common import record_table, select_record, selected_record
from dossier.ui.widgets.editor import RecordEditor
from dossier.ui.widgets.fields import ChoiceField
from dossier.ui.widgets.text import set_plain


class RecordBrowser(QWidget):
    """A filterable, lazily paged list of records beside the editor of the one chosen."""

    def __init__(self, ctx: AppContext, editor: RecordEditor, model, key: str, parent: QWidget | None = None,
                 *, new_text: str | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.editor = editor
        self.model = model
        self.collection = editor.COLLECTION
        self.key = key
        self._reverting = False
        self._before_draft: str | None = None
        #: the model's filters besides the text filter (panes set their own)
        self.model_filters = lambda: {}

        self.table = record_table(model)
        self.table.setObjectName(f"{key}Table")
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.filter_edit = QLineEdit()
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setPlaceholderText(self.tr("Filter…"))
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(200)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.filter_edit.textChanged.connect(lambda _t: self._filter_timer.start())
        self.new_button = QPushButton(new_text or self.tr("New {0}").format(editor.singular))
        self.new_button.setObjectName("newRecordButton")
        self.new_button.setToolTip(self.tr("Make a new {0} (Ctrl+N)").format(editor.singular))
        self.new_button.clicked.connect(lambda _c=False: self.new_record())
        self.count_label = QLabel()
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.count_label.setObjectName("countLabel")

        self.filter_row = QHBoxLayout()
        self.filter_row.setContentsMargins(0, 0, 0, 0)
        self.filter_row.addWidget(self.filter_edit, 1)
        left = QWidget()
        left.setMinimumWidth(220)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(8, 8, 4, 8)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.new_button)
        top.addStretch(1)
        left_layout.addLayout(top)
        left_layout.addLayout(self.filter_row)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.count_label)
        self.left = left

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        scroll.setWidget(editor)
        scroll.setMinimumWidth(320)
        self.detail_scroll = scroll
        self.right: QWidget = scroll

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName(f"{key}Splitter")
        self.splitter.addWidget(left)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        editor.sig_saved.connect(self._saved)
        editor.sig_draft_ended.connect(self._draft_ended)

    def finish(self, right: QWidget | None = None, sizes: tuple[int, int] = (560, 640), *,
               show_first: bool = True) -> None:
        """Put the editor (or ``right``, a widget holding it) beside the list and show the first row
        (unless ``show_first`` is False: then the first ``reload`` shows it)."""
        if right is not None:
            self.right = right
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes(list(sizes))
        self.update_count()
        if show_first and self.model.rowCount() > 0:
            self.table.selectRow(0)

    def count_text(self, n: int) -> str:
        return self.tr("{0} records").format(f"{n:,}")

    def update_count(self) -> None:
        self.count_label.setText(self.count_text(self.model.total()))

    # ------------------------------------------------------------ choosing
    def _on_current_row(self, current, previous) -> None:
        if self._reverting:
            return
        record_id = self.model.record_id(current.row()) if current.isValid() else None
        if record_id is None:
            return
        if record_id == self.editor.current_id():
            return
        if not self.editor.confirm_leave():
            self._select_quietly(self.editor.current_id())
            return
        self.show(record_id)

    def _select_quietly(self, record_id: str | None) -> None:
        self._reverting = True
        try:
            if record_id is None or not select_record(self.table, record_id):
                self.table.clearSelection()
                self.table.selectionModel().clearCurrentIndex()
        finally:
            self._reverting = False

    def show(self, record_id: str) -> None:
        try:
            record, version = records.get_versioned(self.ctx.ws, self.collection, record_id)
        except DossierError as exc:
            self.ctx.sig_status.emit(str(exc))
            return
        self.editor.set_record(record, version)
        self.record_shown(record)

    def record_shown(self, record) -> None:
        """Called after the editor shows another record (panes refresh what depends on it)."""

    def select(self, record_id: str) -> bool:
        """Select and show ``record_id`` (asking first if the editor holds an unsaved edit)."""
        if self.editor.current_id() == record_id:
            self._select_quietly(record_id)
            return True
        if not self.editor.confirm_leave():
            return False
        row = self.model.row_of(record_id)
        if row is None:
            self.filter_edit.blockSignals(True)
            self.filter_edit.clear()
            self.filter_edit.blockSignals(False)
            self.apply_filter()
            row = self.model.row_of(record_id)
        if row is None:
            return False
        self._select_quietly(record_id)
        self.show(record_id)
        return True

    def new_record(self, record=None, content: bool | None = None) -> bool:
        """Start a draft (``record``: with some fields already chosen; ``content``: whether
        they are the user's, to be asked about before they are dropped — by default, when a
        ``record`` is given)."""
        if self.ctx.ws.readonly or not self.editor.confirm_leave():
            return False
        self._before_draft = self.editor.current_id()
        self._select_quietly(None)
        self.editor.start_draft(record, content=record is not None if content is None else content)
        self.record_shown(None)
        return True

    def _draft_ended(self) -> None:
        QTimer.singleShot(0, self._after_draft)

    def _after_draft(self) -> None:
        if self.editor.draft or self.editor.record is not None:
            return
        back = self._before_draft
        self._before_draft = None
        if back is not None and self.model.row_of(back) is not None:
            self._select_quietly(back)
            self.show(back)
        elif self.model.rowCount():
            first = self.model.record_id(0)
            self._select_quietly(first)
            self.show(first)

    def _saved(self, record_id: str) -> None:
        self.model.reload()
        self.update_count()
        self._select_quietly(record_id)

    def delete_selected(self) -> None:
        if self.editor.draft:
            self.editor.discard()
            return
        record_id = self.editor.current_id() or selected_record(self.table)
        if record_id is not None:
            push_delete(self.ctx, self.collection, record_id, self, self.editor.version_shown(record_id))

    # ------------------------------------------------------------ following changes
    def reload(self) -> None:
        self.model.reload()
        self.update_count()
        if self.editor.draft or self.editor._saving:
            return
        keep = self.editor.current_id()
        if keep is None:
            if self.model.rowCount() and self.editor.record is None:
                first = self.model.record_id(0)
                self._select_quietly(first)
                self.show(first)
            return
        self._select_quietly(keep)
        before = self.editor.record
        self.editor.refresh()
        if self.editor.record is not before:
            self.record_shown(self.editor.record)

    def apply_filter(self) -> None:
        self.model.set_filter(self.model_filters(), self.filter_edit.text())
        self.update_count()
        keep = self.editor.current_id()
        if keep is not None:
            self._select_quietly(keep)

    # ------------------------------------------------------------ remembering
    def save_state(self, settings, prefix: str) -> None:
        settings.setValue(f"{prefix}/splitter", self.splitter.saveState())
        settings.setValue(f"{prefix}/header", self.table.horizontalHeader().saveState())

    def restore_state(self, settings, prefix: str) -> None:
        splitter = settings.value(f"{prefix}/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        header = settings.value(f"{prefix}/header")
        if isinstance(header, QByteArray):
            self.table.horizontalHeader().restoreState(header)
            self.table.horizontalHeader().setSortIndicator(
                self.model.sort_column(),
                Qt.SortOrder.DescendingOrder if self.model.descending else Qt.SortOrder.AscendingOrder)


class RecordPane(Pane):
    """A sidebar pane made of one ``RecordBrowser``. A subclass declares what it is made of
    (``EDITOR``, ``MODEL``) and its words (``title``, ``FILTER_HINT``,
    ``COUNT_WORDS``: English, translated through the pane's ``tr`` when shown), and overrides
    the hooks only where it differs. Its ``COLLECTION`` is its editor's; unless it says
    otherwise, that is also its ``key`` and what it ``shows``."""

    COLLECTION = ""
    #: other collections whose changes alter what the pane shows
    FOLLOWS: tuple[str, ...] = ()
    #: whether the first row is shown when the pane opens (else the pane shows one itself)
    SHOW_FIRST = True
    #: the editor of the chosen record, made with the pane's context
    EDITOR: type[RecordEditor] = RecordEditor
    #: the list's model class, made over the workspace (a ``partial`` of it for options such as
    #: ``sort``, the column the list is sorted by)
    MODEL: Callable[..., Any] | None = None
    #: the text filter's placeholder (None: the browser's own)
    FILTER_HINT: str | None = None
    #: the count under the list: for one record, and for ``{0}`` records
    COUNT_WORDS = ("{0} records", "{0} records")

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        collection = cls.EDITOR.COLLECTION
        if collection:
            cls.COLLECTION = collection
            if "key" not in cls.__dict__:
                cls.key = collection
            if "shows" not in cls.__dict__:
                cls.shows = (collection,)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.browser = RecordBrowser(ctx, self.make_editor(), self.make_model(), self.key, self)
        self.browser.count_text = self.count_text
        self.browser.model_filters = self.model_filters
        self.browser.record_shown = self.record_shown
        self.editor = self.browser.editor
        self.model = self.browser.model
        self.table = self.browser.table
        self.filter_edit = self.browser.filter_edit
        self.filter_row = self.browser.filter_row
        self.browser.new_button.clicked.disconnect()
        self.browser.new_button.clicked.connect(lambda _c=False: self.new_record())  # the pane's: it may prefill
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        self.build_pane()
        self.browser.finish(show_first=self.SHOW_FIRST)

    def make_editor(self) -> RecordEditor:
        return self.EDITOR(self.ctx)

    def make_model(self):
        return self.MODEL(self.ctx.ws, parent=self)

    def build_pane(self) -> None:
        """Name the pane and its list, hint at the filter and fit the columns; panes add filters
        and the like (before the first row is shown)."""
        self.name_pane()
        self.table.setAccessibleName(self.title)
        self.fit_columns()

    def name_pane(self) -> None:
        """The pane's title and the text filter's placeholder, in the user's language."""
        self.title = self.tr(type(self).title)  # the class keeps the English title
        if self.FILTER_HINT is not None:
            self.filter_edit.setPlaceholderText(self.tr(self.FILTER_HINT))

    def fit_columns(self) -> None:
        """Make the list's columns as wide as their usual text."""
        small.fit_columns(self.table, self.model)

    def add_choice_filter(self, width: int) -> ChoiceField:
        """A drop-down beside the text filter, ``width`` characters wide: choosing in it filters the list."""
        choice = ChoiceField()
        choice.setMinimumContentsLength(width)
        choice.edited.connect(self.apply_filter)
        self.filter_row.addWidget(choice)
        return choice

    def count_text(self, n: int) -> str:
        one, many = self.COUNT_WORDS
        return self.tr(one if n == 1 else many).format(f"{n:,}")

    def model_filters(self) -> dict:
        return {}

    def record_shown(self, record) -> None:
        """The editor now shows ``record`` (None for a draft)."""

    def apply_filter(self) -> None:
        self.browser.apply_filter()

    # ------------------------------------------------------------ Pane hooks
    def can_leave(self) -> bool:
        return self.editor.confirm_leave()

    def new_record(self, record=None) -> bool:
        return self.browser.new_record(record)

    def delete_selected(self) -> None:
        self.browser.delete_selected()

    def show_history(self) -> None:
        self.editor.show_history()

    def show_record(self, collection: str, record_id: str) -> bool:
        if collection != self.COLLECTION:
            return False
        return self.browser.select(record_id)

    def current_id(self) -> str | None:
        return self.editor.current_id()

    def follows(self, change: Change) -> bool:
        return any(change.touches(c) for c in (self.COLLECTION, *self.FOLLOWS))

    def on_changed(self, change: Change) -> None:
        if self.follows(change):
            self.reload()

    def reload(self) -> None:
        before = self.editor.record
        self.reload_list()
        if self.editor.record is before and before is not None and not self.editor.draft:
            self.record_kept(before)

    def reload_list(self) -> None:
        """Re-read the list, and the record shown."""
        self.browser.reload()

    def record_kept(self, record) -> None:
        """A reload left ``record`` shown: refresh what the form shows of other records."""

    def save_state(self) -> None:
        self.browser.save_state(self.ctx.settings, f"panes/{self.key}")

    def restore_state(self) -> None:
        self.browser.restore_state(self.ctx.settings, f"panes/{self.key}")


class NegotiationRecordPane(RecordPane):
    """A pane over the chosen negotiation's records of ``COLLECTION``."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self._update_new_button()

    def make_model(self):
        return self.MODEL(self.ctx.ws, filters=self.model_filters(), parent=self)

    def model_filters(self) -> dict:
        return {"negotiation": self.ctx.negotiation_id or ""}

    def _update_new_button(self) -> None:
        chosen = bool(self.ctx.negotiation_id) and not self.ctx.ws.readonly
        self.browser.new_button.setEnabled(chosen)
        self.browser.new_button.setToolTip(
            self.tr("Make a new {0} (Ctrl+N)").format(self.editor.singular) if chosen
            else self.tr("Make or choose a negotiation first"))
        if not self.ctx.negotiation_id and self.editor.record is None and not self.editor.draft:
            set_plain(self.editor.subheading, self.tr("Make or choose a negotiation first."))

    def new_record(self, record=None) -> bool:
        """A draft of the chosen negotiation (the editor's ``blank()`` gives it); none without one."""
        if not self.ctx.negotiation_id:
            return False
        return self.browser.new_record(record)

    def reload_list(self) -> None:
        """Show the chosen negotiation's records (the choice may have changed)."""
        self.model.set_filter(self.model_filters(), self.filter_edit.text())
        shown = self.editor.current_id()
        if shown is not None and self.model.row_of(shown) is None and not self.editor.draft:
            self.editor.set_record(None)  # another negotiation's, or gone: the list's first is shown
        self.before_reload()
        self.browser.reload()
        self._update_new_button()

    def before_reload(self) -> None:
        """Called once the list shows the chosen negotiation, before the editor follows it."""

    def show_record(self, collection: str, record_id: str) -> bool:
        if collection != self.COLLECTION:
            return False
        try:
            record = records.get(self.ctx.ws, collection, record_id)
        except DossierError:
            return False
        if record.negotiation != self.ctx.negotiation_id:
            if not self.editor.confirm_leave():
                return False
            self.ctx.set_negotiation(record.negotiation)
        return self.browser.select(record_id)
