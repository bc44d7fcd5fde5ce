"""The Positions pane: every position in a filterable list with its form, and the position matrix."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from dossier.errors import NotFoundError
from dossier.model import analysis
from dossier.model.enums import PositionKind
from dossier.model.records import Position
from dossier.services import records
from dossier.services.workspace import Change
from dossier.ui.commands import push_delete
from dossier.ui.context import AppContext, Pane
from dossier.ui.models.tables import PositionsTableModel
from dossier.ui.widgets.citations import CitationsEditor
from dossier.ui.widgets.common import record_table, select_record, selected_record
from dossier.ui.widgets.forms import PlainTextField, RecordForm
from dossier.ui.widgets.kinds import KIND_ORDER, kind_label
from dossier.ui.widgets.list_editor import fit_long_list
from dossier.ui.widgets.matrix import MatrixView
from dossier.ui.widgets.negotiation_data import load_negotiation, round_label

SHOWN = ("positions", "topics", "rounds", "parties", "people", "sources", "negotiations")


def _fill(combo: QComboBox, choices: list[tuple[str, object]], none_text: str | None) -> None:
    """Refill a combo box, keeping its current choice where it still exists."""
    keep = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    if none_text is not None:
        combo.addItem(none_text, None)
    for text, data in choices:
        combo.addItem(text, data)
    combo.setCurrentIndex(max(0, combo.findData(keep)) if keep is not None else 0)
    fit_long_list(combo)
    combo.blockSignals(False)


class PositionForm(RecordForm):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.negotiation_id: str | None = None
        self.party = self._combo("party", self.tr("Party:"))
        self.topic = self._combo("topic", self.tr("Topic:"))
        self.kind = self._combo("kind", self.tr("Kind:"))
        _fill(self.kind, [(kind_label(k), k.value) for k in KIND_ORDER], None)
        self.round = self._combo("round", self.tr("Round:"))
        self.person = self._combo("person", self.tr("Stated by:"))
        self.date = self.add_field("date", self.tr("Date:"), QLineEdit(self))
        self.date.setPlaceholderText(self.tr("YYYY, YYYY-MM or YYYY-MM-DD"))
        self.date.editingFinished.connect(self.commit)
        self.summary = self.add_field("summary", self.tr("Summary:"), PlainTextField(self))
        self.summary.setFixedHeight(100)
        self.summary.editing_finished.connect(self.commit)
        self.add_section(self.tr("Sources"))
        self.citations = self.add_field("sources", "", CitationsEditor(self))
        self.citations.sig_edited.connect(self.commit)

    def _combo(self, name: str, label: str) -> QComboBox:
        combo = self.add_field(name, label, QComboBox(self))
        combo.activated.connect(lambda _i: self.commit())
        return combo

    def set_choices(self, negotiation_id: str, doc) -> None:
        self.negotiation_id = negotiation_id
        _fill(self.party, [(p.name, p.id) for p in doc.parties], None)
        _fill(self.topic, [(t.title, t.id) for t in doc.topics], None)
        _fill(self.round, [(round_label(r), r.id) for r in analysis.ordered_rounds(doc, negotiation_id)],
              self.tr("(between rounds)"))
        everyone = records.choices(self.ctx.ws, "people", "name")
        _fill(self.person, [(name, person_id) for person_id, name in everyone], self.tr("(not named)"))
        self.citations.set_sources(records.choices(self.ctx.ws, "sources", "title", "reliability"))

    def load(self, position: Position | None) -> None:
        for combo, value in ((self.party, position.party if position else None),
                             (self.topic, position.topic if position else None),
                             (self.kind, position.kind if position else PositionKind.STATEMENT.value),
                             (self.round, position.round if position else None),
                             (self.person, position.person if position else None)):
            combo.setCurrentIndex(max(0, combo.findData(value)))
        self.date.setText(position.date or "" if position else "")
        self.summary.set_value(position.summary if position else "")
        self.citations.set_citations(position.sources if position else [])

    def collect(self) -> Position | None:
        summary = self.summary.value().strip()
        base = self.record or Position(
            id=records.new_id(self.ctx.ws, "positions", f"pos-{self.party.currentData() or ''}-"
                                                        f"{self.topic.currentData() or ''}"),
            negotiation=self.negotiation_id or "", party="", topic="", summary="")
        return replace(base, party=self.party.currentData() or "", topic=self.topic.currentData() or "",
                       kind=self.kind.currentData(), round=self.round.currentData(),
                       person=self.person.currentData(), date=self.date.text().strip() or None,
                       summary=summary, sources=self.citations.citations())

    def describe(self, before, after) -> str:
        return self.tr("New position") if before is None else self.tr("Edit position")


class PositionList(QWidget):
    """Filters, the lazy list of positions, and the form of the chosen one."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.filters: dict[str, QComboBox] = {}
        bar = QHBoxLayout()
        for name, label in (("party", self.tr("&Party")), ("topic", self.tr("&Topic")),
                            ("round", self.tr("&Round")), ("kind", self.tr("&Kind"))):
            combo = QComboBox(self)
            combo.setAccessibleName(label.replace("&", ""))
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
            caption = QLabel(label + ":", self)
            caption.setBuddy(combo)
            bar.addWidget(caption)
            bar.addWidget(combo)
            bar.addSpacing(8)
            self.filters[name] = combo
        _fill(self.filters["kind"], [(kind_label(k), k.value) for k in KIND_ORDER], self.tr("All"))
        self.text = QLineEdit(self)
        self.text.setPlaceholderText(self.tr("Filter by words…"))
        self.text.setClearButtonEnabled(True)
        self.text.setAccessibleName(self.tr("Filter positions by words"))
        self.text.textChanged.connect(lambda _t: self.apply_filters())
        bar.addWidget(self.text, 1)

        self.model = PositionsTableModel(ctx.ws, filters=self.filter_values(), sort="date")
        self.table = record_table(self.model, self)
        self.table.setAccessibleName(self.tr("Positions"))
        self.form = PositionForm(ctx, self)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(scroll)
        self.splitter.setSizes([700, 520])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)

    def filter_values(self) -> dict:
        values = {"negotiation": self.ctx.negotiation_id or ""}
        values.update({name: combo.currentData() for name, combo in self.filters.items()
                       if combo.currentData() is not None})
        return values

    def apply_filters(self) -> None:
        self.model.set_filter(self.filter_values(), self.text.text().strip() or None)

    def set_choices(self, doc) -> None:
        _fill(self.filters["party"], [(p.name, p.id) for p in doc.parties], self.tr("All"))
        _fill(self.filters["topic"], [(t.title, t.id) for t in doc.topics], self.tr("All"))
        _fill(self.filters["round"], [(round_label(r), r.id) for r in analysis.ordered_rounds(
            doc, self.ctx.negotiation_id)], self.tr("All"))


class PositionsPane(Pane):
    key = "positions"
    shows = ("positions",)
    title = "Positions"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.title = self.tr("Positions")
        self.matrix = MatrixView(self)
        self.matrix.sig_position_activated.connect(lambda pid: self.show_record("positions", pid))
        self.list = PositionList(ctx, self)
        self.list.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._show_selected())
        self.list.form.sig_saved.connect(lambda pid: select_record(self.list.table, pid))
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.matrix, self.tr("M&atrix"))
        self.tabs.addTab(self.list, self.tr("&List"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.doc = None
        #: whether the form's drop-downs (every person and source) are filled: not before the
        #: List tab is first shown, which keeps opening the pane on the matrix quick
        self._form_ready = False
        self.tabs.currentChanged.connect(lambda _i: self._fill_form_when_shown())
        self.reload()

    @property
    def form(self) -> PositionForm:
        return self.list.form

    def on_changed(self, change: Change) -> None:
        if any(change.touches(name) for name in SHOWN):
            self.reload()

    def reload(self) -> None:
        nid = self.ctx.negotiation_id
        current = selected_record(self.list.table) or (self.form.record.id if self.form.record else None)
        unsaved = not self.form._saving and self.form.has_unsaved_edit()  # asked before the choices change
        self.doc = load_negotiation(self.ctx.ws, nid, positions=True) if nid else None
        self.matrix.set_document(self.doc, nid)
        if self.doc is not None:
            self.list.set_choices(self.doc)
            if self._form_ready or self.tabs.currentWidget() is self.list:
                self.form.set_choices(nid, self.doc)
                self._form_ready = True
        self.list.apply_filters()
        if current:
            select_record(self.list.table, current)
        self._show_selected(unsaved)

    def _fill_form_when_shown(self) -> None:
        if not self._form_ready and self.doc is not None and self.tabs.currentWidget() is self.list:
            self.form.set_choices(self.ctx.negotiation_id, self.doc)
            self._form_ready = True
            self._show_selected()

    def _show_selected(self, unsaved: bool | None = None) -> None:
        self.form.setEnabled(self._form_ready and self.doc is not None)
        if not self._form_ready:
            return  # nothing can be selected before the list is shown
        position_id = selected_record(self.list.table)
        record, version = None, None
        if position_id:
            try:
                record, version = records.get_versioned(self.ctx.ws, "positions", position_id)
            except NotFoundError:
                record = None
        if record is not None or self.form.record is not None:
            self.form.follow(record, version, unsaved)

    def show_record(self, collection: str, record_id: str) -> bool:
        if collection != "positions":
            return False
        try:
            position = records.get(self.ctx.ws, "positions", record_id)
        except NotFoundError:
            return False
        if position.negotiation != self.ctx.negotiation_id:
            self.ctx.set_negotiation(position.negotiation)
        for combo in self.list.filters.values():
            combo.setCurrentIndex(0)
        self.list.text.clear()
        self.tabs.setCurrentWidget(self.list)
        return select_record(self.list.table, record_id)

    def new_record(self) -> None:
        if not self.ctx.negotiation_id:
            return
        self.tabs.setCurrentWidget(self.list)
        self.list.table.clearSelection()
        self.list.table.selectionModel().clearCurrentIndex()
        self.form.set_record(None)
        self.form.summary.setFocus()

    def delete_selected(self) -> None:
        position_id = selected_record(self.list.table)
        if position_id and self.tabs.currentWidget() is self.list:
            push_delete(self.ctx, "positions", position_id, self, self.form.version_shown(position_id))

    def show_history(self) -> None:
        self.form.show_history()

    def save_state(self) -> None:
        self.ctx.settings.setValue("positions/tab", self.tabs.currentIndex())
        self.ctx.settings.setValue("positions/splitter", self.list.splitter.saveState())
        self.ctx.settings.setValue("positions/matrix_splitter", self.matrix.splitter.saveState())

    def restore_state(self) -> None:
        self.tabs.setCurrentIndex(int(self.ctx.settings.value("positions/tab", 0) or 0))
        for key, splitter in (("positions/splitter", self.list.splitter),
                              ("positions/matrix_splitter", self.matrix.splitter)):
            state = self.ctx.settings.value(key)
            if state is not None:
                splitter.restoreState(state)
