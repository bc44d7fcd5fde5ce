"""File ▸ Restore from backup…: the workspace's backups, newest first, and which can be restored;
then a confirmation saying when the chosen one was made, its size and what it holds."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dossier.errors import DossierError
from dossier.services.backups_info import BackupInfo, backup_info, backup_made_at, list_workspace_backups
from dossier.ui.alerts import show_error
from dossier.ui.dialogs.record_changes import describe_time

MADE, SIZE, STATE = range(3)


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
        listing = list_workspace_backups(self.workspace)
        self.backups = listing.backups
        self.problems = dict(listing.problems)

        if listing.problem:
            intro = listing.problem
        elif self.backups:
            intro = self.tr(
                "Backups of {name}, newest first. Restoring one puts it in the workspace's place; "
                "the current file is kept beside it as {name}.replaced-DATE-TIME.").format(name=self.workspace.name)
        else:
            intro = self.tr("There are no backups of {name} yet. A backup is made in {folder} on each day "
                            "the workspace is opened.").format(name=self.workspace.name,
                                                               folder=listing.folder)
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

    def mark_unusable(self, backup: Path, problem: str) -> None:
        """Show ``backup`` as one that cannot be restored (found out after the list was made)."""
        if backup not in self.problems:
            return
        self.problems[backup] = problem
        row = self.backups.index(backup)
        self.table.clearSelection()
        for column in (MADE, SIZE, STATE):
            self.table.item(row, column).setFlags(Qt.ItemFlag.NoItemFlags)
        self.table.item(row, STATE).setText(self.tr("Unusable: {0}").format(problem))
        self._update_button()


class RestoreConfirmation(QMessageBox):
    """Asks before a backup replaces the workspace, saying when it was made, its size and what it holds."""

    def __init__(self, workspace: Path, info: BackupInfo, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = Path(workspace)
        self.info = info
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle(self.tr("Restore from backup"))
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setText("\n\n".join([
            self.tr("Replace the workspace {0} with this backup?").format(self.workspace.name),
            "\n".join([
                self.tr("Made: {0}").format(describe_time(info.made_at)),
                self.tr("Size: {0}").format(QLocale().formattedDataSize(info.size)),
                self.tr("Holds: {0}").format(self.counts_text()),
                self.tr("File: {0}").format(info.path),
            ]),
            self.tr("The current workspace will be replaced by the backup. It is kept as a copy beside it, "
                    "named {0}.replaced-DATE-TIME.").format(self.workspace.name),
        ]))
        self.cancel_button = self.addButton(QMessageBox.StandardButton.Cancel)
        self.restore_button = self.addButton(self.tr("Restore"), QMessageBox.ButtonRole.AcceptRole)
        self.setDefaultButton(self.cancel_button)
        self.setEscapeButton(self.cancel_button)

    def count_text(self, collection: str, count: int) -> str:
        """``count`` records of ``collection`` in words: "1 person", "14 people"."""
        one, many = {
            "negotiations": (self.tr("{0} negotiation"), self.tr("{0} negotiations")),
            "parties": (self.tr("{0} party"), self.tr("{0} parties")),
            "people": (self.tr("{0} person"), self.tr("{0} people")),
            "topics": (self.tr("{0} topic"), self.tr("{0} topics")),
            "rounds": (self.tr("{0} round"), self.tr("{0} rounds")),
            "positions": (self.tr("{0} position"), self.tr("{0} positions")),
            "sources": (self.tr("{0} source"), self.tr("{0} sources")),
            "events": (self.tr("{0} event"), self.tr("{0} events")),
        }.get(collection, (f"{{0}} {collection}", f"{{0}} {collection}"))
        return (one if count == 1 else many).format(QLocale().toString(count))

    def counts_text(self) -> str:
        """Every kind of record the backup holds, with how many: "2 negotiations, 5 parties, …"."""
        order = ("negotiations", "parties", "people", "topics", "rounds", "positions", "sources", "events")
        kinds = [c for c in order if c in self.info.counts] + [c for c in self.info.counts if c not in order]
        return ", ".join(self.count_text(c, self.info.counts[c]) for c in kinds)

    def confirmed(self) -> bool:
        """Whether the user chose Restore (closing the box any other way is Cancel)."""
        return self.clickedButton() is self.restore_button


def choose_backup(parent: QWidget | None, workspace: Path) -> Path | None:
    """Ask which backup to restore, then confirm it, showing what it holds; None when the user cancels.

    The chosen backup is only read (opened read-only and counted). One that cannot be read
    is shown as unusable, with a message saying why, and the list is offered again.
    """
    dialog = RestoreDialog(workspace, parent)
    try:
        while True:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            backup = dialog.chosen()
            if backup is None:
                return None
            try:
                info = backup_info(backup)
            except DossierError as exc:
                dialog.mark_unusable(backup, str(exc))
                show_error(parent, dialog.tr("Cannot restore this backup"),
                           dialog.tr("{0} cannot be restored: {1}").format(backup, exc))
                continue
            box = RestoreConfirmation(workspace, info, parent)
            try:
                box.exec()
                return backup if box.confirmed() else None
            finally:
                box.deleteLater()
    finally:
        dialog.deleteLater()
