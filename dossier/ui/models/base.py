"""``LazyTableModel``: a table that reads its rows a page at a time.

The model asks a fetch function for pages of ``ListRow`` (see
``dossier.services.listing``): the first page when (re)loaded, the next one each time
the view scrolls near the end (``canFetchMore``/``fetchMore``). Sorting and filtering
re-query; nothing is sorted or filtered in Python, so a table over 100,000 positions
costs what its visible pages cost.

The model keeps the rows' ids and texts as one list of strings per column, not the
``ListRow`` objects: strings are not containers, so rows kept add nothing to Python's
cyclic garbage collection. Each container kept per row would bring a collection sooner
and make a full one (tens of milliseconds with 100,000 rows) longer, paid by whichever
scroll step it falls in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from dossier.services.listing import ListRow
from dossier.ui.widgets.text import plain_tooltip

#: fetch(filters=, text_filter=, sort=, descending=, after=, limit=) -> list[ListRow]
FetchPage = Callable[..., list[ListRow]]

PAGE_SIZE = 200

#: data role giving the record id of a row
RecordIdRole = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class ListColumn:
    key: str  # cell name in ListRow.cells
    title: str
    sort: str | None = None  # sort name accepted by the fetch function; None: not sortable
    numeric: bool = False  # right-aligned
    width: int | None = None  # preferred width in pixels
    stretch: bool = False  # takes the table's spare width


class LazyTableModel(QAbstractTableModel):
    def __init__(self, fetch: FetchPage, columns: list[ListColumn], *, sort: str | None = None,
                 descending: bool = False, filters: dict | None = None, page_size: int = PAGE_SIZE,
                 parent=None):
        super().__init__(parent)
        self._fetch = fetch
        self.columns = list(columns)
        self.sort_name = sort or next((c.sort for c in self.columns if c.sort), None)
        self.descending = descending
        self.filters: dict = dict(filters or {})
        self.text_filter: str | None = None
        self.page_size = page_size
        self._ids: list[str] = []
        self._texts: dict[str, list[str]] = {}  # cell name -> the text of each row
        self._last_key: tuple | None = None  # sort key of the last row loaded
        self._exhausted = True
        self.reload()

    # ------------------------------------------------------------- reading
    def _page(self, after: tuple | None, limit: int) -> list[ListRow]:
        return self._fetch(filters=self.filters, text_filter=self.text_filter, sort=self.sort_name,
                           descending=self.descending, after=after, limit=limit)

    def _keep(self, rows: list[ListRow]) -> None:
        """Add ``rows`` after those loaded."""
        if not rows:
            return
        self._ids.extend(r.id for r in rows)
        for name in rows[0].cells:
            self._texts.setdefault(name, []).extend(r.cells[name] for r in rows)
        self._last_key = rows[-1].sort_key

    def reload(self) -> None:
        """Re-read from the start, keeping as many rows loaded as before (at least a page)."""
        keep = max(self.page_size, len(self._ids))
        self.beginResetModel()
        rows = self._page(None, keep)
        self._ids, self._texts, self._last_key = [], {}, None
        self._keep(rows)
        self._exhausted = len(rows) < keep
        self.endResetModel()

    def _restart(self) -> None:
        self._ids = []
        self.reload()

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:
        if parent.isValid() or self._exhausted:
            return
        page = self._page(self._last_key, self.page_size)
        self._exhausted = len(page) < self.page_size
        if page:
            first = len(self._ids)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._keep(page)
            self.endInsertRows()

    # ------------------------------------------------------------- queries
    def record_id(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, record_id: str) -> int | None:
        """The row showing ``record_id``, reading further pages until found (None if absent)."""
        start = 0
        while True:
            try:
                return self._ids.index(record_id, start)
            except ValueError:
                pass
            if self._exhausted:
                return None
            start = len(self._ids)
            self.fetchMore()

    def cells(self, row: int) -> dict[str, str]:
        return {name: texts[row] for name, texts in self._texts.items()}

    def _text(self, row: int, key: str) -> str:
        texts = self._texts.get(key)
        return texts[row] if texts else ""

    def column_of(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    # ------------------------------------------------------------- changing the query
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns) or self.columns[column].sort is None:
            return
        self.sort_name = self.columns[column].sort
        self.descending = order == Qt.SortOrder.DescendingOrder
        self._restart()

    def sort_column(self) -> int:
        return next((i for i, c in enumerate(self.columns) if c.sort == self.sort_name), -1)

    def set_filter(self, filters: dict | None = None, text: str | None = None) -> None:
        """Show only rows matching ``filters`` (field -> value) and every word of ``text``."""
        self.filters = dict(filters or {})
        self.text_filter = text or None
        self._restart()

    # ------------------------------------------------------------- Qt model
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        column = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(index.row(), column.key)
        if role == Qt.ItemDataRole.ToolTipRole:
            text = self._text(index.row(), column.key)
            return plain_tooltip(text) if text else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column.numeric:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == RecordIdRole:
            return self._ids[index.row()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].title
            if role == Qt.ItemDataRole.TextAlignmentRole and self.columns[section].numeric:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
