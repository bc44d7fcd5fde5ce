"""Opening a workspace from the desktop, and what to do when it cannot simply be opened.

Another running Dossier holding the workspace: say who, and offer to open it
read-only. A damaged file: say what is wrong and, when there is a good backup, offer to
restore it (the damaged file is kept beside it, untouched otherwise). Anything else:
the error's own message, never a traceback.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from dossier.errors import DossierError, LockHolder, WorkspaceDamagedError, WorkspaceLockedError
from dossier.services.backups_info import backup_made_at, backups_folder
from dossier.services.workspace import Workspace, open_workspace, restore_backup
from dossier.ui.alerts import show_error
from dossier.ui.dialogs.record_changes import describe_time
from dossier.ui.translate import translator

tr = translator("open_problems")


@dataclass
class Opened:
    """A workspace opened from the desktop, with anything the user should be told about it."""

    ws: Workspace
    notes: list[str]


def ask(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str, action: str | None) -> bool:
    """A plain-text question with ``action`` and Cancel (only OK when ``action`` is None); True for ``action``."""
    buttons = QMessageBox.StandardButton.Cancel if action else QMessageBox.StandardButton.Ok
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if action is None:
        box.exec()
        return False
    chosen = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is chosen


def describe_since(since: str) -> str:
    try:
        return describe_time(datetime.fromisoformat(since))
    except ValueError:
        return since


def holder_text(holder: LockHolder | None) -> str:
    """Who holds a workspace, one fact a line."""
    if holder is None:
        return tr("another program (it did not say who it is)")
    return "\n".join([
        tr("User: {0}").format(holder.user),
        tr("Computer: {0}").format(holder.host),
        tr("Since: {0}").format(describe_since(holder.since)),
        tr("Program: {0} (process {1})").format(holder.program, holder.pid),
    ])


def readonly_reason(holder: LockHolder | None) -> str:
    if holder is None:
        return tr("another program holds it")
    return tr("another Dossier holds it ({0} on {1}, since {2})").format(
        holder.user, holder.host, describe_since(holder.since))


def open_interactively(parent: QWidget | None, path: str | os.PathLike, *, readonly: bool = False) -> Opened | None:
    """Open the workspace at ``path``, asking the user what to do when that cannot be done as is.

    Returns None when the user cancels or the workspace cannot be opened (after saying why).
    """
    path = Path(path)
    try:
        return Opened(open_workspace(path, readonly=readonly), [])
    except WorkspaceLockedError as exc:
        return _offer_read_only(parent, path, exc)
    except WorkspaceDamagedError as exc:
        return _offer_restore(parent, path, exc)
    except DossierError as exc:
        show_error(parent, tr("Cannot open workspace"), str(exc))
        return None


def _offer_read_only(parent: QWidget | None, path: Path, exc: WorkspaceLockedError) -> Opened | None:
    text = "\n\n".join([
        tr("{0} is open in another Dossier:").format(path.name),
        holder_text(exc.holder),
        tr("Only one Dossier at a time can change a workspace. You can open it read-only to read, "
           "search and export it, or cancel and open it once the other Dossier has closed it."),
    ])
    if not ask(parent, QMessageBox.Icon.Warning, tr("Workspace in use"), text, tr("Open read-only")):
        return None
    opened = open_interactively(parent, path, readonly=True)
    if opened is not None:
        opened.ws.readonly_reason = readonly_reason(exc.holder)
    return opened


def _offer_restore(parent: QWidget | None, path: Path, exc: WorkspaceDamagedError) -> Opened | None:
    lines = [tr("{0} is damaged: {1}.").format(path.name, exc.reason),
             tr("Dossier has not changed the file.")]
    if exc.backup is None:
        lines.append(tr("No good backup of it was found in {0}.").format(backups_folder(path)))
        ask(parent, QMessageBox.Icon.Critical, tr("Workspace damaged"), "\n\n".join(lines), None)
        return None
    lines.append(tr("The newest good backup was made {0}:\n{1}").format(
        describe_time(backup_made_at(exc.backup)), exc.backup))
    lines.append(tr("Restoring it puts the backup in the workspace's place. The damaged file is kept "
                    "beside it as {0}.replaced-DATE-TIME; changes made since the backup are not in it.")
                 .format(path.name))
    if not ask(parent, QMessageBox.Icon.Critical, tr("Workspace damaged"), "\n\n".join(lines),
               tr("Restore newest good backup")):
        return None
    try:
        replaced = restore_backup(path, exc.backup)
    except DossierError as error:
        show_error(parent, tr("Restore failed"), str(error))
        return None
    opened = open_interactively(parent, path)
    if opened is not None:
        opened.notes.insert(0, tr("Restored the backup made {0}; the damaged file was kept as {1}").format(
            describe_time(backup_made_at(exc.backup)), replaced))
    return opened
