"""Help ▸ About and Help ▸ Keyboard shortcuts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dossier import APP_NAME, __version__


def show_about(parent: QWidget) -> None:
    box = QMessageBox(parent)
    box.setWindowTitle(parent.tr("About {0}").format(APP_NAME))
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(f"{APP_NAME} {__version__}")
    box.setInformativeText(parent.tr(
        "People, rounds of talks, positions and sources of diplomatic negotiations, "
        "printed as PDF dossiers for briefers.\n\n"
        "Fonts: Noto Sans, Noto Sans Arabic and Noto Sans Hebrew, under the SIL Open Font License."))
    box.exec()


class ShortcutsDialog(QDialog):
    """Every menu action that has a shortcut, read from the window's menus."""

    def __init__(self, window):
        super().__init__(window)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        rows = []
        for menu_action in window.menuBar().actions():
            menu = menu_action.menu()
            for action in menu.actions() if menu else []:
                for shortcut in action.shortcuts():
                    if shortcut.isEmpty():
                        continue
                    rows.append((action.text().replace("&", ""),
                                 shortcut.toString(QKeySequence.SequenceFormat.NativeText)))
        rows.append((self.tr("Search results: move / open / close"), self.tr("Up, Down / Enter / Esc")))
        self.table = QTableWidget(len(rows), 2, self)
        self.table.setHorizontalHeaderLabels([self.tr("Action"), self.tr("Keys")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        for i, (what, keys) in enumerate(rows):
            self.table.setItem(i, 0, QTableWidgetItem(what))
            self.table.setItem(i, 1, QTableWidgetItem(keys))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(460, 480)
