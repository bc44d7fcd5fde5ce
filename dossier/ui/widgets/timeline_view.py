"""A drawn time axis of a negotiation's rounds and events.

Each record is drawn as the span its date covers: a round dated ``2025`` is a bar over
the whole year, an event dated ``2026-01`` a bar over January, a day a marker. Spans
that are known only to the year or month are drawn lighter with a dashed outline, so a
reader sees at once which dates are exact. A round that did not take place keeps its
place but is never drawn like a held one: cancelled and postponed rounds are hatched,
planned rounds an outline only, and each carries the word in its label and tooltip.
The view zooms by re-laying the scene out at a new number of pixels per day, so text
stays crisp at every zoom. Positions on the axis are counted in day ordinals, so dates
up to the end of the calendar (31 Dec 9999) are drawn without stepping past it.

Just past 500 lines: the scene, its layout at each zoom and the view are one widget.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import (
    QAbstractGraphicsShapeItem,
    QGraphicsItem,
    QGraphicsPolygonItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QWidget,
)

from dossier.model import palette
from dossier.model.analysis import ChronologyEntry
from dossier.model.dates import PartialDate, display_range
from dossier.model.enums import RoundStatus
from dossier.ui.widgets.flow import FlowLayout
from dossier.ui.widgets.negotiation_data import round_label, status_word
from dossier.ui.widgets.text import dot_joined, plain_tooltip

ROUND_FILL = QColor("#1f3a5f")
ROUND_VAGUE = QColor("#c9d6e8")
EVENT_FILL = QColor("#b54708")
EVENT_VAGUE = QColor("#f6dcc4")
INK = QColor(palette.INK)
MUTED = QColor(palette.MUTED)
GRID = QColor("#e3e7ed")
#: the hatching of a cancelled or postponed round: light enough to read its label over
HATCH = QColor("#7d8a9c")

LANE_HEIGHT = 30
BAR_HEIGHT = 20
LEFT = 90          # room for the lane titles
AXIS_HEIGHT = 44
MIN_PX_PER_DAY = 0.02
MAX_PX_PER_DAY = 60.0
#: the widest the scene grows (pixels): a span of centuries never zooms in to a day's width
MAX_SCENE_WIDTH = 120_000
#: the last day the calendar has, as an ordinal
LAST_ORDINAL = date.max.toordinal()
#: years between labelled years on the axis, when every year would crowd it
YEAR_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)


@dataclass(frozen=True)
class Span:
    """What one record covers on the axis, in whole days [first, last].

    ``status`` is the ``RoundStatus`` of a round that did not take place (cancelled,
    postponed, planned), empty for a held round and for an event."""

    collection: str
    record_id: str
    label: str
    first: date
    last: date
    exact: bool
    tooltip: str
    status: str = ""


def approximate_words(text: str) -> str:
    """How exactly a date is known, in words: "known only to the month"…; "" for a day."""
    precision = PartialDate.parse(text).precision
    if precision == 1:
        return QCoreApplication.translate("timeline", "date known only to the year")
    if precision == 2:
        return QCoreApplication.translate("timeline", "date known only to the month")
    return ""


def when_text(start: str, end: str | None) -> str:
    """"Jun 2025 (date known only to the month)", "5 Jan 2026 – 6 Jan 2026"."""
    vague = [w for w in {approximate_words(start), approximate_words(end) if end else ""} if w]
    when = display_range(start, end)
    return f"{when} ({', '.join(sorted(vague))})" if vague else when


def entry_span(entry: ChronologyEntry) -> Span | None:
    """The span a round or event covers, or None when it is undated."""
    if not entry.start:
        return None
    start = PartialDate.parse(entry.start)
    end = PartialDate.parse(entry.end) if entry.end else start
    record = entry.record
    exact = start.precision == 3 and end.precision == 3
    when = when_text(entry.start, entry.end)
    if entry.is_round:
        status = "" if entry.took_place else str(record.status)
        word = status_word(record)
        label = dot_joined(x for x in (round_label(record), record.venue, word) if x)
        detail = "\n".join(x for x in (record.title, record.venue, record.summary) if x)
        did_not = {RoundStatus.CANCELLED: "Cancelled: did not take place.",
                   RoundStatus.POSTPONED: "Postponed: did not take place.",
                   RoundStatus.PLANNED: "Planned: not held yet."}.get(record.status, "") if status else ""
        did_not = QCoreApplication.translate("timeline", did_not) if did_not else ""
        head = f"{round_label(record)} — {when}" + (f" — {word}" if word else "")
        return Span("rounds", record.id, label, start.first_day(), max(end.last_day(), start.first_day()),
                    exact, "\n".join(x for x in (head, did_not, detail) if x), status)
    return Span("events", record.id, record.title, start.first_day(), end.last_day(), exact,
                f"{record.title} — {when}\n{record.description or ''}".strip())


class TimelineItem(QGraphicsRectItem):
    """A clickable record on the axis; ``collection`` and ``record_id`` say which."""

    def __init__(self, span: Span, rect: QRectF, fill: QColor, vague: QColor):
        super().__init__(rect)
        self.collection, self.record_id = span.collection, span.record_id
        self.span = span
        #: what shows the record's look: the bar itself, or the diamond of a day's marker
        self.shape_item: QAbstractGraphicsShapeItem = self
        self.setBrush(span_brush(span, fill, vague))
        self.setPen(span_pen(span, fill))
        self.setToolTip(plain_tooltip(span.tooltip))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAcceptHoverEvents(True)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setData(0, span.collection)
        self.setData(1, span.record_id)


def span_brush(span: Span, fill: QColor, vague: QColor) -> QBrush:
    """Held: solid fill (light when the date is vague); cancelled or postponed: hatched;
    planned: none."""
    if not span.status:
        return QBrush(fill if span.exact else vague)
    if span.status == RoundStatus.PLANNED:
        return QBrush(Qt.BrushStyle.NoBrush)
    return QBrush(HATCH, Qt.BrushStyle.BDiagPattern)


def span_pen(span: Span, fill: QColor) -> QPen:
    """Solid for exact dates, dashed for vague ones; a round that did not take place in grey,
    dotted for planned."""
    colour = fill if not span.status else MUTED
    if span.status == RoundStatus.PLANNED:
        style = Qt.PenStyle.DotLine
    else:
        style = Qt.PenStyle.SolidLine if span.exact else Qt.PenStyle.DashLine
    return QPen(colour, 1.5, style)


class TimelineSwatch(QWidget):
    """A small bar in the look of a round of one kind, for the legend."""

    def __init__(self, exact: bool, status: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.span = Span("rounds", "", "", date.min, date.min, exact, "", status)
        self.setFixedSize(QSize(30, 14))

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setBrush(span_brush(self.span, ROUND_FILL, ROUND_VAGUE))
        painter.setPen(span_pen(self.span, ROUND_FILL))
        painter.drawRect(QRectF(self.rect()).adjusted(1, 1, -1, -1))


class TimelineLegend(QWidget):
    """What the looks of the bars mean: exact, vague, did not take place, planned."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = FlowLayout(self, spacing=14)
        entries = ((TimelineSwatch(True), self.tr("exact dates")),
                   (TimelineSwatch(False), self.tr("known only to the month or year")),
                   (TimelineSwatch(True, RoundStatus.CANCELLED), self.tr("cancelled or postponed round")),
                   (TimelineSwatch(True, RoundStatus.PLANNED), self.tr("planned round")))
        for swatch, text in entries:
            entry = QWidget(self)
            row = QHBoxLayout(entry)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(6)
            label = QLabel(text, entry)
            label.setStyleSheet(f"color: {MUTED.name()};")
            row.addWidget(swatch)
            row.addWidget(label)
            layout.addWidget(entry)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self.layout().heightForWidth(width)


class TimelineScene(QGraphicsScene):
    def __init__(self, parent=None):
        super().__init__(parent)
        # laid out anew at every zoom and holding few items: no index to rebuild each time
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
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
    def range(self) -> tuple[date, int]:
        """The first day drawn (the 1st of the first month) and the ordinal of the day after
        the last month drawn; an ordinal, since after December 9999 there is no date."""
        first = min(s.first for s in self.spans)
        last = max(s.last for s in self.spans)
        month_end = date(last.year, last.month, calendar.monthrange(last.year, last.month)[1])
        return date(first.year, first.month, 1), month_end.toordinal() + 1

    def days(self) -> int:
        origin, end = self.range()
        return max(1, end - origin.toordinal())

    def x_of(self, day: date) -> float:
        return self.x_of_ordinal(day.toordinal())

    def x_of_ordinal(self, ordinal: int) -> float:
        return LEFT + (ordinal - self.origin.toordinal()) * self.px_per_day

    def day_at(self, x: float) -> date:
        """The day at ``x``, within the calendar however far the scene is scrolled."""
        ordinal = self.origin.toordinal() + round((x - LEFT) / self.px_per_day)
        return date.fromordinal(min(LAST_ORDINAL, max(1, ordinal)))

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
        self.set_px_per_day(self.px_per_day, force=True)  # within what these spans allow

    def set_px_per_day(self, value: float, *, force: bool = False) -> None:
        """Lay the scene out at ``value`` pixels per day, within the zoom's limits (and at
        most ``MAX_SCENE_WIDTH`` wide); nothing to do when that is the scale already."""
        widest = MAX_PX_PER_DAY
        if self.spans:  # centuries apart never zoom in to a scene too wide to draw
            widest = max(MIN_PX_PER_DAY, min(widest, MAX_SCENE_WIDTH / self.days()))
        value = min(widest, max(MIN_PX_PER_DAY, value))
        if value == self.px_per_day and not force:
            return
        self.px_per_day = value
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
        width = self.x_of_ordinal(end) + 24
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
        """Pack spans into rows so that neither bars nor labels overlap; return the bottom.

        Spans come in chronology order (``analysis.chronology``: a month after the days in
        it), and are packed in that order, so reading down a lane follows it."""
        metrics = QFontMetricsF(self.font)
        right_limit = self.x_of_ordinal(self.range()[1]) + 16
        row_ends: list[float] = []
        for span in spans:
            x0 = self.x_of(span.first)
            x1 = max(self.x_of_ordinal(span.last.toordinal() + 1), x0 + 2)
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
                item.shape_item = diamond
                if span.status:  # did not take place: hatched or hollow, like its bar would be
                    diamond.setBrush(span_brush(span, fill, vague))
                    diamond.setPen(span_pen(span, fill))
                else:
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
            label.setBrush(QColor("white") if inside and span.exact and not span.status else INK)
            label.setPos(text_x, y + (BAR_HEIGHT - label.boundingRect().height()) / 2)
        return top + max(1, len(row_ends)) * LANE_HEIGHT

    def _draw_axis(self, end: int, bottom: float) -> None:
        """The axis from the origin to ``end`` (an ordinal): a tick and label per year (every
        few years when they would crowd), and per month when there is room."""
        axis_pen = QPen(INK, 1)
        self.addLine(LEFT, AXIS_HEIGHT, self.x_of_ordinal(end), AXIS_HEIGHT, axis_pen)
        month_px = 30.4 * self.px_per_day
        show_months = month_px >= 22
        label_months = month_px >= 34
        year_px = 365.25 * self.px_per_day
        step = next((s for s in YEAR_STEPS if s * year_px >= 44), YEAR_STEPS[-1])
        days = list(_months(self.origin, end) if show_months else _years(self.origin, end, step))
        years = [d for d in days if d.month == 1 or d == self.origin]
        if len(years) > 1 and years[0].month != 1 and self.x_of(years[1]) - self.x_of(years[0]) < 44:
            years = years[1:]  # the first month's year would run into the next year's label
        for day in days:
            x = self.x_of(day)
            is_year = day.month == 1
            grid = self.addLine(x, AXIS_HEIGHT, x, bottom, QPen(GRID if not is_year else GRID.darker(115), 1))
            grid.setZValue(-2)
            self.addLine(x, AXIS_HEIGHT - (10 if is_year else 5), x, AXIS_HEIGHT, axis_pen)
            if day in years:
                year = self.addSimpleText(str(day.year), self.bold)
                year.setBrush(INK)
                year.setPos(x + 4, 4)
            if label_months:
                month = self.addSimpleText(self.tr(calendar.month_abbr[day.month]), self.small)
                month.setBrush(MUTED)
                month.setPos(x + 3, AXIS_HEIGHT - 6 - month.boundingRect().height())
        x = self.x_of_ordinal(end)  # the end of the last month drawn
        grid = self.addLine(x, AXIS_HEIGHT, x, bottom, QPen(GRID, 1))
        grid.setZValue(-2)
        self.addLine(x, AXIS_HEIGHT - 5, x, AXIS_HEIGHT, axis_pen)


def _months(origin: date, end: int):
    """The first day of each month from ``origin``'s to the last one before ordinal ``end``."""
    year, month = origin.year, origin.month
    while year <= date.max.year:
        day = date(year, month, 1)
        if day.toordinal() >= end:
            return
        yield day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _years(origin: date, end: int, step: int):
    """``origin``, then the 1st of January of every ``step``-th year before ordinal ``end``."""
    yield origin
    year = (origin.year // step + 1) * step
    while year <= date.max.year:
        day = date(year, 1, 1)
        if day.toordinal() >= end:
            return
        yield day
        year += step


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
        days = self.timeline.days()
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
