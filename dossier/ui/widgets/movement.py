"""Movement in a round: each party's position per topic beside the previous round's.

Rows come from ``model.analysis.movement`` so the screen says what the round brief says.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from dossier.model import analysis
from dossier.model.analysis import Change, Movement
from dossier.model.records import Document, Position
from dossier.ui.widgets.kinds import kind_colours, kind_tag
from dossier.ui.widgets.negotiation_data import party_names, round_label, topic_titles
from dossier.ui.widgets.text import is_rtl, plain_label, plain_tooltip, set_plain

TOPIC, PARTY, BEFORE, NOW, CHANGE = range(5)

CHANGE_LOOK = {
    Change.NEW: ("#e7f4ea", "#1e6b35"),
    Change.KIND_CHANGED: ("#fff4e5", "#b54708"),
    Change.RESTATED: ("#eef2f7", "#1f3a5f"),
    Change.UNCHANGED: (None, "#5b6573"),
    Change.DROPPED: ("#f2f2f2", "#5b6573"),
}


def _position_text(position: Position | None) -> str:
    return f"{kind_tag(position.kind)}: {position.summary}" if position else "—"


class MovementModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[Movement] = []
        self._parties: dict[str, str] = {}
        self._topics: dict[str, str] = {}
        self.previous_label = ""
        self.current_label = ""

    def set_round(self, doc: Document | None, round_id: str | None) -> None:
        self.beginResetModel()
        self.rows = []
        if doc is not None and round_id and any(r.id == round_id for r in doc.rounds):
            self.rows = analysis.movement(doc, round_id)
            self._parties, self._topics = party_names(doc), topic_titles(doc)
            prev = analysis.previous_round(doc, round_id)
            self.previous_label = round_label(prev) if prev else self.tr("before")
            self.current_label = round_label(analysis.find(doc.rounds, round_id, "rounds"))
        self.endResetModel()

    def change_text(self, move: Movement) -> str:
        if move.change == Change.KIND_CHANGED:
            return self.tr("{old} → {new}").format(old=kind_tag(move.previous.kind), new=kind_tag(move.current.kind))
        return {Change.NEW: self.tr("New"), Change.RESTATED: self.tr("Restated"),
                Change.UNCHANGED: self.tr("Unchanged"), Change.DROPPED: self.tr("Dropped from agenda")}[move.change]

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else 5

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        move = self.rows[index.row()]
        column = index.column()
        position = move.previous if column == BEFORE else move.current if column == NOW else None
        if role == Qt.ItemDataRole.DisplayRole:
            if column == TOPIC:
                return self._topics.get(move.topic, move.topic)
            if column == PARTY:
                return self._parties.get(move.party, move.party)
            if column in (BEFORE, NOW):
                return _position_text(position)
            return self.change_text(move)
        if role == Qt.ItemDataRole.ToolTipRole and column in (BEFORE, NOW) and position:
            return plain_tooltip(position.summary)
        if role == Qt.ItemDataRole.BackgroundRole:
            if column in (BEFORE, NOW) and position:
                return kind_colours(position.kind)[0]
            if column == CHANGE and CHANGE_LOOK[move.change][0]:
                return QColor(CHANGE_LOOK[move.change][0])
        if role == Qt.ItemDataRole.ForegroundRole:
            if column in (BEFORE, NOW) and position:
                return kind_colours(position.kind)[1]
            if column == CHANGE:
                return QColor(CHANGE_LOOK[move.change][1])
        if role == Qt.ItemDataRole.FontRole and column == CHANGE and move.change in (Change.NEW, Change.KIND_CHANGED):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (BEFORE, NOW) and position \
                and is_rtl(position.summary):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole \
                or not 0 <= section < 5:
            return None
        return (self.tr("Topic"), self.tr("Party"), self.tr("As of {round}").format(round=self.previous_label),
                self.tr("In {round}").format(round=self.current_label), self.tr("What changed"))[section]


class MovementView(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = MovementModel(self)
        self.caption = plain_label("", self, wrap=True)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in ((TOPIC, 170), (PARTY, 110), (CHANGE, 150)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(BEFORE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(NOW, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 1)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.table.resizeRowsToContents()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.table.resizeRowsToContents()

    def set_round(self, doc: Document | None, round_id: str | None) -> None:
        self.model.set_round(doc, round_id)
        self.table.resizeRowsToContents()
        if not round_id:
            set_plain(self.caption, self.tr("Choose a round to see what moved in it."))
        elif not self.model.rows:
            set_plain(self.caption, self.tr("No positions recorded up to {round}.").format(
                round=self.model.current_label))
        else:
            moved = sum(1 for m in self.model.rows if m.change not in (Change.UNCHANGED,))
            set_plain(self.caption, self.tr("{round} against {previous}: {n} of {total} stances changed or new.")
                      .format(round=self.model.current_label, previous=self.model.previous_label, n=moved,
                              total=len(self.model.rows)))
