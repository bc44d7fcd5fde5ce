"""A person worth erasing, and a search of every file in a folder for what is left of them.

Shared by the erasure tests of the store (tests/store/test_erasure.py) and of the app
(tests/ui/test_erasure_in_the_app.py); imported explicitly (not a pytest conftest).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from dossier.model import Participant, Person
from dossier.services import records

PERSON = "zanzibarquux-qwertyzed"
#: Words only the person (and the entries about the person in other records) hold.
WORDS = ["Zanzibarquux", "Qwertyzed", "Vorpalish", "Xylocarpine", "Grimbleshanks", "Plumbagoid", "Snorkelwhist",
         "זנזיברקווקס"]


def person() -> Person:
    return Person(id=PERSON, name="Zanzibarquux Qwertyzed", native_name="זנזיברקווקס",
                  aliases=["Z. Qwertyzed"], party="il", title="Vorpalish envoy",
                  bio="Met the Xylocarpine delegation twice; paragraph after paragraph about him.",
                  notes="Grimbleshanks is the codename the cables use.")


def involve(ws, person_id: str = PERSON) -> None:
    """Make the person (of the demo workspace) a participant of a round, with a role of their own,
    its mediator, a person of an event and the one who stated a position, each record saved
    twice (so earlier versions naming the person are in the history)."""
    rnd = records.get(ws, "rounds", "round-2")
    rnd = records.update(ws, dataclasses.replace(rnd, participants=[
        *rnd.participants, Participant(person=person_id, party="il", role="Plumbagoid liaison")])).record
    records.update(ws, dataclasses.replace(rnd, summary=(rnd.summary or "") + " (checked)", mediator=person_id))
    event = records.get(ws, "events", "ev-miami-meeting")
    event = records.update(ws, dataclasses.replace(event, people=[*event.people, person_id])).record
    records.update(ws, dataclasses.replace(event, description=(event.description or "") + " (checked)"))
    position = records.get(ws, "positions", "pos-il-red-lines")
    records.update(ws, dataclasses.replace(position, person=person_id))


def needles(words: list[str] = WORDS, ids: tuple[str, ...] = (PERSON,)) -> list[bytes]:
    """Every form a word can take in the files: as written, folded for the search index, in ids."""
    out = set()
    for word in [*words, *ids]:
        for form in (word, word.lower(), word.upper(), word.casefold()):
            out.add(form.encode("utf-8"))
    return sorted(out)


def found(folder: Path, wanted: list[bytes], exempt: set[Path] = frozenset()) -> dict[str, list[str]]:
    """Which of ``wanted`` each file under ``folder`` still holds (files holding none left out;
    files under ``exempt`` not searched)."""
    hits = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if any(path == e or path.is_relative_to(e) for e in exempt):
            continue
        data = path.read_bytes()
        held = [n.decode("utf-8") for n in wanted if n in data]
        if held:
            hits[str(path.relative_to(folder))] = held
    return hits
