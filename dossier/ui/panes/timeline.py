"""The Timeline pane: rounds and events on a time axis."""

from __future__ import annotations

from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout, QWidget
from PySide6.QtCore import Qt

from dossier.model.dates import display_range
from dossier.services.events import list_events
from dossier.ui.context import AppContext, Pane


class TimelinePane(Pane):
    key = "timeline"
    title = "Timeline"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.list = QListWidget(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        self.reload()

    def reload(self) -> None:
        self.list.clear()
        if not self.ctx.negotiation_id:
            return
        for ev in list_events(self.ctx.ws, self.ctx.negotiation_id):
            item = QListWidgetItem(f"{display_range(ev.date, None)}  {ev.title}")
            item.setData(Qt.ItemDataRole.UserRole, ev.id)
            self.list.addItem(item)
