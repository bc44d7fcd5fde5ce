"""A checked document into the workspace, all or nothing (through ``services.commit``), and the
workspace out as a document."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

from dossier.errors import CancelledError, FieldError, ValidationError
from dossier.gcpause import cyclic_gc_paused
from dossier.model.records import COLLECTIONS, Document
from dossier.model.text import (
    quote_user_text,
)
from dossier.services.commit import committing
from dossier.services.interchange.codec import write_document
from dossier.services.interchange.reading import read_document
from dossier.services.session import Workspace
from dossier.store import rows as store
from dossier.store.rows import WRITE_ORDER


# ---------------------------------------------------------------- workspace import / export
@dataclass(frozen=True)
class ImportUndo:
    """What undoing one import takes (``dossier.services.import_undo``): the records it
    replaced as they were, the ids it added, and the version it left each record at with a
    fingerprint of what it wrote (a record changed since and changed back is still as the
    import left it)."""

    replaced: Document
    added: dict[str, list[str]]
    versions: dict[str, dict[str, int]]
    fingerprints: dict[str, dict[str, int]]


def fingerprint(record: object) -> int:
    """Equal for equal records within one run of the program."""
    return hash(repr(record))


@dataclass(frozen=True)
class ImportReport:
    added: dict[str, int]
    replaced: dict[str, int]
    undo: ImportUndo | None = None  # with ``import_document(..., undoable=True)``

    def summary(self) -> str:
        parts = []
        for name in COLLECTIONS:
            a, r = self.added.get(name, 0), self.replaced.get(name, 0)
            if a or r:
                parts.append(f"{name}: {a} added" + (f", {r} replaced" if r else ""))
        return "; ".join(parts) if parts else "nothing to import"


def import_document(ws: Workspace, doc: Document,
                    progress: Callable[[int, int], None] | None = None,
                    is_cancelled: Callable[[], bool] | None = None, *, undoable: bool = False) -> ImportReport:
    """Merge a checked document into the workspace by id, all or nothing.

    A record it replaces keeps its previous content in its history, and a source its number.
    New sources are numbered in the order of ``doc.sources``, each one past the highest number
    the workspace has given, or with its number in ``doc.source_numbers`` when no source holds
    that number (a deleted source put back). With ``undoable``, the report also holds what
    undoing the import takes (``ImportReport.undo``)."""
    added: dict[str, int] = {}
    replaced: dict[str, int] = {}
    undo = ImportUndo(Document(), {}, {}, {}) if undoable else None
    steps = len(WRITE_ORDER) + 1  # each collection, then the search index
    with cyclic_gc_paused(), committing(ws) as commit, store.bulk_page_cache(commit.conn):
        conn = commit.conn
        _check_against_workspace(conn, doc)
        # The records it replaces are locked (on PostgreSQL) until the import commits: one deleted
        # meanwhile is waited for and then added anew (and counted as added), never "replaced".
        existing = {name: store.lock_keys(conn, name, (r.id for r in doc.collection(name)))
                    for name in WRITE_ORDER}
        # Only adding: the indexes that bulk inserts drop are built once every row is in, each in
        # one long statement, while another thread folds the text for the search index (see
        # search_index.put_all). Nothing else may run alongside: a statement per row would wait
        # for Python's global lock after every row.
        adding_only = not any(existing.values())
        indexes = store.indexes_built_last(conn) if adding_only else contextlib.nullcontext(None)
        with indexes as build_indexes:
            for step, name in enumerate(WRITE_ORDER):
                if is_cancelled is not None and is_cancelled():
                    raise CancelledError("import")
                records = doc.collection(name)
                before = store.read_records(conn, name, list(existing[name].values())) if existing[name] else []
                keys = store.write_records(conn, name, records, existing[name],
                                           numbers=doc.source_numbers if name == "sources" else None)
                commit.imported(name, records, existing[name], keys, before)
                if undo is not None:
                    undo.replaced.collection(name).extend(before)
                    undo.added[name] = [r.id for r in records if r.id not in existing[name]]
                    undo.fingerprints[name] = {r.id: fingerprint(r) for r in records}
                replaced[name] = len(existing[name])
                added[name] = len(records) - len(existing[name])
                if progress is not None:
                    progress(step + 1, steps)
            if is_cancelled is not None and is_cancelled():
                raise CancelledError("import")
            commit.flush(alongside=build_indexes)  # the search index of every collection at once
        if undo is not None:  # the versions the import left, which undoing it expects to find
            for name in WRITE_ORDER:
                undo.versions[name] = store.versions_for(conn, name, [r.id for r in doc.collection(name)])
        if progress is not None:
            progress(steps, steps)
    return ImportReport(added, replaced, undo)


def _check_against_workspace(conn, doc: Document) -> None:
    """Clashes between the document and records that exist only in the workspace."""
    errors = []
    incoming = {r.id for r in doc.rounds}
    numbered = [r for r in doc.rounds if r.number is not None]
    owners = store.round_number_owners(conn, (r.negotiation for r in numbered)) if numbered else {}
    for rnd in numbered:
        owner = owners.get((rnd.negotiation, rnd.number))
        if owner is not None and owner not in incoming:
            errors.append(FieldError(
                f"rounds[{rnd.id}].number",
                f"round number {rnd.number} is already used in the workspace by round {quote_user_text(owner)}",
            ))
    if errors:
        raise ValidationError(errors)


def import_json(ws: Workspace, data: bytes, **kwargs) -> ImportReport:
    """Read an interchange file's bytes and merge it into the workspace, all or nothing."""
    return import_document(ws, read_document(data), **kwargs)


def export_document(ws: Workspace) -> Document:
    """The workspace's whole content, read in one consistent transaction, with the numbers of
    its sources (``Document.source_numbers``, which the interchange file leaves out)."""
    with cyclic_gc_paused(), ws.db.read() as conn:
        maps = store.all_uid_maps(conn)
        doc = Document(source_numbers=store.numbers_of(conn, "sources"))
        for name in COLLECTIONS:
            doc.collection(name).extend(store.read_records(conn, name, uid_maps=maps))
    return doc


def export_json(ws: Workspace, stream, **kwargs) -> None:
    write_document(export_document(ws), stream, **kwargs)
