"""Every edit made in the desktop app is a ``QUndoCommand`` that calls the services.

The first service call happens before the command is pushed (``push_save`` and
``push_delete``), so an edit the services refuse never lands on the undo stack; the
command's first ``redo`` is then a no-op. Each service call is its own transaction:
an edit is on disk as soon as it is made. Should a later undo or redo be refused
(someone changed the file meanwhile), the message goes to the status bar and the
command is made obsolete, so the stack never claims what did not happen.

Every save names the version of the record it was based on (``expected_version``), so
a change someone else saved meanwhile is never overwritten without asking: the save
shows who changed what (``dialogs.conflict``) and the user re-applies theirs or keeps
the other version. Undo and redo name the version they left, and are refused (with a
status message, the command made obsolete) when the record changed since.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from dossier.errors import (
    DossierError,
    FieldError,
    StaleRecordError,
    ValidationError,
    WorkspaceWriteError,
)
from dossier.model.labels import record_label
from dossier.model.records import SINGULAR, Document, collection_of
from dossier.services import interchange, records
from dossier.services.interchange import ImportUndo
from dossier.services.workspace import Change
from dossier.ui.context import AppContext
from dossier.ui.dialogs.conflict import MINE, ask_conflict
from dossier.ui.dialogs.record_changes import describe_time, merged
from dossier.ui.translate import translator

tr = translator("commands")


def lowered(text: str) -> str:
    """An undo text inside a sentence: “Edit person “Ron Dermer”” -> “edit person “Ron Dermer””."""
    return text[:1].lower() + text[1:]


def records_text(n: int) -> str:
    """“1 record”, “2 records”, “12,500 records”."""
    return (tr("{0} record") if n == 1 else tr("{0} records")).format(f"{n:,}")


class _ServiceCommand(QUndoCommand):
    """A command whose first redo already happened before it was pushed."""

    def __init__(self, ctx: AppContext, text: str):
        super().__init__(text)
        self.ctx = ctx
        self._first = True

    #: (collection, id) of the record the command changes, brought into view after an undo or redo
    target: tuple[str, str] | None = None

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
            if self.target is not None:
                self.ctx.sig_revealed.emit(*self.target)
        except StaleRecordError as exc:
            who = exc.changed_by or tr("someone else")
            verb = tr("deleted") if exc.current is None else tr("changed")
            self.ctx.sig_status.emit(tr("Could not {0}: {1} {2} it at {3}; their version is kept").format(
                lowered(self.text()), who, verb, describe_time(exc.changed_at)))
            self.setObsolete(True)
            self.ctx.sig_changed.emit(Change(changed={exc.collection: (exc.record_id,)}))
        except DossierError as exc:
            self.ctx.sig_status.emit(tr("Could not {0}: {1}").format(lowered(self.text()), exc))
            self.setObsolete(True)

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError


class SaveRecordCommand(_ServiceCommand):
    """Create (``before`` is None) or change one record; undo deletes or restores it.

    Undo and redo are based on the version this window's own last write left the record
    at (``AppContext.versions``), and refused when someone else has changed it since.
    """

    def __init__(self, ctx: AppContext, before: object | None, after: object, text: str):
        super().__init__(ctx, text)
        self.before = before
        self.after = after
        self.collection = collection_of(after)
        self.target = (self.collection, after.id)
        self.number: int | None = None  # a created source's number, given back when the creation is redone

    @property
    def key(self) -> tuple[str, str]:
        return self.collection, self.after.id

    def apply(self) -> None:
        known = self.ctx.versions.get(self.key)
        if self.before is None:
            saved = records.create(self.ctx.ws, self.after, number=self.number)
        else:
            saved = records.update(self.ctx.ws, self.after, expected_version=known)
        self.ctx.versions[self.key] = saved.version

    def revert(self) -> None:
        known = self.ctx.versions.get(self.key)
        if self.before is None:
            if self.collection == "sources":
                self.number = records.source_numbers(self.ctx.ws, [self.after.id]).get(self.after.id)
            records.delete(self.ctx.ws, self.collection, self.after.id, expected_version=known)
            self.ctx.versions.pop(self.key, None)
        else:
            self.ctx.versions[self.key] = records.update(self.ctx.ws, self.before, expected_version=known).version


class DeleteRecordCommand(_ServiceCommand):
    """Delete a record with everything that cannot exist without it; undo brings all back.

    Undo is refused when someone has meanwhile created a record with the same id; redo
    when the restored record has been changed since.
    """

    def __init__(self, ctx: AppContext, collection: str, record_id: str, text: str,
                 restore: Document | None = None):
        super().__init__(ctx, text)
        self.collection = collection
        self.record_id = record_id
        self.restore = restore
        self.target = (collection, record_id)

    def apply(self) -> None:
        known = self.ctx.versions.get((self.collection, self.record_id))
        _, self.restore = records.delete_preview(self.ctx.ws, self.collection, self.record_id)
        records.delete(self.ctx.ws, self.collection, self.record_id, cascade=True, expected_version=known)
        self.ctx.versions.pop((self.collection, self.record_id), None)

    def revert(self) -> None:
        assert self.restore is not None
        if records.exists(self.ctx.ws, self.collection, self.record_id):
            raise DossierError(tr("a {0} with id {1} was created meanwhile; it is kept").format(
                SINGULAR[self.collection], self.record_id))
        report = interchange.import_document(self.ctx.ws, self.restore, undoable=True)
        version = report.undo.versions.get(self.collection, {}).get(self.record_id)  # as the import left it
        if version is not None:
            self.ctx.versions[(self.collection, self.record_id)] = version


class ImportCommand(_ServiceCommand):
    """An import done in the app; undo puts back what it replaced and removes what it added
    (``dossier.services.import_undo``), or is refused with nothing changed when any of that
    was changed since. Undone, it leaves the stack: to redo it, import the file again."""

    def __init__(self, ctx: AppContext, undo: ImportUndo, text: str):
        super().__init__(ctx, text)
        self.undo_data = undo

    def apply(self) -> None:  # never called: an undone import leaves the stack
        raise DossierError(tr("import the file again"))

    def undo(self) -> None:
        from dossier.services.import_undo import ImportNotUndoneError

        try:
            self.revert()
        except ImportNotUndoneError as exc:
            self.ctx.sig_status.emit(tr("Could not undo {0}: {1}; nothing was changed").format(
                lowered(self.text()), exc.reason))
            self.setObsolete(True)
        except DossierError as exc:  # the write itself failed (a read-only file, a full disk)
            self.ctx.sig_status.emit(tr("Could not undo {0}: {1}").format(lowered(self.text()), exc))
            self.setObsolete(True)

    def revert(self) -> None:
        from dossier.services.import_undo import undo_import

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            report = undo_import(self.ctx.ws, self.undo_data)
        finally:
            QApplication.restoreOverrideCursor()
        self.ctx.versions.clear()
        self.ctx.sig_status.emit(tr("Undid {0}: {1} removed, {2} put back as they were").format(
            lowered(self.text()), records_text(sum(report.removed.values())),
            f"{sum(report.restored.values()):,}"))
        self.setObsolete(True)
        self.undo_data = None


@dataclass
class Saved:
    """What became of a save: refused (``error``), or the record as now saved and its version.

    ``replaced`` is true when the form must show ``record`` anew: the user kept another
    analyst's version (``theirs``; ``record`` None when they deleted it), or re-applied
    their own changes on top of it, or the write failed and ``record`` is the one still saved.
    """

    error: ValidationError | None = None
    record: object | None = None
    version: int | None = None
    replaced: bool = False
    theirs: bool = False


def push_save(ctx: AppContext, before: object | None, after: object, text: str,
              version: int | None = None, parent: QWidget | None = None) -> Saved:
    """Save ``after`` now and put the edit on the undo stack; say what became of it.

    ``version`` is the version of ``before`` the form showed: when someone else saved
    the record since, the user is shown what they changed and chooses (see ``Saved``).
    A refusal other than a validation error (a read-only file, a full disk, a record
    deleted meanwhile) comes back as a ValidationError without a field, so callers show
    it the same way. When the write itself failed, the status bar says so and the panes
    re-read the record, so the form shows the saved value again.
    """
    if before is not None and before == after:
        return Saved(record=before, version=version)
    collection = collection_of(after)
    try:
        if before is None:
            saved = records.create(ctx.ws, after)
        else:
            saved = records.update(ctx.ws, after, expected_version=version)
    except StaleRecordError as exc:
        return _resolve_conflict(ctx, exc, before, after, text, parent)
    except ValidationError as exc:
        return Saved(error=exc)
    except WorkspaceWriteError as exc:
        return _write_refused(ctx, exc, collection, before, version)
    except DossierError as exc:
        return Saved(error=ValidationError([FieldError("", str(exc))]))
    ctx.versions[(collection, after.id)] = saved.version
    ctx.undo_stack.push(SaveRecordCommand(ctx, before, after, text))
    return Saved(record=after, version=saved.version)


def _write_refused(ctx: AppContext, exc: WorkspaceWriteError, collection: str, before: object | None,
                   version: int | None) -> Saved:
    write_failed(ctx, exc, collection, None if before is None else before.id)
    return Saved(error=ValidationError([FieldError("", str(exc))]), record=before, version=version,
                 replaced=before is not None)


def _resolve_conflict(ctx: AppContext, exc: StaleRecordError, before: object, after: object, text: str,
                      parent: QWidget | None) -> Saved:
    """Someone else saved the record since the form read it: show what, and do as the user chooses."""
    while True:
        if ask_conflict(parent, exc, before, after) != MINE:
            ctx.sig_changed.emit(Change(changed={exc.collection: (exc.record_id,)}))
            return Saved(record=exc.current, version=exc.current_version, replaced=True, theirs=True)
        theirs = exc.current
        mine = after if theirs is None else merged(theirs, before, after)
        try:
            if theirs is None:
                saved = records.create(ctx.ws, mine)
            else:
                saved = records.update(ctx.ws, mine, expected_version=exc.current_version)
        except StaleRecordError as again:  # a third change came in while the dialog was open
            if theirs is not None:
                before = theirs
            exc = again
            continue
        except ValidationError as error:
            return Saved(error=error)
        except WorkspaceWriteError as error:
            return _write_refused(ctx, error, exc.collection, theirs, exc.current_version)
        except DossierError as error:
            return Saved(error=ValidationError([FieldError("", str(error))]))
        ctx.versions[(exc.collection, mine.id)] = saved.version
        ctx.undo_stack.push(SaveRecordCommand(ctx, theirs, mine, text))
        return Saved(record=mine, version=saved.version, replaced=True)


def write_failed(ctx: AppContext, error: WorkspaceWriteError, collection: str, record_id: str | None) -> None:
    """Say why a change could not be saved, and show the saved record (``record_id``) again.

    The workspace rolled the change back; re-reading the record makes every pane that
    shows it drop what was typed, so the window never shows an edit that is not on disk.
    A new record (``record_id`` None) stays in its form, to be saved once the cause is gone.
    """
    ctx.sig_status.emit(tr("Not saved: {0}").format(error))
    if record_id is not None:
        ctx.sig_changed.emit(Change(changed={collection: (record_id,)}))


def push_delete(ctx: AppContext, collection: str, record_id: str, parent_widget: QWidget | None,
                version: int | None = None) -> bool:
    """Delete a record through the undo stack, asking first when others refer to it.

    ``version`` is the version the form showed: a record someone else changed since is
    not deleted; the user is told who changed it and the panes show their version.
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
        from dossier.ui.messages import delete_confirmation

        referrers = {}
        for name in {ref.collection for ref in refs[:12]}:
            ids = list(dict.fromkeys(ref.record_id for ref in refs[:12] if ref.collection == name))
            try:
                referrers.update({(name, r.id): r for r in records.get_many(ctx.ws, name, ids)})
            except DossierError:
                pass

        def names(ref_collection: str, ref_id: str) -> str | None:
            try:
                return record_label(records.get(ctx.ws, ref_collection, ref_id))
            except DossierError:
                return None

        body = delete_confirmation(collection, record, refs, referrers, outcome.deleted, outcome.changed, names)
        box = QMessageBox(QMessageBox.Icon.Warning, tr("Delete {0}?").format(SINGULAR[collection]), body,
                          QMessageBox.StandardButton.Cancel, parent_widget)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setObjectName("deleteConfirmation")
        delete_button = box.addButton(tr("Delete"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is not delete_button:
            return False
    try:
        records.delete(ctx.ws, collection, record_id, cascade=True, expected_version=version)
    except StaleRecordError as exc:
        who = exc.changed_by or tr("Someone else")
        _warn(parent_widget, tr("{0} changed the {1} “{2}” at {3}, after you opened it, so it was not deleted.\n\n"
                                "The window now shows their version; delete it again if you still mean to.")
              .format(who, SINGULAR[collection], label, describe_time(exc.changed_at)))
        ctx.sig_changed.emit(Change(changed={collection: (record_id,)}))
        return False
    except DossierError as exc:
        _warn(parent_widget, str(exc))
        return False
    ctx.versions.pop((collection, record_id), None)
    ctx.undo_stack.push(DeleteRecordCommand(ctx, collection, record_id,
                                            tr("Delete {0} “{1}”").format(SINGULAR[collection], label),
                                            restore))
    return True


def _warn(parent: QWidget | None, message: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, tr("Dossier"), message, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()
