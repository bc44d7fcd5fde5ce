"""The interchange JSON format, version 1: reading, checking, writing.

Reading is strict, as the spec's "Precise rules" demand: the file must be one RFC 8259
JSON value in UTF-8 with no BOM, no NaN/Infinity, no duplicate keys, no trailing data,
at most 64 levels deep. Every record is then checked with the same rules the services
apply (``dossier.model.schema``), and the whole document is checked for references,
duplicate ids, via cycles and round numbers before anything is written.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from dossier.errors import CancelledError, FieldError, InterchangeError, ValidationError
from dossier.gcpause import cyclic_gc_paused
from dossier.model.records import COLLECTIONS, Document
from dossier.model.schema import (
    FIELDS,
    ListOf,
    Obj,
    cross_field_errors,
    cycle_error,
    is_nullable,
    record_checker,
    record_path,
    validate_record,
    via_cycles,
)
from dossier.model.text import describe_value, is_valid_id, quote_user_text
from dossier.services import history
from dossier.services.workspace import Change, Workspace
from dossier.store import records as store
from dossier.store.records import WRITE_ORDER
from dossier.store import search_index as fulltext

FORMAT = "dossier-interchange"
VERSION = 1
MAX_DEPTH = 64
#: Largest file read at all; bigger ones are refused before they are loaded.
MAX_FILE_BYTES = 256 * 1024 * 1024
#: Checking stops once this many problems are found, so a hostile file cannot make it run long.
MAX_ERRORS = 1000
TOP_KEYS = ("format", "version", "exported_at", *COLLECTIONS)


# ---------------------------------------------------------------- strict JSON
class _DuplicateKey(Exception):
    def __init__(self, key: str):
        self.key = key


class _BadConstant(Exception):
    def __init__(self, name: str):
        self.name = name


def _pairs_without_duplicates(pairs: list[tuple[str, object]]) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):  # some key came twice: name the first one repeated
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


def _refuse_constant(name: str) -> object:
    raise _BadConstant(name)


def _refuse_overflowing_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _BadConstant(text)
    return value


def _depth(value: object) -> int:
    """Nesting depth of containers, iteratively (the top-level object is level 1)."""
    deepest = 0
    stack = [(value, 1)] if isinstance(value, (dict, list)) else []
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        children = node.values() if isinstance(node, dict) else node
        stack.extend((v, level + 1) for v in children if isinstance(v, (dict, list)))
    return deepest


def parse_json(data: bytes, *, check_depth: bool = True) -> object:
    """Decode one strict JSON value from bytes, raising InterchangeError with a file-level reason.

    ``check_depth=False`` leaves the nesting limit to the caller (see ``read_document``)."""
    if not data:
        raise InterchangeError("the file is empty")
    if len(data) > MAX_FILE_BYTES:
        raise InterchangeError(f"the file is larger than {MAX_FILE_BYTES // 1048576} MB, "
                               "the most Dossier reads in one interchange file")
    if data.startswith(b"\xef\xbb\xbf"):
        raise InterchangeError("the file starts with a byte order mark (BOM); save it as UTF-8 without BOM")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InterchangeError(f"the file is not valid UTF-8 (byte {exc.start})") from None
    try:
        value = json.loads(
            text,
            object_pairs_hook=_pairs_without_duplicates,
            parse_constant=_refuse_constant,
            parse_float=_refuse_overflowing_float,
        )
    except _DuplicateKey as exc:
        raise InterchangeError(f"duplicate key {quote_user_text(exc.key)} in one JSON object") from None
    except _BadConstant as exc:
        raise InterchangeError(f"{exc.name} is not a JSON number") from None
    except RecursionError:
        raise InterchangeError(f"the JSON is nested deeper than {MAX_DEPTH} levels") from None
    except MemoryError:
        raise InterchangeError("the file is too large to read in the memory available") from None
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":
            raise InterchangeError(
                f"trailing data after the JSON value at line {exc.lineno} column {exc.colno}"
            ) from None
        raise InterchangeError(f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except ValueError as exc:
        if "digits" in str(exc):  # an integer longer than Python converts (thousands of digits)
            raise InterchangeError("the file holds a number with thousands of digits; "
                                   "no field takes a number that large") from None
        raise InterchangeError(f"not valid JSON: {exc}") from None
    if check_depth:
        _check_depth(value)
    return value


def _check_depth(value: object) -> None:
    if _depth(value) > MAX_DEPTH:
        raise InterchangeError(f"the JSON is nested deeper than {MAX_DEPTH} levels")


# ---------------------------------------------------------------- raw -> records
def _convert(kind: object, raw: object, path: str, errors: list[FieldError]) -> object:
    """Turn nested JSON objects into dataclasses; scalars pass through for validation."""
    if isinstance(kind, ListOf) and isinstance(raw, list):
        return [_convert(kind.item, item, f"{path}[{i}]", errors) for i, item in enumerate(raw)]
    if isinstance(kind, Obj):
        if not isinstance(raw, dict):
            return raw  # validation reports "expected an object"
        return _build(kind.cls, kind.fields, raw, path, errors)
    return raw


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_.-]{1,64}", re.ASCII)


def _key_in_path(key: str) -> str:
    """An unknown key as it appears in an error path: as is when plain, else escaped and cut short."""
    return key if _PLAIN_KEY.fullmatch(key) else quote_user_text(key)


class _Invalid:
    """Stands for a nested object that could not be built; validation skips it."""


def _build(cls: type, fields: dict, raw: dict, path: str, errors: list[FieldError]) -> object:
    values = {}
    for key in raw:
        if key not in fields:
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

    def __init__(self, doc: Document):
        self.ids = {name: {r.id for r in doc.collection(name) if is_valid_id(r.id)} for name in COLLECTIONS}
        self.owner = {
            name: {r.id: r.negotiation for r in doc.collection(name) if is_valid_id(r.id)
                   and is_valid_id(r.negotiation)}
            for name in ("topics", "rounds")
        }

    def exists(self, collection: str, record_id: str) -> bool:
        return record_id in self.ids[collection]

    def negotiation_of(self, collection: str, record_id: str) -> str | None:
        return self.owner.get(collection, {}).get(record_id)


def read_document(data: bytes) -> Document:
    """Parse and check a whole interchange document; raise on any problem, listing them all.

    A file nested too deeply is refused with that reason alone, as if checked first. The
    nesting is measured only when the file is refused for another reason or when some
    record was not both built and checked by the fast paths: a record that was is a few
    levels deep at most."""
    with cyclic_gc_paused():
        value = parse_json(data, check_depth=False)
        try:
            doc, all_simple = _read_value(value)
        except (InterchangeError, ValidationError):
            _check_depth(value)
            raise
        if not all_simple:
            _check_depth(value)
        return doc


def _read_value(value: object) -> tuple[Document, bool]:
    """The document of a parsed file, and whether every record took the fast paths."""
    all_simple = True
    if not isinstance(value, dict):
        raise InterchangeError(f"the top level must be a JSON object, got {describe_value(value)}")
    fmt = value.get("format", None)
    if "format" not in value:
        raise InterchangeError("format: required field is missing; this is not a Dossier interchange file")
    if fmt != FORMAT:
        raise InterchangeError(f"format: expected {FORMAT!r}, got {describe_value(fmt)}")
    version = value.get("version", None)
    if "version" not in value:
        raise InterchangeError("version: required field is missing")
    if type(version) is not int:
        raise InterchangeError(f"version: expected an integer, got {describe_value(version)}")
    if version > VERSION:
        raise InterchangeError(
            f"version: the file is interchange version {version}; this Dossier reads version {VERSION} "
            "and older. Update Dossier to read it."
        )
    if version < 1:
        raise InterchangeError(f"version: expected an integer 1 or more, got {describe_value(version)}")

    errors: list[FieldError] = []
    for key in value:
        if key not in TOP_KEYS:
            errors.append(FieldError(_key_in_path(key), "unknown field"))
    exported_at = value.get("exported_at")
    if exported_at is not None and not isinstance(exported_at, str):
        errors.append(FieldError("exported_at", f"expected text, got {describe_value(exported_at)}"))

    doc = Document()
    raw_indices: dict[str, list[int]] = {}
    for name, cls in COLLECTIONS.items():
        raw = value.get(name, [])
        if not isinstance(raw, list):
            errors.append(FieldError(name, f"expected an array, got {describe_value(raw)}"))
            continue
        records = doc.collection(name)
        indices = raw_indices.setdefault(name, [])
        fast = _FAST_BUILDERS[name]
        for i, item in enumerate(raw):
            if len(errors) >= MAX_ERRORS:
                raise ValidationError(errors[:MAX_ERRORS], truncated=True)
            if not isinstance(item, dict):
                errors.append(FieldError(f"{name}[#{i}]", f"expected an object, got {describe_value(item)}"))
                continue
            record = fast(item)
            if record is None:
                all_simple = False
                rid = item.get("id")
                base = f"{name}[{rid}]" if is_valid_id(rid) else f"{name}[#{i}]"
                record = _build(cls, FIELDS[name], item, base, errors)
            records.append(record)
            indices.append(i)

    resolver = _DocumentResolver(doc)
    for name in COLLECTIONS:
        seen: dict[str, int] = {}
        fields_ok = record_checker(name, resolver.ids)
        agree = _position_agrees(resolver) if name == "positions" else None
        for record, i in zip(doc.collection(name), raw_indices.get(name, []), strict=True):
            if len(errors) >= MAX_ERRORS:
                raise ValidationError(errors[:MAX_ERRORS], truncated=True)
            valid = fields_ok(record)
            if not valid:
                all_simple = False
                errors.extend(validate_record(name, record, resolver, index=i))
            elif agree is None or not agree(record):
                errors.extend(cross_field_errors(name, record, resolver, index=i))
            rid = record.id
            if valid or is_valid_id(rid):  # a record whose fields are valid has a valid id
                if rid in seen:
                    errors.append(
                        FieldError(f"{name}[{rid}].id", f"duplicate id, also at {name}[#{seen[rid]}]")
                    )
                else:
                    seen[rid] = i
    missing = {e.path for e in errors if e.message == "required field is missing"}
    errors = [e for e in errors if e.path not in missing or e.message == "required field is missing"]
    errors.extend(_round_number_clashes(doc, raw_indices.get("rounds", [])))
    vias = {s.id: s.via for s in doc.sources if is_valid_id(s.id) and (s.via is None or is_valid_id(s.via))}
    for source_id, loop in sorted(via_cycles(vias).items()):
        errors.append(cycle_error(f"sources[{source_id}]", loop))
    if errors:
        raise ValidationError(errors[:MAX_ERRORS], truncated=len(errors) > MAX_ERRORS)
    return doc, all_simple


def _position_agrees(resolver: _DocumentResolver) -> Callable[[object], bool]:
    """True for a position with valid fields whose topic and round belong to its negotiation
    (or to none the document knows): then the rules across its fields find nothing."""
    topic_owner = resolver.owner["topics"]
    round_owner = resolver.owner["rounds"]

    def agrees(position) -> bool:
        negotiation = position.negotiation
        owner = topic_owner.get(position.topic)
        if owner is not None and owner != negotiation:
            return False
        owner = round_owner.get(position.round) if position.round is not None else None
        return owner is None or owner == negotiation

    return agrees


def _round_number_clashes(doc: Document, indices: list[int]) -> list[FieldError]:
    """Rounds of one negotiation sharing a number; ``indices`` are the rounds' positions in the file."""
    errors = []
    taken: dict[tuple[str, int], str] = {}
    for rnd, i in zip(doc.rounds, indices, strict=True):
        if type(rnd.number) is not int or rnd.number < 1 or not is_valid_id(rnd.negotiation):
            continue
        key = (rnd.negotiation, rnd.number)
        if key in taken:
            errors.append(
                FieldError(
                    f"{record_path('rounds', rnd, i)}.number",
                    f"round number {rnd.number} is already used by round {taken[key]} "
                    f"of negotiation {quote_user_text(rnd.negotiation)}",
                )
            )
        else:
            taken[key] = quote_user_text(rnd.id) if is_valid_id(rnd.id) else record_path("rounds", rnd, i)
    return errors


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
    indexed: dict[str, list[tuple[int, object]]] = {}
    steps = len(WRITE_ORDER) + 1  # each collection, then the search index
    with cyclic_gc_paused(), ws.db.write() as conn, store.bulk_page_cache(conn):
        _check_against_workspace(conn, doc)
        existing = {name: store.keys_for(conn, name, (r.id for r in doc.collection(name)))
                    for name in WRITE_ORDER}
        # Only adding: the indexes that bulk inserts drop are built once every row is in, each in
        # one long statement, while another thread folds the text for the search index (see
        # fulltext.put_all). Nothing else may run alongside: a statement per row would wait for
        # Python's global lock after every row.
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
                indexed[name] = [(keys[r.id], r) for r in records]
                history.imported(conn, name, records, existing[name], keys, before)
                if undo is not None:
                    undo.replaced.collection(name).extend(before)
                    undo.added[name] = [r.id for r in records if r.id not in existing[name]]
                    undo.versions[name] = store.versions_for(conn, name, [r.id for r in records])
                    undo.fingerprints[name] = {r.id: fingerprint(r) for r in records}
                replaced[name] = len(existing[name])
                added[name] = len(records) - len(existing[name])
                if progress is not None:
                    progress(step + 1, steps)
            if is_cancelled is not None and is_cancelled():
                raise CancelledError("import")
            fulltext.put_all(conn, indexed, alongside=build_indexes)  # every collection at once
        if progress is not None:
            progress(steps, steps)
    ws.announce(Change(everything=True))
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
