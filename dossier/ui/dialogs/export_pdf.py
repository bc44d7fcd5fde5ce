"""File ▸ Export PDF dossier: scope, marking, paper, author, file; built off the GUI thread."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from dossier.services import listing, records
from dossier.ui.alerts import show_error
from dossier.ui.context import AppContext
from dossier.ui.widgets.text import dot_joined
from dossier.ui.workers import Task, run_task

PAPERS = (("a4", "A4"), ("letter", "US Letter"))
DEFAULT_MARKING = "RESTRICTED"


class ExportPdfDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, round_id: str | None = None,
                 person_id: str | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.task: Task | None = None
        self.setWindowTitle(self.tr("Export PDF dossier"))
        settings = ctx.settings

        self.scope_negotiation = QRadioButton(self.tr("Whole negotiation"))
        self.scope_round = QRadioButton(self.tr("Round brief"))
        self.scope_person = QRadioButton(self.tr("Person profile"))
        group = QButtonGroup(self)
        for button in (self.scope_negotiation, self.scope_round, self.scope_person):
            group.addButton(button)
        self.rounds = QComboBox()
        if ctx.negotiation_id:
            for row in listing.page(ctx.ws, "rounds", filters={"negotiation": ctx.negotiation_id},
                                    sort="number", limit=10_000):
                label = dot_joined(p for p in (row.cells["number"] and self.tr("Round {0}").format(
                    row.cells["number"]), row.cells["title"], row.cells["dates"]) if p)
                self.rounds.addItem(label or row.id, row.id)
        self.people = QComboBox()
        self.people.setEditable(True)
        self.people.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for row in listing.page(ctx.ws, "people", sort="name", limit=100_000):
            self.people.addItem(row.cells["name"], row.id)
        self.scope_round.setEnabled(self.rounds.count() > 0)
        self.scope_person.setEnabled(self.people.count() > 0)
        if person_id is not None and self.people.findData(person_id) >= 0:
            self.scope_person.setChecked(True)
            self.people.setCurrentIndex(self.people.findData(person_id))
        elif round_id is not None and self.rounds.findData(round_id) >= 0:
            self.scope_round.setChecked(True)
            self.rounds.setCurrentIndex(self.rounds.findData(round_id))
        else:
            self.scope_negotiation.setChecked(True)
        # The scope follows the last choice made: a round picked asks for its brief, a person
        # picked (from the list, or typed and completed) for a profile.
        self.rounds.activated.connect(self._round_chosen)
        self.rounds.currentIndexChanged.connect(self._round_chosen)
        self.people.activated.connect(self._person_chosen)
        self.people.currentIndexChanged.connect(self._person_chosen)
        self.people.lineEdit().textEdited.connect(self._person_chosen)
        if self.people.completer() is not None:
            self.people.completer().activated.connect(self._person_chosen)

        self.marking = QLineEdit(settings.value("export/marking", DEFAULT_MARKING, type=str))
        self.paper = QComboBox()
        for key, label in PAPERS:
            self.paper.addItem(label, key)
        self.paper.setCurrentIndex(max(0, self.paper.findData(settings.value("export/paper", "a4", type=str))))
        self.author = QLineEdit(settings.value("export/author", "", type=str))
        folder = Path(settings.value("dialogs/folder", str(Path.home()), type=str))
        self.path = QLineEdit(str(folder / "dossier.pdf"))
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(browse)

        negotiation = self.tr("(none chosen)")
        if ctx.negotiation_id:
            negotiation = records.get(ctx.ws, "negotiations", ctx.negotiation_id).title
        neg_label = QLabel(negotiation)
        neg_label.setTextFormat(Qt.TextFormat.PlainText)

        form = QFormLayout()
        form.addRow(self.tr("Negotiation"), neg_label)
        form.addRow(self.tr("Scope"), self.scope_negotiation)
        form.addRow("", self.scope_round)
        form.addRow("", self.rounds)
        form.addRow("", self.scope_person)
        form.addRow("", self.people)
        form.addRow(self.tr("Marking"), self.marking)
        form.addRow(self.tr("Paper"), self.paper)
        form.addRow(self.tr("Author"), self.author)
        form.addRow(self.tr("File"), file_row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton(self.tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

    def _round_chosen(self, *_args) -> None:
        if self.scope_round.isEnabled():
            self.scope_round.setChecked(True)

    def _person_chosen(self, *_args) -> None:
        if self.scope_person.isEnabled():
            self.scope_person.setChecked(True)

    def chosen_person(self) -> str | None:
        """The person the people box shows: its current item, or the one whose name was typed in it."""
        text = self.people.currentText().strip()
        index = self.people.currentIndex()
        if index < 0 or self.people.itemText(index).strip() != text:
            index = self.people.findText(text, Qt.MatchFlag.MatchFixedString)  # a name typed, any case
            if index >= 0:
                self.people.setCurrentIndex(index)
        return self.people.itemData(index) if index >= 0 else None

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, self.tr("Export PDF dossier"), self.path.text(),
                                                self.tr("PDF (*.pdf)"))
        if chosen:
            self.path.setText(chosen if chosen.lower().endswith(".pdf") else chosen + ".pdf")

    def options(self) -> dict:
        return {
            "negotiation_id": self.ctx.negotiation_id,
            "round_id": self.rounds.currentData() if self.scope_round.isChecked() else None,
            "person_id": self.chosen_person() if self.scope_person.isChecked() else None,
            "marking": self.marking.text().strip() or DEFAULT_MARKING,
            "paper": self.paper.currentData(),
            "author": self.author.text().strip() or None,
        }

    def start(self) -> Task | None:
        if self.task is not None and not self.export_button.isEnabled():
            return None  # an export is under way
        out = Path(self.path.text().strip())
        if not self.path.text().strip():
            show_error(self, self.windowTitle(), self.tr("Choose a file to write."))
            return None
        options = self.options()
        if self.scope_person.isChecked() and options["person_id"] is None:
            show_error(self, self.windowTitle(), self.tr("No person is named {0}. Choose one from the list.")
                       .format(self.people.currentText().strip() or self.tr("(blank)")))
            return None
        settings = self.ctx.settings
        settings.setValue("export/marking", options["marking"])
        settings.setValue("export/paper", options["paper"])
        settings.setValue("export/author", options["author"] or "")
        settings.setValue("dialogs/folder", str(out.parent))
        ws = self.ctx.ws

        def work(progress, is_cancelled):
            from dossier.services.exports import export_pdf_file

            # The records were checked when the workspace was opened: they are printed as they are.
            return export_pdf_file(ws, out, check_records=False, progress=progress, is_cancelled=is_cancelled,
                                   **options)

        def done(pages) -> None:
            self._ready()
            self.ctx.sig_status.emit(self.tr("Wrote {0} ({1} pages)").format(out, pages))
            self.accept()

        self.export_button.setEnabled(False)
        task = run_task(self, self.tr("Export PDF dossier"), self.tr("Building {0}…").format(out.name),
                        work, done, self._failed)
        self.task = task
        # Cancelled or failed, the dialog is ready for another export (the signals come from the
        # worker thread: handled on the GUI thread, in this dialog's methods).
        task.signals.cancelled.connect(self._ready, Qt.ConnectionType.QueuedConnection)
        task.signals.finished.connect(self._ready, Qt.ConnectionType.QueuedConnection)
        if task.was_cancelled or task.error is not None:  # over before the signals were connected
            self._ready()
        return task

    def _ready(self) -> None:
        """No export under way: Export can be pressed again."""
        self.export_button.setEnabled(True)

    def _failed(self, message: str) -> None:
        self._ready()
        show_error(self, self.tr("Export failed"), message)
