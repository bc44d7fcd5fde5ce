"""The Rounds pane: the chosen negotiation's rounds, a form for each, and what moved in it."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from dossier.errors import NotFoundError
from dossier.model.dates import display_range
from dossier.model.enums import RoundStatus
from dossier.model.records import Round
from dossier.services import records
from dossier.services.workspace import Change
from dossier.ui.commands import push_delete
from dossier.ui.context import AppContext, Pane
from dossier.ui.models.tables import RoundsTableModel
from dossier.ui.widgets.citations import CitationsEditor
from dossier.ui.widgets.list_editor import fit_long_list
from dossier.ui.widgets.common import record_table, select_record, selected_record
from dossier.ui.widgets.forms import PlainTextField, RecordForm
from dossier.ui.widgets.movement import MovementView
from dossier.ui.widgets.negotiation_data import load_negotiation
from dossier.ui.widgets.participants import ParticipantsEditor, PersonChoice

SHOWN = ("rounds", "positions", "topics", "people", "parties", "sources", "negotiations")
DATES_SEPARATOR = " – "  # between start and end in the listing's dates cell
#: the list's columns: (key, longest text expected); the title takes what is left
FITTED_COLUMNS = (("number", "000"), ("dates", "30 Sep 2025 – 30 Sep 2025"), ("venue", "Washington, D.C."),
                  ("status", "Postponed"))


def readable_dates(cell: str | None) -> str:
    """``2026-01-05 – 2026-01-06`` as the list shows it: ``5 Jan 2026 – 6 Jan 2026``."""
    if not cell:
        return ""
    start, _sep, end = cell.partition(DATES_SEPARATOR)
    try:
        return display_range(None if start == "?" else start, end or None)
    except ValueError:  # not a date the rules accept: show it as stored
        return cell


class RoundsListModel(RoundsTableModel):
    """The rounds listing with readable dates (sorting still by the stored ISO dates)."""

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        value = super().data(index, role)
        if (role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole)
                and self.columns[index.column()].key == "dates"):
            return readable_dates(value)
        return value


class RoundForm(RecordForm):
    """Every field of a round; each edit is saved at once and can be undone."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.negotiation_id: str | None = None
        self.number = self._line("number", self.tr("Number:"), self.tr("e.g. 6"))
        self.title_edit = self._line("title", self.tr("Title:"), self.tr("optional"))
        self.start = self._line("start", self.tr("Start:"), self.tr("YYYY, YYYY-MM or YYYY-MM-DD"))
        self.end = self._line("end", self.tr("End:"), self.tr("YYYY, YYYY-MM or YYYY-MM-DD"))
        self.venue = self._line("venue", self.tr("Venue:"), self.tr("e.g. Paris"))
        self.status = self.add_field("status", self.tr("Status:"), QComboBox(self))
        for status in RoundStatus:
            self.status.addItem(self.tr(status.value.capitalize()), status.value)
        self.status.activated.connect(lambda _i: self.commit())
        self.mediator = self.add_field("mediator", self.tr("Mediator:"), QComboBox(self))
        self.mediator.activated.connect(lambda _i: self.commit())
        self.summary = self.add_field("summary", self.tr("Summary:"), PlainTextField(self))
        self.summary.setFixedHeight(70)
        self.summary.editing_finished.connect(self.commit)
        self.add_section(self.tr("Participants"))
        self.participants = self.add_field("participants", "", ParticipantsEditor(self))
        self.participants.table.setMinimumHeight(self.participants.table.verticalHeader().defaultSectionSize() * 6 + 8)
        self.participants.sig_edited.connect(self.commit)
        self.add_section(self.tr("Agenda"))
        self.agenda = self.add_field("topics", "", QListWidget(self))
        self.agenda.setFixedHeight(self.agenda.fontMetrics().height() * 7 + 12)
        self.agenda.itemChanged.connect(lambda _item: self.commit(self.tr("Change agenda")))
        self.add_section(self.tr("Sources"))
        self.citations = self.add_field("sources", "", CitationsEditor(self))
        self.citations.sig_edited.connect(self.commit)

    def _line(self, name: str, label: str, placeholder: str) -> QLineEdit:
        edit = self.add_field(name, label, QLineEdit(self))
        edit.setPlaceholderText(placeholder)
        edit.editingFinished.connect(self.commit)
        return edit

    def set_choices(self, negotiation_id: str, doc) -> None:
        """People, parties, topics and sources the fields offer."""
        self.negotiation_id = negotiation_id
        all_people = [PersonChoice(*row) for row in records.choices(self.ctx.ws, "people", "name", "party")]
        self.participants.set_choices(all_people, doc.parties)
        self.citations.set_sources(records.choices(self.ctx.ws, "sources", "title", "reliability"))
        chosen = self.mediator.currentData()
        self.mediator.blockSignals(True)
        self.mediator.clear()
        self.mediator.addItem(self.tr("(none)"), None)
        for person in all_people:
            self.mediator.addItem(person.name, person.id)
        self.mediator.setCurrentIndex(max(0, self.mediator.findData(chosen)))
        fit_long_list(self.mediator)
        self.mediator.blockSignals(False)
        self._topics = [(t.id, t.title) for t in doc.topics]

    def load(self, rnd: Round | None) -> None:
        rnd = rnd or Round(id="", negotiation=self.negotiation_id or "")
        self.number.setText("" if rnd.number is None else str(rnd.number))
        self.title_edit.setText(rnd.title or "")
        self.start.setText(rnd.start or "")
        self.end.setText(rnd.end or "")
        self.venue.setText(rnd.venue or "")
        self.status.setCurrentIndex(max(0, self.status.findData(rnd.status)))
        self.mediator.setCurrentIndex(max(0, self.mediator.findData(rnd.mediator)))
        self.summary.set_value(rnd.summary)
        self.participants.set_participants(rnd.participants)
        self.agenda.clear()
        for topic_id, title in getattr(self, "_topics", []):
            item = QListWidgetItem(title, self.agenda)
            item.setData(Qt.ItemDataRole.UserRole, topic_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if topic_id in rnd.topics else Qt.CheckState.Unchecked)
        self.citations.set_citations(rnd.sources)

    def collect(self) -> Round | None:
        text = self.number.text().strip()
        number = None
        if text:
            try:
                number = int(text)
            except ValueError:
                self.show_error("number", self.tr("must be a whole number, e.g. 6"))
                return None
        base = self.record or Round(id=records.new_id(self.ctx.ws, "rounds", f"round-{text or 'new'}"),
                                    negotiation=self.negotiation_id or "")
        checked = [self.agenda.item(i) for i in range(self.agenda.count())]
        agenda = [i.data(Qt.ItemDataRole.UserRole) for i in checked if i.checkState() == Qt.CheckState.Checked]
        agenda += [t for t in base.topics if t not in {tid for tid, _ in getattr(self, "_topics", [])}]
        return replace(base, number=number, title=self.title_edit.text().strip() or None,
                       start=self.start.text().strip() or None, end=self.end.text().strip() or None,
                       venue=self.venue.text().strip() or None, status=self.status.currentData(),
                       mediator=self.mediator.currentData(), summary=self.summary.value().strip() or None,
                       participants=self.participants.participants(), topics=agenda,
                       sources=self.citations.citations())

    def describe(self, before, after) -> str:
        if before is None:
            return self.tr("New round")
        return self.tr("Edit round {number}").format(number=after.number if after.number is not None else after.id)


class RoundsPane(Pane):
    key = "rounds"
    shows = ("rounds",)
    title = "Rounds"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.title = self.tr("Rounds")
        self.model = RoundsListModel(ctx.ws, filters=self._filters(), sort="number")
        self.table = record_table(self.model, self)
        self.table.setAccessibleName(self.tr("Rounds"))
        self._fit_columns()
        self.table.selectionModel().currentRowChanged.connect(lambda _cur, _prev: self._show_selected())
        self.form = RoundForm(ctx, self)
        self.form.sig_saved.connect(self._saved)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        self.movement = MovementView(self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(scroll, self.tr("&Details"))
        self.tabs.addTab(self.movement, self.tr("&Movement"))
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([self._list_width(), 1250 - self._list_width()])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.doc = None
        self.reload()

    def _filters(self) -> dict:
        return {"negotiation": self.ctx.negotiation_id or ""}

    def _fit_columns(self) -> None:
        """Columns wide enough for their usual text; the title stretches; the head count is left out."""
        metrics = self.table.fontMetrics()
        padding = 2 * self.table.style().pixelMetric(self.table.style().PixelMetric.PM_FocusFrameHMargin) + 20
        keys = [c.key for c in self.model.columns]
        for key, sample in FITTED_COLUMNS:
            column = keys.index(key)
            title = self.model.columns[column].title
            self.table.setColumnWidth(column, max(metrics.horizontalAdvance(sample),
                                                  metrics.horizontalAdvance(title) + 16) + padding)
        self.table.setColumnHidden(keys.index("participants"), True)

    def _list_width(self) -> int:
        """What the list needs: its fitted columns, a title column of 160 pixels, frame and scroll bar."""
        keys = [c.key for c in self.model.columns]
        fitted = sum(self.table.columnWidth(keys.index(key)) for key, _sample in FITTED_COLUMNS)
        return fitted + 160 + self.table.verticalScrollBar().sizeHint().width() + 2 * self.table.frameWidth()

    # ------------------------------------------------------------- content
    def on_changed(self, change: Change) -> None:
        if any(change.touches(name) for name in SHOWN):
            self.reload()

    def reload(self) -> None:
        current = selected_record(self.table) or (self.form.record.id if self.form.record else None)
        unsaved = not self.form._saving and self.form.has_unsaved_edit()  # asked before the choices change
        nid = self.ctx.negotiation_id
        self.doc = load_negotiation(self.ctx.ws, nid, positions=True) if nid else None
        if self.doc is not None:
            self.form.set_choices(nid, self.doc)
        self.model.set_filter(self._filters())
        if not (current and select_record(self.table, current)):
            if self.model.rowCount() and self.model.record_id(self.model.rowCount() - 1):
                select_record(self.table, self.model.record_id(self.model.rowCount() - 1))
        self._show_selected(unsaved)

    def _show_selected(self, unsaved: bool | None = None) -> None:
        round_id = selected_record(self.table)
        record, version = None, None
        if round_id:
            try:
                record, version = records.get_versioned(self.ctx.ws, "rounds", round_id)
            except NotFoundError:
                record = None
        self.form.setEnabled(self.doc is not None)
        if record is not None or self.form.record is not None:
            self.form.follow(record, version, unsaved)
        self.movement.set_round(self.doc, round_id)

    def _saved(self, round_id: str) -> None:
        select_record(self.table, round_id)

    def show_record(self, collection: str, record_id: str) -> bool:
        if collection != "rounds":
            return False
        try:
            rnd = records.get(self.ctx.ws, "rounds", record_id)
        except NotFoundError:
            return False
        if rnd.negotiation != self.ctx.negotiation_id:
            self.ctx.set_negotiation(rnd.negotiation)
        return select_record(self.table, record_id)

    def new_record(self) -> None:
        if not self.ctx.negotiation_id:
            return
        self.table.clearSelection()
        self.table.selectionModel().clearCurrentIndex()
        rounds = self.doc.rounds if self.doc else []
        numbers = [r.number for r in rounds if r.number is not None]
        self.form.set_record(None)
        self.form.number.setText(str(max(numbers, default=0) + 1))
        self.tabs.setCurrentIndex(0)
        self.form.start.setFocus()

    def delete_selected(self) -> None:
        round_id = selected_record(self.table)
        if round_id:
            push_delete(self.ctx, "rounds", round_id, self, self.form.version_shown(round_id))

    def show_history(self) -> None:
        self.form.show_history()

    def save_state(self) -> None:
        self.ctx.settings.setValue("rounds/splitter", self.splitter.saveState())
        self.ctx.settings.setValue("rounds/tab", self.tabs.currentIndex())

    def restore_state(self) -> None:
        state = self.ctx.settings.value("rounds/splitter")
        if state is not None:
            self.splitter.restoreState(state)
        self.tabs.setCurrentIndex(int(self.ctx.settings.value("rounds/tab", 0) or 0))
