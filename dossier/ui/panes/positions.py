"""The Positions pane: each party's stance per topic."""

from __future__ import annotations

from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout, QWidget
from PySide6.QtCore import Qt

from dossier.services.positions import list_positions
from dossier.ui.context import AppContext, Pane


class PositionsPane(Pane):
    key = "positions"
    title = "Positions"

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
        for pos in list_positions(self.ctx.ws, negotiation=self.ctx.negotiation_id):
            item = QListWidgetItem(f"{pos.party}  {pos.topic}  {pos.kind}  {pos.summary}")
            item.setData(Qt.ItemDataRole.UserRole, pos.id)
            self.list.addItem(item)
