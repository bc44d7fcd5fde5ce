"""The Rounds pane: the chosen negotiation's rounds of talks."""

from __future__ import annotations

from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout, QWidget
from PySide6.QtCore import Qt

from dossier.model.dates import display_range
from dossier.services.rounds import list_rounds
from dossier.ui.context import AppContext, Pane


class RoundsPane(Pane):
    key = "rounds"
    title = "Rounds"

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
        for rnd in list_rounds(self.ctx.ws, self.ctx.negotiation_id):
            item = QListWidgetItem(f"{rnd.number or ''}  {display_range(rnd.start, rnd.end)}  {rnd.venue or ''}")
            item.setData(Qt.ItemDataRole.UserRole, rnd.id)
            self.list.addItem(item)
