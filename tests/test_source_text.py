"""A source's full text (``sources[].text``): optional on import, always exported, kept exactly.

Real SQLite files throughout; the Sources pane's field is in tests/ui/test_sources.py.
"""

from __future__ import annotations

import io
import json

import pytest

from dossier.errors import ValidationError
from dossier.model.records import Source
from dossier.services import history, interchange, records, search
from dossier.services.copy import copy_workspace
from dossier.services.workspace import open_workspace

#: Text as extracted from articles, cables and transcripts, in many scripts, kept as it came.
TEXTS = {
    "empty": "",
    "blank": " \t\n ",
    "arabic": "قال وزير الخارجية أسعد حسن الشيباني إنّ المحادثات «بنّاءة».\n\nدمشق، ١٢ كانون الثاني",
    "hebrew": "\u200fראש הממשלה אמר: \"אין הסכם\" — ירושלים",
    "mixed": "Paris (AFP) — « Nous avançons », said the envoy; 大使说; Ἀθῆναι; e\u0301\u0301; 🇸🇾🤝🇮🇱",
    "layout": "  Line one\r\nLine two\rLine three\n\n\n\u2028\u00a0indented\u200f\u202eRTL override\u202c  ",
    "markup": "<b>not bold</b> &amp; <script>alert(1)</script>",
    "long": "A paragraph of a long transcript, repeated. " * 20_000,
}


def document(sources: list[dict]) -> bytes:
    for source in sources:
        source.setdefault("title", f"Title of {source['id']}")
        source.setdefault("reliability", "B")
    return json.dumps({"format": "dossier-interchange", "version": 1, "sources": sources},
                      ensure_ascii=False).encode("utf-8")


def exported_sources(ws) -> dict[str, dict]:
    out = io.StringIO()
    interchange.export_json(ws, out)
    return {s["id"]: s for s in json.loads(out.getvalue())["sources"]}


@pytest.fixture
def ws(tmp_path):
    workspace = open_workspace(tmp_path / "w.sqlite")
    yield workspace
    workspace.close()


def test_text_comes_back_exactly_as_it_was_imported(ws):
    interchange.import_json(ws, document([{"id": key, "text": value} for key, value in TEXTS.items()]))
    exported = exported_sources(ws)
    assert {key: exported[key]["text"] for key in TEXTS} == TEXTS
    assert records.get(ws, "sources", "empty").text == ""  # never turned into null


def test_text_left_out_is_imported_as_null_and_exported_as_null(ws):
    interchange.import_json(ws, document([{"id": "no-text"}, {"id": "null-text", "text": None}]))
    exported = exported_sources(ws)
    assert list(exported["no-text"]) == ["id", "title", "publisher", "url", "published", "reliability", "via",
                                         "notes", "text"]
    assert exported["no-text"]["text"] is None and exported["null-text"]["text"] is None


def test_text_escaped_as_ascii_reads_back_the_same(ws):
    data = json.dumps({"format": "dossier-interchange", "version": 1,
                       "sources": [{"id": "s", "title": "T", "reliability": "A", "text": TEXTS["mixed"]}]},
                      ensure_ascii=True).encode()
    interchange.import_json(ws, data)
    assert exported_sources(ws)["s"]["text"] == TEXTS["mixed"]


@pytest.mark.parametrize("raw, message", [
    ('"a\\u0000b"', "U+0000"),
    ('"lone \\ud800 surrogate"', "surrogate"),
    ("12", "expected text, got number 12"),
    ('["a"]', "expected text, got array"),
    ("true", "expected text, got boolean true"),
])
def test_text_is_held_to_the_rules_of_optional_text(ws, raw, message):
    data = ('{"format": "dossier-interchange", "version": 1, '
            f'"sources": [{{"id": "s", "title": "T", "reliability": "A", "text": {raw}}}]}}').encode()
    with pytest.raises(ValidationError) as refused:
        interchange.import_json(ws, data)
    [error] = refused.value.errors
    assert error.path == "sources[s].text" and message in error.message, error
    assert records.list_all(ws, "sources") == []


def test_saving_editing_and_history_keep_the_text(ws):
    records.create(ws, Source(id="cable", title="Cable", text="First draft.\n"))
    source = records.get(ws, "sources", "cable")
    source.text = "  Second draft, with the leading spaces it had.\n"
    records.update(ws, source)
    assert records.get(ws, "sources", "cable").text == source.text
    latest = history.for_record(ws, "sources", "cable")[0]
    assert (latest.before.text, latest.after.text) == ("First draft.\n", source.text)
    with pytest.raises(ValidationError):
        records.update(ws, Source(id="cable", title="Cable", text="bad\x00"))


def test_a_copied_workspace_keeps_the_text(tmp_path):
    with open_workspace(tmp_path / "a.sqlite") as ws:
        interchange.import_json(ws, document([{"id": "s", "text": TEXTS["arabic"]}]))
    copy_workspace(tmp_path / "a.sqlite", tmp_path / "b.sqlite")
    with open_workspace(tmp_path / "b.sqlite") as ws:
        assert records.get(ws, "sources", "s").text == TEXTS["arabic"]


def test_the_document_text_is_searched(ws):
    """Search covers a source's title, publisher, address, notes and its document's text; a hit
    in the text quotes the passage."""
    interchange.import_json(ws, document([{"id": "s", "title": "Wire story", "text": "zanzibar negotiations"}]))
    assert search.search(ws, "wire")
    [hit] = search.search(ws, "zanzibar")
    assert hit.id == "s" and hit.snippet.field == "text" and "zanzibar negotiations" in hit.snippet.text


def test_the_first_million_characters_of_a_document_are_searched_and_all_of_it_kept(ws):
    """About 500 pages of a document are searched; a word beyond is not found, and the whole text
    stays stored (and exported)."""
    from dossier.model.search_text import DOCUMENT_SEARCHED

    text = "kilimanjaro " + "filler " * (DOCUMENT_SEARCHED // 7) + "zanzibar"
    interchange.import_json(ws, document([{"id": "s", "title": "Transcript", "text": text}]))
    assert [hit.id for hit in search.search(ws, "kilimanjaro")] == ["s"]
    assert search.search(ws, "zanzibar") == []
    assert records.get(ws, "sources", "s").text == text
