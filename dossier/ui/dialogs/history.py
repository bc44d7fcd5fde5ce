"""A record's history: who changed what and when, newest first, each change open to its fields.

Every entry is a row (when, who, what); expanding it lists the fields that changed,
before and after. Choosing an entry shows its changes in full below the list. All of
it is plain text: a name or a note that looks like markup is shown as typed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dossier.errors import DossierError
from dossier.model.records import SINGULAR
from dossier.services import history
from dossier.services.workspace import Workspace
from dossier.ui.dialogs.record_changes import changed_fields, describe_time, field_label, indent, value_text
from dossier.ui.translate import translator
from dossier.ui.widgets.text import set_plain

ONE_LINE = 120  # characters of a value shown in the list; the full text is below it


tr = translator("history")


def action_text(action: str) -> str:
    words = {
        "create": tr("Created"),
        "created": tr("Created"),
        "insert": tr("Created"),
        "update": tr("Changed"),
        "updated": tr("Changed"),
        "delete": tr("Deleted"),
        "deleted": tr("Deleted"),
        "import": tr("Imported"),
    }
    return words.get((action or "").lower(), (action or "").capitalize())


def _one_line(text: str) -> str:
    flat = " / ".join(part for part in text.splitlines() if part) or text
    return flat if len(flat) <= ONE_LINE else flat[:ONE_LINE - 1] + "…"


def entry_fields(entry) -> list[tuple[str, str, str]]:
    """(field label, before, after) for each field an entry changed."""
    rows = []
    for name in changed_fields(entry.before, entry.after):
        before = value_text(getattr(entry.before, name)) if entry.before is not None else ""
        after = value_text(getattr(entry.after, name)) if entry.after is not None else ""
        rows.append((field_label(name), before, after))
    return rows


def who_text(entry) -> str:
    """Who made the change: the analyst's name as declared, and the login that wrote the
    entry when it is another (on a team workspace, the server's word for it)."""
    who = entry.who or tr("unknown")
    login = getattr(entry, "login", None)
    if login and login != entry.who:
        return tr("{0} (login {1})").format(who, login)
    return who


def entry_text(entry) -> str:
    """An entry in full, as the pane under the list shows it."""
    lines = [f"{describe_time(entry.at)} · {who_text(entry)} · {action_text(entry.action)}", ""]
    for label, before, after in entry_fields(entry):
        lines.append(label)
        if entry.before is not None:
            lines.append(tr("  before:"))
            lines.append(indent(before, "    "))
        if entry.after is not None:
            lines.append(tr("  after:"))
            lines.append(indent(after, "    "))
    if len(lines) == 2:
        lines.append(tr("No field changed."))
    return "\n".join(lines)


class HistoryDialog(QDialog):
    def __init__(self, ws: Workspace, collection: str, record_id: str, label: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("historyDialog")
        self.setWindowTitle(self.tr("History of {0} “{1}”").format(SINGULAR.get(collection, collection), label))
        self.resize(760, 560)
        heading = QLabel()
        heading.setWordWrap(True)
        set_plain(heading, self.tr("Who changed this {0}, newest first. Open a change to see its fields.")
                  .format(SINGULAR.get(collection, collection)))
        self.tree = QTreeWidget()
        self.tree.setObjectName("historyTree")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels([self.tr("When"), self.tr("Who"), self.tr("What")])
        self.tree.setUniformRowHeights(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(True)
        self.detail = QPlainTextEdit()
        self.detail.setObjectName("historyDetail")
        self.detail.setReadOnly(True)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.detail)
        splitter.setSizes([360, 160])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setShortcut(QKeySequence.StandardKey.Close)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self.entries: list = []
        self.tree.currentItemChanged.connect(self._show_current)
        try:
            self.entries = history.for_record(ws, collection, record_id)
        except DossierError as exc:
            self.detail.setPlainText(str(exc))
        self._fill()

    def _fill(self) -> None:
        for index, entry in enumerate(self.entries):
            fields = entry_fields(entry)
            what = action_text(entry.action)
            if fields and entry.before is not None and entry.after is not None:
                what = self.tr("{0}: {1}").format(what, ", ".join(label for label, _b, _a in fields))
            item = QTreeWidgetItem([describe_time(entry.at), who_text(entry), what])
            item.setData(0, Qt.ItemDataRole.UserRole, index)
            for label, before, after in fields:
                if entry.before is None:
                    text = self.tr("{0}: {1}").format(label, _one_line(after))
                elif entry.after is None:
                    text = self.tr("{0}: was {1}").format(label, _one_line(before))
                else:
                    text = self.tr("{0}: {1} → {2}").format(label, _one_line(before), _one_line(after))
                child = QTreeWidgetItem(item, [text])
                child.setData(0, Qt.ItemDataRole.UserRole, index)
                child.setFirstColumnSpanned(True)
            self.tree.addTopLevelItem(item)
        if not self.entries and not self.detail.toPlainText():
            self.detail.setPlainText(self.tr("No changes are recorded for this record."))
        if self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0))

    def _show_current(self, item: QTreeWidgetItem | None, _previous=None) -> None:
        if item is None:
            return
        index = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(index, int) and 0 <= index < len(self.entries):
            self.detail.setPlainText(entry_text(self.entries[index]))


def show_history(ws: Workspace, collection: str, record_id: str | None, label: str, parent: QWidget | None) -> None:
    if record_id:
        HistoryDialog(ws, collection, record_id, label, parent).exec()
