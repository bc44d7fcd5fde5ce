"""A source's document read as text: a ``.txt``, ``.html``/``.htm``, ``.pdf``, ``.eml`` or
``.docx`` file, or text pasted from the clipboard.

``read_document_file`` and ``read_pasted_text`` give a ``DocumentText``: the document's text,
ready for ``Source.text``, and the title, publisher and date the document states (HTML
metadata, PDF info, mail headers, Word properties), for the user to check before saving.

Reading never reaches the network and runs nothing the document holds: HTML is parsed with
the standard library's tokenizer (no scripts, no images, no style sheets; a link is its
text), a Word document's XML may not declare a DOCTYPE or entities, and a Word document is
unpacked only up to ``MAX_UNPACKED_BYTES``. A file that cannot be read raises
``DocumentError`` with one line naming the file and the problem; nothing is made of it.

The text is kept as written: line endings become ``\\n`` and a UTF-8 byte order mark is
dropped, but no character is normalised (NFC/NFKC would change Arabic, Hebrew and Persian,
and a zero-width non-joiner is part of a Persian word).
"""

from __future__ import annotations

import codecs
import io
import os
import re
import stat
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Literal

from dossier.errors import DossierError
from dossier.model.dates import PartialDate
from dossier.model.records import Source
from dossier.model.text import is_blank, one_line, text_problem

#: The largest file read; a larger one is refused before a byte of it is read.
MAX_FILE_BYTES = 50 * 1024 * 1024
#: The most a Word document may unpack to (its parts together); beyond it, it is refused.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024

Kind = Literal["txt", "html", "pdf", "eml", "docx", "pasted"]

#: File name endings -> the kind of document read.
SUFFIXES: dict[str, Kind] = {
    ".txt": "txt", ".text": "txt",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".pdf": "pdf",
    ".eml": "eml",
    ".docx": "docx",
}

_READABLE = ".txt, .html, .htm, .pdf, .eml or .docx"


class DocumentError(DossierError):
    """A document that cannot be read; the message is one line naming the file (or the
    pasted text) and the problem."""

    def __init__(self, name: str | None, problem: str):
        self.name = name  # None: the pasted text
        self.problem = problem
        super().__init__(one_line(f"{name}: {problem}" if name is not None else f"The pasted text {problem}"))


@dataclass(frozen=True)
class DocumentText:
    """A document's text and what it says of itself (None where it says nothing)."""

    text: str
    title: str | None = None
    publisher: str | None = None
    published: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD, only when the document states it
    kind: Kind = "txt"


# --- entry points ------------------------------------------------------------------------

def read_document_file(path: str | os.PathLike[str]) -> DocumentText:
    """The text and metadata of the document at ``path``; ``DocumentError`` when it cannot be read."""
    path = Path(path)
    name = path.name or str(path)
    data = _read_bytes(path, name)
    kind = SUFFIXES.get(path.suffix.lower()) or _sniff(data, name)
    reader = _READERS[kind]
    try:
        document = reader(data, name)
    except DocumentError:
        raise
    except RecursionError:
        raise DocumentError(name, f"is damaged or nested too deeply to read as a {_KIND_NAMES[kind]}") \
            from None
    except MemoryError:
        raise DocumentError(name, "is too large to read in the memory available") from None
    except Exception as exc:  # noqa: BLE001 - a damaged file may fail anywhere in a parser: no traceback
        raise DocumentError(name, f"is damaged or not a {_KIND_NAMES[kind]} ({_reason(exc)})") from None
    return _finish(document, name)


def read_pasted_text(text: str) -> DocumentText:
    """Text pasted from the clipboard, its line endings made ``\\n``; refused when blank."""
    if not isinstance(text, str):
        raise TypeError("pasted text must be a str")
    text = _newlines(text)
    if is_blank(text):
        raise DocumentError(None, "is empty; there is nothing to add")
    problem = text_problem(text)
    if problem:
        raise DocumentError(None, f"cannot be kept: {problem}")
    return DocumentText(text=text, kind="pasted")


def new_source(document: DocumentText, file_name: str | None) -> Source:
    """The source a document makes, not saved and without an id: its text, and the title,
    publisher and date it states (the title the file's name without its ending where it states
    none; none for pasted text). Its grade is left to the analyst."""
    title = document.title or ((Path(file_name).stem or Path(file_name).name) if file_name else "")
    return Source(id="", title=title, publisher=document.publisher, published=document.published,
                  text=document.text)


# --- reading the file --------------------------------------------------------------------

def _read_bytes(path: Path, name: str) -> bytes:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise DocumentError(name, "cannot be read: there is no such file") from None
    except OSError as exc:
        raise DocumentError(name, f"cannot be read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise DocumentError(name, "is a folder, not a document")
    if not stat.S_ISREG(info.st_mode):
        raise DocumentError(name, "is not a plain file (a device or a pipe?); it was not read")
    if info.st_size == 0:
        raise DocumentError(name, "is empty (0 bytes)")
    if info.st_size > MAX_FILE_BYTES:
        raise DocumentError(name, f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB "
                                  f"({info.st_size:,} bytes); Dossier reads documents of up to that size")
    try:
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise DocumentError(name, f"cannot be read: {exc.strerror or exc}") from None
    if not data:
        raise DocumentError(name, "is empty (0 bytes)")
    if len(data) > MAX_FILE_BYTES:  # it grew while being read
        raise DocumentError(name, f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; "
                                  "Dossier reads documents of up to that size")
    return data


def _sniff(data: bytes, name: str) -> Kind:
    """The kind of a file whose name does not say it, from its first bytes."""
    head = data[:1024]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "html"
    if b"\x00" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DocumentError(name, f"is not a document Dossier reads (a {_READABLE} file)")
    return "txt"


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 200 else text[:200] + "…"


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


_CONTROLS = re.compile(r"[\x01-\x08\x0b\x0e-\x1f\x7f]")


def _looks_binary(text: str) -> bool:
    """Text decoded without error that is still mostly control characters: not a text file."""
    sample = text[:65536]
    return len(_CONTROLS.findall(sample)) > max(8, len(sample) // 100)


def _finish(document: DocumentText, name: str) -> DocumentText:
    """The text checked against the interchange rules, the metadata tidied."""
    text = _newlines(document.text)
    if document.kind != "txt":
        text = text.strip("\n")
        text = "\n".join(line.rstrip(" \t") for line in text.split("\n"))
    if is_blank(text):
        if document.kind == "pdf":
            raise DocumentError(name, "has no text layer — it may be a scanned image")
        raise DocumentError(name, "holds no text")
    problem = text_problem(text)
    if problem:
        raise DocumentError(name, f"cannot be kept as a source's text: {problem}")
    return DocumentText(text=text, title=_field(document.title), publisher=_field(document.publisher),
                        published=document.published, kind=document.kind)


_SPACES = re.compile(r"[ \t\n\r\f\v]+")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _field(value: str | None) -> str | None:
    """A title or publisher on one line, what cannot be stored left out; None when empty."""
    if value is None:
        return None
    value = _SPACES.sub(" ", _UNSTORABLE.sub("", str(value))).strip()
    return value or None


_ISO_DATE = re.compile(r"\s*([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?(?=$|[T\s+Z]|[-+][0-9]{2}:?[0-9]{2}$)",
                       re.ASCII)


def iso_date(value: str | None) -> str | None:
    """The date an ISO 8601 / W3CDTF value states (``2026-03-05T10:00:00+02:00`` ->
    ``2026-03-05``, the day as written in its own zone), or None when it states no valid date."""
    if not value:
        return None
    m = _ISO_DATE.match(value)
    if not m:
        return None
    text = "-".join(part for part in m.groups() if part)
    try:
        return str(PartialDate.parse(text))
    except ValueError:
        return None


_PDF_DATE = re.compile(r"\s*(?:D:)?([0-9]{4})([0-9]{2})?([0-9]{2})?", re.ASCII)


def pdf_date(value: object) -> str | None:
    """The date of a PDF date string (``D:20260305101500+02'00'`` -> ``2026-03-05``)."""
    if not isinstance(value, str):
        return None
    m = _PDF_DATE.match(value)
    if not m:
        return None
    year, month, day = m.groups()
    text = year + (f"-{month}" if month else "") + (f"-{day}" if month and day else "")
    try:
        return str(PartialDate.parse(text))
    except ValueError:
        return None


# --- plain text --------------------------------------------------------------------------

def _read_txt(data: bytes, name: str) -> DocumentText:
    return DocumentText(text=_decode_text(data, name), kind="txt")


def _decode_text(data: bytes, name: str) -> str:
    """UTF-8 (its byte order mark dropped), or UTF-16 with a byte order mark."""
    if data.startswith(codecs.BOM_UTF8):
        encoding, body = "UTF-8", data[len(codecs.BOM_UTF8):]
        codec = "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if data.startswith(codecs.BOM_UTF32_LE):
            raise DocumentError(name, "is UTF-32 text, which Dossier does not read; save it as UTF-8")
        encoding, body, codec = "UTF-16", data, "utf-16"
    else:
        if b"\x00" in data:
            raise DocumentError(name, "is not a text file: it holds binary data (NUL bytes)")
        encoding, body, codec = "UTF-8", data, "utf-8"
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as exc:
        if encoding == "UTF-16":
            raise DocumentError(name, f"is not valid UTF-16 text (bad bytes at offset {exc.start})") from None
        raise DocumentError(name, "is not UTF-8 or UTF-16 text: it may be a binary file or use another "
                                  f"encoding (bad bytes at offset {exc.start}); save it as UTF-8") from None
    if "\x00" in text or _looks_binary(text):
        raise DocumentError(name, "is not a text file: it holds binary data")
    return _newlines(text)


# --- HTML --------------------------------------------------------------------------------

_VOID = frozenset([
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
    "source", "track", "wbr",
])
#: never text, wherever they are
_SKIP = frozenset([
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "canvas",
    "form", "button", "select", "textarea", "nav", "aside", "dialog",
])
#: a page's chrome: left out of the body's text, kept inside an article or main
_CHROME = frozenset({"header", "footer"})
_SKIP_ROLES = frozenset({"navigation", "complementary", "search", "dialog", "menu", "menubar"})
_CHROME_ROLES = frozenset({"banner", "contentinfo"})
_BLOCK = frozenset([
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
    "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "frameset", "h1",
    "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main", "menu",
    "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul",
])
_CELL = frozenset({"td", "th"})
_HTML_SPACES = re.compile(r"[ \t\n\r\f]+")

_PARA, _LINE = object(), object()


class _Stream:
    """Text of one part of a page as tokens: strings, paragraph breaks and line breaks."""

    def __init__(self) -> None:
        self.tokens: list[object] = []
        self.size = 0

    def text(self, chunk: str, pre: bool) -> None:
        if pre:
            lines = chunk.split("\n")
            for i, line in enumerate(lines):
                if i:
                    self.tokens.append(_LINE)
                if line:
                    self.tokens.append((line, True))
        else:
            self.tokens.append((chunk, False))
        self.size += len(chunk.strip())

    def render(self) -> str:
        paragraphs: list[str] = []
        lines: list[str] = []
        line: list[str] = []
        line_pre = False

        def end_line() -> None:
            nonlocal line, line_pre
            text = "".join(line)
            if not line_pre:
                text = text.strip(" ")
            lines.append(text)
            line, line_pre = [], False

        def end_paragraph() -> None:
            end_line()
            text = "\n".join(lines).strip("\n")
            if text.strip():
                paragraphs.append(text)
            lines.clear()

        for token in self.tokens:
            if token is _PARA:
                end_paragraph()
            elif token is _LINE:
                end_line()
            else:
                chunk, pre = token
                if pre:
                    line_pre = True
                elif chunk.startswith(" ") and (not line or line[-1].endswith(" ")):
                    chunk = chunk.lstrip(" ")
                if chunk:
                    line.append(chunk)
        end_paragraph()
        return "\n\n".join(paragraphs)


class _PageReader(HTMLParser):
    """One pass over a page: its metadata, and the text of its body, articles and main part."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []  # (tag, "skip" | "chrome" | "article" | "main" | None)
        self.open: dict[str, int] = {}  # how many of each tag, and of each kind, are open: no page
        self.kinds: dict[str | None, int] = {}  # nested however deep makes a step slower
        self.state = (False, False, False, False, False)
        self.meta: dict[str, str] = {}
        self.title_parts: list[str] = []
        self.h1_parts: list[str] | None = None
        self.h1: str | None = None
        self.body = _Stream()
        self.articles: list[_Stream] = []
        self.mains: list[_Stream] = []
        self.article: _Stream | None = None
        self.main: _Stream | None = None
        self.time_in_article: str | None = None
        self.time_in_body: str | None = None

    # where the parser is
    def _flags(self) -> tuple[bool, bool, bool, bool, bool]:
        """Inside something skipped, the page's chrome, its head, its title, preformatted text."""
        return self.state

    def _update(self) -> None:
        get, kinds = self.open.get, self.kinds.get
        in_title = get("title", 0) > 0
        pre = get("pre", 0) + get("textarea", 0) + get("listing", 0) > 0
        head = get("head", 0) > 0 or in_title
        self.state = (kinds("skip", 0) > 0, kinds("chrome", 0) > 0, head, in_title, pre)

    def _push(self, tag: str, kind: str | None) -> None:
        self.stack.append((tag, kind))
        self.open[tag] = self.open.get(tag, 0) + 1
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        self._update()

    def _streams(self, skip: bool, chrome: bool, head: bool) -> list[_Stream]:
        if skip or head:
            return []
        streams = [] if chrome else [self.body]
        if self.article is not None:
            streams.append(self.article)
        if self.main is not None:
            streams.append(self.main)
        return streams

    def _break(self, token: object) -> None:
        skip, chrome, head, _, _ = self._flags()
        for stream in self._streams(skip, chrome, head):
            stream.tokens.append(token)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            self._meta(values)
            return
        if tag == "time" and values.get("datetime"):
            skip, chrome, head, _, _ = self._flags()
            if not skip and not head:
                if self.article is not None and self.time_in_article is None:
                    self.time_in_article = values["datetime"]
                if not chrome and self.time_in_body is None:
                    self.time_in_body = values["datetime"]
        if tag == "br":
            self._break(_LINE)
            return
        if tag in _VOID:
            if tag == "hr":
                self._break(_PARA)
            return
        role = values.get("role", "").strip().lower()
        kind: str | None = None
        if tag in _SKIP or role in _SKIP_ROLES or "hidden" in values \
                or values.get("aria-hidden", "").lower() == "true":
            kind = "skip"
        elif tag in _CHROME or role in _CHROME_ROLES:
            kind = "chrome"
        elif tag == "article":
            kind = "article"
        elif tag == "main" or role == "main":
            kind = "main"
        if tag in _BLOCK or kind is not None:
            self._break(_PARA)
        elif tag in _CELL:
            self._break((" ", False))
        if tag == "h1" and self.h1 is None and self.h1_parts is None:
            self.h1_parts = []
        skip, chrome, head, _, _ = self._flags()
        if kind == "article" and self.article is None and not skip:
            self.article = _Stream()
            self.articles.append(self.article)
        elif kind == "main" and self.main is None and not skip:
            self.main = _Stream()
            self.mains.append(self.main)
        self._push(tag, kind)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or not self.open.get(tag):
            return  # an end tag that closes nothing open
        depth = len(self.stack) - 1
        while self.stack[depth][0] != tag:
            depth -= 1
        if tag in _BLOCK:
            self._break(_PARA)
        closed = self.stack[depth:]
        del self.stack[depth:]
        for closed_tag, kind in closed:
            self.open[closed_tag] -= 1
            self.kinds[kind] -= 1
            if kind == "article" and not self.kinds["article"]:
                self.article = None
            elif kind == "main" and not self.kinds["main"]:
                self.main = None
            if closed_tag == "h1" and self.h1_parts is not None:
                self.h1 = "".join(self.h1_parts)
                self.h1_parts = None
        self._update()
        if tag in _BLOCK or any(kind is not None for _, kind in closed):
            self._break(_PARA)

    def handle_data(self, data: str) -> None:
        skip, chrome, head, in_title, pre = self._flags()
        if in_title and not skip:
            self.title_parts.append(data)
            return
        if skip or head:
            return
        if self.h1_parts is not None:
            self.h1_parts.append(data)
        chunk = data if pre else _HTML_SPACES.sub(" ", data)
        if not chunk:
            return
        for stream in self._streams(skip, chrome, head):
            stream.text(chunk, pre)

    def _meta(self, values: dict[str, str]) -> None:
        key = (values.get("property") or values.get("name") or values.get("itemprop") or "").strip().lower()
        content = values.get("content", "").strip()
        if key and content and key not in self.meta:
            self.meta[key] = content

    # what the page says
    def text(self) -> str:
        for streams in (self.articles, self.mains):
            best = max(streams, key=lambda s: s.size, default=None)
            if best is not None and best.size:
                return best.render()
        return self.body.render()

    def title(self) -> str | None:
        for value in (self.meta.get("og:title"), "".join(self.title_parts), self.meta.get("twitter:title"),
                      self.h1):
            if _field(value):
                return value
        return None

    def publisher(self) -> str | None:
        for key in ("og:site_name", "publisher", "dc.publisher", "dcterms.publisher", "application-name",
                    "author", "dc.creator", "article:author"):
            value = self.meta.get(key)
            if _field(value) and not re.match(r"(?i)https?://", value):
                return value
        return None

    def published(self) -> str | None:
        for key in ("article:published_time", "og:published_time", "datepublished", "date", "dc.date",
                    "dc.date.issued", "dcterms.date", "dcterms.issued", "dcterms.created", "pubdate",
                    "publish-date", "publish_date", "sailthru.date", "parsely-pub-date"):
            date = iso_date(self.meta.get(key))
            if date:
                return date
        return iso_date(self.time_in_article) or iso_date(self.time_in_body)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)


def _html_encoding(data: bytes) -> tuple[str, bytes]:
    """The codec a page is written in and its bytes without a byte order mark."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8", data[len(codecs.BOM_UTF8):]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", data
    m = _META_CHARSET.search(data[:4096])
    if m:
        try:
            name = codecs.lookup(m.group(1).decode("ascii")).name
        except LookupError:
            name = "utf-8"
        if name in ("utf-16", "utf-16-le", "utf-16-be", "utf-32"):  # bytes we could read say otherwise
            name = "utf-8"
        if name == "latin-1" or name == "iso8859-1":  # as browsers do: ISO-8859-1 is read as windows-1252
            name = "cp1252"
        return name, data
    return "utf-8", data


def _decode_html(data: bytes, name: str) -> str:
    encoding, body = _html_encoding(data)
    if b"\x00" in body and encoding != "utf-16":
        raise DocumentError(name, "is not a web page: it holds binary data (NUL bytes)")
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DocumentError(name, f"is not valid {encoding.upper()} text (bad bytes at offset {exc.start}); "
                                  "its character set may be missing from <meta charset>") from None
    if "\x00" in text or _looks_binary(text):
        raise DocumentError(name, "is not a web page: it holds binary data")
    return text


def _read_html(data: bytes, name: str) -> DocumentText:
    return html_document(_decode_html(data, name))


def html_document(markup: str) -> DocumentText:
    """The main text and metadata of a page already decoded (also the HTML part of a mail)."""
    reader = _PageReader()
    reader.feed(_newlines(markup))
    reader.close()
    return DocumentText(text=reader.text(), title=reader.title(), publisher=reader.publisher(),
                        published=reader.published(), kind="html")


# --- PDF ---------------------------------------------------------------------------------

def _read_pdf(data: bytes, name: str) -> DocumentText:
    if b"%PDF-" not in data[:1024]:
        raise DocumentError(name, "is not a PDF file (it does not begin as one)")
    import logging

    try:
        from pypdf import PdfReader
    except ImportError:  # pragma: no cover - pypdf is a dependency
        raise DocumentError(name, "cannot be read: this installation of Dossier has no PDF reader") from None

    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)  # a damaged PDF's repairs are pypdf's business, not the user's
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise DocumentError(name, "is encrypted (password-protected); Dossier does not open encrypted "
                                      "PDFs — save a copy without a password and add that")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = _pdf_info(reader)
    finally:
        logger.setLevel(level)
    text = "\n\n".join(_UNSTORABLE.sub("", _newlines(page)).strip("\n") for page in pages if page.strip())
    if not text.strip():
        raise DocumentError(name, "has no text layer — it may be a scanned image")
    return DocumentText(text=text, title=info.get("/Title"), publisher=info.get("/Author"),
                        published=pdf_date(info.get("/CreationDate")), kind="pdf")


def _pdf_info(reader) -> dict[str, str]:
    """The document information a PDF states, as text; a damaged dictionary says nothing."""
    try:
        metadata = reader.metadata
        if metadata is None:
            return {}
        out = {}
        for key in ("/Title", "/Author", "/CreationDate"):
            value = metadata.get(key)
            if value is not None and hasattr(value, "get_object"):
                value = value.get_object()
            if isinstance(value, str):
                out[key] = str(value)
        return out
    except Exception:  # noqa: BLE001 - the text is what matters; damaged metadata is left out
        return {}


# --- mail --------------------------------------------------------------------------------

_MAIL_HEADERS = ("from", "to", "subject", "date", "message-id", "content-type", "received", "mime-version")


def _read_eml(data: bytes, name: str) -> DocumentText:
    import email
    from email import policy

    if b"\x00" in data:
        raise DocumentError(name, "is not an e-mail message: it holds binary data (NUL bytes)")
    message = email.message_from_bytes(data, policy=policy.default)
    if not any(message.get(header) is not None for header in _MAIL_HEADERS):
        raise DocumentError(name, "is not an e-mail message: it has no mail headers (From, Subject, Date…)")
    title = _header(message, "subject")
    publisher = _sender(message)
    published = _mail_date(message)
    body = message.get_body(preferencelist=("plain",))
    if body is not None:
        text = _mail_text(body)
    else:
        body = message.get_body(preferencelist=("html",))
        text = html_document(_mail_text(body)).text if body is not None else ""
    if is_blank(text):
        raise DocumentError(name, "holds no text: the message has no text or HTML body")
    return DocumentText(text=_UNSTORABLE.sub("", text), title=title, publisher=publisher,
                        published=published, kind="eml")


def _header(message, key: str) -> str | None:
    try:
        value = message.get(key)
    except Exception:  # noqa: BLE001 - a header that does not parse is left out
        return None
    return None if value is None else str(value)


def _sender(message) -> str | None:
    try:
        header = message.get("from")
        addresses = getattr(header, "addresses", None) or ()
        for address in addresses:
            if address.display_name:
                return address.display_name
            if address.addr_spec and address.addr_spec != "<>":
                return address.addr_spec
    except Exception:  # noqa: BLE001 - an address list that does not parse is taken as written
        return _header(message, "from")
    return _header(message, "from")


def _mail_date(message) -> str | None:
    try:
        header = message.get("date")
        moment = getattr(header, "datetime", None)
    except Exception:  # noqa: BLE001 - a date that does not parse states no date
        return None
    if moment is None:
        return None
    try:
        return str(PartialDate.parse(moment.date().isoformat()))
    except ValueError:
        return None


def _mail_text(part) -> str:
    try:
        content = part.get_content()
    except (LookupError, UnicodeError):  # a charset Python does not know: read it as UTF-8
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace")
    if isinstance(content, bytes):
        content = content.decode("utf-8", errors="replace")
    return _newlines(content)


# --- Word ---------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_DCTERMS = "{http://purl.org/dc/terms/}"


class _Unpacked:
    """Parts read from a zip, the bytes unpacked counted against ``MAX_UNPACKED_BYTES`` (a
    zip's stated sizes are not trusted: reading stops at the limit)."""

    def __init__(self, archive: zipfile.ZipFile, name: str):
        self.archive = archive
        self.name = name
        self.total = 0

    def read(self, member: str) -> bytes | None:
        try:
            info = self.archive.getinfo(member)
        except KeyError:
            return None
        if info.file_size > MAX_UNPACKED_BYTES - self.total:
            self._too_large()
        chunks = []
        with self.archive.open(info) as stream:
            while chunk := stream.read(1024 * 1024):
                self.total += len(chunk)
                if self.total > MAX_UNPACKED_BYTES:
                    self._too_large()
                chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self):
        raise DocumentError(self.name, f"unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MB "
                                       "(a zip bomb?); it was not read")


class _DeclaresDoctype(Exception):
    pass


class _RootReached(Exception):
    pass


def _safe_xml(data: bytes, part: str, name: str):
    """``data`` parsed with ElementTree, refused when it declares a DOCTYPE or entities (a
    Word document never does; entities are how an XML bomb or an external fetch is made)."""
    from xml.etree import ElementTree
    from xml.parsers import expat

    checker = expat.ParserCreate()

    def doctype(*_args):
        raise _DeclaresDoctype

    def root(*_args):
        raise _RootReached  # a DOCTYPE comes before the root element: nothing after it can declare one

    checker.StartDoctypeDeclHandler = doctype
    checker.EntityDeclHandler = doctype
    checker.StartElementHandler = root
    try:
        checker.Parse(data, True)
    except _DeclaresDoctype:
        raise DocumentError(name, f"is refused: its {part} declares a DOCTYPE or entities, which a Word "
                                  "document never does (it may be an XML bomb)") from None
    except _RootReached:
        pass
    except expat.ExpatError as exc:
        raise DocumentError(name, f"is damaged: its {part} is not well-formed XML ({exc})") from None
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise DocumentError(name, f"is damaged: its {part} is not well-formed XML ({exc})") from None


def _read_docx(data: bytes, name: str) -> DocumentText:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise DocumentError(name, "is damaged or not a Word document (.docx): it is not a zip archive") \
            from None
    with archive:
        parts = _Unpacked(archive, name)
        names = set(archive.namelist())
        if "word/document.xml" not in names:
            raise DocumentError(name, "is not a Word document (.docx): it has no word/document.xml "
                                      "(an older .doc file? save it as .docx)")
        body = parts.read("word/document.xml")
        document = _safe_xml(body, "word/document.xml", name)
        del body
        text = _docx_text(document)
        core = parts.read("docProps/core.xml") if "docProps/core.xml" in names else None
        title = creator = created = None
        if core is not None:
            properties = _safe_xml(core, "docProps/core.xml", name)
            title = properties.findtext(f"{_DC}title")
            creator = properties.findtext(f"{_DC}creator")
            created = iso_date(properties.findtext(f"{_DCTERMS}created"))
    return DocumentText(text=text, title=title, publisher=creator, published=created, kind="docx")


def _docx_text(document) -> str:
    """The document's paragraphs, one a line: text runs, tabs and breaks as written (deleted
    text of tracked changes and field codes left out)."""
    paragraphs: list[str] = []

    def walk(element, out: list[str]) -> None:
        for child in element:
            tag = child.tag
            if tag == f"{_W}p":
                inner: list[str] = []
                walk(child, inner)
                paragraphs.append("".join(inner))
            elif tag == f"{_W}t":
                out.append(child.text or "")
            elif tag == f"{_W}tab":
                out.append("\t")
            elif tag in (f"{_W}br", f"{_W}cr"):
                out.append("\n")
            elif tag == f"{_W}noBreakHyphen":
                out.append("\u2011")
            elif tag in (f"{_W}delText", f"{_W}instrText", f"{_W}rPr", f"{_W}pPr"):
                continue
            else:
                walk(child, out)

    body = document.find(f"{_W}body")
    stray: list[str] = []
    walk(body if body is not None else document, stray)
    if stray:
        paragraphs.append("".join(stray))
    return "\n".join(paragraphs)


_READERS = {"txt": _read_txt, "html": _read_html, "pdf": _read_pdf, "eml": _read_eml, "docx": _read_docx}
_KIND_NAMES = {"txt": "text file", "html": "web page", "pdf": "PDF file", "eml": "e-mail message",
               "docx": "Word document (.docx)"}
