"""Messages for people: real rule messages and real delete previews, said in the form's words."""

from __future__ import annotations

import re

import pytest

from dossier.errors import FieldError, Reference, ValidationError
from dossier.model.records import (
    Citation,
    Event,
    Negotiation,
    NegotiationParty,
    Party,
    Person,
    Position,
    Role,
    Round,
    Source,
    Topic,
)
from dossier.model.schema import validate_record
from dossier.services import records
from dossier.ui.messages import (
    FIELD_LABELS,
    ITEM_LABELS,
    delete_confirmation,
    human_error,
    referrer_label,
)

RAW = re.compile(r"expected|YYYY|[a-z]+\[|got (string|number|null)|'[a-z0-9._-]+'")


def assert_human(text: str) -> None:
    assert text and text.strip()
    assert not RAW.search(text), text


def only(errors: list[FieldError], suffix: str) -> FieldError:
    found = [e for e in errors if e.path.endswith(suffix)]
    assert len(found) == 1, errors
    return found[0]


def human(collection: str, record, suffix: str, names=None) -> tuple[str, str]:
    error = only(validate_record(collection, record, resolver=None), suffix)
    top, text = human_error(collection, error, names) if names else human_error(collection, error)
    assert_human(text)
    return top, text


def refused(ws, record) -> list[FieldError]:
    with pytest.raises(ValidationError) as info:
        records.create(ws, record)
    return info.value.errors


@pytest.fixture
def ws(tmp_path):
    from dossier.services.workspace import open_workspace

    workspace = open_workspace(tmp_path / "w.sqlite")
    records.create(workspace, Party(id="sy", name="Syria"))
    records.create(workspace, Party(id="il", name="Israel"))
    records.create(workspace, Negotiation(id="talks", title="Security talks"))
    records.create(workspace, Negotiation(id="other", title="Other talks"))
    records.create(workspace, Topic(id="border", negotiation="talks", title="Border"))
    records.create(workspace, Topic(id="elsewhere", negotiation="other", title="Elsewhere"))
    records.create(workspace, Round(id="round-1", negotiation="talks", number=1))
    yield workspace
    workspace.close()


def names_in(ws):
    def names(collection: str, record_id: str) -> str | None:
        try:
            rec = records.get(ws, collection, record_id)
        except Exception:
            return None
        return getattr(rec, "name", None) or getattr(rec, "title", None)

    return names


# ---------------------------------------------------------------- labels
def test_field_labels_cover_every_form_field():
    from dossier.model.schema import FIELDS

    for collection, fields in FIELDS.items():
        for field in fields:
            if field not in ("id",) and not (field == "negotiation" and collection != "negotiations"):
                assert field in FIELD_LABELS[collection], (collection, field)
    assert FIELD_LABELS["people"]["aliases"] == "Other spellings"
    assert FIELD_LABELS["rounds"]["topics"] == "Agenda"
    assert FIELD_LABELS["positions"]["person"] == "Stated by"
    assert FIELD_LABELS["sources"]["via"] == "Carried by"
    assert FIELD_LABELS["sources"]["url"] == "Address"
    assert ITEM_LABELS["citations"] == {"source": "Source", "credibility": "Credibility", "quote": "Quote"}
    assert set(ITEM_LABELS["roles"]) == {"title", "organization", "start", "end"}
    assert set(ITEM_LABELS["participants"]) == {"person", "party", "role"}
    assert set(ITEM_LABELS["negotiation_parties"]) == {"party", "role"}


# ---------------------------------------------------------------- dates
def test_bad_date_says_what_to_type():
    pos = Position(id="p-1", negotiation="talks", party="sy", topic="border", summary="x", date="05/01/2026")
    top, text = human("positions", pos, ".date")
    assert top == "date"
    assert text == "Date: type a year, a month (2025-11) or a day (2025-11-05)"


def test_month_13_day_31_in_april_and_year_0():
    rnd = Round(id="r-1", negotiation="talks", number=2, start="2026-13", end="2026-04-31")
    top, text = human("rounds", rnd, ".start")
    assert (top, text) == ("start", "Start: there is no month 13 — type a month from 01 to 12")
    top, text = human("rounds", rnd, ".end")
    assert (top, text) == ("end", "End: April 2026 has no day 31")
    src = Source(id="s-1", title="Report", published="0000")
    top, text = human("sources", src, ".published")
    assert (top, text) == ("published", "Published: the year must be from 0001 to 9999")


def test_end_before_start_uses_reader_dates():
    rnd = Round(id="r-1", negotiation="talks", number=2, start="2026-01-06", end="2026-01-05")
    top, text = human("rounds", rnd, ".end")
    assert (top, text) == ("end", "End: the round ends (5 Jan 2026) before it starts (6 Jan 2026)")
    neg = Negotiation(id="n-1", title="Talks", started="2026-02", ended="2026-01")
    top, text = human("negotiations", neg, ".ended")
    assert (top, text) == ("ended", "Ended: the negotiation ended (Jan 2026) before it started (Feb 2026)")
    person = Person(id="p-1", name="Envoy", roles=[Role(title="Envoy", start="2025-05-10", end="2025-04")])
    top, text = human("people", person, ".roles[0].end")
    assert top == "roles"
    assert text == "Roles, row 1: End: the role ends (Apr 2025) before it starts (10 May 2025)"


def test_required_date_of_an_event():
    event = Event(id="e-1", negotiation="talks", date=None, title="Strikes")
    top, text = human("events", event, ".date")
    assert top == "date" and text.startswith("Date: required")


# ---------------------------------------------------------------- text
def test_blank_required_text():
    assert human("parties", Party(id="x", name="  "), ".name") == ("name", "Name: required")
    pos = Position(id="p-1", negotiation="talks", party="sy", topic="border", summary="")
    assert human("positions", pos, ".summary") == ("summary", "Summary: required — say what the party holds")
    person = Person(id="x", name="X", roles=[Role(title=" ")])
    assert human("people", person, ".roles[0].title") == ("roles", "Roles, row 1: Title: required")


def test_characters_that_cannot_be_stored():
    top, text = human("parties", Party(id="x", name="X", notes="a\x00b"), ".notes")
    assert (top, text) == ("notes", "Notes: contains a character that cannot be stored (U+0000)")
    top, text = human("people", Person(id="x", name="X", bio="a\ud800b"), ".bio")
    assert top == "bio" and text.startswith("Biography: contains a character that cannot be stored")


def test_choices_and_country():
    top, text = human("parties", Party(id="x", name="X", kind="nation", country="syr"), ".kind")
    assert top == "kind" and text.startswith("Kind: choose one of ") and "Armed group" in text
    top, text = human("parties", Party(id="x", name="X", country="syr"), ".country")
    assert (top, text) == ("country", "Country: type a two-letter country code such as SY")


# ---------------------------------------------------------------- numbers
def test_list_item_credibility():
    rnd = Round(id="r-1", negotiation="talks", number=2, sources=[Citation(source="s", credibility=3),
                                                                 Citation(source="s", credibility=7)])
    top, text = human("rounds", rnd, ".sources[1].credibility")
    assert (top, text) == ("sources", "Sources, citation 2: Credibility: choose 1 to 6")


def test_round_number_out_of_range():
    top, text = human("rounds", Round(id="r-1", negotiation="talks", number=0), ".number")
    assert (top, text) == ("number", "Number: type a whole number from 1")


def test_round_number_taken(ws):
    error = only(refused(ws, Round(id="round-9", negotiation="talks", number=1)), ".number")
    assert "already used" in error.message  # the rule's own words ...
    top, text = human_error("rounds", error)  # ... and the form's
    assert (top, text) == ("number", "Number: Round 1 already exists in this negotiation — choose another number")
    assert_human(text)


# ---------------------------------------------------------------- ids and references
def test_id_taken_never_shows_the_id(ws):
    error = only(refused(ws, Party(id="sy", name="Syria again")), ".id")
    top, text = human_error("parties", error)
    assert text == "A party with this name already exists"
    assert "sy" not in text.split()
    assert_human(text)
    records.create(ws, Event(id="strikes", negotiation="talks", date="2026", title="Strikes"))
    error = only(refused(ws, Event(id="strikes", negotiation="talks", date="2026", title="Strikes")), ".id")
    assert human_error("events", error) == ("id", "An event with this title already exists")


def test_invalid_id_is_said_without_the_rule(ws):
    error = only(refused(ws, Party(id="Not An Id", name="X")), ".id")
    top, text = human_error("parties", error)
    assert top == "id" and "id" in text and "Not An Id" not in text
    assert_human(text)


def test_unknown_reference(ws):
    errors = refused(ws, Person(id="p-1", name="P", party="atlantis"))
    top, text = human_error("people", only(errors, ".party"))
    assert (top, text) == ("party", "Party: the chosen party no longer exists")
    errors = refused(ws, Round(id="round-2", negotiation="talks", number=2, sources=[Citation(source="gone",
                                                                                           credibility=2)]))
    top, text = human_error("rounds", only(errors, ".sources[0].source"))
    assert (top, text) == ("sources", "Sources, citation 1: Source: the chosen source no longer exists")
    assert_human(text)


def test_topic_or_round_of_another_negotiation(ws, tmp_path):
    pos = Position(id="p-x", negotiation="talks", party="sy", topic="elsewhere", summary="Holds a view")
    top, text = human_error("positions", only(refused(ws, pos), ".topic"))
    assert top == "topic" and text.startswith("Topic: belongs to another negotiation")
    assert_human(text)
    rnd = Round(id="round-7", negotiation="talks", number=7, topics=["border", "elsewhere"])
    error = only(refused(ws, rnd), ".topics[1]")
    top, text = human_error("rounds", error, names_in(ws))
    assert top == "topics" and text == "Agenda, item 2: “Elsewhere” belongs to another negotiation"
    top, text = human_error("rounds", error)
    assert text == "Agenda, item 2: this topic belongs to another negotiation"


def test_duplicate_negotiation_party(ws):
    neg = Negotiation(id="n-1", title="Talks", parties=[NegotiationParty(party="sy", role="party"),
                                                        NegotiationParty(party="il", role="party"),
                                                        NegotiationParty(party="sy", role="host")])
    error = only(validate_record("negotiations", neg, resolver=None), ".parties[2].party")
    top, text = human_error("negotiations", error, names_in(ws))
    assert top == "parties" and text.startswith("Parties: Syria is listed twice")
    assert_human(text)
    top, text = human_error("negotiations", error)
    assert text.startswith("Parties: ") and "twice" in text and "sy" not in text.split()
    assert_human(text)


def test_via_loop(ws):
    records.create(ws, Source(id="a", title="Agency wire"))
    records.create(ws, Source(id="b", title="Newspaper", via="a"))
    with pytest.raises(ValidationError) as info:
        records.update(ws, Source(id="a", title="Agency wire", via="b"))
    top, text = human_error("sources", only(info.value.errors, ".via"), names_in(ws))
    assert top == "via" and text.startswith("Carried by: this makes a loop")
    assert "Agency wire" in text and "Newspaper" in text
    assert_human(text)


# ---------------------------------------------------------------- never crash, never empty
@pytest.mark.parametrize("error", [
    FieldError("", "the workspace file is read-only"),
    FieldError("rounds", "unknown person 'gone'"),
    FieldError("rounds[r-1].venue", "something new the rules say"),
    FieldError("rounds[r-1].weird.deep[3].path", "odd"),
    FieldError("nonsense", ""),
    FieldError("people[#0].roles[0]", "expected an object, got string 'x'"),
    FieldError("events[e].people", "expected an array, got null"),
])
def test_anything_else_is_shown_with_its_label(error):
    top, text = human_error("rounds", error)
    assert isinstance(top, str) and text.strip()


def test_unrecognized_message_keeps_label_and_message():
    assert human_error("rounds", FieldError("rounds[r-1].venue", "a new rule")) == ("venue", "Venue: a new rule")
    assert human_error("rounds", FieldError("", "the file is read-only")) == ("", "The file is read-only")
    top, text = human_error("rounds", FieldError("rounds", "unknown person 'gone'"))
    assert (top, text) == ("", "The chosen person no longer exists")


def test_record_deleted_meanwhile(ws):
    from dossier.errors import NotFoundError

    with pytest.raises(NotFoundError) as info:
        records.update(ws, Party(id="gone", name="Gone"))
    top, text = human_error("parties", FieldError("", str(info.value)))
    assert (top, text) == ("", "This party no longer exists — someone may have deleted it")


# ---------------------------------------------------------------- delete confirmations
# ``demo``: the demo workspace (tests/ui/conftest.py)


def referrers_of(ws, refs):
    return {(r.collection, r.record_id): records.get(ws, r.collection, r.record_id) for r in refs}


def labels_for(ws, collection, record_id):
    refs = records.references(ws, collection, record_id)
    found = referrers_of(ws, refs)
    return refs, [referrer_label(r, found[(r.collection, r.record_id)], names_in(ws)) for r in refs]


def assert_plain(label: str) -> None:
    for raw in ("participants.person", "participants.party", "sources.source", "parties.party", "_"):
        assert raw not in label, label
    assert " — " in label


def test_referrer_labels_of_a_party(demo):
    refs, labels = labels_for(demo, "parties", "il")
    assert refs and len(labels) == len(refs)
    for label in labels:
        assert_plain(label)
    assert any(re.fullmatch(r"Person “.+” — party", x) for x in labels)
    assert any(re.fullmatch(r"Negotiation “Israel–Syria security talks” — party", x) for x in labels)
    assert any(re.fullmatch(r"Position “.+” — party", x) for x in labels)
    assert all(len(x.split(" — ")[0]) <= 62 for x in labels)


def test_referrer_labels_of_a_person(demo):
    refs, labels = labels_for(demo, "people", "asaad-al-shaybani")
    for label in labels:
        assert_plain(label)
    assert any(re.fullmatch(r"Round \d+( · .+)? — participant", x) for x in labels)
    assert any(x.endswith(" — stated by") and x.startswith("Position “") for x in labels)


def test_referrer_labels_of_topics_and_sources(demo):
    _, labels = labels_for(demo, "topics", "druze-protection")
    assert any(re.fullmatch(r"Round \d+( · .+)? — on the agenda", x) for x in labels)
    assert any(x.startswith("Position “") and x.endswith(" — topic") for x in labels)
    _, labels = labels_for(demo, "sources", "art-paris-round-5")
    for label in labels:
        assert_plain(label)
    assert any(re.fullmatch(r"Round \d+( · .+)? — cited source", x) for x in labels)
    assert any(x.startswith("Source “") and x.endswith(" — carried by") for x in labels)
    assert any(x.startswith("Event “") and x.endswith(" — cited source") for x in labels)


def test_referrer_label_made_up_cases():
    rnd = Round(id="round-2", negotiation="n", number=2, title="Geneva")
    assert referrer_label(Reference("rounds", "round-2", "mediator"), rnd) == "Round 2 · Geneva — mediator"
    untitled = Round(id="round-3", negotiation="n", number=3)
    assert referrer_label(Reference("rounds", "round-3", "topics"), untitled) == "Round 3 — on the agenda"
    event = Event(id="e", negotiation="n", date="2026", title="Strikes on Damascus")
    assert referrer_label(Reference("events", "e", "people"), event) == "Event “Strikes on Damascus” — person involved"
    long = Position(id="p", negotiation="n", party="x", topic="t", summary="Withdrawal " * 20)
    label = referrer_label(Reference("positions", "p", "party"), long)
    assert label.endswith("…” — party") and len(label) < 80
    # a referrer that could not be read: its name from ``names``, else just its kind, never its id
    assert referrer_label(Reference("sources", "s-9", "via"), None, lambda c, i: "Reuters report") == \
        "Source “Reuters report” — carried by"
    assert referrer_label(Reference("sources", "s-9", "via"), None) == "Source — carried by"


def test_delete_confirmation_of_a_party(demo):
    party = records.get(demo, "parties", "il")
    refs = records.references(demo, "parties", "il")
    outcome, _ = records.delete_preview(demo, "parties", "il")
    body = delete_confirmation("parties", party, refs, referrers_of(demo, refs), outcome.deleted, outcome.changed,
                               names_in(demo))
    lines = body.splitlines()
    assert lines[0] == "Delete the party “Israel”?"
    assert f"{len(refs)} records refer to it:" in lines
    bullets = [x for x in lines if x.startswith("  • ")]
    assert len(bullets) == min(12, len(refs))
    if len(refs) > 12:
        assert f"  … and {len(refs) - 12} more" in lines
    positions = len(outcome.deleted["positions"])
    assert f"It also deletes {positions} position{'s' if positions != 1 else ''}; it removes the reference from" \
        in body
    assert lines[-1] == "You can undo this with Edit ▸ Undo."
    for raw in ("participants.", "sources.source", "parties[", "'il'"):
        assert raw not in body


def test_delete_confirmation_counts_and_plurals():
    party = Party(id="sy", name="Syria")
    body = delete_confirmation("parties", party, [], {}, {"parties": ["sy"], "positions": ["a", "b", "c"]},
                               {"people": ["x", "y"], "rounds": ["r"]}, None)
    assert body.splitlines()[0] == "Delete the party “Syria”?"
    assert "It also deletes 3 positions; it removes the reference from 2 people and 1 round." in body
    body = delete_confirmation("negotiations", Negotiation(id="n", title="Talks"), [], {},
                               {"negotiations": ["n"], "parties": ["p"], "positions": ["a"]},
                               {"people": ["x"], "parties": ["a", "b", "c"], "events": ["e1", "e2"]}, None)
    assert "It also deletes 1 party and 1 position; it removes the reference from 3 parties, 1 person and 2 events." \
        in body
    body = delete_confirmation("people", Person(id="x", name="X"), [], {}, {"people": ["x"]}, {}, None)
    assert body == "Delete the person “X”?\n\nYou can undo this with Edit ▸ Undo."


def test_delete_confirmation_lists_at_most_twelve():
    refs = [Reference("positions", f"p-{i}", "party") for i in range(15)]
    found = {("positions", f"p-{i}"): Position(id=f"p-{i}", negotiation="n", party="sy", topic="t",
                                               summary=f"Position {i}") for i in range(15)}
    body = delete_confirmation("parties", Party(id="sy", name="Syria"), refs, found, {"positions": []}, {}, None)
    assert "15 records refer to it:" in body
    assert body.count("  • Position “") == 12
    assert "  … and 3 more" in body
    one = delete_confirmation("parties", Party(id="sy", name="Syria"), refs[:1], found, {}, {}, None)
    assert "1 record refers to it:" in one
