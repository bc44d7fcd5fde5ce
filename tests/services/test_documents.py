"""A source's document read as text: every format from real files made here, their
metadata, the page chrome left out, and every file that cannot be read refused in one line."""

from __future__ import annotations

import codecs
import email.utils
import io
import os
import socket
import urllib.request
import zipfile
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest

from dossier.errors import DossierError
from dossier.model.text import text_problem
from dossier.services import documents
from dossier.services.documents import DocumentError, DocumentText, read_document_file, read_pasted_text

FONTS = Path(__file__).resolve().parents[2] / "resources" / "fonts"

LATIN = "Negotiations in Geneva — «accord» reached; Cafe\u0301 and café stay as written"
ARABIC = "مفاوضات السلام في جنيف"
HEBREW = "משא ומתן לשלום"
PERSIAN = "می\u200cخواهم گفت\u200cوگو کنیم"  # with zero-width non-joiners
LINES = [LATIN, ARABIC, HEBREW, PERSIAN]
TEXT = "\n".join(LINES)


def refused(path: Path, *words: str) -> str:
    """The one-line message reading ``path`` is refused with; it names the file and ``words``."""
    with pytest.raises(DocumentError) as caught:
        read_document_file(path)
    message = str(caught.value)
    assert isinstance(caught.value, DossierError)
    assert "\n" not in message and "Traceback" not in message
    assert message.startswith(f"{path.name}: "), message
    for word in words:
        assert word in message, message
    return message


class NoSocket(socket.socket):
    def __init__(self, *_args, **_kwargs):
        raise AssertionError("the network was reached")


def no_network(monkeypatch):
    """Any attempt to open a connection while reading fails the test."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("the network was reached")

    monkeypatch.setattr(socket, "socket", NoSocket)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)


# --- plain text --------------------------------------------------------------------------

@pytest.mark.parametrize("encoding, prefix", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE),
])
def test_text_file_in_utf8_or_utf16_is_read_exactly(tmp_path, encoding, prefix):
    path = tmp_path / "notes.txt"
    path.write_bytes(prefix + ("  " + TEXT + "\n\n").encode(encoding))
    document = read_document_file(path)
    assert document == DocumentText(text="  " + TEXT + "\n\n", kind="txt")
    assert text_problem(document.text) is None


def test_text_file_line_endings_become_newlines(tmp_path):
    path = tmp_path / "notes.TXT"
    path.write_bytes(b"one\r\ntwo\rthree\n")
    assert read_document_file(path).text == "one\ntwo\nthree\n"


def test_text_in_another_encoding_is_refused_clearly(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Café à Genève".encode("latin-1"))
    refused(path, "not UTF-8 or UTF-16 text")


def test_a_file_without_a_known_ending_is_read_by_its_content(tmp_path):
    path = tmp_path / "README"
    path.write_text(TEXT, encoding="utf-8")
    assert read_document_file(path).text == TEXT
    page = tmp_path / "saved-page"
    page.write_text(f"<!DOCTYPE html><html><body><article><p>{ARABIC}</p></article></body></html>",
                    encoding="utf-8")
    assert read_document_file(page).kind == "html"


# --- HTML --------------------------------------------------------------------------------

PAGE = f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Talks resume | The Levant Post</title>
<meta property="og:title" content="Talks resume in Geneva">
<meta property="og:site_name" content="The Levant Post">
<meta name="author" content="A. Reporter">
<meta property="article:published_time" content="2026-03-05T22:30:00-05:00">
<link rel="stylesheet" href="http://example.invalid/site.css">
<script src="http://example.invalid/tracker.js"></script>
<style>body {{ background: url(http://example.invalid/bg.png) }}</style>
</head><body>
<header><a href="/">Home</a> <a href="/world">World</a></header>
<nav><ul><li><a href="/politics">Politics</a></li><li>Sport</li></ul></nav>
<article>
  <h1>Talks   resume</h1>
  <p>{LATIN} — see <a href="http://example.invalid/report">the full report</a>.</p>
  <p>{ARABIC}<br>{HEBREW}</p>
  <img src="http://example.invalid/photo.jpg" alt="photo">
  <p>{PERSIAN}</p>
  <script>document.write("injected")</script>
  <form><input name="q"><button>Subscribe</button></form>
</article>
<aside><h2>Most read</h2><p>Another story</p></aside>
<footer>© The Levant Post · <a href="/privacy">Privacy</a></footer>
<iframe src="http://example.invalid/ad"></iframe>
</body></html>
"""


def test_html_main_text_without_the_menus_and_links_kept_as_text(tmp_path, monkeypatch):
    path = tmp_path / "story.html"
    path.write_text(PAGE.replace("\n", "\r\n"), encoding="utf-8")
    no_network(monkeypatch)
    document = read_document_file(path)
    assert document.text == (f"Talks resume\n\n{LATIN} — see the full report.\n\n"
                             f"{ARABIC}\n{HEBREW}\n\n{PERSIAN}")
    assert document.title == "Talks resume in Geneva"
    assert document.publisher == "The Levant Post"
    assert document.published == "2026-03-05"  # the day as the page writes it, in its own zone
    assert document.kind == "html"
    for chrome in ("Home", "Politics", "Sport", "Most read", "Another story", "Privacy", "injected",
                   "Subscribe", "http", "background"):
        assert chrome not in document.text


def test_html_without_an_article_is_the_body_without_its_chrome(tmp_path):
    path = tmp_path / "page.htm"
    path.write_text(f"""<html><head><title> Statement\n of the mediators </title>
<meta name="author" content="Office of the Envoy"><meta name="date" content="2025-11">
</head><body><header>Site menu</header><nav>Menu</nav>
<div><h2>{HEBREW}</h2><p>First &amp; <b>second</b> <em>words</em>.</p>
<table><tr><td>A</td><td>B</td></tr></table></div>
<noscript>Enable scripts</noscript><footer>Contact</footer></body></html>""", encoding="utf-8")
    document = read_document_file(path)
    assert document.text == f"{HEBREW}\n\nFirst & second words.\n\nA B"
    assert document.title == "Statement of the mediators"
    assert document.publisher == "Office of the Envoy"
    assert document.published == "2025-11"


def test_html_main_element_and_time_datetime(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(f"""<html><body><nav>Menu</nav><main><p>{PERSIAN}</p>
<p>Posted <time datetime="2026-02-30">yesterday</time> and <time datetime="2024-02-29T08:00Z">then</time></p>
</main><footer>Foot</footer></body></html>""", encoding="utf-8")
    document = read_document_file(path)
    assert document.text == f"{PERSIAN}\n\nPosted yesterday and then"
    assert document.published is None  # the first date the page states is no valid date
    assert document.title is None and document.publisher is None


def test_html_charset_from_its_meta(tmp_path):
    path = tmp_path / "old.html"
    path.write_bytes('<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
                     '</head><body><p>Caf\u00e9 \u201cquoted\u201d</p></body></html>'.encode("cp1252"))
    assert read_document_file(path).text == "Caf\u00e9 \u201cquoted\u201d"


def test_html_preformatted_text_keeps_its_lines(tmp_path):
    path = tmp_path / "pre.html"
    path.write_text("<body><p>Table:</p><pre>  a  b\n  c  d</pre></body>", encoding="utf-8")
    assert read_document_file(path).text == "Table:\n\n  a  b\n  c  d"


# --- PDF ---------------------------------------------------------------------------------

def make_pdf(path: Path, lines: list[str] | None, *, title=None, author=None, created=None,
             password: str | None = None) -> Path:
    """A PDF drawn by reportlab: right-to-left lines in visual order, as PDFs hold them."""
    from bidi import get_display
    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    for name, file in (("DocTestLatin", "NotoSans-Regular.ttf"),
                       ("DocTestArabic", "NotoSansArabic-Regular.ttf"),
                       ("DocTestHebrew", "NotoSansHebrew-Regular.ttf")):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(FONTS / file)))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    if lines is None:  # a page with a picture only: a drawn rectangle
        pdf.rect(50, 50, 400, 600, fill=1)
    else:
        y = 780
        for line in lines:
            font = ("DocTestHebrew" if any("\u0590" <= c <= "\u05ff" for c in line) else
                    "DocTestArabic" if any("\u0600" <= c <= "\u06ff" for c in line) else "DocTestLatin")
            pdf.setFont(font, 14)
            pdf.drawString(50, y, get_display(line))
            y -= 30
    pdf.showPage()
    pdf.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buffer.getvalue())))
    info = {k: v for k, v in (("/Title", title), ("/Author", author), ("/CreationDate", created)) if v}
    if info:
        writer.add_metadata(info)
    if password:
        writer.encrypt(password, algorithm="RC4-128")
    with path.open("wb") as file:
        writer.write(file)
    return path


def test_pdf_text_layer_and_info(tmp_path, monkeypatch):
    path = make_pdf(tmp_path / "report.pdf", LINES, title=f"Report: {ARABIC}", author="UN Office at Geneva",
                    created="D:20260305101500+02'00'")
    no_network(monkeypatch)
    document = read_document_file(path)
    assert document == DocumentText(text=TEXT, title=f"Report: {ARABIC}", publisher="UN Office at Geneva",
                                    published="2026-03-05", kind="pdf")


def test_pdf_pages_are_all_read(tmp_path):
    from pypdf import PdfReader, PdfWriter

    first, second = make_pdf(tmp_path / "a.pdf", [LATIN]), make_pdf(tmp_path / "b.pdf", [HEBREW])
    writer = PdfWriter()
    for part in (first, second):
        writer.append(PdfReader(part))
    both = tmp_path / "both.pdf"
    with both.open("wb") as file:
        writer.write(file)
    document = read_document_file(both)
    assert document.text == f"{LATIN}\n\n{HEBREW}"
    assert document.published is None  # the info says no date


def test_pdf_date_forms():
    assert documents.pdf_date("D:2026") == "2026"
    assert documents.pdf_date("D:202603") == "2026-03"
    assert documents.pdf_date("20260305") == "2026-03-05"
    assert documents.pdf_date("D:20261305") is None
    assert documents.pdf_date(None) is None


def test_encrypted_pdf_is_refused(tmp_path):
    path = make_pdf(tmp_path / "secret.pdf", [LATIN], password="secret")
    refused(path, "encrypted")


def test_pdf_of_an_image_only_is_refused(tmp_path):
    path = make_pdf(tmp_path / "scan.pdf", None)
    message = refused(path, "has no text layer — it may be a scanned image")
    assert message == "scan.pdf: has no text layer — it may be a scanned image"


def test_damaged_pdf_is_refused(tmp_path):
    whole = make_pdf(tmp_path / "whole.pdf", [LATIN]).read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(whole[:200])
    refused(path)
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(os.urandom(4096))
    refused(junk, "not a PDF")


# --- mail --------------------------------------------------------------------------------

def make_mail(path: Path, *, plain: str | None, html: str | None, sender="Reuters Desk <desk@example.org>",
              date: datetime | None = datetime(2026, 1, 31, 23, 30, tzinfo=timezone(timedelta(hours=-5)))):
    message = EmailMessage()
    message["Subject"] = f"Draft: {ARABIC}"
    message["From"] = sender
    message["To"] = "team@example.org"
    if date:
        message["Date"] = email.utils.format_datetime(date)
    if plain is not None:
        message.set_content(plain)
        if html is not None:
            message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html")
    path.write_bytes(message.as_bytes(policy=SMTP))  # CRLF line endings, as mail travels
    return path


def test_mail_plain_text_and_headers(tmp_path, monkeypatch):
    path = make_mail(tmp_path / "draft.eml", plain=TEXT + "\n", html=f"<p>{LATIN}</p>")
    no_network(monkeypatch)
    document = read_document_file(path)
    assert document == DocumentText(text=TEXT, title=f"Draft: {ARABIC}", publisher="Reuters Desk",
                                    published="2026-01-31", kind="eml")


def test_mail_with_only_html_goes_through_the_html_reader(tmp_path):
    html = (f"<html><body><nav>Menu</nav><p>{HEBREW} <a href='http://example.invalid/x'>link</a></p>"
            f"<p>{PERSIAN}</p><img src='http://example.invalid/pixel.gif'></body></html>")
    path = make_mail(tmp_path / "news.eml", plain=None, html=html, sender="desk@example.org", date=None)
    document = read_document_file(path)
    assert document.text == f"{HEBREW} link\n\n{PERSIAN}"
    assert document.publisher == "desk@example.org" and document.published is None


def test_text_that_is_not_mail_is_refused(tmp_path):
    path = tmp_path / "not-mail.eml"
    path.write_text("just some words\nand more", encoding="utf-8")
    refused(path, "not an e-mail message")


# --- Word --------------------------------------------------------------------------------

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                 'package/2006/content-types"/>')


def paragraph(*runs: str) -> str:
    return "<w:p><w:pPr><w:bidi/></w:pPr>" + "".join(f"<w:r><w:rPr><w:rtl/></w:rPr>{r}</w:r>" for r in runs) \
        + "</w:p>"


def make_docx(path: Path, body: str, core: str | None = None, *, prolog: str = "") -> Path:
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
                f"<w:document {W}><w:body>{body}<w:sectPr/></w:body></w:document>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", document)
        if core is not None:
            archive.writestr("docProps/core.xml", core)
    return path


CORE = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>{HEBREW}</dc:title><dc:creator>Ministry of Foreign Affairs</dc:creator>
<dcterms:created xsi:type="dcterms:W3CDTF">2025-12-24T09:00:00Z</dcterms:created>
</cp:coreProperties>"""


def test_docx_paragraphs_runs_tabs_and_breaks(tmp_path, monkeypatch):
    body = (paragraph("<w:t>Negotiations in </w:t>", '<w:t xml:space="preserve">Geneva — «accord» </w:t>',
                      "<w:t>reached; Cafe\u0301 and café stay as written</w:t>")
            + paragraph(f"<w:t>{ARABIC}</w:t>")
            + paragraph(f"<w:t>{HEBREW}</w:t>", "<w:br/>", f"<w:t>{PERSIAN}</w:t>")
            + paragraph()
            + "<w:tbl><w:tr><w:tc>" + paragraph("<w:t>A</w:t>", "<w:tab/>", "<w:t>B</w:t>")
            + "</w:tc></w:tr></w:tbl>"
            + paragraph("<w:delText>deleted</w:delText>", "<w:instrText>PAGE</w:instrText>",
                        "<w:t>end</w:t>"))
    path = make_docx(tmp_path / "memo.docx", body, CORE)
    no_network(monkeypatch)
    document = read_document_file(path)
    assert document.text == f"{LATIN}\n{ARABIC}\n{HEBREW}\n{PERSIAN}\n\nA\tB\nend"
    assert document.title == HEBREW
    assert document.publisher == "Ministry of Foreign Affairs"
    assert document.published == "2025-12-24"
    assert document.kind == "docx"


def test_docx_without_properties_states_nothing(tmp_path):
    path = make_docx(tmp_path / "plain.docx", paragraph(f"<w:t>{PERSIAN}</w:t>"))
    assert read_document_file(path) == DocumentText(text=PERSIAN, kind="docx")


def test_docx_declaring_entities_is_refused(tmp_path):
    bomb = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
            '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')
    path = make_docx(tmp_path / "lol.docx", paragraph("<w:t>&lol3;</w:t>"), prolog=bomb)
    refused(path, "DOCTYPE")
    external = make_docx(tmp_path / "external.docx", paragraph("<w:t>&x;</w:t>"),
                         prolog='<!DOCTYPE d [<!ENTITY x SYSTEM "http://example.invalid/x">]>')
    refused(external, "DOCTYPE")
    in_core = make_docx(tmp_path / "core.docx", paragraph("<w:t>x</w:t>"),
                        CORE.replace("<cp:coreProperties",
                                     '<!DOCTYPE c [<!ENTITY e "e">]><cp:coreProperties', 1))
    refused(in_core, "docProps/core.xml", "DOCTYPE")


def test_docx_that_unpacks_beyond_the_limit_is_refused(tmp_path):
    path = tmp_path / "bomb.docx"
    head = f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body><w:p><w:r><w:t>'.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(head)
            block = b" " * (1024 * 1024)
            for _ in range(documents.MAX_UNPACKED_BYTES // len(block) + 1):
                member.write(block)
            member.write(b"</w:t></w:r></w:p></w:body></w:document>")
    assert path.stat().st_size < 2 * 1024 * 1024
    refused(path, "unpacks to more than 200 MB")


def test_docx_zip_stating_a_false_size_is_still_stopped(tmp_path, monkeypatch):
    monkeypatch.setattr(documents, "MAX_UNPACKED_BYTES", 1000)
    path = make_docx(tmp_path / "big.docx", paragraph("<w:t>" + "x" * 5000 + "</w:t>"))
    refused(path, "unpacks to more than")


def test_damaged_or_foreign_zip_is_refused(tmp_path):
    junk = tmp_path / "junk.docx"
    junk.write_bytes(b"PK\x03\x04" + os.urandom(2000))
    refused(junk, "not a Word document")
    other = tmp_path / "sheet.docx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    refused(other, "no word/document.xml")
    broken = make_docx(tmp_path / "broken.docx", "<w:p><w:r><w:t>unclosed</w:r></w:p>")
    refused(broken, "not well-formed")


# --- pasted text -------------------------------------------------------------------------

def test_pasted_text_is_kept_with_newline_endings():
    document = read_pasted_text(TEXT.replace("\n", "\r\n") + "\r")
    assert document == DocumentText(text=TEXT + "\n", kind="pasted")


@pytest.mark.parametrize("text, words", [("", "empty"), (" \n\t ", "empty"), ("a\x00b", "U+0000"),
                                         ("a\ud800b", "surrogate")])
def test_pasted_text_that_cannot_be_kept_is_refused(text, words):
    with pytest.raises(DocumentError) as caught:
        read_pasted_text(text)
    assert str(caught.value).startswith("The pasted text ") and words in str(caught.value)
    assert "\n" not in str(caught.value)


# --- files that cannot be read -----------------------------------------------------------

@pytest.mark.parametrize("name", ["empty.txt", "empty.pdf", "empty.docx", "empty.eml", "empty.html"])
def test_empty_file_is_refused(tmp_path, name):
    path = tmp_path / name
    path.touch()
    assert refused(path) == f"{name}: is empty (0 bytes)"


def test_file_over_50_mb_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "huge.pdf"
    with path.open("wb"):
        pass
    os.truncate(path, 50 * 1024 * 1024 + 1)  # sparse: no disk is used

    def no_reading(*_args, **_kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "open", no_reading)
    refused(path, "50 MB")


def test_file_of_exactly_50_mb_is_read(tmp_path):
    path = tmp_path / "long.txt"
    path.write_bytes(b"a\n" * (25 * 1024 * 1024))
    assert len(read_document_file(path).text) == 50 * 1024 * 1024


@pytest.mark.parametrize("name", ["junk.txt", "junk.html", "junk.eml", "junk.bin"])
def test_binary_junk_is_refused(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + os.urandom(4096))
    refused(path)


def test_control_characters_without_nul_are_refused_as_binary(tmp_path):
    path = tmp_path / "controls.txt"
    path.write_bytes(bytes(range(1, 9)) * 200)
    refused(path, "binary")


def test_missing_file_folder_and_unknown_kind(tmp_path):
    refused(tmp_path / "gone.txt", "no such file")
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    refused(folder, "folder")


def test_a_filename_with_a_line_break_still_gives_one_line(tmp_path):
    path = tmp_path / "two\nlines.txt"
    path.touch()
    with pytest.raises(DocumentError) as caught:
        read_document_file(path)
    assert "\n" not in str(caught.value) and "is empty" in str(caught.value)
