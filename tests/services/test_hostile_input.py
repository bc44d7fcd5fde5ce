"""Hostile interchange files: each is refused with a clear message, in bounded time and memory.

Each case runs in its own process with an address-space limit and a time-out, so a
reader that ran away would fail the test instead of the machine.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

MEMORY_LIMIT = 3 * 1024**3  # bytes of address space for the reading process
TIME_LIMIT = 120  # seconds

HEAD = '{"format":"dossier-interchange","version":1,'

#: name -> (Python expression building the file's bytes, with HEAD as above; words the message holds)
CASES = {
    "100 MB string in a field": ("HEAD + b'\"people\":[{\"id\":\"a\",\"name\":\"' + b'x' * 100_000_000 + b'\"}],\"bogus\":1}'",
                                 "bogus: unknown field"),
    "50 million array items": ("HEAD + b'\"people\":[' + b'1,' * 50_000_000 + b'1]}'", "checking stopped after"),
    "100,000 nested arrays": ("HEAD + b'\"people\":' + b'[' * 100_000 + b']' * 100_000 + b'}'", "nested deeper"),
    "100,000 nested objects": ("HEAD + b'\"x\":' + b'{\"a\":' * 100_000 + b'1' + b'}' * 100_000 + b'}'",
                               "nested deeper"),
    "a 10,000-digit number": ("HEAD + b'\"rounds\":[{\"number\":' + b'9' * 10_000 + b'}]}'", "thousands of digits"),
    "a million duplicate ids": ("HEAD + b'\"parties\":[' + b'{\"id\":\"p\",\"name\":\"P\",\"kind\":\"state\"},' * 1_000_000"
                                " + b'{\"id\":\"p\",\"name\":\"P\",\"kind\":\"state\"}]}'", "checking stopped after"),
    "300 MB of spaces": ("b' ' * (300 * 1024 * 1024) + b'{}'", "larger than 256 MB"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_hostile_document_is_refused_within_bounds(name, tmp_path):
    build, expected = CASES[name]
    code = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT}))
        HEAD = {HEAD.encode()!r}
        data = {build}
        from dossier.errors import DossierError
        from dossier.services.interchange import read_document
        try:
            read_document(data)
        except DossierError as exc:
            print(str(exc)[:2000])
            sys.exit(0)
        sys.exit("accepted")
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=TIME_LIMIT)
    assert out.returncode == 0, out.stderr[-2000:]
    assert expected in out.stdout
    assert len(out.stdout) < 200_000  # messages stay short however large the input


def test_error_list_is_capped_and_says_so():
    from dossier.errors import ValidationError
    from dossier.services.interchange import MAX_ERRORS, read_document

    data = (HEAD + '"people":[' + ",".join(f'{{"id":"p{i}","name":""}}' for i in range(3000)) + "]}").encode()
    with pytest.raises(ValidationError) as info:
        read_document(data)
    assert len(info.value.errors) == MAX_ERRORS and info.value.truncated
    assert str(info.value).startswith(f"more than {MAX_ERRORS} problems")
