"""The PDF says what ``model.analysis`` says: standing positions with their later remarks, gaps in
three groups, movement between held rounds, rounds that did not take place, the chronology's
order and partial dates, titles as of a round, events of a round and of a person, and one
source numbering for every paper printed from a workspace. Each test reads the real PDF with
``pdftotext`` (and pypdf for outline and metadata)."""

from __future__ import annotations

import copy
import datetime
import re

import pypdf
import pytest
from nuclear_talks import nuclear_talks
from test_pdf import flat, outline_titles, page_texts

from dossier.export.pdf import export_pdf
from dossier.model.records import Position, Source

PREPARED = datetime.date(2026, 1, 7)


@pytest.fixture(scope="module")
def talks():
    return nuclear_talks()


@pytest.fixture(scope="module")
def dossier(tmp_path_factory, talks) -> list[str]:
    out = tmp_path_factory.mktemp("talks") / "dossier.pdf"
    export_pdf(talks, out, prepared=PREPARED)
    return page_texts(out)


def export(doc, tmp_path, name="out.pdf", **kwargs) -> tuple[list[str], pypdf.PdfReader]:
    out = tmp_path / name
    export_pdf(doc, out, prepared=PREPARED, **kwargs)
    return page_texts(out), pypdf.PdfReader(out)


def section_page(texts: list[str], heading: str) -> str:
    """The flattened text of the section titled ``heading`` (after the first page, and not its
    line in the contents), from its heading to the end of the page after the one it starts on:
    sections follow one another without page breaks."""
    for number, text in enumerate(texts[1:], start=1):
        lines = [line.strip() for line in text.splitlines()]
        for index, line in enumerate(lines):
            following = next((x for x in lines[index + 1:] if x), "")
            if line == heading and not following.isdigit():
                return flat("\n".join(lines[index:]) + "\n" + "\n".join(texts[number + 1:number + 2]))
    raise AssertionError(f"no section titled {heading!r}")


def between(text: str, start: str, end: str | None) -> str:
    """The part of ``text`` from ``start`` up to ``end`` (or the end)."""
    i = text.index(start)
    j = text.index(end, i + len(start)) if end else len(text)
    return text[i:j]


def order_of(text: str, *items: str) -> list[int]:
    return [text.index(item) for item in items]


# ---------------------------------------------------------------- matrix
def test_matrix_keeps_the_red_line_and_prints_the_latest_remark_beneath(dossier):
    page = section_page(dossier, "Position matrix")
    enrichment = between(page, "Enrichment RED LINE", "Sanctions relief")
    # the red line stands, with its text and citation, although two statements followed it
    assert "Enrichment on Iranian soil is not negotiable. (12 Apr 2025) [S2 C2]" in enrichment
    # beneath it the latest of those statements, in short, with its kind, date and citation
    remark = between(enrichment, "Later remark", "[S1 B3]")
    assert "Statement, 11 May 2025: Iran will never give up a right" in remark
    assert order_of(enrichment, "RED LINE", "Later remark") == sorted(order_of(enrichment, "RED LINE",
                                                                               "Later remark"))
    assert "We remain ready" not in page  # the earlier statement is not the latest remark
    assert "Zero enrichment" in enrichment  # the other party's standing demand beside it
    # a party with only statements on a topic: a remark, said in words
    assert "REMARK ONLY · statement Inspectors are welcome within the treaty." in page


def test_gaps_read_from_standing_positions_in_three_groups(dossier):
    page = section_page(dossier, "Summary")
    assert order_of(page, "Conflicts", "Answered — to judge", "Open Topic") == sorted(
        order_of(page, "Conflicts", "Answered — to judge", "Open Topic"))
    assert "answered — to judge where another party has met it with an offer" in page  # the rule, in words
    conflicts = between(page, "Conflicts", "Answered — to judge")
    assert "Iran — Red line: Enrichment on Iranian soil is not negotiable." in conflicts
    assert "contradicted by a statement" not in page and "Open demands" not in page
    answered = between(page, "Answered — to judge Topic", "Open Topic")
    # both sides of an answered claim
    assert "Iran — Demand: Lift every sanction before any step." in answered
    assert "United States — Offer: Phased relief as inspections verify each step." in answered
    opened = between(page, "Open Topic", "Key facts")
    assert "Not yet addressed by" in opened
    assert re.search(r"Release the frozen assets held abroad\. \(5 Jun 2025\) United States", opened)


# ---------------------------------------------------------------- chronology and rounds that did not take place
def test_chronology_in_the_models_order_with_partial_dates_in_words(dossier):
    page = section_page(dossier, "Timeline")
    chronology = between(page, "Chronology", None)
    positions = order_of(chronology, "Round 5, Muscat", "Board finds Iran in breach", "Strikes on nuclear sites",
                         "Round 6, Muscat — cancelled", "Ceasefire agreed")
    assert positions == sorted(positions)  # the month-dated ceasefire after the dated days of June
    assert "Jun 2025 (month only) Event Ceasefire agreed" in chronology
    assert not any(re.search(r"\b1 Jun 2025", text) for text in dossier)  # never a made-up day
    # the cancelled round is drawn on the timeline with the word
    timeline = between(page, "Timeline", "Chronology")
    assert "Round 6 (cancelled)" in timeline and "cancelled" in timeline.split("Round 6 (cancelled)")[1]


def test_summary_never_calls_a_cancelled_round_the_latest(dossier):
    page = section_page(dossier, "Summary")
    assert "Latest round Round 5, Muscat — 5 Jun 2025 (Round 6 was cancelled)" in page
    assert "6 recorded, 5 held, 1 cancelled" in page


def test_brief_of_a_cancelled_round_says_so_and_has_no_movement(tmp_path, talks):
    texts, reader = export(talks, tmp_path, round_id="r6")
    cover = flat(texts[0])
    assert "ROUND BRIEF — CANCELLED" in cover
    assert "Iran–US nuclear talks — Round 6, Muscat (Cancelled)" in cover
    assert "Round status Cancelled: this round did not take place" in cover
    assert "Cancelled" in reader.metadata.title
    assert "Round 6, Muscat — cancelled" in outline_titles(reader)
    whole = flat("\n".join(texts))
    assert "Round 6 did not take place (cancelled), so it has no movement of its own" in whole
    assert "Movement since" not in whole and "Before Now Change" not in whole and "As before" not in whole


def test_dossier_round_parts_mark_a_cancelled_round(dossier):
    whole = flat("\n".join(dossier))
    part = between(whole, "Round 6, Muscat — cancelled Dates", "Position matrix")
    assert "Status Cancelled — did not take place" in part
    assert "Before Now Change" not in part


# ---------------------------------------------------------------- movement
def test_movement_between_held_rounds_lists_only_what_changed(dossier):
    whole = flat("\n".join(dossier))
    first = between(whole, "Round 1, Muscat Dates", "Round 2, Rome Dates")
    assert "Round 1 is the first round on record" in first and "Before Now Change" not in first
    third = between(whole, "Movement since Round 2, the previous held round", "Round 4, Rome Dates")
    # unchanged positions are counted, not listed again (the matrix shows them)
    assert "Only what changed is listed. 3 positions stand unchanged since Round 2" in third
    assert "Zero enrichment: dismantle the centrifuge halls." not in third and "As before" not in third
    # a statement after a red line is a remark: the red line is what stood before it
    row = between(third, "Enrichment Iran", None)
    assert order_of(row, "Red line: Enrichment on Iranian soil", "Statement: Iran will never give") == sorted(
        order_of(row, "Red line: Enrichment on Iranian soil", "Statement: Iran will never give"))
    assert re.search(r"\bremark\b", row)
    assert "kind changed" not in third


def test_movement_after_a_cancelled_round_and_kind_changed(tmp_path, talks):
    doc = copy.deepcopy(talks)
    doc.rounds.append(copy.deepcopy(doc.rounds[0]))
    doc.rounds[-1].id, doc.rounds[-1].number, doc.rounds[-1].start = "r7", 7, "2025-09-01"
    doc.rounds[-1].participants = []
    doc.positions.append(Position(id="us-enr-off", negotiation="nt", party="us", topic="t-enr", kind="offer",
                                  round="r7", date="2025-09-01", summary="A civil consortium may enrich abroad."))
    texts, _ = export(doc, tmp_path, round_id="r7")
    whole = flat("\n".join(texts))
    # the previous held round is Round 5: Round 6 was cancelled
    assert "Movement since Round 5, the previous held round" in whole
    assert "Between them: Round 6 was cancelled." in whole
    assert "kind changed from demand to offer" in whole


# ---------------------------------------------------------------- people and events
def test_participants_carry_their_title_as_of_the_round(dossier, tmp_path, talks):
    whole = flat("\n".join(dossier))
    first = between(whole, "Round 1, Muscat Dates", "Round 2, Rome Dates")
    assert "Karim Farahani Minister of Foreign Affairs Head of delegation" in first
    assert "Former Minister" not in first
    texts, _ = export(talks, tmp_path, round_id="r1")
    assert "Karim Farahani Minister of Foreign Affairs" in flat("\n".join(texts))
    profile = flat("\n".join(export(talks, tmp_path, "p.pdf", person_id="fm")[0]))
    assert "Current title Former Minister of Foreign Affairs" in profile  # today's title in the profile
    assert "(Head of delegation; as Minister of Foreign Affairs)" in profile


def test_events_in_a_profile_and_in_round_briefs(tmp_path, talks):
    profile = flat("\n".join(export(talks, tmp_path, "p.pdf", person_id="fm")[0]))
    assert "Events naming them" in profile
    assert "8 Apr 2025 Farahani visits Muscat" in profile
    assert "Strikes on nuclear sites" not in profile
    first = flat("\n".join(export(talks, tmp_path, "r1.pdf", round_id="r1")[0]))
    assert "Events up to this round" in first and "Farahani visits Muscat" in first
    sixth = flat("\n".join(export(talks, tmp_path, "r6.pdf", round_id="r6")[0]))
    events = between(sixth, "Events since Round 5", "Movement")
    assert "12 Jun 2025 Board finds Iran in breach" in events and "13 Jun 2025 Strikes on nuclear sites" in events
    assert "Farahani visits Muscat" not in events and "Ceasefire agreed" not in events


# ---------------------------------------------------------------- one source numbering
def annex(texts: list[str]) -> str:
    return between(flat("\n".join(texts)), "Sources References in the text", "Information credibility")


def test_one_source_has_one_number_in_the_dossier_and_in_a_round_brief(tmp_path, talks, dossier):
    # The brief of Round 1 cites only the wire report, the workspace's second source: numbered by
    # first citation in the brief it would be S1 there and S2 in the dossier.
    brief, _ = export(talks, tmp_path, round_id="r1")
    brief_text = flat("\n".join(brief))
    assert "not negotiable. — 12 Apr 2025 [S2 C2]" in brief_text
    assert "[S1" not in brief_text
    assert "Enrichment on Iranian soil is not negotiable. — 12 Apr 2025 [S2 C2]" in flat("\n".join(dossier))
    listed = annex(brief)
    assert "S2 C Fairly reliable Wire service report" in listed and "Newspaper" not in listed
    assert "Source numbers are the workspace's" in flat("\n".join(brief))
    assert "S1 B Usually reliable Newspaper of record" in annex(dossier)


def test_workspace_numbers_with_gaps_are_printed_as_given(tmp_path, talks):
    doc = copy.deepcopy(talks)
    doc.source_numbers = {"s-paper": 4, "s-wire": 9}
    dossier = flat("\n".join(export(doc, tmp_path, "d.pdf")[0]))
    brief = flat("\n".join(export(doc, tmp_path, "b.pdf", round_id="r1")[0]))
    for text in (dossier, brief):
        assert "Enrichment on Iranian soil is not negotiable. — 12 Apr 2025 [S9 C2]" in text
    assert "[S4 B2]" in dossier and "[S4" not in brief


def test_numbers_through_the_workspace_survive_added_and_deleted_sources(tmp_path, talks):
    from dossier.services import interchange, records
    from dossier.services.workspace import open_workspace

    doc = copy.deepcopy(talks)
    doc.sources.insert(0, Source(id="s-first", title="An outlet cited by nothing", reliability="D"))
    ws = open_workspace(tmp_path / "w.sqlite")
    try:
        interchange.import_document(ws, doc)
        before = flat("\n".join(export(interchange.export_document(ws), tmp_path, "a.pdf", round_id="r1")[0]))
        records.create(ws, Source(id="s-late", title="A later outlet", reliability="A"))
        records.delete(ws, "sources", "s-first")
        read = interchange.export_document(ws)
        brief = flat("\n".join(export(read, tmp_path, "b.pdf", round_id="r1")[0]))
        whole = flat("\n".join(export(read, tmp_path, "c.pdf")[0]))
    finally:
        ws.close()
    number = read.source_numbers["s-wire"]
    assert number == 3
    for text in (before, brief, whole):
        assert f"not negotiable. — 12 Apr 2025 [S{number} C2]" in text


# ---------------------------------------------------------------- approximate placement
def test_a_roundless_month_dated_position_is_marked_and_the_fix_is_said(dossier):
    page = section_page(dossier, "Position matrix")
    inspections = between(page, "Inspections REMARK ONLY", "Frozen assets")
    assert "Snap inspections of every declared site. (May 2025)" in inspections
    assert "Approximately placed after Round 4 by its date; May 2025 also holds the start of Round 3 and " \
           "Round 4" in inspections
    assert "give the position its full date (the day) or the round it was put forward in" in page


@pytest.mark.parametrize("status, word", [("postponed", "Postponed"), ("planned", "Planned")])
def test_postponed_and_planned_rounds_say_so(tmp_path, talks, status, word):
    doc = copy.deepcopy(talks)
    doc.rounds[-1].status = status
    texts, reader = export(doc, tmp_path, round_id="r6")
    cover = flat(texts[0])
    assert f"ROUND BRIEF — {word.upper()}" in cover and f"Round 6, Muscat ({word})" in cover
    assert word in reader.metadata.title
    assert "Movement since" not in flat("\n".join(texts))
    dossier = flat("\n".join(export(doc, tmp_path, "d.pdf")[0]))
    later = "Round 6 is planned for 15 Jun 2025" if status == "planned" else "Round 6 was postponed"
    assert f"Latest round Round 5, Muscat — 5 Jun 2025 ({later})" in dossier
    assert f"Round 6, Muscat — {status}" in dossier  # the chronology and the round's part


def test_roundless_position_marked_in_the_round_part_that_counts_it(dossier):
    whole = flat("\n".join(dossier))
    part = between(whole, "Round 4, Rome Dates", "Round 5, Muscat Dates")
    table = between(part, "Positions with no round, counted with this round by their date (since Round 3)",
                    "Movement since Round 3")
    assert "Snap inspections of every declared site. — May 2025" in table
    assert "Approximately placed after Round 4 by its date" in table
    assert "give the position its full date (the day) or the round it was put forward in" in table
