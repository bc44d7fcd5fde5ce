"""The reading view of a source's document: the text, read-only, with every known name marked.

The text is shown as plain text (``setPlainText``: never markup) in a ``QTextEdit``, which lays
each paragraph out in its own direction (an Arabic paragraph reads from the right). Mentions
are marked with character formats: a person, a party and a topic each have a hue; an exact
spelling a stronger background and a solid underline, a close spelling a paler background and
a dotted one. The hues are half transparent, so they read on a light and on a dark palette.

Offsets of mentions and selections are code points of ``Source.text``; the document counts
UTF-16 units and makes one paragraph break of ``\\r\\n``: ``OffsetMap`` converts between the two.
"""

from __future__ import annotations

import bisect
import re

from PySide6.QtCore import QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextOption
from PySide6.QtWidgets import QApplication, QTextEdit, QToolTip, QWidget

from dossier.model.records import SINGULAR
from dossier.model.text import seal_bidi
from dossier.ui.widgets.text import plain_tooltip

#: The hue of each kind of record marked in the text.
HUES = {"people": QColor(46, 110, 222), "parties": QColor(222, 128, 0), "topics": QColor(38, 160, 90)}
#: How strongly a mention's background is tinted: an exact spelling, a close one.
EXACT_ALPHA = 72
FUZZY_ALPHA = 26

_SHIFTS = re.compile("[\U00010000-\U0010ffff]|\r\n")


class OffsetMap:
    """Code point offsets of a text <-> positions in the ``QTextDocument`` showing it."""

    def __init__(self, text: str):
        self.length = len(text)
        self._at: list[int] = []  # code point index of each shift
        self._doc_at: list[int] = []  # its position in the document
        self._sum: list[int] = []  # the shift after it, summed
        total = 0
        for match in _SHIFTS.finditer(text):
            index = match.start()
            self._at.append(index)
            self._doc_at.append(index + total)
            total += 1 if match.group() != "\r\n" else -1  # a surrogate pair; \r\n is one break
            self._sum.append(total)

    def to_doc(self, offset: int) -> int:
        offset = max(0, min(offset, self.length))
        i = bisect.bisect_left(self._at, offset)
        return offset + (self._sum[i - 1] if i else 0)

    def to_text(self, position: int) -> int:
        i = bisect.bisect_left(self._doc_at, position)
        return max(0, min(self.length, position - (self._sum[i - 1] if i else 0)))


def mention_format(collection: str, exact: bool) -> QTextCharFormat:
    hue = HUES.get(collection, HUES["people"])
    back = QColor(hue)
    back.setAlpha(EXACT_ALPHA if exact else FUZZY_ALPHA)
    fmt = QTextCharFormat()
    fmt.setBackground(back)
    fmt.setUnderlineColor(hue)
    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline if exact
                          else QTextCharFormat.UnderlineStyle.DotLine)
    return fmt


class ReaderView(QTextEdit):
    """The document, selectable and never editable; a click on a mention opens its record."""

    #: a mention was clicked (``dossier.services.mentions.Mention``)
    sig_mention_clicked = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("readerView")
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self.setUndoRedoEnabled(False)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.viewport().setMouseTracking(True)
        self.text = ""
        self.map = OffsetMap("")
        self.mentions: tuple = ()
        self._starts: list[int] = []
        self._press: QPoint | None = None
        #: adds the reader's own actions to the context menu (set by the panel)
        self.extend_menu = None
        # a click opens the mention's record once it is clear it was not the first of a
        # double-click (which selects the word, to code from it)
        self._clicked = None
        self._open_timer = QTimer(self)
        self._open_timer.setSingleShot(True)
        self._open_timer.setInterval(QApplication.doubleClickInterval())
        self._open_timer.timeout.connect(self._open_clicked)

    # ------------------------------------------------------------ showing
    def show_text(self, text: str) -> None:
        """Show ``text`` with nothing marked."""
        self.text = text
        self.map = OffsetMap(text)
        self.mentions = ()
        self._starts = []
        self._clicked = None
        self.setPlainText(text)  # plain: markup in the document stays text
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def mark(self, mentions) -> None:
        """Mark ``mentions`` (in order of start), replacing any marked before."""
        document = self.document()
        cursor = QTextCursor(document)
        cursor.beginEditBlock()
        if self.mentions:
            cursor.select(QTextCursor.SelectionType.Document)
            cursor.setCharFormat(QTextCharFormat())
        formats: dict[tuple[str, bool], QTextCharFormat] = {}
        for mention in mentions:
            key = (mention.collection, mention.match == "exact")
            fmt = formats.get(key)
            if fmt is None:
                fmt = formats[key] = mention_format(*key)
            cursor.setPosition(self.map.to_doc(mention.start))
            cursor.setPosition(self.map.to_doc(mention.end), QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(fmt)
        cursor.endEditBlock()
        self.mentions = tuple(mentions)
        self._starts = [m.start for m in self.mentions]

    # ------------------------------------------------------------ where things are
    def offset_at(self, point: QPoint) -> int | None:
        """The code point offset of the character under ``point`` (viewport coordinates), if any."""
        shifted = point + QPoint(self.horizontalScrollBar().value(), self.verticalScrollBar().value())
        position = self.document().documentLayout().hitTest(shifted, Qt.HitTestAccuracy.ExactHit)
        return None if position < 0 else self.map.to_text(position)

    def mention_at(self, offset: int | None):
        if offset is None:
            return None
        i = bisect.bisect_right(self._starts, offset) - 1
        while i >= 0:
            mention = self.mentions[i]
            if mention.start <= offset < mention.end:
                return mention
            if offset - mention.start > 400:  # mentions are short: none further back covers it
                return None
            i -= 1
        return None

    def tooltip_for(self, mention) -> str:
        kind = self.tr(SINGULAR.get(mention.collection, mention.collection))
        how = self.tr("exact") if mention.match == "exact" else self.tr("close spelling")
        return f"{seal_bidi(mention.label)}\n{kind} · {how} · " + self.tr("click to open")

    def selection(self) -> tuple[int, int] | None:
        """The selected passage as code point offsets of the text (None when nothing is selected)."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start = self.map.to_text(cursor.selectionStart())
        end = self.map.to_text(cursor.selectionEnd())
        return (start, end) if end > start else None

    def select_span(self, start: int, end: int) -> None:
        """Select ``text[start:end]`` and bring it into view, a few lines below the top."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.map.to_doc(end))
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        cursor.setPosition(self.map.to_doc(start))
        cursor.setPosition(self.map.to_doc(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        rect = self.cursorRect(cursor)
        bar = self.verticalScrollBar()
        if rect.top() < self.viewport().height() // 4 or rect.top() > self.viewport().height() * 3 // 4:
            bar.setValue(bar.value() + rect.top() - self.viewport().height() // 4)

    # ------------------------------------------------------------ the mouse
    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            mention = self.mention_at(self.offset_at(event.pos()))
            if mention is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), plain_tooltip(self.tooltip_for(mention)), self.viewport())
            return True
        return super().viewportEvent(event)

    def mouseMoveEvent(self, event) -> None:
        super().mouseMoveEvent(event)
        if event.buttons() == Qt.MouseButton.NoButton:
            over = self.mention_at(self.offset_at(event.position().toPoint())) is not None
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor if over else Qt.CursorShape.IBeamCursor)

    def mousePressEvent(self, event) -> None:
        self._press = event.position().toPoint() if event.button() == Qt.MouseButton.LeftButton else None
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        press, self._press = self._press, None
        if press is None or event.button() != Qt.MouseButton.LeftButton or self.textCursor().hasSelection():
            return
        if (event.position().toPoint() - press).manhattanLength() > 4:
            return
        mention = self.mention_at(self.offset_at(press))
        if mention is not None:
            self._clicked = mention
            self._open_timer.start()

    def mouseDoubleClickEvent(self, event) -> None:
        self._open_timer.stop()
        self._clicked = None
        super().mouseDoubleClickEvent(event)

    def _open_clicked(self) -> None:
        mention, self._clicked = self._clicked, None
        if mention is not None and not self.textCursor().hasSelection():
            self.sig_mention_clicked.emit(mention)

    def contextMenuEvent(self, event) -> None:
        menu = self.createStandardContextMenu(event.pos())
        if self.extend_menu is not None:
            self.extend_menu(menu, self.mention_at(self.offset_at(event.pos())))  # viewport coordinates
        menu.exec(event.globalPos())
        menu.deleteLater()
