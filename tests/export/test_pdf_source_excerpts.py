"""The sources annex prints each quote cited from a source that holds its document, with the
text around it there, and says when the document does not hold a quote. Checked on real
PDFs of a demo workspace (pdftotext and pypdf)."""

from __future__ import annotations

import datetime
import re
import subprocess
import unicodedata
from dataclasses import replace

import pypdf
import pytest

from dossier.model import quotes
from dossier.model.records import Citation, Position, Source
from dossier.services import records
from dossier.services.exports import export_pdf_file

PREPARED = datetime.date(2026, 1, 7)
NEG = "il-sy-security"
OPENING = "Talks resumed in Paris on Monday under American mediation after a pause of two months."
QUOTE = "No withdrawal before a signed agreement"
DOCUMENT = (f"{OPENING} The envoy told reporters: {QUOTE}, and no agreement without guarantees. "
            "Both delegations met again the next day. A <b>bold</b> claim &amp; a counter-claim followed, "
            "and the mediator left for Washington.")
MISSING = "Troops will leave by spring"
ARABIC_QUOTE = "لا انسحاب قبل اتفاق موقع"
ARABIC_DOCUMENT = f"قال المبعوث للصحفيين في باريس إنه {ARABIC_QUOTE} بين الطرفين، وإن المحادثات ستستأنف قريبا."
NOT_FOUND = "Quote not found in the source's document."

_BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def page_texts(path) -> list[str]:
    """Each page's text as pdftotext gives it, Arabic presentation forms folded (NFKC), bidi marks gone."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True).stdout
    text = _BIDI_MARKS.sub("", unicodedata.normalize("NFKC", out.decode("utf-8")))
    return text.split("\f")


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def ws(demo_workspace):
    ws = demo_workspace
    records.create(ws, Source(id="wire-doc", title="Wire report with its text", reliability="B", text=DOCUMENT))
    records.create(ws, Source(id="arabic-doc", title="تقرير إخباري", reliability="C", text=ARABIC_DOCUMENT))
    records.create(ws, Source(id="no-doc", title="Phone call notes", reliability="C"))
    records.create(ws, Position(
        id="pos-doc", negotiation=NEG, party="il", topic="security-agreement", round="round-5", date="2026-01-06",
        kind="statement", summary="No withdrawal before an agreement.",
        sources=[Citation(source="wire-doc", credibility=2, quote=QUOTE),
                 Citation(source="wire-doc", credibility=3, quote=MISSING),
                 Citation(source="arabic-doc", credibility=3, quote=ARABIC_QUOTE),
                 Citation(source="no-doc", credibility=3, quote="Quoted from a call, not from a document")]))
    records.create(ws, Position(
        id="pos-doc-2", negotiation=NEG, party="sy", topic="security-agreement", round="round-5",
        date="2026-01-06", kind="statement", summary="The same quote, cited again.",
        sources=[Citation(source="wire-doc", credibility=2, quote=QUOTE),
                 Citation(source="wire-doc", credibility=2, quote=f"“{QUOTE.lower()}”")]))
    return ws


def annex_text(pages: list[str]) -> str:
    at = max(i for i, page in enumerate(pages) if "Quoted passages" in page)
    return flat(" ".join(pages[at:]))


@pytest.mark.parametrize("options", [{"round_id": "round-5"}, {"negotiation_id": NEG}], ids=["brief", "dossier"])
def test_each_cited_quote_is_printed_in_its_context(ws, tmp_path, options):
    out = tmp_path / "out.pdf"
    export_pdf_file(ws, out, prepared=PREPARED, **options)
    annex = annex_text(page_texts(out))
    # the quote in its context: the words before it, the quote, the words after it
    assert f"The envoy told reporters: {QUOTE}, and no agreement without guarantees." in annex
    assert "Talks resumed in Paris" in annex
    # markup in the document is text
    assert "A <b>bold</b> claim &amp; a counter-claim followed" in annex
    # a quote the document does not hold is said to be missing, once
    assert f"“{MISSING}” {NOT_FOUND}" in annex
    assert annex.count(NOT_FOUND) == 1
    # the same passage cited twice (once in other case and quotation marks) is printed once; a source
    # without a document prints no passage
    assert annex.count(f"reporters: {QUOTE}") == 1
    assert "Quoted from a call" not in annex
    # Arabic: shaped, in logical order when extracted
    assert ARABIC_QUOTE in annex

    reader = pypdf.PdfReader(str(out))
    extracted = flat(" ".join(page.extract_text() for page in reader.pages))
    assert QUOTE in extracted and NOT_FOUND in extracted and "<b>bold</b>" in extracted


def test_the_quote_is_bold_and_its_context_is_not(ws, tmp_path):
    out = tmp_path / "brief.pdf"
    export_pdf_file(ws, out, prepared=PREPARED, round_id="round-5")
    reader = pypdf.PdfReader(str(out))
    fonts: dict[str, set[str]] = {}
    for page in reader.pages:
        if "Quoted passages" not in page.extract_text():
            continue

        def visit(text, cm, tm, font_dict, size):
            if text.strip() and font_dict is not None:
                fonts.setdefault(text.strip(), set()).add(str(font_dict.get("/BaseFont", "")))

        page.extract_text(visitor_text=visit)
    bold = {t for t, names in fonts.items() if any("Bold" in n for n in names)}
    assert any(QUOTE in t for t in bold)
    assert not any("The envoy told reporters" in t for t in bold)


def test_a_huge_document_is_searched_once_for_each_quote(ws, tmp_path, monkeypatch):
    filler = "Nothing of note was said on this day, the wires reported once more. " * 60_000  # about 4 MB
    source = records.get(ws, "sources", "wire-doc")
    records.update(ws, replace(source, text=filler + DOCUMENT))
    calls: list[str] = []
    real = quotes.locate_quote

    def counting(text, quote):
        calls.append(quote)
        return real(text, quote)

    monkeypatch.setattr(quotes, "locate_quote", counting)
    out = tmp_path / "huge.pdf"
    export_pdf_file(ws, out, prepared=PREPARED, negotiation_id=NEG)
    mine = (QUOTE, f"“{QUOTE.lower()}”", MISSING, ARABIC_QUOTE)
    assert [calls.count(q) for q in mine] == [1, 1, 1, 1]  # once each, however often cited
    annex = annex_text(page_texts(out))
    assert f"{QUOTE}, and no agreement without guarantees." in annex
    at = annex.index(f"{QUOTE}, and no agreement")
    assert "..." in annex[at - 200:at]  # the long document before the passage is cut (… as NFKC gives it)
    assert annex.count("Nothing of note was said") <= 4  # a short excerpt, not the document
