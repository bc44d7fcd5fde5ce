"""The Sources pane: where facts come from, how reliable, who carried them, who cites them."""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit

from PySide6.QtCore import QUrl, Signal, Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QMessageBox, QWidget

from dossier.errors import DossierError
from dossier.model.enums import RELIABILITY_LABELS
from dossier.model.records import SINGULAR, Source
from dossier.services import listing, records, sources
from dossier.services.workspace import Change
from dossier.ui.commands import record_label
from dossier.ui.context import AppContext
from dossier.ui.models.tables import SourcesTableModel
from dossier.ui.widgets.common_form import LineField, LinkList, TextField, push_button, section_title
from dossier.ui.widgets.common_pane import RecordPane

OPENABLE_SCHEMES = ("http", "https", "mailto")
ANY = "\x00any"


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


class ChoiceField(QComboBox):
    """A drop-down over fixed values; ``edited`` when the user picks another."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.activated.connect(lambda _i: self.edited.emit())

    def fill(self, options: list[tuple[object, str]]) -> None:
        current = self.currentData()
        self.blockSignals(True)
        self.clear()
        for value, text in options:
            self.addItem(text, value)
        index = self.findData(current)
        self.setCurrentIndex(index if index >= 0 else 0)
        self.blockSignals(False)

    def set_value(self, value: object) -> None:
        index = self.findData(value)
        self.setCurrentIndex(index if index >= 0 else 0)

    def value(self):
        return self.currentData()


class SourcesPane(RecordPane):
    key = "sources"
    shows = ("sources",)
    title = "Sources"
    COLLECTION = "sources"
    MODEL = SourcesTableModel

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.title = self.tr("Sources")
        self.filter_edit.setPlaceholderText(self.tr("Filter by title, publisher, address or notes…"))
        self.grade_filter = ChoiceField()
        self.grade_filter.fill([(ANY, self.tr("All grades"))]
                               + [(g, f"{g} · {label}") for g, label in RELIABILITY_LABELS.items()])
        self.grade_filter.edited.connect(self.apply_filter)
        self.filter_row.addWidget(self.grade_filter)

    # ------------------------------------------------------------ form
    def build_form(self) -> None:
        self.source_title = self.add_field("title", self.tr("Title"), LineField())
        self.publisher = self.add_field("publisher", self.tr("Publisher"), LineField())
        self.publisher.setPlaceholderText(self.tr("Outlet or originator"))
        self.url = LineField()
        self.url.setPlaceholderText(self.tr("Kept as text; opened only when you ask"))
        self.open_button = push_button(self.tr("Open link…"), self.open_link)
        self.open_button.setToolTip(self.tr("Shows the full address and asks before opening it"))
        url_row = QWidget()
        row = QHBoxLayout(url_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.url, 1)
        row.addWidget(self.open_button)
        self.url.textChanged.connect(lambda text: self.open_button.setEnabled(is_openable_url(text)))
        self.url.edited.connect(self.commit)
        self.add_field("url", self.tr("Address"), url_row)
        self.fields["url"] = self.url
        self.published = self.add_field("published", self.tr("Published"), LineField())
        self.published.setPlaceholderText(self.tr("YYYY, YYYY-MM or YYYY-MM-DD"))
        self.reliability = self.add_field("reliability", self.tr("Reliability"), ChoiceField())
        self.reliability.fill([(g, f"{g} · {label}") for g, label in RELIABILITY_LABELS.items()])
        self.via = self.add_field("via", self.tr("Carried by"), ChoiceField())
        self.notes = self.add_field("notes", self.tr("Notes"), TextField())

        self.chain_list = LinkList(self.tr("Not carried by another source"))
        self.chain_list.open_record.connect(self.ctx.sig_open_record)
        self.citing_list = LinkList(self.tr("Not cited yet"))
        self.citing_list.open_record.connect(self.ctx.sig_open_record)
        self.detail_layout.addWidget(section_title(self.tr("Chain of sources")))
        self.detail_layout.addWidget(self.chain_list)
        self.detail_layout.addWidget(section_title(self.tr("Cited by")))
        self.detail_layout.addWidget(self.citing_list)

    def blank_record(self) -> Source:
        return Source(id="", title="")

    def headings(self, record: Source) -> tuple[str, str]:
        grade = f"{record.reliability} · {RELIABILITY_LABELS.get(record.reliability, '')}"
        return record.title, " — ".join(p for p in (record.publisher or "", grade) if p)

    def count_text(self, n: int) -> str:
        return self.tr("{0} sources").format(f"{n:,}") if n != 1 else self.tr("1 source")

    def _fill_via(self, record: Source) -> None:
        rows = listing.page(self.ctx.ws, "sources", sort="title", limit=100_000)
        self.via.fill([(None, self.tr("— none —"))]
                      + [(r.id, r.cells["title"]) for r in rows if r.id != record.id])
        self.via.set_value(record.via)

    def fill_form(self, record: Source) -> None:
        self.source_title.set_value(record.title)
        self.publisher.set_value(record.publisher)
        self.url.set_value(record.url)
        self.open_button.setEnabled(is_openable_url(record.url))
        self.published.set_value(record.published)
        self.reliability.set_value(record.reliability)
        self._fill_via(record)
        self.notes.set_value(record.notes)
        self._fill_links(record)

    def _fill_links(self, record: Source) -> None:
        if not record.id or self.creating:
            self.chain_list.set_links([])
            self.citing_list.set_links([])
            return
        try:
            chain = sources.via_chain(self.ctx.ws, record.id)[1:]
            refs = sources.citing(self.ctx.ws, record.id)
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

    def read_form(self, base: Source) -> Source:
        return dataclasses.replace(
            base,
            title=self.source_title.text(),
            publisher=self.publisher.value(),
            url=self.url.value(),
            published=self.published.value(),
            reliability=self.reliability.value(),
            via=self.via.value(),
            notes=self.notes.value(),
        )

    def open_link(self) -> bool:
        return confirm_and_open_url(self, self.url.text())

    # ------------------------------------------------------------ filters and changes
    def model_filters(self) -> dict:
        grade = self.grade_filter.value()
        return {} if grade == ANY else {"reliability": grade}

    def follows(self, change: Change) -> bool:
        return any(change.touches(c) for c in ("sources", "rounds", "positions", "events"))
