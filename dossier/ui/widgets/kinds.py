"""How a position's kind looks on screen: fill, text colour, frame, and the legend.

The palette matches the PDF dossier so that a briefer sees the same colours on paper.
Colour never carries the meaning alone: every cell names its kind in words, and a red
line also gets a heavy red frame and the capitalised label "RED LINE". A statement is a
remark, not a stance (``model.analysis``): where it stands in a matrix cell it is drawn
with a dashed frame and the word "REMARK", so it never reads as a stance.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from dossier.model.enums import PositionKind
from dossier.model.palette import KIND_FILL, KIND_ORDER
from dossier.ui.widgets.flow import FlowLayout

RED_FRAME = QColor("#d01c1c")
FRAME = QColor("#9aa3ae")
#: a remark (statement): a light box with a dashed frame, its text in italics
REMARK_FILL = QColor("#fbfbfc")
REMARK_FRAME = QColor("#6b7685")
REMARK_INK = QColor("#3d4654")
#: the kinds that state a stance, in legend order (a statement is a remark)
STANCE_ORDER = [k for k in KIND_ORDER if k != PositionKind.STATEMENT]


def kind_label(kind: str) -> str:
    """The kind in words, translated: "Red line", "Demand"…"""
    return QCoreApplication.translate("PositionKind", PositionKind(kind).label)


def kind_tag(kind: str) -> str:
    """The short label printed in a cell: "RED LINE" for red lines, else the kind's word."""
    return kind_label(kind).upper() if kind == PositionKind.RED_LINE else kind_label(kind)


def kind_colours(kind: str) -> tuple[QColor, QColor]:
    fill, text = KIND_FILL[PositionKind(kind)]
    return QColor(fill), QColor(text)


def paint_kind_box(painter: QPainter, rect: QRect | QRectF, kind: str) -> None:
    """Fill ``rect`` in the kind's colour with its frame (heavy and red for a red line)."""
    fill, _text = kind_colours(kind)
    red = kind == PositionKind.RED_LINE
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    width = 3 if red else 1
    pen = QPen(RED_FRAME if red else FRAME, width)
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    painter.setPen(pen)
    painter.setBrush(fill)
    inset = QRectF(rect).adjusted(width / 2, width / 2, -width / 2, -width / 2)
    painter.drawRect(inset)
    painter.restore()


def remark_tag() -> str:
    """The word a remark (a statement standing where a stance would) is marked with."""
    return QCoreApplication.translate("PositionKind", "REMARK")


def paint_remark_box(painter: QPainter, rect: QRect | QRectF) -> None:
    """A remark's box: light fill, dashed frame (a stance's frame is solid)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    pen = QPen(REMARK_FRAME, 1, Qt.PenStyle.DashLine)
    painter.setPen(pen)
    painter.setBrush(REMARK_FILL)
    painter.drawRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5))
    painter.restore()


class RemarkSwatch(QWidget):
    """A small box in a remark's look, for legends."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFixedSize(QSize(22, 16))

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        paint_remark_box(painter, self.rect())


class KindSwatch(QWidget):
    """A small box in a kind's look, for legends."""

    def __init__(self, kind: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.kind = kind
        self.setFixedSize(QSize(22, 16))

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        paint_kind_box(painter, self.rect(), self.kind)


class KindLegend(QWidget):
    """One swatch and word per kind (``kinds``, every kind by default), red lines first, then
    ``extra`` entries; wraps onto a second line when narrow."""

    def __init__(self, parent: QWidget | None = None, *, extra: list[tuple[QWidget, str]] | None = None,
                 kinds: list[PositionKind] | None = None):
        super().__init__(parent)
        layout = FlowLayout(self, spacing=14)
        for kind in KIND_ORDER if kinds is None else kinds:
            label = QLabel(kind_tag(kind))
            if kind == PositionKind.RED_LINE:
                font = QFont(label.font())
                font.setBold(True)
                label.setFont(font)
            layout.addWidget(self._entry(KindSwatch(kind), label))
        for widget, text in extra or []:
            layout.addWidget(self._entry(widget, QLabel(text)))
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def _entry(self, swatch: QWidget, label: QLabel) -> QWidget:
        """A swatch and its word, kept together on one line."""
        entry = QWidget(self)
        row = QHBoxLayout(entry)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        label.setTextFormat(Qt.TextFormat.PlainText)
        row.addWidget(swatch)
        row.addWidget(label)
        return entry

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self.layout().heightForWidth(width)
