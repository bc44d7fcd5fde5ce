"""File ▸ Restore from backup…: the workspace's backups, newest first, and which can be restored."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dossier.store.sqlite.backups import backup_problem, backups_dir, list_backups

_STAMP = re.compile(r"-(\d{8}-\d{6})\.sqlite$")
MADE, SIZE, STATE = range(3)


def backup_made_at(backup: Path) -> datetime | None:
    """When a backup was made: from its name (``STEM-YYYYmmdd-HHMMSS.sqlite``), else its file time."""
    found = _STAMP.search(backup.name)
    if found:
        try:
            return datetime.strptime(found.group(1), "%Y%m%d-%H%M%S")
        except ValueError:
            pass
    try:
        return datetime.fromtimestamp(backup.stat().st_mtime)
    except OSError:
        return None


def describe_time(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "?"


def _cell(text: str, *, usable: bool) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable if usable else Qt.ItemFlag.NoItemFlags
    item.setFlags(flags)
    return item


class RestoreDialog(QDialog):
    """Choose one of the workspace's backups to put in its place."""

    def __init__(self, workspace: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = Path(workspace)
        self.setWindowTitle(self.tr("Restore from backup"))
        self.setMinimumWidth(620)
        self.backups = list_backups(self.workspace)
        self.problems = {backup: backup_problem(backup) for backup in self.backups}

        if self.backups:
            intro = self.tr(
                "Backups of {name}, newest first. Restoring one puts it in the workspace's place; "
                "the current file is kept beside it as {name}.replaced-DATE-TIME.").format(name=self.workspace.name)
        else:
            intro = self.tr("There are no backups of {name} yet. A backup is made in {folder} on each day "
                            "the workspace is opened.").format(name=self.workspace.name,
                                                               folder=backups_dir(self.workspace))
        self.intro = QLabel(intro, self)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        self.intro.setWordWrap(True)

        self.table = QTableWidget(len(self.backups), 3, self)
        self.table.setHorizontalHeaderLabels([self.tr("Made"), self.tr("Size"), self.tr("State")])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(MADE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SIZE, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        locale = QLocale()
        for row, backup in enumerate(self.backups):
            problem = self.problems[backup]
            usable = problem is None
            try:
                size = locale.formattedDataSize(backup.stat().st_size)
            except OSError:
                size = "?"
            state = self.tr("Good") if usable else self.tr("Unusable: {0}").format(problem)
            for column, text in ((MADE, describe_time(backup_made_at(backup))), (SIZE, size), (STATE, state)):
                item = _cell(text, usable=usable)
                item.setToolTip("")
                self.table.setItem(row, column, item)
            self.table.item(row, MADE).setData(Qt.ItemDataRole.UserRole, str(backup))

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.restore_button = self.buttons.addButton(self.tr("&Restore"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.table.itemSelectionChanged.connect(self._update_button)
        self.table.itemDoubleClicked.connect(lambda _item: self.accept() if self.chosen() else None)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        first_good = next((row for row, b in enumerate(self.backups) if self.problems[b] is None), None)
        if first_good is not None:
            self.table.selectRow(first_good)
        self._update_button()

    def chosen(self) -> Path | None:
        """The selected backup, if it can be restored."""
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        for row in rows:
            backup = self.backups[row]
            if self.problems[backup] is None:
                return backup
        return None

    def _update_button(self) -> None:
        self.restore_button.setEnabled(self.chosen() is not None)


def choose_backup(parent: QWidget | None, workspace: Path) -> Path | None:
    """Ask which backup to restore; None when the user cancels."""
    dialog = RestoreDialog(workspace, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.chosen()
