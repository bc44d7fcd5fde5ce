"""The shell: sidebar of panes, negotiation selector, global search, menus, status bar.

A workspace is a file, or a team workspace on a PostgreSQL server (``ws.is_shared``):
the title and status bar show its location (never a password) and a "Shared" mark,
and the file-only items (backup, restore from backup) are off for it. Changes others
save appear while the window is open (``LiveUpdates``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings, QSize, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QToolBar,
    QHBoxLayout,
    QVBoxLayout,
    QWidget,
)

from dossier import APP_NAME, config
from dossier.ui.app import show_error
from dossier.ui.lazyqt import Qt
from dossier.ui.analyst import apply_analyst_name

# The services, the panes and what they import (SQLAlchemy among them) load when a
# workspace is first shown, so the window itself appears as soon as Qt can draw it.
if TYPE_CHECKING:
    from dossier.services.workspace import Change, Workspace
    from dossier.ui.context import AppContext, Pane
    from dossier.ui.dialogs.open_problems import Opened
    from dossier.ui.live import LiveUpdates


def _negotiations() -> type[Pane]:
    from dossier.ui.panes.negotiations import NegotiationsPane

    return NegotiationsPane


def _parties() -> type[Pane]:
    from dossier.ui.panes.parties import PartiesPane

    return PartiesPane


def _topics() -> type[Pane]:
    from dossier.ui.panes.topics import TopicsPane

    return TopicsPane


def _events() -> type[Pane]:
    from dossier.ui.panes.events import EventsPane

    return EventsPane


def _people() -> type[Pane]:
    from dossier.ui.panes.people import PeoplePane

    return PeoplePane


def _rounds() -> type[Pane]:
    from dossier.ui.panes.rounds import RoundsPane

    return RoundsPane


def _positions() -> type[Pane]:
    from dossier.ui.panes.positions import PositionsPane

    return PositionsPane


def _sources() -> type[Pane]:
    from dossier.ui.panes.sources import SourcesPane

    return SourcesPane


def _timeline() -> type[Pane]:
    from dossier.ui.panes.timeline import TimelinePane

    return TimelinePane


#: The sidebar's panes in order: key, title, class name, and what imports the class. Each
#: pane's module is imported when the pane is first shown; the imports are written out so
#: that bundlers see them (``tests/ui/test_shell.py`` checks this agrees with the classes).
PANES: tuple[tuple[str, str, str, Callable[[], type[Pane]]], ...] = (
    ("negotiations", "Negotiations", "NegotiationsPane", _negotiations),
    ("parties", "Parties", "PartiesPane", _parties),
    ("people", "People", "PeoplePane", _people),
    ("topics", "Topics", "TopicsPane", _topics),
    ("rounds", "Rounds", "RoundsPane", _rounds),
    ("positions", "Positions", "PositionsPane", _positions),
    ("sources", "Sources", "SourcesPane", _sources),
    ("events", "Events", "EventsPane", _events),
    ("timeline", "Timeline", "TimelinePane", _timeline),
)
PANE_KEYS = tuple(key for key, *_rest in PANES)


def pane_class(index: int) -> type[Pane]:
    return PANES[index][3]()


def pane_classes() -> tuple[type[Pane], ...]:
    """The sidebar's pane classes, in order (importing every pane)."""
    return tuple(load() for *_rest, load in PANES)


MAX_RECENT = 8
SEARCH_LIMIT = 30


class SearchBox(QLineEdit):
    """The global search field; its ranked hits drop down in a list below it."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window_ = window
        self.setPlaceholderText(self.tr("Search everything (Ctrl+K)"))
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(320)
        self._hits: QListWidget | None = None  # made at the first search, after the window is drawn
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.run_search)
        self.textEdited.connect(lambda _t: self._timer.start())
        self.returnPressed.connect(self._open_current)
        self.installEventFilter(self)

    @property
    def hits(self) -> QListWidget:
        """The drop-down list of hits."""
        if self._hits is None:
            hits = self._hits = QListWidget(self.window_)
            hits.setObjectName("searchHits")
            hits.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            hits.setUniformItemSizes(False)
            hits.setWordWrap(False)
            hits.setTextElideMode(Qt.TextElideMode.ElideRight)
            hits.hide()
            hits.itemClicked.connect(self._open_item)
        return self._hits

    def hits_shown(self) -> bool:
        return self._hits is not None and self._hits.isVisible()

    def run_search(self) -> list:
        from dossier.errors import DossierError

        query = self.text().strip()
        self.hits.clear()
        if not query:
            self.hits.hide()
            return []
        from dossier.model.records import SINGULAR
        from dossier.services import search

        try:
            found = search.search(self.window_.ctx.ws, query, limit=SEARCH_LIMIT)
        except DossierError as exc:
            self.window_.statusBar().showMessage(str(exc), 5000)
            found = []
        for hit in found:
            kind = SINGULAR[hit.collection].capitalize()
            detail = hit.snippet.text if hit.snippet is not None else ""
            item = QListWidgetItem(f"{hit.label}\n{kind}" + (f" · {detail}" if detail else ""))
            item.setData(Qt.ItemDataRole.UserRole, (hit.collection, hit.id))
            item.setToolTip("")
            self.hits.addItem(item)
        if not found:
            item = QListWidgetItem(self.tr("No matches"))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.hits.addItem(item)
        else:
            self.hits.setCurrentRow(0)
        self._place()
        self.hits.show()
        self.hits.raise_()
        return found

    def _place(self) -> None:
        top_left = self.mapTo(self.window_, self.rect().bottomLeft())
        width = max(self.width(), 460)
        x = min(top_left.x(), self.window_.width() - width - 8)
        rows = min(self.hits.count(), 10)
        height = rows * (self.hits.fontMetrics().height() * 2 + 8) + 6
        self.hits.setGeometry(x, top_left.y() + 2, width, height)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self and event.type() == QEvent.Type.KeyPress and self.hits_shown():
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                step = 1 if key == Qt.Key.Key_Down else -1
                row = max(0, min(self.hits.count() - 1, self.hits.currentRow() + step))
                self.hits.setCurrentRow(row)
                return True
            if key == Qt.Key.Key_Escape:
                self.hits.hide()
                return True
        if obj is self and event.type() == QEvent.Type.FocusOut:
            QTimer.singleShot(200, self._hide_unless_focused)
        return super().eventFilter(obj, event)

    def _hide_unless_focused(self) -> None:
        if not self.hasFocus():
            self.hits.hide()

    def _open_current(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self.run_search()
        item = self.hits.currentItem()
        if item is not None:
            self._open_item(item)

    def _open_item(self, item: QListWidgetItem) -> None:
        target = item.data(Qt.ItemDataRole.UserRole)
        if not target:
            return
        self.hits.hide()
        self.window_.ctx.sig_open_record.emit(*target)


class MainWindow(QMainWindow):
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
        self.setStyleSheet(STYLE)

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
        self.history_action = self._action(edit_menu, self.tr("Record &history…"),
                                           lambda: self.current_pane().show_history(), "Ctrl+H")
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

    def _install(self, ws: Workspace, pane: str | None = None) -> None:
        """Show the workspace ``ws``: a fresh context and fresh panes (``pane`` first, else the last shown)."""
        from dossier.ui.context import AppContext
        from dossier.ui.live import LiveUpdates

        for label in (self.banner, self.workspace_label, self.shared_label):  # user text is never markup
            label.setTextFormat(Qt.TextFormat.PlainText)
        self._bind_shortcuts()
        self.ctx = AppContext(ws, self.settings, self)
        self.ctx.sig_status.connect(lambda message: self.statusBar().showMessage(message, 8000))
        self.ctx.sig_open_record.connect(self.open_record)
        self.ctx.sig_negotiation_changed.connect(lambda nid: self._select_negotiation(nid or None))
        self.ctx.sig_revealed.connect(self._reveal)
        self.ctx.sig_changed.connect(self._on_changed)
        # Undo and Redo stay on while the workspace can be written: the field being typed in is saved
        # first (``undo_redo``), so there may be an edit to undo before the stack holds one
        self.ctx.undo_stack.undoTextChanged.connect(
            lambda text: self.undo_action.setText(self.tr("&Undo {0}").format(text) if text else self.tr("&Undo")))
        self.ctx.undo_stack.redoTextChanged.connect(
            lambda text: self.redo_action.setText(self.tr("&Redo {0}").format(text) if text else self.tr("&Redo")))
        self.undo_action.setEnabled(not ws.readonly)
        self.redo_action.setEnabled(not ws.readonly)
        self._fill_negotiations()
        saved = self.settings.value(self._negotiation_key(), "", type=str)
        ids = [self.negotiation_box.itemData(i) for i in range(self.negotiation_box.count())]
        chosen = saved if saved in ids else (ids[0] if ids else None)
        self.ctx.set_negotiation(chosen)
        self._select_negotiation(chosen)

        self._built = {}
        for i, (key, title, class_name, _load) in enumerate(PANES):
            self.stack.addWidget(QWidget())  # stands in until the pane is first shown
            title = QCoreApplication.translate(class_name, title)
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setSizeHint(QSize(130, 34))
            self.sidebar.addItem(item)
            action = QAction(title, self)
            action.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            action.triggered.connect(lambda _c=False, k=key: self.show_pane(k))
            self.view_menu.insertAction(self._view_separator, action)
            self._pane_actions.append(action)
        last = self.settings.value("window/pane", "people", type=str) if self.persist else "people"
        first = pane if pane in self.pane_keys else last
        self.show_pane(first if first in self.pane_keys else "people")
        self._update_title()
        self._show_write_access()
        self.live = LiveUpdates(self.ctx, self)
        self._show_welcome(self.negotiation_box.itemData(0) is None)

    def _writable(self) -> bool:
        return self.ctx is not None and not self.ctx.ws.readonly

    def _show_write_access(self) -> None:
        """A read-only workspace: a banner saying why, every editing action off, forms that only show."""
        ws = self.ctx.ws
        writable = not ws.readonly
        for action in (self.new_action, self.delete_action, self.import_action, self.restore_action,
                       self.new_negotiation_action):
            action.setEnabled(writable)
        self._show_file_only_actions()
        if writable:
            self.banner.hide()
            return
        reason = ws.readonly_reason or self.tr("it was opened read-only")
        self.banner.setText(self.tr("Read-only: {0}. You can read, search and export it; changes cannot be saved.")
                            .format(reason))
        self.banner.show()
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)

    def _show_file_only_actions(self) -> None:
        """Backup and restore copy the workspace file: a team workspace has none (its server is backed up)."""
        shared = self.ctx.ws.is_shared
        self.backup_action.setEnabled(not shared)
        self.restore_action.setEnabled(not shared and not self.ctx.ws.readonly)
        tip = self.tr("A team workspace is backed up on its server (pg_dump); "
                      "File ▸ Export JSON… saves a copy of it") if shared else ""
        self.backup_action.setToolTip(tip)
        self.restore_action.setToolTip(tip)

    def _stop_live(self) -> None:
        if self.live is not None:
            self.live.stop()
            self.live.deleteLater()
            self.live = None

    def _tell_opened(self, path: Path | str | None, notes: list[str]) -> None:
        """The status bar: what was opened, the daily backup made on opening, any warnings."""
        ws = self.ctx.ws
        parts = ([self.tr("Opened {0}").format(path)] if path is not None else []) + list(notes)
        if ws.backup_made is not None:
            parts.append(self.tr("Daily backup made: {0}").format(ws.backup_made))
        parts += [self.tr("Warning: {0}").format(warning) for warning in ws.warnings]
        if parts:
            self.statusBar().showMessage("  ·  ".join(parts), 30000 if ws.warnings or notes else 10000)

    def _uninstall(self) -> None:
        assert self.ctx is not None
        self._stop_live()
        if self.persist:
            for pane in self.panes:
                pane.save_state()
        self._remove_panes()
        self.ctx.undo_stack.blockSignals(True)
        self.ctx.detach()
        self.ctx.ws.close()
        self.ctx.deleteLater()
        self.ctx = None

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

    # ------------------------------------------------------------------ workspaces
    def _update_title(self) -> None:
        ws = self.ctx.ws
        suffix = self.tr(" [read-only]") if ws.readonly else ""
        if ws.is_shared:
            self.setWindowTitle(self.tr("{0} (shared){1} — {2}").format(ws.location, suffix, APP_NAME))
            self.setWindowFilePath("")
        else:
            self.setWindowTitle(f"{ws.path.name}{suffix} — {APP_NAME}")
            self.setWindowFilePath(str(ws.path))
        self.workspace_label.setText(ws.location)
        self.shared_label.setVisible(ws.is_shared)

    def switch_workspace(self, path: str | os.PathLike, *, create: bool = False) -> bool:
        """Open another workspace in this window; on failure or cancel keep the current one.

        ``path`` is a file, or a team workspace's ``postgresql://`` address. A workspace
        another Dossier holds can be opened read-only; a damaged one restored from its
        newest good backup (see ``open_interactively``).
        """
        from dossier.ui.dialogs.open_problems import open_interactively
        from dossier.ui.dialogs.team import is_team_address

        if is_team_address(path):
            return self.switch_team_workspace(str(path))
        path = Path(path)
        if not create and not path.exists():
            show_error(self, self.tr("Cannot open workspace"), self.tr("{0} does not exist").format(path))
            return False
        if self.ctx is not None and not self.ctx.ws.is_shared and path.resolve() == self.ctx.ws.path.resolve():
            self.statusBar().showMessage(self.tr("{0} is already open").format(path), 5000)
            return True
        if not self._can_leave():
            return False
        opened = open_interactively(self, path)
        if opened is None:
            return False
        self._uninstall()
        self._install(opened.ws)
        self._remember(path)
        self._tell_opened(path, opened.notes)
        return True

    def switch_team_workspace(self, url: str) -> bool:
        """Open the team workspace at ``url`` in this window (asking for a password if needed)."""
        from dossier.ui.dialogs.team import open_team_interactively, without_password

        shown = without_password(url)
        if self.ctx is not None and self.ctx.ws.is_shared and self.ctx.ws.location == shown:
            self.statusBar().showMessage(self.tr("{0} is already open").format(shown), 5000)
            return True
        opened = open_team_interactively(self, url)
        if opened is None:
            return False
        self._uninstall()
        if not self._install_or_fall_back(opened.ws):
            return False
        self._remember_location(opened.ws.location)
        self._tell_opened(opened.ws.location, opened.notes)
        return True

    def _install_or_fall_back(self, ws: Workspace) -> bool:
        """Show ``ws``; when reading it fails (a server gone meanwhile), say why and show the default workspace."""
        from dossier.errors import DossierError

        try:
            self._install(ws)
            return True
        except DossierError as exc:
            self._discard_partial_install()
            show_error(self, self.tr("Cannot open workspace"), str(exc))
        fallback = self._fallback_workspace()
        if fallback is not None:
            self._install(fallback.ws)
        return False

    def _remove_panes(self) -> None:
        """Take every pane (and stand-in) out of the window, with its sidebar entry and menu action."""
        for action in self._pane_actions:
            self.view_menu.removeAction(action)
        self._pane_actions = []
        self.sidebar.blockSignals(True)
        self.sidebar.clear()
        self.sidebar.blockSignals(False)
        while self.stack.count():
            widget = self.stack.widget(0)
            self.stack.removeWidget(widget)
            widget.deleteLater()
        self._built = {}

    def _discard_partial_install(self) -> None:
        self._remove_panes()
        if self.ctx is not None:
            self._stop_live()
            self.ctx.undo_stack.blockSignals(True)
            self.ctx.detach()
            self.ctx.ws.close()
            self.ctx.deleteLater()
            self.ctx = None

    def open_team_dialog(self) -> bool:
        """File ▸ Open team workspace…"""
        from dossier.ui.dialogs.team import TeamAddressDialog, is_team_address

        dialog = TeamAddressDialog([r for r in self.recent_files() if is_team_address(r)], self)
        if dialog.exec() != TeamAddressDialog.DialogCode.Accepted:
            return False
        return self.switch_team_workspace(dialog.url())

    def restore_from_backup(self) -> bool:
        """File ▸ Restore from backup…: put a chosen backup in the workspace's place and reopen it."""
        from PySide6.QtWidgets import QMessageBox

        from dossier.errors import DossierError
        from dossier.services.workspace import restore_backup
        from dossier.ui.dialogs.open_problems import ask, open_interactively
        from dossier.ui.dialogs.restore import choose_backup

        if not self._writable() or self.ctx.ws.is_shared:
            return False
        path = self.ctx.ws.path
        if not self._can_leave():
            return False
        backup = choose_backup(self, path)
        if backup is None:
            return False
        self._uninstall()  # closes the workspace: its lock is free for the restore
        notes: list[str] = []
        try:
            replaced = restore_backup(path, backup)
        except DossierError as exc:
            show_error(self, self.tr("Restore failed"), str(exc))
            replaced = None
        opened = open_interactively(self, path)
        if opened is None:  # cannot happen short of another program taking the file meanwhile
            opened = self._fallback_workspace()
            if opened is None:
                return False
        self._install(opened.ws)
        if replaced is not None:
            notes.append(self.tr("Restored {0}; the replaced workspace was kept as {1}").format(backup.name, replaced))
            ask(self, QMessageBox.Icon.Information, self.tr("Backup restored"), "\n\n".join([
                self.tr("{0} now holds the backup {1}.").format(path.name, backup.name),
                self.tr("The workspace as it was before is kept as:\n{0}").format(replaced)]), None)
        self._tell_opened(path, notes + opened.notes)
        return replaced is not None

    def _fallback_workspace(self) -> Opened | None:
        """The user's default workspace, when the one shown could not be reopened; else close the window."""
        from dossier.errors import DossierError
        from dossier.services.workspace import open_workspace
        from dossier.ui.dialogs.open_problems import Opened

        try:
            return Opened(open_workspace(config.default_workspace_path()), [])
        except DossierError as exc:
            show_error(self, self.tr("Cannot open workspace"), str(exc))
            self.close()
            return None

    def _remember(self, path: Path) -> None:
        self._remember_location(str(path.resolve()))

    def _remember_location(self, location: str) -> None:
        """Put a workspace first among the recent ones; an address is kept without its password."""
        from dossier.ui.dialogs.team import is_team_address, without_password

        text = without_password(location) if is_team_address(location) else location
        recent = [p for p in self.recent_files() if p != text]
        self.settings.setValue("workspace/recent", [text, *recent][:MAX_RECENT])
        self.settings.setValue("workspace/last", text)

    def recent_files(self) -> list[str]:
        value = self.settings.value("workspace/recent", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.recent_files():
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _c=False, p=path: self.switch_workspace(p))
        if not self.recent_menu.actions():
            self.recent_menu.addAction(self.tr("No recent workspaces")).setEnabled(False)

    def _ask_path(self, save: bool, title: str, name_filter: str, suggested: str = "") -> str | None:
        from PySide6.QtWidgets import QFileDialog

        start = str(Path(self.settings.value("dialogs/folder", str(Path.home()), type=str)) / suggested)
        if save:
            chosen, _ = QFileDialog.getSaveFileName(self, title, start, name_filter)
        else:
            chosen, _ = QFileDialog.getOpenFileName(self, title, start, name_filter)
        if chosen:
            self.settings.setValue("dialogs/folder", str(Path(chosen).parent))
        return chosen or None

    def new_workspace(self) -> None:
        path = self._ask_path(True, self.tr("New workspace"), self.tr("Dossier workspace (*.sqlite)"),
                              "dossier.sqlite")
        if path:
            if Path(path).exists():
                show_error(self, self.tr("New workspace"),
                           self.tr("{0} already exists; choose File ▸ Open to open it.").format(path))
                return
            self.switch_workspace(path, create=True)

    def open_workspace_dialog(self) -> None:
        path = self._ask_path(False, self.tr("Open workspace"),
                              self.tr("Dossier workspace (*.sqlite *.db);;All files (*)"))
        if path:
            self.switch_workspace(path)

    # ------------------------------------------------------------------ slow work
    def import_json(self) -> None:
        path = self._ask_path(False, self.tr("Import JSON"), self.tr("Dossier interchange (*.json);;All files (*)"))
        if path:
            self.start_import(Path(path))

    def start_import(self, path: Path):
        from dossier.services import interchange
        from dossier.ui.workers import run_task

        ws = self.ctx.ws

        def work(progress, is_cancelled):
            doc = interchange.read_file(path)  # at most the size limit is read, and within its memory bound
            return interchange.import_document(ws, doc, progress=progress, is_cancelled=is_cancelled, undoable=True)

        def done(report) -> None:
            from dossier.ui.commands import ImportCommand, records_text

            if self.ctx is None or self.ctx.ws is not ws:  # another workspace was opened meanwhile
                return
            self.ctx.undo_stack.clear()  # earlier edits were made to records the import may have replaced
            self.ctx.versions.clear()
            self.ctx.undo_stack.push(ImportCommand(self.ctx, report.undo, self.tr("Import {0}").format(path.name)))
            self.statusBar().showMessage(
                self.tr("Imported {0}: {1} added, {2} replaced; Edit ▸ Undo takes it back").format(
                    path.name, records_text(sum(report.added.values())), f"{sum(report.replaced.values()):,}"), 8000)

        return run_task(self, self.tr("Import JSON"), self.tr("Importing {0}…").format(path.name), work, done,
                        lambda message: show_error(self, self.tr("Import failed"), message))

    def export_json(self) -> None:
        path = self._ask_path(True, self.tr("Export JSON"), self.tr("Dossier interchange (*.json)"),
                              self._workspace_stem() + ".json")
        if path:
            self.start_export_json(Path(path))

    def start_export_json(self, path: Path):
        from dossier.services import interchange
        from dossier.ui.workers import run_task

        ws = self.ctx.ws

        def work(progress, is_cancelled):
            from dossier.files import refuse_workspace_target, write_private

            refuse_workspace_target(path, None if ws.is_shared else ws.path)
            doc = interchange.export_document(ws)
            write_private(path, lambda stream: interchange.write_document(doc, stream, is_cancelled=is_cancelled))
            return path

        return run_task(self, self.tr("Export JSON"), self.tr("Writing {0}…").format(path.name), work,
                        lambda _p: self.statusBar().showMessage(self.tr("Wrote {0}").format(path), 8000),
                        lambda message: show_error(self, self.tr("Export failed"), message))

    def export_pdf(self) -> None:
        from dossier.ui.dialogs.export_pdf import ExportPdfDialog

        dialog = ExportPdfDialog(self.ctx, self)
        dialog.exec()

    def _workspace_stem(self) -> str:
        """A name for files made from the workspace: the file's stem, or the team database's name."""
        ws = self.ctx.ws
        if ws.is_shared:
            return ws.location.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0] or "team"
        return ws.path.stem

    def backup(self) -> None:
        if self.ctx.ws.is_shared:
            return
        path = self._ask_path(True, self.tr("Back up workspace"), self.tr("Dossier workspace (*.sqlite)"),
                              self.ctx.ws.path.stem + "-backup.sqlite")
        if path:
            self.start_backup(Path(path))

    def start_backup(self, path: Path):
        from dossier.services.workspace import backup_workspace
        from dossier.ui.workers import run_task

        ws = self.ctx.ws
        return run_task(self, self.tr("Backup"), self.tr("Copying to {0}…").format(path.name),
                        lambda progress, is_cancelled: backup_workspace(ws, path),
                        lambda _p: self.statusBar().showMessage(self.tr("Backed up to {0}").format(path), 8000),
                        lambda message: show_error(self, self.tr("Backup failed"), message))

    def show_preferences(self) -> None:
        from dossier.ui.dialogs.preferences import PreferencesDialog

        PreferencesDialog(self.settings, self).exec()

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
        self._stop_live()
        if self.ctx is not None:
            self.ctx.undo_stack.blockSignals(True)
            self.ctx.detach()
            self.ctx.ws.close()
        super().closeEvent(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.search_box.hits_shown():
            self.search_box._place()


STYLE = """
QListWidget#sidebar { border: none; background: palette(window); padding-top: 8px; font-size: 10.5pt;
                      outline: 0; }
QListWidget#sidebar::item { padding: 6px 14px; border-radius: 4px; margin: 0 6px; }
QListWidget#sidebar::item:selected { background: palette(highlight); color: palette(highlighted-text); }
QListWidget#searchHits { border: 1px solid palette(mid); background: palette(base); }
QListWidget#searchHits::item { padding: 4px 8px; }
QToolBar#navigation { spacing: 6px; padding: 4px 6px; }
QLabel#sharedMark { background: #dbeafe; color: #1e3a8a; border-radius: 3px; padding: 1px 8px;
                    font-weight: 600; }
QLabel#readonlyBanner { background: #fff4ce; color: #4d3800; border-bottom: 1px solid #e0c060;
                        padding: 6px 12px; font-weight: 600; }
"""
