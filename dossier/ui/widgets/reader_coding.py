"""Turning what the reader shows into records: a position coded from a passage, a passage cited
on a record, a name not yet in the workspace made a person or an alias.

New records open as drafts in their pane (nothing is written before the analyst creates them);
a change to an existing record is one undoable edit checked against the version read
(``commands.push_save``), like every edit in a form.
"""

from __future__ import annotations

import re
from dataclasses import replace

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from dossier.errors import DossierError
from dossier.model.enums import CREDIBILITY_LABELS, PositionKind
from dossier.model.labels import record_label
from dossier.model.records import SINGULAR, Citation, Person, Position, Source
from dossier.model.text import seal_bidi
from dossier.services import records
from dossier.ui.alerts import show_error
from dossier.ui.commands import push_save
from dossier.ui.context import AppContext
from dossier.ui.dialogs.pick_record import RecordPicker
from dossier.ui.translate import translator
from dossier.ui.widgets.fields import ChoiceField
from dossier.ui.widgets.kinds import kind_label
from dossier.ui.widgets.negotiation_data import round_label_with_status
from dossier.ui.widgets.text import is_rtl

tr = translator("reader")

#: Longest summary pre-filled from a passage: a position is said in a sentence or two; the
#: whole passage goes into the citation's quote.
SUMMARY_PREFILL = 600
#: The credibility a citation made from the reader starts with: "truth cannot be judged",
#: as a citation added by hand; the analyst grades it.
DEFAULT_CREDIBILITY = 6
_SENTENCE_END = re.compile(r"[.!?\u061f\u06d4](?=\s|$)")


def passage_quote(passage: str) -> str:
    """The passage as a quote: its words as in the document, white space made single spaces."""
    return " ".join(passage.split())


def passage_summary(passage: str, limit: int = SUMMARY_PREFILL) -> str:
    """The passage, cut to ``limit`` at the last sentence end in its second half, else at a word
    (with an ellipsis)."""
    text = passage_quote(passage)
    if len(text) <= limit:
        return text
    cut = text[:limit]
    ends = [m.end() for m in _SENTENCE_END.finditer(cut)]
    if ends and ends[-1] >= limit // 2:
        return cut[:ends[-1]]
    space = cut.rfind(" ")
    return (cut[:space] if space >= limit // 2 else cut[:limit - 1]).rstrip() + "…"


def speaker(found, start: int, end: int, collection: str):
    """The mention a passage is said by: the first of ``collection`` inside the passage, else the
    nearest one before it (``mentions.nearest_preceding``)."""
    from dossier.services.mentions import nearest_preceding

    inside = next((m for m in found.mentions if m.collection == collection and start <= m.start < end), None)
    return inside or nearest_preceding(found, start, collection)


def position_from_passage(ws, source: Source, found, start: int, end: int, negotiation_id: str) -> Position:
    """A new position (a draft) coded from ``source.text[start:end]``.

    The person is the one who says the passage (``speaker``); the party is that person's, else
    the party named in or nearest before the passage; the topic is one named in the passage when
    it belongs to the negotiation. The summary is the passage cut to ``SUMMARY_PREFILL``; the
    whole passage is the quote of a citation of the source."""
    passage = (source.text or "")[start:end]
    person_id = party_id = topic_id = None
    if found is not None:
        said_by = speaker(found, start, end, "people")
        if said_by is not None:
            person_id = said_by.record_id
            try:
                party_id = records.get(ws, "people", person_id).party
            except DossierError:
                party_id = None
        if party_id is None:
            named = speaker(found, start, end, "parties")
            party_id = named.record_id if named is not None else None
        for mention in found.mentions:
            if mention.collection == "topics" and start <= mention.start < end:
                try:
                    if records.get(ws, "topics", mention.record_id).negotiation == negotiation_id:
                        topic_id = mention.record_id
                        break
                except DossierError:
                    continue
    return Position(id="", negotiation=negotiation_id, party=party_id or "", topic=topic_id or "",
                    person=person_id, kind=PositionKind.STATEMENT.value, summary=passage_summary(passage),
                    sources=[Citation(source=source.id, credibility=DEFAULT_CREDIBILITY,
                                      quote=passage_quote(passage))])


def open_draft(parent: QWidget, pane_key: str, record) -> bool:
    """Show the pane ``pane_key`` with a new draft of ``record`` (not saved until Create)."""
    window = parent.window()
    if not hasattr(window, "show_pane") or not window.show_pane(pane_key):
        return False
    return window.current_pane().new_record(record)


def _credibility_field(parent: QWidget) -> tuple[QWidget, ChoiceField]:
    holder = QWidget(parent)
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    label = QLabel(tr("Credibility of the passage:"), holder)
    choice = ChoiceField(holder)
    choice.setObjectName("pickerCredibility")
    choice.fill([(n, f"{n} – {tr(text)}") for n, text in CREDIBILITY_LABELS.items()])
    choice.set_value(DEFAULT_CREDIBILITY)
    label.setBuddy(choice)
    row.addWidget(label)
    row.addWidget(choice, 1)
    return holder, choice


def citing_choices(ws, negotiation_id: str | None) -> list[tuple[str, str, str]]:
    """The records a passage can be cited on: the chosen negotiation's positions, rounds and events."""
    choices: list[tuple[str, str, str]] = []
    if not negotiation_id:
        return choices
    for rnd in records.find(ws, "rounds", {"negotiation": negotiation_id}, lists=False):
        choices.append(("rounds", rnd.id, tr("Round: {0}").format(seal_bidi(round_label_with_status(rnd)))))
    parties = dict(records.choices(ws, "parties", "name"))
    for position in records.find(ws, "positions", {"negotiation": negotiation_id}, ("date", "uid"), lists=False):
        who = parties.get(position.party, position.party)
        choices.append(("positions", position.id, tr("Position: {0} · {1} · {2}").format(
            seal_bidi(who), kind_label(position.kind), seal_bidi(record_label(position)))))
    for event in records.find(ws, "events", {"negotiation": negotiation_id}, ("date", "uid"), lists=False):
        choices.append(("events", event.id, tr("Event: {0} · {1}").format(event.date, seal_bidi(record_label(event)))))
    return choices


def cite_passage(ctx: AppContext, parent: QWidget, source_id: str, passage: str) -> tuple[str, str] | None:
    """Ask which record cites the passage, and add the citation to it (one undoable edit).
    The record cited on, or None when nothing was changed."""
    quote = passage_quote(passage)
    if not quote:
        return None
    try:
        choices = citing_choices(ctx.ws, ctx.negotiation_id)
    except DossierError as exc:
        show_error(parent, tr("Cite selection"), str(exc))
        return None
    extra, credibility = _credibility_field(parent)
    picker = RecordPicker(tr("Cite selection"),
                          tr("Which position, round or event does this passage support? The passage "
                             "becomes the quote of a citation of this source."),
                          choices, parent, extra=extra, ok_text=tr("Cite"))
    if picker.exec() != RecordPicker.DialogCode.Accepted or picker.chosen() is None:
        return None
    collection, record_id = picker.chosen()
    citation = Citation(source=source_id, credibility=credibility.value() or DEFAULT_CREDIBILITY, quote=quote)
    return _append(ctx, parent, collection, record_id, tr("Cite selection"),
                   lambda record: None if citation in record.sources
                   else replace(record, sources=[*record.sources, citation]),
                   tr("Cite passage on {0} “{1}”"),
                   tr("This {0} already cites the passage."))


def alias_for(ctx: AppContext, parent: QWidget, name: str) -> tuple[str, str] | None:
    """Ask which person ``name`` is another spelling of, and add it to their aliases (undoable)."""
    try:
        people = records.choices(ctx.ws, "people", "name")
    except DossierError as exc:
        show_error(parent, tr("Add as alias"), str(exc))
        return None
    picker = RecordPicker(tr("Add as alias"),
                          tr("Whose name is “{0}” another spelling of?").format(name),
                          [("people", pid, person_name) for pid, person_name in people], parent,
                          ok_text=tr("Add alias"))
    if picker.exec() != RecordPicker.DialogCode.Accepted or picker.chosen() is None:
        return None
    _, person_id = picker.chosen()

    def add(person: Person):
        if name in person.aliases or name in (person.name, person.native_name):
            return None
        return replace(person, aliases=[*person.aliases, name])

    return _append(ctx, parent, "people", person_id, tr("Add as alias"), add,
                   tr("Add alias to {0} “{1}”"), tr("This {0} already has that spelling."))


def person_draft(name: str) -> Person:
    """A new person named ``name``: in Latin script it is their name, in another script their
    name in their own script (the Latin one is the analyst's to give)."""
    if is_rtl(name) or not any("a" <= ch.lower() <= "z" for ch in name):
        return Person(id="", name="", native_name=name)
    return Person(id="", name=name)


def _append(ctx: AppContext, parent: QWidget, collection: str, record_id: str, title: str, change, describe: str,
            already: str) -> tuple[str, str] | None:
    try:
        before, version = records.get_versioned(ctx.ws, collection, record_id)
    except DossierError as exc:
        show_error(parent, title, str(exc))
        return None
    after = change(before)
    if after is None:
        ctx.sig_status.emit(already.format(tr(SINGULAR[collection])))
        return None
    saved = push_save(ctx, before, after, describe.format(tr(SINGULAR[collection]), record_label(before)),
                      version, parent)
    if saved.error is not None:
        show_error(parent, title, "\n".join(e.message for e in saved.error.errors) or str(saved.error))
        return None
    if saved.theirs:
        return None
    ctx.sig_status.emit(describe.format(tr(SINGULAR[collection]), seal_bidi(record_label(before))) + " — "
                        + tr("done; Edit ▸ Undo takes it back"))
    return collection, record_id
