"""The reader: a source's document, every known name in it marked, and coding from the text.

``ReaderPanel`` shows one source's ``text`` in a ``ReaderView`` (``reader_view``): each
mention of a person, party or topic (``services.mentions.find``) is marked, an exact spelling
strongly, a close spelling palely (the legend says which is which); hovering names the record,
clicking opens it. Beside the text: the records named, with how often (choosing one steps
through its mentions), and the names not yet in the workspace, each made a new person or an
alias of one in one action. A selected passage becomes a new position (*New position from
selection*) or a citation on an existing record (*Cite selection…*): ``reader_coding``.

Mentions are found off the GUI thread: the text shows at once and the marks follow.
"""

from __future__ import annotations

import traceback

from PySide6.QtCore import Qt, QThreadPool, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dossier.errors import DossierError
from dossier.model.records import SINGULAR
from dossier.model.search_text import fold
from dossier.model.text import seal_bidi
from dossier.services import mentions
from dossier.ui.context import AppContext
from dossier.ui.widgets.reader_coding import (
    alias_for,
    cite_passage,
    open_draft,
    person_draft,
    position_from_passage,
)
from dossier.ui.widgets.reader_names import KINDS, Named, Unknown, named_records, unknown_names
from dossier.ui.widgets.reader_view import EXACT_ALPHA, FUZZY_ALPHA, HUES, ReaderView
from dossier.ui.widgets.text import plain_tooltip, set_plain
from dossier.ui.workers import Task

KEY = Qt.ItemDataRole.UserRole

#: tasks finding mentions, kept alive until they finish
_finding: set[Task] = set()


def _find(ws, text: str, generation: int) -> tuple:
    """``(generation, found, problem)``: never raises (it may run off the GUI thread)."""
    try:
        return generation, mentions.find(ws, text), None
    except DossierError as exc:
        return generation, None, str(exc)
    except Exception as exc:  # noqa: BLE001 - the reader still shows the text; the user is told why no names
        traceback.print_exc()
        return generation, None, f"{type(exc).__name__}: {exc}"


def _swatch(text: str, style: str, tip: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet(style)
    label.setToolTip(tip)
    return label


def _rgba(collection: str, alpha: int) -> str:
    hue = HUES[collection]
    return f"rgba({hue.red()}, {hue.green()}, {hue.blue()}, {alpha})"


class ReaderPanel(QWidget):
    """One source's document with its mentions, the list of names beside it, and the coding actions."""

    #: the mentions of the document shown were found (for tests and the status line)
    sig_found = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("readerPanel")
        self.ctx = ctx
        self.source = None  # the source shown (saved), or None
        self.found = None  # ``mentions.Found`` of its text, once found
        self.named: list[Named] = []
        self.unknown: list[Unknown] = []
        self._generation = 0
        self._step: dict[object, int] = {}

        self.title = QLabel(self)
        self.title.setObjectName("readerTitle")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.status = QLabel(self)
        self.status.setObjectName("readerStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setStyleSheet("color: palette(dark);")

        self.view = ReaderView(self)
        self.view.setAccessibleName(self.tr("Document text"))
        self.view.sig_mention_clicked.connect(self.open_mention)
        self.view.selectionChanged.connect(self._update_actions)
        self.view.extend_menu = self._extend_menu

        self.new_position_action = QAction(self.tr("New position from selection"), self)
        self.new_position_action.setObjectName("newPositionFromSelection")
        self.new_position_action.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.new_position_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.new_position_action.setToolTip(self.tr(
            "A new position of the chosen negotiation: the passage as its summary and as the quote of a "
            "citation of this source, the party and person named before it (Ctrl+Shift+P)"))
        self.new_position_action.triggered.connect(lambda _c=False: self.new_position_from_selection())
        self.cite_action = QAction(self.tr("Cite selection…"), self)
        self.cite_action.setObjectName("citeSelection")
        self.cite_action.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.cite_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.cite_action.setToolTip(self.tr(
            "Add the passage, as the quote of a citation of this source, to a position, round or event "
            "you choose (Ctrl+Shift+C)"))
        self.cite_action.triggered.connect(lambda _c=False: self.cite_selection())
        self.addAction(self.new_position_action)
        self.addAction(self.cite_action)
        self.new_position_button = self._button(self.new_position_action, "newPositionButton")
        self.cite_button = self._button(self.cite_action, "citeButton")

        self.names = QTreeWidget(self)
        self.names.setObjectName("readerNames")
        self.names.setHeaderLabels([self.tr("Named in the text"), self.tr("Times")])
        self.names.setRootIsDecorated(False)
        self.names.setItemsExpandable(False)
        self.names.setIndentation(14)
        header = self.names.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, header.ResizeMode.Stretch)
        header.setSectionResizeMode(1, header.ResizeMode.ResizeToContents)
        self.names.setAccessibleName(self.tr("Records named in the text"))
        self.names.setToolTip(self.tr("Click a record to step through its mentions; double-click to open it"))
        self.names.itemClicked.connect(self._name_clicked)
        self.names.itemActivated.connect(self._name_activated)
        self.open_button = QPushButton(self.tr("Open record"), self)
        self.open_button.setObjectName("openNamedRecord")
        self.open_button.clicked.connect(lambda _c=False: self._name_activated(self.names.currentItem()))

        self.candidates = QListWidget(self)
        self.candidates.setObjectName("readerCandidates")
        self.candidates.setAccessibleName(self.tr("Names not in the workspace"))
        self.candidates.setToolTip(self.tr("Names in the text that match no one in the workspace; click one to "
                                           "step through where it is written"))
        self.candidates.itemClicked.connect(self._candidate_clicked)
        self.candidates.currentItemChanged.connect(lambda *_: self._update_actions())
        self.person_button = QPushButton(self.tr("New person…"), self)
        self.person_button.setObjectName("candidatePersonButton")
        self.person_button.setToolTip(self.tr("A new person with this name, to check and create in People"))
        self.person_button.clicked.connect(lambda _c=False: self.candidate_as_person())
        self.alias_button = QPushButton(self.tr("Add as alias…"), self)
        self.alias_button.setObjectName("candidateAliasButton")
        self.alias_button.setToolTip(self.tr("Add this spelling to the aliases of a person you choose"))
        self.alias_button.clicked.connect(lambda _c=False: self.candidate_as_alias())

        self._layout()
        self._update_actions()
        ctx.sig_negotiation_changed.connect(lambda _id: self._update_actions())

    def _button(self, action: QAction, name: str) -> QPushButton:
        button = QPushButton(action.text(), self)
        button.setObjectName(name)
        button.setToolTip(action.toolTip())
        button.clicked.connect(lambda _c=False: action.trigger())
        return button

    def _layout(self) -> None:
        legend = QHBoxLayout()
        legend.setContentsMargins(0, 0, 0, 0)
        legend.setSpacing(6)
        exact_tip = self.tr("Exact: a spelling the workspace holds (name, alias or name in its own script), "
                            "ignoring case, accents and vowel marks")
        close_tip = self.tr("Close spelling: a variant at least {0:.0f}% similar to a spelling the workspace "
                            "holds (Barak for Barrack); check it before relying on it").format(
            mentions.FUZZY_THRESHOLD)
        kind_tips = {"people": self.tr("The colour of a person's name"),
                     "parties": self.tr("The colour of a party's name"),
                     "topics": self.tr("The colour of a topic's title")}
        for collection, word in KINDS:
            legend.addWidget(_swatch(self.tr(word), f"background: {_rgba(collection, EXACT_ALPHA)};"
                                     f" border-bottom: 2px solid {HUES[collection].name()}; padding: 0 4px;",
                                     kind_tips[collection]))
        legend.addSpacing(8)
        legend.addWidget(_swatch(self.tr("exact"), f"background: {_rgba('people', EXACT_ALPHA)};"
                                 f" border-bottom: 2px solid {HUES['people'].name()}; padding: 0 4px;", exact_tip))
        legend.addWidget(_swatch(self.tr("close spelling"), f"background: {_rgba('people', FUZZY_ALPHA)};"
                                 f" border-bottom: 2px dotted {HUES['people'].name()}; padding: 0 4px;", close_tip))
        legend.addSpacing(12)
        legend.addWidget(self.status, 1)

        actions = QHBoxLayout()
        actions.setContentsMargins(0, 0, 0, 0)
        actions.addWidget(self.new_position_button)
        actions.addWidget(self.cite_button)
        actions.addStretch(1)

        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(4, 0, 0, 0)
        side_layout.addWidget(self.names, 3)
        side_layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignRight)
        unknown_title = QLabel(self.tr("Not in the workspace"), side)
        unknown_title.setStyleSheet("font-weight: 600; margin-top: 6px;")
        side_layout.addWidget(unknown_title)
        side_layout.addWidget(self.candidates, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.person_button)
        buttons.addWidget(self.alias_button)
        side_layout.addLayout(buttons)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("readerSplitter")
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([600, 300])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(self.title)
        layout.addLayout(legend)
        layout.addLayout(actions)
        layout.addWidget(self.splitter, 1)

    # ------------------------------------------------------------ showing a source
    def set_source(self, source) -> None:
        """Show ``source``'s document (None, or a source without one: nothing)."""
        text = source.text if source is not None else None
        same = (self.source is not None and source is not None and self.source.id == source.id
                and self.source.text == text)
        self.source = source if text and text.strip() else None
        if self.source is None:
            self._generation += 1
            self.found = None
            set_plain(self.title, "")
            self.view.show_text("")
            self._fill_lists()
            self.status.setText("")
            self._update_actions()
            return
        set_plain(self.title, source.title)
        if same:
            return
        self.found = None
        self._step.clear()
        self.view.show_text(text)
        self._fill_lists()
        self.find_mentions()

    def find_mentions(self) -> None:
        """Find (again) the mentions in the document shown: the workspace's names may have changed."""
        if self.source is None:
            return
        self._generation += 1
        text, ws = self.source.text, self.ctx.ws
        # off the GUI thread, always: a megabyte takes about a second, and the first search of a
        # workspace builds its matcher from every person, party and topic
        self.status.setText(self.tr("Finding names in {0:,} characters…").format(len(text)))
        generation = self._generation
        task = Task(lambda _progress, _cancelled: _find(ws, text, generation))
        task.signals.succeeded.connect(self._arrived, Qt.ConnectionType.QueuedConnection)
        task.signals.finished.connect(lambda: _finding.discard(task), Qt.ConnectionType.QueuedConnection)
        _finding.add(task)
        QThreadPool.globalInstance().start(task)

    def _arrived(self, result: tuple) -> None:
        generation, found, problem = result
        if generation != self._generation or self.source is None:
            return  # another document, or another search, since
        if problem is not None:
            self.found = None
            self.status.setText(self.tr("Names could not be found in this document: {0}").format(problem))
            self._fill_lists()
            self._update_actions()
            return
        self.found = found
        self.view.mark(found.mentions)
        self._fill_lists()
        self._update_actions()
        self.sig_found.emit()

    def _fill_lists(self) -> None:
        self.named = named_records(self.found) if self.found is not None else []
        self.unknown = unknown_names(self.found) if self.found is not None else []
        self.names.clear()
        for collection, word in KINDS:
            members = [n for n in self.named if n.collection == collection]
            if not members:
                continue
            section = QTreeWidgetItem([self.tr(word), f"{sum(len(n.spans) for n in members):,}"])
            section.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = section.font(0)
            font.setBold(True)
            section.setFont(0, font)
            self.names.addTopLevelItem(section)
            for named in members:
                item = QTreeWidgetItem([named.label, f"{len(named.spans):,}"])
                item.setData(0, KEY, (named.collection, named.record_id))
                how = [self.tr("{0} exact").format(named.exact)] if named.exact else []
                how += [self.tr("{0} by a close spelling").format(named.fuzzy)] if named.fuzzy else []
                item.setToolTip(0, plain_tooltip(f"{seal_bidi(named.label)}\n{self.tr(SINGULAR[collection])} · "
                                                 + ", ".join(how)))
                item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                section.addChild(item)
        self.names.expandAll()
        self.candidates.clear()
        for unknown in self.unknown:
            count = len(unknown.spans)
            item = QListWidgetItem(unknown.text if count == 1 else f"{seal_bidi(unknown.text)}  ×{count}")
            item.setData(KEY, unknown.text)
            item.setToolTip(plain_tooltip(unknown.text))
            self.candidates.addItem(item)
        if self.found is not None:
            marks = len(self.found.mentions)
            self.status.setText(self.tr("{0} of {1} · {2} not in the workspace").format(
                self.tr("1 mention") if marks == 1 else self.tr("{0:,} mentions").format(marks),
                self.tr("1 record") if len(self.named) == 1 else self.tr("{0:,} records").format(len(self.named)),
                self.tr("1 name") if len(self.unknown) == 1 else self.tr("{0:,} names").format(len(self.unknown))))

    # ------------------------------------------------------------ moving about
    def show_passage(self, start: int, end: int) -> None:
        """Select ``text[start:end]`` and bring it into view."""
        if self.source is None:
            return
        length = len(self.source.text)
        start, end = max(0, min(start, length)), max(0, min(end, length))
        self.view.select_span(min(start, end), max(start, end))
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _step_through(self, key, name: str, spans: list[tuple[int, int]]) -> None:
        """Select the next place ``spans`` lists (the first again after the last)."""
        if not spans:
            return
        i = self._step.get(key, -1) + 1
        if i >= len(spans):
            i = 0
        self._step[key] = i
        self.view.select_span(*spans[i])
        self.status.setText(self.tr("{0}: {1} of {2}").format(seal_bidi(name), i + 1, len(spans)))

    def _name_clicked(self, item: QTreeWidgetItem | None) -> None:
        key = item.data(0, KEY) if item is not None else None
        if not key:
            return
        named = next((n for n in self.named if (n.collection, n.record_id) == tuple(key)), None)
        if named is not None:
            self._step_through(tuple(key), named.label, named.spans)

    def _name_activated(self, item: QTreeWidgetItem | None) -> None:
        key = item.data(0, KEY) if item is not None else None
        if key:
            self.ctx.sig_open_record.emit(*key)

    def _candidate_clicked(self, item: QListWidgetItem | None) -> None:
        name = item.data(KEY) if item is not None else None
        unknown = next((u for u in self.unknown if u.text == name), None)
        if unknown is not None:
            self._step_through(("candidate", fold(name)), unknown.text, unknown.spans)

    def open_mention(self, mention) -> None:
        self.ctx.sig_open_record.emit(mention.collection, mention.record_id)

    # ------------------------------------------------------------ coding
    def _writable(self) -> bool:
        return self.source is not None and not self.ctx.ws.readonly

    def _update_actions(self) -> None:
        selected = self.view.selection() is not None
        can_code = self._writable() and selected
        self.new_position_action.setEnabled(can_code and bool(self.ctx.negotiation_id))
        self.cite_action.setEnabled(can_code)
        self.new_position_button.setEnabled(self.new_position_action.isEnabled())
        self.cite_button.setEnabled(self.cite_action.isEnabled())
        if not selected:
            hint = self.tr("Select a passage in the text first")
        elif not self.ctx.negotiation_id:
            hint = self.tr("Choose a negotiation first")
        else:
            hint = self.new_position_action.toolTip()
        self.new_position_button.setToolTip(hint)
        self.cite_button.setToolTip(self.cite_action.toolTip() if selected else hint)
        has_candidate = self._writable() and self.candidates.currentItem() is not None
        self.person_button.setEnabled(has_candidate)
        self.alias_button.setEnabled(has_candidate)
        self.open_button.setEnabled(bool(self.named))

    def _extend_menu(self, menu: QMenu, mention) -> None:
        menu.addSeparator()
        menu.addAction(self.new_position_action)
        menu.addAction(self.cite_action)
        if mention is not None:
            menu.addSeparator()
            label = seal_bidi(mention.label).replace("&", "&&")  # an action's text takes & as a mnemonic
            action = menu.addAction(self.tr("Open {0} “{1}”").format(self.tr(SINGULAR[mention.collection]), label))
            action.triggered.connect(lambda _c=False, m=mention: self.open_mention(m))

    def selected_passage(self) -> tuple[int, int] | None:
        span = self.view.selection()
        if span is None or self.source is None:
            return None
        start, end = span
        text = self.source.text
        while start < end and text[start].isspace():  # a selection made by dragging takes spaces along
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return (start, end) if end > start else None

    def new_position_from_selection(self) -> bool:
        """Open a new position drafted from the selected passage in the Positions pane."""
        span = self.selected_passage()
        if span is None or not self._writable():
            self.ctx.sig_status.emit(self.tr("Select a passage in the text first"))
            return False
        if not self.ctx.negotiation_id:
            self.ctx.sig_status.emit(self.tr("Choose a negotiation first: a position belongs to one"))
            return False
        try:
            position = position_from_passage(self.ctx.ws, self.source, self.found, *span, self.ctx.negotiation_id)
        except DossierError as exc:
            self.ctx.sig_status.emit(str(exc))
            return False
        if not open_draft(self, "positions", position):
            return False
        self.ctx.sig_status.emit(self.tr("New position from the passage: check the party, topic and kind, "
                                         "then Create position"))
        return True

    def cite_selection(self):
        """Cite the selected passage on a record the analyst picks (one undoable edit)."""
        span = self.selected_passage()
        if span is None or not self._writable():
            self.ctx.sig_status.emit(self.tr("Select a passage in the text first"))
            return None
        return cite_passage(self.ctx, self, self.source.id, self.source.text[span[0]:span[1]])

    def current_candidate(self) -> str | None:
        item = self.candidates.currentItem()
        return item.data(KEY) if item is not None else None

    def candidate_as_person(self) -> bool:
        """Open a new person drafted from the chosen name in the People pane."""
        name = self.current_candidate()
        if name is None or not self._writable():
            return False
        return open_draft(self, "people", person_draft(name))

    def candidate_as_alias(self):
        """Add the chosen name to the aliases of a person the analyst picks (one undoable edit)."""
        name = self.current_candidate()
        if name is None or not self._writable():
            return None
        return alias_for(self.ctx, self, name)
