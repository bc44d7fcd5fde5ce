"""A round's participants: who took part, with the title they held then, for which party, in what role."""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QTableWidgetItem, QWidget

from dossier.model.records import Participant, Party
from dossier.ui.widgets.list_editor import ListEditor
from dossier.ui.widgets.text import is_rtl, plain_tooltip

PERSON, TITLE, PARTY, ROLE = range(4)


class PersonChoice(NamedTuple):
    """A person as the editor offers them: no need to read whole records."""

    id: str
    name: str
    party: str | None


class ParticipantsEditor(ListEditor):
    def __init__(self, parent: QWidget | None = None):
        super().__init__([self.tr("Person"), self.tr("Title at the round"), self.tr("Party"), self.tr("Role")],
                         parent)
        self.people: dict[str, PersonChoice] = {}
        #: person id -> (title on the round's dates, title today): see ``set_titles``
        self.titles: dict[str, tuple[str | None, str | None]] = {}
        self.parties: dict[str, Party] = {}
        self.entries: list[Participant] = []
        self.person_combo = QComboBox(self)
        self.person_combo.setAccessibleName(self.tr("Person to add"))
        self.person_combo.activated.connect(self._person_chosen)
        self.party_combo = QComboBox(self)
        self.party_combo.setAccessibleName(self.tr("Party of the person to add"))
        for combo in (self.person_combo, self.party_combo):  # long names never widen the form
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
        self.role_edit = QLineEdit(self)
        self.role_edit.setPlaceholderText(self.tr("Role, e.g. Head of delegation"))
        self.role_edit.setAccessibleName(self.tr("Role of the person to add"))
        self.role_edit.returnPressed.connect(self.add_participant)
        self.add_button = QPushButton(self.tr("Add"), self)
        self.add_button.clicked.connect(self.add_participant)
        adder = QHBoxLayout()
        adder.setContentsMargins(0, 0, 0, 0)
        adder.addWidget(self.person_combo, 2)
        adder.addWidget(self.party_combo, 1)
        adder.addWidget(self.role_edit, 2)
        adder.addWidget(self.add_button)
        self.layout().insertLayout(1, adder)
        header = self.table.horizontalHeader()
        for column in (PERSON, TITLE):  # names and titles take the room; party and role are short
            header.setSectionResizeMode(column, header.ResizeMode.Stretch)
        for column in (PARTY, ROLE):
            header.setSectionResizeMode(column, header.ResizeMode.ResizeToContents)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.finish_buttons()

    def set_choices(self, people: list[PersonChoice], parties: list[Party]) -> None:
        """``people`` in the order to offer them (``records.choices(ws, "people", "name", "party")``)."""
        self.people = {p.id: p for p in people}
        self.parties = {p.id: p for p in parties}
        self.person_combo.clear()
        for person in people:
            self.person_combo.addItem(person.name, person.id)
        self.party_combo.clear()
        self.party_combo.addItem(self.tr("(no party)"), None)
        for party in parties:
            self.party_combo.addItem(party.name, party.id)
        self._person_chosen()

    def _person_chosen(self, _index: int = 0) -> None:
        person = self.people.get(self.person_combo.currentData())
        index = self.party_combo.findData(person.party) if person and person.party else 0
        self.party_combo.setCurrentIndex(max(index, 0))

    def set_titles(self, titles: dict[str, tuple[str | None, str | None]]) -> None:
        """Each participant's title as of the round (``analysis.title_at``) and today's, by person
        id; shown by the next ``set_participants``."""
        self.titles = dict(titles)

    def set_participants(self, participants: list[Participant]) -> None:
        self.entries = list(participants)
        self.table.setRowCount(0)
        for entry in self.entries:
            row = self.table.rowCount()
            self.table.insertRow(row)
            person = self.people.get(entry.person)
            party = self.parties.get(entry.party) if entry.party else None
            then, today = self.titles.get(entry.person, (None, None))
            texts = (person.name if person else entry.person, then or "",
                     party.name if party else (entry.party or ""), entry.role or "")
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if is_rtl(text):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column == TITLE and then:
                    item.setToolTip(plain_tooltip(
                        self.tr("The title held on the round's dates: {then}").format(then=then) if then == today
                        else self.tr("The title held on the round's dates: {then}\nToday: {today}").format(
                            then=then, today=today or self.tr("no title"))))
                self.table.setItem(row, column, item)

    def add_participant(self) -> None:
        person = self.person_combo.currentData()
        if person is None:
            return
        self.entries.append(Participant(person=person, party=self.party_combo.currentData(),
                                        role=self.role_edit.text().strip() or None))
        self.role_edit.clear()
        name = self.people[person].name if person in self.people else person
        self.sig_edited.emit(self.tr("Add participant {name}").format(name=name))

    def _remove_clicked(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.entries):
            del self.entries[row]
            self.sig_edited.emit(self.remove_text())

    def remove_text(self) -> str:
        return self.tr("Remove participant")

    def participants(self) -> list[Participant]:
        return list(self.entries)
