"""One negotiation's records, read from the workspace, as a ``Document`` for ``model.analysis``.

Only that negotiation's topics, rounds, positions and events are fetched, so the
matrix, movement and timeline stay quick however large the workspace grows; parties
are few and come whole, for their names.
"""

from __future__ import annotations

from dossier.errors import NotFoundError
from dossier.model import labels
from dossier.model.analysis import Placement
from dossier.model.dates import display_date
from dossier.model.records import Document, Round
from dossier.services import records
from dossier.services.workspace import Workspace
from dossier.ui.translate import translator


def load_negotiation(ws: Workspace, negotiation_id: str, *, positions: bool = False,
                     events: bool = False) -> Document | None:
    """The negotiation, its topics and rounds, with ``positions`` its positions and with ``events``
    its events; None when it no longer exists.

    Positions come without their citations: the matrix, the movement between rounds and
    the filters show none, and a position's form reads the whole record. A negotiation of
    10,000 positions has some 30,000 citations."""
    try:
        negotiation = records.get(ws, "negotiations", negotiation_id)
    except NotFoundError:
        return None
    only = {"negotiation": negotiation_id}
    return Document(
        parties=records.find(ws, "parties", order_by=("name", "uid")),
        negotiations=[negotiation],
        topics=records.find(ws, "topics", only, order_by=("id",)),  # the order they were added in
        rounds=records.find(ws, "rounds", only, order_by=("number", "uid")),
        positions=records.find(ws, "positions", only, order_by=("uid",), lists=False) if positions else [],
        events=records.find(ws, "events", only, order_by=("date", "uid")) if events else [],
    )


def party_names(doc: Document) -> dict[str, str]:
    return {p.id: p.name for p in doc.parties}


def topic_titles(doc: Document) -> dict[str, str]:
    return {t.id: t.title for t in doc.topics}


round_label = labels.round_label_of  # "Round 5", else the round's title or id


tr = translator("negotiation_data")


def status_word(rnd: Round) -> str:
    """"cancelled", "postponed", "planned" for a round that did not take place; "" for a held one."""
    word = labels.status_word(rnd)
    return tr(word) if word else ""


def round_label_with_status(rnd: Round) -> str:
    """"Round 6 (cancelled)" for a round that did not take place, else ``round_label``."""
    word = status_word(rnd)
    return f"{round_label(rnd)} ({word})" if word else round_label(rnd)


def _and(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return tr("{some} and {last}").format(some=", ".join(items[:-1]), last=items[-1])


def placement_note(placed: Placement | None, date: str | None) -> str:
    """Where a position without a round stands among the rounds, in a sentence; for an
    approximate placement, also how to make it exact. "" for a position with a round."""
    if placed is None:
        return ""
    if placed.undated:
        return tr("No date and no round: placed before every round. Give it a date or a round.")
    where = (tr("Placed after {round} by its date, {date}").format(round=round_label(placed.after),
                                                                  date=display_date(date))
             if placed.after is not None else
             tr("Placed before every round by its date, {date}").format(date=display_date(date)))
    if not placed.spans:
        return where + "."
    starts = [f"{round_label(r)} ({display_date(r.start)})" for r in placed.spans]
    spans = (tr("which spans the start of {round}").format(round=starts[0]) if len(starts) == 1 else
             tr("which spans the starts of {rounds}").format(rounds=_and(starts)))
    text = tr("{where}, {spans}: give it a day or a round to place it exactly.")
    return text.format(where=where, spans=spans)
