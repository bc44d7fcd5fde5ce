"""The window's slow work on files: import, export (JSON and PDF), backup, a source's document
(from a file, dropped on the window, or pasted), and preferences."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from dossier.ui.alerts import show_error

# The services, the panes and what they import (SQLAlchemy among them) load when a
# workspace is first shown, so the window itself appears as soon as Qt can draw it.
if TYPE_CHECKING:
    from dossier.services.documents import DocumentText

#: What *Add source document…* offers to open (``services.documents`` reads each).
DOCUMENT_FILTER = "Documents (*.txt *.html *.htm *.pdf *.eml *.docx);;All files (*)"


class FileActions:
    """The part of ``MainWindow`` that reads and writes files, off the GUI thread."""

    # ------------------------------------------------------------ a source's document
    def add_source_document(self) -> None:
        """File ▸ Add source document…: a new source holding the text of a file."""
        if not self._writable():
            return
        path = self._ask_path(False, self.tr("Add source document"), self.tr(DOCUMENT_FILTER))
        if path:
            self.start_source_document(Path(path))

    def start_source_document(self, path: Path):
        """Read ``path`` off the GUI thread, then show a new source holding its text, its title,
        publisher and date filled in where the document says them, to check and create."""
        from dossier.services.documents import read_document_file
        from dossier.ui.workers import run_task

        if not self._writable():
            return None
        ws = self.ctx.ws

        def done(document) -> None:
            if self.ctx is None or self.ctx.ws is not ws:  # another workspace was opened meanwhile
                return
            self.draft_source(document, path.name)

        return run_task(self, self.tr("Add source document"), self.tr("Reading {0}…").format(path.name),
                        lambda progress, is_cancelled: read_document_file(path), done,
                        lambda message: show_error(self, self.tr("Cannot add the document"), message))

    def fill_source_document(self, source_id: str) -> None:
        """The source form's *Read from a file…*: the text of a file becomes the document of the
        source shown (an edit like any other: saved at once, undone by Edit ▸ Undo)."""
        from dossier.services.documents import read_document_file
        from dossier.ui.workers import run_task

        if not self._writable():
            return
        chosen = self._ask_path(False, self.tr("Read the source's document from a file"), self.tr(DOCUMENT_FILTER))
        if not chosen:
            return
        path, ws = Path(chosen), self.ctx.ws

        def done(document) -> None:
            if self.ctx is None or self.ctx.ws is not ws:
                return
            pane = self.pane("sources")
            if pane is None or not pane.editor.take_document(source_id, document.text):
                self.statusBar().showMessage(self.tr("The source changed meanwhile; its document was left alone"),
                                             8000)

        run_task(self, self.tr("Read the source's document"), self.tr("Reading {0}…").format(path.name),
                 lambda progress, is_cancelled: read_document_file(path), done,
                 lambda message: show_error(self, self.tr("Cannot read the document"), message))

    def add_source_from_clipboard(self) -> bool:
        """File ▸ Add source from clipboard: a new source holding the text copied last."""
        from PySide6.QtWidgets import QApplication

        from dossier.errors import DossierError
        from dossier.services.documents import read_pasted_text

        if not self._writable():
            return False
        try:
            document = read_pasted_text(QApplication.clipboard().text())
        except DossierError as exc:
            show_error(self, self.tr("Cannot add the pasted text"), str(exc))
            return False
        return self.draft_source(document, None)

    def draft_source(self, document: DocumentText, name: str | None) -> bool:
        """A new source in the Sources pane holding ``document``: not saved until the analyst
        checks it and presses Create (its grade is theirs to give)."""
        from dossier.services.documents import new_source

        if not self._writable() or not self.show_pane("sources"):
            return False
        if not self.current_pane().new_record(new_source(document, name)):
            return False
        self.statusBar().showMessage(
            self.tr("{0}: {1:,} characters read. Check the title, publisher, date and grade, then Create source.")
            .format(name or self.tr("Pasted text"), len(document.text)), 15000)
        return True

    def import_json(self) -> None:
        path = self._ask_path(False, self.tr("Import JSON"), self.tr("Dossier interchange (*.json);;All files (*)"))
        if path:
            self.start_import(Path(path))

    def start_import(self, path: Path):
        from dossier.services import interchange
        from dossier.ui.workers import run_task

        ws = self.ctx.ws

        def work(progress, is_cancelled):
            doc = interchange.read_file(path)  # at most the size limit is read, and within its memory bound
            return interchange.import_document(ws, doc, progress=progress, is_cancelled=is_cancelled, undoable=True)

        def done(report) -> None:
            from dossier.ui.commands import ImportCommand, records_text

            if self.ctx is None or self.ctx.ws is not ws:  # another workspace was opened meanwhile
                return
            self.ctx.undo_stack.clear()  # earlier edits were made to records the import may have replaced
            self.ctx.versions.clear()
            self.ctx.undo_stack.push(ImportCommand(self.ctx, report.undo, self.tr("Import {0}").format(path.name)))
            self.statusBar().showMessage(
                self.tr("Imported {0}: {1} added, {2} replaced; Edit ▸ Undo takes it back").format(
                    path.name, records_text(sum(report.added.values())), f"{sum(report.replaced.values()):,}"), 8000)

        return run_task(self, self.tr("Import JSON"), self.tr("Importing {0}…").format(path.name), work, done,
                        lambda message: show_error(self, self.tr("Import failed"), message))

    def export_json(self) -> None:
        path = self._ask_path(True, self.tr("Export JSON"), self.tr("Dossier interchange (*.json)"),
                              self._workspace_stem() + ".json")
        if path:
            self.start_export_json(Path(path))

    def start_export_json(self, path: Path):
        from dossier.services.exports import export_json_file
        from dossier.ui.workers import run_task

        ws = self.ctx.ws

        def work(progress, is_cancelled):
            # The records were checked when the workspace was opened: they are written as they are.
            return export_json_file(ws, path, check_records=False, is_cancelled=is_cancelled)

        return run_task(self, self.tr("Export JSON"), self.tr("Writing {0}…").format(path.name), work,
                        lambda _p: self.statusBar().showMessage(self.tr("Wrote {0}").format(path), 8000),
                        lambda message: show_error(self, self.tr("Export failed"), message))

    def export_pdf(self) -> None:
        from dossier.ui.dialogs.export_pdf import ExportPdfDialog

        dialog = ExportPdfDialog(self.ctx, self)
        dialog.exec()

    def _workspace_stem(self) -> str:
        """A name for files made from the workspace: the file's stem, or the team database's name."""
        ws = self.ctx.ws
        if ws.is_shared:
            return ws.location.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0] or "team"
        return ws.path.stem

    def backup(self) -> None:
        if self.ctx.ws.is_shared:
            return
        path = self._ask_path(True, self.tr("Back up workspace"), self.tr("Dossier workspace (*.sqlite)"),
                              self.ctx.ws.path.stem + "-backup.sqlite")
        if path:
            self.start_backup(Path(path))

    def start_backup(self, path: Path):
        from dossier.services.workspace import backup_workspace
        from dossier.ui.workers import run_task

        ws = self.ctx.ws
        return run_task(self, self.tr("Backup"), self.tr("Copying to {0}…").format(path.name),
                        lambda progress, is_cancelled: backup_workspace(ws, path),
                        lambda _p: self.statusBar().showMessage(self.tr("Backed up to {0}").format(path), 8000),
                        lambda message: show_error(self, self.tr("Backup failed"), message))

    def show_preferences(self) -> None:
        from dossier.ui.dialogs.preferences import PreferencesDialog

        PreferencesDialog(self.settings, self).exec()

