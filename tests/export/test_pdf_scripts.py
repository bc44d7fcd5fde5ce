"""Text in every script is searchable and copyable, and no bidi control breaks an export.

Each test writes a real PDF and reads it back with ``pdftotext`` (poppler), comparing with
the workspace's own strings: no Unicode normalisation, no folding of presentation forms.
The only characters taken out of poppler's output are the directional marks it writes
itself around every right-to-left stretch (LRE, RLE, PDF) and the LEFT-TO-RIGHT and
RIGHT-TO-LEFT MARKs the PDF carries where a right-to-left stretch ends or starts with a
neutral character (see ``dossier/export/pdf/text.py``); all are invisible and none is in
the workspace's text.
"""

from __future__ import annotations

import datetime
import io
import re
import subprocess

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_pdf import small_doc

from dossier.export.pdf import export_pdf
from dossier.model.records import Round

PREPARED = datetime.date(2026, 1, 7)

_DIRECTION_MARKS = re.compile("[\u200e\u200f\u202a-\u202c]")
_PRESENTATION_FORMS = re.compile("[\ufb1d-\ufdff\ufe70-\ufeff]")

ARABIC_NAME = "أسعد حسن الشيباني"
PERSIAN_NAME = "عباس عراقچی"
PERSIAN_ZWNJ = "می‌خواهم"  # with a ZERO WIDTH NON-JOINER after the yeh
HEBREW_NAME = "גדעון סער"
LAM_ALEF = "لا سلام بلا أمان"
HARAKAT = "مُحَمَّد"
NIQQUD = "שָׁלוֹם"
MIXED = f"Abbas Araghchi ({PERSIAN_NAME}) met Gideon Sa'ar ({HEBREW_NAME}) and Asaad ({ARABIC_NAME}), then left."

#: every bidi control: LRE RLE PDF LRO RLO, LRI RLI FSI PDI, LRM RLM ALM
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def pdftotext(path) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True)
    return out.stdout.decode("utf-8")


def extracted_lines(path) -> list[str]:
    return [_DIRECTION_MARKS.sub("", line) for line in pdftotext(path).splitlines()]


def profile_with_bio(tmp_path, *paragraphs: str, name: str = "Pat One", native: str | None = None):
    doc = small_doc()
    doc.people[0].name = name
    doc.people[0].native_name = native
    doc.people[0].bio = "\n".join(paragraphs)
    out = tmp_path / "profile.pdf"
    export_pdf(doc, out, person_id="p1", prepared=PREPARED)
    return doc, out


@pytest.mark.parametrize("text", [ARABIC_NAME, PERSIAN_NAME, PERSIAN_ZWNJ, HEBREW_NAME, LAM_ALEF, HARAKAT, NIQQUD],
                         ids=["arabic", "persian", "persian-zwnj", "hebrew", "lam-alef", "harakat", "niqqud"])
def test_right_to_left_text_extracts_as_the_workspace_wrote_it(tmp_path, text):
    doc, out = profile_with_bio(tmp_path, text)
    lines = extracted_lines(out)
    assert doc.people[0].bio in lines
    assert not _PRESENTATION_FORMS.search(pdftotext(out))


def test_zwnj_is_kept_in_the_extracted_text(tmp_path):
    doc, out = profile_with_bio(tmp_path, f"Quoted: {PERSIAN_ZWNJ}")
    assert "\u200c" in pdftotext(out)
    assert doc.people[0].bio in extracted_lines(out)


def test_mixed_line_keeps_brackets_and_order(tmp_path):
    _, out = profile_with_bio(tmp_path, MIXED)
    assert MIXED in extracted_lines(out)


def test_name_with_native_script_name_in_brackets(tmp_path, demo_doc):
    out = tmp_path / "brief.pdf"
    export_pdf(demo_doc, out, round_id="round-5", prepared=PREPARED)
    lines = extracted_lines(out)
    people = {p.id: p for p in demo_doc.people}
    shaybani = people["asaad-al-shaybani"]
    assert f"{shaybani.name} ({shaybani.native_name})" in lines
    hebrew = [p for p in demo_doc.people if p.native_name and re.search("[\u05d0-\u05ea]", p.native_name)]
    assert hebrew
    assert any(f"{p.name} ({p.native_name})" in lines for p in hebrew)
    assert not _PRESENTATION_FORMS.search("\n".join(lines))


def test_native_name_is_searchable_in_the_profile(tmp_path, demo_doc):
    out = tmp_path / "profile.pdf"
    export_pdf(demo_doc, out, person_id="asaad-al-shaybani", prepared=PREPARED)
    person = next(p for p in demo_doc.people if p.id == "asaad-al-shaybani")
    assert person.native_name in extracted_lines(out)


def test_isolated_right_to_left_name_in_a_latin_sentence(tmp_path):
    """An isolate is applied, not drawn: the name reads in place, the controls are gone."""
    sentence = f"The minister \u2067{PERSIAN_NAME}\u2069 said so."
    _, out = profile_with_bio(tmp_path, sentence)
    assert f"The minister {PERSIAN_NAME} said so." in extracted_lines(out)
    assert not re.search("[\u2066-\u2069]", pdftotext(out))


def _hostile(text: str) -> str:
    """``text`` with every bidi control before, inside and after it, unmatched ones included."""
    middle = len(text) // 2
    return f"{BIDI_CONTROLS}{text[:middle]}{BIDI_CONTROLS[::-1]}{text[middle:]}\u2069\u202c{BIDI_CONTROLS}"


def _doc_with_controls_everywhere():
    doc = small_doc()
    doc.negotiations[0].title = _hostile("Aland–Bland talks")
    doc.people[0].name = _hostile("Pat One")
    doc.people[0].native_name = _hostile(PERSIAN_NAME)
    doc.people[0].aliases = [_hostile(ARABIC_NAME), _hostile(HEBREW_NAME)]
    doc.people[0].bio = "\n".join(_hostile(t) for t in (MIXED, PERSIAN_ZWNJ, "\u2066" * 200 + "deep", "\u202b" * 130))
    doc.parties[0].name = _hostile("Aland")
    doc.topics[0].title = _hostile("Border")
    doc.rounds[0].title = _hostile("First round")
    doc.rounds[0].venue = _hostile("Muscat")
    doc.positions[0].summary = "\n".join(_hostile(t) for t in ("Wants the border moved.", MIXED))
    doc.rounds.append(Round(id="r2", negotiation="n1", number=2, start="2025-04-02", title=BIDI_CONTROLS,
                            topics=["t1"], summary=BIDI_CONTROLS * 3))
    return doc


@pytest.mark.parametrize("kind", ["negotiation", "round", "person"])
def test_every_bidi_control_anywhere_exports(tmp_path, kind):
    """Unmatched and overflowing controls included. They are applied to the field that holds
    them (one left open is closed where the field ends) and never drawn."""
    doc = _doc_with_controls_everywhere()
    kwargs = {"negotiation": {}, "round": {"round_id": "r1"}, "person": {"person_id": "p1"}}[kind]
    out = tmp_path / f"{kind}.pdf"
    pages = export_pdf(doc, out, prepared=PREPARED, **kwargs)
    assert pages >= 1
    text = pdftotext(out)
    assert "Border" in text and "RESTRICTED" in text
    # poppler writes LRE, RLE and PDF of its own, the PDF carries LRM and RLM: the others never reach the page
    assert not re.search("[\u202d\u202e\u2066-\u2069\u061c]", text)
    assert not _PRESENTATION_FORMS.search(text)


@pytest.mark.parametrize("kind", ["negotiation", "round", "person"])
def test_balanced_isolates_around_every_field_read_as_the_fields(tmp_path, kind):
    doc = small_doc()

    def wrap(text: str) -> str:  # as text copied from a browser carries it
        return f"\u2068{text}\u2069"

    doc.people[0].name = wrap("Pat One")
    doc.people[0].native_name = wrap(PERSIAN_NAME)
    doc.positions[0].summary = f"Wants {wrap(ARABIC_NAME)} {wrap('moved')}, \u2067{HEBREW_NAME}\u2069 says."
    doc.rounds[0].venue = wrap("Muscat")
    kwargs = {"negotiation": {}, "round": {"round_id": "r1"}, "person": {"person_id": "p1"}}[kind]
    out = tmp_path / f"{kind}.pdf"
    export_pdf(doc, out, prepared=PREPARED, **kwargs)
    lines = extracted_lines(out)
    text = "\n".join(lines)
    assert "Pat One" in text
    assert f"Wants {ARABIC_NAME} moved, {HEBREW_NAME} says." in lines
    assert not re.search("[\u2066-\u2069]", text)


@pytest.mark.parametrize("opener", ["\u202a", "\u202b", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068"],
                         ids=["LRE", "RLE", "LRO", "RLO", "LRI", "RLI", "FSI"])
def test_a_control_left_open_in_a_field_never_reorders_what_follows(tmp_path, opener):
    """Text pasted from elsewhere may open an override or isolate and never close it. It ends
    with its field: the citation, the name and the words printed after it read as written."""
    doc = small_doc()
    doc.people[0].name = f"Pat One{opener}"
    doc.positions[0].summary = f"Wants the border moved{opener}"
    out = tmp_path / "out.pdf"
    export_pdf(doc, out, person_id="p1", prepared=PREPARED)
    assert "— Pat One [S1 B2]" in extracted_lines(out)
    export_pdf(doc, out, prepared=PREPARED)
    lines = extracted_lines(out)
    assert "— Pat One [S1 B2]" in lines
    assert "Aland — Demand: Wants the border moved [S1 B2]" in lines
    assert "• Open — Border: Aland demand: Wants the border moved [S1 B2] — not yet addressed by Bland" in lines


@pytest.mark.parametrize("control", list(BIDI_CONTROLS), ids=lambda c: f"U+{ord(c):04X}")
def test_each_bidi_control_alone_in_a_name_and_a_summary(tmp_path, control):
    doc = small_doc()
    doc.people[0].name = f"Pat{control}One"
    doc.people[0].native_name = f"{control}{PERSIAN_NAME}{control}"
    doc.positions[0].summary = f"{control}Wants {ARABIC_NAME} {control} moved.{control}"
    for kwargs in ({}, {"round_id": "r1"}, {"person_id": "p1"}):
        out = tmp_path / "out.pdf"
        assert export_pdf(doc, out, prepared=PREPARED, **kwargs) >= 1


def test_catalogue_has_a_language_and_opens_the_outline(tmp_path, demo_doc):
    out = tmp_path / "demo.pdf"
    export_pdf(demo_doc, out, round_id="round-5", prepared=PREPARED)
    catalogue = pypdf.PdfReader(out).trailer["/Root"]
    assert catalogue["/Lang"] == "en"
    assert catalogue["/PageMode"] == "/UseOutlines"


@pytest.mark.parametrize("kwargs", [{}, {"round_id": "round-5"}, {"person_id": "asaad-al-shaybani"}],
                         ids=["negotiation", "round", "person"])
def test_only_bundled_fonts_all_embedded(tmp_path, demo_doc, kwargs):
    out = tmp_path / "demo.pdf"
    export_pdf(demo_doc, out, prepared=PREPARED, **kwargs)
    listing = subprocess.run(["pdffonts", str(out)], check=True, capture_output=True, text=True).stdout
    rows = listing.splitlines()[2:]
    assert rows
    for row in rows:
        name, emb = row.split()[0], row.split()[-5]
        assert emb == "yes", row
        assert re.fullmatch(r"[A-Z]{6}\+NotoSans(Arabic|Hebrew)?-(Regular|Bold|Italic)", name), row


# ---------------------------------------------------------------- properties
_ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي" + "پچژگکی" + "ةءأإآى"
_HARAKAT = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"
_HEBREW_LETTERS = "אבגדהוזחטיכלמנסעפצקרשתךםןףץ"
_NIQQUD = "\u05b0\u05b4\u05b7\u05b8\u05bc\u05c1"


def _word(letters: str, marks: str, zwnj: bool):
    letter = st.sampled_from(letters)
    unit = st.one_of(letter, st.tuples(letter, st.sampled_from(marks)).map("".join))
    if zwnj:
        unit = st.one_of(unit, unit.map(lambda u: u + "\u200c"))
    # two letters at least: poppler reads a lone letter between spaces as part of its neighbours
    # (it gives "aa" for "a a" in any script)
    return st.lists(unit, min_size=2, max_size=7).map("".join).map(lambda w: w.rstrip("\u200c"))


_RTL_WORDS = st.one_of(_word(_ARABIC_LETTERS, _HARAKAT, True), _word(_HEBREW_LETTERS, _NIQQUD, False))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(_RTL_WORDS, min_size=1, max_size=6), latin=st.sampled_from(["", "Minister ", "Envoy "]))
def test_any_right_to_left_words_extract_as_written(tmp_path, words, latin):
    """Letters, harakat, niqqud and ZWNJ in any order a word may have them: the line
    pdftotext gives back is the workspace's, in logical order."""
    sentence = f"{latin}{' '.join(words)}{' said so.' if latin else ''}"
    _, out = profile_with_bio(tmp_path, sentence)
    assert sentence in extracted_lines(out)


_HOSTILE_ALPHABET = (BIDI_CONTROLS + "\u200c\u200d \n\t()[]«»<>.,;:-–—0123456789٠١٢٣" + "abcXYZ"
                     + _ARABIC_LETTERS[:12] + _HARAKAT[:3] + _HEBREW_LETTERS[:10] + _NIQQUD[:3] + "\u25cc\ufeff\u00a0")


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=_HOSTILE_ALPHABET, max_size=120), width=st.floats(min_value=1, max_value=500),
       bold=st.booleans())
def test_any_text_lays_out_and_draws(text, width, bold):
    """Every mix of scripts, controls, marks and breaks wraps, splits and draws."""
    from reportlab.pdfgen.canvas import Canvas

    from dossier.export.pdf.fonts import register_fonts
    from dossier.export.pdf.text import Span, TextBlock, TextStyle

    register_fonts()
    block = TextBlock([Span(text[: len(text) // 2], bold=bold), Span(text[len(text) // 2 :])], TextStyle())
    _, height = block.wrap(width, 10_000)
    canvas = Canvas(io.BytesIO())
    block.drawOn(canvas, 0, 0)
    for part in block.split(width, height / 2):
        part.wrap(width, 10_000)
        part.drawOn(canvas, 0, 0)
    canvas.showPage()
    canvas.save()


def test_levels_are_read_whatever_the_text_says():
    """The levels come from ``unicode-bidi``'s report, which quotes the text first."""
    from dossier.export.pdf.text import _resolve_levels

    name = "عراقچی"
    text = f"levels: [Level(1,)] paragraphs: [ \u2067{name}\u2069 end levels: ["
    levels, base = _resolve_levels(text)
    at = text.index(name)
    assert base == 0 and len(levels) == len(text)
    assert levels[at : at + len(name)] == [1] * len(name)
    assert levels[text.index("end")] == 0 and levels[0] == 0
