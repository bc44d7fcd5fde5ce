"""The global search box: words typed find records of every kind, a list of hits opens them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import (
    QLineEdit,
    QListWidget,
    QListWidgetItem,
)

from dossier.ui.lazyqt import Qt

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

SEARCH_LIMIT = 30
#: an item's data: the snippet of a source's document the hit was found in
PASSAGE = 0x0101  # Qt.ItemDataRole.UserRole + 1 (Qt's enums are not built before the window shows)


class SearchBox(QLineEdit):
    """The global search field; its ranked hits drop down in a list below it."""

    def __init__(self, window: QMainWindow):  # the main window, whose open_record the hits call
        super().__init__(window)
        self.window_ = window
        self.setPlaceholderText(self.tr("Search everything (Ctrl+K)"))
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(320)
        self._hits: QListWidget | None = None  # made at the first search, after the window is drawn
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.run_search)
        self.textEdited.connect(lambda _t: self._timer.start())
        self.returnPressed.connect(self._open_current)
        self.installEventFilter(self)

    @property
    def hits(self) -> QListWidget:
        """The drop-down list of hits."""
        if self._hits is None:
            hits = self._hits = QListWidget(self.window_)
            hits.setObjectName("searchHits")
            hits.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            hits.setUniformItemSizes(False)
            hits.setWordWrap(False)
            hits.setTextElideMode(Qt.TextElideMode.ElideRight)
            hits.hide()
            hits.itemClicked.connect(self._open_item)
        return self._hits

    def hits_shown(self) -> bool:
        return self._hits is not None and self._hits.isVisible()

    def run_search(self) -> list:
        from dossier.errors import DossierError

        query = self.text().strip()
        self.hits.clear()
        if not query:
            self.hits.hide()
            return []
        from dossier.model.records import SINGULAR
        from dossier.services import search

        try:
            found = search.search(self.window_.ctx.ws, query, limit=SEARCH_LIMIT)
        except DossierError as exc:
            self.window_.statusBar().showMessage(str(exc), 5000)
            found = []
        for hit in found:
            kind = SINGULAR[hit.collection].capitalize()
            detail = hit.snippet.text if hit.snippet is not None else ""
            item = QListWidgetItem(f"{hit.label}\n{kind}" + (f" · {detail}" if detail else ""))
            item.setData(Qt.ItemDataRole.UserRole, (hit.collection, hit.id))
            if hit.collection == "sources" and hit.snippet is not None and hit.snippet.field == "text":
                item.setData(PASSAGE, hit.snippet)  # found in the document: the hit opens the reader there
            item.setToolTip("")
            self.hits.addItem(item)
        if not found:
            item = QListWidgetItem(self.tr("No matches"))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.hits.addItem(item)
        else:
            self.hits.setCurrentRow(0)
        self._place()
        self.hits.show()
        self.hits.raise_()
        return found

    def _place(self) -> None:
        top_left = self.mapTo(self.window_, self.rect().bottomLeft())
        width = max(self.width(), 460)
        x = min(top_left.x(), self.window_.width() - width - 8)
        rows = min(self.hits.count(), 10)
        height = rows * (self.hits.fontMetrics().height() * 2 + 8) + 6
        self.hits.setGeometry(x, top_left.y() + 2, width, height)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self and event.type() == QEvent.Type.KeyPress and self.hits_shown():
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                step = 1 if key == Qt.Key.Key_Down else -1
                row = max(0, min(self.hits.count() - 1, self.hits.currentRow() + step))
                self.hits.setCurrentRow(row)
                return True
            if key == Qt.Key.Key_Escape:
                self.hits.hide()
                return True
        if obj is self and event.type() == QEvent.Type.FocusOut:
            QTimer.singleShot(200, self._hide_unless_focused)
        return super().eventFilter(obj, event)

    def _hide_unless_focused(self) -> None:
        if not self.hasFocus():
            self.hits.hide()

    def _open_current(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self.run_search()
        item = self.hits.currentItem()
        if item is not None:
            self._open_item(item)

    def _open_item(self, item: QListWidgetItem) -> None:
        target = item.data(Qt.ItemDataRole.UserRole)
        if not target:
            return
        self.hits.hide()
        snippet = item.data(PASSAGE)
        if snippet is not None and self._open_passage(target[1], snippet):
            return
        self.window_.ctx.sig_open_record.emit(*target)

    def _open_passage(self, source_id: str, snippet) -> bool:
        """Open the reader at the words found in the source's document."""
        from dossier.errors import DossierError
        from dossier.services import records

        try:
            text = records.get(self.window_.ctx.ws, "sources", source_id).text or ""
        except DossierError:
            return False
        if snippet.at is None or snippet.at[1] > len(text):  # the document changed since it was found
            return False
        self.window_.ctx.sig_open_passage.emit(source_id, *snippet.at)
        return True


