"""Messages for people: the model's rule messages and delete confirmations in the form's words.

The rules (``dossier.model.schema``, ``dossier.services.records``) speak the interchange
file's language: ``rounds[r-1].sources[0].credibility: expected an integer 1-6, got
number 7``. A form shows instead ``Sources, citation 1: Credibility: choose 1 to 6``.
:func:`human_error` recognises each rule's message by its shape and says it again with the
field's label (:data:`FIELD_LABELS`) and what to type; a message it does not know is shown
after the field's label as it is, never dropped. Ids are internal: where a message names
a record, its name is used when the caller can give one (``names``), else plain words.

:func:`referrer_label` and :func:`delete_confirmation` do the same for the box that asks
before a delete: ``Round 2 — participant`` rather than ``round round-2 (participants.person)``.

Pure functions; Qt is used only to translate (context ``messages``).

Past 500 lines because it holds every refusal's wording, by rule, in one place, so the
words stay consistent across forms.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, Mapping

from dossier.errors import FieldError, Reference
from dossier.model.dates import PartialDate
from dossier.model.enums import ROUND_NUMBER_MAX
from dossier.model.labels import choice_words
from dossier.model.records import SINGULAR
from dossier.model.schema import FIELDS, Date, Integer, ListOf, Obj, Ref
from dossier.ui.translate import translator

#: ``(collection, id) -> a record's name or title``, None when unknown.
Names = Callable[[str, str], "str | None"]

#: How long a record's name may be inside a message before it is cut with "…".
LABEL_LIMIT = 60


tr = translator("messages")


# ---------------------------------------------------------------- the form's words
#: Each collection's fields as the forms call them (English source text; shown through ``tr``).
FIELD_LABELS: dict[str, dict[str, str]] = {
    "parties": {
        "name": "Name",
        "kind": "Kind",
        "country": "Country",
        "notes": "Notes",
    },
    "people": {
        "name": "Name",
        "native_name": "Native name",
        "aliases": "Other spellings",
        "party": "Party",
        "title": "Title",
        "bio": "Biography",
        "roles": "Roles",
        "notes": "Notes",
    },
    "negotiations": {
        "title": "Title",
        "summary": "Summary",
        "status": "Status",
        "started": "Started",
        "ended": "Ended",
        "parties": "Parties",
    },
    "topics": {
        "negotiation": "Negotiation",
        "title": "Title",
        "description": "Description",
        "category": "Category",
    },
    "rounds": {
        "negotiation": "Negotiation",
        "number": "Number",
        "title": "Title",
        "start": "Start",
        "end": "End",
        "venue": "Venue",
        "status": "Status",
        "mediator": "Mediator",
        "summary": "Summary",
        "participants": "Participants",
        "topics": "Agenda",
        "sources": "Sources",
    },
    "positions": {
        "negotiation": "Negotiation",
        "party": "Party",
        "topic": "Topic",
        "kind": "Kind",
        "round": "Round",
        "person": "Stated by",
        "date": "Date",
        "summary": "Summary",
        "sources": "Sources",
    },
    "sources": {
        "title": "Title",
        "publisher": "Publisher",
        "url": "Address",
        "published": "Published",
        "reliability": "Reliability",
        "via": "Carried by",
        "notes": "Notes",
        "text": "Document text",
    },
    "events": {
        "negotiation": "Negotiation",
        "date": "Date",
        "title": "Title",
        "description": "Description",
        "people": "People",
        "sources": "Sources",
    },
}

#: The fields of a list's entries, by the kind of entry.
ITEM_LABELS: dict[str, dict[str, str]] = {
    "roles": {"title": "Title", "organization": "Organization", "start": "Start", "end": "End"},
    "citations": {"source": "Source", "credibility": "Credibility", "quote": "Quote"},
    "participants": {"person": "Person", "party": "Party", "role": "Role"},
    "negotiation_parties": {"party": "Party", "role": "Role"},
}

#: Which entries a list field holds: ``(collection, list field) -> ITEM_LABELS key``.
_ITEM_KIND: dict[tuple[str, str], str] = {
    ("people", "roles"): "roles",
    ("rounds", "sources"): "citations",
    ("positions", "sources"): "citations",
    ("events", "sources"): "citations",
    ("rounds", "participants"): "participants",
    ("negotiations", "parties"): "negotiation_parties",
}

#: How one entry of a list is named: ``Sources, citation 2``, ``Roles, row 1``.
_ITEM_NAMES: dict[str, str] = {
    "sources": "{0}, citation {1}",
    "roles": "{0}, row {1}",
    "participants": "{0}, row {1}",
    "parties": "{0}, row {1}",
    "topics": "{0}, item {1}",
    "people": "{0}, item {1}",
    "aliases": "{0}, item {1}",
}

#: What a blank required text is asked for, after "required — ".
_REQUIRED_HINTS: dict[tuple[str, str], str] = {
    ("positions", "summary"): "say what the party holds",
    ("events", "title"): "say what happened",
    ("topics", "title"): "name the topic",
    ("sources", "title"): "give the source's title or headline",
}

def _noun(word: str | None) -> str:
    """A record kind inside a sentence ("the chosen person"): one of the singular nouns, else "record"."""
    return tr(word) if word in SINGULAR.values() else tr("record")


#: What a reference means, in plain words: ``(referring collection, field) -> role``.
_REFERENCE_ROLES: dict[tuple[str, str], str] = {
    ("people", "party"): "party",
    ("negotiations", "parties.party"): "party",
    ("topics", "negotiation"): "in this negotiation",
    ("rounds", "negotiation"): "in this negotiation",
    ("rounds", "mediator"): "mediator",
    ("rounds", "participants.person"): "participant",
    ("rounds", "participants.party"): "participant's party",
    ("rounds", "topics"): "on the agenda",
    ("rounds", "sources.source"): "cited source",
    ("positions", "negotiation"): "in this negotiation",
    ("positions", "party"): "party",
    ("positions", "topic"): "topic",
    ("positions", "round"): "round",
    ("positions", "person"): "stated by",
    ("positions", "sources.source"): "cited source",
    ("sources", "via"): "carried by",
    ("events", "negotiation"): "in this negotiation",
    ("events", "people"): "person involved",
    ("events", "sources.source"): "cited source",
}

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def _humanize(name: str) -> str:
    text = name.replace("_", " ").replace(".", " ").strip()
    return text[:1].upper() + text[1:] if text else ""


def field_label(collection: str, field: str, sub: str | None = None) -> str:
    """The form's word for a field (``sub``: a field of the list's entries), translated."""
    if sub is not None:
        labels = ITEM_LABELS.get(_ITEM_KIND.get((collection, field), ""), {})
        return tr(labels[sub]) if sub in labels else _humanize(sub)
    labels = FIELD_LABELS.get(collection, {})
    return tr(labels[field]) if field in labels else _humanize(field)


def cut(text: str, limit: int = LABEL_LIMIT) -> str:
    """One line of user text, cut at ``limit`` characters with "…"."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def count_text(collection: str, n: int) -> str:
    """“1 position”, “2 positions”, “1 person”, “3 people”."""
    # a collection's name is its plural ("people", "parties"); SINGULAR gives the singular
    one, many = (SINGULAR[collection], collection) if collection in SINGULAR else ("record", "records")
    return tr("{0} " + (one if n == 1 else many)).format(f"{n:,}")


def _join(items: list[str]) -> str:
    """“a”, “a and b”, “a, b and c”."""
    if len(items) <= 1:
        return "".join(items)
    return tr("{0} and {1}").format(", ".join(items[:-1]), items[-1])


def _name_of(names: Names | None, collection: str, record_id: str) -> str | None:
    if names is None or not isinstance(record_id, str):
        return None
    try:
        name = names(collection, record_id)
    except Exception:  # a lookup that fails is a name we do not have, never a crash
        return None
    return cut(name) if isinstance(name, str) and name.strip() else None


# ---------------------------------------------------------------- field errors
_PATH = re.compile(r"(?P<coll>[a-z_]+)\[(?P<key>[^\]]*)\](?:\.(?P<rest>.+))?", re.ASCII)
_REST = re.compile(r"(?P<field>[A-Za-z_][A-Za-z0-9_]*)"
                   r"(?:\[(?P<index>[0-9]+)\](?:\.(?P<sub>[A-Za-z_][A-Za-z0-9_]*))?)?", re.ASCII)
_QUOTED_ID = re.compile(r"'([a-z0-9._-]{1,64})'", re.ASCII)

_BLANK = re.compile(r"must not be blank|required, got null|required field is missing")
_NUL = re.compile(r"text may not contain the NUL character U\+0000")
_SURROGATE = re.compile(r"text may not contain a lone surrogate")
_NOT_TEXT = re.compile(r"expected text, got .*", re.S)
_CHOICE = re.compile(r"expected one of (?P<allowed>.*?), got .*", re.S)
_BAD_DATE = re.compile(r"expected a date YYYY, YYYY-MM or YYYY-MM-DD(?:, got .*)?", re.S)
_BAD_YEAR = re.compile(r"year must be 0001 to 9999(?:, got .*)?", re.S)
_BAD_MONTH = re.compile(r"no month (?P<month>[0-9]+)(?:, got .*)?", re.S)
_BAD_DAY = re.compile(r"no day (?P<day>[0-9]+) in (?P<year>[0-9]{4})-(?P<month>[0-9]{2})(?:, got .*)?", re.S)
_INTEGER = re.compile(r"expected an integer (?P<low>-?[0-9]+)-(?P<high>[0-9]+), got .*", re.S)
_COUNTRY = re.compile(r"expected a two-letter country code.*", re.S)
_REF_FORM = re.compile(r"expected the id of an? (?P<noun>[a-z]+), got .*", re.S)
_UNKNOWN_REF = re.compile(r"unknown (?P<noun>[a-z]+) '.*", re.S)
_BAD_ID = re.compile(r"expected an id of 1-64 characters.*", re.S)
_ID_TAKEN = re.compile(r"an? (?P<noun>[a-z]+) with id '.*' already exists", re.S)
_NUMBER_TAKEN = re.compile(r"round number (?P<number>[0-9]+) is already used by round '.*", re.S)
_OUT_OF_ORDER = re.compile(r"(?P<ends>ends|ended) (?P<end>\S+), before it (?:starts|started) (?P<start>\S+)")
_DUPLICATE_PARTY = re.compile(r"party '(?P<party>[^']*)' already listed at parties\[(?P<first>[0-9]+)\]")
_OTHER_NEGOTIATION = re.compile(r"(?P<noun>[a-z]+) '(?P<id>(?:[^'\\]|\\.)*)' belongs to negotiation '.*", re.S)
_VIA_LOOP = re.compile(r"the via chain comes back to where it started: (?P<chain>.*)", re.S)
_NOT_LIST = re.compile(r"expected an array, got .*", re.S)
_NOT_OBJECT = re.compile(r"expected an object, got .*", re.S)
_UNKNOWN_FIELD = re.compile(r"unknown field")
_DUPLICATE_ID = re.compile(r"duplicate id, also at .*", re.S)
_NOT_FOUND = re.compile(r"(?P<coll>[a-z]+): no record with id '.*", re.S)

_DATE_HELP = "type a year, a month (2025-11) or a day (2025-11-05)"

#: Who ends before it starts, by the field the error is on.
_OUT_OF_ORDER_SUBJECTS = {
    ("rounds", "end", None): ("the round ends ({0}) before it starts ({1})"),
    ("negotiations", "ended", None): ("the negotiation ended ({0}) before it started ({1})"),
    ("people", "roles", "end"): ("the role ends ({0}) before it starts ({1})"),
}


def _split_path(collection: str, path: str) -> tuple[str, str, int | None, str | None]:
    """``(collection, field, index, sub)`` named by a path; field "" when it names none."""
    match = _PATH.fullmatch(path or "")
    if match is not None:
        if match.group("coll") in FIELDS:
            collection = match.group("coll")
        rest = match.group("rest") or ""
    elif path in FIELDS or not path:
        return (path if path in FIELDS else collection), "", None, None
    else:
        rest = path
    parts = _REST.fullmatch(rest)
    if parts is None:  # a deeper or odd path: its first name is still the field
        lead = re.match(r"[A-Za-z_][A-Za-z0-9_]*", rest)
        return collection, (lead.group(0) if lead else ""), None, None
    index = int(parts.group("index")) if parts.group("index") is not None else None
    return collection, parts.group("field"), index, parts.group("sub")


def _kind_of(collection: str, field: str, index: int | None, sub: str | None) -> object | None:
    kind = FIELDS.get(collection, {}).get(field)
    if index is not None and isinstance(kind, ListOf):
        kind = kind.item
    if sub is not None:
        kind = kind.fields.get(sub) if isinstance(kind, Obj) else None
    return kind


def _display_date(text: str) -> str:
    try:
        return PartialDate.parse(text).display()
    except ValueError:
        return text


def _choice_word(value: str) -> str:
    return value if len(value) <= 1 else choice_words(value)


def date_problem(message: str) -> str | None:
    """A date rule's refusal (``PartialDate.parse``'s reason, as the rules word it) in plain
    words; None when ``message`` is not about a date."""
    if _BAD_DATE.fullmatch(message):
        return tr(_DATE_HELP)
    if _BAD_YEAR.fullmatch(message):
        return tr("the year must be from 0001 to 9999")
    if m := _BAD_MONTH.fullmatch(message):
        return tr("there is no month {0} — type a month from 01 to 12").format(m.group("month"))
    if m := _BAD_DAY.fullmatch(message):
        month = int(m.group("month"))
        month_name = tr(_MONTHS[month - 1]) if 1 <= month <= 12 else m.group("month")
        return tr("{0} {1} has no day {2}").format(month_name, int(m.group("year")), int(m.group("day")))
    return None


def _required(collection: str, field: str, sub: str | None, kind: object | None) -> str:
    if isinstance(kind, Ref):
        return tr("choose a {0}").format(_noun(SINGULAR.get(kind.collection)))
    if isinstance(kind, Date):
        return tr("required — {0}").format(tr(_DATE_HELP))
    if isinstance(kind, Integer):
        return tr("required — type a whole number")
    hint = _REQUIRED_HINTS.get((collection, field)) if sub is None else None
    return tr("required — {0}").format(tr(hint)) if hint else tr("required")


def _detail(collection: str, field: str, index: int | None, sub: str | None, message: str,
            names: Names | None) -> tuple[str, bool]:
    """What went wrong in plain words, and whether it names the list entry itself
    (then the entry's own field label is left out of the prefix)."""
    kind = _kind_of(collection, field, index, sub)
    if _BLANK.fullmatch(message):
        return _required(collection, field, sub, kind), False
    if _NUL.fullmatch(message):
        return tr("contains a character that cannot be stored (U+0000)"), False
    if _SURROGATE.fullmatch(message):
        return tr("contains a character that cannot be stored (an unpaired surrogate)"), False
    if _NOT_TEXT.fullmatch(message):
        return tr("must be text"), False
    if m := _CHOICE.fullmatch(message):
        allowed = [_choice_word(v.strip()) for v in m.group("allowed").split(",") if v.strip()]
        return tr("choose one of {0}").format(", ".join(allowed)), False
    if (text := date_problem(message)) is not None:
        return text, False
    if m := _INTEGER.fullmatch(message):
        low, high = int(m.group("low")), int(m.group("high"))
        if (sub or field) == "credibility":
            return tr("choose {0} to {1}").format(low, high), False
        if high >= ROUND_NUMBER_MAX:
            return tr("type a whole number from {0}").format(low), False
        return tr("type a whole number from {0} to {1}").format(low, high), False
    if _COUNTRY.fullmatch(message):
        return tr("type a two-letter country code such as SY"), False
    if m := _REF_FORM.fullmatch(message):
        return tr("choose a {0} from the list").format(_noun(m.group("noun"))), False
    if m := _UNKNOWN_REF.fullmatch(message):
        return tr("the chosen {0} no longer exists").format(_noun(m.group("noun"))), False
    if m := _NUMBER_TAKEN.fullmatch(message):
        return tr("Round {0} already exists in this negotiation — choose another number").format(
            m.group("number")), False
    if m := _OUT_OF_ORDER.fullmatch(message):
        end, start = _display_date(m.group("end")), _display_date(m.group("start"))
        pattern = _OUT_OF_ORDER_SUBJECTS.get((collection, field, sub))
        if pattern is None:
            pattern = ("it ended ({0}) before it started ({1})" if m.group("ends") == "ended"
                       else "it ends ({0}) before it starts ({1})")
        return tr(pattern).format(end, start), False
    if m := _DUPLICATE_PARTY.fullmatch(message):
        rows = (int(m.group("first")) + 1, (index if index is not None else 0) + 1)
        name = _name_of(names, "parties", m.group("party"))
        if name is not None:
            return tr("{0} is listed twice (rows {1} and {2})").format(name, *rows), True
        return tr("the same party is listed twice (rows {0} and {1})").format(*rows), True
    if m := _OTHER_NEGOTIATION.fullmatch(message):
        noun = m.group("noun")
        if index is not None and sub is None:  # an entry of a list of references: the agenda
            name = _name_of(names, _plural_of(noun), m.group("id"))
            if name is not None:
                return tr("“{0}” belongs to another negotiation").format(name), False
            return tr("this {0} belongs to another negotiation").format(_noun(noun)), False
        return tr("belongs to another negotiation — choose a {0} of this negotiation").format(
            _noun(noun)), False
    if m := _VIA_LOOP.fullmatch(message):
        ids = _QUOTED_ID.findall(m.group("chain"))
        shown = [_name_of(names, "sources", i) for i in ids]
        if ids and all(shown):
            return tr("this makes a loop ({0}) — a source cannot be carried by itself").format(
                " ▸ ".join(shown)), False
        return tr("this makes a loop — a source cannot be carried by itself, even through other sources"), False
    if _NOT_LIST.fullmatch(message):
        return tr("must be a list"), False
    if _NOT_OBJECT.fullmatch(message):
        return tr("this entry cannot be read"), False
    if (m := _NOT_FOUND.fullmatch(message)) and m.group("coll") in SINGULAR:
        return tr("this {0} no longer exists — someone may have deleted it").format(
            _noun(SINGULAR[m.group("coll")])), False
    if _UNKNOWN_FIELD.fullmatch(message):
        return tr("is not something Dossier knows"), False
    return message, False


def _plural_of(noun: str) -> str:
    return next((c for c, s in SINGULAR.items() if s == noun), noun)


def human_error(collection: str, error: FieldError, names: Names | None = None) -> tuple[str, str]:
    """``(top_field, text)``: the record's field an error is about ("" for none) and the
    error in the form's words, e.g. ``("sources", "Sources, citation 1: Credibility: choose 1 to 6")``.

    ``collection`` is the collection of the record the form edits (the error's path, when it
    names one, wins). ``names(collection, id)`` turns ids into names where it can.
    """
    message = (error.message or "").strip()
    coll, field, index, sub = _split_path(collection, error.path or "")

    if field == "id" or (not field and (_ID_TAKEN.fullmatch(message) or _BAD_ID.fullmatch(message)
                                        or _DUPLICATE_ID.fullmatch(message))):
        return field, _id_text(coll, message)

    detail, names_entry = _detail(coll, field, index, sub, message, names)
    if not detail:
        detail = tr("this cannot be saved")
    if not field:
        return "", detail[:1].upper() + detail[1:]
    prefix = field_label(coll, field)
    if index is not None and not names_entry:
        pattern = _ITEM_NAMES.get(field, "{0}, item {1}")
        prefix = tr(pattern).format(prefix, index + 1)
        if sub is not None:
            prefix = f"{prefix}: {field_label(coll, field, sub)}"
    return field, f"{prefix}: {detail}"


def _id_text(collection: str, message: str) -> str:
    noun = _noun(SINGULAR.get(collection))
    if _ID_TAKEN.fullmatch(message):
        if collection == "rounds":
            return tr("A round like this already exists — choose another number")
        if collection == "positions":
            return tr("A position like this already exists")
        word = tr("name") if collection in ("parties", "people") else tr("title")
        article = tr("An") if noun[:1] in "aeiou" else tr("A")
        return tr("{0} {1} with this {2} already exists").format(article, noun, word)
    if _DUPLICATE_ID.fullmatch(message):
        return tr("Another {0} in the file has the same id").format(noun)
    if _BAD_ID.fullmatch(message):
        return tr("This {0}'s internal id cannot be used — it may hold only a–z, 0–9, “-”, “_” and “.”, "
                  "at most 64 of them").format(noun)
    return message or tr("This {0} cannot be saved").format(noun)


# ---------------------------------------------------------------- delete confirmations
def record_title(collection: str, record: object | None, names: Names | None = None,
                 record_id: str | None = None) -> str:
    """A record as it opens a line: ``Round 2 · Geneva``, ``Position “Withdrawal…”``."""
    kind = tr(SINGULAR[collection].capitalize() if collection in SINGULAR else "Record")
    if record is None:
        name = _name_of(names, collection, record_id) if record_id else None
        if name is None:
            return kind
        if collection == "rounds":
            return name
        return tr("{0} “{1}”").format(kind, cut(name, max(20, LABEL_LIMIT - len(kind) - 3)))
    if collection == "rounds":
        number = getattr(record, "number", None)
        title = getattr(record, "title", None)
        title = cut(title) if isinstance(title, str) and title.strip() else None
        if isinstance(number, int):
            label = tr("Round {0}").format(number)
            return cut(f"{label} · {title}") if title else label
        return tr("Round “{0}”").format(title) if title else tr("Round without a number")
    for attr in ("name", "title", "summary"):
        value = getattr(record, attr, None)
        if isinstance(value, str) and value.strip():
            return tr("{0} “{1}”").format(kind, cut(value, max(20, LABEL_LIMIT - len(kind) - 3)))
    return kind


def referrer_label(ref: Reference, record: object | None, names: Names | None = None) -> str:
    """How a record that refers to another is listed before a delete: ``Round 1 — participant``."""
    title = record_title(ref.collection, record, names, ref.record_id)
    role = _REFERENCE_ROLES.get((ref.collection, ref.field))
    if role is None:
        head, _, tail = ref.field.partition(".")
        role = (field_label(ref.collection, head, tail) if tail else field_label(ref.collection, head)).lower()
    else:
        role = tr(role)
    return tr("{0} — {1}").format(title, role)


def delete_confirmation(collection: str, record: object, refs: list[Reference],
                        referrers: Mapping[tuple[str, str], object],
                        outcome_deleted: Mapping[str, list[str]], outcome_changed: Mapping[str, list[str]],
                        names: Names | None = None) -> str:
    """The plain-text body of the box that asks before a delete."""
    record_id = getattr(record, "id", None)
    lines = [_delete_question(collection, record)]
    if refs:
        lines.append("")
        lines.append((tr("1 record refers to it:") if len(refs) == 1 else tr("{0} records refer to it:"))
                     .format(f"{len(refs):,}"))
        for ref in refs[:12]:
            lines.append("  • " + referrer_label(ref, referrers.get((ref.collection, ref.record_id)), names))
        if len(refs) > 12:
            lines.append("  " + tr("… and {0} more").format(f"{len(refs) - 12:,}"))
    also = consequences(outcome_deleted, outcome_changed, skip=(collection, record_id))
    lines.append("")
    if also:
        lines.append(also)
    lines.append(tr("You can undo this with Edit ▸ Undo."))
    return "\n".join(lines)


def _delete_question(collection: str, record: object) -> str:
    if collection == "rounds":
        return tr("Delete {0}?").format(record_title(collection, record))
    noun = _noun(SINGULAR.get(collection))
    for attr in ("name", "title", "summary"):
        value = getattr(record, attr, None)
        if isinstance(value, str) and value.strip():
            return tr("Delete the {0} “{1}”?").format(noun, cut(value))
    return tr("Delete this {0}?").format(noun)


def _counts(outcome: Mapping[str, Iterable[str]], skip: tuple[str, str | None]) -> list[str]:
    parts = []
    order = list(SINGULAR) + [c for c in outcome if c not in SINGULAR]
    for name in order:
        ids = [i for i in outcome.get(name, ()) if (name, i) != skip]
        if ids:
            parts.append(count_text(name, len(ids)))
    return parts


def consequences(outcome_deleted: Mapping[str, Iterable[str]], outcome_changed: Mapping[str, Iterable[str]],
                 skip: tuple[str, str | None] = ("", None)) -> str:
    """What a delete also does, in one sentence ("" for nothing): ``It also deletes 3 positions;
    it removes the reference from 2 people and 1 round.`` ``skip`` is the deleted record itself."""
    deleted = _counts(outcome_deleted, skip)
    changed = _counts(outcome_changed, skip)
    if deleted and changed:
        return tr("It also deletes {0}; it removes the reference from {1}.").format(_join(deleted), _join(changed))
    if deleted:
        return tr("It also deletes {0}.").format(_join(deleted))
    if changed:
        return tr("It also removes the reference from {0}.").format(_join(changed))
    return ""


__all__ = [
    "FIELD_LABELS",
    "ITEM_LABELS",
    "LABEL_LIMIT",
    "Names",
    "consequences",
    "count_text",
    "cut",
    "delete_confirmation",
    "field_label",
    "human_error",
    "record_title",
    "referrer_label",
]
