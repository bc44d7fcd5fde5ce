"""Import memory has a bound: reading, checking and importing any interchange file, refused or
accepted, keeps the process's peak memory under ``MEMORY_MULTIPLE`` (8) times the file's size
plus 200 MB (docs/reliability.md).

Each file is imported by ``dossier import-json`` in a real process whose address space is limited
(so a reader that ran away fails the test instead of the machine), and the peak resident memory
of that one process is read back from the system (``os.wait4``).
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import textwrap
import tracemalloc
from pathlib import Path

import pytest

from dossier.errors import DossierError
from dossier.model.schema import FIELDS, ListOf, Obj, Ref
from dossier.services import interchange
from dossier.services.interchange import budget, reading, strict_json

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources" / "demo" / "syria-israel-2026.json"
HEAD = b'{"format":"dossier-interchange","version":1,'
MB = 1024 * 1024
#: The promise: peak resident memory at most this many times the file's size, plus ALLOWANCE.
MULTIPLE = 8
ALLOWANCE = 200 * MB
#: Address space the importing process may take beyond the promise (Python reserves more address
#: space than it touches: thread stacks, malloc arenas, shared libraries).
ADDRESS_SPACE_SLACK = 1024 * MB
SIZE = 48 * MB  # of each hostile file


#: Runs the import in a child of its own and prints the child's peak resident memory. The child is
#: started from this small process, not from the test's: Linux counts in a process's peak the memory
#: of the one it was forked from, up to the moment it starts its own program.
RUNNER = textwrap.dedent("""
    import json, os, subprocess, sys
    child = subprocess.Popen([sys.executable, "-c", sys.argv[1]])
    _, status, usage = os.wait4(child.pid, 0)
    print(json.dumps({"status": os.waitstatus_to_exitcode(status), "peak": usage.ru_maxrss * 1024}))
""")


def _import(tmp_path: Path, data: bytes) -> tuple[int, str, int]:
    """Run ``dossier import-json`` on ``data``: exit status, standard error, peak resident bytes."""
    source = tmp_path / "in.json"
    source.write_bytes(data)
    del data
    limit = MULTIPLE * source.stat().st_size + ALLOWANCE + ADDRESS_SPACE_SLACK
    code = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
        from dossier.cli import main
        sys.exit(main(["import-json", {str(source)!r}, "--db", {str(tmp_path / "w.sqlite")!r}]))
    """)
    env = {**os.environ, "DOSSIER_HOME": str(tmp_path / "home")}
    out = subprocess.run([sys.executable, "-c", RUNNER, code], capture_output=True, text=True, env=env,
                         timeout=300, check=True)
    result = json.loads(out.stdout.splitlines()[-1])
    return result["status"], out.stderr, result["peak"]


def _repeat(item: bytes, size: int = SIZE, key: bytes = b"parties") -> bytes:
    return HEAD + b'"' + key + b'":[' + item * ((size - 64) // len(item)) + item.rstrip(b",") + b"]}"


def _copies(count: int) -> bytes:
    """The demo document ``count`` times over, each copy's ids (and references) made its own."""
    demo = json.loads(DEMO.read_bytes())
    out = {"format": "dossier-interchange", "version": 1}
    for name in FIELDS:
        out[name] = []
    for k in range(count):
        for name, fields in FIELDS.items():
            for record in demo.get(name, []):
                out[name].append(_renamed(fields, copy.deepcopy(record), f"-{k}"))
    return json.dumps(out, ensure_ascii=False).encode()


def _renamed(fields: dict, record: dict, suffix: str) -> dict:
    for name, kind in fields.items():
        value = record.get(name)
        if value is None:
            continue
        if name == "id" or isinstance(kind, Ref):
            record[name] = value + suffix
        elif isinstance(kind, ListOf) and isinstance(kind.item, Ref):
            record[name] = [v + suffix for v in value]
        elif isinstance(kind, ListOf) and isinstance(kind.item, Obj):
            record[name] = [_renamed(kind.item.fields, item, suffix) for item in value]
    return record


CASES = {
    # the file: empty objects, each one a problem; checking stops after 1,000 of them
    "empty objects": (lambda: _repeat(b"{},"), "checking stopped after"),
    "empty arrays": (lambda: _repeat(b"[],"), "checking stopped after"),
    "short strings": (lambda: _repeat(b'"ab",'), "checking stopped after"),
    "short fractions": (lambda: _repeat(b"1.5,"), "checking stopped after"),
    "one huge string in a bad place": (lambda: HEAD + b'"bogus":"' + b"x" * SIZE + b'"}', "bogus: unknown field"),
    "deeply nested arrays": (lambda: HEAD + b'"people":' + b"[" * (SIZE // 2) + b"]" * (SIZE // 2) + b"}",
                             "nested deeper than 64"),
    "one record holding millions of empty arrays": (
        lambda: HEAD + b'"parties":[{"id":"p","name":"P","kind":"state","notes":[' + b"[]," * (SIZE // 3)
        + b"[]]}]}", "would take more memory than Dossier allows"),
    # valid records of 40 bytes each: too many for the memory a file of this size may take
    "tiny valid records": (lambda: HEAD + b'"parties":[' + b",".join(
        b'{"id":"p%d","name":"b","kind":"state"}' % i for i in range(SIZE // 40)) + b"]}",
        "would take more memory than Dossier allows"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_a_hostile_file_is_refused_within_the_memory_bound(name, tmp_path):
    build, expected = CASES[name]
    data = build()
    size = len(data)
    status, err, peak = _import(tmp_path, data)
    assert status == 1 and "Traceback" not in err, err[-2000:]
    assert expected in err
    assert all(len(line) < 2100 for line in err.splitlines())
    assert peak <= MULTIPLE * size + ALLOWANCE, f"{peak / MB:.0f} MB for a file of {size / MB:.0f} MB"
    assert not (tmp_path / "w.sqlite").exists()  # refused before the workspace was opened


@pytest.mark.slow
def test_a_large_valid_document_is_imported_within_the_memory_bound(tmp_path):
    data = _copies(3000)  # 46 MB: 3,000 negotiations, 27,000 people, 15,000 rounds, 24,000 positions...
    size = len(data)
    status, err, peak = _import(tmp_path, data)
    assert status == 0, err[-2000:]
    assert peak <= MULTIPLE * size + ALLOWANCE, f"{peak / MB:.0f} MB for a file of {size / MB:.0f} MB"


@pytest.mark.slow
def test_long_text_in_four_byte_characters_is_imported_within_the_bound(tmp_path):
    text = "\U0001f600 " + "x" * 30_000_000  # one emoji makes every character of the text take 4 bytes
    data = HEAD + b'"sources":[{"id":"s","title":"T","reliability":"A","text":' + json.dumps(
        text, ensure_ascii=False).encode() + b"}]}"
    status, err, peak = _import(tmp_path, data)
    assert status == 0, err[-2000:]
    assert peak <= MULTIPLE * len(data) + ALLOWANCE


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    """The app reads a file through ``read_file``: never more than the limit and one byte of it."""
    from dossier.errors import InterchangeError

    for module in (reading, strict_json):  # where the limit is read
        monkeypatch.setattr(module, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.json"
    path.write_bytes(_repeat(b"{},", 5000))
    asked = []

    class Handle:
        def __init__(self, name, mode):
            self.file = path.open(mode)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

        def read(self, size=-1):
            asked.append(size)
            return self.file.read(size)

    monkeypatch.setattr(reading, "open", Handle, raising=False)
    with pytest.raises(InterchangeError, match="larger than"):
        interchange.read_file(path)
    assert asked == [1001]


# ---------------------------------------------------------------- the costs the bound is reckoned with
SHAPES = {
    "empty objects": b"{},",
    "empty arrays": b"[],",
    "nested empty arrays": b"[[]],",
    "objects of one pair": b'{"a":1},',
    "objects of unique keys": None,  # built below
    "short strings": b'"ab",',
    "short wide strings": '"\u0101\u0101",'.encode(),
    "escaped astral strings": b'"\\ud83d\\ude00",',
    "short fractions": b"1.5,",
    "short exponents": b"1e5,",
    "integers": b"257,",
    "literals": b"true,",
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_reading_a_window_never_takes_more_than_its_worst_case(shape):
    """The worst case the budget assumes for a window of JSON is more than what reading the
    densest shapes takes (all of the window one value: nothing is let go before the end)."""
    unit = SHAPES[shape]
    if unit is None:
        body = b"{" + b",".join(b'"k%d":1' % i for i in range(20_000)) + b"}"
    else:
        body = b"[" + unit * (budget.WINDOW // len(unit)) + b"1]"
    text = body.decode("utf-8")
    width = budget._width(text)
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        value, _ = strict_json._DECODER.scan_once(body.decode("utf-8"), 0)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    del value
    assert peak <= budget._worst_case(body, 0, len(body), width), shape


def test_without_a_resident_size_each_record_is_measured(monkeypatch):
    """Where the system does not tell a process's resident memory, the records are sized one by
    one: a dense file is still refused, an ordinary one of the same size read."""
    from dossier.errors import InterchangeError

    monkeypatch.setattr(budget, "_resident", lambda: None)
    tiny = HEAD + b'"parties":[' + b",".join(b'{"id":"p%d","name":"b","kind":"state"}' % i
                                              for i in range(300_000)) + b"]}"
    with pytest.raises(InterchangeError, match="would take more memory than Dossier allows"):
        interchange.read_document(tiny)
    ordinary = _copies(840)
    assert len(ordinary) > len(tiny) / 2
    assert interchange.read_document(ordinary).count()["people"] == 840 * 9


def test_the_peak_measured_is_the_importing_process_own():
    """The runner reports the peak of the process it started, whatever the test's own size."""
    ballast = bytearray(300 * MB)  # the test process is large...
    out = subprocess.run([sys.executable, "-c", RUNNER, "pass"], capture_output=True, text=True, check=True)
    del ballast
    assert json.loads(out.stdout)["peak"] < 100 * MB  # ...the measured process is not


# ---------------------------------------------------------------- reading a window at a time reads the same
def _outcome(data: bytes) -> str:
    try:
        doc = interchange.read_document(data)
    except DossierError as exc:
        return f"{type(exc).__name__}: {exc}"
    return repr(doc)


def _variants() -> list[bytes]:
    from interchange_cases import encode, full_doc

    valid = encode(full_doc()).replace(b'"Syria"', '"Syria \u05d0\u05d1 \U0001f600 \\u00e9"'.encode(), 1)
    out = [valid, valid.replace(b"\n", b"")]
    out += [valid[:cut] for cut in range(0, len(valid), 23)]  # cut short anywhere
    out += [valid[:at] + b"}" + valid[at:] for at in range(5, len(valid), 41)]  # a stray brace
    out += [valid[:at] + b'"' + valid[at:] for at in range(7, len(valid), 53)]  # a stray quote
    out += [valid.replace(b'"credibility": 2', b'"credibility": 2.50000000000000000001'),
            valid.replace(b'"credibility": 2', b'"credibility": 1e999'),
            valid.replace(b'"credibility": 2', b'"credibility": -Infinity'),
            valid.replace(b'"name": "Syria', b'"name": "Syria", "name": "Syria', 1),
            valid + b" \n {}"]
    return out


@pytest.mark.parametrize("window", [1, 7, 64, 997])
def test_any_window_reads_a_file_as_the_whole_file_is_read(window, monkeypatch):
    """The same documents, and the same problems at the same lines and columns, whatever the size
    of the window the file is read through (down to a byte: every value then crosses the end of
    one, and the reader must ask for more)."""
    variants = _variants()
    whole = [_outcome(v) for v in variants]
    for module in (budget, reading, strict_json):  # where the window is read
        monkeypatch.setattr(module, "WINDOW", window)
    assert [_outcome(v) for v in variants] == whole
    assert sum(o.startswith("Document(") for o in whole) >= 2
    assert sum("not valid JSON" in o for o in whole) > 20
