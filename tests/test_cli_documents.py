"""``dossier add-document`` and ``dossier mentions`` run as real processes on real workspace
files, with documents written here (text, a web page, a Word document)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

ARTICLE = ("Tom Barak met Syria's foreign minister, Asaad al-Shaibani, in Paris.\n"
           "Dermer was not there; Karim Nassif was.\n"
           "قال وزير الخارجية أسعد الشَّيْبانيّ إن الرئيس أحمد الشرع وافق.")

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                 'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>Memo on the fifth round</dc:title><dc:creator>Ministry of Foreign Affairs</dc:creator>
<dcterms:created xsi:type="dcterms:W3CDTF">2025-12-24T09:00:00Z</dcterms:created>
</cp:coreProperties>"""


def dossier(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DOSSIER_HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("DOSSIER_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "dossier", *args], capture_output=True, env=env, timeout=120)


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout.decode("utf-8")


def failed(result: subprocess.CompletedProcess) -> str:
    """The one line a failure prints."""
    assert result.returncode != 0
    message = result.stderr.decode("utf-8")
    assert message.startswith("dossier: ") and message.count("\n") == 1 and "Traceback" not in message, message
    return message


def make_docx(path: Path, paragraphs: list[str]) -> Path:
    body = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{p}</w:t></w:r></w:p>" for p in paragraphs)
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f"<w:document {W}><w:body>{body}<w:sectPr/></w:body></w:document>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", document)
        archive.writestr("docProps/core.xml", CORE)
    return path


def make_html(path: Path) -> Path:
    paragraphs = "".join(f"<p>{line}</p>" for line in ARTICLE.split("\n"))
    path.write_text(f"""<!doctype html><html><head><title>Talks resume | News</title>
<meta property="og:title" content="Talks resume in Paris">
<meta property="og:site_name" content="Levant Wire">
<meta property="article:published_time" content="2026-01-06T08:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/world">World: Gideon Saar</a></nav>
<article><h1>Talks resume in Paris</h1>{paragraphs}</article><footer>© Levant Wire</footer></body></html>""",
                    encoding="utf-8")
    return path


def exported_sources(tmp_path: Path, db: Path) -> dict[str, dict]:
    doc = json.loads(ok(dossier(tmp_path, "export-json", "--db", str(db))))
    return {s["id"]: s for s in doc["sources"]}


def state(folder: Path) -> dict[str, str]:
    """Every file of a folder and a digest of its bytes."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_mentions_json_lines_with_offsets_in_the_text_printed(tmp_path, demo_file):
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    before = state(demo_file.parent)
    text = ok(dossier(tmp_path, "mentions", "--db", str(demo_file), str(article), "--text"))
    assert text == ARTICLE
    lines = [json.loads(line) for line in ok(dossier(tmp_path, "mentions", "--db", str(demo_file), str(article),
                                                     "--json")).splitlines()]
    for line in lines:
        shown = line.get("text", line.get("candidate"))
        assert text[line["start"]:line["end"]] == shown
    records = [(line["record"], line["text"], line["match"]) for line in lines if "record" in line]
    assert ("people/tom-barrack", "Tom Barak", "exact") in records  # the demo holds the spelling as an alias
    assert ("people/asaad-al-shaybani", "Asaad al-Shaibani", "fuzzy") in records
    assert ("people/ron-dermer", "Dermer", "exact") in records
    assert ("parties/sy", "Syria", "exact") in records
    assert ("people/asaad-al-shaybani", "الشَّيْبانيّ", "exact") in records
    candidates = [line["candidate"] for line in lines if "candidate" in line]
    assert "Karim Nassif" in candidates
    assert [line["start"] for line in lines] == sorted(line["start"] for line in lines)
    # nothing written: the workspace file is as it was, and beside it at most the empty log and
    # the shared-memory index SQLite keeps while a reader has it open
    after = state(demo_file.parent)
    assert after[demo_file.name] == before[demo_file.name]
    added = set(after) - set(before)
    assert added <= {f"{demo_file.name}-wal", f"{demo_file.name}-shm"}
    if f"{demo_file.name}-wal" in added:
        assert (demo_file.parent / f"{demo_file.name}-wal").stat().st_size == 0
    assert ok(dossier(tmp_path, "check", "--db", str(demo_file)))


def test_mentions_table_of_a_web_page_and_a_word_document(tmp_path, demo_file):
    page = make_html(tmp_path / "page.html")
    table = ok(dossier(tmp_path, "mentions", "--db", str(demo_file), str(page)))
    assert "people/tom-barrack" in table and "fuzzy" in table and "candidate" in table
    assert "Gideon Saar" not in table  # the page's menu is not its text
    assert table.rstrip().splitlines()[-1].endswith("candidates")
    memo = make_docx(tmp_path / "memo.docx", ARTICLE.split("\n"))
    table = ok(dossier(tmp_path, "mentions", "--db", str(demo_file), str(memo)))
    assert "people/asaad-al-shaybani" in table and "Karim Nassif" in table


def test_add_document_makes_a_source_with_what_the_document_states(tmp_path, demo_file):
    page = make_html(tmp_path / "page.html")
    made = ok(dossier(tmp_path, "add-document", "--db", str(demo_file), str(page))).strip()
    source = exported_sources(tmp_path, demo_file)[made]
    assert source["title"] == "Talks resume in Paris"
    assert source["publisher"] == "Levant Wire" and source["published"] == "2026-01-06"
    assert source["text"].startswith("Talks resume in Paris") and "Karim Nassif" in source["text"]
    assert source["reliability"] == "F"  # the analyst grades it, as in the window

    plain = tmp_path / "cable 12.txt"
    plain.write_text(ARTICLE, encoding="utf-8")
    made_plain = ok(dossier(tmp_path, "add-document", "--db", str(demo_file), str(plain))).strip()
    assert made_plain != made
    source = exported_sources(tmp_path, demo_file)[made_plain]
    assert source["title"] == "cable 12" and source["text"] == ARTICLE and source["publisher"] is None


def test_add_document_fills_an_existing_source(tmp_path, demo_file):
    before = exported_sources(tmp_path, demo_file)
    target = min(before)
    memo = make_docx(tmp_path / "memo.docx", ARTICLE.split("\n"))
    assert ok(dossier(tmp_path, "add-document", "--db", str(demo_file), str(memo), "--source", target)).strip() \
        == target
    after = exported_sources(tmp_path, demo_file)
    assert after[target]["text"] == ARTICLE
    assert {k: v for k, v in after[target].items() if k != "text"} == \
        {k: v for k, v in before[target].items() if k != "text"}
    assert set(after) == set(before)
    history = ok(dossier(tmp_path, "search", "--db", str(demo_file), "Nassif"))
    assert target in history  # the text is searched like any field


def test_refusals_are_one_line(tmp_path, demo_file):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert "empty" in failed(dossier(tmp_path, "mentions", "--db", str(demo_file), str(empty)))
    assert "empty" in failed(dossier(tmp_path, "add-document", "--db", str(demo_file), str(empty)))
    missing = tmp_path / "missing.txt"
    assert "no such file" in failed(dossier(tmp_path, "mentions", "--db", str(demo_file), str(missing)))
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    assert "no-such-source" in failed(dossier(tmp_path, "add-document", "--db", str(demo_file), str(article),
                                              "--source", "no-such-source"))
    assert "no workspace" in failed(dossier(tmp_path, "mentions", "--db", str(tmp_path / "none.sqlite"),
                                            str(article)))
    assert not (tmp_path / "none.sqlite").exists()
    failed(dossier(tmp_path, "mentions", "--db", str(demo_file), str(article), "--json", "--text"))
