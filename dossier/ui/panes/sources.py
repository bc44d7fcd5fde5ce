"""The Sources pane: where facts come from, how reliable, who carried them, who cites them.

A source holding a document opens on its *Document* tab: the reader (``widgets.reader``), its
text with every known name marked and the actions that code from it; the *Details* tab is the
form, where the text itself can be edited.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QTabWidget, QWidget

from dossier.errors import DossierError
from dossier.model.enums import RELIABILITY_LABELS
from dossier.model.labels import record_label
from dossier.model.records import SINGULAR, Source, source_number_label
from dossier.services import listing, mentions, queries, records
from dossier.services.workspace import Change
from dossier.ui.models.tables import SourcesTableModel
from dossier.ui.widgets.editor import RecordEditor
from dossier.ui.widgets.fields import (
    NOTES_LIMIT,
    ChoiceField,
    DateField,
    LineField,
    LinkList,
    TextField,
    push_button,
    section_title,
)
from dossier.ui.widgets.reader import ReaderPanel
from dossier.ui.widgets.record_pane import RecordPane

OPENABLE_SCHEMES = ("http", "https", "mailto")
#: Collections whose names the reader marks: a change to one finds the mentions again.
NAMED = ("people", "parties", "topics")
ANY = "\x00any"
#: Longest full text of a source document the form takes: a long transcript, a book.
DOCUMENT_TEXT_LIMIT = 50_000_000


def is_openable_url(url: str | None) -> bool:
    """Only web and mail addresses may be opened; never files, scripts or other programs' schemes."""
    if not url or url != url.strip() or any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if scheme not in OPENABLE_SCHEMES:
        return False
    if scheme == "mailto":
        return "@" in parts.path
    return bool(parts.hostname)


def confirm_and_open_url(parent: QWidget, url: str) -> bool:
    """Show the full address and open it in the browser only if the user says so."""
    if not is_openable_url(url):
        return False
    box = QMessageBox(QMessageBox.Icon.Question, parent.tr("Open link"),
                      parent.tr("Open this address in your web browser or mail program?") + "\n\n" + url,
                      QMessageBox.StandardButton.Cancel, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    open_button = box.addButton(parent.tr("Open"), QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    if box.clickedButton() is not open_button:
        return False
    return QDesktopServices.openUrl(QUrl(url, QUrl.ParsingMode.StrictMode))


class SourceEditor(RecordEditor):
    COLLECTION = "sources"

    def build(self) -> None:
        self.number_label = QLabel(self)
        self.number_label.setObjectName("sourceNumber")
        self.number_label.setTextFormat(Qt.TextFormat.PlainText)
        self.number_label.setAccessibleName(self.tr("Source number"))
        self.number_label.setToolTip(self.tr("The source's number in this workspace: the same in every pane "
                                             "and printed dossier, and never given to another source"))
        self.number_label.setStyleSheet("font-size: 15pt; font-weight: 600; color: palette(dark);")
        self.heading_row.insertWidget(0, self.number_label, 0, Qt.AlignmentFlag.AlignTop)
        self.source_title = self.add_field("title", None, LineField(1000))
        self.publisher = self.add_field("publisher", None, LineField(placeholder=self.tr("Outlet or originator")))
        self.url = LineField(4000, self.tr("Kept as text; opened only when you ask"))
        self.open_button = push_button(self.tr("Open link…"), self.open_link)
        self.open_button.setToolTip(self.tr("Shows the full address and asks before opening it"))
        url_row = QWidget()
        row = QHBoxLayout(url_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.url, 1)
        row.addWidget(self.open_button)
        self.url.textChanged.connect(lambda text: self.open_button.setEnabled(is_openable_url(text)))
        self.add_field("url", None, url_row)
        self.fields["url"] = self.url
        self.url.edited.connect(lambda: self._edited("url"))
        self.url.returnPressed.connect(self._return_pressed)
        self.published = self.add_field("published", None, DateField())
        self.reliability = self.add_field("reliability", None, ChoiceField())
        self.reliability.fill([(g, f"{g} · {label}") for g, label in RELIABILITY_LABELS.items()])
        self.via = self.add_field("via", None, ChoiceField())
        self.notes = self.add_field("notes", None, TextField(NOTES_LIMIT, 96))
        self.document_text = self.add_field("text", None, TextField(DOCUMENT_TEXT_LIMIT, 160))
        self.read_document_button = push_button(self.tr("Read from a file…"), self._read_document)
        self.read_document_button.setToolTip(self.tr("The text of a .txt, .html, .pdf, .eml or .docx file becomes "
                                                     "this source's document (Edit ▸ Undo takes it back)"))
        self.layout_.addWidget(self.read_document_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.chain_list = LinkList(self.tr("Not carried by another source"))
        self.chain_list.open_record.connect(self.ctx.sig_open_record)
        self.citing_list = LinkList(self.tr("Not cited yet"))
        self.citing_list.open_record.connect(self.ctx.sig_open_record)
        self.layout_.addWidget(section_title(self.tr("Chain of sources")))
        self.layout_.addWidget(self.chain_list)
        self.layout_.addWidget(section_title(self.tr("Cited by")))
        self.layout_.addWidget(self.citing_list)

    def blank(self) -> Source:
        return Source(id="", title="")

    def _read_document(self) -> None:
        window = self.window()
        if self.record is not None and not self.draft and hasattr(window, "fill_source_document"):
            window.fill_source_document(self.record.id)

    def take_document(self, source_id: str, text: str) -> bool:
        """Make ``text`` the document of the source shown, when it is still ``source_id``."""
        if self.draft or self.record is None or self.record.id != source_id or self.ctx.ws.readonly:
            return False
        self.document_text.set_value(text)
        self._edited("text")
        return True

    def headings(self, record: Source) -> tuple[str, str]:
        grade = f"{record.reliability} · {RELIABILITY_LABELS.get(record.reliability, '')}"
        return record.title, " — ".join(p for p in (record.publisher or "", grade) if p)

    def _fill_via(self, record: Source) -> None:
        rows = listing.page(self.ctx.ws, "sources", sort="title", limit=100_000)
        self.via.fill([(None, self.tr("— none —"))]
                      + [(r.id, r.cells["title"]) for r in rows if r.id != record.id])
        self.via.set_value(record.via)

    def load(self, record: Source) -> None:
        self._show_number(record)
        self.source_title.set_value(record.title or None)
        self.publisher.set_value(record.publisher)
        self.url.set_value(record.url)
        self.open_button.setEnabled(is_openable_url(record.url))
        self.published.set_value(record.published)
        self.reliability.set_value(record.reliability)
        self._fill_via(record)
        self.notes.set_value(record.notes)
        self.document_text.set_value(record.text)
        self.read_document_button.setEnabled(bool(record.id) and not self.ctx.ws.readonly)
        self._fill_links(record)

    def _show_number(self, record: Source) -> None:
        """The source's number beside its title; none for a draft (it is given when created)."""
        number = None
        if record.id:
            try:
                number = records.source_numbers(self.ctx.ws, [record.id]).get(record.id)
            except DossierError as exc:
                self.ctx.sig_status.emit(str(exc))
        self.number_label.setText(source_number_label(number) if number is not None else "")
        self.number_label.setVisible(number is not None)

    def _fill_links(self, record: Source) -> None:
        if not record.id:
            self.chain_list.set_links([])
            self.citing_list.set_links([])
            return
        try:
            chain = queries.via_chain(self.ctx.ws, record.id)[1:]
            refs = queries.citing(self.ctx.ws, record.id)
        except DossierError as exc:
            self.ctx.sig_status.emit(str(exc))
            return
        self.chain_list.set_links([
            ("sources", s.id, self.tr("via {0} ({1})").format(s.title, s.reliability)) for s in chain])
        labels: dict[tuple[str, str], str] = {}
        for collection in {r.collection for r in refs}:
            ids = [r.record_id for r in refs if r.collection == collection]
            for rec in records.get_many(self.ctx.ws, collection, ids):
                labels[(collection, rec.id)] = record_label(rec)
        seen = set()
        links = []
        for ref in refs:
            key = (ref.collection, ref.record_id)
            if key in seen:
                continue
            seen.add(key)
            kind = SINGULAR[ref.collection].capitalize()
            what = self.tr("carries") if ref.field == "via" else ""
            links.append((ref.collection, ref.record_id,
                          f"{kind}: {labels.get(key, ref.record_id)}" + (f" ({what})" if what else "")))
        self.citing_list.set_links(links)

    def read(self, base: Source) -> Source:
        return dataclasses.replace(
            base,
            title=self.source_title.value() or "",
            publisher=self.publisher.value(),
            url=self.url.value(),
            published=self.published.value(),
            reliability=self.reliability.value(),
            via=self.via.value(),
            notes=self.notes.value(),
            text=self.document_text.value(),
        )

    def open_link(self) -> bool:
        return confirm_and_open_url(self, self.url.text())


class SourcesPane(RecordPane):
    title = "Sources"
    FOLLOWS = ("rounds", "positions", "events")
    EDITOR = SourceEditor
    MODEL = SourcesTableModel
    FILTER_HINT = "Filter by title, publisher, address or notes…"
    COUNT_WORDS = ("1 source", "{0} sources")

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.browser.splitter.setSizes([440, 960])  # the document wants the room (a saved layout wins)

    def build_pane(self) -> None:
        self.name_pane()
        self.grade_filter = self.add_choice_filter(8)
        self.grade_filter.fill([(ANY, self.tr("All grades"))]
                               + [(g, f"{g} · {label}") for g, label in RELIABILITY_LABELS.items()])
        self.document_button = QPushButton(self.tr("Add document…"))
        self.document_button.setToolTip(self.tr("A new source holding the text of a document: .txt, .html, .pdf, "
                                                ".eml or .docx (or drop the file on the window)"))
        self.document_button.setEnabled(not self.ctx.ws.readonly)
        self.document_button.clicked.connect(self._add_document)
        self.filter_row.addWidget(self.document_button)
        self.reader = ReaderPanel(self.ctx, self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("sourceTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.reader, self.tr("&Document"))
        self.tabs.addTab(self.browser.detail_scroll, self.tr("De&tails"))
        self.tabs.setTabToolTip(0, self.tr("The source's document, with the names of the workspace marked"))
        self.tabs.setTabToolTip(1, self.tr("Title, grade, notes, and the document's text to edit"))
        #: the analyst's choice of tab for a source with a document (kept while the pane lives)
        self.prefer_reader = True
        self._choosing_tab = False
        self._drafting = False  # the form holds a new source: once created, its document shows
        self.tabs.currentChanged.connect(self._tab_chosen)
        self.browser.right = self.tabs  # beside the list, in the editor's place
        self.editor.sig_saved.connect(self._saved)

    def _add_document(self) -> None:
        window = self.window()
        if hasattr(window, "add_source_document"):
            window.add_source_document()

    # ------------------------------------------------------------ the document
    def _tab_chosen(self, index: int) -> None:
        if not self._choosing_tab and self.tabs.isTabEnabled(0):
            self.prefer_reader = index == 0

    def _show_tab(self, index: int) -> None:
        self._choosing_tab = True
        try:
            self.tabs.setCurrentIndex(index)
        finally:
            self._choosing_tab = False

    def _show_document(self, record: Source | None, *, choose_tab: bool) -> None:
        """The reader follows the record shown. Another source (``choose_tab``) opens on its
        document, unless the analyst chose Details; a draft, or a source without a document, on
        Details. A save or a reload of the same source leaves the tab as it is."""
        has_text = record is not None and bool((record.text or "").strip()) and not self.editor.draft
        self.reader.set_source(record if has_text else None)
        self.tabs.setTabEnabled(0, has_text)
        if not has_text:
            self._show_tab(1)
        elif choose_tab and self.prefer_reader:
            self._show_tab(0)

    def record_shown(self, record) -> None:
        self._drafting = record is None and self.editor.draft
        self._show_document(record, choose_tab=True)

    def record_kept(self, record) -> None:
        self._show_document(self.editor.record, choose_tab=False)

    def _saved(self, _record_id: str) -> None:
        created, self._drafting = self._drafting, False
        self._show_document(self.editor.record, choose_tab=created)

    def on_changed(self, change: Change) -> None:
        super().on_changed(change)
        if any(change.touches(name) for name in NAMED):
            if self.ctx.ws.is_shared:
                # others' saves arrive here, not through the workspace's own announcement, and
                # two of them may commit out of the order of their history rows: build it again
                mentions.forget_matcher(self.ctx.ws)
            if self.reader.source is not None:
                self.reader.find_mentions()

    def show_passage(self, source_id: str, start: int, end: int) -> bool:
        """Show the source ``source_id`` on its Document tab with ``text[start:end]`` selected."""
        if not self.show_record("sources", source_id):
            return False
        if self.reader.source is None or self.reader.source.id != source_id:
            return False
        self._show_tab(0)
        self.reader.show_passage(start, end)
        return True

    def model_filters(self) -> dict:
        grade = self.grade_filter.value()
        return {} if grade == ANY else {"reliability": grade}

    def open_link(self) -> bool:
        return self.editor.open_link()
