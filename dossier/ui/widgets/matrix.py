"""The position matrix: topics down, parties across, each cell a party's standing position.

Cells follow ``model.analysis.matrix`` as of a chosen round: the standing position (the
latest stance; a later statement never replaces it) and, beneath it, the latest remark
made since; a party with only statements on record shows its latest one marked as a
remark. The Gap column follows ``analysis.gaps`` in its three groups (conflict,
answered — to judge, open), so the screen and the PDF dossier always agree. Clicking a
cell shows that party's positions on that topic across the rounds.

Past 500 lines because the matrix is one widget made of its model, the delegate that
paints its cells and the view around them, which share the cell geometry and colours.
"""

from __future__ import annotations

import textwrap

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
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
from dossier.model.analysis import Cell, Placement
from dossier.model.dates import display_date, display_range
from dossier.model.enums import PartyRole, PositionKind
from dossier.model.records import Document, Position
from dossier.ui.widgets.kinds import (
    REMARK_INK,
    STANCE_ORDER,
    KindLegend,
    RemarkSwatch,
    kind_colours,
    kind_label,
    kind_tag,
    paint_kind_box,
    paint_remark_box,
    remark_tag,
)
from dossier.ui.widgets.negotiation_data import (
    party_names,
    placement_note,
    round_label,
    round_label_with_status,
    topic_titles,
)
from dossier.ui.widgets.text import is_rtl, plain_label, plain_tooltip, set_plain

#: the position a cell shows on one line: the standing position, else the remark
POSITION_ROLE = Qt.ItemDataRole.UserRole + 1
#: that position's kind
KIND_ROLE = Qt.ItemDataRole.UserRole + 2
#: in the Gap column: the strongest group of the topic's gaps (conflict, answered, open)
GAP_ROLE = Qt.ItemDataRole.UserRole + 3
#: the whole ``analysis.Cell``
CELL_ROLE = Qt.ItemDataRole.UserRole + 4
#: the remark beneath the standing position (for a cell of remarks only: that remark)
REMARK_ROLE = Qt.ItemDataRole.UserRole + 5
#: in the Gap column: ``[(group, sentence)]``, every gap of the topic in words
GAP_NOTES_ROLE = Qt.ItemDataRole.UserRole + 6

GAP_CONFLICT = "conflict"
GAP_ANSWERED = "answered"
GAP_OPEN = "open"
GAP_ORDER = (GAP_CONFLICT, GAP_ANSWERED, GAP_OPEN)
GAP_COLOUR = QColor("#b54708")
JUDGE_COLOUR = QColor("#1f3a5f")
OPEN_COLOUR = QColor("#5b6573")
#: (ink, fill or None, frame width) of each group's badge
GAP_LOOK = {GAP_CONFLICT: (GAP_COLOUR, QColor("#fff4e5"), 2),
            GAP_ANSWERED: (JUDGE_COLOUR, QColor("#eef2f7"), 1),
            GAP_OPEN: (OPEN_COLOUR, None, 0)}
ROW_HEIGHT = 88
#: a row with a stance and a remark beneath it
ROW_HEIGHT_WITH_REMARK = 128


def position_words(position: Position) -> str:
    """What a position is, in a sentence: "red line", "demand"…, "remark" for a statement."""
    if analysis.is_stance(position):
        return kind_label(position.kind).lower()
    return QCoreApplication.translate("PositionMatrixModel", "remark")


def first_words(text: str, limit: int = 60) -> str:
    """The first words of ``text``, cut at a word with "…" when longer than ``limit``."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(",;:.") + "…"


class PositionMatrixModel(QAbstractTableModel):
    """Rows: the negotiation's topics. Columns: ``Matrix.parties``, then a Gap column."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.doc: Document | None = None
        self.negotiation_id: str | None = None
        self.as_of: str | None = None
        self.topics: list[str] = []
        self.parties: list[str] = []
        self.roles: dict[str, str] = {}
        self.cells: dict[tuple[str, str], Cell] = {}
        self.gap_notes: dict[str, list[tuple[str, str]]] = {}
        self._party_names: dict[str, str] = {}
        self._topic_titles: dict[str, str] = {}

    # ------------------------------------------------------------- content
    def set_document(self, doc: Document | None, negotiation_id: str | None, as_of: str | None = None) -> None:
        self.beginResetModel()
        self.doc, self.negotiation_id = doc, negotiation_id
        self.as_of = as_of if doc and any(r.id == as_of for r in doc.rounds) else None
        self.topics, self.parties, self.cells, self.gap_notes = [], [], {}, {}
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
        found = analysis.matrix(doc, nid, self.as_of, ordered=ordered)
        self.cells, self.parties, self.topics = found.cells, list(found.parties), list(found.topics)
        gaps = analysis.gaps(doc, nid, self.as_of, ordered=ordered, cells=found.cells)
        said: set[frozenset[str]] = set()  # "A's red line meets B's demand" says B's demand meets it too
        for gap in gaps.conflicts:
            against = [p for p in gap.against if frozenset((gap.claim.id, p.id)) not in said]
            said.update(frozenset((gap.claim.id, p.id)) for p in gap.against)
            if against:
                self._add_note(gap.topic, GAP_CONFLICT, self.tr("{claim} meets {others}").format(
                    claim=self._whose(gap.claim), others=self._and(self._whose(p) for p in against)))
        for gap in gaps.answered:
            text = self.tr("{claim} is answered by {others} — to judge")
            self._add_note(gap.topic, GAP_ANSWERED, text.format(
                claim=self._whose(gap.claim), others=self._and(self._whose(p) for p in gap.answers)))
        for gap in gaps.open:
            self._add_note(gap.topic, GAP_OPEN, self.tr("{claim} is not addressed by {others}").format(
                claim=self._whose(gap.claim), others=self._and(self.party_name(p) for p in gap.unanswered_by)))

    def _whose(self, position: Position) -> str:
        """"Israel's red line", "Syria's remark", "United States' demand"."""
        name = self.party_name(position.party)
        whose = self.tr("{party}'") if name.endswith("s") else self.tr("{party}'s")
        return f"{whose.format(party=name)} {position_words(position)}"

    def _and(self, items) -> str:
        items = list(items)
        if len(items) < 2:
            return "".join(items)
        return self.tr("{some} and {last}").format(some=", ".join(items[:-1]), last=items[-1])

    def _add_note(self, topic: str, group: str, text: str) -> None:
        self.gap_notes.setdefault(topic, []).append((group, text))

    def gap_of(self, topic: str) -> str | None:
        """The strongest group among the topic's gaps: conflict, then answered, then open."""
        groups = {group for group, _text in self.gap_notes.get(topic, [])}
        return next((g for g in GAP_ORDER if g in groups), None)

    def party_name(self, party_id: str) -> str:
        return self._party_names.get(party_id, party_id)

    def topic_title(self, topic_id: str) -> str:
        return self._topic_titles.get(topic_id, topic_id)

    def gap_column(self) -> int:
        return len(self.parties)

    def cell_at(self, row: int, column: int) -> Cell | None:
        if 0 <= row < len(self.topics) and 0 <= column < len(self.parties):
            return self.cells.get((self.parties[column], self.topics[row]))
        return None

    def position_at(self, row: int, column: int) -> Position | None:
        cell = self.cell_at(row, column)
        return cell.shown if cell is not None else None

    def row_has_remark_beneath(self, row: int) -> bool:
        """Whether a cell of the row shows a remark beneath a standing position."""
        return any((cell := self.cell_at(row, c)) is not None and cell.standing is not None
                   and cell.remark is not None for c in range(len(self.parties)))

    def index_of(self, party_id: str, topic_id: str) -> QModelIndex:
        if party_id in self.parties and topic_id in self.topics:
            return self.index(self.topics.index(topic_id), self.parties.index(party_id))
        return QModelIndex()

    def gap_words(self, group: str | None) -> str:
        return {GAP_CONFLICT: self.tr("GAP"), GAP_ANSWERED: self.tr("To judge"),
                GAP_OPEN: self.tr("Open")}.get(group, "")

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
            return self._gap_data(topic, role)
        cell = self.cell_at(row, column)
        if cell is None:
            if role == Qt.ItemDataRole.ToolTipRole:
                return plain_tooltip(self.tr("{party} has stated no position on {topic}").format(
                    party=self.party_name(self.parties[column]), topic=self.topic_title(topic)))
            return None
        shown = cell.shown
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell_text(cell)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(self._cell_tooltip(cell))
        if role == POSITION_ROLE:
            return shown
        if role == KIND_ROLE:
            return shown.kind
        if role == CELL_ROLE:
            return cell
        if role == REMARK_ROLE:
            return cell.remark
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self.party_name(shown.party)}, {self.topic_title(topic)}: {self._cell_text(cell)}"
        return None

    def _gap_data(self, topic: str, role: int):
        group = self.gap_of(topic)
        notes = self.gap_notes.get(topic, [])
        if role == Qt.ItemDataRole.DisplayRole:
            return self.gap_words(group)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip("\n".join(f"{self.gap_words(g)}: {text}" for g, text in notes))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return "; ".join(f"{self.gap_words(g)}: {text}" for g, text in notes) or self.tr("No gap")
        if role == GAP_ROLE:
            return group
        if role == GAP_NOTES_ROLE:
            return list(notes)
        return None

    def remark_line(self, remark: Position) -> str:
        """"Remark, 3 Jan 2026: first words…"."""
        return self.tr("{remark}, {when}: {words}").format(
            remark=remark_tag().capitalize(), when=display_date(remark.date) or self.tr("undated"),
            words=first_words(remark.summary))

    def _cell_text(self, cell: Cell) -> str:
        if cell.standing is None:
            return f"{remark_tag()}: {cell.remark.summary}"
        text = f"{kind_tag(cell.standing.kind)}: {cell.standing.summary}"
        return f"{text}\n{self.remark_line(cell.remark)}" if cell.remark is not None else text

    def _cell_tooltip(self, cell: Cell) -> str:
        undated = self.tr("undated")
        if cell.standing is None:
            remark = cell.remark
            return self.tr("Remark (a statement; no stance on record) · {when}\n{summary}").format(
                when=display_date(remark.date) or undated, summary=remark.summary)
        standing = cell.standing
        text = self.tr("Standing position: {kind} · {when}\n{summary}").format(
            kind=kind_label(standing.kind), when=display_date(standing.date) or undated, summary=standing.summary)
        if cell.remark is not None:
            text += "\n\n" + self.tr("Later remark (a statement; the stance stands) · {when}\n{summary}").format(
                when=display_date(cell.remark.date) or undated, summary=cell.remark.summary)
        return text

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section <= len(self.parties):
                return None
            if section == self.gap_column():
                if role == Qt.ItemDataRole.DisplayRole:
                    return self.tr("Gap")
                if role == Qt.ItemDataRole.ToolTipRole:
                    return plain_tooltip(self.tr(
                        "Between the parties' standing positions (a later statement does not replace a stance):\n"
                        "GAP: a party's demand or red line meets another party's red line, demand or remark.\n"
                        "To judge: it is answered only by an offer, concession or assurance; whether that meets "
                        "the claim is the analyst's call.\n"
                        "Open: another party has not addressed it."))
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
    """Draws a cell: the standing position in its kind's colours (the kind's word on top, the
    summary below) and, beneath it, the latest later remark in a dashed box; a cell of remarks
    only as one dashed box marked "REMARK". The Gap column: the strongest group's badge and
    each gap in words."""

    PAD = 6

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        cell = index.data(CELL_ROLE)
        gap = index.data(GAP_ROLE)
        painter.save()
        rect = option.rect.adjusted(2, 2, -2, -2)
        if cell is not None and cell.standing is None:
            paint_remark_box(painter, rect)
            self._draw_text(painter, rect, remark_tag(), cell.remark.summary, REMARK_INK, option,
                            when=display_date(cell.remark.date), italic=True)
        elif cell is not None:
            stance = rect
            if cell.remark is not None:
                small = QFontMetrics(_small(option.font))
                below = QRect(rect.left(), 0, rect.width(), 2 * small.lineSpacing() + small.height() + 8)
                below.moveBottom(rect.bottom())
                stance = QRect(rect.left(), rect.top(), rect.width(), below.top() - rect.top() - 3)
                paint_remark_box(painter, below)
                self._draw_remark(painter, below, cell.remark, option)
            kind = cell.standing.kind
            paint_kind_box(painter, stance, kind)
            _fill, ink = kind_colours(kind)
            self._draw_text(painter, stance, kind_tag(kind), cell.standing.summary, ink, option,
                            red=kind == PositionKind.RED_LINE)
        elif gap:
            self._draw_gap(painter, rect, index.data(GAP_NOTES_ROLE) or [], index.model(), option)
        else:
            painter.setPen(QColor("#9aa3ae"))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "—")
        if option.state & QStyle.StateFlag.State_Selected:
            pen = QPen(option.palette.highlight().color(), 2, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(option.rect.adjusted(1, 1, -2, -2))
        painter.restore()

    def _draw_text(self, painter, rect: QRect, tag: str, summary: str, ink: QColor, option, *,
                   when: str = "", red: bool = False, italic: bool = False) -> None:
        inner = rect.adjusted(self.PAD + 2, self.PAD - 1, -self.PAD - 2, -self.PAD)
        tag_font = QFont(option.font)
        tag_font.setBold(True)
        tag_font.setPointSizeF(option.font.pointSizeF() * (1.0 if red else 0.85))
        painter.setFont(tag_font)
        painter.setPen(ink)
        tag_height = QFontMetrics(tag_font).height()
        tag_rect = QRect(inner.left(), inner.top(), inner.width(), tag_height)
        painter.drawText(tag_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, tag)
        if when:
            date_font = _small(option.font)
            painter.setFont(date_font)
            painter.drawText(tag_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, when)
        body = QRect(inner.left(), inner.top() + tag_height + 2, inner.width(), inner.height() - tag_height - 2)
        font = QFont(option.font)
        font.setItalic(italic)
        painter.setFont(font)
        metrics = QFontMetrics(font)
        lines = max(1, body.height() // metrics.lineSpacing())
        _draw_wrapped(painter, body, summary, metrics, lines)

    def _draw_remark(self, painter, rect: QRect, remark: Position, option) -> None:
        """The remark beneath a stance: "REMARK · 3 Jan 2026" and its first words, in italics."""
        inner = rect.adjusted(self.PAD + 2, 3, -self.PAD - 2, -3)
        font = _small(option.font)
        metrics = QFontMetrics(font)
        bold = QFont(font)
        bold.setBold(True)
        painter.setPen(REMARK_INK)
        painter.setFont(bold)
        head = QRect(inner.left(), inner.top(), inner.width(), metrics.height())
        painter.drawText(head, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, remark_tag())
        painter.setFont(font)
        painter.drawText(head, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         display_date(remark.date) or QCoreApplication.translate("PositionMatrixModel", "undated"))
        font.setItalic(True)
        painter.setFont(font)
        body = QRect(inner.left(), head.bottom() + 2, inner.width(), inner.bottom() - head.bottom() - 2)
        _draw_wrapped(painter, body, remark.summary, QFontMetrics(font), 2)

    def _draw_gap(self, painter, rect: QRect, notes: list[tuple[str, str]], model, option) -> None:
        """The strongest group's badge, then each gap as a short line (all of them in the tooltip)."""
        group = notes and next(g for g in GAP_ORDER if any(n[0] == g for n in notes))
        font = QFont(option.font)
        font.setBold(True)
        painter.setFont(font)
        text = model.gap_words(group)
        metrics = QFontMetrics(font)
        inner = rect.adjusted(self.PAD, self.PAD - 2, -self.PAD, -self.PAD + 2)
        box = QRect(inner.left(), inner.top(), metrics.horizontalAdvance(text) + 16, metrics.height() + 6)
        _paint_gap_badge(painter, box, group, text)
        small = _small(option.font)
        small_metrics = QFontMetrics(small)
        painter.setFont(small)
        painter.setPen(QColor("#333b47"))
        top = box.bottom() + 4
        budget = max(1, (inner.bottom() - top) // small_metrics.lineSpacing())
        shown: list[str] = []
        for _group, sentence in notes:  # each gap on lines of its own, as many as there is room for
            if budget <= 0:
                shown[-1] = small_metrics.elidedText(shown[-1] + " …", Qt.TextElideMode.ElideRight,
                                                     inner.width())
                break
            lines = _elide_lines(sentence, small_metrics, inner.width(), budget).split("\n")
            shown.extend(lines)
            budget -= len(lines)
        painter.drawText(QRect(inner.left(), top, inner.width(), inner.bottom() - top),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), "\n".join(shown))

    def sizeHint(self, option, index) -> QSize:
        return QSize(200, ROW_HEIGHT)


def _paint_gap_badge(painter: QPainter, box: QRect, group: str, text: str) -> None:
    ink, fill, width = GAP_LOOK[group]
    if width:
        painter.setPen(QPen(ink, width))
        painter.setBrush(fill)
        painter.drawRect(box)
    painter.setPen(ink)
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


def _small(font: QFont) -> QFont:
    small = QFont(font)
    small.setPointSizeF(font.pointSizeF() * 0.85)
    return small


def _draw_wrapped(painter: QPainter, rect: QRect, text: str, metrics: QFontMetrics, lines: int) -> None:
    """``text`` word-wrapped into ``lines`` lines of ``rect``, the last elided; right to left when it is."""
    shown = _elide_lines(text, metrics, rect.width(), lines)
    rtl = is_rtl(text)
    align = (Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft) | Qt.AlignmentFlag.AlignTop
    direction = Qt.TextFlag.TextForceRightToLeft if rtl else Qt.TextFlag.TextForceLeftToRight
    painter.drawText(rect, int(align) | int(Qt.TextFlag.TextWordWrap) | int(direction), shown)


class GapBadge(QWidget):
    """A gap group's badge, for the legend."""

    def __init__(self, group: str, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.group, self.text = group, text
        font = QFont(self.font())
        font.setBold(True)
        self.setFont(font)
        metrics = QFontMetrics(font)
        self.setFixedSize(QSize(metrics.horizontalAdvance(text) + 14, metrics.height() + 4))

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setFont(self.font())
        _paint_gap_badge(painter, self.rect().adjusted(1, 1, -1, -1), self.group, self.text)


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
    """One party's positions on one topic, in position order (oldest first). A position
    without a round says where its date places it among the rounds."""

    COLUMNS = ("Round", "Date", "Kind", "Summary")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.positions: list[Position] = []
        self.round_names: dict[str, str] = {}
        self.placements: dict[str, Placement] = {}

    def set_positions(self, positions: list[Position], round_names: dict[str, str],
                      placements: dict[str, Placement] | None = None) -> None:
        self.beginResetModel()
        self.positions, self.round_names = list(positions), dict(round_names)
        self.placements = dict(placements or {})
        self.endResetModel()

    def round_text(self, position: Position) -> str:
        if position.round:
            return self.round_names.get(position.round, "")
        placed = self.placements.get(position.id)
        if placed is None:
            return self.tr("between rounds")
        where = (self.tr("after {round}").format(round=round_label(placed.after)) if placed.after
                 else self.tr("before the rounds"))
        return self.tr("{where} (approx.)").format(where=where) if placed.approximate else where

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
                return self.round_text(position)
            if column == 1:
                return display_date(position.date)
            if column == 2:
                return kind_tag(position.kind)
            return position.summary
        if role == Qt.ItemDataRole.ToolTipRole and column == 3:
            return plain_tooltip(position.summary)
        if role == Qt.ItemDataRole.ToolTipRole and column == 0 and not position.round:
            placed = self.placements.get(position.id)
            if placed is not None and placed.approximate:
                return plain_tooltip(placement_note(placed, position.date))
            return None
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
        self.legend = KindLegend(self, kinds=STANCE_ORDER, extra=[
            (RemarkSwatch(self), self.tr("REMARK: a statement (never replaces a stance)")),
            (GapBadge(GAP_CONFLICT, self.model.gap_words(GAP_CONFLICT), self), self.tr("conflict")),
            (GapBadge(GAP_ANSWERED, self.model.gap_words(GAP_ANSWERED), self), self.tr("answered — to judge")),
            (GapBadge(GAP_OPEN, self.model.gap_words(GAP_OPEN), self), self.tr("not addressed")),
        ])

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
        vh.setDefaultSectionSize(ROW_HEIGHT)
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
        self.splitter.setSizes([6 * ROW_HEIGHT + 40, 120])

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
            self.as_of_combo.addItem(f"{round_label_with_status(rnd)} — {display_range(rnd.start, rnd.end)}",
                                     rnd.id)
        found = self.as_of_combo.findData(keep) if keep else 0
        self.as_of_combo.setCurrentIndex(max(found, 0))
        self.as_of_combo.blockSignals(False)
        self.model.set_document(doc, negotiation_id, self.as_of_combo.currentData())
        self._size_rows()
        self._restore_selection()

    def _size_rows(self) -> None:
        """Rows with a remark beneath a stance are taller, so both can be read."""
        vh = self.table.verticalHeader()
        for row in range(self.model.rowCount()):
            taller = self.model.row_has_remark_beneath(row)
            vh.resizeSection(row, ROW_HEIGHT_WITH_REMARK if taller else ROW_HEIGHT)

    def set_as_of(self, round_id: str | None) -> None:
        index = self.as_of_combo.findData(round_id) if round_id else 0
        if index >= 0:
            self.as_of_combo.setCurrentIndex(index)

    def _as_of_chosen(self, _index: int) -> None:
        self.model.set_as_of(self.as_of_combo.currentData())
        self._size_rows()
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
        self.history_model.set_positions(found, {r.id: round_label_with_status(r) for r in doc.rounds},
                                         analysis.placements(doc, nid))
        self.history.resizeColumnsToContents()
        self.history.horizontalHeader().setStretchLastSection(True)

    def _history_activated(self, index: QModelIndex) -> None:
        position = index.data(POSITION_ROLE)
        if position is not None:
            self.sig_position_activated.emit(position.id)
