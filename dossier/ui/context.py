"""What every pane shares: the open workspace, the undo stack, the chosen negotiation.

Panes never talk to each other directly. After an operation the workspace announces a
``Change``; ``AppContext.sig_changed`` re-emits it on the GUI thread and each pane
refreshes what it shows of it. A pane asks for navigation through ``sig_open_record``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:  # the window shows before the services load
    from dossier.services.workspace import Change, Workspace


class AppContext(QObject):
    #: a committed change (dossier.services.workspace.Change)
    sig_changed = Signal(object)
    #: the chosen negotiation's id changed (str, or "" when none)
    sig_negotiation_changed = Signal(str)
    #: please show this record: (collection, id), e.g. ("people", "ron-dermer")
    sig_open_record = Signal(str, str)
    #: a message for the status bar
    sig_status = Signal(str)
    #: an undo or redo changed this record: (collection, id); the window brings it into view
    sig_revealed = Signal(str, str)
    #: please show this passage of a source's document: (source id, start, end), code point
    #: offsets in ``Source.text``; the Sources pane shows the source with its reader at the passage
    sig_open_passage = Signal(str, int, int)

    def __init__(self, ws: Workspace, settings: QSettings, parent: QObject | None = None):
        super().__init__(parent)
        self.ws = ws
        self.settings = settings
        self.undo_stack = QUndoStack(self)
        #: (collection, id) -> the version this window's own last write left the record at;
        #: undo and redo are checked against it, so they never overwrite someone else's change
        self.versions: dict[tuple[str, str], int | None] = {}
        self.negotiation_id: str | None = None
        ws.subscribe(self._on_change)

    def _on_change(self, change: Change) -> None:
        self.sig_changed.emit(change)

    def set_negotiation(self, negotiation_id: str | None) -> None:
        if negotiation_id != self.negotiation_id:
            self.negotiation_id = negotiation_id
            self.sig_negotiation_changed.emit(negotiation_id or "")

    def detach(self) -> None:
        self.ws.unsubscribe(self._on_change)


class Pane(QWidget):
    """Base of the sidebar panes. Subclasses set ``key`` and ``title`` and override the hooks."""

    key: str = ""
    title: str = ""
    #: the collections whose records ``show_record`` can show: the window builds a pane
    #: only when it is first shown, and asks only the panes that can show a record
    shows: tuple[str, ...] = ()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        ctx.sig_changed.connect(self.on_changed)
        ctx.sig_negotiation_changed.connect(lambda _id: self.reload())

    def on_changed(self, change: Change) -> None:
        """Refresh what this pane shows of the change (default: reload all)."""
        self.reload()

    def reload(self) -> None:
        """Re-read everything shown from the workspace."""

    def show_record(self, collection: str, record_id: str) -> bool:
        """Select and show the record; return False when this pane does not show that kind."""
        return False

    def can_leave(self) -> bool:
        """Whether the window may show something else now (asks about an edit not saved yet)."""
        return True

    def new_record(self, record=None) -> bool:
        """Edit ▸ New record while this pane is shown (``record``: a draft with fields chosen)."""
        return False

    def delete_selected(self) -> None:
        """Edit ▸ Delete while this pane is shown."""

    def show_history(self) -> None:
        """Edit ▸ Record history… while this pane is shown: who changed the record shown, and what."""

    def save_state(self) -> None:
        """Store splitter sizes and similar in ``ctx.settings``."""

    def restore_state(self) -> None:
        """Restore what save_state stored."""
