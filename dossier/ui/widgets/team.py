"""What record forms share for working in a team: the note that someone else changed the
record under an edit in progress, the History… button, and the rule for refreshing a form.

A form shows one record at one version. When the workspace says the record changed:
the form reloads it when the user has nothing unsaved in it; otherwise it keeps what
the user typed and says who changed the record, and the save that follows is checked
against the new version (the conflict dialog then shows both).
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from dossier.errors import DossierError
from dossier.services import history
from dossier.services.workspace import Change, Workspace
from dossier.ui.dialogs.record_changes import describe_time
from dossier.ui.translate import translator

tr = translator("team")


class Refresh(Enum):
    LOAD = "load"  # show the record as saved now
    MARK = "mark"  # keep the user's unsaved edit, say that the record changed
    KEEP = "keep"  # nothing to do


def refresh_action(shown_version: int | None, fresh_version: int | None, unsaved: bool) -> Refresh:
    """What a form showing a record at ``shown_version`` does when it is now at ``fresh_version``."""
    if fresh_version == shown_version:
        return Refresh.KEEP if unsaved else Refresh.LOAD
    return Refresh.MARK if unsaved else Refresh.LOAD


def names_record(change: Change, collection: str, record_id: str | None) -> bool:
    """Whether ``change`` may concern that very record."""
    if record_id is None:
        return False
    return (change.everything or record_id in change.changed.get(collection, ())
            or record_id in change.deleted.get(collection, ()))


def last_change(ws: Workspace, collection: str, record_id: str) -> tuple[str, str]:
    """(who, when) of the newest change to a record, as its history has them."""
    try:
        entries = history.for_record(ws, collection, record_id)
    except DossierError:
        entries = []
    if not entries:
        return tr("someone else"), ""
    return entries[0].who or tr("someone else"), describe_time(entries[0].at)


class RemoteNote(QLabel):
    """“Changed by X — your edit will be checked when you save”, above a form; hidden otherwise."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("remoteNote")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setStyleSheet("background: #fff4ce; color: #4d3800; border: 1px solid #e0c060; "
                           "border-radius: 3px; padding: 4px 8px;")
        self.hide()

    def show_changed(self, who: str, when: str, deleted: bool = False) -> None:
        by = tr("{0} ({1})").format(who, when) if when else who
        if deleted:
            text = tr("Deleted by {0} — saving your edit will ask whether to re-create it").format(by)
        else:
            text = tr("Changed by {0} — your edit will be checked when you save").format(by)
        self.setText(text)
        self.show()

    def clear_note(self) -> None:
        self.clear()
        self.hide()
