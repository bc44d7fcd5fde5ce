"""Conformance of the interchange reader to the spec's "Precise rules", one case per rule.

Every refused case asserts the exact error path(s) (``collection[id].field``,
``collection[#i].field`` for a missing or invalid id, ``.field[i]`` inside lists) and that
the message says what is wrong. Cases built by changing one thing in a valid document
expect exactly one error, so a stray second error also fails the test.
"""

from __future__ import annotations

import json

import pytest
from interchange_cases import (
    encode,
    error_paths,
    export_dict,
    file_error,
    full_doc,
    new_workspace,
    normalised,
    record,
    validation_errors,
)

from dossier.errors import InterchangeError, ValidationError
from dossier.services import interchange


def read(doc):
    return interchange.read_document(encode(doc) if not isinstance(doc, bytes) else doc)


def only_error(doc) -> tuple[str, str]:
    errors = validation_errors(doc)
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0].path, errors[0].message


def with_field(collection, rid, field, value):
    doc = full_doc()
    record(doc, collection, rid)[field] = value
    return doc


def without_field(collection, rid, field):
    doc = full_doc()
    del record(doc, collection, rid)[field]
    return doc


def test_full_document_is_valid():
    doc = read(full_doc())
    assert doc.count() == {"parties": 3, "people": 2, "negotiations": 2, "topics": 3, "rounds": 3,
                           "positions": 2, "sources": 2, "events": 1}


# ====================================================================== the file
VALID = encode(full_doc())


@pytest.mark.parametrize(
    "data, fragment",
    [
        (b'{"format": "dossier-interchange", "version": 1, "x": "\xff"}', "UTF-8"),
        (VALID.replace("Syria".encode(), b"Syr\xc3\x28a", 1), "UTF-8"),  # broken 2-byte sequence
        (VALID.replace("Syria".encode(), b"Syr\xed\xa0\x80a", 1), "UTF-8"),  # CESU surrogate bytes
        (VALID[:-3] + b"\xe2\x82", "UTF-8"),  # truncated sequence
        (b"\xef\xbb\xbf" + VALID, "byte order mark"),
        (VALID.replace(b'"credibility": 2', b'"credibility": NaN'), "NaN"),
        (VALID.replace(b'"credibility": 2', b'"credibility": Infinity'), "Infinity"),
        (VALID.replace(b'"credibility": 2', b'"credibility": -Infinity'), "-Infinity"),
        (VALID.replace(b'"version": 1', b'"version": 1, "version": 1'), "duplicate key 'version'"),
        (VALID.replace(b'"parties": [', b'"parties": [], "parties": [', 1), "duplicate key 'parties'"),
        (VALID.replace(b'"name": "Syria"', b'"name": "Syria", "name": "Syria"'), "duplicate key 'name'"),
        # nested: inside a role, inside a list inside a record
        (VALID.replace(b'"title": "Minister",', b'"title": "Minister", "title": "Minister",'),
         "duplicate key 'title'"),
        (VALID + b"{}", "trailing data"),
        (VALID + b"x", "trailing data"),
        (VALID + b"\n[]\n", "trailing data"),
        (b"", "empty"),
    ],
    ids=["bad-byte", "bad-2byte", "encoded-surrogate", "truncated", "bom", "nan", "infinity",
         "minus-infinity", "dup-top", "dup-collection", "dup-record", "dup-role", "trailing-object",
         "trailing-garbage", "trailing-array", "empty"],
)
def test_file_level_refusals(data, fragment):
    message = file_error(data)
    assert fragment in message


def test_whitespace_around_the_value_is_allowed():
    assert read(b" \n\t" + VALID + b"\r\n ").count()["parties"] == 3


@pytest.mark.parametrize("data", [b" ", b"\n", b"{", b"{}}", b"{'format': 1}", b'{"a": 1,}'])
def test_not_json_is_a_file_level_error(data):
    assert file_error(data)


def _nested_arrays(levels: int) -> str:
    return "[" * levels + "]" * levels


def test_nesting_of_64_levels_parses_and_65_does_not():
    assert interchange.parse_json(_nested_arrays(64).encode()) is not None
    assert "64" in file_error(_nested_arrays(65).encode())
    objects = '{"a":' * 65 + "1" + "}" * 65
    assert "64" in file_error(objects.encode())
    assert interchange.parse_json(('{"a":' * 64 + "1" + "}" * 64).encode()) is not None


def test_very_deep_nesting_is_refused_cleanly():
    assert "64" in file_error(_nested_arrays(200_000).encode())


def test_depth_64_document_is_checked_field_by_field_not_refused_as_too_deep():
    # A valid document is at most 5 levels deep (document > rounds > round > sources >
    # citation), so a 64-level document cannot be valid: the point is that 64 levels pass
    # the file check and reach field validation, while 65 levels are a file-level error.
    for levels, refused_as_file in ((64, False), (65, True)):
        doc = full_doc()
        record(doc, "parties", "p-a")["notes"] = "@"  # top(1) > parties(2) > party(3) > value
        data = encode(doc).replace(b'"@"', _nested_arrays(levels - 3).encode())
        if refused_as_file:
            assert "64" in file_error(data)
        else:
            assert only_error(data)[0] == "parties[p-a].notes"


@pytest.mark.parametrize("top", ["[]", '"dossier"', "1", "null", "true", "[{}]"])
def test_top_level_must_be_an_object(top):
    assert "top level" in file_error(top.encode())


@pytest.mark.parametrize(
    "change, fragment",
    [
        ({"format": None}, "format"),
        ({"format": "dossier"}, "'dossier'"),
        ({"format": "Dossier-Interchange"}, "format"),
        ({"format": 1}, "format"),
        ({"version": None}, "version"),
        ({"version": "1"}, "version"),
        ({"version": 1.0}, "version"),
        ({"version": True}, "version"),
        ({"version": 0}, "version"),
        ({"version": -1}, "version"),
    ],
)
def test_wrong_format_or_version(change, fragment):
    doc = full_doc()
    doc.update(change)
    assert fragment in file_error(encode(doc))


@pytest.mark.parametrize("key", ["format", "version"])
def test_missing_format_or_version(key):
    doc = full_doc()
    del doc[key]
    message = file_error(encode(doc))
    assert key in message and "missing" in message


@pytest.mark.parametrize("version", [2, 17])
def test_higher_version_is_refused_saying_so(version):
    doc = full_doc()
    doc["version"] = version
    message = file_error(encode(doc))
    assert f"version {version}" in message
    assert "version 1" in message


def test_exported_at_is_informational():
    doc = full_doc()
    doc["exported_at"] = "not a timestamp"
    assert read(doc).count()["parties"] == 3
    del doc["exported_at"]
    assert read(doc).count()["parties"] == 3
    doc["exported_at"] = 5
    assert only_error(doc)[0] == "exported_at"


# ====================================================================== unknown keys
def _add_key(path_fn, key="extra"):
    def change(doc):
        path_fn(doc)[key] = 1
        return doc
    return change


@pytest.mark.parametrize(
    "where, expected",
    [
        (lambda d: d, "extra"),
        (lambda d: record(d, "parties", "p-a"), "parties[p-a].extra"),
        (lambda d: record(d, "people", "per-1"), "people[per-1].extra"),
        (lambda d: record(d, "negotiations", "n-1"), "negotiations[n-1].extra"),
        (lambda d: record(d, "topics", "t-1"), "topics[t-1].extra"),
        (lambda d: record(d, "rounds", "r-1"), "rounds[r-1].extra"),
        (lambda d: record(d, "positions", "pos-1"), "positions[pos-1].extra"),
        (lambda d: record(d, "sources", "s-1"), "sources[s-1].extra"),
        (lambda d: record(d, "events", "e-1"), "events[e-1].extra"),
        (lambda d: record(d, "people", "per-1")["roles"][1], "people[per-1].roles[1].extra"),
        (lambda d: record(d, "rounds", "r-1")["sources"][0], "rounds[r-1].sources[0].extra"),
        (lambda d: record(d, "positions", "pos-1")["sources"][0], "positions[pos-1].sources[0].extra"),
        (lambda d: record(d, "events", "e-1")["sources"][0], "events[e-1].sources[0].extra"),
        (lambda d: record(d, "rounds", "r-1")["participants"][1], "rounds[r-1].participants[1].extra"),
        (lambda d: record(d, "negotiations", "n-1")["parties"][1], "negotiations[n-1].parties[1].extra"),
    ],
)
def test_unknown_keys_at_every_level(where, expected):
    doc = _add_key(where)(full_doc())
    path, message = only_error(doc)
    assert path == expected
    assert "unknown field" in message


def test_unknown_key_typo_of_a_real_field():
    doc = full_doc()
    party = record(doc, "parties", "p-c")
    party["nmae"] = party.pop("name")
    assert error_paths(doc) == ["parties[p-c].name", "parties[p-c].nmae"]


def test_unknown_key_in_a_record_without_a_valid_id_uses_the_index():
    doc = full_doc()
    record(doc, "parties", "p-c")["id"] = "P C"
    record(doc, "parties", "P C")["extra"] = 1
    assert error_paths(doc) == ["parties[#2].extra", "parties[#2].id"]


# ====================================================================== collections
def test_missing_collections_are_empty():
    doc = read({"format": "dossier-interchange", "version": 1})
    assert all(n == 0 for n in doc.count().values())
    small = {"format": "dossier-interchange", "version": 1,
             "parties": [{"id": "p", "name": "P", "kind": "other"}]}
    assert read(small).count()["parties"] == 1


@pytest.mark.parametrize("value, word", [({}, "object"), (None, "null"), ("x", "string"), (1, "number")])
def test_a_collection_must_be_an_array(value, word):
    doc = full_doc()
    doc["events"] = value
    path, message = only_error(doc)
    assert path == "events"
    assert "expected an array" in message and word in message


@pytest.mark.parametrize("item, word", [(5, "number 5"), ("p-d", "string 'p-d'"), ([], "array"), (None, "null")])
def test_a_record_must_be_an_object(item, word):
    doc = full_doc()
    doc["parties"].append(item)
    path, message = only_error(doc)
    assert path == "parties[#3]"
    assert "expected an object" in message and word in message


# ====================================================================== required / optional
REQUIRED_NULL = [
    ("parties", "p-a", "name"), ("parties", "p-a", "kind"), ("parties", "p-a", "id"),
    ("people", "per-1", "name"),
    ("negotiations", "n-1", "title"), ("negotiations", "n-1", "status"),
    ("topics", "t-1", "negotiation"), ("topics", "t-1", "title"),
    ("rounds", "r-1", "negotiation"), ("rounds", "r-1", "status"),
    ("positions", "pos-1", "negotiation"), ("positions", "pos-1", "party"), ("positions", "pos-1", "topic"),
    ("positions", "pos-1", "kind"), ("positions", "pos-1", "summary"),
    ("sources", "s-1", "title"), ("sources", "s-1", "reliability"),
    ("events", "e-1", "negotiation"), ("events", "e-1", "date"), ("events", "e-1", "title"),
]


def _path(collection, rid, field):
    if field == "id":
        index = [r["id"] for r in full_doc()[collection]].index(rid)
        return f"{collection}[#{index}].id"
    return f"{collection}[{rid}].{field}"


@pytest.mark.parametrize("collection, rid, field", REQUIRED_NULL)
def test_required_field_null(collection, rid, field):
    doc = with_field(collection, rid, field, None)
    if field == "id":  # nothing may refer to the record whose id goes
        doc = with_field(collection, "p-c", field, None)
        rid = "p-c"
    path, message = only_error(doc)
    assert path == _path(collection, rid, field)
    assert "required" in message and "null" in message


@pytest.mark.parametrize("collection, rid, field", REQUIRED_NULL)
def test_required_field_missing(collection, rid, field):
    if field == "id":
        rid = "p-c"
    doc = without_field(collection, rid, field)
    path, message = only_error(doc)
    assert path == _path(collection, rid, field)
    assert "missing" in message


NESTED_REQUIRED = [
    (lambda d: record(d, "people", "per-1")["roles"][0], "title", "people[per-1].roles[0].title"),
    (lambda d: record(d, "rounds", "r-1")["sources"][0], "source", "rounds[r-1].sources[0].source"),
    (lambda d: record(d, "rounds", "r-1")["sources"][0], "credibility", "rounds[r-1].sources[0].credibility"),
    (lambda d: record(d, "positions", "pos-1")["sources"][0], "source", "positions[pos-1].sources[0].source"),
    (lambda d: record(d, "events", "e-1")["sources"][0], "credibility", "events[e-1].sources[0].credibility"),
    (lambda d: record(d, "rounds", "r-1")["participants"][1], "person", "rounds[r-1].participants[1].person"),
    (lambda d: record(d, "negotiations", "n-1")["parties"][1], "party", "negotiations[n-1].parties[1].party"),
    (lambda d: record(d, "negotiations", "n-1")["parties"][1], "role", "negotiations[n-1].parties[1].role"),
]


@pytest.mark.parametrize("where, field, expected", NESTED_REQUIRED)
@pytest.mark.parametrize("how", ["null", "missing"])
def test_required_nested_field(where, field, expected, how):
    doc = full_doc()
    if how == "null":
        where(doc)[field] = None
    else:
        del where(doc)[field]
    path, message = only_error(doc)
    assert path == expected
    assert ("null" if how == "null" else "missing") in message


OPTIONAL = [
    ("parties", "p-a", "country"), ("parties", "p-a", "notes"),
    ("people", "per-1", "native_name"), ("people", "per-1", "party"), ("people", "per-1", "title"),
    ("people", "per-1", "bio"), ("people", "per-1", "notes"),
    ("negotiations", "n-1", "summary"), ("negotiations", "n-1", "started"), ("negotiations", "n-2", "ended"),
    ("topics", "t-1", "description"), ("topics", "t-1", "category"),
    ("rounds", "r-1", "number"), ("rounds", "r-1", "title"), ("rounds", "r-1", "start"),
    ("rounds", "r-1", "end"), ("rounds", "r-1", "venue"), ("rounds", "r-1", "mediator"),
    ("rounds", "r-1", "summary"),
    ("positions", "pos-1", "round"), ("positions", "pos-1", "person"), ("positions", "pos-1", "date"),
    ("sources", "s-1", "publisher"), ("sources", "s-1", "url"), ("sources", "s-1", "published"),
    ("sources", "s-1", "via"), ("sources", "s-1", "notes"),
    ("events", "e-1", "description"),
]
LISTS = [
    ("people", "per-1", "aliases"), ("people", "per-1", "roles"), ("negotiations", "n-1", "parties"),
    ("rounds", "r-1", "participants"), ("rounds", "r-1", "topics"), ("rounds", "r-1", "sources"),
    ("positions", "pos-1", "sources"), ("events", "e-1", "people"), ("events", "e-1", "sources"),
]


@pytest.mark.parametrize("collection, rid, field", OPTIONAL + LISTS)
def test_optional_fields_may_be_missing(collection, rid, field):
    doc = read(without_field(collection, rid, field))
    rec = next(r for r in doc.collection(collection) if r.id == rid)
    assert getattr(rec, field) == ([] if (collection, rid, field) in LISTS else None)


@pytest.mark.parametrize("collection, rid, field", OPTIONAL)
def test_optional_scalars_may_be_null(collection, rid, field):
    doc = read(with_field(collection, rid, field, None))
    rec = next(r for r in doc.collection(collection) if r.id == rid)
    assert getattr(rec, field) is None


@pytest.mark.parametrize("collection, rid, field", LISTS)
def test_null_list_reads_as_empty(collection, rid, field):
    # Decision: "Required means present and not null. A field is required unless ... it is
    # a list": a list is not required, so null is accepted and means the same as [] (it
    # exports as [], as the round-trip rule "optional fields are filled with null/[]" says).
    doc = read(with_field(collection, rid, field, None))
    rec = next(r for r in doc.collection(collection) if r.id == rid)
    assert getattr(rec, field) == []


@pytest.mark.parametrize(
    "where, expected",
    [
        (lambda d: record(d, "people", "per-1")["roles"][0], "people[per-1].roles[0].organization"),
        (lambda d: record(d, "people", "per-1")["roles"][0], "people[per-1].roles[0].start"),
        (lambda d: record(d, "rounds", "r-1")["participants"][0], "rounds[r-1].participants[0].party"),
        (lambda d: record(d, "rounds", "r-1")["participants"][0], "rounds[r-1].participants[0].role"),
        (lambda d: record(d, "rounds", "r-1")["sources"][0], "rounds[r-1].sources[0].quote"),
    ],
)
def test_optional_nested_fields_may_be_null_or_missing(where, expected):
    field = expected.rsplit(".", 1)[1]
    doc = full_doc()
    where(doc)[field] = None
    read(doc)
    del where(doc)[field]
    read(doc)


@pytest.mark.parametrize(
    "collection, rid, field, expected",
    [
        ("people", "per-1", "aliases", "people[per-1].aliases[1]"),
        ("rounds", "r-1", "topics", "rounds[r-1].topics[1]"),
        ("events", "e-1", "people", "events[e-1].people[1]"),
    ],
)
def test_null_inside_a_list_of_values_is_refused(collection, rid, field, expected):
    doc = full_doc()
    record(doc, collection, rid)[field][1] = None
    path, message = only_error(doc)
    assert path == expected and "null" in message


@pytest.mark.parametrize(
    "collection, rid, field, expected",
    [
        ("people", "per-1", "roles", "people[per-1].roles[1]"),
        ("rounds", "r-1", "participants", "rounds[r-1].participants[1]"),
        ("rounds", "r-1", "sources", "rounds[r-1].sources[1]"),
        ("negotiations", "n-1", "parties", "negotiations[n-1].parties[1]"),
    ],
)
@pytest.mark.parametrize("item", [None, "x", 3, []])
def test_list_items_of_objects_must_be_objects(collection, rid, field, expected, item):
    doc = full_doc()
    items = record(doc, collection, rid)[field]
    items[1:] = [item]
    path, message = only_error(doc)
    assert path == expected
    assert "object" in message or "null" in message


@pytest.mark.parametrize("value, word", [("x", "string 'x'"), ({}, "object"), (1, "number 1")])
def test_a_list_field_must_be_an_array(value, word):
    path, message = only_error(with_field("people", "per-1", "aliases", value))
    assert path == "people[per-1].aliases"
    assert "expected an array" in message and word in message


# ====================================================================== enums
ENUMS = [
    ("parties", "p-a", "kind", "state"), ("negotiations", "n-1", "status", "active"),
    ("rounds", "r-1", "status", "held"), ("positions", "pos-1", "kind", "demand"),
    ("sources", "s-1", "reliability", "B"),
]


@pytest.mark.parametrize("collection, rid, field, good", ENUMS)
@pytest.mark.parametrize("bad", ["", "nonsense", "STATE", "Held", "b", 1, True, ["state"]])
def test_enum_values(collection, rid, field, good, bad):
    path, message = only_error(with_field(collection, rid, field, bad))
    assert path == f"{collection}[{rid}].{field}"
    assert "expected one of" in message and good in message


@pytest.mark.parametrize("collection, rid, field, values", [
    ("parties", "p-a", "kind", ["state", "organization", "armed_group", "other"]),
    ("negotiations", "n-1", "status", ["active", "suspended", "concluded", "collapsed"]),
    ("rounds", "r-1", "status", ["planned", "held", "postponed", "cancelled"]),
    ("positions", "pos-1", "kind", ["demand", "offer", "red_line", "concession", "assurance", "statement"]),
    ("sources", "s-1", "reliability", list("ABCDEF")),
])
def test_every_enum_value_is_accepted(collection, rid, field, values):
    for value in values:
        read(with_field(collection, rid, field, value))


@pytest.mark.parametrize("role", ["party", "mediator", "observer", "host"])
def test_negotiation_party_roles(role):
    doc = full_doc()
    record(doc, "negotiations", "n-1")["parties"][0]["role"] = role
    read(doc)
    record(doc, "negotiations", "n-1")["parties"][0]["role"] = role.upper()
    assert only_error(doc)[0] == "negotiations[n-1].parties[0].role"


# ====================================================================== text
REQUIRED_TEXT = [
    ("parties", "p-a", "name"), ("people", "per-1", "name"), ("negotiations", "n-1", "title"),
    ("topics", "t-1", "title"), ("positions", "pos-1", "summary"), ("sources", "s-1", "title"),
    ("events", "e-1", "title"),
]
BLANKS = ["", " ", "   ", "\n\t", "\u3000", "\r\n", "\u00a0", "\u2003"]


@pytest.mark.parametrize("collection, rid, field", REQUIRED_TEXT)
@pytest.mark.parametrize("blank", BLANKS, ids=repr)
def test_blank_required_text_is_refused(collection, rid, field, blank):
    path, message = only_error(with_field(collection, rid, field, blank))
    assert path == f"{collection}[{rid}].{field}"
    assert "blank" in message


@pytest.mark.parametrize("blank", BLANKS, ids=repr)
def test_blank_role_title_is_refused(blank):
    doc = full_doc()
    record(doc, "people", "per-1")["roles"][1]["title"] = blank
    assert only_error(doc)[0] == "people[per-1].roles[1].title"


@pytest.mark.parametrize("text", [" x ", "\u200b", "\u3000a", "-", "<b>"], ids=repr)
def test_required_text_with_one_non_space_character_is_kept_exactly(text):
    doc = read(with_field("parties", "p-a", "name", text))
    assert doc.parties[0].name == text


@pytest.mark.parametrize("collection, rid, field", REQUIRED_TEXT + [
    ("parties", "p-a", "notes"), ("people", "per-1", "bio"),
])
@pytest.mark.parametrize("value, word", [(1, "number 1"), (True, "boolean true"), (["a"], "array"),
                                         ({"a": 1}, "object")])
def test_text_fields_must_be_strings(collection, rid, field, value, word):
    path, message = only_error(with_field(collection, rid, field, value))
    assert path == f"{collection}[{rid}].{field}"
    assert "expected text" in message and word in message


TEXT_PLACES = [
    ("name", lambda d, v: record(d, "parties", "p-a").__setitem__("name", "a" + v), "parties[p-a].name"),
    ("notes", lambda d, v: record(d, "parties", "p-a").__setitem__("notes", v), "parties[p-a].notes"),
    ("alias", lambda d, v: record(d, "people", "per-1")["aliases"].__setitem__(0, v), "people[per-1].aliases[0]"),
    ("role", lambda d, v: record(d, "people", "per-1")["roles"][0].__setitem__("organization", v),
     "people[per-1].roles[0].organization"),
    ("quote", lambda d, v: record(d, "rounds", "r-1")["sources"][0].__setitem__("quote", v),
     "rounds[r-1].sources[0].quote"),
    ("participant", lambda d, v: record(d, "rounds", "r-1")["participants"][0].__setitem__("role", v),
     "rounds[r-1].participants[0].role"),
]


@pytest.mark.parametrize("name, put, expected", TEXT_PLACES, ids=[p[0] for p in TEXT_PLACES])
@pytest.mark.parametrize("bad, fragment", [("a\x00b", "U+0000"), ("\x00", "U+0000"),
                                           ("a\ud800b", "surrogate"), ("\udfff", "surrogate"),
                                           ("\ude00\ud83d", "surrogate")], ids=repr)
def test_nul_and_lone_surrogates_are_refused(name, put, expected, bad, fragment):
    doc = full_doc()
    put(doc, bad)
    data = json.dumps(doc, ensure_ascii=True).encode("ascii")  # surrogates as \uXXXX escapes
    errors = validation_errors(data)
    assert [e.path for e in errors] == [expected]
    assert fragment in errors[0].message
    str(ValidationError(errors)).encode("utf-8")  # the message itself can be printed


def test_escaped_surrogate_pair_is_one_character():
    data = encode(full_doc()).replace(b'"Syria"', b'"Syria \\ud83d\\ude00"')
    assert read(data).parties[0].name == "Syria \U0001f600"


# ====================================================================== integers
@pytest.mark.parametrize(
    "raw, word",
    [("1.0", "1.0"), ("1e0", "1.0"), ("1E0", "1.0"), ("10e-1", "1.0"), ("2.5", "2.5"), ("true", "boolean"),
     ("false", "boolean"), ('"1"', "string '1'"), ("0", "number 0"), ("7", "number 7"), ("-1", "number -1"),
     ("-0", "number 0"), ("[1]", "array"), ("{}", "object")],
)
def test_credibility_integers(raw, word):
    data = encode(full_doc()).replace(b'"credibility": 2', f'"credibility": {raw}'.encode())
    path, message = only_error(data)
    assert path == "rounds[r-1].sources[0].credibility"
    assert "expected an integer 1-6" in message and word in message


def test_credibility_message_of_the_spec_example():
    doc = full_doc()
    record(doc, "rounds", "r-2")["sources"][0]["credibility"] = 7
    (error,) = validation_errors(doc)
    assert str(error) == "rounds[r-2].sources[0].credibility: expected an integer 1-6, got number 7"


@pytest.mark.parametrize("value", [1, 2, 3, 4, 5, 6])
def test_every_credibility_is_accepted(value):
    doc = full_doc()
    record(doc, "rounds", "r-1")["sources"][0]["credibility"] = value
    assert read(doc).rounds[0].sources[0].credibility == value


@pytest.mark.parametrize(
    "raw",
    ["1.0", "1e0", "1E+0", "true", '"1"', "0", "-1", str(2**63), str(2**64), "9223372036854775807.0"],
)
def test_round_number_integers(raw):
    data = encode(full_doc()).replace(b'"number": 1,', f'"number": {raw},'.encode(), 1)
    path, message = only_error(data)
    assert path == "rounds[r-1].number"
    assert "expected an integer 1-9223372036854775807" in message


@pytest.mark.parametrize("value", [1, 3, 2**63 - 1])
def test_round_number_accepted(value):
    doc = with_field("rounds", "r-1", "number", value)
    assert read(doc).rounds[0].number == value


def test_enormous_integer_is_refused_with_a_short_message():
    data = encode(full_doc()).replace(b'"number": 1,', b'"number": ' + b"9" * 5000 + b",", 1)
    with pytest.raises((InterchangeError, ValidationError)) as info:
        read(data)
    assert len(str(info.value)) < 500


# ====================================================================== partial dates
BAD_DATES = ["0000", "0000-01", "10000", "99999", "2025-02-29", "2023-02-29", "1900-02-29", "2025-02-30",
             "2025-04-31", "2025-13", "2025-00", "2025-01-00", "2025-01-32", "2025-1-01", "2025-01-1", "2025-1",
             "25", "202", "２０２５", "٢٠٢٥", "2025-0１", "2025/01/01", "2025-01-01T00:00", " 2025", "2025 ",
             "2025\n", "", "-2025", "+2025", "2025-", "2025--01", "20250101", "2025-W01"]


@pytest.mark.parametrize("bad", BAD_DATES, ids=repr)
def test_bad_partial_dates(bad):
    path, message = only_error(with_field("rounds", "r-2", "start", bad))
    assert path == "rounds[r-2].start"
    assert "date" in message or "month" in message or "day" in message or "year" in message


@pytest.mark.parametrize("value, word", [(2025, "number 2025"), (True, "boolean"), (["2025"], "array")])
def test_dates_must_be_strings(value, word):
    path, message = only_error(with_field("rounds", "r-2", "start", value))
    assert path == "rounds[r-2].start" and word in message


@pytest.mark.parametrize("good", ["2024-02-29", "2000-02-29", "0001", "0001-01-01", "9999", "9999-12-31",
                                  "2025", "2025-11", "2025-12-31", None])
def test_good_partial_dates(good):
    doc = read(with_field("rounds", "r-2", "start", good))
    assert doc.rounds[1].start == good


@pytest.mark.parametrize(
    "put, expected",
    [
        (lambda d, v: record(d, "people", "per-1")["roles"][0].__setitem__("start", v),
         "people[per-1].roles[0].start"),
        (lambda d, v: record(d, "people", "per-1")["roles"][0].__setitem__("end", v), "people[per-1].roles[0].end"),
        (lambda d, v: record(d, "negotiations", "n-1").__setitem__("started", v), "negotiations[n-1].started"),
        (lambda d, v: record(d, "negotiations", "n-1").__setitem__("ended", v), "negotiations[n-1].ended"),
        (lambda d, v: record(d, "rounds", "r-2").__setitem__("end", v), "rounds[r-2].end"),
        (lambda d, v: record(d, "positions", "pos-1").__setitem__("date", v), "positions[pos-1].date"),
        (lambda d, v: record(d, "sources", "s-1").__setitem__("published", v), "sources[s-1].published"),
        (lambda d, v: record(d, "events", "e-1").__setitem__("date", v), "events[e-1].date"),
    ],
)
@pytest.mark.parametrize("bad", ["2025-02-29", "0000", "２０２５", "2025-13"])
def test_every_date_field_is_checked(put, expected, bad):
    doc = full_doc()
    put(doc, bad)
    assert only_error(doc)[0] == expected


def test_partial_date_precision_is_kept():
    for value in ("2025", "2025-11", "2025-11-05"):
        assert read(with_field("events", "e-1", "date", value)).events[0].date == value


# ====================================================================== country
@pytest.mark.parametrize("bad", ["sy", "Sy", "SYR", "S", "", "S1", "ÄB", "ＳＹ", " SY", "SY\n", 12, True])
def test_bad_country(bad):
    path, message = only_error(with_field("parties", "p-a", "country", bad))
    assert path == "parties[p-a].country"
    assert "country" in message


@pytest.mark.parametrize("good", ["SY", "IL", "XK", None])
def test_good_country(good):
    assert read(with_field("parties", "p-a", "country", good)).parties[0].country == good


# ====================================================================== ids
@pytest.mark.parametrize("good", ["a", "0", "a" * 64, "a.b_c-d", "...", "-", "9" * 64])
def test_good_ids(good):
    doc = read(with_field("parties", "p-c", "id", good))
    assert doc.parties[2].id == good


@pytest.mark.parametrize("bad", ["", "a" * 65, "P-C", "p c", " p", "p\n", "pé", "p/c", "p:c", "ｐ", "p+c",
                                 "p'c", 5, True, ["p"]], ids=repr)
def test_bad_ids(bad):
    path, message = only_error(with_field("parties", "p-c", "id", bad))
    assert path == "parties[#2].id"
    assert "expected an id of 1-64 characters" in message


@pytest.mark.parametrize("bad", ["P-A", "p a", "", "a" * 65, 5])
def test_bad_id_in_a_reference(bad):
    path, message = only_error(with_field("positions", "pos-1", "party", bad))
    assert path == "positions[pos-1].party"
    assert "expected the id of a party" in message


@pytest.mark.parametrize("collection", ["parties", "people", "negotiations", "topics", "rounds", "positions",
                                        "sources", "events"])
def test_duplicate_ids(collection):
    doc = full_doc()
    copy = dict(doc[collection][-1])
    if collection == "rounds":
        copy["number"] = None
    doc[collection].append(copy)
    errors = validation_errors(doc)
    rid = copy["id"]
    last = len(doc[collection]) - 2
    assert [e.path for e in errors] == [f"{collection}[{rid}].id"]
    assert "duplicate id" in errors[0].message and f"{collection}[#{last}]" in errors[0].message


def test_same_id_in_different_collections_is_fine():
    doc = full_doc()
    record(doc, "parties", "p-c")["id"] = "x"
    record(doc, "sources", "s-2")["id"] = "x"
    record(doc, "sources", "s-1")["via"] = "x"
    for cit in record(doc, "rounds", "r-2")["sources"] + record(doc, "events", "e-1")["sources"]:
        cit["source"] = "x"
    read(doc)


# ====================================================================== references
DANGLING = [
    (lambda d: record(d, "people", "per-1").__setitem__("party", "zz"), "people[per-1].party", "party"),
    (lambda d: record(d, "negotiations", "n-1")["parties"][0].__setitem__("party", "zz"),
     "negotiations[n-1].parties[0].party", "party"),
    (lambda d: d["topics"].append({"id": "t-9", "negotiation": "zz", "title": "T"}),
     "topics[t-9].negotiation", "negotiation"),
    (lambda d: d["rounds"].append({"id": "r-9", "negotiation": "zz", "status": "held"}),
     "rounds[r-9].negotiation", "negotiation"),
    (lambda d: record(d, "rounds", "r-1").__setitem__("mediator", "zz"), "rounds[r-1].mediator", "person"),
    (lambda d: record(d, "rounds", "r-1")["participants"][1].__setitem__("person", "zz"),
     "rounds[r-1].participants[1].person", "person"),
    (lambda d: record(d, "rounds", "r-1")["participants"][0].__setitem__("party", "zz"),
     "rounds[r-1].participants[0].party", "party"),
    (lambda d: record(d, "rounds", "r-1")["topics"].__setitem__(1, "zz"), "rounds[r-1].topics[1]", "topic"),
    (lambda d: record(d, "rounds", "r-1")["sources"][0].__setitem__("source", "zz"),
     "rounds[r-1].sources[0].source", "source"),
    (lambda d: d["positions"].append({"id": "pos-9", "negotiation": "zz", "party": "p-a", "topic": "t-1",
                                      "kind": "offer", "summary": "S"}),
     "positions[pos-9].negotiation", "negotiation"),
    (lambda d: record(d, "positions", "pos-1").__setitem__("party", "zz"), "positions[pos-1].party", "party"),
    (lambda d: record(d, "positions", "pos-1").__setitem__("topic", "zz"), "positions[pos-1].topic", "topic"),
    (lambda d: record(d, "positions", "pos-1").__setitem__("round", "zz"), "positions[pos-1].round", "round"),
    (lambda d: record(d, "positions", "pos-1").__setitem__("person", "zz"), "positions[pos-1].person", "person"),
    (lambda d: record(d, "positions", "pos-1")["sources"][0].__setitem__("source", "zz"),
     "positions[pos-1].sources[0].source", "source"),
    (lambda d: record(d, "sources", "s-2").__setitem__("via", "zz"), "sources[s-2].via", "source"),
    (lambda d: d["events"].append({"id": "e-9", "negotiation": "zz", "date": "2025", "title": "E"}),
     "events[e-9].negotiation", "negotiation"),
    (lambda d: record(d, "events", "e-1")["people"].__setitem__(0, "zz"), "events[e-1].people[0]", "person"),
    (lambda d: record(d, "events", "e-1")["sources"][0].__setitem__("source", "zz"),
     "events[e-1].sources[0].source", "source"),
]


@pytest.mark.parametrize("change, expected, noun", DANGLING, ids=[c[1] for c in DANGLING])
def test_dangling_references(change, expected, noun):
    doc = full_doc()
    change(doc)
    path, message = only_error(doc)
    assert path == expected
    assert message == f"unknown {noun} 'zz'"


def test_reference_to_a_record_of_another_collection_is_dangling():
    # "t-1" is a topic, not a party
    path, message = only_error(with_field("positions", "pos-1", "party", "t-1"))
    assert (path, message) == ("positions[pos-1].party", "unknown party 't-1'")


def test_spec_example_message():
    doc = full_doc()
    record(doc, "positions", "pos-1")["id"] = "pos-07"
    record(doc, "positions", "pos-07")["topic"] = "withdrawl"
    (error,) = validation_errors(doc)
    assert str(error) == "positions[pos-07].topic: unknown topic 'withdrawl'"


# ====================================================================== same negotiation
@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda d: record(d, "positions", "pos-1").__setitem__("topic", "t-3"), "positions[pos-1].topic"),
        (lambda d: record(d, "positions", "pos-1").__setitem__("round", "r-3"), "positions[pos-1].round"),
        (lambda d: record(d, "positions", "pos-2").__setitem__("round", "r-2"), "positions[pos-2].round"),
        (lambda d: record(d, "rounds", "r-1")["topics"].append("t-3"), "rounds[r-1].topics[2]"),
        (lambda d: record(d, "rounds", "r-3").__setitem__("topics", ["t-3", "t-1"]), "rounds[r-3].topics[1]"),
    ],
)
def test_same_negotiation(change, expected):
    doc = full_doc()
    change(doc)
    path, message = only_error(doc)
    assert path == expected
    assert "belongs to negotiation" in message


def test_party_twice_in_a_negotiation():
    doc = full_doc()
    record(doc, "negotiations", "n-1")["parties"].append({"party": "p-a", "role": "observer"})
    path, message = only_error(doc)
    assert path == "negotiations[n-1].parties[2].party"
    assert "'p-a'" in message and "parties[0]" in message


def test_same_party_in_two_negotiations_is_fine():
    doc = full_doc()
    record(doc, "negotiations", "n-2")["parties"] = [{"party": "p-a", "role": "party"}]
    read(doc)


# ====================================================================== order of dates
@pytest.mark.parametrize(
    "start, end, ok",
    [
        ("2025-05-10", "2025-05", True), ("2025-05-10", "2025", True), ("2025-05-10", "2025-05-10", True),
        ("2025-05", "2025-05-01", True), ("2025", "2025-01-01", True), ("2025-05-10", None, True),
        (None, "2020", True), ("2025-05-10", "2025-06", True),
        ("2025-05-10", "2025-04", False), ("2025-05-10", "2025-05-09", False), ("2025-05-10", "2024", False),
        ("2025-05", "2025-04-30", False), ("2025", "2024-12-31", False), ("2025-05-10", "2024-12", False),
    ],
)
def test_round_end_before_start(start, end, ok):
    doc = full_doc()
    record(doc, "rounds", "r-1").update(start=start, end=end)
    if ok:
        read(doc)
    else:
        path, message = only_error(doc)
        assert path == "rounds[r-1].end"
        assert end in message and start in message


@pytest.mark.parametrize("started, ended, ok", [
    ("2024-03", "2024-03-01", True), ("2024-03-15", "2024", True), ("2024-03", "2024-02", False),
    ("2024-03-15", "2024-03-14", False), ("2024", "2023-12", False),
])
def test_negotiation_ended_before_started(started, ended, ok):
    doc = full_doc()
    record(doc, "negotiations", "n-2").update(started=started, ended=ended)
    if ok:
        read(doc)
    else:
        assert only_error(doc)[0] == "negotiations[n-2].ended"


@pytest.mark.parametrize("start, end, ok", [
    ("2024", "2024-11-30", True), ("2024-11-30", "2024-11", True), ("2024", "2023-12", False),
    ("2024-11-30", "2024-10", False),
])
def test_role_end_before_start(start, end, ok):
    doc = full_doc()
    record(doc, "people", "per-1")["roles"][1].update(start=start, end=end)
    if ok:
        read(doc)
    else:
        assert only_error(doc)[0] == "people[per-1].roles[1].end"


# ====================================================================== via cycles
def test_via_to_itself():
    path, message = only_error(with_field("sources", "s-2", "via", "s-2"))
    assert path == "sources[s-2].via"
    assert "'s-2'" in message and "comes back" in message


def test_via_two_cycle():
    # Every source on the loop is reported: each one's chain comes back to it.
    doc = with_field("sources", "s-2", "via", "s-1")
    assert error_paths(doc) == ["sources[s-1].via", "sources[s-2].via"]


def test_via_three_cycle_and_a_tail_into_it():
    doc = full_doc()
    doc["sources"].append({"id": "s-3", "title": "Third", "reliability": "C", "via": "s-1"})
    doc["sources"].append({"id": "s-4", "title": "Tail", "reliability": "C", "via": "s-3"})
    record(doc, "sources", "s-2")["via"] = "s-3"  # s-1 -> s-2 -> s-3 -> s-1; s-4 -> s-3 only leads in
    errors = validation_errors(doc)
    assert sorted(e.path for e in errors) == ["sources[s-1].via", "sources[s-2].via", "sources[s-3].via"]
    assert all("comes back" in e.message for e in errors)


def test_via_chain_that_ends_is_fine():
    doc = full_doc()
    doc["sources"].append({"id": "s-3", "title": "Third", "reliability": "C", "via": "s-1"})
    doc["sources"].append({"id": "s-4", "title": "Fourth", "reliability": "C", "via": "s-3"})
    read(doc)


# ====================================================================== round numbers
def test_round_number_unique_within_a_negotiation():
    path, message = only_error(with_field("rounds", "r-2", "number", 1))
    assert path == "rounds[r-2].number"
    assert "1" in message and "'r-1'" in message


def test_same_round_number_in_different_negotiations_and_several_nulls_are_fine():
    doc = full_doc()
    assert record(doc, "rounds", "r-3")["number"] == record(doc, "rounds", "r-1")["number"]
    doc["rounds"].append({"id": "r-4", "negotiation": "n-1", "number": None, "status": "planned"})
    doc["rounds"].append({"id": "r-5", "negotiation": "n-1", "number": None, "status": "planned"})
    read(doc)


@pytest.mark.parametrize("bad_id", [None, 5, "R 1"])
def test_round_number_clash_with_a_record_without_a_valid_id(bad_id):
    doc = full_doc()
    doc["rounds"].insert(0, {"id": bad_id, "negotiation": "n-1", "number": 1, "status": "held"})
    errors = validation_errors(doc)
    assert sorted(e.path for e in errors) == ["rounds[#0].id", "rounds[r-1].number"]
    assert "rounds[#0]" in str(ValidationError(errors))
    doc["rounds"].insert(0, "not a record")  # positions count every array element
    assert error_paths(doc) == ["rounds[#0]", "rounds[#1].id", "rounds[r-1].number"]


# ====================================================================== error paths and reporting
def test_record_without_valid_id_uses_the_array_position():
    doc = full_doc()
    doc["parties"].insert(0, "not a record")
    doc["parties"].append({"name": " ", "kind": "state"})
    assert error_paths(doc) == ["parties[#0]", "parties[#4].id", "parties[#4].name"]


def test_three_independent_errors_are_all_reported():
    doc = full_doc()
    record(doc, "parties", "p-a")["country"] = "sy"
    record(doc, "rounds", "r-2")["sources"][0]["credibility"] = 7
    record(doc, "events", "e-1")["date"] = "2025-02-29"
    assert error_paths(doc) == ["events[e-1].date", "parties[p-a].country", "rounds[r-2].sources[0].credibility"]


def test_many_errors_across_every_collection_are_all_reported():
    doc = full_doc()
    for collection in ("parties", "people", "negotiations", "topics", "rounds", "positions", "sources", "events"):
        for rec in doc[collection]:
            rec["bogus"] = True
    record(doc, "people", "per-1")["roles"][0]["start"] = "0000"
    record(doc, "rounds", "r-1")["participants"][0]["person"] = "zz"
    errors = validation_errors(doc)
    assert len(errors) == 20  # 18 records with an unknown key, a bad date, a dangling person
    assert len(str(ValidationError(errors)).splitlines()) == 21


def test_file_level_problem_is_reported_before_field_checks():
    doc = full_doc()
    record(doc, "parties", "p-a")["country"] = "sy"
    with pytest.raises(InterchangeError):
        read(encode(doc) + b"x")


HUGE = "x" * 1_000_000 + "\n"


@pytest.mark.parametrize(
    "change",
    [
        lambda d: record(d, "parties", "p-a").__setitem__("country", HUGE),
        lambda d: record(d, "parties", "p-a").__setitem__("kind", HUGE),
        lambda d: record(d, "parties", "p-a").__setitem__("name", HUGE + "\x00"),
        lambda d: record(d, "parties", "p-c").__setitem__("id", HUGE),
        lambda d: record(d, "positions", "pos-1").__setitem__("party", HUGE),
        lambda d: record(d, "events", "e-1").__setitem__("date", HUGE),
        lambda d: record(d, "rounds", "r-1")["sources"][0].__setitem__("credibility", HUGE),
        lambda d: record(d, "parties", "p-a").__setitem__(HUGE, 1),
        lambda d: d.__setitem__(HUGE, 1),
        lambda d: d.__setitem__("exported_at", [HUGE]),
        lambda d: record(d, "rounds", "r-1").__setitem__("number", int("9" * 4000)),
    ],
    ids=["country", "enum", "text-nul", "id", "reference", "date", "integer", "unknown-key", "unknown-top-key",
         "exported_at", "long-number"],
)
def test_a_huge_value_never_appears_whole_in_a_message(change):
    doc = full_doc()
    change(doc)
    with pytest.raises(ValidationError) as info:
        read(doc)
    text = str(info.value)
    assert 0 < len(text) < 2000
    for error in info.value.errors:
        assert len(str(error)) < 500
        assert "\n" not in str(error)  # user text is escaped: one line per problem


@pytest.mark.parametrize(
    "doc",
    [
        {"format": "x" * 1_000_000, "version": 1},
        {"format": "dossier-interchange", "version": 1, "parties": [], "x" * 1_000_000: 1},
    ],
)
def test_huge_values_in_file_level_messages_are_cut(doc):
    data = encode(doc)
    if b'"parties": [], ' in data:
        data = data.replace(b"}", b', "' + b"x" * 1_000_000 + b'": 2}')  # duplicate huge key
    assert len(file_error(data)) < 500


def test_user_text_in_messages_is_escaped():
    path, message = only_error(with_field("parties", "p-a", "kind", "a\nb\x1b[31m'"))
    assert "\n" not in message and "\x1b" not in message
    assert "\\x0a" in message


def test_unknown_key_with_a_lone_surrogate_can_be_printed():
    data = encode(full_doc()).replace(b'"notes": "Transitional', b'"\\ud800": 1, "notes": "Transitional')
    errors = validation_errors(data)
    assert len(errors) == 1 and errors[0].path.startswith("parties[p-a].")
    str(ValidationError(errors)).encode("utf-8")


# ====================================================================== text kept exactly (through a workspace)
ODD_TEXT = ("\x01\x07\x1b\x1f\x7f\x80\x85\x9f\u00ad\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
            "\u2066\u2067\u2068\u2069\u2028\u2029\ufeff\ufdd0\ufffe\uffff\U0001fffe\U0010ffff\U0001f600"
            "\U0001f1f8\U0001f1fe\r\n\r\t\v\f \u3000 <b>&amp;</b> أسعد שלום 中文 Кириллица e\u0301 \ufb01")


def test_controls_noncharacters_bidi_and_emoji_round_trip(tmp_path):
    doc = full_doc()
    record(doc, "parties", "p-a")["name"] = "x" + ODD_TEXT
    record(doc, "parties", "p-a")["notes"] = ODD_TEXT
    record(doc, "people", "per-1")["aliases"] = [ODD_TEXT, "\u2067" + "أسعد" + "\u2069"]
    record(doc, "rounds", "r-1")["sources"][0]["quote"] = ODD_TEXT
    record(doc, "events", "e-1")["title"] = ODD_TEXT
    data = json.dumps(doc, ensure_ascii=True).encode()  # also as \u escapes
    with new_workspace(tmp_path / "w.sqlite") as ws:
        interchange.import_json(ws, data)
        assert export_dict(ws) == normalised(doc)


@pytest.mark.parametrize("blank", ["", " ", "  ", "\n", "\t\n", "\u3000"], ids=repr)
def test_blank_optional_text_round_trips_unchanged(tmp_path, blank):
    doc = full_doc()
    for collection, rid, field in [("parties", "p-a", "notes"), ("people", "per-1", "native_name"),
                                   ("people", "per-1", "title"), ("people", "per-1", "bio"),
                                   ("topics", "t-1", "description"), ("topics", "t-1", "category"),
                                   ("rounds", "r-1", "title"), ("rounds", "r-1", "venue"),
                                   ("sources", "s-1", "url"), ("sources", "s-1", "text"),
                                   ("events", "e-1", "description")]:
        record(doc, collection, rid)[field] = blank
    record(doc, "people", "per-1")["aliases"] = [blank, "x"]
    record(doc, "people", "per-1")["roles"][0]["organization"] = blank
    record(doc, "rounds", "r-1")["participants"][0]["role"] = blank
    record(doc, "rounds", "r-1")["sources"][0]["quote"] = blank
    with new_workspace(tmp_path / "w.sqlite") as ws:
        interchange.import_json(ws, encode(doc))
        out = export_dict(ws)
    assert out == normalised(doc)
    assert record(out, "parties", "p-a")["notes"] == blank  # never turned into null


# ====================================================================== any wrong value: errors, never a crash
WRONG_VALUES = [None, True, 0, -1, 1.5, "", " ", "zz", "P-A", [], ["zz"], [None], [{}], {}, {"a": 1}, [[1]]]
ALL_FIELDS = [(c, f) for c in ("parties", "people", "negotiations", "topics", "rounds", "positions", "sources",
                               "events") for f in full_doc()[c][0]]


@pytest.mark.parametrize("collection, field", ALL_FIELDS, ids=[f"{c}.{f}" for c, f in ALL_FIELDS])
def test_any_wrong_value_in_any_field_gives_field_errors(collection, field):
    for value in WRONG_VALUES:
        for target in (0, -1):  # the first record (referred to by others) and the last
            doc = full_doc()
            doc[collection][target][field] = value
            try:
                read(doc)
            except ValidationError as exc:
                assert exc.errors
                for error in exc.errors:
                    assert error.path.startswith((f"{collection}[", "rounds[", "positions[", "people[", "events[",
                                                  "topics[", "negotiations[", "sources[", "parties["))
                    assert error.message
                str(exc).encode("utf-8")


def test_out_of_range_round_numbers_are_not_also_reported_as_clashes():
    doc = full_doc()
    record(doc, "rounds", "r-1")["number"] = 0
    record(doc, "rounds", "r-2")["number"] = 0
    assert error_paths(doc) == ["rounds[r-1].number", "rounds[r-2].number"]
