"""The one path every write takes: what a transaction wrote and deleted, brought into the
search index, the records' versions, the history and the change announcement together.

A service opens ``committing(ws)``, writes its records with the store inside it, and tells
the ``Commit`` what it did (``saved``, ``deleted``, ``imported``); everything that must
follow a write is then done once, in the same transaction, in this order:

1. the search index: deleted records leave it, written ones are (re-)indexed;
2. versions: every record written over an existing one goes up by one (a created record
   starts at 1; an imported one is raised by the history's bulk path);
3. history: one row per change (a deleted record's id and text erased from it);
4. once the transaction has committed, the ``Change`` is announced to the workspace's
   listeners (the app's panes). A transaction that fails announces nothing.

Create, update, save, delete (``services.records``), import (``services.interchange``)
and the undoing of an import (``services.import_undo``) all go through it, so none of them
can forget a step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Connection

from dossier.services import history
from dossier.services.history import Edit
from dossier.services.session import Change, Workspace
from dossier.store import rows as store
from dossier.store import search_index


@dataclass
class _Imported:
    collection: str
    records: Sequence
    replaced: dict[str, int]  # uid -> key of the records that existed before
    keys: dict[str, int]  # uid -> key of every record written
    before: Sequence  # the replaced records as they were


@dataclass
class Commit:
    """What one transaction changed so far; ``flush`` brings the rest of the workspace along."""

    conn: Connection
    everything: bool = False  # announce a change of everything (an import)
    _index: dict[str, list[tuple[int, object]]] = field(default_factory=dict)
    _unindex: dict[str, list[int]] = field(default_factory=dict)
    _bump: dict[str, list[int]] = field(default_factory=dict)
    _edits: list[Edit] = field(default_factory=list)
    _imports: list[_Imported] = field(default_factory=list)
    _changed: dict[str, list[str]] = field(default_factory=dict)
    _deleted: dict[str, list[str]] = field(default_factory=dict)

    def saved(self, collection: str, key: int, record, *, before=None, created: bool) -> None:
        """``record`` was written under ``key``: created, or over ``before``."""
        self._index.setdefault(collection, []).append((key, record))
        if not created:
            self._bump.setdefault(collection, []).append(key)
        self._edits.append(Edit(collection, record.id, "create" if created else "update", before, record))
        self._changed.setdefault(collection, []).append(record.id)

    def deleted(self, collection: str, keys: Sequence[int], uids: Sequence[str]) -> None:
        """The records ``uids`` (stored under ``keys``) were deleted."""
        self._unindex.setdefault(collection, []).extend(keys)
        self._edits += [Edit(collection, uid, "delete") for uid in uids]
        self._deleted.setdefault(collection, []).extend(uids)

    def imported(self, collection: str, records: Sequence, replaced: dict[str, int], keys: dict[str, int],
                 before: Sequence = ()) -> None:
        """An import wrote ``records`` (``keys``: uid -> key), replacing those in ``replaced``
        (uid -> key), which were ``before``. History takes them in bulk, one ``import`` row each."""
        self._index.setdefault(collection, []).extend((keys[r.id], r) for r in records)
        self._imports.append(_Imported(collection, records, replaced, keys, before))
        self.everything = True

    def flush(self, *, alongside: Callable[[], None] | None = None) -> None:
        """Index, version and record in history everything told so far (in this transaction).
        ``alongside``: long SQL statements to run while the search text is folded (an import's
        index builds; see ``search_index.put_all``)."""
        conn = self.conn
        for collection, keys in self._unindex.items():
            search_index.remove(conn, collection, keys)
        if self._index or alongside is not None:
            search_index.put_all(conn, self._index, alongside=alongside)
        for collection, keys in self._bump.items():
            history.bump_versions(conn, collection, keys)
        for batch in self._imports:
            history.imported(conn, batch.collection, batch.records, batch.replaced, batch.keys, batch.before)
        history.write(conn, self._edits)
        self._index, self._unindex, self._bump, self._edits, self._imports = {}, {}, {}, [], []

    @property
    def change(self) -> Change:
        return Change(changed={k: tuple(v) for k, v in self._changed.items()},
                      deleted={k: tuple(v) for k, v in self._deleted.items()}, everything=self.everything)

    def version(self, collection: str, key: int) -> int:
        """The stored version of a record, as this transaction left it (after ``flush``)."""
        return store.version_of(self.conn, collection, key)


@contextmanager
def committing(ws: Workspace) -> Iterator[Commit]:
    """A write transaction whose changes go through one ``Commit``: flushed before the
    transaction commits, announced after it has."""
    with ws.db.write() as conn:
        commit = Commit(conn)
        yield commit
        commit.flush()
    ws.announce(commit.change)
