"""The table model of each kind of record, over ``services.listing``."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt

from dossier.model.dates import display_date
from dossier.services import listing
from dossier.services.workspace import Workspace
from dossier.ui.models.base import LazyTableModel, ListColumn
from dossier.ui.translate import translator

tr = translator("tables")


class ListingTableModel(LazyTableModel):
    """A lazy model over one collection's listing. Subclasses set ``COLLECTION`` and ``columns()``."""

    COLLECTION = ""
    #: cells holding a stored date (``2025-11``), shown as every pane shows dates (``Nov 2025``)
    DATE_CELLS: frozenset[str] = frozenset()
    #: the order the rows are shown in at first; None: that of the first sortable column
    SORT: str | None = None

    def __init__(self, ws: Workspace, *, filters: dict | None = None, sort: str | None = None,
                 descending: bool = False, page_size: int | None = None, parent=None):
        self.ws = ws
        kwargs = {"page_size": page_size} if page_size else {}
        super().__init__(partial(listing.page, ws, self.COLLECTION), self.columns(), sort=sort or self.SORT,
                         descending=descending, filters=filters, parent=parent, **kwargs)

    @classmethod
    def columns(cls) -> list[ListColumn]:
        raise NotImplementedError

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        value = super().data(index, role)
        if (value and self.DATE_CELLS and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole)
                and self.columns[index.column()].key in self.DATE_CELLS):
            try:
                return display_date(value)
            except ValueError:  # not a date the rules accept: shown as stored
                return value
        return value

    def total(self) -> int:
        """Rows matching the current filters, counted in SQL (not only those loaded)."""
        return listing.count(self.ws, self.COLLECTION, filters=self.filters, text_filter=self.text_filter)


class PeopleTableModel(ListingTableModel):
    COLLECTION = "people"

    @classmethod
    def columns(cls) -> list[ListColumn]:
        return [
            ListColumn("name", tr("Name"), "name", width=170),
            ListColumn("native_name", tr("Native name"), "native_name", width=150),
            ListColumn("party", tr("Party"), "party", width=110),
            ListColumn("title", tr("Title"), "title", width=160, stretch=True),
            ListColumn("rounds", tr("Rounds"), "rounds", numeric=True, width=64),
        ]


class SourcesTableModel(ListingTableModel):
    COLLECTION = "sources"
    DATE_CELLS = frozenset({"published"})
    SORT = "title"

    @classmethod
    def columns(cls) -> list[ListColumn]:
        return [
            ListColumn("number", tr("No."), "number", numeric=True, width=56),
            ListColumn("title", tr("Title"), "title", width=220, stretch=True),
            ListColumn("publisher", tr("Publisher"), "publisher", width=130),
            ListColumn("reliability", tr("Grade"), "reliability", width=56),
            ListColumn("published", tr("Published"), "published", width=88),
            ListColumn("cited", tr("Cited"), "cited", numeric=True, width=52),
        ]


class RoundsTableModel(ListingTableModel):
    COLLECTION = "rounds"

    @classmethod
    def columns(cls) -> list[ListColumn]:
        return [
            ListColumn("number", tr("No."), "number", numeric=True, width=50),
            ListColumn("title", tr("Title"), "title", width=200, stretch=True),
            ListColumn("dates", tr("Dates"), "dates", width=190),
            ListColumn("venue", tr("Venue"), "venue", width=120),
            ListColumn("status", tr("Status"), "status", width=90),
            ListColumn("participants", tr("People"), None, numeric=True, width=60),
        ]


class PositionsTableModel(ListingTableModel):
    COLLECTION = "positions"
    DATE_CELLS = frozenset({"date"})

    @classmethod
    def columns(cls) -> list[ListColumn]:
        return [
            ListColumn("date", tr("Date"), "date", width=95),
            ListColumn("party", tr("Party"), "party", width=120),
            ListColumn("topic", tr("Topic"), "topic", width=190),
            ListColumn("kind", tr("Kind"), "kind", width=90),
            ListColumn("summary", tr("Summary"), "summary", width=360, stretch=True),
            ListColumn("round", tr("Round"), "round", width=80),
            ListColumn("person", tr("Stated by"), "person", width=150),
        ]
