"""What a dossier keeps between blocks and passes (shaped texts, lines, row heights, subset
pieces) changes nothing a reader sees, and nothing is kept from one export to the next."""

from __future__ import annotations

import datetime
import subprocess

import pypdf
from reportlab import rl_config

from dossier.export.pdf import export_pdf, text
from dossier.export.pdf.text import Span, TextBlock, TextStyle

PREPARED = datetime.date(2026, 1, 7)


def _texts(path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True).stdout.decode("utf-8")


def _links(path) -> list[tuple]:
    out = []
    for page in pypdf.PdfReader(path).pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            out.append(tuple(round(float(v), 2) for v in annot["/Rect"]))
    return out


def test_two_exports_of_the_same_document_read_the_same(tmp_path, demo_doc):
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    pages_a = export_pdf(demo_doc, a, prepared=PREPARED)
    assert not text._PREPARED  # let go at the end of the export
    pages_b = export_pdf(demo_doc, b, prepared=PREPARED)
    assert pages_a == pages_b
    assert _texts(a) == _texts(b)
    assert _links(a) == _links(b)
    assert rl_config.useA85 == 1  # the export's binary streams leave reportlab's setting as it was


def test_blocks_of_the_same_text_share_shaping_but_not_their_parts():
    style = TextStyle()
    words = " ".join(["negotiation"] * 60)
    first, second = TextBlock(words, style), TextBlock(words, style)
    first.wrap(120, 1000)
    second.wrap(120, 1000)
    assert first._lines is second._lines  # laid out once for both
    head, tail = first.split(120, 3 * style.leading)
    assert len(head._lines) == 3
    tail.wrap(300, 1000)  # a part laid out at another width does not touch what the others share
    assert len(second._lines) == len(first._lines)
    assert " ".join("".join(r[2] for r in line.runs) for line in second._lines).split() == words.split()


def test_runs_change_at_font_and_span_changes():
    style = TextStyle()
    block = TextBlock([Span("plain "), Span("bold", bold=True), Span(" and سلام")], style)
    block.wrap(500, 100)
    runs = [(r[2], r[4]) for r in block._lines[0].runs]
    assert [span for _, span in runs] == sorted(span for _, span in runs)
    assert runs[0] == ("plain ", 0) and ("bold", 1) in runs
