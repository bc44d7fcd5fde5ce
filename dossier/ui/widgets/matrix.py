"""The position matrix: topics down, parties across, each cell a party's latest position.

Cells follow ``model.analysis.latest_positions`` as of a chosen round, and the Gap
column follows ``analysis.gaps``, so the screen and the PDF dossier always agree.
Clicking a cell shows that party's positions on that topic across the rounds.
"""

from __future__ import annotations

import textwrap

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dossier.model import analysis
from dossier.model.dates import display_date, display_range
from dossier.model.enums import PartyRole, PositionKind
from dossier.model.records import Document, Position
from dossier.ui.widgets.kinds import KindLegend, kind_colours, kind_label, kind_tag, paint_kind_box
from dossier.ui.widgets.negotiation_data import party_names, round_label, topic_titles
from dossier.ui.widgets.text import is_rtl, plain_label, plain_tooltip, set_plain

POSITION_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2
GAP_ROLE = Qt.ItemDataRole.UserRole + 3

GAP_CONFLICT = "conflict"
GAP_OPEN = "open"
GAP_COLOUR = QColor("#b54708")


class PositionMatrixModel(QAbstractTableModel):
    """Rows: the negotiation's topics. Columns: its parties, then a Gap column."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.doc: Document | None = None
        self.negotiation_id: str | None = None
        self.as_of: str | None = None
        self.topics: list[str] = []
        self.parties: list[str] = []
        self.roles: dict[str, str] = {}
        self.latest: dict[tuple[str, str], Position] = {}
        self.gap_of: dict[str, str] = {}
        self.gap_note: dict[str, str] = {}
        self._party_names: dict[str, str] = {}
        self._topic_titles: dict[str, str] = {}

    # ------------------------------------------------------------- content
    def set_document(self, doc: Document | None, negotiation_id: str | None, as_of: str | None = None) -> None:
        self.beginResetModel()
        self.doc, self.negotiation_id = doc, negotiation_id
        self.as_of = as_of if doc and any(r.id == as_of for r in doc.rounds) else None
        self.topics, self.parties, self.latest, self.gap_of, self.gap_note = [], [], {}, {}, {}
        if doc is not None and negotiation_id is not None:
            self._compute()
        self.endResetModel()

    def set_as_of(self, round_id: str | None) -> None:
        self.set_document(self.doc, self.negotiation_id, round_id)

    def _compute(self) -> None:
        doc, nid = self.doc, self.negotiation_id
        self._party_names, self._topic_titles = party_names(doc), topic_titles(doc)
        negotiation = analysis.find(doc.negotiations, nid, "negotiations")
        self.roles = {p.party: p.role for p in negotiation.parties}
        ordered = analysis.ordered_positions(doc, nid)
        self.latest = analysis.latest_positions(doc, nid, self.as_of, ordered=ordered)
        self.parties = [p.party for p in negotiation.parties]
        self.parties += sorted({party for party, _ in self.latest if party not in self.parties})
        self.topics = [t.id for t in analysis.ordered_topics(doc, nid)]
        found = analysis.gaps(doc, nid, self.as_of, ordered=ordered)
        for gap in found.open_demands:
            self.gap_of.setdefault(gap.topic, GAP_OPEN)
            self._add_note(gap.topic, self.tr("{party}'s {kind} is not answered by {others}").format(
                party=self.party_name(gap.claim.party), kind=kind_label(gap.claim.kind).lower(),
                others=", ".join(self.party_name(p) for p in gap.unanswered_by)))
        for gap in found.conflicts:
            self.gap_of[gap.topic] = GAP_CONFLICT
            self._add_note(gap.topic, self.tr("{party}'s {kind} is contradicted by {others}").format(
                party=self.party_name(gap.claim.party), kind=kind_label(gap.claim.kind).lower(),
                others=", ".join(f"{self.party_name(p.party)} ({kind_label(p.kind).lower()})"
                                 for p in gap.against)))

    def _add_note(self, topic: str, text: str) -> None:
        self.gap_note[topic] = f"{self.gap_note[topic]}\n{text}" if topic in self.gap_note else text

    def party_name(self, party_id: str) -> str:
        return self._party_names.get(party_id, party_id)

    def topic_title(self, topic_id: str) -> str:
        return self._topic_titles.get(topic_id, topic_id)

    def gap_column(self) -> int:
        return len(self.parties)

    def position_at(self, row: int, column: int) -> Position | None:
        if 0 <= row < len(self.topics) and 0 <= column < len(self.parties):
            return self.latest.get((self.parties[column], self.topics[row]))
        return None

    def index_of(self, party_id: str, topic_id: str) -> QModelIndex:
        if party_id in self.parties and topic_id in self.topics:
            return self.index(self.topics.index(topic_id), self.parties.index(party_id))
        return QModelIndex()

    # ------------------------------------------------------------- Qt model
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.topics)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() or not self.topics and not self.parties else len(self.parties) + 1

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not self.topics:
            return None
        row, column = index.row(), index.column()
        topic = self.topics[row]
        if column == self.gap_column():
            gap = self.gap_of.get(topic)
            if role == Qt.ItemDataRole.DisplayRole:
                return {GAP_CONFLICT: self.tr("GAP"), GAP_OPEN: self.tr("Open")}.get(gap, "")
            if role == Qt.ItemDataRole.ToolTipRole:
                return plain_tooltip(self.gap_note.get(topic))
            if role == GAP_ROLE:
                return gap
            return None
        position = self.position_at(row, column)
        if position is None:
            if role == Qt.ItemDataRole.ToolTipRole:
                return plain_tooltip(self.tr("{party} has stated no position on {topic}").format(
                    party=self.party_name(self.parties[column]), topic=self.topic_title(topic)))
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{kind_tag(position.kind)}: {position.summary}"
        if role == Qt.ItemDataRole.ToolTipRole:
            when = display_date(position.date) or self.tr("undated")
            return plain_tooltip(f"{kind_label(position.kind)} · {when}\n{position.summary}")
        if role == POSITION_ROLE:
            return position
        if role == KIND_ROLE:
            return position.kind
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self.party_name(position.party)}, {self.topic_title(topic)}: " \
                   f"{kind_label(position.kind)}: {position.summary}"
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section <= len(self.parties):
                return None
            if section == self.gap_column():
                if role == Qt.ItemDataRole.DisplayRole:
                    return self.tr("Gap")
                if role == Qt.ItemDataRole.ToolTipRole:
                    return self.tr("GAP: a demand or red line the other party's latest position contradicts. "
                                   "Open: a demand or red line the other party has not answered.")
                return None
            party = self.parties[section]
            if role == Qt.ItemDataRole.DisplayRole:
                name = header_lines(self.party_name(party), 18, 2)
                role_word = self.roles.get(party)
                return name if role_word in (None, PartyRole.PARTY) else f"{name}\n({self.tr(role_word)})"
            if role == Qt.ItemDataRole.ToolTipRole:
                return plain_tooltip(self.party_name(party))
            return None
        if not 0 <= section < len(self.topics):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return header_lines(self.topic_title(self.topics[section]), 30, 4)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(self.topic_title(self.topics[section]))
        return None


def header_lines(text: str, width: int, lines: int) -> str:
    """A long name broken into at most ``lines`` lines of about ``width`` characters, the last cut
    with "…": a header never pushes the matrix's cells out of sight (the whole name is its tooltip)."""
    wrapped = textwrap.wrap(text, width, break_long_words=True) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1].rstrip() + "…"
    return "\n".join(wrapped)


class PositionCellDelegate(QStyledItemDelegate):
    """Draws a cell in its kind's colours: the kind's word on top, the summary below."""

    PAD = 6

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        kind = index.data(KIND_ROLE)
        gap = index.data(GAP_ROLE)
        painter.save()
        rect = option.rect.adjusted(2, 2, -2, -2)
        if kind:
            paint_kind_box(painter, rect, kind)
            _fill, ink = kind_colours(kind)
            self._draw_text(painter, rect, kind, index.data(POSITION_ROLE).summary, ink, option)
        elif gap:
            self._draw_gap(painter, rect, gap, index.data(), option)
        else:
            painter.setPen(QColor("#9aa3ae"))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "—")
        if option.state & QStyle.StateFlag.State_Selected:
            pen = QPen(option.palette.highlight().color(), 2, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(option.rect.adjusted(1, 1, -2, -2))
        painter.restore()

    def _draw_text(self, painter, rect: QRect, kind: str, summary: str, ink: QColor, option) -> None:
        inner = rect.adjusted(self.PAD + 2, self.PAD - 1, -self.PAD - 2, -self.PAD)
        tag_font = QFont(option.font)
        tag_font.setBold(True)
        tag_font.setPointSizeF(option.font.pointSizeF() * (1.0 if kind == PositionKind.RED_LINE else 0.85))
        painter.setFont(tag_font)
        painter.setPen(ink)
        tag_height = QFontMetrics(tag_font).height()
        painter.drawText(QRect(inner.left(), inner.top(), inner.width(), tag_height),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, kind_tag(kind))
        body = QRect(inner.left(), inner.top() + tag_height + 2, inner.width(), inner.height() - tag_height - 2)
        painter.setFont(option.font)
        metrics = QFontMetrics(option.font)
        lines = max(1, body.height() // metrics.lineSpacing())
        text = _elide_lines(summary, metrics, body.width(), lines)
        rtl = is_rtl(summary)
        align = (Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft) | Qt.AlignmentFlag.AlignTop
        direction = Qt.TextFlag.TextForceRightToLeft if rtl else Qt.TextFlag.TextForceLeftToRight
        painter.drawText(body, int(align) | int(Qt.TextFlag.TextWordWrap) | int(direction), text)

    def _draw_gap(self, painter, rect: QRect, gap: str, text: str, option) -> None:
        font = QFont(option.font)
        font.setBold(True)
        painter.setFont(font)
        box = QRect(0, 0, QFontMetrics(font).horizontalAdvance(text) + 16, QFontMetrics(font).height() + 6)
        box.moveCenter(rect.center())
        if gap == GAP_CONFLICT:
            painter.setPen(QPen(GAP_COLOUR, 2))
            painter.setBrush(QColor("#fff4e5"))
            painter.drawRect(box)
            painter.setPen(GAP_COLOUR)
        else:
            painter.setPen(QColor("#5b6573"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def sizeHint(self, option, index) -> QSize:
        return QSize(200, 88)


def _elide_lines(text: str, metrics: QFontMetrics, width: int, lines: int) -> str:
    """Word-wrap ``text`` into at most ``lines`` lines of ``width``, the last one elided."""
    words = " ".join(text.split()).split(" ")
    out: list[str] = []
    current = ""
    for i, word in enumerate(words):
        trial = f"{current} {word}".strip()
        if metrics.horizontalAdvance(trial) <= width or not current:
            current = trial
            continue
        out.append(current)
        current = word
        if len(out) == lines - 1:
            rest = " ".join([current, *words[i + 1:]])
            out.append(metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width))
            return "\n".join(out)
    out.append(metrics.elidedText(current, Qt.TextElideMode.ElideRight, width))
    return "\n".join(out)


class PositionHistoryModel(QAbstractTableModel):
    """One party's positions on one topic, in position order (oldest first)."""

    COLUMNS = ("Round", "Date", "Kind", "Summary")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.positions: list[Position] = []
        self.round_names: dict[str, str] = {}

    def set_positions(self, positions: list[Position], round_names: dict[str, str]) -> None:
        self.beginResetModel()
        self.positions, self.round_names = list(positions), dict(round_names)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.positions)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        position = self.positions[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return self.round_names.get(position.round, "") if position.round else self.tr("between rounds")
            if column == 1:
                return display_date(position.date)
            if column == 2:
                return kind_tag(position.kind)
            return position.summary
        if role == Qt.ItemDataRole.ToolTipRole and column == 3:
            return plain_tooltip(position.summary)
        if role == Qt.ItemDataRole.BackgroundRole and column == 2:
            return kind_colours(position.kind)[0]
        if role == Qt.ItemDataRole.ForegroundRole and column == 2:
            return kind_colours(position.kind)[1]
        if role == Qt.ItemDataRole.FontRole and column == 2 and position.kind == PositionKind.RED_LINE:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 3 and is_rtl(position.summary):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == POSITION_ROLE:
            return position
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.COLUMNS):
            return self.tr(self.COLUMNS[section])
        return None


class MatrixView(QWidget):
    """As-of chooser and legend, the matrix, and the history of the clicked cell."""

    #: the user asked to edit a position (double-click in the history)
    sig_position_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = PositionMatrixModel(self)
        self.history_model = PositionHistoryModel(self)
        self.selected: tuple[str, str] | None = None

        self.as_of_combo = QComboBox(self)
        self.as_of_combo.setAccessibleName(self.tr("As of round"))
        self.as_of_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.as_of_combo.currentIndexChanged.connect(self._as_of_chosen)
        as_of_label = QLabel(self.tr("&As of:"), self)
        as_of_label.setBuddy(self.as_of_combo)
        gap_swatch = QLabel(self.tr("GAP"), self)
        gap_swatch.setStyleSheet("QLabel { color: #b54708; border: 2px solid #b54708; background: #fff4e5;"
                                 " font-weight: bold; padding: 0 4px; }")
        self.legend = KindLegend(self, extra=[(gap_swatch, self.tr("conflicting positions"))])

        top = QHBoxLayout()
        top.addWidget(as_of_label)
        top.addWidget(self.as_of_combo)
        top.addSpacing(18)
        top.addWidget(self.legend, 1)

        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setItemDelegate(PositionCellDelegate(self.table))
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setShowGrid(False)
        self.table.setWordWrap(True)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        hh.setMinimumSectionSize(110)
        hh.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        vh = self.table.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(88)
        vh.setMinimumWidth(170)
        vh.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.clicked.connect(self._cell_clicked)
        self.table.selectionModel().currentChanged.connect(lambda cur, _prev: self._cell_clicked(cur))

        self.history_title = plain_label("", self)
        font = QFont(self.history_title.font())
        font.setBold(True)
        self.history_title.setFont(font)
        self.history = QTableView(self)
        self.history.setModel(self.history_model)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.verticalHeader().hide()
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.setAlternatingRowColors(True)
        self.history.doubleClicked.connect(self._history_activated)
        history_box = QWidget(self)
        hl = QVBoxLayout(history_box)
        hl.setContentsMargins(0, 6, 0, 0)
        hl.addWidget(self.history_title)
        hl.addWidget(self.history)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(history_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([6 * 88 + 40, 120])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        self._show_history(None)

    # ------------------------------------------------------------- content
    def set_document(self, doc: Document | None, negotiation_id: str | None) -> None:
        keep = self.as_of_combo.currentData()
        self.as_of_combo.blockSignals(True)
        self.as_of_combo.clear()
        self.as_of_combo.addItem(self.tr("Latest (all rounds)"), None)
        rounds = analysis.ordered_rounds(doc, negotiation_id) if doc and negotiation_id else []
        for rnd in rounds:
            self.as_of_combo.addItem(f"{round_label(rnd)} — {display_range(rnd.start, rnd.end)}", rnd.id)
        found = self.as_of_combo.findData(keep) if keep else 0
        self.as_of_combo.setCurrentIndex(max(found, 0))
        self.as_of_combo.blockSignals(False)
        self.model.set_document(doc, negotiation_id, self.as_of_combo.currentData())
        self._restore_selection()

    def set_as_of(self, round_id: str | None) -> None:
        index = self.as_of_combo.findData(round_id) if round_id else 0
        if index >= 0:
            self.as_of_combo.setCurrentIndex(index)

    def _as_of_chosen(self, _index: int) -> None:
        self.model.set_as_of(self.as_of_combo.currentData())
        self._restore_selection()

    def _restore_selection(self) -> None:
        index = self.model.index_of(*self.selected) if self.selected else QModelIndex()
        if index.isValid():
            self.table.setCurrentIndex(index)
        self._show_history(self.selected)

    def select_cell(self, party_id: str, topic_id: str) -> None:
        index = self.model.index_of(party_id, topic_id)
        if index.isValid():
            self.table.setCurrentIndex(index)
            self._cell_clicked(index)

    def _cell_clicked(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if not index.isValid() or index.column() >= self.model.gap_column():
            return
        self.selected = (self.model.parties[index.column()], self.model.topics[index.row()])
        self._show_history(self.selected)

    def _show_history(self, cell: tuple[str, str] | None) -> None:
        doc, nid = self.model.doc, self.model.negotiation_id
        if not cell or doc is None or nid is None:
            set_plain(self.history_title, self.tr("Click a cell to see that party's positions on the topic "
                                                  "across rounds."))
            self.history_model.set_positions([], {})
            return
        party, topic = cell
        found = [p for p in analysis.positions_as_of(doc, nid, self.model.as_of)
                 if p.party == party and p.topic == topic]
        set_plain(self.history_title, self.tr("{party} on {topic}: {n} position(s)").format(
            party=self.model.party_name(party), topic=self.model.topic_title(topic), n=len(found)))
        self.history_model.set_positions(found, {r.id: round_label(r) for r in doc.rounds})
        self.history.resizeColumnsToContents()
        self.history.horizontalHeader().setStretchLastSection(True)

    def _history_activated(self, index: QModelIndex) -> None:
        position = index.data(POSITION_ROLE)
        if position is not None:
            self.sig_position_activated.emit(position.id)
