"""The Events pane: dated facts on the chosen negotiation's timeline that are not rounds
(a resignation, a strike, a statement), who was involved and where it is reported."""

from __future__ import annotations

import dataclasses
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dossier.model.records import Event
from dossier.services import records
from dossier.ui.models.small import EventsListModel, readable_date
from dossier.ui.widgets.citations import CitationsEditor
from dossier.ui.widgets.common import BidiItemDelegate
from dossier.ui.widgets.editor import RecordEditor, field_button
from dossier.ui.widgets.fields import ChoiceField, DateField, LineField, TextField
from dossier.ui.widgets.record_pane import NegotiationRecordPane
from dossier.ui.widgets.text import plain_tooltip


class PeopleListField(QWidget):
    """People chosen from a drop-down (*Add*) and listed (*Remove* drops the selected one);
    ``edited`` after each change the user makes."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._names: dict[str, str] = {}  # person id -> name, for everyone offered
        self._order: list[str] = []
        self._ids: list[str] = []  # the people listed, in order
        self.list = QListWidget(self)
        self.list.setObjectName("eventPeople")
        self.list.setItemDelegate(BidiItemDelegate(self.list))
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setAccessibleName(self.tr("People involved"))
        self.list.currentRowChanged.connect(lambda _r: self._update_buttons())
        self.person_combo = ChoiceField(self)
        self.person_combo.setObjectName("personToAdd")
        self.person_combo.setAccessibleName(self.tr("Person to add"))
        self.person_combo.setMinimumContentsLength(10)
        self.add_button = field_button(self.tr("Add"), "addPersonButton", self.tr("Add the chosen person"),
                                       self.add_person, self)
        self.remove_button = field_button(self.tr("Remove"), "removePersonButton",
                                          self.tr("Remove the selected person"), self.remove_selected, self)
        listed = QHBoxLayout()
        listed.setContentsMargins(0, 0, 0, 0)
        listed.addWidget(self.list, 1)
        listed.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        adder = QHBoxLayout()
        adder.setContentsMargins(0, 0, 0, 0)
        adder.addWidget(self.person_combo, 1)
        adder.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(listed)
        layout.addLayout(adder)
        self._show()

    def set_choices(self, people: list[tuple[str, str]]) -> None:
        """Everyone who may be added, as ``(id, name)`` in the order to offer them."""
        self._names = {pid: name for pid, name, *_rest in people}
        self._order = [pid for pid, *_rest in people]
        self._show()

    def set_value(self, people: list[str]) -> None:
        """Show these people (nothing is reported: this is what the record holds)."""
        self._ids = list(people)
        self._show()

    def value(self) -> list[str]:
        return list(self._ids)

    def _show(self, current: int = -1) -> None:
        self.list.clear()
        for pid in self._ids:
            name = self._names.get(pid, pid)
            item = QListWidgetItem(name)
            item.setToolTip(plain_tooltip(name))
            item.setData(Qt.ItemDataRole.UserRole, pid)
            self.list.addItem(item)
        if not self._ids:
            item = QListWidgetItem(self.tr("No one yet"))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(item)
        rows = max(2, min(self.list.count(), 6))
        self.list.setFixedHeight(rows * (self.fontMetrics().height() + 6) + 8)
        listed = set(self._ids)
        free = [(pid, self._names[pid]) for pid in self._order if pid not in listed]
        self.person_combo.fill(free or [(None, self.tr("No one else to add") if self._order
                                         else self.tr("No people yet: add them in the People pane"))])
        self.person_combo.setEnabled(bool(free))
        if 0 <= current < len(self._ids):
            self.list.setCurrentRow(current)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.add_button.setEnabled(self.person_combo.currentData() is not None)
        self.remove_button.setEnabled(0 <= self.list.currentRow() < len(self._ids))

    def add_person(self) -> bool:
        person = self.person_combo.currentData()
        if person is None or person in self._ids:
            return False
        self._ids.append(person)
        self._show(len(self._ids) - 1)
        self.edited.emit()
        return True

    def remove_selected(self) -> bool:
        row = self.list.currentRow()
        if not 0 <= row < len(self._ids):
            return False
        del self._ids[row]
        self._show(min(row, len(self._ids) - 1))
        self.edited.emit()
        return True


class EventEditor(RecordEditor):
    COLLECTION = "events"

    def build(self) -> None:
        self.date = self.add_field("date", None, DateField())
        self.event_title = self.add_field("title", None,
                                          LineField(placeholder=self.tr("What happened, short")))
        self.description = self.add_field("description", None, TextField(height=80))
        self.people = self.add_field("people", None, PeopleListField(self))
        self.add_section(self.tr("Sources"))
        self.citations = self.add_field("sources", None, CitationsEditor(self), row_label=False)
        self.set_choices()

    def set_choices(self) -> None:
        """The people and sources the fields offer, as the workspace holds them now."""
        self._loading = True
        try:
            self.people.set_choices(records.choices(self.ctx.ws, "people", "name"))
            self.citations.set_sources(records.choices(self.ctx.ws, "sources", "title", "reliability"))
        finally:
            self._loading = False

    def blank(self) -> Event:
        return Event(id="", negotiation=self.ctx.negotiation_id or "", date=None, title="")

    def headings(self, event: Event) -> tuple[str, str]:
        return event.title, readable_date(event.date)

    def load(self, event: Event) -> None:
        self.date.set_value(event.date or None)
        self.event_title.set_value(event.title or None)
        self.description.set_value(event.description)
        self.people.set_value(event.people)
        self.citations.set_citations(event.sources)

    def read(self, base: Event) -> Event:
        return dataclasses.replace(
            base,
            negotiation=base.negotiation or self.ctx.negotiation_id or "",
            date=self.date.value() or None,
            title=self.event_title.value() or "",
            description=self.description.value(),
            people=self.people.value(),
            sources=self.citations.citations(),
        )


class EventsPane(NegotiationRecordPane):
    title = "Events"
    FOLLOWS = ("people", "sources")
    EDITOR = EventEditor
    MODEL = partial(EventsListModel, sort="date")
    FILTER_HINT = "Filter by date, title or description…"
    COUNT_WORDS = ("1 event", "{0} events")

    def on_changed(self, change) -> None:
        if change.touches("people") or change.touches("sources"):
            self.editor.set_choices()
        super().on_changed(change)
