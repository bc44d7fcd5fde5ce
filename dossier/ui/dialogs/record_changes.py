"""What changed in a record, field by field, in plain words: for the conflict and history dialogs.

Records are the dataclasses of ``dossier.model``; a value is shown as the text a user
would type (lists one item a line, roles and citations as their parts joined), never
as markup. Long values are shortened so a dialog stays readable.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from enum import Enum

from dossier.ui.translate import translator
from dossier.ui.widgets.text import dot_joined

#: The longest a value is shown in a dialog before it is cut with an ellipsis.
MAX_VALUE = 400


tr = translator("record_changes")


def field_label(name: str) -> str:
    """``native_name`` -> ``Native name``; a few fields have their form's label."""
    labels = {
        "bio": tr("Biography"),
        "sources": tr("Sources"),
        "topics": tr("Agenda"),
        "person": tr("Stated by"),
        "via": tr("Carried by"),
        "text": tr("Document text"),
    }
    return labels.get(name, tr(name.replace("_", " ").capitalize()))


def value_text(value: object) -> str:
    """A field's value as plain text; ``(empty)`` for nothing."""
    if value is None or value == "" or value == []:
        return tr("(empty)")
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, list):
        text = "\n".join(_item_text(v) for v in value)
    elif dataclasses.is_dataclass(value):
        text = _item_text(value)
    else:
        text = str(value)
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE - 1] + "…"


def _item_text(item: object) -> str:
    if dataclasses.is_dataclass(item):
        parts = [getattr(item, f.name) for f in dataclasses.fields(item)]
        return dot_joined(str(p.value if isinstance(p, Enum) else p) for p in parts if p not in (None, "", []))
    return str(item)


def record_fields(record: object) -> list[str]:
    """The names of a record's fields, in their declared order, without its id."""
    return [f.name for f in dataclasses.fields(record) if f.name != "id"]


def changed_fields(before: object | None, after: object | None) -> list[str]:
    """Fields whose value differs between two versions of a record (all of them when one is None)."""
    sample = after if after is not None else before
    if sample is None:
        return []
    names = record_fields(sample)
    if before is None or after is None:
        return [n for n in names if getattr(sample, n) not in (None, "", [])]
    return [n for n in names if getattr(before, n, None) != getattr(after, n, None)]


def merged(theirs: object, before: object, mine: object) -> object:
    """``theirs`` with every field the user changed (``before`` -> ``mine``) set to the user's value."""
    return dataclasses.replace(theirs, **{n: getattr(mine, n) for n in changed_fields(before, mine)})


def indent(text: str, prefix: str = "      ") -> str:
    return "\n".join(prefix + line for line in text.splitlines() or [""])


def describe_time(value: object) -> str:
    """A timestamp as ``2026-05-01 14:02`` (local time when it carries a zone)."""
    if value is None or value == "":
        return tr("an unknown time")
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone()
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)
