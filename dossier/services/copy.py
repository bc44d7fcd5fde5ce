"""Moving a whole workspace between SQLite and PostgreSQL, in either direction, losslessly.

Every record goes through the interchange format (so what arrives is checked by the same
rules as an import), with its version, the sources' numbers (and the highest number given,
so none is given again) and the whole history beside it. The target must be new or empty;
it is written in one transaction, so a failed copy leaves it empty. A record the target
refuses is named (``people[p-1]``) in the one line that says why the copy failed.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.exc import DBAPIError

from dossier.errors import WorkspaceError
from dossier.model.records import COLLECTIONS, Document
from dossier.services import interchange
from dossier.services.workspace import Workspace, open_workspace
from dossier.store import history as history_store
from dossier.store import rows as store
from dossier.store import search_index
from dossier.store.database import SCHEMA_HEAD, display_location, same_workspace, workspace_revision
from dossier.store.rows import WRITE_ORDER
from dossier.store.rows.write import MissingReference

_HISTORY_COLUMNS = ("collection", "uid", "action", "at", "who", "before", "after", "origin", "login")


@dataclass(frozen=True)
class CopyReport:
    source: str
    target: str
    counts: dict[str, int]
    history_rows: int

    def summary(self) -> str:
        held = ", ".join(f"{n} {name}" for name, n in self.counts.items())
        return f"{held}; {self.history_rows} history entries"


def _shown(location: str | os.PathLike) -> str:
    return display_location(location)


def open_existing(location: str | os.PathLike, *, lock_timeout: float = 0.0, **options) -> Workspace:
    """Open a workspace that must already exist; read-only when it needs no upgrade.
    ``options`` go to ``open_workspace`` (``check_records``)."""
    revision = workspace_revision(location)
    if revision is None:
        raise WorkspaceError(f"no workspace at {_shown(location)}")
    return open_workspace(location, readonly=revision == SCHEMA_HEAD, lock_timeout=lock_timeout,
                          daily_backup=False, **options)


def _same_place(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    return same_workspace(a, b)


def copy_workspace(source: str | os.PathLike, target: str | os.PathLike, *,
                   lock_timeout: float = 0.0) -> CopyReport:
    """Copy every record, version and history entry of ``source`` into ``target``.

    Each is a file path or a ``postgresql://`` URL. ``target`` is created when absent and
    must hold no records and no history; a non-empty target is refused, never overwritten.
    """
    if _same_place(source, target):
        raise WorkspaceError("the source and the target of a copy are the same workspace")
    with open_existing(source, lock_timeout=lock_timeout) as src:
        doc, versions, highest, rows = _read_all(src)
    with open_workspace(target, lock_timeout=lock_timeout, daily_backup=False) as dst:
        with dst.db.write() as conn:
            _refuse_non_empty(conn, dst.location)
            _write_all(conn, doc, versions, highest, rows, dst.location)
        return CopyReport(_shown(source), dst.location, doc.count(), len(rows))


def _read_all(ws: Workspace) -> tuple[Document, dict[str, dict[str, int]], int, list[dict]]:
    """Records (through the interchange format, with the sources' numbers), versions, the highest
    source number given and history, in one transaction."""
    with ws.db.read() as conn:
        maps = store.all_uid_maps(conn)
        numbers = store.numbers_of(conn, "sources")
        highest = store.highest_number(conn, "sources")
        doc = Document()
        versions: dict[str, dict[str, int]] = {}
        for name in COLLECTIONS:
            doc.collection(name).extend(store.read_records(conn, name, uid_maps=maps))
            table = store.table_of(name)
            versions[name] = dict(conn.execute(select(table.c.uid, table.c.version).where(table.c.version != 1)).all())
        rows = history_store.all_rows(conn, _HISTORY_COLUMNS)
    data = json.dumps(interchange.document_to_json(doc), ensure_ascii=False).encode("utf-8")
    checked = interchange.read_document(data, bounded=False)  # Dossier's own export: no memory budget
    checked.source_numbers = numbers
    return checked, versions, highest, rows


def _refuse_non_empty(conn: Connection, location: str) -> None:
    held = sum(store.count_records(conn).values())
    entries = history_store.count(conn)
    if held or entries:
        raise WorkspaceError(f"{location} is not empty (it holds {held} records and {entries} history entries); "
                             "a copy goes only into a new or empty workspace")


def _write_all(conn: Connection, doc: Document, versions: dict[str, dict[str, int]], highest: int,
               rows: list[dict], location: str) -> None:
    for name in WRITE_ORDER:
        records = doc.collection(name)
        numbers = doc.source_numbers if name == "sources" else None
        try:
            with conn.begin_nested():  # a savepoint: on failure each record is tried alone
                _write_collection(conn, name, records, numbers)
        except Exception as exc:
            if isinstance(exc, DBAPIError) and exc.connection_invalidated:
                raise  # the connection is lost: no record is to blame
            raise _refused_record(conn, name, records, numbers, location, exc) from exc
        if versions.get(name):
            table = store.table_of(name)
            conn.execute(update(table).where(table.c.uid == bindparam("_uid")).values(version=bindparam("_v")),
                         [{"_uid": uid, "_v": v} for uid, v in versions[name].items()])
    store.keep_highest_number(conn, "sources", highest)
    history_store.add_many(conn, rows)


def _write_collection(conn: Connection, name: str, records: list, numbers: dict[str, int] | None) -> None:
    keys = store.write_records(conn, name, records, numbers=numbers)
    search_index.put(conn, name, [(keys[r.id], r) for r in records])


def _refused_record(conn: Connection, name: str, records: list, numbers: dict[str, int] | None,
                    location: str, failure: Exception) -> WorkspaceError:
    """The error naming the first record of ``name`` that ``location`` refuses when written alone
    (each in a savepoint of its own; the transaction is rolled back anyway), or naming the
    collection when none is refused alone."""
    for record in records:
        try:
            with conn.begin_nested():
                _write_collection(conn, name, [record], numbers)
        except MissingReference as exc:
            if exc.collection == name:  # it refers to a record of its own collection written later
                continue
            return WorkspaceError(f"cannot copy {name}[{record.id}] to {location}: {_reason(exc)}")
        except Exception as exc:  # noqa: BLE001 - whatever it is, it is said in one line with the record
            if isinstance(exc, DBAPIError) and exc.connection_invalidated:
                break
            return WorkspaceError(f"cannot copy {name}[{record.id}] to {location}: {_reason(exc)}")
    return WorkspaceError(f"cannot copy the {name} to {location}: {_reason(failure)}")


def _reason(exc: Exception) -> str:
    """What went wrong, in one line: the server's own message, without SQLAlchemy's statement."""
    if isinstance(exc, MissingReference):
        return f"it refers to {exc.collection}[{exc.uid}], which is missing"
    message = str(exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc).strip()
    return message.splitlines()[0].strip() if message else type(exc).__name__
