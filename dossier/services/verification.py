"""Every record of a workspace read back and held to the model's rules.

Dossier checks each record before it writes it, and the schema's CHECK constraints hold
what they can; but a file edited by another program (SQLite lets a connection switch its
CHECK constraints off, and knows nothing of calendars) can hold rows no Dossier wrote: a
position kind that does not exist, a 13th month, text where a number belongs, bytes,
references to nothing. Read into the app or a PDF, such a row would fail deep inside. So
the rows are held to the same rules as an imported document (``dossier.model.schema``)
when they are read whole: by ``check``, by a writable opening of a file not exactly as
this user's Dossier left it, by every opening in the app, and by the commands that print
or export a whole workspace. A record that breaks them is named, in one line.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from dossier.errors import WorkspaceError
from dossier.model.records import COLLECTIONS, Document
from dossier.model.schema import (
    cycle_error,
    record_checker,
    validate_record,
    via_cycles,
)
from dossier.model.text import is_valid_id

#: Problems listed at most by ``document_problems`` unless asked for more.
LIMIT = 1000


class _Known:
    """Answers validation's questions about references from the document itself."""

    def __init__(self, doc: Document):
        self.ids = {name: {r.id for r in doc.collection(name) if is_valid_id(r.id)} for name in COLLECTIONS}
        self.owner = {name: {r.id: r.negotiation for r in doc.collection(name)
                             if is_valid_id(r.id) and isinstance(r.negotiation, str)}
                      for name in ("topics", "rounds")}

    def exists(self, collection: str, record_id: str) -> bool:
        return record_id in self.ids[collection]

    def negotiation_of(self, collection: str, record_id: str) -> str | None:
        return self.owner.get(collection, {}).get(record_id)


def document_problems(doc: Document, limit: int = LIMIT) -> list[str]:
    """What in ``doc`` breaks the rules of its records, one line each (at most ``limit``, and
    then one line saying how many more): the same rules an imported document is held to."""
    known = _Known(doc)
    lines: list[str] = []
    total = 0
    for name in COLLECTIONS:
        quick = record_checker(name, known.ids)
        for index, record in enumerate(doc.collection(name)):
            if quick(record):
                errors = validate_record(name, record, known, index=index) if name in _CROSS else []
            else:
                errors = validate_record(name, record, known, index=index)
            for error in errors:
                total += 1
                if len(lines) < limit:
                    lines.append(str(error))
    vias = {s.id: s.via for s in doc.sources if is_valid_id(s.id) and (s.via is None or is_valid_id(s.via))}
    for source_id, loop in sorted(via_cycles(vias).items()):
        total += 1
        if len(lines) < limit:
            lines.append(str(cycle_error(f"sources[{source_id}]", loop)))
    if total > len(lines):
        lines.append(f"… and {total - len(lines)} more")
    return lines


#: Collections with rules across fields, checked even when every field is valid.
_CROSS = frozenset({"rounds", "negotiations", "people", "positions"})


class BrokenRecordsError(WorkspaceError):
    """The workspace holds records that break Dossier's rules; nothing was changed.

    ``problems`` lists them, one line each."""

    def __init__(self, name: str, path: Path | None, problems: list[str]):
        self.problems = problems
        count = sum(1 for p in problems if not p.startswith("…"))
        more = f", and {len(problems) - 1} more ('dossier check' lists them)" if count > 1 else ""
        rescue = (f" Rescue the others with: dossier export-json --db {shlex.quote(str(path))} --salvage "
                  "-o rescued.json") if path is not None else ""
        super().__init__(f"{name} holds records that break Dossier's rules, written by another program "
                         f"({problems[0]}{more}); it has not been changed.{rescue}")


def refuse_broken(doc: Document, name: str, path: Path | None) -> None:
    """Raise ``BrokenRecordsError`` when a record of ``doc`` (read from the workspace ``name``) breaks the rules."""
    problems = document_problems(doc)
    if problems:
        raise BrokenRecordsError(name, path, problems)


def whole_document(ws) -> Document:
    """Every record of the workspace, for a command that prints or exports it whole; refused
    (``BrokenRecordsError``, naming the first record and how to rescue the others) when one
    breaks the rules, as it would fail an import, a PDF or an analysis."""
    from dossier.services import interchange

    try:
        doc = interchange.export_document(ws)
    except WorkspaceError as exc:
        if "decode" not in str(exc):  # text that is not UTF-8: name its record
            raise
        reading = ws.db.tolerant_reader()
        if reading is None:  # nothing reads it better than the workspace itself
            raise
        doc = _export(reading)
    refuse_broken(doc, ws.db.name, ws.path)
    return doc


def read_tolerantly(ws) -> Document:
    """The workspace's whole content, read so that text that is not UTF-8 comes back as lone
    surrogates (a problem validation names) instead of failing the read (on a server, which
    holds only valid text, as it is)."""
    reading = ws.db.tolerant_reader()
    if reading is None:
        from dossier.services import interchange

        return interchange.export_document(ws)
    return _export(reading)


def _export(db) -> Document:
    """Every record of the open ``db``, which is closed after."""
    from dossier.services import interchange
    from dossier.services.session import Workspace

    with Workspace(db) as reading:
        return interchange.export_document(reading)


def check_records(ws) -> None:
    """Refuse (``BrokenRecordsError``) a workspace holding a record that breaks the rules."""
    refuse_broken(read_tolerantly(ws), ws.db.name, ws.path)


def check_file(path: Path) -> None:
    """Refuse the workspace file at ``path`` unless its schema is Dossier's (``ForeignSchemaError``)
    and its records keep the rules (``BrokenRecordsError``). Reads only; nothing is written to it."""
    from dossier.store.database import verify_file

    state = verify_file(path)
    if state.revision is not None:
        refuse_broken(read_file_tolerantly(path, state.revision), path.name, path)


def read_file_tolerantly(path: Path, revision: str) -> Document:
    """The records of the (verified) workspace file at ``path``, read as ``read_tolerantly`` does.
    A file of an older schema is copied into memory and upgraded there, the file left as it is."""
    from dossier.store.workspace_file import tolerant_reader

    with tolerant_reader(path, revision) as db:
        return _export(db)
