"""The People pane: everyone at the table, in every script and spelling."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QWidget

from dossier.model.dates import display_range
from dossier.model.records import Person, Role
from dossier.services import parties, people
from dossier.services.workspace import Change
from dossier.ui.context import AppContext
from dossier.ui.models.tables import PeopleTableModel
from dossier.ui.widgets.common_form import (
    ItemTableEditor,
    LineField,
    LinkList,
    StringListEditor,
    TextField,
    push_button,
    section_title,
)
from dossier.ui.widgets.common_pane import RecordPane

ANY = "\x00any"  # the party filter's "all parties" entry


class PartyField(QComboBox):
    """Choose a party or none; ``edited`` when the user picks another."""

    edited = Signal()

    def __init__(self, none_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.none_text = none_text
        self.activated.connect(lambda _i: self.edited.emit())

    def fill(self, options: list[tuple[str, str]], first: tuple[str, object]) -> None:
        current = self.currentData()
        self.blockSignals(True)
        self.clear()
        self.addItem(first[0], first[1])
        for party_id, name in options:
            self.addItem(name, party_id)
        index = self.findData(current)
        self.setCurrentIndex(index if index >= 0 else 0)
        self.blockSignals(False)

    def set_value(self, value: str | None) -> None:
        index = self.findData(value)
        self.setCurrentIndex(index if index >= 0 else 0)

    def value(self):
        return self.currentData()


class PeoplePane(RecordPane):
    key = "people"
    shows = ("people",)
    title = "People"
    COLLECTION = "people"
    MODEL = PeopleTableModel

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.title = self.tr("People")
        self.party_filter = PartyField("")
        self.filter_edit.setPlaceholderText(self.tr("Filter by name, spelling, title or party…"))
        self.party_filter.setMinimumWidth(150)
        self.party_filter.edited.connect(self.apply_filter)
        self.filter_row.addWidget(self.party_filter)
        self._fill_parties()

    # ------------------------------------------------------------ form
    def build_form(self) -> None:
        self.name = self.add_field("name", self.tr("Name"), LineField())
        self.name.setPlaceholderText(self.tr("Name in Latin script, as the dossier prints it"))
        self.native_name = self.add_field("native_name", self.tr("Native name"), LineField())
        self.native_name.setPlaceholderText(self.tr("Name in the person's own script"))
        self.party = self.add_field("party", self.tr("Party"), PartyField(self.tr("— none —")))
        self.person_title = self.add_field("title", self.tr("Title"), LineField())
        self.person_title.setPlaceholderText(self.tr("Current function, short"))
        self.aliases = self.add_field("aliases", self.tr("Aliases"),
                                      StringListEditor(self.tr("Other spellings and transliterations")))
        self.roles = self.add_field("roles", self.tr("Roles"), ItemTableEditor(
            [self.tr("Title"), self.tr("Organization"), self.tr("Start"), self.tr("End")]))
        self.bio = self.add_field("bio", self.tr("Biography"), TextField())
        self.bio.setMaximumHeight(100)
        self.notes = self.add_field("notes", self.tr("Notes"), TextField())
        self.notes.setMaximumHeight(72)

        self.rounds_list = LinkList(self.tr("No rounds attended"))
        self.rounds_list.open_record.connect(self.ctx.sig_open_record)
        self.positions_list = LinkList(self.tr("No positions stated"))
        self.positions_list.open_record.connect(self.ctx.sig_open_record)
        self.detail_layout.addWidget(section_title(self.tr("Rounds attended")))
        self.detail_layout.addWidget(self.rounds_list)
        self.detail_layout.addWidget(section_title(self.tr("Positions stated")))
        self.detail_layout.addWidget(self.positions_list)
        actions = QHBoxLayout()
        actions.addStretch(1)
        self.profile_button = push_button(self.tr("Export profile PDF…"), self.export_profile)
        actions.addWidget(self.profile_button)
        self.detail_layout.addLayout(actions)

    def _fill_parties(self) -> None:
        options = [(p.id, p.name) for p in sorted(parties.list_parties(self.ctx.ws), key=lambda p: p.name.lower())]
        self.party.fill(options, (self.tr("— none —"), None))
        self.party_filter.fill(options, (self.tr("All parties"), ANY))
        if self.record is not None:
            self.party.set_value(self.record.party)

    def blank_record(self) -> Person:
        return Person(id="", name="")

    def headings(self, record: Person) -> tuple[str, str]:
        return record.name, record.native_name or ""

    def count_text(self, n: int) -> str:
        return self.tr("{0} people").format(f"{n:,}") if n != 1 else self.tr("1 person")

    def fill_form(self, record: Person) -> None:
        self.name.set_value(record.name)
        self.native_name.set_value(record.native_name)
        self.party.set_value(record.party)
        self.person_title.set_value(record.title)
        self.aliases.set_values(list(record.aliases))
        self.roles.set_rows([[r.title, r.organization, r.start, r.end] for r in record.roles])
        self.bio.set_value(record.bio)
        self.notes.set_value(record.notes)
        self._fill_links(record)

    def _fill_links(self, record: Person) -> None:
        if not record.id or self.creating:
            self.rounds_list.set_links([])
            self.positions_list.set_links([])
            return
        rounds = people.rounds_attended(self.ctx.ws, record.id)
        self.rounds_list.set_links([
            ("rounds", r.id, " · ".join(p for p in (
                self.tr("Round {0}").format(r.number) if r.number is not None else "",
                r.title or "", display_range(r.start, r.end), r.venue or "") if p))
            for r in rounds])
        positions = people.positions_stated(self.ctx.ws, record.id)
        self.positions_list.set_links([
            ("positions", p.id, f"{p.date or '—'} · {p.kind.replace('_', ' ')} · {p.summary}") for p in positions])

    def read_form(self, base: Person) -> Person:
        roles = [Role(title=row[0] or "", organization=row[1], start=row[2], end=row[3])
                 for row in self.roles.rows() if any(row)]
        return dataclasses.replace(
            base,
            name=self.name.text(),
            native_name=self.native_name.value(),
            party=self.party.value(),
            title=self.person_title.value(),
            aliases=self.aliases.values(),
            roles=roles,
            bio=self.bio.value(),
            notes=self.notes.value(),
        )

    # ------------------------------------------------------------ filters and changes
    def model_filters(self) -> dict:
        party = self.party_filter.value()
        return {} if party == ANY else {"party": party}

    def follows(self, change: Change) -> bool:
        return any(change.touches(c) for c in ("people", "parties", "rounds", "positions"))

    def on_changed(self, change: Change) -> None:
        if change.touches("parties"):
            self._fill_parties()
        super().on_changed(change)

    def export_profile(self) -> None:
        from dossier.ui.dialogs.export_pdf import ExportPdfDialog

        ExportPdfDialog(self.ctx, self, person_id=self.current_id()).exec()
