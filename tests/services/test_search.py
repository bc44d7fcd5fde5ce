"""Full-text search: three scripts, diacritics, prefixes, ranking, kept current."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dossier.model import Person
from dossier.model.search_text import fold
from dossier.services import records
from dossier.services.search import search


def ids(ws, query, **kw):
    return [(h.collection, h.id) for h in search(ws, query, **kw)]


@pytest.mark.parametrize("query", ["shaybani", "Shaybani", "SHAYBANI", "shay", "al-shaybani", "asaad shay"])
def test_latin_is_case_insensitive_and_prefix(demo_workspace, query):
    assert ids(demo_workspace, query)[0] == ("people", "asaad-al-shaybani")


def test_diacritics_in_record_or_query(demo_workspace):
    ws = demo_workspace
    records.create(ws, Person(id="shaybani-long", name="ʿAbd al-Raḥmān al-Shaybānī"))
    found = ids(ws, "shaybani")
    assert ("people", "shaybani-long") in found
    assert ("people", "shaybani-long") in ids(ws, "rahman")
    assert ("people", "shaybani-long") in ids(ws, "abd")
    assert ("people", "asaad-al-shaybani") in ids(ws, "Shaybānī")


def test_arabic_with_and_without_marks_and_variants(demo_workspace):
    ws = demo_workspace
    assert ids(ws, "الشيباني")[0] == ("people", "asaad-al-shaybani")
    assert ids(ws, "اسعد")[0] == ("people", "asaad-al-shaybani")  # أ typed as ا
    assert ids(ws, "أَسْعَد")[0] == ("people", "asaad-al-shaybani")  # with vowel marks
    assert ids(ws, "الشر")[0] == ("people", "ahmad-al-sharaa")  # prefix


def test_hebrew_and_persian(demo_workspace):
    ws = demo_workspace
    assert ids(ws, "נתניהו") == [("people", "benjamin-netanyahu")]
    assert ids(ws, "לייט")[0] == ("people", "yechiel-leiter")
    records.create(ws, Person(id="araghchi", name="Abbas Araghchi", native_name="عباس عراقچی"))
    assert ids(ws, "عراقچی")[0] == ("people", "araghchi")
    assert ids(ws, "عراقچي")[0] == ("people", "araghchi")  # Arabic yeh typed for Persian yeh


def test_aliases_bios_notes_quotes_are_searched(demo_workspace):
    ws = demo_workspace
    assert ids(ws, "bibi") == [("people", "benjamin-netanyahu")]
    assert ("people", "yechiel-leiter") in ids(ws, "discrepancy")
    assert ("positions", "pos-us-agreement") in ids(ws, "strive")  # a citation quote
    assert ("events", "ev-miami-meeting") in ids(ws, "miami")


def test_names_rank_above_mentions(demo_workspace):
    hits = ids(demo_workspace, "netanyahu")
    assert hits[0] == ("people", "benjamin-netanyahu")
    assert len(hits) > 1


def test_hits_carry_kind_and_snippet(demo_workspace):
    hit = search(demo_workspace, "discrepancy")[0]
    assert hit.kind == "person" and hit.id == "yechiel-leiter"
    assert hit.snippet.field == "notes"
    assert "[discrepancy]" in hit.snippet.marked()


def test_index_follows_every_change(demo_workspace):
    ws = demo_workspace
    assert ids(ws, "zorba") == []
    pos = records.get(ws, "positions", "pos-sy-withdrawal")
    records.update(ws, replace(pos, summary="Zorba clause on withdrawal"))
    assert ids(ws, "zorba") == [("positions", "pos-sy-withdrawal")]
    records.update(ws, pos)
    assert ids(ws, "zorba") == []
    records.delete(ws, "positions", "pos-sy-withdrawal")
    assert ("positions", "pos-sy-withdrawal") not in ids(ws, "withdrawal")


def test_queries_that_are_not_words(demo_workspace):
    assert ids(demo_workspace, "") == []
    assert ids(demo_workspace, '"*) OR (') == []
    assert ids(demo_workspace, "NEAR(a b)") == []


def test_fold():
    assert fold("Shaybānī") == "shaybani"
    assert fold("أَسْعَد") == "اسعد"
    assert fold("As'ad") == fold("Asʿad") == "asad"


def test_a_snippet_says_where_its_words_are_in_the_field():
    from dossier.model.search_text import make_snippet

    text = "First line.\n" + " ".join(f"w{i}" for i in range(40)) + " Dermer met Barrack at noon."
    snippet = make_snippet({"text": text}, [fold("dermer"), fold("barrack")])
    assert snippet.text.startswith("… ") and "Dermer met Barrack" in snippet.text
    start, end = snippet.at
    assert text[start:end] == "Dermer met Barrack"
    assert [snippet.text[a:b] for a, b in snippet.spans] == ["Dermer", "Barrack"]
