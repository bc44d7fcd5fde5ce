"""What a valid interchange document exports as, by the spec's rule for a round trip.

Shared by the interchange tests of the services and of the command line.
"""

from __future__ import annotations

from dossier.model.records import COLLECTIONS
from dossier.model.schema import FIELDS, ListOf, Obj


def exported_form(doc: dict) -> dict:
    """``doc`` without ``exported_at``, every field it leaves out filled in (``null``, ``[]`` for a
    list), collections sorted by id."""
    out = {k: v for k, v in doc.items() if k != "exported_at"}
    for name in COLLECTIONS:
        out[name] = sorted((_filled(FIELDS[name], r) for r in out.get(name, [])), key=lambda r: r["id"])
    return out


def _filled(fields: dict, raw: dict) -> dict:
    """A valid record or list entry with every field it leaves out as the export writes it."""
    out = {}
    for name, kind in fields.items():
        value = raw.get(name)
        if isinstance(kind, ListOf):
            item = kind.item
            value = [_filled(item.fields, v) if isinstance(item, Obj) else v for v in value or []]
        out[name] = value
    return out


def exported_workspace(ws) -> dict:
    """The interchange JSON of an open workspace, without ``exported_at``: what two workspaces
    holding the same records both give."""
    from dossier.services import interchange

    data = interchange.document_to_json(interchange.export_document(ws))
    data.pop("exported_at")
    return data
