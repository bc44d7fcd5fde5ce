"""Rules for ids and user text, and how user text is quoted inside messages."""

from __future__ import annotations

import re
import sys
from typing import Self

ID_PATTERN = re.compile(r"[a-z0-9._-]{1,64}", re.ASCII)
_SURROGATE = re.compile("[\ud800-\udfff]")
QUOTE_LIMIT = 60
#: Characters of a number shown in a message before it is cut short.
NUMBER_LIMIT = 40
#: Characters of one message line shown before it is cut short (see ``one_line``).
LINE_LIMIT = 2000


class NumberAsWritten(float):
    """A number read from a file with a fraction or an exponent (``1.5``, ``1e0``), as a float that
    keeps the text it was written as: a message quotes ``1.999999999999999999999``, not the ``2.0``
    Python rounds it to. No field of a record takes such a number; it only ever reaches a message."""

    __slots__ = ("text",)

    def __new__(cls, text: str) -> Self:
        number = super().__new__(cls, text)
        number.text = text
        return number

    def __reduce__(self):
        return (NumberAsWritten, (self.text,))


#: the explicit bidi controls that open an embedding, override or isolate, and what each is
_BIDI_OPENERS = {"\u202a": "e", "\u202b": "e", "\u202d": "e", "\u202e": "e",
                 "\u2066": "i", "\u2067": "i", "\u2068": "i"}
_POP_EMBEDDING, _POP_ISOLATE = "\u202c", "\u2069"
_BIDI_EXPLICIT = re.compile("[\u202a-\u202e\u2066-\u2069]")
#: what ends a bidi paragraph (class B): there every embedding and isolate ends anyway
_BIDI_PARAGRAPH_END = frozenset("\n\r\x1c\x1d\x1e\x85\u2029")


def seal_bidi(text: str) -> str:
    """``text`` with every embedding, override and isolate it leaves open closed at its end.

    Text pasted from a browser or a word processor may open a right-to-left override (RLO)
    or an isolate (RLI) and never close it. By the bidi algorithm such a control reaches to
    the end of the paragraph, so it would reorder whatever is printed after the field on the
    same line (a citation, a title, the next name). The closers added (PDF, PDI) are
    invisible, never drawn and never extracted; text without an open control is returned as
    it is. The rules are UAX #9's: PDF closes the innermost embedding or override unless an
    isolate is innermost; PDI closes the innermost isolate and everything opened inside it;
    a paragraph separator closes everything."""
    if not _BIDI_EXPLICIT.search(text):
        return text
    stack: list[str] = []
    for ch in text:
        kind = _BIDI_OPENERS.get(ch)
        if kind is not None:
            stack.append(kind)
        elif ch == _POP_EMBEDDING:
            if stack and stack[-1] == "e":
                stack.pop()
        elif ch == _POP_ISOLATE:
            if "i" in stack:
                while stack.pop() != "i":
                    pass
        elif ch in _BIDI_PARAGRAPH_END:
            stack.clear()
    if not stack:
        return text
    return text + "".join(_POP_EMBEDDING if kind == "e" else _POP_ISOLATE for kind in reversed(stack))


def is_valid_id(value: object) -> bool:
    return isinstance(value, str) and ID_PATTERN.fullmatch(value) is not None


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text, or None when it can."""
    if "\x00" in value:
        return "text may not contain the NUL character U+0000"
    if _SURROGATE.search(value):
        return "text may not contain a lone surrogate"
    return None


def is_blank(value: str) -> bool:
    return not value or value.isspace()


def quote_user_text(value: str, limit: int = QUOTE_LIMIT) -> str:
    """User text made safe for a one-line message: escaped, quoted and cut short."""
    cut = value[:limit]
    out = []
    for ch in cut:
        if ch == "'":
            out.append("\\'")
        elif ch == "\\":
            out.append("\\\\")
        elif ch.isprintable():
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    suffix = f"… ({len(value)} characters)" if len(value) > limit else ""
    return "'" + "".join(out) + "'" + suffix


def quote_number(text: str, limit: int = NUMBER_LIMIT) -> str:
    """A number as written, cut short (and the cut marked) when it is long."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text)} characters)"


def describe_number(value: float) -> str:
    """A number as its file wrote it: ``7``, ``1.999999999999999999999``, ``1e0 (1.0)`` (a number
    written with an exponent also shows the decimal it stands for), long ones cut short."""
    if isinstance(value, NumberAsWritten):
        shown = quote_number(value.text)
        if "e" in value.text or "E" in value.text:
            shown += f" ({float(value)!r})"
        return shown
    if isinstance(value, float):
        return repr(value)
    try:
        return quote_number(str(value))
    except ValueError:  # more digits than Python writes out
        return f"with more than {sys.get_int_max_str_digits():,} digits"


def describe_value(value: object) -> str:
    """A JSON-ish description of a value for 'expected …, got …' messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean true" if value else "boolean false"
    if isinstance(value, (int, float)):
        return "number " + describe_number(value)
    if isinstance(value, str):
        return "string " + quote_user_text(value)
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


_LINE_BREAKS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]")


def one_line(text: str, limit: int = LINE_LIMIT) -> str:
    """A message made fit for one line of a terminal or a log: line breaks and other control
    characters escaped (``\\x0a``), and cut short, the cut marked, when longer than ``limit``."""
    cut = text[:limit] if len(text) > limit else text
    shown = _LINE_BREAKS.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                             else f"\\u{ord(m.group()):04x}", cut)
    if len(text) > limit:
        shown += f"… ({len(text)} characters)"
    return shown
