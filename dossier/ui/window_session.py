"""The window's workspace session: showing a workspace (a fresh context and panes), closing it
(one teardown), switching to another file or team workspace, restoring a backup, and the
recent workspaces. ``MainWindow`` is this and ``FileActions`` on the shell."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSize
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QListWidgetItem,
    QWidget,
)

from dossier import APP_NAME, config
from dossier.ui.alerts import show_error
from dossier.ui.lazyqt import Qt
from dossier.ui.pane_registry import PANES

# The services, the panes and what they import (SQLAlchemy among them) load when a
# workspace is first shown, so the window itself appears as soon as Qt can draw it.
if TYPE_CHECKING:
    from dossier.services.workspace import Workspace
    from dossier.ui.dialogs.open_problems import Opened

MAX_RECENT = 8


class WorkspaceSession:
    """The part of ``MainWindow`` that opens, shows and closes workspaces."""

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
        self.ctx.sig_open_passage.connect(self.open_passage)
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
                       self.new_negotiation_action, self.document_action, self.paste_source_action):
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
        """Close the workspace shown, keeping each pane's state (columns, splitters) for next time."""
        assert self.ctx is not None
        self._close_workspace(save_state=self.persist)

    def _close_workspace(self, *, save_state: bool = False, remove_panes: bool = True, forget: bool = True) -> None:
        """The one teardown: follow no more changes, keep the panes' state when asked, take the panes
        out (``remove_panes``), let the context go and close the workspace; ``forget`` drops the
        context (the window is about to show another workspace, or none)."""
        self._stop_live()
        if save_state:
            for pane in self.panes:
                pane.save_state()
        if remove_panes:
            self._remove_panes()
        if self.ctx is None:
            return
        self.ctx.undo_stack.blockSignals(True)
        self.ctx.detach()
        self.ctx.ws.close()
        if forget:
            self.ctx.deleteLater()
            self.ctx = None

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
        from dossier.ui.dialogs.team_workspace import is_team_address

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
        from dossier.ui.dialogs.team_workspace import open_team_interactively, without_password

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
            self._close_workspace()  # what was shown of it goes too
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


    def open_team_dialog(self) -> bool:
        """File ▸ Open team workspace…"""
        from dossier.ui.dialogs.team_workspace import TeamAddressDialog, is_team_address

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
        from dossier.ui.dialogs.team_workspace import is_team_address, without_password

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

