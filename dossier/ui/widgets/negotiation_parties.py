"""A negotiation's parties and the role of each, with a way to make a missing party at once.

``NegotiationPartiesField`` is a record editor's field (``set_value``/``value`` and an
``edited`` signal, see ``dossier.ui.widgets.fields``): a table of (party, role) rows, a
party and a role drop-down with *Add* under it, *Remove* for the selected row, and
*New party…*, which asks for a name and a kind (``NewPartyDialog``) and creates the
party at once, as its own undo step. It needs nothing but an ``AppContext``, so the
Negotiations pane and the New negotiation dialog use it alike.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dossier.model.enums import PartyKind, PartyRole
from dossier.model.records import NegotiationParty, Party
from dossier.services import records
from dossier.ui.commands import push_save
from dossier.ui.context import AppContext
from dossier.ui.messages import human_error
from dossier.ui.models.small import choice_options
from dossier.ui.widgets.editor import ErrorLabel, field_button
from dossier.ui.widgets.fields import ChoiceField, LineField
from dossier.ui.widgets.list_editor import choice_combo
from dossier.ui.widgets.text import is_rtl, plain_tooltip

PARTY, ROLE = range(2)


class NewPartyDialog(QDialog):
    """Asks for a new party's name and kind and creates it; ``created`` is the party made."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, name: str = ""):
        super().__init__(parent)
        self.ctx = ctx
        self.created: Party | None = None
        self.setObjectName("newPartyDialog")
        self.setWindowTitle(self.tr("New party"))
        self.name_edit = LineField(placeholder=self.tr("e.g. Qatar"))
        self.name_edit.setText(name)
        self.name_edit.setAccessibleName(self.tr("Name"))
        self.kind_box = ChoiceField()
        self.kind_box.fill(choice_options(PartyKind))
        self.kind_box.setAccessibleName(self.tr("Kind"))
        self.error = ErrorLabel(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.addButton(self.tr("Create party"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.name_edit.textChanged.connect(self._name_changed)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow(self.tr("Kind"), self.kind_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(380)
        self._name_changed(name)

    def _name_changed(self, text: str) -> None:
        self.create_button.setEnabled(bool(text.strip()) and not self.ctx.ws.readonly)
        self.error.show_message(None)

    def accept(self) -> None:
        """Create the party; on a refusal, say why and stay open."""
        problem = self.name_edit.problem()
        name = self.name_edit.value()
        if problem or not name:
            self.error.show_message(self.tr("Name: {0}").format(problem or self.tr("required")))
            return
        party = Party(id=records.new_id(self.ctx.ws, "parties", name), name=name, kind=self.kind_box.value())
        saved = push_save(self.ctx, None, party, self.tr("New party “{0}”").format(name), None, self)
        if saved.error is not None:
            self.error.show_message("\n".join(human_error("parties", e)[1] for e in saved.error.errors))
            return
        self.created = saved.record
        super().accept()


class NegotiationPartiesField(QWidget):
    """A negotiation's parties with their roles; ``edited`` after each change the user makes."""

    edited = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._names: dict[str, str] = {}  # party id -> name, for every party offered
        self._order: list[str] = []  # party ids in the order to offer them

        self.table = QTableWidget(0, 2, self)
        self.table.setObjectName("negotiationPartiesTable")
        self.table.setHorizontalHeaderLabels([self.tr("Party"), self.tr("Role")])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 14)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(PARTY, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ROLE, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(ROLE, 150)
        self.table.setMinimumHeight(110)
        self.table.setMaximumHeight(190)
        self.table.currentCellChanged.connect(lambda *_a: self._update_buttons())

        self.party_combo = ChoiceField(self)
        self.party_combo.setObjectName("partyToAdd")
        self.party_combo.setMinimumContentsLength(8)
        self.party_combo.setAccessibleName(self.tr("Party to add"))
        self.role_combo = ChoiceField(self)
        self.role_combo.setObjectName("roleToAdd")
        self.role_combo.setMinimumContentsLength(6)
        self.role_combo.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.role_combo.setAccessibleName(self.tr("Role of the party to add"))
        self.role_combo.fill(choice_options(PartyRole))
        self.add_button = field_button(self.tr("Add"), "addPartyButton",
                                       self.tr("Add the chosen party, in the chosen role"), self.add_party, self)
        self.remove_button = field_button(self.tr("Remove"), "removePartyButton",
                                          self.tr("Remove the selected party from this negotiation"),
                                          self.remove_selected, self)
        self.new_party_button = field_button(self.tr("New party…"), "newPartyButton",
                                             self.tr("Make a party that is not in the list yet"),
                                             self.new_party, self)

        adder = QHBoxLayout()
        adder.setContentsMargins(0, 0, 0, 0)
        adder.addWidget(self.party_combo, 3)
        adder.addWidget(self.role_combo, 1)
        adder.addWidget(self.add_button)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.new_party_button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.table)
        layout.addLayout(adder)
        layout.addLayout(buttons)
        self.load_choices()

    # ------------------------------------------------------------ choices
    def load_choices(self) -> None:
        """Offer every party of the workspace, by name."""
        self.set_choices(records.choices(self.ctx.ws, "parties", "name"))

    def set_choices(self, parties) -> None:
        """The parties to offer, in order: ``Party`` records or ``(id, name, …)`` tuples."""
        self._names = {}
        self._order = []
        for party in parties:
            party_id, name = (party.id, party.name) if isinstance(party, Party) else (party[0], party[1])
            self._names[party_id] = name
            self._order.append(party_id)
        for row in range(self.table.rowCount()):
            self._show_name(row, self._party_at(row))
        self._fill_party_combo()

    def _fill_party_combo(self, chosen: str | None = None) -> None:
        """Offer the parties not listed yet (keeping the one chosen, or choosing ``chosen``)."""
        listed = {self._party_at(row) for row in range(self.table.rowCount())}
        free = [(pid, self._names[pid]) for pid in self._order if pid not in listed]
        if free:
            self.party_combo.fill(free)
        elif self._order:
            self.party_combo.fill([(None, self.tr("Every party is listed"))])
        else:
            self.party_combo.fill([(None, self.tr("No parties yet: make one with New party…"))])
        if chosen is not None and self.party_combo.findData(chosen) >= 0:
            self.party_combo.setCurrentIndex(self.party_combo.findData(chosen))
        self.party_combo.setEnabled(bool(free))
        self._update_buttons()

    def _update_buttons(self) -> None:
        writable = not self.ctx.ws.readonly
        self.add_button.setEnabled(writable and self.party_combo.currentData() is not None)
        self.remove_button.setEnabled(writable and self.table.currentRow() >= 0)
        self.new_party_button.setEnabled(writable)

    # ------------------------------------------------------------ rows
    def _party_at(self, row: int) -> str:
        return self.table.item(row, PARTY).data(Qt.ItemDataRole.UserRole)

    def _show_name(self, row: int, party_id: str) -> None:
        item = self.table.item(row, PARTY)
        name = self._names.get(party_id, party_id)
        item.setText(name)
        item.setToolTip(plain_tooltip(name))
        if is_rtl(name):
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def _append(self, entry: NegotiationParty) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        item = QTableWidgetItem()
        item.setData(Qt.ItemDataRole.UserRole, entry.party)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        self.table.setItem(row, PARTY, item)
        self._show_name(row, entry.party)
        roles = [(text, value) for value, text in choice_options(PartyRole)]
        role = choice_combo(roles, entry.role, self.table)
        role.setAccessibleName(self.tr("Role of {0}").format(item.text()))
        role.setEnabled(not self.ctx.ws.readonly)
        role.activated.connect(lambda _i: self.edited.emit())
        self.table.setCellWidget(row, ROLE, role)

    def set_value(self, entries: list[NegotiationParty]) -> None:
        """Show ``entries`` (nothing is reported: this is what the record holds)."""
        self.table.setRowCount(0)
        for entry in entries:
            self._append(entry)
        self._fill_party_combo()

    def value(self) -> list[NegotiationParty]:
        out = []
        for row in range(self.table.rowCount()):
            role: QComboBox = self.table.cellWidget(row, ROLE)
            out.append(NegotiationParty(party=self._party_at(row), role=role.currentData()))
        return out

    # ------------------------------------------------------------ what the user does
    def add_party(self) -> bool:
        """Add the party chosen in the drop-down, in the role chosen beside it."""
        party = self.party_combo.currentData()
        if party is None or self.ctx.ws.readonly:
            return False
        self._append(NegotiationParty(party=party, role=self.role_combo.value()))
        self.table.setCurrentCell(self.table.rowCount() - 1, PARTY)
        self._fill_party_combo()
        self.edited.emit()
        return True

    def remove_selected(self) -> bool:
        row = self.table.currentRow()
        if row < 0 or self.ctx.ws.readonly:
            return False
        party = self._party_at(row)
        self.table.removeRow(row)
        self._fill_party_combo(chosen=party)
        self.edited.emit()
        return True

    def new_party(self) -> Party | None:
        """Ask for a new party's name and kind, create it, and choose it in the drop-down."""
        dialog = NewPartyDialog(self.ctx, self)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted or dialog.created is None:
                return None
            party = dialog.created
        finally:
            dialog.deleteLater()
        if party.id not in self._names:
            self._names[party.id] = party.name
            self._order.append(party.id)
            self._order.sort(key=lambda pid: (self._names[pid].casefold(), pid))
        self._fill_party_combo(chosen=party.id)
        self.add_button.setFocus(Qt.FocusReason.OtherFocusReason)
        return party
