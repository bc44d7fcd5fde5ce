"""The interchange JSON format, version 1: reading, checking, writing.

Reading is strict, as the spec's "Precise rules" demand: the file must be one RFC 8259
JSON value in UTF-8 with no BOM, no NaN/Infinity, no duplicate keys, no trailing data,
at most 64 levels deep. Every record is then checked with the same rules the services
apply (``dossier.model.schema``), and the whole document is checked for references,
duplicate ids, via cycles and round numbers before anything is written.

Reading is bounded: a file is read a window at a time, record by record, each record made
into its dataclass as soon as it is read, and a file that would take more than
``MEMORY_MULTIPLE`` times its size plus ``MEMORY_ALLOWANCE`` to read, check and import is
refused before it does (see ``_Budget`` and docs/reliability.md).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, fields as dataclass_fields
from datetime import datetime, timezone
from operator import attrgetter
from os import PathLike

from dossier.errors import CancelledError, FieldError, InterchangeError, ValidationError
from dossier.gcpause import cyclic_gc_paused
from dossier.model.enums import ROUND_NUMBER_MAX
from dossier.model.records import COLLECTIONS, Document
from dossier.model.schema import (
    FIELDS,
    PROBLEMS_KEPT,
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
from dossier.model.text import (
    ID_PATTERN,
    NumberAsWritten,
    describe_value,
    is_valid_id,
    quote_number,
    quote_user_text,
)
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
#: Reading, checking and importing a file takes at most this many times its size in memory,
#: plus ``MEMORY_ALLOWANCE``; a file that would need more is refused (see ``_Budget``).
MEMORY_MULTIPLE = 8
MEMORY_ALLOWANCE = 80 * 1024 * 1024


# ---------------------------------------------------------------- strict JSON
class _DuplicateKey(Exception):
    def __init__(self, key: str):
        self.key = key


class _BadConstant(Exception):
    def __init__(self, name: str):
        self.name = name


class _OutOfRange(Exception):
    def __init__(self, text: str):
        self.text = text


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


def _number_with_fraction(text: str) -> float:
    """A number written with a fraction or exponent, keeping its text for messages."""
    value = NumberAsWritten(text)
    if math.isinf(value):
        raise _OutOfRange(text)
    return value


#: Decodes one JSON value the strict way (its ``scan_once`` reads one value at an index).
_DECODER = json.JSONDecoder(object_pairs_hook=_pairs_without_duplicates, parse_constant=_refuse_constant,
                            parse_float=_number_with_fraction)
_scan_string = json.decoder.scanstring


@contextlib.contextmanager
def _file_level_problems() -> object:
    """Turn what the JSON decoder raises into one-line file-level problems."""
    try:
        yield
    except _DuplicateKey as exc:
        raise InterchangeError(f"duplicate key {quote_user_text(exc.key)} in one JSON object") from None
    except _BadConstant as exc:
        raise InterchangeError(f"{exc.name} is not a JSON number") from None
    except _OutOfRange as exc:
        raise InterchangeError(f"the number {quote_number(exc.text)} is too large: "
                               "no field takes a number beyond 1.8e308") from None
    except RecursionError:
        raise InterchangeError(f"the JSON is nested deeper than {MAX_DEPTH} levels") from None
    except MemoryError:
        raise InterchangeError("the file is too large to read in the memory available") from None
    except ValueError as exc:
        if "digits" in str(exc):  # an integer longer than Python converts (thousands of digits)
            raise InterchangeError("the file holds a number with thousands of digits; "
                                   "no field takes a number that large") from None
        raise


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


def _check_file(data: bytes) -> None:
    """The problems with a file that come before its JSON: size, emptiness, BOM, UTF-8."""
    if not data:
        raise InterchangeError("the file is empty")
    if len(data) > MAX_FILE_BYTES:
        raise InterchangeError(f"the file is larger than {MAX_FILE_BYTES // 1048576} MB, "
                               "the most Dossier reads in one interchange file")
    if data.startswith(b"\xef\xbb\xbf"):
        raise InterchangeError("the file starts with a byte order mark (BOM); save it as UTF-8 without BOM")
    view = memoryview(data)
    start = 0
    while start < len(data):  # a piece at a time: the whole text is never held at once
        stop = _character_boundary(data, start + 4 * WINDOW)
        try:
            str(view[start:stop], "utf-8")
        except UnicodeDecodeError as exc:
            raise InterchangeError(f"the file is not valid UTF-8 (byte {start + exc.start})") from None
        start = stop


def _character_boundary(data: bytes, offset: int) -> int:
    """``offset``, moved back to the start of the character it falls in (at most the end)."""
    if offset >= len(data):
        return len(data)
    while offset > 0 and 0x80 <= data[offset] <= 0xBF:
        offset -= 1
    return offset


def parse_json(data: bytes, *, check_depth: bool = True) -> object:
    """Decode one strict JSON value from bytes, raising InterchangeError with a file-level reason.

    The whole value is made at once: for small values. Files are read with ``read_document``,
    which reads them record by record within a memory budget."""
    _check_file(data)
    text = data.decode("utf-8")
    with _file_level_problems():
        try:
            value = _DECODER.decode(text)
        except json.JSONDecodeError as exc:
            if exc.msg == "Extra data":
                raise InterchangeError(
                    f"trailing data after the JSON value at line {exc.lineno} column {exc.colno}"
                ) from None
            raise InterchangeError(f"not valid JSON: {exc.msg.removesuffix(' at')} at line {exc.lineno} "
                                   f"column {exc.colno}") from None
    if check_depth:
        _check_depth(value)
    return value


def _check_depth(value: object) -> None:
    if _depth(value) > MAX_DEPTH:
        raise InterchangeError(f"the JSON is nested deeper than {MAX_DEPTH} levels")


# ---------------------------------------------------------------- memory
#: Bytes of the file decoded and read at a time; a value longer than that is read with a
#: window as large as it takes (each try twice the last).
WINDOW = 256 * 1024
#: The most that reading one byte of JSON can make, by what the byte is: an object (a dict,
#: and the list of its pairs while it is read), an array, a quote (half a string), a comma or
#: colon (a value: a number, a list slot or a dict entry). The text of strings takes up to its
#: width (1, 2 or 4 bytes a character, by the widest character in it) a byte, and so does the
#: window of decoded text itself. Measured on CPython 3.11 with files made only of each (see
#: tests/services/test_bounded_import.py), with a margin.
_COST_OBJECT = 240
_COST_ARRAY = 160
_COST_QUOTE = 48
_COST_VALUE = 128
#: What checking takes for each record beyond the sets of ids (measured as they are made), and
#: what importing takes for each record (the keys of the written rows, the search index's rows)
#: and for each byte of records (the search index folds a copy of their text): measured at
#: 100-110 bytes a record, and at 370 bytes a record plus 0 to 1 byte a byte kept (for tiny
#: and for text-heavy records), with a margin.
_CHECK_PER_RECORD = 16
_IMPORT_PER_RECORD = 320
_IMPORT_PER_BYTE_KEPT = 1


_sizeof = sys.getsizeof
_WIDE_HEADER = _sizeof("\xe9") - 2  # the header of a string that is not ASCII
_ID_MATCH = ID_PATTERN.fullmatch


def _worst_case(data: bytes, start: int, stop: int, width: int) -> int:
    """The most memory that decoding ``data[start:stop]`` (into text ``width`` bytes a character)
    and reading it as JSON can take."""
    count = data.count
    size = stop - start
    string_width = 4 if data.find(b"\\u", start, stop) >= 0 else width  # escapes may make any character
    return ((width + string_width) * size
            + _COST_OBJECT * count(b"{", start, stop) + _COST_ARRAY * count(b"[", start, stop)
            + _COST_QUOTE * count(b'"', start, stop)
            + _COST_VALUE * (count(b",", start, stop) + count(b":", start, stop)))


def _width(text: str) -> int:
    """Bytes a character of ``text`` takes in memory: 1, 2 or 4 (CPython's compact strings)."""
    if text.isascii():
        return 1
    return max(1, min(4, (_sizeof(text) - _WIDE_HEADER) // (len(text) + 1)))


def _resident() -> int | None:
    """The memory this process holds now (its resident set), where the system tells it cheaply."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class _Budget:
    """Keeps reading, checking and importing a file within ``MEMORY_MULTIPLE`` times its size plus
    ``MEMORY_ALLOWANCE``: the file's bytes, what reading has added so far (``kept``: the growth of
    the process's resident memory where the system tells it, else the records' own sizes,
    measured one by one) and the worst that reading the next window can make must fit, and so
    must what checking and importing the records will take. A file that would not fit is refused.
    """

    def __init__(self, size: int, bounded: bool = True):
        self.size = size
        self.limit = MEMORY_MULTIPLE * size + MEMORY_ALLOWANCE if bounded else None
        self.kept = 0
        self.records = 0
        self.ids: dict[str, set[str]] = {name: set() for name in COLLECTIONS}  # each collection's valid ids
        self.resident = _resident() if bounded else None
        self.measuring = self.resident is None and bounded  # no resident size: size each record

    def _update(self) -> None:
        if self.resident is not None:
            now = _resident()
            if now is not None:
                self.kept = max(0, now - self.resident)

    def _refuse(self, what: str) -> None:
        raise InterchangeError(
            f"{what} would take more memory than Dossier allows for a file of {_megabytes(self.size)} "
            f"({MEMORY_MULTIPLE} times its size, plus {MEMORY_ALLOWANCE // 1048576} MB): it holds too many "
            "small values for its size, or very long text in characters that take 4 bytes each; "
            "split it into smaller files")

    def window(self, data: bytes, start: int, stop: int, width: int) -> None:
        if self.limit is None:
            return
        self._update()
        need = self.size + self.kept + _worst_case(data, start, stop, width)
        if need > self.limit:
            self._refuse("reading the file")

    def before_checking(self) -> None:
        """Checking keeps the sets of ids, and briefly a map of the ids of each collection."""
        if self.limit is None:
            return
        self._update()
        sets = [_sizeof(ids) for ids in self.ids.values()]  # their strings are the records'
        need = self.size + self.kept + sum(sets) + 2 * max(sets) + _CHECK_PER_RECORD * self.records
        if need > self.limit:
            self._refuse(f"checking the file's {self.records:,} records")

    def before_importing(self) -> None:
        """Importing holds the records (the caller has let go of the file's bytes by then)."""
        if self.limit is None:
            return
        self._update()
        need = (1 + _IMPORT_PER_BYTE_KEPT) * self.kept + _IMPORT_PER_RECORD * self.records
        if need > self.limit:
            self._refuse(f"importing the file's {self.records:,} records")


def _megabytes(size: int) -> str:
    return f"{size / 1048576:,.0f} MB" if size >= 1048576 else f"{size:,} bytes"


#: What a record object takes beyond its values: the object and its attribute values.
_INSTANCE = {cls: 80 + 8 * len(dataclass_fields(cls)) for cls in
             {*COLLECTIONS.values(), *(k.item.cls for f in FIELDS.values() for k in f.values()
                                        if isinstance(k, ListOf) and isinstance(k.item, Obj))}}
_FIELDS_OF = {cls: attrgetter(*(f.name for f in dataclass_fields(cls))) for cls in _INSTANCE}


def _footprint(value: object) -> int:
    """The memory a value read from a file holds (strings shared with others counted too)."""
    cls = value.__class__
    if cls is str:  # the empty string and those of one character up to U+00FF are shared
        return _sizeof(value) if len(value) > 1 or value > "\xff" else 0
    if value is None or cls is bool:
        return 0
    fields = _FIELDS_OF.get(cls)
    if fields is not None or cls is list:
        total = _INSTANCE[cls] if fields is not None else _sizeof(value)
        for item in fields(value) if fields is not None else value:  # every record has several fields
            if item.__class__ is str:
                if len(item) > 1 or item > "\xff":
                    total += _sizeof(item)
            elif item is not None:
                total += _footprint(item)
        return total
    if cls is dict:
        return _sizeof(value) + sum(map(_footprint, value)) + sum(map(_footprint, value.values()))
    if cls is NumberAsWritten:
        return _sizeof(value) + _sizeof(value.text)
    return _sizeof(value)


#: A record kept while a file is read: the object, its place in its list and its index in the file.
_PER_RECORD = 64


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


class _Invalid:
    """Stands for a nested object that could not be built; validation skips it."""


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


# ---------------------------------------------------------------- reading a file, a window at a time
_WHITE = re.compile(r"[ \t\n\r]*")
#: A run of array items that are plainly valid JSON and make nothing worth keeping (``{}``, ``[]``,
#: a string without escapes, a short number, a literal), each followed by a comma: skipped at
#: once once checking has stopped, while the rest of the file is still read for what would
#: refuse it as a whole.
_PLAIN_ITEMS = re.compile(
    r'(?:[ \t\n\r]*(?:\{[ \t\n\r]*\}|\[[ \t\n\r]*\]|"[^"\\\x00-\x1f]*"'
    r"|-?(?:0|[1-9][0-9]{0,15})(?:\.[0-9]{1,15})?|true|false|null)[ \t\n\r]*,)++")
#: A problem this close to the end of a window may be the window's end cutting a value short.
_NEAR_END = 16


class _Truncated(Exception):
    """The window ended inside what was being read: read it again with more of the file."""


class _Reader:
    """Reads a file's JSON a window of text at a time: the top-level object and its arrays
    here, each value in them with the standard library's decoder (in C), so no more than one
    record's objects and one window of text exist at once besides what is kept."""

    def __init__(self, data: bytes, budget: _Budget):
        self.data = data
        self.view = memoryview(data)
        self.budget = budget
        self.text = ""
        self.start = self.stop = self.pos = 0
        self.ascii = True
        self.final = False  # the window reaches the end of the file

    # -- the window
    def load(self, offset: int, size: int | None = None) -> None:
        """Decode the file from byte ``offset`` on: ``size`` bytes of it (a window's), or the rest."""
        data, view = self.data, self.view
        stop = _character_boundary(data, offset + (size or WINDOW))
        if stop <= offset:
            stop = len(data)
        self.text = ""
        if stop - offset <= 4 * WINDOW:
            text = str(view[offset:stop], "utf-8")
            self.budget.window(data, offset, stop, _width(text))
        else:  # a long value: the width of its text, a piece at a time, before it is decoded whole
            width, piece = 1, offset
            while piece < stop:
                end = _character_boundary(data, min(stop, piece + 4 * WINDOW))
                width = max(width, _width(str(view[piece:end], "utf-8")))
                piece = end
            self.budget.window(data, offset, stop, width)
            text = str(view[offset:stop], "utf-8")
        self.text = text
        self.start, self.stop, self.pos = offset, stop, 0
        self.ascii = len(self.text) == stop - offset
        self.final = stop >= len(self.data)

    def offset(self, index: int) -> int:
        """The byte of the file where character ``index`` of the window starts."""
        return self.start + (index if self.ascii else len(self.text[:index].encode("utf-8")))

    def white(self) -> str:
        """Skip white space (loading more of the file); the next character, '' at the end."""
        while True:
            self.pos = _WHITE.match(self.text, self.pos).end()
            if self.pos < len(self.text):
                return self.text[self.pos]
            if self.final:
                return ""
            self.load(self.offset(self.pos))

    def unit(self, read: Callable[[], object], *, retry: bool = False) -> object:
        """``read()`` from here, again with more of the file each time the window cuts it short
        (``retry``: the window has cut it short once already)."""
        begin = self.pos
        while True:
            if retry:
                mark = self.offset(begin)
                self.load(mark, WINDOW if mark > self.start else 2 * (self.stop - self.start))
                begin = 0
            try:
                return read()
            except _Truncated:
                retry = True

    # -- problems
    def fail(self, message: str, index: int) -> None:
        """A syntax problem at ``index``, unless the window's end may have caused it."""
        if not self.final and (index >= len(self.text) - _NEAR_END or message.startswith("Unterminated string")):
            raise _Truncated
        self.error(message, index)

    def error(self, message: str, index: int) -> None:
        line, column = self.where(index)
        if message == "Extra data":
            raise InterchangeError(f"trailing data after the JSON value at line {line} column {column}")
        raise InterchangeError(f"not valid JSON: {message.removesuffix(' at')} at line {line} column {column}")

    def where(self, index: int) -> tuple[int, int]:
        """Line and column (in characters, from 1) of character ``index`` of the window."""
        data = self.data
        offset = self.offset(index)
        piece = data.rfind(b"\n", 0, offset) + 1
        column = 1
        while piece < offset:  # characters since the line began, a piece of it at a time
            end = _character_boundary(data, min(offset, piece + 4 * WINDOW))
            column += len(str(self.view[piece:end], "utf-8"))
            piece = end
        return data.count(b"\n", 0, offset) + 1, column

    # -- values
    def scan(self, index: int) -> tuple[object, int]:
        try:
            value, end = _DECODER.scan_once(self.text, index)
        except StopIteration as exc:
            self.fail("Expecting value", exc.value)
        except json.JSONDecodeError as exc:
            self.fail(exc.msg, exc.pos)
        if end >= len(self.text) and not self.final:
            raise _Truncated  # a number may go on past the window
        return value, end

    def value(self) -> tuple[object, int]:
        """The value here and how many brackets it holds (a bound on its depth)."""
        start = self.pos
        value, end = self.scan(start)
        self.pos = end
        return value, self.text.count("[", start, end) + self.text.count("{", start, end)

    def item(self) -> tuple[object, str, int]:
        """An array item, the ',' or ']' after it (consumed), and how many brackets it holds."""
        text = self.text
        start = self.pos
        value, end = self.scan(start)
        brackets = text.count("[", start, end) + text.count("{", start, end)
        end = _WHITE.match(text, end).end()
        char = text[end:end + 1]
        if char != "," and char != "]":
            self.fail("Expecting ',' delimiter", end)
        self.pos = end + 1
        return value, char, brackets

    def key(self) -> str:
        """A key of the top-level object, its ':' and the white space up to its value."""
        text = self.text
        index = self.pos
        if text[index:index + 1] != '"':
            self.fail("Expecting property name enclosed in double quotes", index)
        try:
            key, end = _scan_string(text, index + 1, True)
        except json.JSONDecodeError as exc:
            self.fail(exc.msg, exc.pos)
        end = _WHITE.match(text, end).end()
        if text[end:end + 1] != ":":
            self.fail("Expecting ':' delimiter", end)
        end = _WHITE.match(text, end + 1).end()
        if end >= len(text) and not self.final:
            raise _Truncated
        self.pos = end
        return key

    def items(self, level: int, first: _FirstPass, name: str | None) -> int:
        """Read the array here, its items at nesting ``level``: records of collection ``name``
        (handed to ``first``), or items only read through (``name`` None). Once checking has
        stopped, plainly valid items are passed over unmade. Returns the deepest level."""
        self.pos += 1  # '['
        deepest = level - 1
        if self.white() == "]":
            self.pos += 1
            return deepest
        add = first.adder(name) if name is not None else None
        item, unit, white = self.item, self.unit, self.white
        i = 0
        while True:
            if add is None or first.full:
                run = _PLAIN_ITEMS.match(self.text, self.pos)
                if run is not None:
                    self.pos = run.end()
                    deepest = max(deepest, level)
                    white()
                add = None
            try:
                value, char, brackets = item()
            except _Truncated:
                value, char, brackets = unit(item, retry=True)
            if level + brackets - 1 > MAX_DEPTH:  # it could be too deep: measure it
                deepest = max(deepest, level - 1 + _depth(value))
            if add is not None:
                add(i, value)
            del value
            i += 1
            if char == "]":
                return deepest
            white()

    # -- the document
    def read(self, first: _FirstPass) -> int:
        """Read the whole file into ``first``; returns the deepest nesting level seen."""
        self.load(0)
        char = self.white()
        if char != "{":
            return self._read_other(first, char)
        self.pos += 1
        deepest = 1
        char = self.white()
        if char == "}":
            self.pos += 1
        while char != "}":
            key = self.unit(self.key)
            first.key(key)
            if (key in COLLECTIONS or key not in TOP_KEYS) and self.text[self.pos:self.pos + 1] == "[":
                deepest = max(deepest, self.items(3, first, key if key in COLLECTIONS else None))
            else:
                value, brackets = self.unit(self.value)
                deepest = max(deepest, _depth_at(2, value, brackets))
                first.top(key, value)
                del value
            char = self.white()
            if char == "}":
                self.pos += 1
            elif char != ",":
                self.error("Expecting ',' delimiter", self.pos)
            else:
                self.pos += 1
                self.white()
        self._end()
        return deepest

    def _read_other(self, first: _FirstPass, char: str) -> int:
        """A file whose value is not an object: read through, for the problems it may have."""
        if char == "[":
            deepest = self.items(2, first, None)
            kind = "array"
        else:
            value, brackets = self.unit(self.value)
            deepest = _depth_at(1, value, brackets)
            kind = describe_value(value)
        self._end()
        first.not_an_object = kind
        return deepest

    def _end(self) -> None:
        if self.white() != "":
            self.error("Extra data", self.pos)


def _depth_at(level: int, value: object, brackets: int) -> int:
    """The deepest level ``value``, at nesting ``level``, reaches (exactly when it could be too deep)."""
    if level + brackets - 1 <= MAX_DEPTH:
        return level if brackets else level - 1
    return level - 1 + _depth(value)


class _FirstPass:
    """What reading a file finds: the top-level values, each collection's records (made as they
    are read, and measured for the budget), and the problems found making them."""

    def __init__(self, budget: _Budget):
        self.budget = budget
        self.records: dict[str, list] = {name: [] for name in COLLECTIONS}
        self.indices: dict[str, list[int]] = {name: [] for name in COLLECTIONS}
        self.problems: dict[str, list[FieldError]] = {name: [] for name in COLLECTIONS}
        self.top_problems: list[FieldError] = []
        self.values: dict[str, object] = {}
        self.found = 0  # problems found so far
        self.full = False  # more than MAX_ERRORS: checking stopped
        self.duplicate: str | None = None  # a key given twice in the top-level object
        self.not_an_object: str | None = None

    def key(self, key: str) -> None:
        if key in self.values and self.duplicate is None:
            self.duplicate = key
        self.values.setdefault(key, None)
        if key not in TOP_KEYS:
            self._problem(self.top_problems, FieldError(_key_in_path(key), "unknown field"))

    def top(self, key: str, value: object) -> None:
        if key in ("format", "version", "exported_at"):
            self.values[key] = value
        elif key in COLLECTIONS:
            self._problem(self.problems[key], FieldError(key, f"expected an array, got {describe_value(value)}"))

    def _problem(self, problems: list[FieldError], problem: FieldError) -> None:
        if self.found >= MAX_ERRORS:
            self.full = True
            return
        problems.append(problem)
        self.found += 1

    def adder(self, name: str) -> Callable[[int, object], None]:
        """What takes in each item of collection ``name`` as it is read."""
        problems = self.problems[name]
        fast = _FAST_BUILDERS[name]
        keep_record = self.records[name].append
        keep_index = self.indices[name].append
        keep_id = self.budget.ids[name].add
        budget = self.budget

        def add(i: int, item: object) -> None:
            if self.full:
                return
            if self.found >= MAX_ERRORS:
                self.full = True
                return
            if item.__class__ is not dict:
                self._problem(problems, FieldError(f"{name}[#{i}]", f"expected an object, got {describe_value(item)}"))
                return
            record = fast(item)
            if record is None:
                rid = item.get("id")
                base = f"{name}[{rid}]" if is_valid_id(rid) else f"{name}[#{i}]"
                before = len(problems)
                record = _build(COLLECTIONS[name], FIELDS[name], item, base, problems)
                self.found += len(problems) - before
            keep_record(record)
            keep_index(i)
            if budget.measuring:
                budget.kept += _footprint(record) + _PER_RECORD
            budget.records += 1
            rid = record.id
            if rid.__class__ is str and _ID_MATCH(rid) is not None:
                keep_id(rid)

        return add

    def check_file(self) -> None:
        """The problems with the file as a whole, which come before any with its records."""
        if self.duplicate is not None:
            raise InterchangeError(f"duplicate key {quote_user_text(self.duplicate)} in one JSON object")

    def check_format(self) -> None:
        if self.not_an_object is not None:
            raise InterchangeError(f"the top level must be a JSON object, got {self.not_an_object}")
        values = self.values
        if "format" not in values:
            raise InterchangeError("format: required field is missing; this is not a Dossier interchange file")
        fmt = values["format"]
        if fmt != FORMAT:
            raise InterchangeError(f"format: expected {FORMAT!r}, got {describe_value(fmt)}")
        if "version" not in values:
            raise InterchangeError("version: required field is missing")
        version = values["version"]
        if type(version) is not int:
            raise InterchangeError(f"version: expected an integer, got {describe_value(version)}")
        if version > VERSION:
            raise InterchangeError(
                f"version: the file is interchange version {version}; this Dossier reads version {VERSION} "
                "and older. Update Dossier to read it."
            )
        if version < 1:
            raise InterchangeError(f"version: expected an integer 1 or more, got {describe_value(version)}")

    def all_problems(self) -> list[FieldError]:
        """The problems found so far, in the order they are reported: the top level's, then each
        collection's in the order of the format."""
        problems = list(self.top_problems)
        exported_at = self.values.get("exported_at")
        if exported_at is not None and not isinstance(exported_at, str):
            problems.append(FieldError("exported_at", f"expected text, got {describe_value(exported_at)}"))
        for name in COLLECTIONS:
            problems.extend(self.problems[name])
        return problems


def read_file(path: str | PathLike) -> Document:
    """Read and check an interchange file; never reads more than ``MAX_FILE_BYTES`` of it."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InterchangeError(f"cannot read {quote_user_text(str(path), 200)}: {exc.strerror or exc}") from None
    return read_document(data)


def read_document(data: bytes, *, bounded: bool = True) -> Document:
    """Parse and check a whole interchange document; raise on any problem, listing them all.

    Problems with the file as a whole come first, in this order: its bytes (size, BOM, UTF-8),
    its JSON (the first syntax problem, a duplicate key, NaN, a number too large), a
    duplicate key of the top-level object, nesting deeper than 64 levels, then its format
    and version; only then problems with records. With ``bounded`` (the default), a file
    that would take more memory than ``_Budget`` allows is refused (see docs/reliability.md).
    """
    with cyclic_gc_paused():
        _check_file(data)
        budget = _Budget(len(data), bounded)
        first = _FirstPass(budget)
        with _file_level_problems():
            deepest = _Reader(data, budget).read(first)
        first.check_file()
        if deepest > MAX_DEPTH:
            raise InterchangeError(f"the JSON is nested deeper than {MAX_DEPTH} levels")
        first.check_format()
        problems = first.all_problems()
        if first.full:
            raise ValidationError(problems[:MAX_ERRORS], truncated=True)
        budget.before_checking()
        doc = Document()
        for name in COLLECTIONS:
            doc.collection(name).extend(first.records[name])
        indices = first.indices
        del first
        _check_records(doc, indices, problems, budget.ids)
        budget.before_importing()
        return doc


def _check_records(doc: Document, raw_indices: dict[str, list[int]], errors: list[FieldError],
                   ids: dict[str, set[str]] | None = None) -> None:
    """Check every record and the document as a whole; raise with every problem found
    (``errors``: those found reading the file), at most ``MAX_ERRORS`` of them. ``ids``: the
    valid ids of each collection, when known."""
    resolver = _DocumentResolver(doc, ids)
    for name in COLLECTIONS:
        seen: dict[str, int] = {}
        fields_ok = record_checker(name, resolver.ids)
        agree = _position_agrees(resolver) if name == "positions" else None
        for record, i in zip(doc.collection(name), raw_indices.get(name, []), strict=True):
            if len(errors) >= MAX_ERRORS:
                raise ValidationError(errors[:MAX_ERRORS], truncated=True)
            valid = fields_ok(record)
            if not valid:
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
    errors.extend(_round_number_clashes(doc, raw_indices.get("rounds", []), MAX_ERRORS + 1 - len(errors)))
    vias = {s.id: s.via for s in doc.sources if is_valid_id(s.id) and (s.via is None or is_valid_id(s.via))}
    for source_id, loop in sorted(via_cycles(vias).items()):
        if len(errors) > MAX_ERRORS:
            break
        errors.append(cycle_error(f"sources[{source_id}]", loop))
    if errors:
        raise ValidationError(errors[:MAX_ERRORS], truncated=len(errors) > MAX_ERRORS)


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


def _round_number_clashes(doc: Document, indices: list[int], most: int = MAX_ERRORS + 1) -> list[FieldError]:
    """Rounds of one negotiation sharing a number (the first ``most`` of them); ``indices`` are the
    rounds' positions in the file."""
    errors: list[FieldError] = []
    taken: dict[tuple[str, int], str] = {}
    for rnd, i in zip(doc.rounds, indices, strict=True):
        if len(errors) >= most:
            break
        if type(rnd.number) is not int or not 1 <= rnd.number <= ROUND_NUMBER_MAX or not is_valid_id(rnd.negotiation):
            continue  # a number out of range is reported as such
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
