"""The timeline chart: rounds and events as a vector drawing on a time axis.

One row per round or event, its label on the left. A date known to the day is a solid
bar (round) or a diamond (event); a partial date (``2025``, ``Jan 2026``) is drawn as a
pale hatched span over the whole year or month it may fall in. A round that did not take
place (cancelled, postponed, planned) is an empty outline with the word beside it.
"""

from __future__ import annotations

from datetime import date

from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String
from reportlab.lib.colors import HexColor, white

from dossier.export.pdf import styles
from dossier.export.pdf.fonts import SANS_REGULAR
from dossier.export.pdf.text import TextBlock, TextStyle
from dossier.model.analysis import ChronologyEntry
from dossier.model.dates import PartialDate
from dossier.model.labels import round_in_timeline

ROW = 15.0
ROWS_PER_CHART = 42
_LABEL = TextStyle(size=8, leading=9.5, color=styles.INK)
_AXIS = 8.0
_ROUND = styles.ACCENT
_EVENT = HexColor("#b0620f")
_NOT_HELD = styles.MUTED


def _span(entry: ChronologyEntry) -> tuple[date, date, bool] | None:
    """First day, last day, and whether both ends are known to the day."""
    if not entry.start:
        return None
    start = PartialDate.parse(entry.start)
    end = PartialDate.parse(entry.end) if entry.end else start
    exact = start.precision == 3 and end.precision == 3
    return start.first_day(), end.last_day(), exact


def _label(drawing: Drawing, text: str, x: float, y: float, width: float, style: TextStyle) -> None:
    """Shaped, visually ordered text clipped to one line, as drawing strings."""
    block = TextBlock(text, style)
    block._layout(10_000)
    line = block._lines[0] if block._lines else None
    if line is None:
        return
    for run_x, run_w, run_text, font, _span_id, rise in line.runs:
        if run_x + run_w > width:
            break
        drawing.add(String(x + run_x, y + rise, run_text, fontName=font, fontSize=style.size, fillColor=style.color))


def _ticks(first: date, last: date, room: int) -> list[tuple[date, str]]:
    """Axis ticks, at most ``room`` of them: years for long spans, months otherwise."""
    years = last.year - first.year
    ticks = []
    if years >= 3:
        step = max(1, -(-years // room))
        for year in range(first.year, min(last.year + 2, date.max.year + 1), step):  # never past 9999
            ticks.append((date(year, 1, 1), str(year)))
    else:
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        step = next(s for s in (1, 2, 3, 4, 6, 12, 24, 36) if months / s <= room or s == 36)
        year, month = first.year, first.month
        for _ in range(0, months + 1, step):
            ticks.append((date(year, month, 1), PartialDate(year, month).display()))
            month += step
            while month > 12:
                month -= 12
                year += 1
            if year > date.max.year:
                break
    return ticks


def timeline_drawings(entries: list[ChronologyEntry], width: float) -> list[Drawing]:
    """The chart in drawings of at most ``ROWS_PER_CHART`` rows, each with its axis."""
    dated = [(e, _span(e)) for e in entries]
    spans = [s for _, s in dated if s]
    if not spans:
        return []
    first = min(s[0] for s in spans)
    last = max(s[1] for s in spans)
    first = date(first.year, first.month, 1)
    total_days = max((last - first).days, 1)
    label_w = width * 0.36
    plot_x, plot_w = label_w + 6, width - label_w - 10

    def x_of(day: date) -> float:
        return plot_x + plot_w * (day - first).days / total_days

    drawings = []
    for chunk_start in range(0, len(dated), ROWS_PER_CHART):
        chunk = dated[chunk_start: chunk_start + ROWS_PER_CHART]
        height = len(chunk) * ROW + 30
        d = Drawing(width, height)
        axis_y = 18
        for tick, text in _ticks(first, last, max(2, int(plot_w // 42))):
            if tick > last:
                break
            tx = x_of(tick) if tick >= first else plot_x
            d.add(Line(tx, axis_y, tx, height - 4, strokeColor=styles.RULE, strokeWidth=0.4))
            d.add(String(tx + 1.5, axis_y - 9, text, fontName=SANS_REGULAR, fontSize=_AXIS, fillColor=styles.MUTED))
        d.add(Line(plot_x, axis_y, plot_x + plot_w, axis_y, strokeColor=styles.MUTED, strokeWidth=0.8))
        for row, (entry, span) in enumerate(chunk):
            y = height - 8 - (row + 1) * ROW + 4
            if row % 2 == 0:
                d.add(Rect(0, y - 3.5, width, ROW, fillColor=styles.ZEBRA, strokeColor=None))
            record = entry.record
            title = round_in_timeline(record) if entry.is_round else record.title
            _label(d, title, 2, y, label_w - 4, _LABEL if entry.took_place else _LABEL.but(color=styles.MUTED))
            colour = _ROUND if entry.is_round else _EVENT
            if span is None:
                unknown = "date unknown" + ("" if entry.took_place else f" · {record.status}")
                d.add(String(plot_x + 2, y, unknown, fontName=SANS_REGULAR, fontSize=_AXIS, fillColor=styles.MUTED))
                continue
            start, end, exact = span
            x0, x1 = x_of(start), x_of(end)
            if not entry.took_place:
                _not_held(d, x0, x1, y, plot_x + plot_w, str(record.status))
            elif not exact:
                d.add(Rect(x0, y - 1.5, max(x1 - x0, 2), 8, fillColor=_pale(colour), strokeColor=colour,
                           strokeWidth=0.6, strokeDashArray=[2, 1.5]))
            elif entry.is_round:
                d.add(Rect(x0, y - 1.5, max(x1 - x0, 3), 8, fillColor=colour, strokeColor=colour, strokeWidth=0.6))
            else:
                cx, cy, r = (x0 + x1) / 2, y + 2.5, 4.2
                d.add(Polygon([cx, cy + r, cx + r, cy, cx, cy - r, cx - r, cy], fillColor=colour, strokeColor=white,
                              strokeWidth=0.5))
        drawings.append(d)
    return drawings


def _not_held(d: Drawing, x0: float, x1: float, y: float, right: float, word: str) -> None:
    """A round that did not take place: an empty outline with diagonal hatching, and the word
    beside it (to its left when there is no room on the right)."""
    w = x1 - x0
    if w < 8:  # wide enough to show its hatching, centred on its dates
        x0, w = (x0 + x1) / 2 - 4, 8.0
    d.add(Rect(x0, y - 1.5, w, 8, fillColor=white, strokeColor=_NOT_HELD, strokeWidth=0.9))
    step = 3.0
    k = 0.0
    while k < w + 8:  # hatching clipped to the box by hand: lines from bottom edge to top edge
        xa, xb = x0 + k - 8, x0 + k
        lo_x, hi_x = max(xa, x0), min(xb, x0 + w)
        if lo_x < hi_x:
            d.add(Line(lo_x, y - 1.5 + (lo_x - xa), hi_x, y - 1.5 + (hi_x - xa), strokeColor=_NOT_HELD,
                       strokeWidth=0.4))
        k += step
    if not word:
        return
    text_w = len(word) * _AXIS * 0.55
    tx = x0 + w + 3 if x0 + w + 3 + text_w <= right else x0 - 3 - text_w
    d.add(String(tx, y, word, fontName=SANS_REGULAR, fontSize=_AXIS, fillColor=_NOT_HELD))


def legend_drawing(width: float) -> Drawing:
    d = Drawing(width, 28)
    items = [("Round held, exact dates", _ROUND, "bar"), ("Event, exact date", _EVENT, "diamond"),
             ("Partial date: the span it may fall in", _ROUND, "span"),
             ("Round not held: outline and the word (cancelled, postponed, planned)", _NOT_HELD, "outline")]
    for index, (text, colour, shape) in enumerate(items):
        x = 0.0 if index % 2 == 0 else width * 0.42
        y = 15.0 if index < 2 else 1.0
        if shape == "bar":
            d.add(Rect(x, y + 3, 14, 7, fillColor=colour, strokeColor=colour))
        elif shape == "diamond":
            d.add(Polygon([x + 7, y + 10.5, x + 10.5, y + 6.5, x + 7, y + 2.5, x + 3.5, y + 6.5], fillColor=colour,
                          strokeColor=None))
        elif shape == "span":
            d.add(Rect(x, y + 3, 14, 7, fillColor=_pale(colour), strokeColor=colour, strokeWidth=0.6,
                       strokeDashArray=[2, 1.5]))
        else:
            _not_held(d, x, x + 14, y + 4.5, x + 14, "")
        d.add(String(x + 18, y + 4, text, fontName=SANS_REGULAR, fontSize=8, fillColor=styles.INK))
    return d


def _pale(colour) -> HexColor:
    r, g, b = colour.red, colour.green, colour.blue
    return HexColor("#%02x%02x%02x" % tuple(int(255 - (255 - c * 255) * 0.22) for c in (r, g, b)))

