"""The Negotiations pane: every negotiation the workspace follows, its status, dates and
parties. The negotiation shown here is the chosen one: the other panes follow it."""

from __future__ import annotations

import dataclasses
from functools import partial

from dossier.model.dates import display_range
from dossier.model.enums import NegotiationStatus
from dossier.model.records import Negotiation
from dossier.services import records
from dossier.ui.models.small import NegotiationsListModel, choice_options, choice_word
from dossier.ui.widgets.editor import RecordEditor
from dossier.ui.widgets.fields import ChoiceField, DateField, LineField, TextField
from dossier.ui.widgets.negotiation_parties import NegotiationPartiesField
from dossier.ui.widgets.record_pane import RecordPane
from dossier.ui.widgets.text import dot_joined, plain_label, set_plain


class NegotiationEditor(RecordEditor):
    COLLECTION = "negotiations"

    def build(self) -> None:
        self.negotiation_title = self.add_field("title", None, LineField(
            placeholder=self.tr("e.g. Israel–Syria security talks")))
        self.status = self.add_field("status", None, ChoiceField())
        self.status.fill(choice_options(NegotiationStatus))
        self.started = self.add_field("started", None, DateField())
        self.ended = self.add_field("ended", None, DateField())
        self.summary = self.add_field("summary", None, TextField(height=96))
        self.add_section(self.tr("Parties"))
        self.parties = self.add_field("parties", None, NegotiationPartiesField(self.ctx, self),
                                      row_label=False)
        self.contents = plain_label(wrap=True)
        self.contents.setObjectName("negotiationContents")
        self.contents.setStyleSheet("color: palette(dark); margin-top: 8px;")
        self.layout_.addWidget(self.contents)

    def blank(self) -> Negotiation:
        return Negotiation(id="", title="")

    def headings(self, negotiation: Negotiation) -> tuple[str, str]:
        when = ""
        if negotiation.started or negotiation.ended:
            try:
                when = display_range(negotiation.started, negotiation.ended)
            except ValueError:
                when = ""
        return negotiation.title, dot_joined(p for p in (choice_word(negotiation.status), when) if p)

    def load(self, negotiation: Negotiation) -> None:
        self.negotiation_title.set_value(negotiation.title or None)
        self.status.set_value(negotiation.status)
        self.started.set_value(negotiation.started)
        self.ended.set_value(negotiation.ended)
        self.summary.set_value(negotiation.summary)
        self.parties.set_value(negotiation.parties)
        self.fill_contents(negotiation)

    def fill_contents(self, negotiation: Negotiation) -> None:
        """How much the negotiation holds: topics, rounds, positions, events."""
        if not negotiation.id:
            set_plain(self.contents, "")
            self.contents.hide()
            return
        only = {"negotiation": negotiation.id}
        kinds = (("topics", self.tr("1 topic"), self.tr("{0} topics")),
                 ("rounds", self.tr("1 round"), self.tr("{0} rounds")),
                 ("positions", self.tr("1 position"), self.tr("{0} positions")),
                 ("events", self.tr("1 event"), self.tr("{0} events")))
        counts = [(len(records.find(self.ctx.ws, name, only, lists=False)), one, many)
                  for name, one, many in kinds]
        set_plain(self.contents, self.tr("Holds {0}.").format(
            ", ".join(one if n == 1 else many.format(f"{n:,}") for n, one, many in counts)))
        self.contents.show()

    def read(self, base: Negotiation) -> Negotiation:
        return dataclasses.replace(
            base,
            title=self.negotiation_title.value() or "",
            status=self.status.value(),
            started=self.started.value(),
            ended=self.ended.value(),
            summary=self.summary.value(),
            parties=self.parties.value(),
        )

    def after_save(self, negotiation: Negotiation) -> None:
        """The negotiation made or changed here becomes the chosen one."""
        if self.ctx.negotiation_id != negotiation.id:
            self.ctx.set_negotiation(negotiation.id)


class NegotiationsPane(RecordPane):
    title = "Negotiations"
    FOLLOWS = ("parties", "topics", "rounds", "positions", "events")
    EDITOR = NegotiationEditor
    MODEL = partial(NegotiationsListModel, sort="title")
    FILTER_HINT = "Filter by title, status or summary…"
    COUNT_WORDS = ("1 negotiation", "{0} negotiations")

    _ready = False  # the first row shown while building does not change the choice
    _choosing = False  # the user chose a row: the list need not be read again for that

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.browser.splitter.setSizes([620, 640])  # room for the titles beside status and dates
        self._ready = True
        ctx.sig_negotiation_changed.connect(self._negotiation_chosen)
        self._negotiation_chosen(ctx.negotiation_id or "")

    def record_shown(self, record) -> None:
        """Choosing a negotiation in the list makes it the chosen one."""
        if self._ready and record is not None and record.id != self.ctx.negotiation_id:
            self._choosing = True
            try:
                self.ctx.set_negotiation(record.id)
            finally:
                self._choosing = False

    def _negotiation_chosen(self, negotiation_id: str) -> None:
        """Another part of the window chose a negotiation: show it."""
        if (negotiation_id and negotiation_id != self.editor.current_id() and not self.editor.draft
                and self.model.row_of(negotiation_id) is not None):
            self.browser.select(negotiation_id)

    def on_changed(self, change) -> None:
        if change.touches("parties"):
            self.editor.parties.load_choices()
        super().on_changed(change)

    def reload(self) -> None:
        if not self._choosing:
            super().reload()

    def record_kept(self, negotiation) -> None:
        self.editor.fill_contents(negotiation)
