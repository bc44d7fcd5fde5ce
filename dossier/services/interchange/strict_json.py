"""Strict JSON, as the interchange spec's "Precise rules" demand: one RFC 8259 value in UTF-8,
no BOM, no NaN or Infinity, no duplicate keys, no trailing data, at most 64 levels deep."""

from __future__ import annotations

import contextlib
import json
import math

from dossier.errors import InterchangeError
from dossier.model.text import (
    NumberAsWritten,
    quote_number,
    quote_user_text,
)
from dossier.services.interchange.budget import WINDOW
from dossier.services.interchange.limits import MAX_DEPTH, MAX_FILE_BYTES


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

