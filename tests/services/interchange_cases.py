"""Shared pieces of the interchange tests: a complete valid document and small helpers.

A plain helper module (no fixtures), imported by the interchange test modules of this folder:
``from interchange_cases import full_doc, encode, ...``.
"""

from __future__ import annotations

import copy
import io
import json

import pytest
from exported_form import exported_form

from dossier.errors import InterchangeError, ValidationError
from dossier.services import interchange
from dossier.services.workspace import open_workspace

COLLECTIONS = ("parties", "people", "negotiations", "topics", "rounds", "positions", "sources", "events")

_FULL = {
    "format": "dossier-interchange",
    "version": 1,
    "exported_at": "2026-01-05T09:00:00Z",
    "parties": [
        {"id": "p-a", "name": "Syria", "kind": "state", "country": "SY", "notes": "Transitional government."},
        {"id": "p-b", "name": "United States", "kind": "state", "country": "US", "notes": None},
        {"id": "p-c", "name": "UN", "kind": "organization", "country": None, "notes": ""},
    ],
    "people": [
        {
            "id": "per-1",
            "name": "Asaad al-Shaybani",
            "native_name": "أسعد الشيباني",
            "aliases": ["Asaad al-Shaibani", "As'ad al-Shaybani"],
            "party": "p-a",
            "title": "Minister of Foreign Affairs",
            "bio": "First paragraph.\n\nSecond paragraph.",
            "roles": [
                {"title": "Minister", "organization": "Syrian Arab Republic", "start": "2024-12", "end": None},
                {"title": "Envoy", "organization": None, "start": "2024", "end": "2024-11-30"},
            ],
            "notes": None,
        },
        {
            "id": "per-2",
            "name": "Tom Barrack",
            "native_name": None,
            "aliases": [],
            "party": "p-b",
            "title": None,
            "bio": None,
            "roles": [],
            "notes": None,
        },
    ],
    "negotiations": [
        {
            "id": "n-1",
            "title": "Israel–Syria security talks",
            "summary": "Talks.",
            "status": "active",
            "started": "2025",
            "ended": None,
            "parties": [{"party": "p-a", "role": "party"}, {"party": "p-b", "role": "mediator"}],
        },
        {
            "id": "n-2",
            "title": "Other talks",
            "summary": None,
            "status": "concluded",
            "started": "2024-03",
            "ended": "2024-03-15",
            "parties": [],
        },
    ],
    "topics": [
        {"id": "t-1", "negotiation": "n-1", "title": "Withdrawal", "description": "Of forces.",
         "category": "Security sector"},
        {"id": "t-2", "negotiation": "n-1", "title": "Disarmament", "description": None, "category": None},
        {"id": "t-3", "negotiation": "n-2", "title": "Borders", "description": None, "category": None},
    ],
    "rounds": [
        {
            "id": "r-1",
            "negotiation": "n-1",
            "number": 1,
            "title": "Paris round",
            "start": "2025-05-10",
            "end": "2025-05-12",
            "venue": "Paris",
            "status": "held",
            "mediator": "per-2",
            "summary": "Held in Paris.",
            "participants": [
                {"person": "per-1", "party": "p-a", "role": "head of delegation"},
                {"person": "per-2", "party": None, "role": None},
            ],
            "topics": ["t-1", "t-2"],
            "sources": [{"source": "s-1", "credibility": 2, "quote": "“they met”"}],
        },
        {
            "id": "r-2",
            "negotiation": "n-1",
            "number": 2,
            "title": None,
            "start": "2025-06",
            "end": None,
            "venue": None,
            "status": "planned",
            "mediator": None,
            "summary": None,
            "participants": [],
            "topics": [],
            "sources": [{"source": "s-2", "credibility": 3, "quote": None}],
        },
        {
            "id": "r-3",
            "negotiation": "n-2",
            "number": 1,
            "title": None,
            "start": None,
            "end": None,
            "venue": None,
            "status": "held",
            "mediator": None,
            "summary": None,
            "participants": [],
            "topics": ["t-3"],
            "sources": [],
        },
    ],
    "positions": [
        {
            "id": "pos-1",
            "negotiation": "n-1",
            "party": "p-a",
            "topic": "t-1",
            "round": "r-1",
            "person": "per-1",
            "date": "2025-05-11",
            "kind": "demand",
            "summary": "Full withdrawal first.",
            "sources": [{"source": "s-1", "credibility": 1, "quote": None}],
        },
        {
            "id": "pos-2",
            "negotiation": "n-2",
            "party": "p-b",
            "topic": "t-3",
            "round": None,
            "person": None,
            "date": None,
            "kind": "statement",
            "summary": "Supports talks.",
            "sources": [],
        },
    ],
    "sources": [
        {"id": "s-1", "title": "Report", "publisher": "Outlet", "url": "https://example.org/a?b=<c>",
         "published": "2025-05-12", "reliability": "B", "via": "s-2", "notes": None,
         "text": "PARIS, 12 May — The delegations met for five hours.\n\n“We agreed on nothing yet,” "
                 "an official said. قال مسؤول إن المحادثات مستمرة."},
        {"id": "s-2", "title": "Unnamed official", "publisher": None, "url": None, "published": None,
         "reliability": "F", "via": None, "notes": None, "text": None},
    ],
    "events": [
        {"id": "e-1", "negotiation": "n-1", "date": "2025-05", "title": "Announcement",
         "description": "Talks announced.", "people": ["per-1", "per-2"],
         "sources": [{"source": "s-2", "credibility": 6, "quote": "quoted"}]},
    ],
}


def full_doc() -> dict:
    """A valid document that uses every collection and every field, in exported form."""
    return copy.deepcopy(_FULL)


def encode(doc: object) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def record(doc: dict, collection: str, rid: str) -> dict:
    for item in doc[collection]:
        if item.get("id") == rid:
            return item
    raise KeyError(rid)


def validation_errors(doc_or_bytes) -> list:
    """The FieldErrors the reader reports for a document it must refuse."""
    data = doc_or_bytes if isinstance(doc_or_bytes, bytes) else encode(doc_or_bytes)
    with pytest.raises(ValidationError) as info:
        interchange.read_document(data)
    return info.value.errors


def error_paths(doc_or_bytes) -> list[str]:
    return sorted(e.path for e in validation_errors(doc_or_bytes))


def file_error(data: bytes) -> str:
    with pytest.raises(InterchangeError) as info:
        interchange.read_document(data)
    return str(info.value)


def export_dict(ws) -> dict:
    out = io.StringIO()
    interchange.export_json(ws, out)
    value = json.loads(out.getvalue())
    value.pop("exported_at")
    return value


def normalised(doc: dict) -> dict:
    """What a valid document must export as: no exported_at, fields left out filled in (``null``,
    ``[]`` for a list), collections sorted by id."""
    return exported_form(doc)


def new_workspace(path):
    return open_workspace(path)


def collections_started(work) -> list[int]:
    """Run the callables in ``work`` one after the other; how many garbage collections started
    during each (one may start as a paused collector resumes, on the way out)."""
    import gc

    counts, runs = [], []

    def seen(phase, _info):
        if phase == "start":
            runs.append(1)

    gc.collect()
    gc.callbacks.append(seen)
    try:
        for step in work:
            before = len(runs)
            step()
            counts.append(len(runs) - before)
    finally:
        gc.callbacks.remove(seen)
    return counts


def many_positions(doc: dict, n: int) -> dict:
    """``doc`` with its positions replaced by ``n`` copies of the first, without citations."""
    template = doc["positions"][0]
    doc["positions"] = [{**template, "id": f"p-{i:05d}", "sources": []} for i in range(n)]
    return doc
