"""Text a workspace file accepts is accepted by a team workspace too: a 1.5 MB bio of distinct
words is stored whole, found by its first words, and copied to the server and back byte for
byte; a copy the server still refuses names the record."""

from __future__ import annotations

import itertools
import string

import pytest

from dossier.cli import main
from dossier.errors import WorkspaceError
from dossier.model.records import Person
from dossier.services import copy, records, search
from dossier.services.workspace import open_workspace
from dossier.store.postgres import fulltext

BIO_BYTES = 1_500_000


def _distinct_words(alphabet: str, size: int, first: str = "") -> str:
    """``first``, then distinct words of ``alphabet`` (shortest first), ``size`` characters in all."""
    words = (("".join(t) for t in itertools.product(alphabet, repeat=n)) for n in itertools.count(1))
    out, held = [first] if first else [], len(first)
    for word in itertools.chain.from_iterable(words):
        out.append(word)
        held += len(word) + 1
        if held >= size:
            break
    return " ".join(out)[:size]


def _long_bio() -> str:
    """1.5 MB of distinct words (about 2.5 MB of tsvector, were it indexed whole), a Latin
    word with a diacritic near the start and another only near the end."""
    bio = _distinct_words(string.ascii_lowercase, BIO_BYTES - 40, first="Kilimanjaro Zürichsee")
    return bio + " Finisterre"


def test_a_long_bio_is_stored_whole_and_found_by_its_first_words(pg_url):
    bio = _long_bio()
    assert len(bio.encode()) >= BIO_BYTES - 40
    with open_workspace(pg_url) as ws:
        records.create(ws, Person(id="long", name="Long Bio", bio=bio))
        assert records.get_versioned(ws, "people", "long")[0].bio == bio
        assert [h.id for h in search.search(ws, "kilimanjaro")] == ["long"]
        assert [h.id for h in search.search(ws, "zurichsee")] == ["long"]
        assert [h.id for h in search.search(ws, "long bio")] == ["long"]
        # Only the first INDEXED_CHARACTERS characters are indexed on PostgreSQL.
        assert search.search(ws, "finisterre") == []
        person, version = records.get_versioned(ws, "people", "long")
        person.bio = "Shorter now. " + bio[:1000]
        records.update(ws, person, expected_version=version)  # re-indexed, no trace of the old text
        assert [h.id for h in search.search(ws, "shorter")] == ["long"]


def test_the_worst_text_measured_and_over_long_words_are_accepted_in_every_part(pg_url):
    """Four-byte letters in hyphenated pairs make the largest tsvector a character (see
    ``fulltext.INDEXED_CHARACTERS``); words of 2 KB or more are left out by the server."""
    letters = "".join(chr(c) for c in range(0x20000, 0x2A6E0))  # CJK Extension B: four bytes each
    words = _distinct_words(letters, 400_000).split(" ")
    worst = " ".join(f"{a}-{b}" for a, b in zip(words[::2], words[1::2], strict=False))
    long_word = "q" * 3000
    with open_workspace(pg_url) as ws:
        records.create(ws, Person(id="worst", name="Worst", native_name=worst, aliases=[worst],
                                  bio=f"Opening {long_word} {worst}", notes=worst))
        records.create(ws, Person(id="words", name="Words", bio=f"{long_word} closing {long_word}"))
        assert records.get_versioned(ws, "people", "worst")[0].native_name == worst
        assert [h.id for h in search.search(ws, "worst")] == ["worst"]
        assert [h.id for h in search.search(ws, "closing")] == ["words"]
        assert [h.id for h in search.search(ws, letters[0])] == ["worst"]


def test_bounded_keeps_the_first_parts_whole_and_cuts_before_a_word():
    assert fulltext.bounded("ab cd", "ef gh", "ij", room=7) == ("ab cd", "ef", "")
    assert fulltext.bounded("x" * 10, room=4) == ("xxxx",)  # one word longer than the room: cut in it
    heading, names, body = fulltext.bounded("a " * 10, "", "w " * 10**6)
    assert len(heading) + len(names) + len(body) <= fulltext.INDEXED_CHARACTERS
    assert body.endswith(" w")  # cut before the last word, not in it


def test_a_file_holding_a_long_bio_copies_to_the_server_and_back_byte_for_byte(pg_url, tmp_path):
    bio = _long_bio()
    first, last = tmp_path / "first.sqlite", tmp_path / "last.sqlite"
    with open_workspace(first) as ws:
        records.create(ws, Person(id="long", name="Long Bio", bio=bio))
        records.create(ws, Person(id="short", name="Short Bio", bio="Kilimanjaro climber."))
    assert main(["copy", "--from", str(first), "--to", pg_url]) == 0
    with open_workspace(pg_url) as ws:
        assert records.get_versioned(ws, "people", "long")[0].bio.encode() == bio.encode()
        assert sorted(h.id for h in search.search(ws, "kilimanjaro")) == ["long", "short"]
    assert main(["copy", "--from", pg_url, "--to", str(last)]) == 0
    with open_workspace(last) as ws:
        assert records.get_versioned(ws, "people", "long")[0].bio.encode() == bio.encode()
        assert [h.id for h in search.search(ws, "finisterre")] == ["long"]  # a file indexes all of it


def test_a_copy_the_server_refuses_names_the_record(pg_url, tmp_path, monkeypatch, capsys):
    source = tmp_path / "source.sqlite"
    with open_workspace(source) as ws:
        records.create(ws, Person(id="short", name="Short Bio", bio="A few words."))
        records.create(ws, Person(id="long", name="Long Bio", bio=_long_bio()))
    monkeypatch.setattr(fulltext, "INDEXED_CHARACTERS", 10**9)  # as before: the whole text in one tsvector
    with pytest.raises(WorkspaceError) as caught:
        copy.copy_workspace(source, pg_url)
    message = str(caught.value)
    assert message.startswith(f"cannot copy people[long] to {pg_url}: string is too long for tsvector")
    assert "\n" not in message
    assert main(["copy", "--from", str(source), "--to", pg_url]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "people[long]" in err and "too long for tsvector" in err
    with open_workspace(pg_url) as ws:  # nothing was written: the copy can be run again
        assert records.list_all(ws, "people") == []
