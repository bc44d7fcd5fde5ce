"""Rescuing the records of a workspace file that cannot be opened as it is.

A file whose schema is not Dossier's (an extra trigger, a view where a table should be)
is refused, and so is one holding rows that break the rules; the records in it may still be
the analyst's. ``salvage`` reads them without running any of the file's own SQL: the file
is opened read-only with ``trusted_schema`` off, only plain tables are read (those
``sqlite_master`` lists as type ``table``, not virtual, by the names Dossier's migrations
give them; never a view), and only their stored columns. The rows go into a new in-memory
workspace made by the migrations at the file's schema revision, one by one, where the
schema's own constraints hold them (a row that breaks one is skipped; see
``dossier.store.workspace_file.rescued``), then that workspace is upgraded to the current
schema and read as an interchange document, and every record of it is held to the rules of
an import: one that breaks them is left out (an entry of a list, just that entry). What is left out is listed, one line each. The document is what
``dossier import-json`` reads into a new workspace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from dossier.model.records import COLLECTIONS, Document
from dossier.model.schema import FIELDS, ListOf, validate_record, via_cycles
from dossier.model.text import is_valid_id


@dataclass
class SalvageReport:
    doc: Document
    revision: str  # the schema revision the file was read as
    skipped: list[str] = field(default_factory=list)  # one line per row or record left out

    def summary(self) -> str:
        held = ", ".join(f"{n} {name}" for name, n in self.doc.count().items())
        return f"{held}; {len(self.skipped)} left out"


def salvage(path: str | Path) -> SalvageReport:
    """The records of the workspace file at ``path`` that can be rescued (see the module's docstring)."""
    from dossier.services import interchange
    from dossier.services.session import Workspace
    from dossier.store.workspace_file import rescued

    with rescued(Path(path)) as (db, revision, skipped), Workspace(db) as reading:
        doc = interchange.export_document(reading)
    doc.source_numbers = {}
    _keep_valid(doc, skipped)
    return SalvageReport(doc, revision, skipped)


class _Known:
    def __init__(self, doc: Document):
        self.ids = {name: {r.id for r in doc.collection(name) if is_valid_id(r.id)} for name in COLLECTIONS}
        self.owner = {name: {r.id: r.negotiation for r in doc.collection(name) if is_valid_id(r.id)}
                      for name in ("topics", "rounds")}

    def exists(self, collection: str, record_id: str) -> bool:
        return record_id in self.ids[collection]

    def negotiation_of(self, collection: str, record_id: str) -> str | None:
        return self.owner.get(collection, {}).get(record_id)


_IN_LIST = re.compile(r"^[a-z]+\[[^\]]*\]\.([a-z_]+)\[(\d+)\]")


def _keep_valid(doc: Document, skipped: list[str]) -> None:
    """Leave out of ``doc`` every record (or list entry) that breaks the rules of an import, and
    what comes to break them once it is gone (a reference to a record left out)."""
    vias = {s.id: s.via for s in doc.sources if is_valid_id(s.id) and (s.via is None or is_valid_id(s.via))}
    loops = via_cycles(vias)
    for source in doc.sources:
        if source.id in loops:
            skipped.append(f"sources[{source.id}].via: the via chain comes back to where it started; "
                           "the source is kept without it")
            source.via = None
    while True:
        known = _Known(doc)
        left_out = 0
        for name in COLLECTIONS:
            kept = []
            for index, record in enumerate(doc.collection(name)):
                errors = validate_record(name, record, known, index=index)
                if not errors:
                    kept.append(record)
                    continue
                entries = _list_entries(name, errors)
                if entries is not None:  # only entries of lists are wrong: drop those
                    for list_field, positions in entries.items():
                        items = getattr(record, list_field)
                        for i in sorted(positions, reverse=True):
                            reason = next(str(e) for e in errors if _IN_LIST.match(e.path)
                                          and _IN_LIST.match(e.path).groups() == (list_field, str(i)))
                            skipped.append(f"an entry left out of a list: {reason}")
                            del items[i]
                    kept.append(record)
                else:
                    skipped.append("; ".join(str(e) for e in errors[:3]) + (" …" if len(errors) > 3 else ""))
                left_out += 1
            doc.collection(name)[:] = kept
        if not left_out:
            return


def _list_entries(collection: str, errors) -> dict[str, set[int]] | None:
    """``{list field: positions}`` when every error is inside an entry of a list, else None."""
    found: dict[str, set[int]] = {}
    for error in errors:
        match = _IN_LIST.match(error.path)
        if match is None or not isinstance(FIELDS[collection].get(match.group(1)), ListOf):
            return None
        found.setdefault(match.group(1), set()).add(int(match.group(2)))
    return found
