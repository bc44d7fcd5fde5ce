"""The PDF export, checked on the files it writes (pypdf and pdftotext)."""

from __future__ import annotations

import copy
import datetime
import re
import subprocess
import sys
import unicodedata

import pypdf
import pytest

from dossier.errors import CancelledError, DossierError, NotFoundError
from dossier.export.pdf import export_pdf
from dossier.model.records import (
    Citation,
    Document,
    Negotiation,
    NegotiationParty,
    Party,
    Person,
    Position,
    Round,
    Source,
    Topic,
)


PREPARED = datetime.date(2026, 1, 7)


_BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def page_texts(path) -> list[str]:
    """Each page's text as pdftotext gives it (logical order), with Arabic presentation
    forms folded back to letters (NFKC) and the bidi marks it adds removed."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True).stdout
    text = _BIDI_MARKS.sub("", unicodedata.normalize("NFKC", out.decode("utf-8")))
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def flat(text: str) -> str:
    return " ".join(text.split())


def outline_titles(reader: pypdf.PdfReader) -> list[str]:
    titles: list[str] = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    return titles


def small_doc(**changes) -> Document:
    """Two parties, one round, one topic: a base for hand-made cases."""
    doc = Document(
        parties=[Party(id="a", name="Aland"), Party(id="b", name="Bland")],
        people=[Person(id="p1", name="Pat One", party="a")],
        negotiations=[Negotiation(id="n1", title="Aland–Bland talks", started="2025-03",
                                  parties=[NegotiationParty(party="a", role="party"),
                                           NegotiationParty(party="b", role="party")])],
        topics=[Topic(id="t1", negotiation="n1", title="Border")],
        rounds=[Round(id="r1", negotiation="n1", number=1, start="2025-03-02", topics=["t1"])],
        positions=[Position(id="x1", negotiation="n1", party="a", topic="t1", round="r1", kind="demand",
                            summary="Wants the border moved.", person="p1",
                            sources=[Citation(source="s1", credibility=2)])],
        sources=[Source(id="s1", title="Wire report", reliability="B", url="file:///etc/passwd")],
    )
    for key, value in changes.items():
        setattr(doc, key, value)
    return doc


# ---------------------------------------------------------------- the demo dossier
def test_demo_dossier_pages_outline_and_running_text(demo_pdf, demo_doc):
    path, pages = demo_pdf
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) == pages > 8
    titles = outline_titles(reader)
    for section in ["Contents", "Summary", "Timeline", "Chronology", "Rounds", "Position matrix", "People", "Sources"]:
        assert section in titles
    for person in demo_doc.people:
        assert person.name in titles
    assert "Round 5: Paris round" in titles and "Round 1" in titles
    texts = page_texts(path)
    assert len(texts) == pages
    for number, text in enumerate(texts, start=1):
        assert text.count("SECRET // REL") >= 2, f"marking missing on page {number}"
        assert "Israel–Syria security talks" in text
        assert "Prepared 7 Jan 2026" in text
        assert f"Page {number} of {pages}" in text
    assert f"Page {pages} of {pages}" in texts[-1]


def test_demo_dossier_metadata_and_no_local_paths(demo_pdf):
    path, _ = demo_pdf
    assert path.stat().st_mode & 0o777 == 0o600, "the saved file is private, whatever the umask"
    meta = pypdf.PdfReader(path).metadata
    assert meta.title == "Israel–Syria security talks"
    assert meta.author == "Desk Officer"
    assert meta.subject == "Negotiation dossier"
    assert meta.creator == "Dossier 0.1.0"
    data = path.read_bytes()
    assert str(path.parent).encode() not in data
    assert b"/work/" not in data and b"/usr/share/fonts" not in data


def test_demo_dossier_contents_summary_and_names(demo_pdf):
    path, _ = demo_pdf
    texts = page_texts(path)
    whole = flat("\n".join(texts))
    contents = flat(texts[1])
    assert "Contents" in contents and "Position matrix" in contents and "Asaad al-Shaybani" in contents
    # every contents line has a page number that points at a page showing that heading
    reader = pypdf.PdfReader(path)
    summary_page = next(reader.get_destination_page_number(item) + 1 for item in reader.outline
                        if not isinstance(item, list) and item.title == "Summary")
    assert f"Summary {summary_page}" in contents and "Summary" in texts[summary_page - 1].split("\n")
    # the gaps in three groups, with the rule that sorts them
    # (the demo's gaps are all open: the empty groups are one line, not empty tables)
    assert "Not yet addressed by" in whole and "No gaps of these kinds: conflicts; answered — to judge." in whole
    assert "Open demands" not in whole
    assert "5–6 Jan 2026" in whole and "5 Jan 2026 – 6 Jan 2026" not in whole
    # names in Latin, Arabic and Hebrew, in logical order
    assert "Asaad al-Shaybani" in whole
    assert "أسعد حسن الشيباني" in whole
    assert "בנימין נתניהו" in whole
    assert "أحمد الشرع" in whole
    # citations with grades, and the annex they point to
    assert "[S1 C2]" in whole and "Reliability cannot be judged" in whole
    assert "Axios report on the resumption" in whole


def test_demo_citations_link_to_annex(demo_pdf):
    path, _ = demo_pdf
    reader = pypdf.PdfReader(path)
    pages = {item.title: reader.get_destination_page_number(item) + 1
             for item in reader.outline if not isinstance(item, list)}
    # the sources annex is the last section: its table, then the quoted passages of the
    # sources that hold a document, running on to the end
    annex = reader.pages[pages["Sources"] - 1].indirect_reference
    assert pages["Sources"] == max(pages.values())
    internal = to_annex = 0
    for page in reader.pages[:pages["Sources"] - 1]:
        for annot in page.get("/Annots") or []:
            obj = annot.get_object()
            if obj.get("/Subtype") == "/Link" and "/Dest" in obj:
                internal += 1
                to_annex += obj["/Dest"][0].idnum == annex.idnum
    assert internal > 20
    assert to_annex >= 10  # the [Sn Xn] references in the body point at the sources annex
    # the first page says what a reader needs first; sections then flow on from the contents
    assert pages["At a glance"] == 1 and pages["Contents"] == 2 and pages["Summary"] == 2


# ---------------------------------------------------------------- text is data
def test_user_text_is_escaped_and_newlines_kept(tmp_path):
    bio = 'Line one <img src="/etc/passwd"> & <b>not bold</b>\nLine two &amp; more'
    doc = small_doc()
    doc.people[0].bio = bio
    out = tmp_path / "escape.pdf"
    export_pdf(doc, out, prepared=PREPARED)
    text = "\n".join(page_texts(out))
    assert '<img src="/etc/passwd">' in text
    assert "<b>not bold</b>" in text
    assert "Line two &amp; more" in text
    lines = [line.strip() for line in text.splitlines()]
    assert any(line.endswith("<b>not bold</b>") for line in lines)
    assert any(line.startswith("Line two") for line in lines)
    reader = pypdf.PdfReader(out)
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        assert "/XObject" not in resources
    # a file: URL is printed but is not a link
    assert "file:///etc/passwd" in text
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A") or {}
            assert "passwd" not in str(action.get("/URI", ""))


def test_right_to_left_paragraph_keeps_line_order(tmp_path):
    words = [f"كلمة{n}" for n in range(1, 121)]
    doc = small_doc()
    doc.people[0].bio = " ".join(words)
    doc.people[0].native_name = "پت یک"
    out = tmp_path / "rtl.pdf"
    export_pdf(doc, out, person_id="p1", prepared=PREPARED)
    text = "\n".join(page_texts(out))
    lines = [line for line in text.splitlines() if "كلمة" in line]
    assert len(lines) >= 3, "the paragraph should wrap over several lines"
    # lines in reading order, each holding the next words (pdftotext orders the words inside a
    # right-to-left line by the direction of the page around it, which this test leaves aside)
    numbers = [n for line in lines for n in sorted(int(x) for x in re.findall(r"[0-9]+", line))]
    assert numbers == list(range(1, 121))
    assert "پت یک" in text


def test_mixed_direction_line(tmp_path):
    doc = small_doc()
    doc.people[0].name = "Asaad al-Shaybani (أسعد حسن الشيباني)"
    out = tmp_path / "mixed.pdf"
    export_pdf(doc, out, person_id="p1", prepared=PREPARED)
    text = flat("\n".join(page_texts(out)))
    assert "Asaad al-Shaybani" in text and "أسعد حسن الشيباني" in text


def test_huge_texts_split_across_pages(tmp_path):
    doc = small_doc()
    paragraph = ("The delegation restated its position on the border and the sequencing of steps. " * 40).strip()
    doc.people[0].bio = "\n".join([paragraph] * 330)  # about 1 MB
    assert len(doc.people[0].bio) > 1_000_000
    doc.positions[0].summary = "Cell text that goes on. " * 8500  # about 200 KB in one table cell
    out = tmp_path / "huge.pdf"
    pages = export_pdf(doc, out, person_id="p1", prepared=PREPARED)
    assert pages > 200
    texts = page_texts(out)
    assert f"Page {pages} of {pages}" in texts[-1]


# ---------------------------------------------------------------- scopes
def test_round_brief(tmp_path, demo_doc):
    out = tmp_path / "brief.pdf"
    pages = export_pdf(demo_doc, out, round_id="round-5", prepared=PREPARED)
    reader = pypdf.PdfReader(out)
    titles = outline_titles(reader)
    assert "Round 5: Paris round" in titles
    assert "Position matrix as of Round 5: Paris round" in titles
    assert "People" not in titles and "Chronology" not in titles
    whole = flat("\n".join(page_texts(out)))
    assert "Movement since Round 4, the previous held round" in whole
    assert "ROUND BRIEF" in whole
    assert reader.metadata.subject == "Round brief"
    assert len(reader.pages) == pages


def test_round_brief_matrix_is_as_of_the_round(tmp_path, demo_doc):
    out = tmp_path / "brief4.pdf"
    export_pdf(demo_doc, out, round_id="round-4", prepared=PREPARED)
    whole = flat("\n".join(page_texts(out)))
    assert "Not recorded: positions as of this round (no position matrix)." in whole
    assert "Position matrix" not in whole
    assert "Any agreement must maintain" not in whole


def test_person_profile(tmp_path, demo_doc):
    out = tmp_path / "person.pdf"
    export_pdf(demo_doc, out, person_id="asaad-al-shaybani", prepared=PREPARED, paper="letter")
    reader = pypdf.PdfReader(out)
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [612, 792]
    titles = outline_titles(reader)
    assert "Asaad al-Shaybani" in titles and "Sources" in titles
    whole = flat("\n".join(page_texts(out)))
    assert "Minister of Foreign Affairs" in whole and "أسعد حسن الشيباني" in whole
    assert "Benjamin Netanyahu" not in titles


def test_empty_negotiation_says_what_is_missing(tmp_path):
    doc = small_doc(rounds=[], positions=[], topics=[], people=[], sources=[])
    out = tmp_path / "empty.pdf"
    pages = export_pdf(doc, out, prepared=PREPARED)
    assert pages == len(pypdf.PdfReader(out).pages)
    whole = flat("\n".join(page_texts(out)))
    # no page for an empty section: one line says what has no records
    assert "Not recorded: timeline (no dated rounds or events); chronology (no rounds or events); rounds; " \
        "positions (no position matrix); people; sources cited." in whole
    assert "No positions are recorded" not in whole and "No sources are cited" not in whole
    assert pages <= 2


def test_workspace_without_negotiation(tmp_path):
    out = tmp_path / "none.pdf"
    export_pdf(Document(), out, prepared=PREPARED)
    whole = flat("\n".join(page_texts(out)))
    assert "holds no negotiation" in whole


def test_several_negotiations_need_a_choice(tmp_path):
    doc = small_doc()
    doc.negotiations.append(Negotiation(id="n2", title="Other talks"))
    with pytest.raises(DossierError, match="n1, n2"):
        export_pdf(doc, tmp_path / "x.pdf")
    assert export_pdf(doc, tmp_path / "x.pdf", negotiation_id="n2") >= 2


@pytest.mark.parametrize("kwargs, collection", [
    ({"negotiation_id": "nope"}, "negotiations"),
    ({"round_id": "nope"}, "rounds"),
    ({"person_id": "nope"}, "people"),
])
def test_unknown_ids_leave_no_file(tmp_path, kwargs, collection):
    out = tmp_path / "out.pdf"
    with pytest.raises(NotFoundError) as caught:
        export_pdf(small_doc(), out, **kwargs)
    assert caught.value.collection == collection
    assert list(tmp_path.iterdir()) == []


def test_round_and_person_are_exclusive(tmp_path):
    with pytest.raises(DossierError):
        export_pdf(small_doc(), tmp_path / "x.pdf", round_id="r1", person_id="p1")


def test_cancel_leaves_nothing_and_keeps_old_file(tmp_path, demo_doc):
    out = tmp_path / "out.pdf"
    out.write_bytes(b"previous")
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 30

    with pytest.raises(CancelledError):
        export_pdf(demo_doc, out, is_cancelled=cancelled)
    assert out.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf"]


def test_progress_reaches_the_end(tmp_path):
    seen = []
    doc = copy.deepcopy(small_doc())
    export_pdf(doc, tmp_path / "p.pdf", progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1]
    assert all(done <= total for done, total in seen)


def test_export_imports_neither_qt_nor_sqlalchemy(tmp_path):
    code = (
        "import sys, datetime; from dossier.export.pdf import export_pdf; "
        "from dossier.model.records import Document; "
        f"export_pdf(Document(), {str(tmp_path / 'q.pdf')!r}); "
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'sqlalchemy'))]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_garbage_collector_is_paused_during_the_build_and_resumed_after(tmp_path, demo_doc):
    import gc

    during = []
    export_pdf(demo_doc, tmp_path / "a.pdf", progress=lambda _done, _total: during.append(gc.isenabled()))
    assert during and not any(during[:-1])  # the last call comes once the file is written
    assert gc.isenabled()
    with pytest.raises(CancelledError):
        export_pdf(demo_doc, tmp_path / "b.pdf", is_cancelled=lambda: True)
    assert gc.isenabled()
