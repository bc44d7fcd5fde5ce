"""Records to and from the interchange JSON: raw values checked and made into the model's
dataclasses, and records written back as the spec writes them."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timezone

from dossier.errors import CancelledError, FieldError
from dossier.gcpause import cyclic_gc_paused
from dossier.model.records import COLLECTIONS, Document
from dossier.model.schema import (
    FIELDS,
    PROBLEMS_KEPT,
    ListOf,
    Obj,
    is_nullable,
)
from dossier.model.text import (
    is_valid_id,
    quote_user_text,
)
from dossier.services.interchange.limits import FORMAT, VERSION


# ---------------------------------------------------------------- raw -> records
def _convert(kind: object, raw: object, path: str, errors: list[FieldError]) -> object:
    """Turn nested JSON objects into dataclasses; scalars pass through for validation."""
    if isinstance(kind, ListOf) and isinstance(raw, list):
        if not isinstance(kind.item, Obj):
            return raw
        converted = []
        for i, item in enumerate(raw):
            if len(errors) > PROBLEMS_KEPT:  # enough said: the rest stay as they are
                converted.extend(raw[i:])
                break
            converted.append(_convert(kind.item, item, f"{path}[{i}]", errors))
        return converted
    if isinstance(kind, Obj):
        if not isinstance(raw, dict):
            return raw  # validation reports "expected an object"
        return _build(kind.cls, kind.fields, raw, path, errors)
    return raw


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_.-]{1,64}", re.ASCII)


def _key_in_path(key: str) -> str:
    """An unknown key as it appears in an error path: as is when plain, else escaped and cut short."""
    return key if _PLAIN_KEY.fullmatch(key) else quote_user_text(key)


def _build(cls: type, fields: dict, raw: dict, path: str, errors: list[FieldError]) -> object:
    values = {}
    for key in raw:
        if key not in fields and len(errors) <= PROBLEMS_KEPT:
            shown = _key_in_path(key)
            errors.append(FieldError(f"{path}.{shown}" if path else shown, "unknown field"))
    for name, kind in fields.items():
        if name in raw and not (raw[name] is None and isinstance(kind, ListOf)):
            values[name] = _convert(kind, raw[name], f"{path}.{name}", errors)
        elif isinstance(kind, ListOf):  # missing or null: a list is never required
            values[name] = []
        elif is_nullable(kind):
            values[name] = None
        else:
            errors.append(FieldError(f"{path}.{name}", "required field is missing"))
            values[name] = None
    record = cls(**values)
    return record


def _fast_builder(cls: type, fields: dict) -> Callable[[dict], object]:
    """Build a record from a raw object in the usual case: only known keys, every required one present.

    Returns None when the object is not that simple (or a nested one is not); then ``_build``
    is used, which says what is wrong and where."""
    known = frozenset(fields)
    required = frozenset(n for n, k in fields.items() if not isinstance(k, ListOf) and not is_nullable(k))
    nulls = {n: None for n, k in fields.items() if not isinstance(k, ListOf) and is_nullable(k)}
    lists = []
    for name, kind in fields.items():
        if isinstance(kind, ListOf):
            item = kind.item
            lists.append((name, _fast_builder(item.cls, item.fields) if isinstance(item, Obj) else None))
    objects = [(n, _fast_builder(k.cls, k.fields)) for n, k in fields.items() if isinstance(k, Obj)]

    def build(raw: dict) -> object:
        keys = raw.keys()
        if not (keys <= known and required <= keys):
            return None
        values = {**nulls, **raw}
        for name, item_builder in lists:
            value = raw.get(name)
            if value is None:
                values[name] = []
            elif item_builder is not None and value.__class__ is list:
                items = []
                for item in value:
                    if item.__class__ is dict:
                        item = item_builder(item)
                        if item is None:
                            return None
                    items.append(item)
                values[name] = items
        for name, builder in objects:
            value = raw.get(name)
            if value.__class__ is dict:
                value = builder(value)
                if value is None:
                    return None
                values[name] = value
        return cls(**values)

    return build


_FAST_BUILDERS = {name: _fast_builder(cls, FIELDS[name]) for name, cls in COLLECTIONS.items()}


class _DocumentResolver:
    """Answers reference questions from the document itself."""

    def __init__(self, doc: Document, ids: dict[str, set[str]] | None = None):
        if ids is None:
            ids = {name: {r.id for r in doc.collection(name) if is_valid_id(r.id)} for name in COLLECTIONS}
        self.ids = ids
        self.owner = {
            name: {r.id: r.negotiation for r in doc.collection(name) if is_valid_id(r.id)
                   and is_valid_id(r.negotiation)}
            for name in ("topics", "rounds")
        }

    def exists(self, collection: str, record_id: str) -> bool:
        return record_id in self.ids[collection]

    def negotiation_of(self, collection: str, record_id: str) -> str | None:
        return self.owner.get(collection, {}).get(record_id)



# ---------------------------------------------------------------- records -> JSON
def _plain(kind: object, value: object) -> object:
    if isinstance(kind, ListOf):
        return [_plain(kind.item, v) for v in value]
    if isinstance(kind, Obj):
        return {name: _plain(sub, getattr(value, name)) for name, sub in kind.fields.items()}
    if hasattr(value, "value") and isinstance(value, str):  # StrEnum member
        return str(value.value)
    return value


def record_to_json(collection: str, record: object) -> dict:
    return {name: _plain(kind, getattr(record, name)) for name, kind in FIELDS[collection].items()}


def document_to_json(doc: Document, exported_at: datetime | None = None) -> dict:
    stamp = (exported_at or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    out: dict = {"format": FORMAT, "version": VERSION, "exported_at": stamp}
    for name in COLLECTIONS:
        records = sorted(doc.collection(name), key=lambda r: r.id)
        out[name] = [record_to_json(name, r) for r in records]
    return out


def write_document(doc: Document, stream, exported_at: datetime | None = None,
                   is_cancelled: Callable[[], bool] | None = None) -> None:
    """Write the document as UTF-8 JSON text to a text stream, one record a line."""
    with cyclic_gc_paused():
        _write_document(doc, stream, exported_at, is_cancelled)


def _write_document(doc: Document, stream, exported_at: datetime | None,
                    is_cancelled: Callable[[], bool] | None) -> None:
    data = document_to_json(doc, exported_at)
    stream.write("{\n")
    head = [f'  "format": {json.dumps(data["format"])}', f'  "version": {data["version"]}',
            f'  "exported_at": {json.dumps(data["exported_at"])}']
    stream.write(",\n".join(head))
    for name in COLLECTIONS:
        stream.write(f',\n  "{name}": [')
        for i, rec in enumerate(data[name]):
            if is_cancelled is not None and i % 1000 == 0 and is_cancelled():
                raise CancelledError("export")
            stream.write(("\n    " if i == 0 else ",\n    ") + json.dumps(rec, ensure_ascii=False))
        stream.write("\n  ]" if data[name] else "]")
    stream.write("\n}\n")

