"""Every valid workspace prints: generated hostile-but-valid records (long lines, many lines,
mixed scripts, control characters, every bidi control, extreme and partial dates) in a small
document, exported as all three kinds of PDF."""

from __future__ import annotations

import datetime
import tempfile
from pathlib import Path

import pypdf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossier.export.pdf import export_pdf
from dossier.model.records import (
    Citation,
    Document,
    Event,
    Negotiation,
    NegotiationParty,
    Participant,
    Party,
    Person,
    Position,
    Role,
    Round,
    Source,
    Topic,
)

#: every bidi control: embeddings, overrides, isolates, their closers, and the marks
BIDI_CONTROLS = "".join(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]))
#: letters of the scripts a dossier mixes, with the marks and joiners their text carries
SCRIPTS = ("abcXYZ 0123456789 .,;:—–-()[]«»\"'/&<>" "أسعد حسن الشيباني عراقچی لا" "\u200c\u200d\u064b\u0651"
           "בנימין נתניהו" "Привет Ελληνικά" "éèçñøß" "\u00a0\t")

characters = st.one_of(
    st.sampled_from(SCRIPTS),
    st.sampled_from(BIDI_CONTROLS),
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
)


def text(min_size: int = 1, max_size: int = 120) -> st.SearchStrategy[str]:
    """Text of the interchange spec: anything but U+0000 and lone surrogates; required text has
    a character that is not white space."""
    line = st.text(characters, min_size=min_size, max_size=max_size)
    long_line = st.builds(lambda word, n: (word + " ") * n, st.text(characters, min_size=1, max_size=12),
                          st.integers(20, 120))
    many_lines = st.lists(st.text(characters, max_size=30), min_size=2, max_size=40).map("\n".join)
    no_spaces = st.text(st.sampled_from("Nم0"), min_size=200, max_size=900)
    return st.one_of(line, long_line, many_lines, no_spaces).map(lambda t: t if t.strip() else t + "x")


def dates() -> st.SearchStrategy[str]:
    year = st.integers(1, 9999)
    return st.one_of(
        year.map(lambda y: f"{y:04d}"),
        st.tuples(year, st.integers(1, 12)).map(lambda ym: f"{ym[0]:04d}-{ym[1]:02d}"),
        st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)).map(lambda d: d.isoformat()),
    )


maybe_date = st.one_of(st.none(), dates())


@st.composite
def documents(draw) -> Document:
    parties = [Party(id="a", name=draw(text())), Party(id="b", name=draw(text()))]
    topics = [Topic(id=f"t{i}", negotiation="n", title=draw(text())) for i in range(draw(st.integers(1, 3)))]
    sources = [Source(id=f"s{i}", title=draw(text()), reliability=draw(st.sampled_from("ABCDEF")),
                      published=draw(maybe_date), notes=draw(st.one_of(st.none(), text())))
               for i in range(draw(st.integers(0, 2)))]

    def cites():
        if not sources:
            return []
        return [Citation(source=s.id, credibility=draw(st.integers(1, 6)))
                for s in draw(st.lists(st.sampled_from(sources), max_size=2, unique_by=lambda s: s.id))]

    person = Person(id="p", name=draw(text()), native_name=draw(st.one_of(st.none(), text())), party="a",
                    aliases=draw(st.lists(text(), max_size=3)), title=draw(st.one_of(st.none(), text())),
                    bio=draw(st.one_of(st.none(), text(max_size=400))), notes=draw(st.one_of(st.none(), text())),
                    roles=[Role(title=draw(text()), organization=draw(st.one_of(st.none(), text())),
                                start=draw(maybe_date), end=draw(maybe_date))
                           for _ in range(draw(st.integers(0, 2)))])
    rounds = []
    for number in range(1, draw(st.integers(1, 3)) + 1):
        start = draw(maybe_date)
        rounds.append(Round(id=f"r{number}", negotiation="n", number=draw(st.one_of(st.none(), st.just(number))),
                            title=draw(st.one_of(st.none(), text())), start=start, end=None,
                            venue=draw(st.one_of(st.none(), text())),
                            status=draw(st.sampled_from(["held", "held", "planned", "postponed", "cancelled"])),
                            summary=draw(st.one_of(st.none(), text(max_size=300))), mediator=None,
                            participants=[Participant(person="p", role=draw(st.one_of(st.none(), text())))],
                            topics=draw(st.lists(st.sampled_from([t.id for t in topics]), unique=True)),
                            sources=cites()))
    positions = [Position(id=f"q{i}", negotiation="n", party=draw(st.sampled_from(["a", "b"])),
                          topic=draw(st.sampled_from([t.id for t in topics])),
                          round=draw(st.one_of(st.none(), st.sampled_from([r.id for r in rounds]))),
                          person=draw(st.one_of(st.none(), st.just("p"))), date=draw(maybe_date),
                          kind=draw(st.sampled_from(["red_line", "demand", "offer", "concession", "assurance",
                                                     "statement"])),
                          summary=draw(text(max_size=600)), sources=cites())
                 for i in range(draw(st.integers(0, 6)))]
    events = [Event(id=f"e{i}", negotiation="n", date=draw(dates()), title=draw(text()),
                    description=draw(st.one_of(st.none(), text())), people=["p"], sources=cites())
              for i in range(draw(st.integers(0, 2)))]
    negotiation = Negotiation(id="n", title=draw(text()), summary=draw(st.one_of(st.none(), text(max_size=300))),
                              started=draw(maybe_date), ended=draw(maybe_date),
                              parties=[NegotiationParty(party="a", role="party"),
                                       NegotiationParty(party="b", role="party")])
    return Document(parties=parties, people=[person], negotiations=[negotiation], topics=topics, rounds=rounds,
                    positions=positions, sources=sources, events=events)


@settings(max_examples=12, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(documents(), st.sampled_from(["a4", "letter"]), st.sampled_from(["RESTRICTED", "SECRET // REL TO USA, GBR"]))
def test_every_valid_workspace_prints_all_three_kinds(doc, paper, marking):
    with tempfile.TemporaryDirectory() as folder:
        for kwargs in ({}, {"round_id": doc.rounds[0].id}, {"person_id": "p"}):
            out = Path(folder) / "out.pdf"
            pages = export_pdf(doc, out, paper=paper, marking=marking, prepared=datetime.date(2026, 1, 7), **kwargs)
            assert pages == len(pypdf.PdfReader(out).pages) >= 1


def test_a_heading_holding_line_ends_is_one_line_in_the_contents(tmp_path):
    """A venue of fifty record separators (each a line end to the bidi algorithm) once made its
    round's line of the contents taller than the page was left to hold it."""
    venue = ("\x1e" + " ") * 50 + "x"
    doc = Document(
        parties=[Party(id="a", name="0", kind="state"), Party(id="b", name="0", kind="state")],
        people=[Person(id="p", name="0", party="a")],
        negotiations=[Negotiation(id="n", title="0", status="active",
                                  parties=[NegotiationParty(party="a", role="party"),
                                           NegotiationParty(party="b", role="party")])],
        topics=[Topic(id="t0", negotiation="n", title="0")],
        rounds=[Round(id="r1", negotiation="n", venue=venue, status="held", participants=[Participant(person="p")])],
        positions=[], sources=[], events=[])
    for kwargs in ({}, {"round_id": "r1"}, {"person_id": "p"}):
        out = tmp_path / "out.pdf"
        pages = export_pdf(doc, out, paper="a4", marking="RESTRICTED", prepared=datetime.date(2026, 1, 7), **kwargs)
        assert pages == len(pypdf.PdfReader(out).pages) >= 1
