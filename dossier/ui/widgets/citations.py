"""Citations of a round or position: which source, how credible (Admiralty 1–6), the quote."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QTableWidgetItem, QWidget

from dossier.model.enums import CREDIBILITY_LABELS
from dossier.model.records import Citation
from dossier.ui.widgets.fields import LOADED, cell_value
from dossier.ui.widgets.list_editor import ListEditor, choice_combo, choice_model
from dossier.ui.widgets.text import is_rtl

SOURCE, CREDIBILITY, QUOTE = range(3)


def credibility_choices(tr) -> list[tuple[str, int]]:
    return [(f"{n} – {tr(label)}", n) for n, label in CREDIBILITY_LABELS.items()]


class CitationsEditor(ListEditor):
    def __init__(self, parent: QWidget | None = None):
        super().__init__([self.tr("Source"), self.tr("Credibility"), self.tr("Quote")], parent)
        self.sources: list[tuple[str, str]] = []
        self._source_model = choice_model([], self)
        self._retired: list = []  # earlier source lists, until the rows using them are gone
        self.add_button = QPushButton(self.tr("Add citation"), self)
        self.add_button.clicked.connect(self.add_citation)
        self.buttons.addWidget(self.add_button)
        self.finish_buttons()
        header = self.table.horizontalHeader()  # fits the form's width: never a scroll bar sideways
        header.setSectionResizeMode(SOURCE, header.ResizeMode.Stretch)
        header.setSectionResizeMode(CREDIBILITY, header.ResizeMode.Interactive)
        header.setSectionResizeMode(QUOTE, header.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        self.table.setColumnWidth(CREDIBILITY, 150)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.itemChanged.connect(lambda _item: self._changed(self.tr("Edit quote")))

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
        finally:
            self._loading = False

    def _append(self, citation: Citation) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        source = choice_combo(self._source_model, citation.source, self.table)
        source.setAccessibleName(self.tr("Source"))
        source.activated.connect(lambda _i: self._changed(self.tr("Change cited source")))
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
