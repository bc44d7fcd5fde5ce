"""Rules for ids and user text, and how user text is quoted inside messages."""

from __future__ import annotations

import re

ID_PATTERN = re.compile(r"[a-z0-9._-]{1,64}", re.ASCII)
_SURROGATE = re.compile("[\ud800-\udfff]")
QUOTE_LIMIT = 60


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


def describe_value(value: object) -> str:
    """A JSON-ish description of a value for 'expected …, got …' messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean true" if value else "boolean false"
    if isinstance(value, int):
        text = str(value)
        return "number " + (text if len(text) <= 30 else text[:30] + "…")
    if isinstance(value, float):
        return f"number {value!r}"
    if isinstance(value, str):
        return "string " + quote_user_text(value)
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__
