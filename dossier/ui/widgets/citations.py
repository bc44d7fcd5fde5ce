"""Citations of a round or position: which source, how credible (Admiralty 1–6), the quote.

When the cited source holds its document (``Source.text``), each quote is looked for in it
(``model.quotes.locate_quote``): a quote that is not there is flagged in its row, and
one that is can be shown in the document (*Show in document*, on the row's context menu or
under the table), which asks the window to open the passage (``AppContext.sig_open_passage``).
The documents are read only for the sources the rows cite, once, and read again when one
of those sources changes (``AppContext.sig_changed``, this window's edits and others' alike).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QPushButton, QStyle, QTableWidgetItem, QWidget

from dossier.errors import DossierError
from dossier.model import quotes
from dossier.model.enums import CREDIBILITY_LABELS
from dossier.model.records import Citation
from dossier.services import records
from dossier.ui.widgets.fields import LOADED, cell_value
from dossier.ui.widgets.list_editor import ListEditor, choice_combo, choice_model
from dossier.ui.widgets.text import is_rtl

SOURCE, CREDIBILITY, QUOTE = range(3)

#: where the quote of a row sits in its source's document: ``(start, end)``, ``MISSING`` when it
#: is not there, None when there is nothing to look for (no document, no quote)
PLACE = Qt.ItemDataRole.UserRole + 2
MISSING = "missing"


def credibility_choices(tr) -> list[tuple[str, int]]:
    return [(f"{n} – {tr(label)}", n) for n, label in CREDIBILITY_LABELS.items()]


class CitationsEditor(ListEditor):
    """The citations of one record. ``ctx`` (the window's ``AppContext``; by default its
    parent's, a record editor's) is where the source documents are read and passages shown;
    without one, quotes are not checked."""

    def __init__(self, parent: QWidget | None = None, *, ctx=None):
        super().__init__([self.tr("Source"), self.tr("Credibility"), self.tr("Quote")], parent)
        self.ctx = ctx if ctx is not None else getattr(parent, "ctx", None)
        self.sources: list[tuple[str, str]] = []
        self._source_model = choice_model([], self)
        self._retired: list = []  # earlier source lists, until the rows using them are gone
        #: source id -> its document's text (None: it holds none), for the sources the rows cite
        self._texts: dict[str, str | None] = {}
        #: (source id, quote) -> where the quote sits in the document (``MISSING``: not there)
        self._places: dict[tuple[str, str], tuple[int, int] | str] = {}
        self._flagging = False  # marking a row's quote: not an edit
        self.add_button = QPushButton(self.tr("Add citation"), self)
        self.add_button.clicked.connect(self.add_citation)
        self.buttons.addWidget(self.add_button)
        self.show_button = QPushButton(self.tr("Show in document"), self)
        self.show_button.setObjectName("showInDocumentButton")
        self.show_button.setToolTip(self.tr("Show where the chosen citation's quote sits in its source's document"))
        self.show_button.clicked.connect(lambda _checked=False: self.show_in_document())
        self.show_button.setEnabled(False)
        self.show_button.hide()
        self.buttons.addWidget(self.show_button)
        self.show_action = QAction(self.tr("Show in document"), self.table)
        self.show_action.triggered.connect(lambda _checked=False: self.show_in_document())
        self.show_action.setEnabled(False)
        self.table.addAction(self.show_action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.finish_buttons()
        header = self.table.horizontalHeader()  # fits the form's width: never a scroll bar sideways
        header.setSectionResizeMode(SOURCE, header.ResizeMode.Stretch)
        header.setSectionResizeMode(CREDIBILITY, header.ResizeMode.Interactive)
        header.setSectionResizeMode(QUOTE, header.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        self.table.setColumnWidth(CREDIBILITY, 150)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.itemChanged.connect(self._item_changed)
        self.table.currentCellChanged.connect(lambda *_cells: self._update_show())
        if self.ctx is not None:
            self.ctx.sig_changed.connect(self._sources_changed)

    def set_sources(self, sources: list[tuple[str, str, str]]) -> None:
        """The sources a citation may name: ``(id, title, reliability)`` as ``records.choices`` gives."""
        offered = [(f"{title} ({reliability})", source_id) for source_id, title, reliability in sources]
        if offered == self.sources:
            return  # the rows' drop-downs keep the list they share
        self.sources = offered
        self._retired.append(self._source_model)  # rows shown still use it: let go with them
        self._source_model = choice_model(self.sources, self)

    def set_citations(self, citations: list[Citation]) -> None:
        self._loading = True
        try:
            self.table.setRowCount(0)
            for model in self._retired:
                model.deleteLater()
            self._retired = []
            for citation in citations:
                self._append(citation)
            # only the documents of the sources cited now are kept
            cited = {citation.source for citation in citations}
            self._texts = {sid: text for sid, text in self._texts.items() if sid in cited}
            self._places = {key: place for key, place in self._places.items() if key[0] in cited}
            self.check_quotes()
        finally:
            self._loading = False

    def _append(self, citation: Citation) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        source = choice_combo(self._source_model, citation.source, self.table)
        source.setAccessibleName(self.tr("Source"))
        source.activated.connect(lambda _i, combo=source: self._source_picked(combo))
        credibility = choice_combo(credibility_choices(self.tr), citation.credibility, self.table)
        credibility.setAccessibleName(self.tr("Credibility"))
        credibility.activated.connect(lambda _i: self._changed(self.tr("Change credibility")))
        self.table.setCellWidget(row, SOURCE, source)
        self.table.setCellWidget(row, CREDIBILITY, credibility)
        quote = QTableWidgetItem(citation.quote or "")
        quote.setData(LOADED, (quote.text(), citation.quote))  # untouched, the quote comes back as it was
        if is_rtl(citation.quote):
            quote.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.table.setItem(row, QUOTE, quote)

    def add_citation(self) -> None:
        if not self.sources:
            return
        self._loading = True
        try:
            self._append(Citation(source=self.sources[0][1], credibility=6, quote=None))
        finally:
            self._loading = False
        self.table.setCurrentCell(self.table.rowCount() - 1, SOURCE)
        self.sig_edited.emit(self.tr("Add citation"))

    def remove_text(self) -> str:
        return self.tr("Remove citation")

    def citations(self) -> list[Citation]:
        out = []
        for row in range(self.table.rowCount()):
            out.append(Citation(source=self.table.cellWidget(row, SOURCE).currentData(),
                                credibility=self.table.cellWidget(row, CREDIBILITY).currentData(),
                                quote=cell_value(self.table.item(row, QUOTE))))
        return out

    # ------------------------------------------------------------ edits
    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._flagging:
            return
        if item.column() == QUOTE and not self._loading:
            self._check_row(item.row())
        self._changed(self.tr("Edit quote"))

    def _source_picked(self, combo) -> None:
        for row in range(self.table.rowCount()):
            if self.table.cellWidget(row, SOURCE) is combo:
                self._check_row(row)
        self._changed(self.tr("Change cited source"))

    # ------------------------------------------------------------ quotes in the documents
    def _read_texts(self, source_ids: set[str]) -> None:
        """Read the documents of these sources that are not read yet (one query)."""
        wanted = sorted(sid for sid in source_ids if sid and sid not in self._texts)
        if not wanted or self.ctx is None:
            return
        try:
            found = records.get_many(self.ctx.ws, "sources", wanted)
        except DossierError:
            return  # the workspace cannot be read now: quotes are not checked, nothing is flagged
        for source in found:
            text = source.text
            self._texts[source.id] = text if text is not None and text.strip() else None
        for sid in wanted:
            self._texts.setdefault(sid, None)  # no such source (yet): nothing to look in

    def _place(self, source_id: str | None, quote: str | None) -> tuple[int, int] | str | None:
        """Where ``quote`` sits in the source's document: ``(start, end)``, ``MISSING``, or None
        when there is nothing to look for."""
        if not source_id or quote is None or not quote.strip():
            return None
        text = self._texts.get(source_id)
        if text is None:
            return None
        key = (source_id, quote)
        if key not in self._places:
            found = quotes.locate_quote(text, quote)
            self._places[key] = MISSING if found is None else (found[0], found[1])
        return self._places[key]

    def check_quotes(self) -> None:
        """Look for every row's quote in its source's document and mark the rows."""
        rows = range(self.table.rowCount())
        self._read_texts({self._row_source(row) for row in rows if self._row_quote(row)})
        for row in rows:
            self._mark(row)
        self._update_show()

    def _check_row(self, row: int) -> None:
        if self._row_quote(row):
            self._read_texts({self._row_source(row)})
        self._mark(row)
        self._update_show()

    def _row_source(self, row: int) -> str | None:
        combo = self.table.cellWidget(row, SOURCE)
        return combo.currentData() if combo is not None else None

    def _row_quote(self, row: int) -> str | None:
        return cell_value(self.table.item(row, QUOTE))

    def _mark(self, row: int) -> None:
        item = self.table.item(row, QUOTE)
        if item is None:
            return
        place = self._place(self._row_source(row), cell_value(item))
        missing = place == MISSING
        message = self.tr("This quote is not in the source's document") if missing else ""
        was, self._flagging = self._flagging, True
        try:
            item.setData(PLACE, place)
            item.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning) if missing
                         else QIcon())
            item.setToolTip(message)
            item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, message or None)
            item.setData(Qt.ItemDataRole.AccessibleTextRole,
                         f"{item.text()} ({message})" if missing else None)
        finally:
            self._flagging = was

    def quote_missing(self, row: int) -> bool:
        """Whether the row's quote was looked for in its source's document and is not there."""
        item = self.table.item(row, QUOTE)
        return item is not None and item.data(PLACE) == MISSING

    def passage(self, row: int) -> tuple[str, int, int] | None:
        """``(source id, start, end)`` of the row's quote in its source's document, when found."""
        item = self.table.item(row, QUOTE)
        place = item.data(PLACE) if item is not None else None
        source_id = self._row_source(row)
        if not isinstance(place, (tuple, list)) or not source_id:
            return None
        return source_id, place[0], place[1]

    def _update_show(self) -> None:
        """*Show in document* is offered while a row cites a source that holds its document,
        and can be used on a row whose quote is there."""
        row = self.table.currentRow()
        found = row >= 0 and self.passage(row) is not None
        self.show_button.setEnabled(found)
        self.show_action.setEnabled(found)
        checked = any(self.table.item(r, QUOTE) is not None and self.table.item(r, QUOTE).data(PLACE) is not None
                      for r in range(self.table.rowCount()))
        self.show_button.setHidden(not checked)

    def show_in_document(self, row: int | None = None) -> bool:
        """Ask the window to show the row's quote (default: the current row's) in its source's
        document. False when there is no such passage."""
        row = self.table.currentRow() if row is None else row
        where = self.passage(row) if row >= 0 else None
        if where is None or self.ctx is None:
            return False
        self.ctx.sig_open_passage.emit(*where)
        return True

    def _sources_changed(self, change) -> None:
        """A source changed (here or elsewhere): read its document again where a row cites it."""
        if change.everything:
            dropped = set(self._texts)
        else:
            dropped = set(change.changed.get("sources", ())) | set(change.deleted.get("sources", ()))
            dropped &= set(self._texts)
        if not dropped:
            return
        for sid in dropped:
            self._texts.pop(sid, None)
        self._places = {key: place for key, place in self._places.items() if key[0] not in dropped}
        self.check_quotes()
