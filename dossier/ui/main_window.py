"""The shell: sidebar of panes, negotiation selector, global search, menus, status bar.

A workspace is a file, or a team workspace on a PostgreSQL server (``ws.is_shared``):
the title and status bar show its location (never a password) and a "Shared" mark,
and the file-only items (backup, restore from backup) are off for it. Changes others
save appear while the window is open (``LiveUpdates``).

Just past 500 lines: the shell only; the workspace session and the work on files are
``window_session`` and ``window_files``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSettings, QSize, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from dossier import config
from dossier.ui.alerts import show_error
from dossier.ui.analyst import apply_analyst_name
from dossier.ui.lazyqt import Qt
from dossier.ui.pane_registry import PANE_KEYS, PANES, pane_class, pane_classes
from dossier.ui.search_box import SearchBox
from dossier.ui.window_files import FileActions
from dossier.ui.window_session import WorkspaceSession

# The services, the panes and what they import (SQLAlchemy among them) load when a
# workspace is first shown, so the window itself appears as soon as Qt can draw it.
if TYPE_CHECKING:
    from dossier.services.workspace import Change, Workspace
    from dossier.ui.context import AppContext, Pane
    from dossier.ui.live import LiveUpdates



def window_stylesheet() -> str:
    """The window's own look (``resources/ui/window.qss``)."""
    from dossier.resources import resource_path

    return resource_path("ui", "window.qss").read_text(encoding="utf-8")



class MainWindow(WorkspaceSession, FileActions, QMainWindow):
    """The shell: sidebar of panes, negotiation selector, global search, menus, status bar; the
    workspace session (``WorkspaceSession``) and the work on files (``FileActions``) are mixed in."""

    def __init__(self, ws: Workspace | None, settings: QSettings, *, persist: bool = True,
                 notes: list[str] | None = None):
        """The window on ``ws``; with None, an empty window that ``show_workspace`` fills later."""
        super().__init__()
        self.settings = settings
        apply_analyst_name(settings)
        self.persist = persist
        self.ctx: AppContext | None = None
        self.live: LiveUpdates | None = None
        self._built: dict[str, Pane] = {}  # panes are built when first shown
        self._pane_actions: list[QAction] = []
        self.setMinimumSize(QSize(900, 560))

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setFixedWidth(150)
        self.sidebar.setSpacing(2)
        self.sidebar.currentRowChanged.connect(self._on_sidebar)
        self.stack = QStackedWidget()
        self.banner = QLabel()
        self.banner.setObjectName("readonlyBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.sidebar)
        self.area = QStackedWidget()  # the panes, or the welcome page of an empty workspace
        self.area.addWidget(self.stack)
        self._welcome = None
        row.addWidget(self.area, 1)
        column.addLayout(row, 1)
        self.setCentralWidget(central)

        self.negotiation_box = QComboBox()
        self.negotiation_box.setObjectName("negotiation")
        self.negotiation_box.setMinimumWidth(280)
        self.negotiation_box.setMaximumWidth(440)  # a long title is elided, whole in the tooltip
        self.negotiation_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.negotiation_box.setMinimumContentsLength(30)
        self.negotiation_box.currentIndexChanged.connect(self._negotiation_tooltip)
        self.negotiation_box.activated.connect(self._on_negotiation_chosen)
        self.search_box = SearchBox(self)
        self._build_toolbar()
        self.workspace_label = QLabel()
        self.shared_label = QLabel(self.tr("Shared"))
        self.shared_label.setObjectName("sharedMark")
        self.shared_label.setToolTip(self.tr("A team workspace: others can change it while you work; "
                                             "their changes appear here as they save them"))
        self.shared_label.hide()
        self.statusBar().addPermanentWidget(self.shared_label)
        self.statusBar().addPermanentWidget(self.workspace_label)
        self._build_menus()
        self._on_first_paint: list = []
        if ws is not None:
            self._install(ws)
            self._tell_opened(None, notes or [])
        if self.persist:
            self._restore_window()
        self.setStyleSheet(window_stylesheet())
        self.setAcceptDrops(True)  # a document dropped on the window becomes a source

    # ------------------------------------------------------------------ set-up
    def after_first_paint(self, callback) -> None:
        """Call ``callback`` once the window has been drawn for the first time."""
        if not self._on_first_paint:
            self.installEventFilter(self)
        self._on_first_paint.append(callback)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self and event.type() == QEvent.Type.Paint and self._on_first_paint:
            callbacks, self._on_first_paint = self._on_first_paint, []
            self.removeEventFilter(self)
            for callback in callbacks:  # once this paint has reached the screen
                QTimer.singleShot(0, callback)
        return super().eventFilter(obj, event)

    def show_workspace(self, ws: Workspace, notes: list[str], pane: str | None = None) -> None:
        """Fill a window made without a workspace (see ``__init__``)."""
        self.statusBar().clearMessage()
        self._install(ws, pane)
        self._tell_opened(None, notes)

    def _build_toolbar(self) -> None:
        bar = QToolBar(self.tr("Navigation"))
        bar.setObjectName("navigation")
        bar.setMovable(False)
        bar.setFloatable(False)
        label = QLabel(self.tr("Negotiation"))
        label.setContentsMargins(6, 0, 6, 0)
        bar.addWidget(label)
        bar.addWidget(self.negotiation_box)
        spacer = QWidget()
        spacer.setSizePolicy(spacer.sizePolicy().Policy.Expanding, spacer.sizePolicy().Policy.Preferred)
        bar.addWidget(spacer)
        bar.addWidget(self.search_box)
        self.addToolBar(bar)  # at the top

    def _bind_shortcuts(self) -> None:
        for action, keys in self._shortcuts:
            action.setShortcuts([QKeySequence(key) for key in keys])
        self._shortcuts = []

    def _action(self, menu: QMenu, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            self._shortcuts.append((action, [shortcut]))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        """The menus; their shortcuts are bound by ``_bind_shortcuts`` once a workspace is shown
        (binding one makes PySide6 build all of Qt's enums, which would delay the first paint)."""
        self._shortcuts: list[tuple[QAction, list]] = []
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        self.new_negotiation_action = self._action(file_menu, self.tr("New ne&gotiation…"), self.new_negotiation,
                                                   "Ctrl+Shift+N")
        self._action(file_menu, self.tr("&New workspace…"), self.new_workspace, "Ctrl+Alt+N")
        self._action(file_menu, self.tr("&Open workspace…"), self.open_workspace_dialog,
                     QKeySequence.StandardKey.Open)
        self._action(file_menu, self.tr("Open &team workspace…"), self.open_team_dialog, "Ctrl+Shift+O")
        self.recent_menu = file_menu.addMenu(self.tr("Open &recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        self.document_action = self._action(file_menu, self.tr("Add source &document…"), self.add_source_document,
                                            "Ctrl+Shift+D")
        self.paste_source_action = self._action(file_menu, self.tr("Add source from clip&board"),
                                                self.add_source_from_clipboard, "Ctrl+Shift+V")
        file_menu.addSeparator()
        self.import_action = self._action(file_menu, self.tr("&Import JSON…"), self.import_json)
        self._action(file_menu, self.tr("&Export JSON…"), self.export_json)
        self._action(file_menu, self.tr("Export &PDF dossier…"), self.export_pdf, "Ctrl+P")
        self.backup_action = self._action(file_menu, self.tr("&Backup…"), self.backup)
        self.restore_action = self._action(file_menu, self.tr("Restore from bac&kup…"), self.restore_from_backup)
        file_menu.addSeparator()
        self._action(file_menu, self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)

        edit_menu = bar.addMenu(self.tr("&Edit"))
        self.edit_menu = edit_menu
        self.undo_action = QAction(self.tr("&Undo"), self)
        self._shortcuts.append((self.undo_action, ["Ctrl+Z"]))
        self.undo_action.triggered.connect(lambda: self.undo_redo(undo=True))
        self.redo_action = QAction(self.tr("&Redo"), self)
        self._shortcuts.append((self.redo_action, ["Ctrl+Shift+Z", "Ctrl+Y"]))
        self.redo_action.triggered.connect(lambda: self.undo_redo(undo=False))
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        self.new_action = self._action(edit_menu, self.tr("New &record"), self.new_record, "Ctrl+N")
        self.delete_action = self._action(edit_menu, self.tr("&Delete record"),
                                          lambda: self.current_pane().delete_selected(), "Ctrl+Delete")
        self._action(edit_menu, self.tr("Record &history…"), lambda: self.current_pane().show_history(), "Ctrl+H")
        edit_menu.addSeparator()
        self._action(edit_menu, self.tr("&Find…"), self.focus_search, "Ctrl+K")
        edit_menu.addSeparator()
        self._action(edit_menu, self.tr("&Preferences…"), self.show_preferences, QKeySequence.StandardKey.Preferences)

        view_menu = bar.addMenu(self.tr("&View"))
        self.view_menu = view_menu
        self._view_separator = view_menu.addSeparator()
        self._action(view_menu, self.tr("&Reload"), lambda: self.current_pane().reload(), QKeySequence.StandardKey.Refresh)

        help_menu = bar.addMenu(self.tr("&Help"))
        self._action(help_menu, self.tr("&Keyboard shortcuts"), self.show_shortcuts, "F1")
        self._action(help_menu, self.tr("&About Dossier"), self.show_about)

    # ------------------------------------------------------------------ panes
    @property
    def pane_keys(self) -> list[str]:
        return list(PANE_KEYS)

    @property
    def panes(self) -> list[Pane]:
        """The panes built so far (each is built when first shown), in sidebar order."""
        return [self._built[key] for key in self.pane_keys if key in self._built]

    def current_pane(self) -> Pane:
        return self._pane_at(max(0, self.stack.currentIndex()))

    def pane(self, key: str) -> Pane:
        """The pane ``key``, built now if it has not been shown yet."""
        return self._pane_at(self.pane_keys.index(key))

    def _pane_at(self, index: int) -> Pane:
        key = PANE_KEYS[index]
        pane = self._built.get(key)
        if pane is None:
            pane = pane_class(index)(self.ctx)
            self._built[key] = pane
            current = self.stack.currentIndex()
            stand_in = self.stack.widget(index)
            self.stack.insertWidget(index, pane)
            self.stack.removeWidget(stand_in)
            stand_in.deleteLater()
            self.stack.setCurrentIndex(current)
            if self.persist:
                pane.restore_state()
            if self.ctx.ws.readonly:
                from dossier.ui.widgets.common_readonly import lock_forms

                lock_forms(pane)
        return pane

    def show_pane(self, key: str) -> bool:
        """Show the pane ``key``; False when the pane shown holds an edit the user chose to keep editing."""
        keys = self.pane_keys
        if key not in keys:
            return False
        i = keys.index(key)
        if self.stack.currentIndex() != i and self.area.currentWidget() is self.stack \
                and self.ctx is not None and self._built and not self.current_pane().can_leave():
            return False
        self._pane_at(i)
        self.sidebar.blockSignals(True)
        self.sidebar.setCurrentRow(i)
        self.sidebar.blockSignals(False)
        self.stack.setCurrentIndex(i)
        self.area.setCurrentWidget(self.stack)
        return True

    def _on_sidebar(self, row: int) -> None:
        if 0 <= row < len(PANES):
            if not self.show_pane(PANES[row][0]):
                self.sidebar.blockSignals(True)
                self.sidebar.setCurrentRow(self.stack.currentIndex())
                self.sidebar.blockSignals(False)

    def _show_welcome(self, empty: bool) -> None:
        """An empty workspace shows what to do first instead of empty panes."""
        if empty and not self.ctx.ws.readonly:
            if self._welcome is None:
                from dossier.ui.widgets.welcome import WelcomePage

                self._welcome = WelcomePage(self)
                self._welcome.sig_new_negotiation.connect(self.new_negotiation)
                self._welcome.sig_open_demo.connect(self.open_demo)
                self._welcome.sig_import.connect(self.import_json)
                self.area.addWidget(self._welcome)
            self.area.setCurrentWidget(self._welcome)
            self.sidebar.clearSelection()
        else:
            self.area.setCurrentWidget(self.stack)

    def welcome_shown(self) -> bool:
        return self._welcome is not None and self.area.currentWidget() is self._welcome

    def new_negotiation(self) -> bool:
        """File ▸ New negotiation…: title and parties in one dialog, then the new negotiation's rounds."""
        if not self._writable() or not self._can_leave():
            return False
        from dossier.ui.dialogs.new_negotiation import NewNegotiationDialog

        dialog = NewNegotiationDialog(self.ctx, self)
        if dialog.exec() != NewNegotiationDialog.DialogCode.Accepted or dialog.created is None:
            return False
        self._fill_negotiations()
        self.ctx.set_negotiation(dialog.created.id)
        self.settings.setValue(self._negotiation_key(), dialog.created.id)
        self.show_pane("rounds")
        self.statusBar().showMessage(self.tr("Created the negotiation “{0}”; add its first round with New round")
                                     .format(dialog.created.title), 10000)
        return True

    def open_demo(self) -> bool:
        """Open the demo workspace (built on first use) in this window."""
        from dossier.errors import DossierError
        from dossier.services.demo import build_demo

        path = config.demo_workspace_path()
        if not path.exists():
            try:
                ws, _ = build_demo(path)
                ws.close()
            except DossierError as exc:
                show_error(self, self.tr("Cannot open the demo"), str(exc))
                return False
        return self.switch_workspace(path)

    def new_record(self) -> bool:
        """Edit ▸ New record: a new record in the pane shown (a new negotiation from the welcome page)."""
        if not self._writable():
            return False
        if self.welcome_shown():
            return self.new_negotiation()
        pane = self.current_pane()
        if pane.key == "timeline" and self.show_pane("events"):  # the timeline draws events: make one
            pane = self.current_pane()
        if pane.new_record():
            return True
        if not self.ctx.negotiation_id and pane.key in ("topics", "rounds", "positions", "events"):
            self.statusBar().showMessage(self.tr("Make or choose a negotiation first (File ▸ New negotiation…)"),
                                         8000)
        return False

    def _can_leave(self) -> bool:
        """Whether every built pane may drop what its editor shows (asks about unsaved edits)."""
        return self.ctx is None or all(pane.can_leave() for pane in self.panes)

    def undo_redo(self, *, undo: bool) -> None:
        """Edit ▸ Undo / Redo: the field being typed in is saved first, so the last edit is what is undone."""
        if not self._writable():
            return
        from PySide6.QtWidgets import QApplication

        from dossier.ui.widgets.editor import RecordEditor

        widget = QApplication.focusWidget()
        while widget is not None and not isinstance(widget, RecordEditor):
            widget = widget.parentWidget()
        if widget is not None:
            if widget.draft:
                if not widget.confirm_leave():
                    return
            else:
                widget.flush()
        stack = self.ctx.undo_stack
        text = stack.undoText() if undo else stack.redoText()
        if not (stack.canUndo() if undo else stack.canRedo()):
            self.statusBar().showMessage(self.tr("Nothing to undo") if undo else self.tr("Nothing to redo"), 4000)
            return
        stack.undo() if undo else stack.redo()
        if self.statusBar().currentMessage().startswith(self.tr("Could not")):
            return
        self.statusBar().showMessage((self.tr("Undone: {0}") if undo else self.tr("Redone: {0}")).format(text), 8000)

    def _reveal(self, collection: str, record_id: str) -> None:
        """After an undo or redo: show the record it changed, in its pane (or that pane, when the record is gone)."""
        from dossier.services import records

        if records.exists(self.ctx.ws, collection, record_id):
            self.open_record(collection, record_id)
            return
        for cls in pane_classes():  # gone (an undone creation): the pane that lists its kind
            if collection in cls.shows:
                self.show_pane(cls.key)
                return

    def open_record(self, collection: str, record_id: str) -> bool:
        """Switch to the first pane that shows the record (current pane first)."""
        current = self.current_pane()
        if current.show_record(collection, record_id):
            return True
        for cls in pane_classes():
            if collection in cls.shows and cls.key != current.key \
                    and self.pane(cls.key).show_record(collection, record_id):
                self.show_pane(cls.key)
                return True
        from dossier.model.records import SINGULAR

        self.statusBar().showMessage(
            self.tr("No pane shows {0} {1}").format(SINGULAR.get(collection, collection), record_id), 6000)
        return False

    def open_passage(self, source_id: str, start: int, end: int) -> bool:
        """Show the Sources pane with the source's document at ``text[start:end]``, selected."""
        pane = self.pane("sources")
        if not self.show_pane("sources"):
            return False
        if not pane.show_passage(source_id, start, end):
            self.statusBar().showMessage(self.tr("That passage cannot be shown"), 6000)
            return False
        return True

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    # ------------------------------------------------------------------ negotiations
    def _negotiation_key(self) -> str:
        return "negotiation/" + self.ctx.ws.location.replace("/", "|")

    def _fill_negotiations(self) -> None:
        box = self.negotiation_box
        current = box.currentData()
        box.blockSignals(True)
        box.clear()
        from dossier.services import records

        for neg in records.find(self.ctx.ws, "negotiations", order_by=("title", "uid")):
            box.addItem(neg.title, neg.id)
        if box.count() == 0:
            box.addItem(self.tr("No negotiation yet"), None)
        index = box.findData(current)
        box.setCurrentIndex(index if index >= 0 else 0)
        box.blockSignals(False)

    def _negotiation_tooltip(self, _index: int) -> None:
        from dossier.ui.widgets.text import plain_tooltip

        self.negotiation_box.setToolTip(plain_tooltip(self.negotiation_box.currentText()))

    def _select_negotiation(self, negotiation_id: str | None) -> None:
        index = self.negotiation_box.findData(negotiation_id)
        if index >= 0:
            self.negotiation_box.setCurrentIndex(index)

    def _on_negotiation_chosen(self, index: int) -> None:
        chosen = self.negotiation_box.itemData(index)
        if chosen != self.ctx.negotiation_id and not self._can_leave():
            self._select_negotiation(self.ctx.negotiation_id)
            return
        self.ctx.set_negotiation(chosen)
        self.settings.setValue(self._negotiation_key(), chosen or "")

    def _on_changed(self, change: Change) -> None:
        if change.touches("negotiations"):
            self._fill_negotiations()
            ids = [self.negotiation_box.itemData(i) for i in range(self.negotiation_box.count())]
            if self.ctx.negotiation_id not in ids:
                self.ctx.set_negotiation(ids[0] if ids else None)
            self._select_negotiation(self.ctx.negotiation_id)
            if self.welcome_shown() and self.ctx.negotiation_id is not None:
                self.show_pane("rounds")

    # ------------------------------------------------------------------ help
    def show_shortcuts(self) -> None:
        from dossier.ui.dialogs.about import ShortcutsDialog

        ShortcutsDialog(self).exec()

    def show_about(self) -> None:
        from dossier.ui.dialogs.about import show_about

        show_about(self)

    # ------------------------------------------------------------------ persistence
    def _restore_window(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 860)
        state = self.settings.value("window/state")
        if state is not None:
            self.restoreState(state)

    def save_settings(self) -> None:
        if not self.persist or self.ctx is None:
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/pane", self.current_pane().key)
        for pane in self.panes:
            pane.save_state()
        if self.ctx.ws.is_shared:
            self._remember_location(self.ctx.ws.location)
        else:
            self._remember(self.ctx.ws.path)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.ctx is not None and not self.ctx.ws.readonly and not self._can_leave():
            event.ignore()
            return
        self.save_settings()
        self._close_workspace(remove_panes=False, forget=False)  # the window goes, and its panes with it
        super().closeEvent(event)

    # ------------------------------------------------------------------ a document dropped on the window
    def dragEnterEvent(self, event) -> None:
        if self._dropped_document(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        """A document file dropped on the window becomes a new source (see ``add_source_document``)."""
        path = self._dropped_document(event)
        if path is not None:
            event.acceptProposedAction()
            self.start_source_document(path)

    def _dropped_document(self, event):
        """The one local file being dragged, when the workspace can take a new source."""
        from pathlib import Path

        mime = event.mimeData()
        if not self._writable() or not mime.hasUrls():
            return None
        files = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]
        return Path(files[0]) if len(files) == 1 else None

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.search_box.hits_shown():
            self.search_box._place()


