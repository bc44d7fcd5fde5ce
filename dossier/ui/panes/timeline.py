"""The Timeline pane: the chosen negotiation's rounds and events on a drawn time axis."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from dossier.model import analysis
from dossier.services.workspace import Change
from dossier.ui.context import AppContext, Pane
from dossier.ui.widgets.negotiation_data import load_negotiation, round_label_with_status
from dossier.ui.widgets.text import plain_label, set_plain
from dossier.ui.widgets.timeline_view import ROUND_FILL, ROUND_VAGUE, TimelineLegend, TimelineView

SHOWN = ("rounds", "events", "negotiations")


class TimelinePane(Pane):
    key = "timeline"
    shows = ("events",)
    title = "Timeline"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.view = TimelineView(self)
        self.view.setAccessibleName(self.tr("Timeline of rounds and events"))
        self.view.sig_record_clicked.connect(self._record_clicked)

        self.zoom_out = self._button("−", self.tr("Zoom out (Ctrl+−)"), QKeySequence.StandardKey.ZoomOut,
                                     lambda: self.view.zoom(1 / 1.5))
        self.zoom_in = self._button("+", self.tr("Zoom in (Ctrl++)"), QKeySequence.StandardKey.ZoomIn,
                                    lambda: self.view.zoom(1.5))
        self.fit_button = self._button(self.tr("Fit"), self.tr("Show the whole timeline (Ctrl+0)"),
                                       QKeySequence("Ctrl+0"), self.view.fit)
        hint = QLabel(self.tr("Ctrl+wheel zooms · drag to scroll · click a round or event to open it"), self)
        hint.setStyleSheet("color: #5b6573;")
        self.legend = TimelineLegend(self)
        bar = QHBoxLayout()
        for button in (self.zoom_out, self.zoom_in, self.fit_button):
            bar.addWidget(button)
        bar.addSpacing(12)
        bar.addWidget(hint)
        bar.addSpacing(18)
        bar.addWidget(self.legend, 1)

        self.undated = plain_label("", self, wrap=True)
        self.undated.setStyleSheet("color: #5b6573;")
        self.detail = plain_label("", self, wrap=True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setMinimumHeight(48)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setStyleSheet(f"QLabel {{ border-left: 4px solid {ROUND_FILL.name()}; padding: 4px 8px;"
                                  f" background: {ROUND_VAGUE.lighter(112).name()}; }}")
        self.detail.hide()

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.undated)
        layout.addWidget(self.detail)
        self.doc = None
        self.reload()

    def _button(self, text: str, tip: str, shortcut, slot) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        button.setShortcut(QKeySequence(shortcut))
        button.setMinimumWidth(32)
        button.clicked.connect(slot)
        return button

    # ------------------------------------------------------------- content
    def on_changed(self, change: Change) -> None:
        if any(change.touches(name) for name in SHOWN):
            self.reload()

    def reload(self) -> None:
        nid = self.ctx.negotiation_id
        self.doc = load_negotiation(self.ctx.ws, nid, events=True) if nid else None
        entries = analysis.chronology(self.doc, nid) if self.doc else []
        undated = self.view.set_entries(entries)
        names = ", ".join(round_label_with_status(e.record) if e.is_round else e.record.title or e.record.id
                          for e in undated)
        set_plain(self.undated, self.tr("Not drawn, no date: {names}").format(names=names) if undated else "")
        self.undated.setVisible(bool(undated))
        if self.detail.isVisible() and not self._describe(*self._shown):
            self.detail.hide()

    _shown: tuple[str, str] = ("", "")

    def _record_clicked(self, collection: str, record_id: str) -> None:
        self.show_record(collection, record_id)
        self.ctx.sig_open_record.emit(collection, record_id)

    def show_record(self, collection: str, record_id: str) -> bool:
        if collection != "events":
            if collection == "rounds":
                self._describe(collection, record_id)
            return False
        return self._describe(collection, record_id)

    def _describe(self, collection: str, record_id: str) -> bool:
        item = self.view.item_for(collection, record_id)
        if item is None:
            return False
        self._shown = (collection, record_id)
        text = item.span.tooltip
        self.view.timeline.select(collection, record_id)
        self.view.ensureVisible(item)
        set_plain(self.detail, text)
        self.detail.show()
        return True
