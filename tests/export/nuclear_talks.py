"""A realistic document for the PDF tests of what the analysis says (imported explicitly by
the test modules, not a pytest conftest)."""

from __future__ import annotations

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


def nuclear_talks() -> Document:
    """Realistic nuclear talks, rounds 1–6, the sixth cancelled: a red line followed by two
    statements, a remark-only cell, a position with no round dated only to the month, events
    around the cancelled round (one known only to the month), a minister whose role ended
    after the rounds he attended, and two sources the round brief of Round 1 cites only the
    second of."""

    def cite(source, credibility=2):
        return [Citation(source=source, credibility=credibility)]

    def position(pid, party, topic, kind, summary, round=None, date=None, sources=()):
        return Position(id=pid, negotiation="nt", party=party, topic=topic, kind=kind, summary=summary,
                        round=round, date=date, sources=list(sources))

    def rnd(number, start, status="held", topics=("t-enr", "t-sanc"), **kw):
        return Round(id=f"r{number}", negotiation="nt", number=number, start=start, status=status,
                     topics=list(topics), **kw)

    return Document(
        parties=[Party(id="ir", name="Iran"), Party(id="us", name="United States"), Party(id="om", name="Oman")],
        people=[
            Person(id="fm", name="Karim Farahani", party="ir", title="Former Minister of Foreign Affairs",
                   roles=[Role(title="Deputy Minister of Foreign Affairs", start="2021-09", end="2024-08-20"),
                          Role(title="Minister of Foreign Affairs", start="2024-08-21", end="2025-07-31")]),
            Person(id="env", name="Dan Whitford", party="us", title="Special Envoy"),
        ],
        negotiations=[Negotiation(id="nt", title="Iran–US nuclear talks", started="2025-04",
                                  parties=[NegotiationParty(party="ir", role="party"),
                                           NegotiationParty(party="us", role="party"),
                                           NegotiationParty(party="om", role="mediator")])],
        topics=[Topic(id="t-enr", negotiation="nt", title="Enrichment"),
                Topic(id="t-sanc", negotiation="nt", title="Sanctions relief"),
                Topic(id="t-insp", negotiation="nt", title="Inspections"),
                Topic(id="t-assets", negotiation="nt", title="Frozen assets")],
        rounds=[
            rnd(1, "2025-04-12", venue="Muscat",
                participants=[Participant(person="fm", role="Head of delegation"),
                              Participant(person="env", role="Head of delegation")]),
            rnd(2, "2025-04-19", venue="Rome"),
            rnd(3, "2025-05-11", venue="Muscat"),
            rnd(4, "2025-05-23", venue="Rome", topics=("t-enr", "t-sanc", "t-insp")),
            rnd(5, "2025-06-05", venue="Muscat", topics=("t-enr", "t-assets")),
            rnd(6, "2025-06-15", status="cancelled", venue="Muscat", topics=("t-enr",)),
        ],
        positions=[
            position("ir-enr-red", "ir", "t-enr", "red_line", "Enrichment on Iranian soil is not negotiable.",
                     round="r1", date="2025-04-12", sources=cite("s-wire")),
            position("us-enr-dem", "us", "t-enr", "demand", "Zero enrichment: dismantle the centrifuge halls.",
                     round="r1", date="2025-04-12", sources=cite("s-wire")),
            position("ir-sanc-dem", "ir", "t-sanc", "demand", "Lift every sanction before any step.",
                     round="r1", date="2025-04-12"),
            position("us-sanc-off", "us", "t-sanc", "offer", "Phased relief as inspections verify each step.",
                     round="r2", date="2025-04-19", sources=cite("s-paper")),
            position("ir-enr-st1", "ir", "t-enr", "statement", "We remain ready to keep talking.",
                     round="r2", date="2025-04-19"),
            position("ir-enr-st2", "ir", "t-enr", "statement",
                     "Iran will never give up a right that every signatory of the treaty enjoys, whatever is "
                     "said in Washington this week.", round="r3", date="2025-05-11", sources=cite("s-paper", 3)),
            position("ir-insp-st", "ir", "t-insp", "statement", "Inspectors are welcome within the treaty.",
                     round="r4", date="2025-05-23"),
            position("us-insp-dem", "us", "t-insp", "demand", "Snap inspections of every declared site.",
                     date="2025-05"),
            position("ir-assets-dem", "ir", "t-assets", "demand", "Release the frozen assets held abroad.",
                     round="r5", date="2025-06-05"),
        ],
        sources=[Source(id="s-paper", title="Newspaper of record", reliability="B"),
                 Source(id="s-wire", title="Wire service report", reliability="C")],
        events=[
            Event(id="ev-ceasefire", negotiation="nt", date="2025-06", title="Ceasefire agreed"),
            Event(id="ev-strikes", negotiation="nt", date="2025-06-13", title="Strikes on nuclear sites"),
            Event(id="ev-board", negotiation="nt", date="2025-06-12", title="Board finds Iran in breach"),
            Event(id="ev-visit", negotiation="nt", date="2025-04-08", title="Farahani visits Muscat",
                  people=["fm"]),
        ],
    )
