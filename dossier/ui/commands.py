"""Every edit made in the desktop app is a ``QUndoCommand`` that calls the services.

The first service call happens before the command is pushed (``push_save`` and
``push_delete``), so an edit the services refuse never lands on the undo stack; the
command's first ``redo`` is then a no-op. Each service call is its own transaction:
an edit is on disk as soon as it is made. Should a later undo or redo be refused
(someone changed the file meanwhile), the message goes to the status bar and the
command is made obsolete, so the stack never claims what did not happen.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QMessageBox, QWidget

from dossier.errors import DossierError, FieldError, ValidationError, WorkspaceWriteError
from dossier.model.records import SINGULAR, Document, collection_of
from dossier.services import interchange, records
from dossier.services.workspace import Change
from dossier.ui.context import AppContext


def tr(text: str) -> str:
    return QCoreApplication.translate("commands", text)


def record_label(record: object) -> str:
    """What a record is called in messages: a name, a title, or a position's summary."""
    for attr in ("name", "title", "summary"):
        value = getattr(record, attr, None)
        if isinstance(value, str) and value.strip():
            return value if len(value) <= 80 else value[:79] + "…"
    return getattr(record, "id", "")


class _ServiceCommand(QUndoCommand):
    """A command whose first redo already happened before it was pushed."""

    def __init__(self, ctx: AppContext, text: str):
        super().__init__(text)
        self.ctx = ctx
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._guarded(self.apply)

    def undo(self) -> None:
        self._guarded(self.revert)

    def _guarded(self, action) -> None:
        try:
            action()
        except DossierError as exc:
            self.ctx.sig_status.emit(tr("Could not {0}: {1}").format(self.text().lower(), exc))
            self.setObsolete(True)

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError


class SaveRecordCommand(_ServiceCommand):
    """Create (``before`` is None) or change one record; undo deletes or restores it."""

    def __init__(self, ctx: AppContext, before: object | None, after: object, text: str):
        super().__init__(ctx, text)
        self.before = before
        self.after = after
        self.collection = collection_of(after)

    def apply(self) -> None:
        if self.before is None:
            records.create(self.ctx.ws, self.after)
        else:
            records.update(self.ctx.ws, self.after)

    def revert(self) -> None:
        if self.before is None:
            records.delete(self.ctx.ws, self.collection, self.after.id)
        else:
            records.update(self.ctx.ws, self.before)


class DeleteRecordCommand(_ServiceCommand):
    """Delete a record with everything that cannot exist without it; undo brings all back."""

    def __init__(self, ctx: AppContext, collection: str, record_id: str, text: str,
                 restore: Document | None = None):
        super().__init__(ctx, text)
        self.collection = collection
        self.record_id = record_id
        self.restore = restore

    def apply(self) -> None:
        _, self.restore = records.delete_preview(self.ctx.ws, self.collection, self.record_id)
        records.delete(self.ctx.ws, self.collection, self.record_id, cascade=True)

    def revert(self) -> None:
        assert self.restore is not None
        interchange.import_document(self.ctx.ws, self.restore)


def push_save(ctx: AppContext, before: object | None, after: object, text: str) -> ValidationError | None:
    """Save ``after`` now and put the edit on the undo stack; return the refusal, if any.

    A refusal other than a validation error (a read-only file, a full disk, a record
    deleted meanwhile) comes back as a ValidationError without a field, so callers show
    it the same way. When the write itself failed, the status bar says so and the panes
    re-read the record, so the form shows the saved value again.
    """
    if before is not None and before == after:
        return None
    try:
        if before is None:
            records.create(ctx.ws, after)
        else:
            records.update(ctx.ws, after)
    except ValidationError as exc:
        return exc
    except WorkspaceWriteError as exc:
        write_failed(ctx, exc, collection_of(after), None if before is None else after.id)
        return ValidationError([FieldError("", str(exc))])
    except DossierError as exc:
        return ValidationError([FieldError("", str(exc))])
    ctx.undo_stack.push(SaveRecordCommand(ctx, before, after, text))
    return None


def write_failed(ctx: AppContext, error: WorkspaceWriteError, collection: str, record_id: str | None) -> None:
    """Say why a change could not be saved, and show the saved record (``record_id``) again.

    The workspace rolled the change back; re-reading the record makes every pane that
    shows it drop what was typed, so the window never shows an edit that is not on disk.
    A new record (``record_id`` None) stays in its form, to be saved once the cause is gone.
    """
    ctx.sig_status.emit(tr("Not saved: {0}").format(error))
    if record_id is not None:
        ctx.sig_changed.emit(Change(changed={collection: (record_id,)}))


def describe_cascade(deleted: dict[str, list[str]], changed: dict[str, list[str]]) -> list[str]:
    """Plain sentences for what else a delete touches, e.g. ``also deletes 3 positions``."""
    lines = []
    for name, ids in deleted.items():
        if ids:
            lines.append(tr("deletes {0} {1}").format(len(ids), name if len(ids) > 1 else SINGULAR[name]))
    for name, ids in changed.items():
        if ids:
            lines.append(tr("removes the reference from {0} {1}").format(
                len(ids), name if len(ids) > 1 else SINGULAR[name]))
    return lines


def push_delete(ctx: AppContext, collection: str, record_id: str, parent_widget: QWidget | None) -> bool:
    """Delete a record through the undo stack, asking first when others refer to it.

    Returns True when the record was deleted.
    """
    try:
        record = records.get(ctx.ws, collection, record_id)
        refs = records.references(ctx.ws, collection, record_id)
        outcome, restore = records.delete_preview(ctx.ws, collection, record_id)
    except DossierError as exc:
        _warn(parent_widget, str(exc))
        return False
    label = record_label(record)
    if refs:
        deleted = {k: [u for u in v if not (k == collection and u == record_id)]
                   for k, v in outcome.deleted.items()}
        referrers = []
        for ref in refs[:12]:
            referrers.append(f"  • {SINGULAR[ref.collection]} {ref.record_id} ({ref.field})")
        if len(refs) > 12:
            referrers.append("  " + tr("… and {0} more").format(len(refs) - 12))
        consequences = describe_cascade(deleted, outcome.changed)
        body = "\n".join([
            tr("{0} records refer to the {1} “{2}”:").format(len(refs), SINGULAR[collection], label),
            *referrers,
            "",
            tr("Deleting it also {0}.").format("; ".join(consequences)) if consequences else "",
            tr("You can undo this with Edit ▸ Undo."),
        ])
        box = QMessageBox(QMessageBox.Icon.Warning, tr("Delete {0}?").format(SINGULAR[collection]), body,
                          QMessageBox.StandardButton.Cancel, parent_widget)
        box.setTextFormat(Qt.TextFormat.PlainText)
        delete_button = box.addButton(tr("Delete"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is not delete_button:
            return False
    try:
        records.delete(ctx.ws, collection, record_id, cascade=True)
    except DossierError as exc:
        _warn(parent_widget, str(exc))
        return False
    ctx.undo_stack.push(DeleteRecordCommand(ctx, collection, record_id,
                                            tr("Delete {0} “{1}”").format(SINGULAR[collection], label),
                                            restore))
    return True


def _warn(parent: QWidget | None, message: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, tr("Dossier"), message, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()
