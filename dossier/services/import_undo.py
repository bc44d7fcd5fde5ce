"""Undoing an import: the records it replaced are put back as they were, the ones it added removed.

All or nothing, in one transaction. Refused, with nothing changed, when any record the
import wrote was changed or deleted since, or when a record outside the import now refers
to one it added: undoing then would throw away someone's later work.
"""

from __future__ import annotations

from dataclasses import dataclass

from dossier.errors import DossierError
from dossier.gcpause import cyclic_gc_paused
from dossier.model.records import SINGULAR
from dossier.model.text import quote_user_text
from dossier.services.commit import committing
from dossier.services.interchange import ImportUndo, fingerprint
from dossier.services.session import Workspace
from dossier.store import rows as store
from dossier.store.rows import WRITE_ORDER


class ImportNotUndoneError(DossierError):
    """Undoing an import was refused; the workspace is as it was."""

    def __init__(self, reason: str):
        super().__init__(f"the import cannot be undone: {reason}; nothing was changed")
        self.reason = reason


@dataclass(frozen=True)
class UndoReport:
    removed: dict[str, int]  # collection -> records the import had added
    restored: dict[str, int]  # collection -> records put back as they were before it


def _record(collection: str, record_id: str) -> str:
    return f"{SINGULAR[collection]} {quote_user_text(record_id)}"


def _and_more(first: str, count: int) -> str:
    return first if count == 1 else f"{first} and {count - 1} more"


def _check_untouched(conn, undo: ImportUndo) -> None:
    """Refuse unless every record the import wrote is as it left it: at the same version, or
    changed since and changed back."""
    for name in WRITE_ORDER:
        left = undo.versions.get(name)
        if not left:
            continue
        now = store.versions_for(conn, name, left)
        moved = [uid for uid, version in left.items() if now.get(uid) != version]
        if not moved:
            continue
        keys = store.keys_for(conn, name, moved)
        same = {r.id for r in store.read_records(conn, name, list(keys.values()))
                if fingerprint(r) == undo.fingerprints[name][r.id]}
        moved = [uid for uid in moved if uid not in same]
        if moved:
            verb = "deleted" if moved[0] not in now else "changed"
            raise ImportNotUndoneError(
                f"{_and_more(_record(name, moved[0]), len(moved))} "
                f"{'was' if len(moved) == 1 else 'were'} {verb} since")


def undo_import(ws: Workspace, undo: ImportUndo) -> UndoReport:
    """Undo an import; the report counts the records removed and put back."""
    removed: dict[str, int] = {}
    restored: dict[str, int] = {}
    with cyclic_gc_paused(), committing(ws) as commit, store.bulk_page_cache(commit.conn):
        conn = commit.conn
        commit.everything = True
        for name, left in undo.versions.items():  # nothing the import wrote may change until this commits
            store.lock_keys(conn, name, left)
        _check_untouched(conn, undo)
        leaving = {name: list(store.keys_for(conn, name, ids).values()) for name, ids in undo.added.items() if ids}
        outside = store.references_from_outside(conn, leaving)
        if outside:
            first = outside[0]
            raise ImportNotUndoneError(
                f"{_and_more(_record(first.collection, first.record_id), len(outside))} "
                f"made or changed since {'refers' if len(outside) == 1 else 'refer'} to records it added "
                f"({first.field})")
        for name in WRITE_ORDER:  # put back what was replaced: it may refer only to records kept
            records = undo.replaced.collection(name)
            if not records:
                continue
            existing = store.keys_for(conn, name, [r.id for r in records])
            imported = {r.id: r for r in store.read_records(conn, name, list(existing.values()))}
            try:
                keys = store.write_records(conn, name, records, existing)
            except store.MissingReference as exc:
                raise ImportNotUndoneError(
                    f"what it replaced refers to {_record(exc.collection, exc.uid)}, deleted since") from None
            for r in records:
                commit.saved(name, keys[r.id], r, before=imported.get(r.id), created=False)
            restored[name] = len(records)
        for name in reversed(WRITE_ORDER):  # then remove what was added, what refers to others first
            keys = leaving.get(name)
            if not keys:
                continue
            store.delete_many(conn, name, keys)
            commit.deleted(name, keys, undo.added[name])
            removed[name] = len(keys)
    return UndoReport(removed, restored)
