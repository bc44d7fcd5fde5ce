"""The printed layout, measured on the real PDFs: pages filled, headings kept with what follows
them, citations whole, markings clear of every edge and of the running header, long texts
printed rather than refused, and a first page made from the records."""

from __future__ import annotations

import copy
import datetime
import re
import subprocess
from pathlib import Path

import pypdf
import pytest
from nuclear_talks import nuclear_talks
from test_pdf import flat, page_texts

from dossier.errors import DossierError
from dossier.export.pdf import export_pdf, styles
from dossier.model.records import Citation, Round, Source

PREPARED = datetime.date(2026, 1, 7)
TEN_MM = 28.35
KINDS = [{}, {"round_id": "r1"}, {"person_id": "fm"}]


def export(doc, path: Path, **kwargs) -> Path:
    export_pdf(doc, path, prepared=PREPARED, **kwargs)
    return path


def words(path: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Each page's words as pdftotext places them: (xMin, yMin, xMax, yMax, word), y from the top."""
    html = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True).stdout.decode("utf-8")
    pages = []
    for page in html.split("<page ")[1:]:
        pages.append([(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page)])
    return pages


def runs(path: Path) -> list[list[tuple[float, float, bool, str]]]:
    """Each page's text runs as pypdf sees them: (baseline y from the bottom, size, bold, text)."""
    out = []
    for page in pypdf.PdfReader(path).pages:
        found: list[tuple[float, float, bool, str]] = []

        def visit(text, cm, tm, font, size, found=found):
            if text.strip():
                bold = "Bold" in str((font or {}).get("/BaseFont", ""))
                found.append((cm[5] + tm[5], size * cm[3], bold, text))

        page.extract_text(visitor_text=visit)
        out.append(found)
    return out


def body(page_runs, height: float):
    """The runs between the running header and footer."""
    return [r for r in page_runs if styles.MARGIN_BOTTOM - 2 < r[0] < height - styles.MARGIN_TOP + 2]


# ---------------------------------------------------------------- pages filled, headings kept
def one_round_talks():
    doc = nuclear_talks()
    doc.rounds = [r for r in doc.rounds if r.id == "r1"]
    doc.positions = [p for p in doc.positions if p.round in (None, "r1")]
    return doc


@pytest.mark.parametrize("make, round_id", [(one_round_talks, "r1"), (nuclear_talks, "r5"), (nuclear_talks, "r6")])
def test_no_page_of_a_round_brief_is_mostly_empty(tmp_path, make, round_id):
    path = export(make(), tmp_path / "brief.pdf", round_id=round_id)
    height = float(pypdf.PdfReader(path).pages[0].mediabox[3])
    frame = height - styles.MARGIN_TOP - styles.MARGIN_BOTTOM
    pages = runs(path)
    for number, page in enumerate(pages[:-1], start=1):
        lowest = min(r[0] for r in body(page, height))
        filled = (height - styles.MARGIN_TOP - lowest) / frame
        assert filled > 1 / 3, f"page {number} of {len(pages)} is {1 - filled:.0%} empty"


def test_a_one_round_brief_has_no_empty_sections(tmp_path):
    doc = one_round_talks()
    for p in doc.positions:
        p.sources = []
    doc.events = []
    path = export(doc, tmp_path / "brief.pdf", round_id="r1")
    whole = flat("\n".join(page_texts(path)))
    assert "No sources are cited" not in whole and "No positions are recorded" not in whole
    assert "Not recorded:" in whole and "sources cited" in whole


@pytest.mark.parametrize("kind", KINDS)
def test_no_heading_is_the_last_thing_on_a_page(tmp_path, demo_doc, kind):
    demo_kind = ({"round_id": "round-5"} if kind.get("round_id") else
                 {"person_id": "asaad-al-shaybani"} if kind.get("person_id") else {})
    for name, (doc, kwargs) in {"demo": (demo_doc, demo_kind), "talks": (nuclear_talks(), kind)}.items():
        path = export(doc, tmp_path / f"{name}.pdf", **kwargs)
        height = float(pypdf.PdfReader(path).pages[0].mediabox[3])
        pages = runs(path)
        for number, page in enumerate(pages[:-1], start=1):
            last = min(body(page, height), key=lambda r: r[0])
            assert not (last[2] and last[1] >= styles.H3.size), f"{name}: heading {last[3]!r} ends page {number}"


def test_sections_flow_on_and_the_dossier_opens_with_the_first_page(tmp_path):
    path = export(nuclear_talks(), tmp_path / "d.pdf")
    texts = page_texts(path)
    first = flat(texts[0])
    assert "At a glance" in first and "Information cut-off" in first
    # the chronology follows the timeline on the same page; the summary follows the contents
    assert any("Timeline" in t and "Chronology" in t.split("Timeline", 1)[1] for t in texts)
    assert "Summary" in texts[1].split("Contents", 1)[1].split("Sources", 1)[1]


def test_citations_never_break_across_lines(tmp_path, demo_doc):
    for kwargs in ({}, {"round_id": "round-5"}):
        path = export(demo_doc, tmp_path / "c.pdf", **kwargs)
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                              capture_output=True).stdout.decode()
        for line in text.splitlines():
            assert not re.search(r"\[S\d+\s*$", line), line
            assert not re.match(r"^\s*[A-F][1-6]\]", line), line


def test_legends_and_small_print_are_at_least_8_points(tmp_path, demo_doc):
    path = export(demo_doc, tmp_path / "d.pdf")
    sizes = {round(r[1], 2) for page in runs(path) for r in page}
    assert min(sizes) >= 8


def test_movement_lists_only_what_changed(tmp_path):
    texts = page_texts(export(nuclear_talks(), tmp_path / "b.pdf", round_id="r3"))
    whole = flat("\n".join(texts))
    assert "3 positions stand unchanged since Round 2" in whole
    movement = whole.split("Movement since Round 2", 1)[1]
    assert " unchanged " not in movement.split("Change", 1)[1].split("Position matrix", 1)[0]


# ---------------------------------------------------------------- markings
MARKING = ("SECRET // REL TO USA, GBR, CAN, AUS, NZL // HANDLE VIA SPECIAL ACCESS CHANNELS ONLY — "
           "ORIGINATOR CONTROLLED, NOT RELEASABLE TO CONTRACTORS")


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("marking", ["RESTRICTED", MARKING])
def test_marking_is_10_mm_from_every_edge_and_clear_of_the_header(tmp_path, paper, marking):
    doc = nuclear_talks()
    doc.negotiations[0].title = "Talks " + "on the nuclear file and every sanction " * 6  # ~230 characters
    path = export(doc, tmp_path / "m.pdf", marking=marking, paper=paper, round_id="r5")
    reader = pypdf.PdfReader(path)
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    marking_words = set(marking.split())
    for page in words(path)[1:3]:
        top = [w for w in page if w[1] < 24 * 2.835 - 10 and w[4] in marking_words]
        bottom = [w for w in page if w[3] > height - 24 * 2.835 + 10 and w[4] in marking_words]
        assert top and bottom
        for w in top + bottom:
            assert w[0] >= TEN_MM and w[2] <= width - TEN_MM and w[1] >= TEN_MM and w[3] <= height - TEN_MM, w
        header = [w for w in page if w[3] < styles.MARGIN_TOP - 4 and w[4] not in marking_words]
        footer = [w for w in page if w[1] > height - styles.MARGIN_BOTTOM + 4 and w[4] not in marking_words]
        assert header and footer
        assert max(w[3] for w in top) < min(w[1] for w in header)  # the marking above the running head
        assert max(w[3] for w in footer) < min(w[1] for w in bottom)  # and below the running foot
        assert len({round(w[1]) for w in header}) == 1  # the long title cut to one line
        assert any(w[4].endswith("…") for w in header)


def test_marking_of_more_than_two_lines_is_refused(tmp_path):
    with pytest.raises(DossierError, match="at most 2"):
        export(nuclear_talks(), tmp_path / "x.pdf", marking=MARKING * 3)
    assert not (tmp_path / "x.pdf").exists()


def test_a_600_character_title_is_shortened_on_the_cover(tmp_path):
    doc = nuclear_talks()
    doc.negotiations[0].title = " ".join(["Talks on the nuclear file"] * 24)[:600]
    for kwargs in KINDS[:2]:
        path = export(doc, tmp_path / "t.pdf", **kwargs)
        cover = page_texts(path)[0]
        assert "..." in cover  # an ellipsis (read back through NFKC)
        assert doc.negotiations[0].title not in flat(cover)


# ---------------------------------------------------------------- long texts print
def tall_summary(doc):
    doc.positions[0].summary = "\n".join(
        f"{n}. The delegation restated its view on caps, stockpiles and the order of steps (item {n})."
        for n in range(1, 21))


def long_alias(doc):
    doc.people[0].aliases = ["\n".join(f"Alias line {n}" for n in range(80))]


def long_title(doc):
    doc.people[0].title = " ".join(f"word{n}" for n in range(2000))


def long_name(doc):
    doc.people[0].name = "N" * 3000


@pytest.mark.parametrize("change", [tall_summary, long_alias, long_title, long_name])
def test_long_texts_print_in_all_three_kinds(tmp_path, change):
    doc = nuclear_talks()
    change(doc)
    for kwargs in KINDS:
        path = export(doc, tmp_path / "long.pdf", **kwargs)
        assert len(pypdf.PdfReader(path).pages) >= 1
    if change is tall_summary:
        whole = "\n".join(page_texts(export(doc, tmp_path / "brief.pdf", round_id="r1")))
        assert "20. The delegation restated" in whole


# ---------------------------------------------------------------- the first page
def first_page_doc():
    doc = nuclear_talks()
    doc.rounds.append(Round(id="r7", negotiation="nt", number=7, start="2025-10-02", status="planned",
                            venue="Geneva"))
    doc.sources.append(Source(id="s-rumour", title="Unnamed official", reliability="E"))
    claim = next(p for p in doc.positions if p.kind == "red_line")
    claim.sources = [Citation(source="s-rumour", credibility=3)]
    return doc, claim


def test_first_page_of_the_dossier(tmp_path):
    doc, claim = first_page_doc()
    first = flat(page_texts(export(doc, tmp_path / "d.pdf"))[0])
    assert "Latest held round Round 5, Muscat — 5 Jun 2025" in first
    assert "Next planned round Round 7, Geneva — 2 Oct 2025" in first
    assert "Information cut-off 2 Jul 2025 (the latest dated record)" in first or "Information cut-off" in first
    assert "Resting only on weak sources" in first and claim.summary[:30] in first.split("weak sources", 1)[1]
    assert "Conflict — Enrichment" in first  # the gaps with their sides


def test_information_cut_off_is_the_latest_dated_record(tmp_path):
    doc, _ = first_page_doc()
    from dossier.model.dates import display_date, sort_key
    dates = [p.date for p in doc.positions if p.date] + [e.date for e in doc.events] + [
        d for r in doc.rounds if r.status == "held" for d in (r.start, r.end) if d]
    latest = display_date(max(dates, key=sort_key))
    first = flat(page_texts(export(doc, tmp_path / "d.pdf"))[0])
    assert f"Information cut-off {latest} (the latest dated record)" in first


def test_first_page_of_a_round_brief_and_of_a_cancelled_one(tmp_path):
    doc, _ = first_page_doc()
    first = flat(page_texts(export(doc, tmp_path / "b.pdf", round_id="r5"))[0])
    assert "Previous held round Round 4" in first and "Next planned round Round 7, Geneva" in first
    assert "Round venue Muscat" in first and "Host" not in first
    cancelled = flat(page_texts(export(doc, tmp_path / "c.pdf", round_id="r6"))[0])
    assert "ROUND BRIEF — CANCELLED" in cancelled and "Cancelled: this round did not take place" in cancelled


def test_a_profile_opens_with_the_person(tmp_path):
    doc = copy.deepcopy(nuclear_talks())
    doc.people[0].native_name = "کریم فراهانی"
    first = flat(page_texts(export(doc, tmp_path / "p.pdf", person_id="fm"))[0])
    assert "PERSON PROFILE Karim Farahani" in first
    assert "Current title Former Minister of Foreign Affairs" in first and "Party Iran" in first
    assert "Host" not in first and "Parties" not in first
