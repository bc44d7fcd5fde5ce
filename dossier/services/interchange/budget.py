"""The memory bound of reading, checking and importing a file: ``MEMORY_MULTIPLE`` times its
size plus ``MEMORY_ALLOWANCE`` (see ``Budget`` and docs/reliability.md)."""

from __future__ import annotations

import os
import sys
from dataclasses import fields as dataclass_fields
from operator import attrgetter

from dossier.errors import InterchangeError
from dossier.model.records import COLLECTIONS
from dossier.model.schema import (
    FIELDS,
    ListOf,
    Obj,
)
from dossier.model.text import (
    ID_PATTERN,
    NumberAsWritten,
)
from dossier.services.interchange.limits import MEMORY_ALLOWANCE, MEMORY_MULTIPLE

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

