"""Lists of the small collections (parties, negotiations, topics, events), sorted in Python.

A workspace holds at most thousands of these records, so ``SmallListingModel`` reads
them whole on each fetch (``records.find``: the filters are equality on a field, in
SQL), keeps those holding every word of the text filter (folded as search folds text:
case and diacritics do not matter), sorts them by the column asked for and hands out
the page after ``after``. A row's ``sort_key`` is ``(empty, sort value, id)``: ids are
unique, so the order is total and a page never skips or repeats a row, even when rows
were added or removed since the previous page. Empty values come last, either way.

The SQL listings (``dossier.store.listing``) stay for the large collections only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QCoreApplication

from dossier.model.dates import display_date, sort_key
from dossier.model.labels import choice_words
from dossier.model.search_text import fold
from dossier.services import records
from dossier.services.listing import ListRow
from dossier.services.workspace import Workspace
from dossier.ui.models.base import LazyTableModel, ListColumn
from dossier.ui.translate import translator

tr = translator("tables")


# ---------------------------------------------------------------- choices in words
def choice_word(value: str | None) -> str:
    """A closed vocabulary's value in words, translated: ``armed_group`` -> "Armed group"."""
    words = choice_words(value)
    return QCoreApplication.translate("choices", words) if words else ""


def choice_options(enum: type[StrEnum]) -> list[tuple[str, str]]:
    """``(value, words)`` of every value of ``enum``, in its order: what a drop-down offers."""
    return [(member.value, choice_word(member.value)) for member in enum]


def readable_date(text: str | None) -> str:
    """``2025-11-05`` as "5 Nov 2025"; a value that is not a date is shown as it is."""
    try:
        return display_date(text)
    except ValueError:
        return text or ""


# ---------------------------------------------------------------- the model
@dataclass(frozen=True)
class _Row:
    id: str
    values: dict[str, object]  # column key -> text, ISO date or number (None: empty)
    cells: dict[str, str]  # column key -> what the table shows
    words: str  # folded text the text filter searches


class SmallListingModel(LazyTableModel):
    """A lazy model over a small collection. Subclasses set ``COLLECTION``, ``columns()``
    and ``values()`` (and ``extra()`` when cells need more than the record)."""

    COLLECTION = ""
    #: read the records' lists too (an event's people)
    LISTS = False
    #: column keys whose values are ISO dates: shown readable, sorted by their ISO text
    DATES: frozenset[str] = frozenset()

    def __init__(self, ws: Workspace, *, filters: dict | None = None, sort: str | None = None,
                 descending: bool = False, page_size: int | None = None, parent=None):
        self.ws = ws
        kwargs = {"page_size": page_size} if page_size else {}
        super().__init__(self.fetch, self.columns(), sort=sort, descending=descending, filters=filters,
                         parent=parent, **kwargs)

    # ------------------------------------------------------------- for subclasses
    @classmethod
    def columns(cls) -> list[ListColumn]:
        raise NotImplementedError

    def extra(self, found: list, filters: dict) -> object:
        """What the cells need besides the records themselves (counts), read once per fetch."""
        return None

    def values(self, record, extra) -> dict[str, object]:
        """Each column's value by key: text, an ISO date (``DATES``) or a number (numeric columns)."""
        raise NotImplementedError

    def search_text(self, record, cells: dict[str, str]) -> str:
        """What the text filter looks in (default: the cells)."""
        return " ".join(cells.values())

    # ------------------------------------------------------------- reading
    def _cell(self, column: ListColumn, value: object) -> str:
        if value is None or value == "":
            return ""
        if column.key in self.DATES:
            return readable_date(str(value))
        if column.numeric and isinstance(value, int):
            return f"{value:,}"
        return str(value)

    def _rows(self, filters: dict | None, text_filter: str | None) -> list[_Row]:
        """The records matching ``filters`` and every word of ``text_filter``, by id."""
        filters = dict(filters or {})
        found = records.find(self.ws, self.COLLECTION, filters or None, order_by=("uid",), lists=self.LISTS)
        extra = self.extra(found, filters)
        wanted = fold(text_filter).split() if text_filter else []
        rows = []
        for record in found:
            values = self.values(record, extra)
            cells = {c.key: self._cell(c, values.get(c.key)) for c in self.columns}
            words = fold(self.search_text(record, cells)) if wanted else ""
            if all(word in words for word in wanted):
                rows.append(_Row(record.id, values, cells, words))
        return rows

    def _sort_key(self, row: _Row, sort: str | None) -> tuple:
        column = next((c for c in self.columns if c.sort == sort), None)
        value = row.values.get(column.key) if column is not None else None
        if value is None or value == "":
            return (1, "", row.id)
        if column.numeric and isinstance(value, int):
            return (0, value, row.id)
        if column.key in self.DATES:  # a date known to the month sorts after the days inside it
            try:
                return (0, sort_key(str(value)), row.id)
            except ValueError:
                return (0, (10000, 0, 0), row.id)
        return (0, fold(str(value)), row.id)

    @staticmethod
    def _follows(key: tuple, after: tuple, descending: bool) -> bool:
        """Whether ``key`` comes after ``after`` in the order (empty values last either way)."""
        if key[0] != after[0]:
            return key[0] > after[0]
        return key[1:] < after[1:] if descending else key[1:] > after[1:]

    def fetch(self, *, filters: dict | None = None, text_filter: str | None = None, sort: str | None = None,
              descending: bool = False, after: tuple | None = None, limit: int = 200) -> list[ListRow]:
        """The page of rows after ``after`` (a row's ``sort_key``), at most ``limit`` of them."""
        sort = sort if any(c.sort == sort for c in self.columns) else next(
            (c.sort for c in self.columns if c.sort), None)
        keyed = [(self._sort_key(row, sort), row) for row in self._rows(filters, text_filter)]
        filled = sorted((k for k in keyed if k[0][0] == 0), key=lambda k: k[0], reverse=descending)
        empty = sorted((k for k in keyed if k[0][0] == 1), key=lambda k: k[0], reverse=descending)
        ordered = filled + empty
        if after is not None:
            ordered = [k for k in ordered if self._follows(k[0], tuple(after), descending)]
        return [ListRow(id=row.id, sort_key=key, cells=row.cells) for key, row in ordered[:max(limit, 0)]]

    def total(self) -> int:
        """Rows matching the current filters (not only those loaded)."""
        return len(self._rows(self.filters, self.text_filter))


# ---------------------------------------------------------------- the collections
class PartiesListModel(SmallListingModel):
    COLLECTION = "parties"

    @classmethod
    def columns(cls) -> list[ListColumn]:
        return [
            ListColumn("name", tr("Name"), "name", width=180, stretch=True),
            ListColumn("kind", tr("Kind"), "kind", width=110),
            ListColumn("country", tr("Country"), "country", width=70),
            ListColumn("people", tr("People"), "people", numeric=True, width=60),
        ]

    def extra(self, found: list, filters: dict) -> Counter:
        return Counter(party for _id, party in records.choices(self.ws, "people", "party") if party)

    def values(self, party, extra: Counter) -> dict[str, object]:
        return {"name": party.name, "kind": choice_word(party.kind), "country": party.country,
                "people": extra.get(party.id, 0)}

    def search_text(self, party, cells: dict[str, str]) -> str:
        return " ".join((cells["name"], cells["kind"], cells["country"], party.notes or ""))


class NegotiationsListModel(SmallListingModel):
    COLLECTION = "negotiations"
    DATES = frozenset({"started", "ended"})

    @classmethod
    def columns(cls) -> list[ListColumn]:
        return [
            ListColumn("title", tr("Title"), "title", width=220, stretch=True),
            ListColumn("status", tr("Status"), "status", width=90),
            ListColumn("started", tr("Started"), "started", width=95),
            ListColumn("ended", tr("Ended"), "ended", width=95),
        ]

    def values(self, negotiation, extra) -> dict[str, object]:
        return {"title": negotiation.title, "status": choice_word(negotiation.status),
                "started": negotiation.started, "ended": negotiation.ended}

    def search_text(self, negotiation, cells: dict[str, str]) -> str:
        return " ".join((cells["title"], cells["status"], negotiation.summary or ""))


class TopicsListModel(SmallListingModel):
    COLLECTION = "topics"

    @classmethod
    def columns(cls) -> list[ListColumn]:
        return [
            ListColumn("title", tr("Title"), "title", width=220, stretch=True),
            ListColumn("category", tr("Category"), "category", width=150),
            ListColumn("rounds", tr("Rounds"), "rounds", numeric=True, width=60),
        ]

    def extra(self, found: list, filters: dict) -> Counter:
        """How many rounds have each topic on their agenda."""
        only = {"negotiation": filters["negotiation"]} if "negotiation" in filters else None
        return Counter(topic for rnd in records.find(self.ws, "rounds", only) for topic in set(rnd.topics))

    def values(self, topic, extra: Counter) -> dict[str, object]:
        return {"title": topic.title, "category": topic.category, "rounds": extra.get(topic.id, 0)}

    def search_text(self, topic, cells: dict[str, str]) -> str:
        return " ".join((cells["title"], cells["category"], topic.description or ""))


class EventsListModel(SmallListingModel):
    COLLECTION = "events"
    LISTS = True
    DATES = frozenset({"date"})

    @classmethod
    def columns(cls) -> list[ListColumn]:
        return [
            ListColumn("date", tr("Date"), "date", width=100),
            ListColumn("title", tr("Title"), "title", width=220, stretch=True),
            ListColumn("people", tr("People"), "people", numeric=True, width=60),
        ]

    def values(self, event, extra) -> dict[str, object]:
        return {"date": event.date, "title": event.title, "people": len(event.people)}

    def search_text(self, event, cells: dict[str, str]) -> str:
        return " ".join((cells["date"], event.date or "", cells["title"], event.description or ""))


# ---------------------------------------------------------------- the views
#: The longest text each column usually shows: the column is made as wide as that.
USUAL_TEXT = {
    "kind": "Armed group", "country": "Country", "people": "People", "status": "Suspended",
    "started": "30 Sep 2025", "ended": "30 Sep 2025", "date": "30 Sep 2025", "rounds": "Rounds",
    "category": "Security sector",
}


def fit_columns(table, model: SmallListingModel) -> None:
    """Make the table's columns as wide as their usual text (the stretching one takes the rest)."""
    metrics = table.fontMetrics()
    padding = 12
    for i, column in enumerate(model.columns):
        sample = USUAL_TEXT.get(column.key)
        if sample is not None and not column.stretch:
            width = max(metrics.horizontalAdvance(tr(sample)), metrics.horizontalAdvance(column.title) + 16)
            table.setColumnWidth(i, width + padding)
