"""The Positions pane: the position matrix, and every position in a filterable list with its editor.

A position without a round is placed among the rounds by its date (``analysis.placements``);
its editor says where, and when the placement is approximate, how to make it exact.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QSizePolicy, QTabWidget, QVBoxLayout, QWidget

from dossier.errors import NotFoundError
from dossier.model import analysis
from dossier.model.dates import PartialDate
from dossier.model.enums import PositionKind
from dossier.model.records import Document, Position
from dossier.services import records
from dossier.services.workspace import Change
from dossier.ui.context import AppContext, Pane
from dossier.ui.models.tables import PositionsTableModel
from dossier.ui.widgets.citations import CitationsEditor
from dossier.ui.widgets.editor import RecordEditor
from dossier.ui.widgets.fields import ChoiceField, DateField, TextField
from dossier.ui.widgets.kinds import KIND_ORDER, kind_label
from dossier.ui.widgets.list_editor import fit_long_list
from dossier.ui.widgets.matrix import MatrixView
from dossier.ui.widgets.negotiation_data import (
    load_negotiation,
    placement_note,
    round_label_with_status,
)
from dossier.ui.widgets.record_pane import RecordBrowser
from dossier.ui.widgets.text import set_plain

SHOWN = ("positions", "topics", "rounds", "parties", "people", "sources", "negotiations")
#: the note under the date: where a position without a round is placed (approximate: a warning)
PLACEMENT_STYLE = "QLabel#placementNote { color: #5b6573; }"
APPROXIMATE_STYLE = ("QLabel#placementNote { color: #8a4b08; background: #fff6e8; border: 1px solid #f0c48a;"
                     " border-radius: 3px; padding: 3px 6px; }")


def _fill(combo: QComboBox, choices: list[tuple[str, object]], none_text: str | None) -> None:
    """Refill a filter's drop-down, keeping its current choice where it still exists."""
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


class PositionEditor(RecordEditor):
    COLLECTION = "positions"

    def build(self) -> None:
        self.negotiation_id: str | None = None
        self.party = self.add_field("party", None, ChoiceField())
        self.topic = self.add_field("topic", None, ChoiceField())
        self.kind = self.add_field("kind", None, ChoiceField())
        self.kind.fill([(k.value, kind_label(k)) for k in KIND_ORDER])
        self.round = self.add_field("round", None, ChoiceField())
        self.person = self.add_field("person", None, ChoiceField())
        self.date = self.add_field("date", None, DateField())
        self.placement_note = QLabel(self)
        self.placement_note.setObjectName("placementNote")
        self.placement_note.setTextFormat(Qt.TextFormat.PlainText)
        self.placement_note.setWordWrap(True)
        self.placement_note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.placement_note.hide()
        self.form.addRow("", self.placement_note)
        self.doc: Document | None = None
        self.round.edited.connect(self.show_placement)
        self.date.edited.connect(self.show_placement)
        self.summary = self.add_field("summary", None, TextField(height=100))
        self.summary.setPlaceholderText(self.tr("What the party holds, in a sentence or two"))
        self.add_section(self.tr("Sources"))
        self.citations = self.add_field("sources", None, CitationsEditor(self), row_label=False)

    def set_choices(self, negotiation_id: str, doc) -> None:
        self.negotiation_id = negotiation_id
        self.doc = doc
        self._loading = True
        try:
            listed = {p.party for p in doc.negotiations[0].parties} if doc.negotiations else set()
            parties = sorted(doc.parties, key=lambda p: (p.id not in listed, p.name.lower()))
            self.party.fill([(None, self.tr("— choose a party —"))] + [(p.id, p.name) for p in parties])
            self.topic.fill([(None, self.tr("— choose a topic —"))] + [(t.id, t.title) for t in doc.topics])
            rounds = analysis.ordered_rounds(doc, negotiation_id)
            self.round.fill([(None, self.tr("(between rounds)"))] + [(r.id, round_label_with_status(r)) for r in rounds])
            everyone = records.choices(self.ctx.ws, "people", "name")
            self.person.fill([(None, self.tr("(not named)"))] + [(pid, name) for pid, name in everyone])
            self.citations.set_sources(records.choices(self.ctx.ws, "sources", "title", "reliability"))
            if self.record is not None and not self.draft:
                self.load(self.record)
        finally:
            self._loading = False

    def blank(self) -> Position:
        return Position(id="", negotiation=self.negotiation_id or "", party="", topic="", summary="",
                        kind=PositionKind.STATEMENT.value)

    def headings(self, position: Position) -> tuple[str, str]:
        return kind_label(position.kind), position.summary

    def new_id_hint(self, position: Position) -> str:
        return f"pos-{position.party}-{position.topic}"

    def describe(self, before, after) -> str:
        return self.tr("New position") if before is None else self.tr("Edit position")

    def load(self, position: Position) -> None:
        for combo, value in ((self.party, position.party or None), (self.topic, position.topic or None),
                             (self.kind, position.kind), (self.round, position.round),
                             (self.person, position.person)):
            combo.set_value(value)
        self.date.set_value(position.date)
        self.summary.set_value(position.summary or None)
        self.citations.set_citations(position.sources)
        self.show_placement()

    def show_placement(self) -> None:
        """Under the date: where a position without a round stands among the rounds, as the
        form says now; for an approximate placement, how to make it exact."""
        text, approximate = self.placement_text()
        set_plain(self.placement_note, text)
        self.placement_note.setStyleSheet(APPROXIMATE_STYLE if approximate else PLACEMENT_STYLE)
        self.placement_note.setVisible(bool(text))

    def placement_text(self) -> tuple[str, bool]:
        """The note for the form's round and date, and whether the placement is approximate."""
        nid, doc = self.negotiation_id, self.doc
        if doc is None or not nid or self.round.value() is not None or not doc.negotiations:
            return "", False
        when = self.date.value()
        try:
            if when is not None:
                PartialDate.parse(when)
        except ValueError:
            return "", False  # the field shows what is wrong with it
        probe = Position(id="-", negotiation=nid, party="", topic="", date=when, summary="")
        placed = analysis.placements(Document(negotiations=doc.negotiations, rounds=doc.rounds,
                                              positions=[probe]), nid).get(probe.id)
        if placed is None or (when is None and not placed.undated):
            return "", False  # no dated round to place it among
        return placement_note(placed, when), placed.approximate

    def read(self, base: Position) -> Position:
        return replace(base, negotiation=base.negotiation or self.negotiation_id or "",
                       party=self.party.value() or "", topic=self.topic.value() or "",
                       kind=self.kind.value(), round=self.round.value(), person=self.person.value(),
                       date=self.date.value(), summary=self.summary.value() or "",
                       sources=self.citations.citations())


class PositionList(RecordBrowser):
    """Filters, the lazy list of positions, and the editor of the chosen one."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        self.filters: dict[str, QComboBox] = {}
        editor = PositionEditor(ctx)
        model = PositionsTableModel(ctx.ws, filters={"negotiation": ctx.negotiation_id or ""}, sort="date")
        super().__init__(ctx, editor, model, "positions", parent)
        model.setParent(self)
        self.form = editor
        self.text = self.filter_edit
        self.text.setPlaceholderText(self.tr("Filter by words…"))
        self.text.setAccessibleName(self.tr("Filter positions by words"))
        self.table.setAccessibleName(self.tr("Positions"))
        for name, label in (("party", self.tr("&Party")), ("topic", self.tr("&Topic")),
                            ("round", self.tr("&Round")), ("kind", self.tr("&Kind"))):
            combo = QComboBox(self)
            combo.setAccessibleName(label.replace("&", ""))
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
            caption = QLabel(label + ":", self)
            caption.setBuddy(combo)
            self.filter_row.addWidget(caption)
            self.filter_row.addWidget(combo)
            self.filters[name] = combo
        _fill(self.filters["kind"], [(kind_label(k), k.value) for k in KIND_ORDER], self.tr("All"))
        self.model_filters = self.filter_values
        # no row is shown before the editor's drop-downs are filled (PositionsPane, when the List
        # tab is first shown): a position loaded into empty drop-downs would show its ids
        self.finish(sizes=(640, 560), show_first=False)

    def count_text(self, n: int) -> str:
        return self.tr("{0} positions").format(f"{n:,}") if n != 1 else self.tr("1 position")

    def filter_values(self) -> dict:
        values = {"negotiation": self.ctx.negotiation_id or ""}
        values.update({name: combo.currentData() for name, combo in self.filters.items()
                       if combo.currentData() is not None})
        return values

    def apply_filters(self) -> None:
        self.apply_filter()

    def set_choices(self, doc) -> None:
        _fill(self.filters["party"], [(p.name, p.id) for p in doc.parties], self.tr("All"))
        _fill(self.filters["topic"], [(t.title, t.id) for t in doc.topics], self.tr("All"))
        _fill(self.filters["round"], [(round_label_with_status(r), r.id) for r in analysis.ordered_rounds(
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
        self.editor = self.list.editor
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.matrix, self.tr("M&atrix"))
        self.tabs.addTab(self.list, self.tr("&List"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.doc = None
        #: whether the editor's drop-downs (every person and source) are filled: not before the
        #: List tab is first shown, which keeps opening the pane on the matrix quick
        self._form_ready = False
        self.tabs.currentChanged.connect(lambda _i: self._fill_form_when_shown())
        self.reload()

    @property
    def form(self) -> PositionEditor:
        return self.list.editor

    def can_leave(self) -> bool:
        return self.editor.confirm_leave()

    def on_changed(self, change: Change) -> None:
        if any(change.touches(name) for name in SHOWN):
            self.reload()

    def reload(self) -> None:
        nid = self.ctx.negotiation_id
        self.doc = load_negotiation(self.ctx.ws, nid, positions=True) if nid else None
        self.matrix.set_document(self.doc, nid)
        self.list.new_button.setEnabled(self.doc is not None and not self.ctx.ws.readonly)
        if self.doc is not None:
            self.list.set_choices(self.doc)
            if self._form_ready or self.tabs.currentWidget() is self.list:
                self.editor.set_choices(nid, self.doc)
                self._form_ready = True
        self.list.model.set_filter(self.list.filter_values(), self.list.filter_edit.text())
        if (self.editor.current_id() is not None and not self.editor.draft
                and self.list.model.row_of(self.editor.current_id()) is None):
            self.editor.set_record(None)
        if self._form_ready:
            self.list.reload()
        else:
            self.list.update_count()

    def _fill_form_when_shown(self) -> None:
        if not self._form_ready and self.doc is not None and self.tabs.currentWidget() is self.list:
            self.editor.set_choices(self.ctx.negotiation_id, self.doc)
            self._form_ready = True
            self.list.reload()

    def show_record(self, collection: str, record_id: str) -> bool:
        if collection != "positions":
            return False
        try:
            position = records.get(self.ctx.ws, "positions", record_id)
        except NotFoundError:
            return False
        if not self.editor.confirm_leave():
            return False
        if position.negotiation != self.ctx.negotiation_id:
            self.ctx.set_negotiation(position.negotiation)
        for combo in self.list.filters.values():
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.list.filter_edit.blockSignals(True)
        self.list.filter_edit.clear()
        self.list.filter_edit.blockSignals(False)
        self.list.apply_filter()
        self.tabs.setCurrentWidget(self.list)
        return self.list.select(record_id)

    def new_record(self, record=None) -> bool:
        if not self.ctx.negotiation_id or self.doc is None:
            return False
        self.tabs.setCurrentWidget(self.list)
        self._fill_form_when_shown()
        return self.list.new_record(record)

    def delete_selected(self) -> None:
        if self.tabs.currentWidget() is self.list:
            self.list.delete_selected()

    def show_history(self) -> None:
        self.editor.show_history()

    def save_state(self) -> None:
        self.ctx.settings.setValue("positions/tab", self.tabs.currentIndex())
        self.list.save_state(self.ctx.settings, "positions/list")
        self.ctx.settings.setValue("positions/matrix_splitter", self.matrix.splitter.saveState())

    def restore_state(self) -> None:
        self.tabs.setCurrentIndex(int(self.ctx.settings.value("positions/tab", 0) or 0))
        self.list.restore_state(self.ctx.settings, "positions/list")
        state = self.ctx.settings.value("positions/matrix_splitter")
        if state is not None:
            self.matrix.splitter.restoreState(state)
