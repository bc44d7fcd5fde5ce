"""The words records are shown by: rounds, kinds, statuses and closed vocabularies.

One module, so the window, the PDF, ``dossier analyse`` and the search index say the same
thing. Dates are ``model.dates`` (``display_date``, ``display_range``). The app translates
these words where it shows them; the PDF prints them as they are.
"""

from __future__ import annotations

from dossier.model.analysis import took_place
from dossier.model.enums import PositionKind, RoundStatus

#: the word for a round that did not take place, by its status (a held round has none)
STATUS_WORDS = {RoundStatus.CANCELLED: "cancelled", RoundStatus.POSTPONED: "postponed",
                RoundStatus.PLANNED: "planned"}


def choice_words(value: str | None) -> str:
    """A closed vocabulary's value in words: ``armed_group`` -> "Armed group"."""
    return str(value).replace("_", " ").capitalize() if value else ""


def kind_label(kind: str) -> str:
    """A position's kind in words ("Red line"); a value outside the vocabulary as it is."""
    try:
        return PositionKind(kind).label
    except ValueError:
        return str(kind)


def status_word(rnd) -> str | None:
    """"cancelled", "postponed" or "planned" for a round that did not take place; None for a held one."""
    if took_place(rnd):
        return None
    return STATUS_WORDS.get(rnd.status, str(rnd.status))


def round_label(number: int | None, title: str | None, record_id: str) -> str:
    """A round in a word or two: "Round 5" when numbered, else its title, else its id."""
    if number is not None:
        return f"Round {number}"
    return title or record_id


def round_label_of(rnd) -> str:
    """``round_label`` of a round record."""
    return round_label(rnd.number, rnd.title, rnd.id)


def round_title(rnd) -> str:
    """A round as a heading names it: "Round 5: Paris talks", "Round 5, Paris", "Paris talks",
    "Round at Paris", or "Round ID"."""
    if rnd.number is not None and rnd.title:
        return f"Round {rnd.number}: {rnd.title}"
    if rnd.number is not None:
        return f"Round {rnd.number}" + (f", {rnd.venue}" if rnd.venue else "")
    return rnd.title or (f"Round at {rnd.venue}" if rnd.venue else f"Round {rnd.id}")


def round_heading(rnd) -> str:
    """``round_title``, with the word for a round that did not take place ("… — cancelled")."""
    word = status_word(rnd)
    return round_title(rnd) + (f" — {word}" if word else "")


def round_in_timeline(rnd) -> str:
    """A round's line in a timeline: "R5 · Paris talks", "Round 5", its title or id, and
    "(cancelled)" or the like when it did not take place."""
    if rnd.number and rnd.title:
        text = f"R{rnd.number} · {rnd.title}"
    else:
        text = rnd.title or (f"Round {rnd.number}" if rnd.number else rnd.id)
    word = status_word(rnd)
    return f"{text} ({word})" if word else text


def round_in_search(rnd) -> str:
    """A round as a search hit is headed: "Round 5: Paris talks", "Round 5", "Round: Paris talks", "Round"."""
    number = f"Round {rnd.number}" if rnd.number is not None else "Round"
    return f"{number}: {rnd.title}" if rnd.title else number


def record_label(record: object) -> str:
    """What a record is called in messages: a name, a title, or a position's summary."""
    for attr in ("name", "title", "summary"):
        value = getattr(record, attr, None)
        if isinstance(value, str) and value.strip():
            return value if len(value) <= 80 else value[:79] + "…"
    return getattr(record, "id", "")
