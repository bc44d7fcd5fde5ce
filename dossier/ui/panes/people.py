"""The People pane: everyone at the table, in every script and spelling."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import QHBoxLayout

from dossier.model.dates import display_range
from dossier.model.records import Person, Role
from dossier.services import queries
from dossier.ui.context import AppContext
from dossier.ui.models.tables import PeopleTableModel
from dossier.ui.widgets.editor import RecordEditor
from dossier.ui.widgets.fields import (
    NOTES_LIMIT,
    ChoiceField,
    ItemTableEditor,
    LineField,
    LinkList,
    StringListEditor,
    TextField,
    push_button,
    section_title,
)
from dossier.ui.widgets.kinds import kind_label
from dossier.ui.widgets.record_pane import RecordPane
from dossier.ui.widgets.text import dot_joined

ANY = "\x00any"  # the party filter's "all parties" entry


def party_options(ctx: AppContext) -> list[tuple[str, str]]:
    """``(id, name)`` of every party, by name."""
    return [(p.id, p.name) for p in sorted(queries.list_parties(ctx.ws), key=lambda p: p.name.lower())]


class PersonEditor(RecordEditor):
    COLLECTION = "people"

    def build(self) -> None:
        self.name = self.add_field("name", None, LineField(placeholder=self.tr("Name in Latin script, as the dossier prints it")))
        self.native_name = self.add_field("native_name", None, LineField(placeholder=self.tr("Name in the person's own script")))
        self.party = self.add_field("party", None, ChoiceField())
        self.person_title = self.add_field("title", None, LineField(placeholder=self.tr("Current function, short")))
        self.aliases = self.add_field("aliases", None,
                                      StringListEditor(self.tr("Other spellings and transliterations")))
        self.roles = self.add_field("roles", None, ItemTableEditor(
            [self.tr("Title"), self.tr("Organization"), self.tr("Start"), self.tr("End")], date_columns=(2, 3)))
        self.bio = self.add_field("bio", None, TextField(NOTES_LIMIT, 96))
        self.notes = self.add_field("notes", None, TextField(NOTES_LIMIT, 72))

        self.rounds_list = LinkList(self.tr("No rounds attended"))
        self.rounds_list.open_record.connect(self.ctx.sig_open_record)
        self.positions_list = LinkList(self.tr("No positions stated"))
        self.positions_list.open_record.connect(self.ctx.sig_open_record)
        self.layout_.addWidget(section_title(self.tr("Rounds attended")))
        self.layout_.addWidget(self.rounds_list)
        self.layout_.addWidget(section_title(self.tr("Positions stated")))
        self.layout_.addWidget(self.positions_list)
        actions = QHBoxLayout()
        actions.addStretch(1)
        self.profile_button = push_button(self.tr("Export profile PDF…"), self.export_profile)
        actions.addWidget(self.profile_button)
        self.layout_.addLayout(actions)
        self.fill_parties()

    def fill_parties(self) -> None:
        self.party.fill([(None, self.tr("— none —"))] + [(pid, name) for pid, name in party_options(self.ctx)])
        if self.record is not None:
            self._loading = True
            self.party.set_value(self.record.party)
            self._loading = False

    def blank(self) -> Person:
        return Person(id="", name="")

    def headings(self, record: Person) -> tuple[str, str]:
        return record.name, record.native_name or ""

    def load(self, record: Person) -> None:
        self.name.set_value(record.name or None)
        self.native_name.set_value(record.native_name)
        self.party.set_value(record.party)
        self.person_title.set_value(record.title)
        self.aliases.set_value(list(record.aliases))
        self.roles.set_value([[r.title, r.organization, r.start, r.end] for r in record.roles])
        self.bio.set_value(record.bio)
        self.notes.set_value(record.notes)
        self._fill_links(record)
        self.profile_button.setEnabled(bool(record.id))

    def _fill_links(self, record: Person) -> None:
        if not record.id:
            self.rounds_list.set_links([])
            self.positions_list.set_links([])
            return
        rounds = queries.rounds_attended(self.ctx.ws, record.id)
        self.rounds_list.set_links([
            ("rounds", r.id, dot_joined(p for p in (
                self.tr("Round {0}").format(r.number) if r.number is not None else "",
                r.title or "", display_range(r.start, r.end), r.venue or "") if p))
            for r in rounds])
        positions = queries.positions_stated(self.ctx.ws, record.id)
        self.positions_list.set_links([
            ("positions", p.id, dot_joined((display_range(p.date, None) if p.date else "—", kind_label(p.kind),
                                            p.summary))) for p in positions])

    def read(self, base: Person) -> Person:
        roles = [Role(title=row[0] or "", organization=row[1], start=row[2], end=row[3])
                 for row in self.roles.value()]
        return dataclasses.replace(
            base,
            name=self.name.value() or "",
            native_name=self.native_name.value(),
            party=self.party.value(),
            title=self.person_title.value(),
            aliases=self.aliases.value(),
            roles=roles,
            bio=self.bio.value(),
            notes=self.notes.value(),
        )

    def export_profile(self) -> None:
        from dossier.ui.dialogs.export_pdf import ExportPdfDialog

        if self.current_id():
            ExportPdfDialog(self.ctx, self, person_id=self.current_id()).exec()


class PeoplePane(RecordPane):
    title = "People"
    FOLLOWS = ("parties", "rounds", "positions")
    EDITOR = PersonEditor
    MODEL = PeopleTableModel
    FILTER_HINT = "Filter by name, spelling, title or party…"
    COUNT_WORDS = ("1 person", "{0} people")

    def build_pane(self) -> None:
        self.name_pane()
        self.party_filter = self.add_choice_filter(10)
        self._fill_parties()

    def _fill_parties(self) -> None:
        self.party_filter.fill([(ANY, self.tr("All parties"))] + [(pid, n) for pid, n in party_options(self.ctx)])
        self.editor.fill_parties()

    def model_filters(self) -> dict:
        party = self.party_filter.value()
        return {} if party == ANY else {"party": party}

    def on_changed(self, change) -> None:
        if change.touches("parties"):
            self._fill_parties()
        super().on_changed(change)

    @property
    def profile_button(self):
        return self.editor.profile_button

    def export_profile(self) -> None:
        self.editor.export_profile()
