"""The Parties pane: the states, organisations and groups that take part, their people
and the negotiations they are in."""

from __future__ import annotations

import dataclasses
from functools import partial

from dossier.model.enums import PartyKind
from dossier.model.records import Party
from dossier.services import records
from dossier.ui.models.small import PartiesListModel, choice_options, choice_word
from dossier.ui.widgets.editor import RecordEditor
from dossier.ui.widgets.fields import NOTES_LIMIT, ChoiceField, LineField, LinkList, TextField, section_title
from dossier.ui.widgets.record_pane import RecordPane
from dossier.ui.widgets.text import dot_joined


class PartyEditor(RecordEditor):
    COLLECTION = "parties"

    def build(self) -> None:
        self.name = self.add_field("name", None, LineField(placeholder=self.tr("e.g. Syria, United Nations")))
        self.kind = self.add_field("kind", None, ChoiceField())
        self.kind.fill(choice_options(PartyKind))
        self.country = self.add_field("country", None, LineField(40, self.tr("e.g. SY")))
        self.country.setMaximumWidth(120)
        self.country.setToolTip(self.tr("Two-letter country code (ISO 3166), for states"))
        self.country.textEdited.connect(self._capitals)
        self.notes = self.add_field("notes", None, TextField(NOTES_LIMIT, 96))

        self.people_list = LinkList(self.tr("No people of this party yet"))
        self.people_list.setObjectName("partyPeople")
        self.people_list.open_record.connect(self.ctx.sig_open_record)
        self.negotiations_list = LinkList(self.tr("Not in any negotiation yet"))
        self.negotiations_list.setObjectName("partyNegotiations")
        self.negotiations_list.open_record.connect(self.ctx.sig_open_record)
        self.layout_.addWidget(section_title(self.tr("People")))
        self.layout_.addWidget(self.people_list)
        self.layout_.addWidget(section_title(self.tr("Negotiations")))
        self.layout_.addWidget(self.negotiations_list)

    def _capitals(self, text: str) -> None:
        """Country codes are written in capitals: ``sy`` becomes ``SY`` as it is typed."""
        if text != text.upper():
            at = self.country.cursorPosition()
            self.country.setText(text.upper())
            self.country.setCursorPosition(at)

    def blank(self) -> Party:
        return Party(id="", name="")

    def headings(self, party: Party) -> tuple[str, str]:
        return party.name, dot_joined(p for p in (choice_word(party.kind), party.country or "") if p)

    def load(self, party: Party) -> None:
        self.name.set_value(party.name or None)
        self.kind.set_value(party.kind)
        self.country.set_value(party.country)
        self.notes.set_value(party.notes)
        self.fill_links(party)

    def fill_links(self, party: Party) -> None:
        """The people of the party and the negotiations it takes part in (with its role)."""
        if not party.id:
            self.people_list.set_links([])
            self.negotiations_list.set_links([])
            return
        ws = self.ctx.ws
        people = records.find(ws, "people", {"party": party.id}, order_by=("name", "uid"), lists=False)
        self.people_list.set_links([
            ("people", p.id, dot_joined(x for x in (p.name, p.title or "") if x)) for p in people])
        negotiations = records.listing(ws, "negotiations", "parties", party.id, order_by=("title", "uid"))
        links = []
        for negotiation in negotiations:
            roles = [choice_word(e.role) for e in negotiation.parties if e.party == party.id]
            links.append(("negotiations", negotiation.id,
                          dot_joined([negotiation.title, *roles])))
        self.negotiations_list.set_links(links)

    def read(self, base: Party) -> Party:
        country = self.country.value()
        return dataclasses.replace(
            base,
            name=self.name.value() or "",
            kind=self.kind.value(),
            country=country.upper() if country else None,
            notes=self.notes.value(),
        )


class PartiesPane(RecordPane):
    title = "Parties"
    FOLLOWS = ("people", "negotiations")
    EDITOR = PartyEditor
    MODEL = partial(PartiesListModel, sort="name")
    FILTER_HINT = "Filter by name, kind, country or notes…"
    COUNT_WORDS = ("1 party", "{0} parties")

    def record_kept(self, party) -> None:
        self.editor.fill_links(party)  # someone joined the party, or a negotiation took it in
