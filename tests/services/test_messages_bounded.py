"""Messages stay one line, cut to a readable length with the cut marked, and numbers are quoted as
the file wrote them, not as Python rounds them (docs/reliability.md, "Messages")."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from dossier.errors import DossierError, InterchangeError, ValidationError
from dossier.model.text import NumberAsWritten, describe_value, one_line
from dossier.services import interchange

HEAD = b'{"format":"dossier-interchange","version":1,'
MILLION = 1_000_000
ROUND = b'"negotiations":[{"id":"n","title":"T","status":"active"}],"rounds":[{"id":"r","negotiation":"n",' \
        b'"status":"held","number":%s}]}'


def _refusal(data: bytes) -> DossierError:
    with pytest.raises(DossierError) as info:
        interchange.read_document(data)
    return info.value


def _lines(error: DossierError) -> list[str]:
    if isinstance(error, ValidationError):
        return [str(e) for e in error.errors]
    return [str(error)]


def _one_short_line(error: DossierError, most: int = 400) -> str:
    (line,) = _lines(error)
    assert "\n" not in line and len(line) < most, line[:500]
    return line


def test_a_number_of_a_million_digits_gives_a_short_line():
    line = _one_short_line(_refusal(HEAD + ROUND % (b"1." + b"9" * MILLION)))
    assert line.startswith("rounds[r].number: expected an integer 1-9223372036854775807, got number 1.999")
    assert f"… ({MILLION + 2} characters)" in line
    assert "thousands of digits" in _one_short_line(_refusal(HEAD + ROUND % (b"9" * MILLION)))
    line = _one_short_line(_refusal(HEAD + ROUND % (b"1" + b"0" * MILLION + b".5")))
    assert "too large" in line or "thousands of digits" in line
    line = _one_short_line(_refusal(HEAD + ROUND % (b"1" + b"0" * 400 + b".5")))  # beyond a float, in one window
    assert "the number 1000000000" in line and "too large" in line and "(403 characters)" in line


@pytest.mark.parametrize("literal", [b"1.999999999999999999999", b"2.0000000000000000000001", b"1.50", b"-0.0",
                                     b"7.000000000000000000000000000001"])
def test_a_fraction_is_quoted_as_written(literal):
    line = _one_short_line(_refusal(HEAD + ROUND % literal))
    assert line.endswith(f"got number {literal.decode()}")


@pytest.mark.parametrize("literal, shown", [(b"1e0", "1e0 (1.0)"), (b"10e-1", "10e-1 (1.0)"), (b"1E+2", "1E+2 (100.0)"),
                                            (b"1e-400", "1e-400 (0.0)")])
def test_a_number_with_an_exponent_also_shows_the_decimal_it_stands_for(literal, shown):
    data = HEAD + b'"parties":[{"id":"p","name":"P","kind":"state"}],"sources":[{"id":"s","title":"S",' \
                  b'"reliability":"A"}],"events":[],"rounds":[],"positions":[],' \
                  b'"negotiations":[{"id":"n","title":"T","status":"active","parties":[{"party":"p","role":' \
                  + literal + b"}]}]}"
    line = _one_short_line(_refusal(data))
    assert line.endswith(f"got number {shown}")


def test_describe_value_of_numbers():
    assert describe_value(7) == "number 7"
    assert describe_value(NumberAsWritten("1.999999999999999999999")) == "number 1.999999999999999999999"
    assert describe_value(int("9" * 4000)).endswith("… (4000 characters)")
    assert describe_value(2.5) == "number 2.5"


MEGA = "x" * MILLION


@pytest.mark.parametrize("doc", [
    {"format": MEGA, "version": 1},
    {"format": "dossier-interchange", "version": MEGA},
    {"format": "dossier-interchange", "version": 1, MEGA: 1},
    {"format": "dossier-interchange", "version": 1, "parties": [{"id": MEGA, "name": "P", "kind": "state"}]},
    {"format": "dossier-interchange", "version": 1, "parties": [{"id": "p", "name": "P", "kind": MEGA}]},
    {"format": "dossier-interchange", "version": 1, "parties": [{"id": "p", "name": "P", "kind": "state",
                                                                   "notes": "x", MEGA: 1}]},
    {"format": "dossier-interchange", "version": 1, "parties": [{"id": "p", "name": "P", "kind": "line\n" * 200_000}]},
    {"format": "dossier-interchange", "version": 1, "positions": [{"id": "p", "negotiation": MEGA, "party": "q",
                                                                     "topic": "t", "kind": "offer", "summary": "S"}]},
    {"format": "dossier-interchange", "version": 1, "exported_at": [MEGA]},
], ids=["format", "version", "top-key", "id", "kind", "record-key", "newlines", "reference", "exported_at"])
def test_a_megabyte_string_in_a_bad_place_gives_short_lines(doc):
    error = _refusal(json.dumps(doc).encode())
    for line in _lines(error):
        assert "\n" not in line and len(line) < 400, line[:500]
    assert len(str(error)) < 4000


@pytest.mark.parametrize("data", [
    HEAD + b'"parties":["' + MEGA.encode() + b'" "y"]}',
    HEAD + b'"parties":["' + MEGA.encode(),
    HEAD + b'"parties":["\xc3\xa9' * 3 + MEGA.encode() + b'",\n\n  "\xe2\x82\xac", ]}',
    HEAD + b'"parties":[{"id":"' + "\u05d0".encode() * 400_000 + b'"}}',
], ids=["delimiter", "unterminated", "trailing-comma", "wide"])
def test_a_megabyte_string_where_the_json_breaks_gives_a_short_line(data):
    line = _one_short_line(_refusal(data))
    with pytest.raises(InterchangeError) as whole:  # the reader says what the standard decoder says, where
        interchange.parse_json(data)
    assert line == str(whole.value)


def test_a_megabyte_duplicate_key_gives_a_short_line():
    key = b'"' + MEGA.encode() + b'"'
    line = _one_short_line(_refusal(HEAD + b'"parties":[{' + key + b":1," + key + b":2}]}"))
    assert line.startswith("duplicate key 'xxx") and line.endswith(f"… ({MILLION} characters) in one JSON object")


def test_a_long_via_loop_gives_short_lines():
    count = 5000
    sources = [{"id": f"s-{i}", "title": "S", "reliability": "A", "via": f"s-{(i + 1) % count}"}
               for i in range(count)]
    error = _refusal(json.dumps({"format": "dossier-interchange", "version": 1, "sources": sources}).encode())
    assert isinstance(error, ValidationError) and error.truncated
    for line in _lines(error):
        assert len(line) < 400 and "(4995 more)" in line


def test_one_line_escapes_breaks_and_marks_the_cut():
    assert one_line("a\nb\r\x1b") == "a\\x0ab\\x0d\\x1b"
    shown = one_line("é" * 5000, limit=100)
    assert shown == "é" * 100 + "… (5000 characters)"
    assert one_line("\u2028") == "\\u2028"


def _dossier(*args: str, tmp_path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DOSSIER_HOME": str(tmp_path / "home")}
    return subprocess.run([sys.executable, "-m", "dossier", *args], capture_output=True, text=True, env=env,
                          timeout=120, check=False)


def test_the_command_line_prints_short_lines_for_huge_input(tmp_path):
    big = tmp_path / "big.json"
    big.write_bytes(HEAD + b'"' + MEGA.encode() + b'":1,"parties":[{"id":"p","name":"P","kind":"' + MEGA.encode()
                    + b'"}],"rounds":[{"id":"r","number":1.' + b"9" * MILLION + b"}]}")
    out = _dossier("import-json", str(big), "--db", str(tmp_path / "w.sqlite"), tmp_path=tmp_path)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    lines = out.stderr.splitlines()
    assert 3 <= len(lines) < 20 and all(len(line) < 500 for line in lines)
    assert any("got number 1.9999" in line for line in lines)

    odd = tmp_path / ("no\nsuch" + "y" * 3000 + ".json")
    out = _dossier("import-json", str(odd), "--db", str(tmp_path / "w.sqlite"), tmp_path=tmp_path)
    (line,) = out.stderr.splitlines()
    assert out.returncode == 1 and line.startswith("dossier: cannot read") and "\\x0a" in line and len(line) < 2200

    out = _dossier("export-pdf", "--paper", "z" * 100_000, "-o", str(tmp_path / "x.pdf"), tmp_path=tmp_path)
    (line,) = out.stderr.splitlines()
    assert out.returncode == 1 and len(line) < 2200 and line.endswith("(see 'dossier --help')")
    assert "characters)" in line  # the cut is marked


def test_a_file_level_refusal_of_the_reader_is_one_line():
    with pytest.raises(InterchangeError) as info:
        interchange.read_document(b'{"format": "dossier-interchange", "version": 1e999}')
    assert str(info.value) == "the number 1e999 is too large: no field takes a number beyond 1.8e308"
