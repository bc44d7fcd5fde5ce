"""A drawn time axis of a negotiation's rounds and events.

Each record is drawn as the span its date covers: a round dated ``2025`` is a bar over
the whole year, an event dated ``2026-01`` a bar over January, a day a marker. Spans
that are known only to the year or month are drawn lighter with a dashed outline, so a
reader sees at once which dates are exact. The view zooms by re-laying the scene out
at a new number of pixels per day, so text stays crisp at every zoom.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPolygonItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
)

from dossier.model import palette
from dossier.model.analysis import ChronologyEntry
from dossier.model.dates import PartialDate, display_range
from dossier.ui.widgets.negotiation_data import round_label
from dossier.ui.widgets.text import plain_tooltip

ROUND_FILL = QColor("#1f3a5f")
ROUND_VAGUE = QColor("#c9d6e8")
EVENT_FILL = QColor("#b54708")
EVENT_VAGUE = QColor("#f6dcc4")
INK = QColor(palette.INK)
MUTED = QColor(palette.MUTED)
GRID = QColor("#e3e7ed")

LANE_HEIGHT = 30
BAR_HEIGHT = 20
LEFT = 90          # room for the lane titles
AXIS_HEIGHT = 44
MIN_PX_PER_DAY = 0.02
MAX_PX_PER_DAY = 60.0


@dataclass(frozen=True)
class Span:
    """What one record covers on the axis, in whole days [first, last]."""

    collection: str
    record_id: str
    label: str
    first: date
    last: date
    exact: bool
    tooltip: str


def entry_span(entry: ChronologyEntry) -> Span | None:
    """The span a round or event covers, or None when it is undated."""
    if not entry.start:
        return None
    start = PartialDate.parse(entry.start)
    end = PartialDate.parse(entry.end) if entry.end else start
    record = entry.record
    exact = start.precision == 3 and end.precision == 3
    when = display_range(entry.start, entry.end)
    if entry.is_round:
        label = round_label(record) + (f" · {record.venue}" if record.venue else "")
        detail = "\n".join(x for x in (record.title, record.venue, record.summary) if x)
        return Span("rounds", record.id, label, start.first_day(), max(end.last_day(), start.first_day()),
                    exact, f"{round_label(record)} — {when}\n{detail}".strip())
    return Span("events", record.id, record.title, start.first_day(), end.last_day(), exact,
                f"{record.title} — {when}\n{record.description or ''}".strip())


class TimelineItem(QGraphicsRectItem):
    """A clickable record on the axis; ``collection`` and ``record_id`` say which."""

    def __init__(self, span: Span, rect: QRectF, fill: QColor, vague: QColor):
        super().__init__(rect)
        self.collection, self.record_id = span.collection, span.record_id
        self.span = span
        self.setBrush(QBrush(fill if span.exact else vague))
        pen = QPen(fill, 1.5, Qt.PenStyle.SolidLine if span.exact else Qt.PenStyle.DashLine)
        self.setPen(pen)
        self.setToolTip(plain_tooltip(span.tooltip))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAcceptHoverEvents(True)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setData(0, span.collection)
        self.setData(1, span.record_id)


class TimelineScene(QGraphicsScene):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.spans: list[Span] = []
        self.px_per_day = 2.0
        self.items_by_id: dict[tuple[str, str], TimelineItem] = {}
        self.lanes: list[tuple[str, float]] = []
        self.selected_key: tuple[str, str] | None = None  # kept across re-layouts
        self.font = QFont()
        self.small = QFont()
        self.small.setPointSizeF(self.font.pointSizeF() * 0.85)
        self.bold = QFont()
        self.bold.setBold(True)

    # ------------------------------------------------------------- geometry
    def range(self) -> tuple[date, date]:
        first = min(s.first for s in self.spans)
        last = max(s.last for s in self.spans)
        return date(first.year, first.month, 1), _month_after(date(last.year, last.month, 1))

    def x_of(self, day: date) -> float:
        return LEFT + (day - self.origin).days * self.px_per_day

    def day_at(self, x: float) -> date:
        return self.origin + timedelta(days=round((x - LEFT) / self.px_per_day))

    # ------------------------------------------------------------- drawing
    def select(self, collection: str, record_id: str) -> TimelineItem | None:
        self.clearSelection()
        self.selected_key = (collection, record_id)
        item = self.items_by_id.get(self.selected_key)
        if item is not None:
            item.setSelected(True)
        return item

    def set_spans(self, spans: list[Span]) -> None:
        self.spans = spans
        self.layout()

    def set_px_per_day(self, value: float) -> None:
        self.px_per_day = min(MAX_PX_PER_DAY, max(MIN_PX_PER_DAY, value))
        self.layout()

    def layout(self) -> None:
        self.clear()
        self.items_by_id = {}
        self.lanes = []
        if not self.spans:
            text = self.addSimpleText(self.tr("No dated rounds or events in this negotiation."), self.font)
            text.setBrush(MUTED)
            self.setSceneRect(QRectF(0, 0, 400, 60))
            return
        self.origin, end = self.range()
        width = self.x_of(end) + 24
        rounds = [s for s in self.spans if s.collection == "rounds"]
        events = [s for s in self.spans if s.collection == "events"]
        y = AXIS_HEIGHT + 12
        y_rounds = y
        y = self._draw_lane(rounds, y, ROUND_FILL, ROUND_VAGUE) + 14
        y_events = y
        y = self._draw_lane(events, y, EVENT_FILL, EVENT_VAGUE) + 10
        self._draw_axis(end, y)
        self.lanes = [(self.tr("Rounds"), y_rounds), (self.tr("Events"), y_events)]
        chosen = self.items_by_id.get(self.selected_key) if self.selected_key else None
        if chosen is not None:
            chosen.setSelected(True)
        separator = self.addLine(0, y_events - 8, width, y_events - 8, QPen(GRID, 1))
        separator.setZValue(-1)
        self.setSceneRect(QRectF(0, 0, width, y + 4))

    def _draw_lane(self, spans: list[Span], top: float, fill: QColor, vague: QColor) -> float:
        """Pack spans into rows so that neither bars nor labels overlap; return the bottom."""
        metrics = QFontMetricsF(self.font)
        right_limit = self.x_of(self.range()[1]) + 16
        row_ends: list[float] = []
        for span in sorted(spans, key=lambda s: (s.first, s.last)):
            x0 = self.x_of(span.first)
            x1 = max(self.x_of(span.last + timedelta(days=1)), x0 + 2)
            marker = span.exact and x1 - x0 < 12
            text_w = metrics.horizontalAdvance(span.label)
            inside = not marker and x1 - x0 >= text_w + 12
            after = x0 + 12 if marker else x1
            reach = x1 if inside else after + 6 + text_w
            leftward = not inside and reach > right_limit and x0 - text_w - 12 > LEFT
            start = x0 - text_w - 12 if leftward else x0
            reach = x1 if leftward else reach
            row = next((i for i, e in enumerate(row_ends) if e + 8 <= start), len(row_ends))
            if row == len(row_ends):
                row_ends.append(reach)
            row_ends[row] = max(reach, x1)
            y = top + row * LANE_HEIGHT
            if marker:
                cx = (x0 + x1) / 2
                rect = QRectF(cx - 6, y + 2, 12, BAR_HEIGHT - 4)
                item = TimelineItem(span, rect, fill, vague)
                item.setPen(QPen(Qt.PenStyle.NoPen))
                item.setBrush(QBrush(Qt.BrushStyle.NoBrush))
                diamond = QGraphicsPolygonItem(QPolygonF([
                    QPointF(cx, y + 2), QPointF(cx + 6, y + BAR_HEIGHT / 2),
                    QPointF(cx, y + BAR_HEIGHT - 2), QPointF(cx - 6, y + BAR_HEIGHT / 2)]), item)
                diamond.setBrush(fill)
                diamond.setPen(QPen(fill.darker(130), 1))
                text_x = cx - 10 - text_w if leftward else cx + 10
            else:
                item = TimelineItem(span, QRectF(x0, y, x1 - x0, BAR_HEIGHT), fill, vague)
                text_x = x0 + 6 if inside else (x0 - 6 - text_w if leftward else x1 + 6)
            self.addItem(item)
            item.setZValue(2)
            self.items_by_id[(span.collection, span.record_id)] = item
            label = QGraphicsSimpleTextItem(span.label, item)
            label.setFont(self.font)
            label.setBrush(QColor("white") if inside and span.exact else INK)
            label.setPos(text_x, y + (BAR_HEIGHT - label.boundingRect().height()) / 2)
        return top + max(1, len(row_ends)) * LANE_HEIGHT

    def _draw_axis(self, end: date, bottom: float) -> None:
        axis_pen = QPen(INK, 1)
        self.addLine(LEFT, AXIS_HEIGHT, self.x_of(end), AXIS_HEIGHT, axis_pen)
        month_px = 30.4 * self.px_per_day
        show_months = month_px >= 22
        label_months = month_px >= 34
        day = self.origin
        while day <= end:
            x = self.x_of(day)
            is_year = day.month == 1
            if is_year or show_months:
                grid = self.addLine(x, AXIS_HEIGHT, x, bottom, QPen(GRID if not is_year else GRID.darker(115), 1))
                grid.setZValue(-2)
                self.addLine(x, AXIS_HEIGHT - (10 if is_year else 5), x, AXIS_HEIGHT, axis_pen)
            if is_year or day == self.origin:
                year = self.addSimpleText(str(day.year), self.bold)
                year.setBrush(INK)
                year.setPos(x + 4, 4)
            if label_months and day < end:
                month = self.addSimpleText(self.tr(calendar.month_abbr[day.month]), self.small)
                month.setBrush(MUTED)
                month.setPos(x + 3, AXIS_HEIGHT - 6 - month.boundingRect().height())
            day = _month_after(day)


def _month_after(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


class TimelineView(QGraphicsView):
    """Shows a ``TimelineScene``; Ctrl+wheel zooms, clicking a record emits ``sig_record_clicked``."""

    sig_record_clicked = Signal(str, str)
    sig_zoom_changed = Signal(float)

    def __init__(self, parent=None):
        self.timeline = TimelineScene()
        super().__init__(self.timeline, parent)
        self.timeline.setParent(self)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setBackgroundBrush(QColor("white"))
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self._fitted = True

    def set_entries(self, entries: list[ChronologyEntry]) -> list[ChronologyEntry]:
        """Draw the dated entries; return those left out because they have no date."""
        spans, undated = [], []
        for entry in entries:
            span = entry_span(entry)
            (spans if span else undated).append(span or entry)
        self.timeline.set_spans(spans)
        if self._fitted:
            self.fit()
        return undated

    def item_for(self, collection: str, record_id: str) -> TimelineItem | None:
        return self.timeline.items_by_id.get((collection, record_id))

    def record_items(self) -> list[TimelineItem]:
        return list(self.timeline.items_by_id.values())

    # ------------------------------------------------------------- zoom
    def zoom(self, factor: float) -> None:
        centre = self.timeline.day_at(self.mapToScene(self.viewport().rect().center()).x()) \
            if self.timeline.spans else None
        self._fitted = False
        self.timeline.set_px_per_day(self.timeline.px_per_day * factor)
        if centre is not None:
            self.centerOn(self.timeline.x_of(centre), self.sceneRect().height() / 2)
        self.sig_zoom_changed.emit(self.timeline.px_per_day)

    def fit(self) -> None:
        """Fit the whole span into the visible width."""
        self._fitted = True
        if not self.timeline.spans:
            return
        first, last = self.timeline.range()
        days = max(1, (last - first).days)
        available = max(200, self.viewport().width() - LEFT - 30)
        self.timeline.set_px_per_day(available / days)
        self.sig_zoom_changed.emit(self.timeline.px_per_day)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        """Keep the lane titles and the year at the left edge in sight while scrolling."""
        scene = self.timeline
        if not scene.lanes:
            return
        painter.save()
        painter.resetTransform()
        scroll_x = self.horizontalScrollBar().value()
        top = self.mapFromScene(QPointF(0, 0)).y()
        painter.fillRect(QRectF(0, 0, LEFT - 8, self.viewport().height()), QColor(255, 255, 255, 235))
        painter.setFont(scene.bold)
        painter.setPen(INK)
        if scroll_x > 0:
            first_day = scene.day_at(self.mapToScene(LEFT, 0).x())
            painter.drawText(QRectF(8, top + 4, LEFT - 16, 18), Qt.AlignmentFlag.AlignLeft, str(first_day.year))
        for title, y in scene.lanes:
            y_view = self.mapFromScene(QPointF(0, y)).y()
            painter.drawText(QRectF(8, y_view, LEFT - 16, BAR_HEIGHT),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        painter.restore()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        self.viewport().update()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._fitted:
            self.fit()

    def wheelEvent(self, event) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            if steps:
                self.zoom(1.25 ** steps)
            event.accept()
            return
        super().wheelEvent(event)

    def mousePressEvent(self, event) -> None:
        item = self.itemAt(event.position().toPoint())
        while item is not None and not isinstance(item, TimelineItem):
            item = item.parentItem()
        if isinstance(item, TimelineItem) and event.button() == Qt.MouseButton.LeftButton:
            self.timeline.select(item.collection, item.record_id)
            self._clicked = True
            self.sig_record_clicked.emit(item.collection, item.record_id)
            event.accept()
            return
        self._clicked = False
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if getattr(self, "_clicked", False):  # the press opened a record: keep it selected
            self._clicked = False
            event.accept()
            return
        super().mouseReleaseEvent(event)
