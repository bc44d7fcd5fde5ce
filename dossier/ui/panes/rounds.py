"""The Rounds pane: the chosen negotiation's rounds, the editor of each, and what moved in it.

A round that did not take place (cancelled, postponed, planned) says so in a badge under
its heading; participants carry the title they held on the round's dates
(``analysis.title_at``); the pane opens on the latest round held (``analysis.latest_round``).
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QLabel, QSizePolicy, QTabWidget, QWidget

from dossier.model import analysis
from dossier.model.dates import display_range
from dossier.model.enums import RoundStatus
from dossier.model.records import Round
from dossier.services import records
from dossier.ui.context import AppContext
from dossier.ui.models.tables import RoundsTableModel
from dossier.ui.widgets.citations import CitationsEditor
from dossier.ui.widgets.editor import RecordEditor
from dossier.ui.widgets.fields import (
    CheckListField,
    ChoiceField,
    DateField,
    LineField,
    NumberField,
    TextField,
)
from dossier.ui.widgets.movement import MovementView
from dossier.ui.widgets.negotiation_data import load_negotiation, round_label, status_word
from dossier.ui.widgets.participants import ParticipantsEditor, PersonChoice
from dossier.ui.widgets.record_pane import NegotiationRecordPane
from dossier.ui.widgets.text import dot_joined

SHOWN = ("rounds", "positions", "topics", "people", "parties", "sources", "negotiations")
#: the list's columns: (key, longest text expected); the title takes what is left
FITTED_COLUMNS = (("number", "000"), ("dates", "30 Sep 2025 – 30 Sep 2025"), ("venue", "Washington, D.C."),
                  ("status", "Postponed"))
#: status -> (text colour, background, border style) of the badge of a round that did not take place
BADGE_LOOK = {RoundStatus.CANCELLED: ("#8a1c1c", "#fdf1f0", "solid"),
              RoundStatus.POSTPONED: ("#8a4b08", "#fff6e8", "solid"),
              RoundStatus.PLANNED: ("#1f3a5f", "#eef2f7", "dashed")}


class RoundsListModel(RoundsTableModel):
    """The rounds listing; the status of a round that did not take place stands out."""

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        key = self.columns[index.column()].key if index.isValid() else None
        if key == "status" and role in (Qt.ItemDataRole.FontRole, Qt.ItemDataRole.ForegroundRole):
            status = super().data(index, Qt.ItemDataRole.DisplayRole)
            look = BADGE_LOOK.get(str(status or "").lower())
            if look is None:
                return super().data(index, role)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(look[0])
            font = QFont()
            font.setBold(True)
            return font
        return super().data(index, role)


class RoundEditor(RecordEditor):
    """Every field of a round; each edit of a saved round is saved at once and can be undone."""

    COLLECTION = "rounds"

    def build(self) -> None:
        self.negotiation_id: str | None = None
        self.number = self.add_field("number", None, NumberField(self.tr("e.g. 6")))
        self.title_edit = self.add_field("title", None, LineField(placeholder=self.tr("optional")))
        self.start = self.add_field("start", None, DateField())
        self.end = self.add_field("end", None, DateField())
        self.venue = self.add_field("venue", None, LineField(placeholder=self.tr("e.g. Paris")))
        self.status = self.add_field("status", None, ChoiceField())
        self.status.fill([(s.value, self.tr(s.value.capitalize())) for s in RoundStatus])
        self.mediator = self.add_field("mediator", None, ChoiceField())
        self.summary = self.add_field("summary", None, TextField(height=80))
        self.status_badge = QLabel(self)
        self.status_badge.setObjectName("roundStatusBadge")
        self.status_badge.setTextFormat(Qt.TextFormat.PlainText)
        self.status_badge.setWordWrap(True)
        self.status_badge.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.status_badge.hide()
        self.layout_.insertWidget(2, self.status_badge)  # right under the heading
        self.status.edited.connect(lambda: self.show_status(self.status.value()))
        self.add_section(self.tr("Participants"))
        self.participants = self.add_field("participants", None, ParticipantsEditor(self), row_label=False)
        self.add_section(self.tr("Agenda"))
        self.agenda = self.add_field("topics", None, CheckListField(
            self.tr("No topics yet: add them in the Topics pane")), row_label=False)
        self.add_section(self.tr("Sources"))
        self.citations = self.add_field("sources", None, CitationsEditor(self), row_label=False)

    def set_choices(self, negotiation_id: str, doc) -> None:
        """People, parties, topics and sources the fields offer."""
        self.negotiation_id = negotiation_id
        self._loading = True
        try:
            all_people = [PersonChoice(*row) for row in records.choices(self.ctx.ws, "people", "name", "party")]
            self.participants.set_choices(all_people, doc.parties)
            self.citations.set_sources(records.choices(self.ctx.ws, "sources", "title", "reliability"))
            self.mediator.fill([(None, self.tr("(none)"))] + [(p.id, p.name) for p in all_people])
            self.agenda.fill([(t.id, t.title) for t in doc.topics])
            shown = self.record if self.record is not None else None
            if shown is not None:
                self.mediator.set_value(shown.mediator)
                self.agenda.set_value(shown.topics)
                self.show_titles(shown)
                self.participants.set_participants(shown.participants)
        finally:
            self._loading = False

    def blank(self) -> Round:
        return Round(id="", negotiation=self.negotiation_id or "")

    def headings(self, rnd: Round) -> tuple[str, str]:
        title = dot_joined(p for p in (round_label(rnd) if rnd.number is not None else "", rnd.title or "") if p)
        where = dot_joined(p for p in (display_range(rnd.start, rnd.end) if rnd.start or rnd.end else "",
                                        rnd.venue or "", status_word(rnd)) if p)
        self.show_status(rnd.status)
        return title or round_label(rnd), where

    def show_status(self, status: str | None) -> None:
        """The badge of a round that did not take place, in words; hidden for a held round."""
        look = BADGE_LOOK.get(status or "")
        self.status_badge.setVisible(look is not None)
        if look is None:
            return
        text = {RoundStatus.CANCELLED: self.tr("Cancelled: this round did not take place. It keeps its place "
                                               "among the rounds, but has no movement and never counts as the "
                                               "latest round."),
                RoundStatus.POSTPONED: self.tr("Postponed: this round did not take place. It keeps its place "
                                               "among the rounds, but has no movement and never counts as the "
                                               "latest round."),
                RoundStatus.PLANNED: self.tr("Planned: not held yet. It has no movement until it is held."),
                }[status]
        self.status_badge.setText(text)
        colour, background, border = look
        self.status_badge.setStyleSheet(f"QLabel#roundStatusBadge {{ color: {colour}; background: {background};"
                                        f" border: 1px {border} {colour}; border-radius: 3px; padding: 4px 8px;"
                                        " font-weight: 600; }")

    def show_titles(self, rnd: Round) -> None:
        """Each participant's title as of the round, read from the people records."""
        ids = list(dict.fromkeys(p.person for p in rnd.participants))
        people = records.get_many(self.ctx.ws, "people", ids) if ids else []
        self.participants.set_titles({p.id: (analysis.title_at(p, rnd), p.title) for p in people})

    def new_id_hint(self, rnd: Round) -> str:
        return f"round-{rnd.number}" if type(rnd.number) is int else "round"

    def describe(self, before, after) -> str:
        if before is None:
            return self.tr("New round {0}").format(after.number if after.number is not None else "")
        return self.tr("Edit round {0}").format(after.number if after.number is not None else after.title or "")

    def load(self, rnd: Round) -> None:
        self.number.set_value(rnd.number)
        self.title_edit.set_value(rnd.title)
        self.start.set_value(rnd.start)
        self.end.set_value(rnd.end)
        self.venue.set_value(rnd.venue)
        self.status.set_value(rnd.status)
        self.show_status(rnd.status)
        self.mediator.set_value(rnd.mediator)
        self.summary.set_value(rnd.summary)
        self.show_titles(rnd)
        self.participants.set_participants(rnd.participants)
        self.agenda.set_value(rnd.topics)
        self.citations.set_citations(rnd.sources)

    def read(self, base: Round) -> Round:
        return replace(base, negotiation=base.negotiation or self.negotiation_id or "",
                       number=self.number.value(), title=self.title_edit.value(),
                       start=self.start.value(), end=self.end.value(), venue=self.venue.value(),
                       status=self.status.value(), mediator=self.mediator.value(), summary=self.summary.value(),
                       participants=self.participants.participants(), topics=self.agenda.value(),
                       sources=self.citations.citations())


class RoundsPane(NegotiationRecordPane):
    title = "Rounds"
    SHOW_FIRST = False  # the latest round held: see before_reload
    EDITOR = RoundEditor
    MODEL = partial(RoundsListModel, sort="number")
    FILTER_HINT = "Filter by title, venue or summary…"
    COUNT_WORDS = ("1 round", "{0} rounds")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.reload()

    def make_editor(self) -> RoundEditor:
        self.doc = None
        return super().make_editor()

    def build_pane(self) -> None:
        super().build_pane()
        self.form = self.editor
        self.movement = MovementView(self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.browser.detail_scroll, self.tr("&Details"))
        self.tabs.addTab(self.movement, self.tr("&Movement"))
        self.browser.right = self.tabs
        self._load_doc()

    def fit_columns(self) -> None:
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

    def _load_doc(self) -> None:
        nid = self.ctx.negotiation_id
        self.doc = load_negotiation(self.ctx.ws, nid, positions=True) if nid else None
        if self.doc is not None:
            self.editor.set_choices(nid, self.doc)

    # ------------------------------------------------------------- content
    def follows(self, change) -> bool:
        return any(change.touches(name) for name in SHOWN)

    def reload(self) -> None:
        self._load_doc()
        super().reload()
        self.record_shown(self.editor.record)

    def before_reload(self) -> None:
        if self.editor.record is None and not self.editor.draft and self.doc is not None and self.doc.rounds:
            # the latest round held; a negotiation with none held yet opens on its last round
            nid = self.ctx.negotiation_id
            latest = analysis.latest_round(self.doc, nid) or analysis.ordered_rounds(self.doc, nid)[-1]
            self.browser.select(latest.id)

    def record_shown(self, record) -> None:
        self.movement.set_round(self.doc, record.id if record is not None else None)

    def new_record(self, record=None) -> bool:
        if self.doc is None:
            return False
        content = record is not None  # the next number alone is the form's default, not the user's
        if record is None:
            numbers = [r.number for r in self.doc.rounds if r.number is not None]
            record = Round(id="", negotiation=self.ctx.negotiation_id, number=max(numbers, default=0) + 1)
        self.tabs.setCurrentIndex(0)
        return self.browser.new_record(record, content)

    def save_state(self) -> None:
        super().save_state()
        self.ctx.settings.setValue("rounds/tab", self.tabs.currentIndex())

    def restore_state(self) -> None:
        super().restore_state()
        self.tabs.setCurrentIndex(int(self.ctx.settings.value("rounds/tab", 0) or 0))
