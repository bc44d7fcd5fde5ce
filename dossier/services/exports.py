"""Exports of a workspace: interchange JSON and PDF dossiers, one way each, for the command
line and the desktop app alike.

An export never replaces the workspace, one of its files or any other workspace
(``files.refuse_workspace_target``), whatever path reaches it. A file is written whole or
not at all, private to the user (``0600``): to a temporary file beside it, renamed over it
when complete, removed when the export fails or is cancelled.

``check_records`` (the default) refuses a workspace holding a record that breaks the rules,
naming it and how to rescue the others (``verification.whole_document``), as an import, a
PDF or an analysis would fail on it; the desktop app, which checked the records when it
opened the workspace, reads them as they are.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from dossier.errors import DossierError
from dossier.files import refuse_workspace_target, write_private
from dossier.model.records import Document
from dossier.services import interchange
from dossier.services.salvage import SalvageReport
from dossier.services.session import Workspace


def _document(ws: Workspace, check_records: bool) -> Document:
    if check_records:
        from dossier.services.verification import whole_document

        return whole_document(ws)
    return interchange.export_document(ws)


def _refuse_target(ws: Workspace, path: Path) -> None:
    refuse_workspace_target(path, None if ws.is_shared else ws.path)


def _write_text(path: Path, write: Callable[[TextIO], object]) -> None:
    """``files.write_private``, a failure told in one line."""
    try:
        write_private(path, write)
    except OSError as exc:
        raise DossierError(f"cannot write {path}: {exc.strerror or exc}") from None


# ---------------------------------------------------------------- interchange JSON
def export_json_file(ws: Workspace, path: str | os.PathLike, *, check_records: bool = True,
                     is_cancelled: Callable[[], bool] | None = None) -> Path:
    """Write every record of ``ws`` to the interchange JSON file ``path``; returns ``path``.
    Raises ``CancelledError`` (nothing written) when ``is_cancelled()`` turns true."""
    path = Path(path)
    _refuse_target(ws, path)
    doc = _document(ws, check_records)
    _write_text(path, lambda stream: interchange.write_document(doc, stream, is_cancelled=is_cancelled))
    return path


def export_json_stream(ws: Workspace, stream: TextIO, *, check_records: bool = True) -> None:
    """Write every record of ``ws`` as interchange JSON to the text ``stream`` (standard output)."""
    interchange.write_document(_document(ws, check_records), stream)


def salvage_json(workspace: str | os.PathLike, output: str | os.PathLike | TextIO, *,
                 left_out: Callable[[str], object] | None = None) -> SalvageReport:
    """Rescue the records of the workspace file ``workspace``, which cannot be opened as it is
    (``salvage.salvage``), into interchange JSON: the file ``output``, written whole or not at
    all, or a text stream. Each record or row left out is told to ``left_out``, one line each,
    before anything is written."""
    from dossier.services.salvage import salvage

    workspace = Path(workspace)
    if not workspace.exists():
        raise DossierError(f"no workspace at {workspace}")
    to_file = isinstance(output, (str, os.PathLike))
    if to_file:
        refuse_workspace_target(Path(output), workspace)
    report = salvage(workspace)
    if left_out is not None:
        for line in report.skipped:
            left_out(line)
    if to_file:
        _write_text(Path(output), lambda stream: interchange.write_document(report.doc, stream))
    else:
        interchange.write_document(report.doc, output)
    return report


# ---------------------------------------------------------------- PDF dossiers
def pdf_writer():
    """``export.pdf.export_pdf``; ``DossierError`` when this installation cannot write PDFs."""
    try:
        from dossier.export.pdf import export_pdf
    except ImportError as exc:
        raise DossierError(f"PDF export is not available in this installation: {exc}") from None
    return export_pdf


def export_pdf_file(ws: Workspace, path: str | os.PathLike, *, check_records: bool = True,
                    progress: Callable[[int, int], None] | None = None,
                    is_cancelled: Callable[[], bool] | None = None, **options) -> int:
    """Print a PDF dossier of ``ws`` to ``path`` and return its page count. ``options`` are
    ``export_pdf``'s: ``negotiation_id``, ``round_id``, ``person_id``, ``marking``, ``paper``,
    ``author``. Raises ``CancelledError`` (nothing written) when ``is_cancelled()`` turns true."""
    export_pdf = pdf_writer()  # refused before any work when it cannot be done
    path = Path(path)
    _refuse_target(ws, path)
    doc = _document(ws, check_records)
    return export_pdf(doc, path, progress=progress, is_cancelled=is_cancelled, **options)
