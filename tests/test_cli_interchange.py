"""``dossier import-json`` and ``dossier export-json`` run as real processes on real workspace files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from exported_form import exported_form as normalised

FIXTURE = Path(__file__).resolve().parents[1] / "resources" / "demo" / "syria-israel-2026.json"


def dossier(tmp_path: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DOSSIER_HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("DOSSIER_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "dossier", *args], input=stdin, capture_output=True,
                          env=env, timeout=120)


def export(tmp_path: Path, db: Path) -> dict:
    result = dossier(tmp_path, "export-json", "--db", str(db))
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout.decode("utf-8"))


# ``demo_file`` (tests/conftest.py): a copy of the demo workspace, as ``import-json`` of FIXTURE
# into a new file leaves it (test_import_from_standard_input does that import itself).


def test_import_reports_what_it_did(tmp_path, demo_file):
    tmp, db = tmp_path, demo_file
    assert db.exists()
    # a second import of the same file replaces every record, adds none
    result = dossier(tmp, "import-json", str(FIXTURE), "--db", str(db))
    assert result.returncode == 0
    out = result.stdout.decode()
    assert str(db) in out and "parties:" in out and "replaced" in out
    assert result.stderr == b""


def test_export_to_stdout_is_utf8_json_equal_to_the_fixture(tmp_path, demo_file):
    tmp, db = tmp_path, demo_file
    result = dossier(tmp, "export-json", "--db", str(db))
    assert result.returncode == 0 and result.stderr == b""
    text = result.stdout.decode("utf-8")  # strict: raises on anything that is not UTF-8
    assert "أسعد" in text  # written as UTF-8, not as \u escapes
    value = json.loads(text)
    assert isinstance(value["exported_at"], str)
    assert normalised(value) == normalised(json.loads(FIXTURE.read_bytes()))


def test_export_to_a_file(tmp_path, demo_file):
    tmp, db = tmp_path, demo_file
    target = tmp / "out" / "export.json"
    target.parent.mkdir()
    result = dossier(tmp, "export-json", "--db", str(db), "-o", str(target))
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == b""
    value = json.loads(target.read_bytes().decode("utf-8"))
    assert normalised(value) == normalised(json.loads(FIXTURE.read_bytes()))
    assert [p.name for p in target.parent.iterdir()] == ["export.json"]  # no partial file left behind


def test_exported_file_imports_into_a_new_workspace(tmp_path, demo_file):
    tmp, db = tmp_path, demo_file
    target = tmp / "again.json"
    assert dossier(tmp, "export-json", "--db", str(db), "--output", str(target)).returncode == 0
    second = tmp / "second.sqlite"
    result = dossier(tmp, "import-json", str(target), "--db", str(second))
    assert result.returncode == 0, result.stderr.decode()
    assert normalised(export(tmp, second)) == normalised(export(tmp, db))


def test_import_from_standard_input(tmp_path):
    db = tmp_path / "w.sqlite"
    result = dossier(tmp_path, "import-json", "-", "--db", str(db), stdin=FIXTURE.read_bytes())
    assert result.returncode == 0, result.stderr.decode()
    assert normalised(export(tmp_path, db)) == normalised(json.loads(FIXTURE.read_bytes()))


def _bad_fixture() -> dict:
    doc = json.loads(FIXTURE.read_bytes())
    doc["parties"][0]["country"] = "il"
    doc["people"][0]["party"] = "nowhere"
    doc["rounds"][0]["sources"] = [{"source": doc["sources"][0]["id"], "credibility": 7, "quote": None}]
    doc["parties"].append({"id": "new-party", "name": "New", "kind": "state"})
    return doc


def test_bad_file_lists_every_error_and_changes_nothing(tmp_path, demo_file):
    tmp, db = tmp_path, demo_file
    before = export(tmp, db)
    doc = _bad_fixture()
    bad = tmp / "bad.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    result = dossier(tmp, "import-json", str(bad), "--db", str(db))
    assert result.returncode != 0
    stderr = result.stderr.decode("utf-8")
    assert "Traceback" not in stderr
    party, person, rnd = doc["parties"][0]["id"], doc["people"][0]["id"], doc["rounds"][0]["id"]
    assert f"parties[{party}].country" in stderr
    assert f"people[{person}].party: unknown party 'nowhere'" in stderr
    assert f"rounds[{rnd}].sources[0].credibility: expected an integer 1-6, got number 7" in stderr
    assert "3 problems" in stderr
    assert result.stdout == b""
    after = export(tmp, db)
    assert normalised(after) == normalised(before)
    assert "new-party" not in [p["id"] for p in after["parties"]]


@pytest.mark.parametrize(
    "data, fragment",
    [
        (b"", "empty"),
        (b"\xef\xbb\xbf{}", "byte order mark"),
        (b'{"format": "dossier-interchange", "version": 1}{}', "trailing data"),
        (b'{"format": "dossier-interchange", "version": 2}', "version 2"),
        (b'{"format": "other", "version": 1}', "format"),
        (b'{"format": "dossier-interchange", "version": 1, "parties": [{"id": "\xff"}]}', "UTF-8"),
        (b"[" * 100_000, "64"),
    ],
    ids=["empty", "bom", "trailing", "version", "format", "utf8", "deep"],
)
def test_file_level_problems_fail_cleanly(tmp_path, data, fragment):
    db = tmp_path / "w.sqlite"
    bad = tmp_path / "bad.json"
    bad.write_bytes(data)
    result = dossier(tmp_path, "import-json", str(bad), "--db", str(db))
    assert result.returncode != 0
    stderr = result.stderr.decode("utf-8")
    assert "Traceback" not in stderr and "unexpected error" not in stderr
    assert fragment in stderr
    assert len(stderr.splitlines()) == 1


def test_record_without_id_is_named_by_position(tmp_path):
    db = tmp_path / "w.sqlite"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "dossier-interchange", "version": 1,
                               "parties": [{"id": "ok", "name": "A", "kind": "state"},
                                           {"name": " ", "kind": "state"}]}))
    result = dossier(tmp_path, "import-json", str(bad), "--db", str(db))
    assert result.returncode != 0
    stderr = result.stderr.decode()
    assert "parties[#1].id: required field is missing" in stderr
    assert "parties[#1].name: must not be blank" in stderr
    assert "Traceback" not in stderr


def test_huge_value_is_not_printed_whole(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "dossier-interchange", "version": 1,
                               "parties": [{"id": "p", "name": "A", "kind": "x" * 1_000_000}]}))
    result = dossier(tmp_path, "import-json", str(bad), "--db", str(tmp_path / "w.sqlite"))
    assert result.returncode != 0
    assert b"parties[p].kind" in result.stderr
    assert len(result.stderr) < 1000


def test_missing_input_file(tmp_path):
    result = dossier(tmp_path, "import-json", str(tmp_path / "nope.json"), "--db", str(tmp_path / "w.sqlite"))
    assert result.returncode != 0
    assert b"nope.json" in result.stderr and b"Traceback" not in result.stderr


def test_export_of_a_missing_workspace_fails_cleanly(tmp_path):
    result = dossier(tmp_path, "export-json", "--db", str(tmp_path / "absent.sqlite"))
    assert result.returncode != 0
    assert b"no workspace" in result.stderr and b"Traceback" not in result.stderr
    assert not (tmp_path / "absent.sqlite").exists()
