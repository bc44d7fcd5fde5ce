"""Reading an interchange file a window at a time, record by record, and checking the whole
document (references, duplicate ids, via cycles, round numbers) before anything is written.

Just past 500 lines: the window reader and the document checks share the budget and
the error list of one reading.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from os import PathLike

from dossier.errors import FieldError, InterchangeError, ValidationError
from dossier.gcpause import cyclic_gc_paused
from dossier.model.enums import ROUND_NUMBER_MAX
from dossier.model.records import COLLECTIONS, Document
from dossier.model.schema import (
    FIELDS,
    cross_field_errors,
    cycle_error,
    record_checker,
    record_path,
    validate_record,
    via_cycles,
)
from dossier.model.text import (
    describe_value,
    is_valid_id,
    quote_user_text,
)
from dossier.services.interchange.budget import _ID_MATCH, _PER_RECORD, WINDOW, _Budget, _footprint, _width
from dossier.services.interchange.codec import _FAST_BUILDERS, _build, _DocumentResolver, _key_in_path
from dossier.services.interchange.limits import (
    FORMAT,
    MAX_DEPTH,
    MAX_ERRORS,
    MAX_FILE_BYTES,
    TOP_KEYS,
    VERSION,
)
from dossier.services.interchange.strict_json import (
    _DECODER,
    _character_boundary,
    _check_file,
    _depth,
    _file_level_problems,
    _scan_string,
)

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
