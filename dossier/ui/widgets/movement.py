"""Movement in a round: each party's stance per topic beside the previous held round's.

Rows come from ``model.analysis.movement`` so the screen says what the round brief says:
the label is ``Movement.label``; where before and now are one position (unchanged, off
the agenda) its text is shown once across both columns; a remark shows the standing
position before and the remark now. A round that did not take place has no movement:
the widget says so in a sentence instead of a table.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QSizePolicy, QTableView, QVBoxLayout, QWidget

from dossier.model import analysis
from dossier.model.analysis import Change, Movement
from dossier.model.enums import RoundStatus
from dossier.model.records import Document, Position
from dossier.ui.widgets.kinds import REMARK_FILL, REMARK_INK, kind_colours, kind_tag, remark_tag
from dossier.ui.widgets.negotiation_data import party_names, round_label, status_word, topic_titles
from dossier.ui.widgets.text import is_rtl, plain_label, plain_tooltip, set_plain

TOPIC, PARTY, BEFORE, NOW, CHANGE = range(5)

#: change -> (fill or None, text colour) of the "What changed" cell
CHANGE_LOOK = {
    Change.NEW: ("#e7f4ea", "#1e6b35"),
    Change.KIND_CHANGED: ("#fff4e5", "#b54708"),
    Change.RESTATED: ("#eef2f7", "#1f3a5f"),
    Change.REMARK: ("#f7f7f8", "#3d4654"),
    Change.UNCHANGED: (None, "#5b6573"),
    Change.OFF_AGENDA: ("#f2f2f2", "#5b6573"),
}
#: the order the caption counts changes in
CHANGE_ORDER = (Change.NEW, Change.KIND_CHANGED, Change.RESTATED, Change.REMARK, Change.UNCHANGED,
                Change.OFF_AGENDA)


def _position_text(position: Position | None) -> str:
    if position is None:
        return "—"
    tag = kind_tag(position.kind) if analysis.is_stance(position) else remark_tag()
    return f"{tag}: {position.summary}"


def change_text(move: Movement) -> str:
    """``Movement.label``, as a cell starts it: "New", "Kind changed from demand to offer"."""
    label = move.label
    return label[:1].upper() + label[1:]


class MovementModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[Movement] = []
        self._parties: dict[str, str] = {}
        self._topics: dict[str, str] = {}
        self.round = None  # the round shown
        self.previous = None  # the previous held round, None for the first held round
        self.skipped: list = []  # rounds between the two that did not take place
        self.previous_label = ""
        self.current_label = ""

    def set_round(self, doc: Document | None, round_id: str | None) -> None:
        self.beginResetModel()
        self.rows, self.round, self.previous, self.skipped = [], None, None, []
        self.previous_label = self.current_label = ""
        if doc is not None and round_id and any(r.id == round_id for r in doc.rounds):
            self.round = analysis.find(doc.rounds, round_id, "rounds")
            self.rows = analysis.movement(doc, round_id)
            self._parties, self._topics = party_names(doc), topic_titles(doc)
            self.previous = analysis.previous_round(doc, round_id)
            earlier = analysis.rounds_as_of(doc, round_id)[:-1]
            if self.previous is not None:
                earlier = earlier[earlier.index(self.previous) + 1:]
            self.skipped = [r for r in earlier if not analysis.took_place(r)]
            self.previous_label = round_label(self.previous) if self.previous else self.tr("Before")
            self.current_label = round_label(self.round)
        self.endResetModel()

    @property
    def took_place(self) -> bool:
        return self.round is not None and analysis.took_place(self.round)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else 5

    def position_in(self, move: Movement, column: int) -> Position | None:
        if column == BEFORE:
            return move.before
        if column == NOW:
            return move.now
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        move = self.rows[index.row()]
        column = index.column()
        position = self.position_in(move, column)
        remark = position is not None and not analysis.is_stance(position)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == TOPIC:
                return self._topics.get(move.topic, move.topic)
            if column == PARTY:
                return self._parties.get(move.party, move.party)
            if column == NOW and move.once:
                return self.tr("(same as before)")
            if column in (BEFORE, NOW):
                return _position_text(position)
            return change_text(move)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column in (BEFORE, NOW) and position:
                return plain_tooltip(position.summary)
            if column == CHANGE:
                return plain_tooltip(self.change_explained(move))
        if role == Qt.ItemDataRole.BackgroundRole:
            if column in (BEFORE, NOW) and position:
                return REMARK_FILL if remark else kind_colours(position.kind)[0]
            if column == CHANGE and CHANGE_LOOK[move.change][0]:
                return QColor(CHANGE_LOOK[move.change][0])
        if role == Qt.ItemDataRole.ForegroundRole:
            if column in (BEFORE, NOW) and position:
                return REMARK_INK if remark else kind_colours(position.kind)[1]
            if column == CHANGE:
                return QColor(CHANGE_LOOK[move.change][1])
        if role == Qt.ItemDataRole.FontRole:
            if column == CHANGE and move.change in (Change.NEW, Change.KIND_CHANGED):
                font = QFont()
                font.setBold(True)
                return font
            if column in (BEFORE, NOW) and remark:
                font = QFont()
                font.setItalic(True)
                return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (BEFORE, NOW) and position \
                and is_rtl(position.summary):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def change_explained(self, move: Movement) -> str:
        return {
            Change.NEW: self.tr("A stance taken where there was none before."),
            Change.RESTATED: self.tr("A new position of the same kind."),
            Change.KIND_CHANGED: self.tr("A new position of another kind."),
            Change.REMARK: self.tr("Only statements since: the standing position is unchanged."),
            Change.UNCHANGED: self.tr("Nothing said on the topic since; shown once."),
            Change.OFF_AGENDA: self.tr("The topic left the agenda and nothing was said on it; the standing "
                                       "position is shown once."),
        }[move.change]

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole \
                or not 0 <= section < 5:
            return None
        before = self.tr("As of {round}").format(round=self.previous_label) if self.previous else self.tr("Before")
        return (self.tr("Topic"), self.tr("Party"), before,
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
        for column, width in ((TOPIC, 170), (PARTY, 110), (CHANGE, 170)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(BEFORE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(NOW, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        self.caption.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 1)
        layout.addStretch(0)  # with no table (a round that did not take place) the sentence stays on top

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.table.resizeRowsToContents()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.table.resizeRowsToContents()

    def set_round(self, doc: Document | None, round_id: str | None) -> None:
        self.model.set_round(doc, round_id)
        self.table.clearSpans()
        for row, move in enumerate(self.model.rows):
            if move.once:  # one position: its text once, across Before and Now
                self.table.setSpan(row, BEFORE, 1, 2)
        self.table.resizeRowsToContents()
        rnd = self.model.round
        self.table.setVisible(rnd is not None and self.model.took_place and bool(self.model.rows))
        set_plain(self.caption, self.caption_text())

    def caption_text(self) -> str:
        model = self.model
        rnd = model.round
        if rnd is None:
            return self.tr("Choose a round to see what moved in it.")
        if not model.took_place:
            if rnd.status == RoundStatus.PLANNED:
                return self.tr("{round} is planned: no movement yet.").format(round=model.current_label)
            return self.tr("{round} was {status}: no movement.").format(round=model.current_label,
                                                                        status=status_word(rnd))
        if model.previous is None:
            first = self.tr("{round} is the first round held: there is nothing earlier to compare with, "
                            "so every stance is new.").format(round=model.current_label)
            if not model.rows:
                return self.tr("{round} is the first round held, and no positions are recorded up to it.") \
                    .format(round=model.current_label)
            return first
        if not model.rows:
            return self.tr("No positions recorded up to {round}.").format(round=model.current_label)
        against = self.tr("{round} against {previous}, the previous round held").format(
            round=model.current_label, previous=model.previous_label)
        if model.skipped:
            against += self.tr(" ({rounds} did not take place)").format(
                rounds=", ".join(f"{round_label(r)}, {status_word(r)}" for r in model.skipped))
        words = {Change.NEW: self.tr("{n} new"), Change.KIND_CHANGED: self.tr("{n} changed kind"),
                 Change.RESTATED: self.tr("{n} restated"), Change.REMARK: self.tr("{n} with remarks only"),
                 Change.UNCHANGED: self.tr("{n} unchanged"), Change.OFF_AGENDA: self.tr("{n} off the agenda")}
        counts = {change: sum(1 for m in model.rows if m.change == change) for change in CHANGE_ORDER}
        parts = [words[change].format(n=n) for change, n in counts.items() if n]
        return f"{against}: {', '.join(parts)}."
