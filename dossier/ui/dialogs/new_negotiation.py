"""File ▸ New negotiation…: its title and its parties with their roles, in one dialog.

The parties are picked from those the workspace knows, or made on the spot with
*New party…*. Nothing is written until *Create negotiation*: then the negotiation is
saved as one undoable edit (a party made on the spot is its own edit, made when it was
made), and the window shows the new negotiation's Rounds pane.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from dossier.model.enums import NegotiationStatus
from dossier.model.records import Negotiation
from dossier.services import queries, records
from dossier.ui.commands import push_save
from dossier.ui.context import AppContext
from dossier.ui.messages import human_error
from dossier.ui.widgets.editor import ErrorLabel
from dossier.ui.widgets.fields import LineField
from dossier.ui.widgets.negotiation_parties import NegotiationPartiesField


class NewNegotiationDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.created: Negotiation | None = None
        self.setWindowTitle(self.tr("New negotiation"))
        self.setObjectName("newNegotiationDialog")
        intro = QLabel(self.tr("Name the negotiation and list who takes part: the parties at the table, "
                               "and any mediator, host or observer. You can change all of it later "
                               "in the Negotiations pane."), self)
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        self.title_edit = LineField(placeholder=self.tr("e.g. Israel–Syria security talks"))
        self.title_edit.setAccessibleName(self.tr("Title"))
        self.title_error = ErrorLabel(self)
        self.parties = NegotiationPartiesField(ctx, self)
        self.parties.setAccessibleName(self.tr("Parties"))
        self.parties.set_choices(queries.list_parties(ctx.ws))
        self.parties_error = ErrorLabel(self)
        self.general_error = ErrorLabel(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        title_box = QVBoxLayout()
        title_box.setSpacing(2)
        title_box.addWidget(self.title_edit)
        title_box.addWidget(self.title_error)
        form.addRow(self.tr("Title"), title_box)
        parties_box = QVBoxLayout()
        parties_box.setSpacing(2)
        parties_box.addWidget(self.parties)
        parties_box.addWidget(self.parties_error)
        form.addRow(self.tr("Parties"), parties_box)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.create_button = self.buttons.addButton(self.tr("Create negotiation"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setObjectName("createButton")
        self.create_button.setDefault(True)
        self.buttons.accepted.connect(self.create)
        self.buttons.rejected.connect(self.reject)
        self.title_edit.textEdited.connect(lambda _t: self.title_error.show_message(None))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.resize(640, 460)

    def negotiation(self) -> Negotiation:
        title = self.title_edit.value() or ""
        return Negotiation(id=records.new_id(self.ctx.ws, "negotiations", title or "negotiation"), title=title,
                           status=NegotiationStatus.ACTIVE.value, parties=self.parties.value())

    def create(self) -> bool:
        """Create the negotiation when it holds; else say what is missing beside the field."""
        for label in (self.title_error, self.parties_error, self.general_error):
            label.show_message(None)
        problem = self.title_edit.problem()
        if problem:
            self.title_error.show_message(self.tr("Title: {0}").format(problem))
            return False
        negotiation = self.negotiation()
        found = records.problems(self.ctx.ws, negotiation, creating=True)
        if not found:
            saved = push_save(self.ctx, None, negotiation, self.tr("New negotiation “{0}”").format(negotiation.title),
                              None, self)
            if saved.error is None:
                self.created = saved.record
                self.accept()
                return True
            found = saved.error.errors
        for error in found:
            name, text = human_error("negotiations", error)
            {"title": self.title_error, "parties": self.parties_error}.get(name, self.general_error).show_message(text)
        self.title_edit.setFocus()
        return False
