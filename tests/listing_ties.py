"""A small workspace document whose every listing order meets equal values and NULLs.

Shared by the keyset paging tests on SQLite (tests/services) and on PostgreSQL.
"""

from __future__ import annotations

from dossier.model import records as r

KINDS = ["demand", "offer", "red_line", "concession", "assurance", "statement"]


def ties_document() -> r.Document:
    """Names equal but for case, positions without person, round or date, rounds without number."""
    parties = {"n1": ["a", "a2", "b"], "n2": ["a", "g"]}
    doc = r.Document(
        parties=[r.Party(id="a", name="Alpha"), r.Party(id="a2", name="alpha"),
                 r.Party(id="b", name="Beta"), r.Party(id="g", name="gamma")],
        people=[r.Person(id="p1", name="Sam Lee", party="a", title="Envoy"),
                r.Person(id="p2", name="sam lee", party="b"),
                r.Person(id="p3", name="Ann", native_name="Zed", title="envoy"),
                r.Person(id="p4", name="Zed", party="a2", native_name="Zed")],
        negotiations=[r.Negotiation(id=n, title=title,
                                    parties=[r.NegotiationParty(party=p, role="party") for p in parties[n]])
                      for n, title in (("n1", "First"), ("n2", "Second"))],
        topics=[r.Topic(id="t1", negotiation="n1", title="Water"),
                r.Topic(id="t1b", negotiation="n1", title="water"),
                r.Topic(id="t2", negotiation="n1", title="Borders"),
                r.Topic(id="t3", negotiation="n2", title="Water")],
        rounds=[r.Round(id="r1", negotiation="n1", number=2, title="Second", venue="Paris", start="2025-02"),
                r.Round(id="r2", negotiation="n1", number=1, venue="paris", start="2025-01",
                        participants=[r.Participant(person="p1"), r.Participant(person="p3")]),
                r.Round(id="r3", negotiation="n1", title="Unnumbered"),
                r.Round(id="r4", negotiation="n1", title="unnumbered", venue="Rome", start="2025-02",
                        participants=[r.Participant(person="p1")]),
                r.Round(id="r5", negotiation="n2", number=1, start="2025-01")],
        sources=[r.Source(id="s1", title="Report", reliability="B"),
                 r.Source(id="s2", title="report", publisher="Wire", via="s1", published="2025"),
                 r.Source(id="s3", title="Cable", publisher="wire", via="s1", reliability="B",
                          published="2025"),
                 r.Source(id="s4", title="Notes", via="s3", published="2025-01")],
    )
    topics = {"n1": ["t1", "t1b", "t2"], "n2": ["t3"]}
    rounds = {"n1": [None, "r1", "r2", "r3", "r4"], "n2": [None, "r5"]}
    people = [None, "p1", "p2", "p3", "p4"]
    dates = [None, "2025-01", "2025-01-05", "2025", "2025-01"]
    summaries = ["Same text", "same TEXT", "Other", "another", "Same text"]
    for neg, n in (("n1", 40), ("n2", 12)):
        for i in range(n):
            doc.positions.append(r.Position(
                id=f"{neg}-{i:02d}", negotiation=neg, party=parties[neg][i % len(parties[neg])],
                topic=topics[neg][i % len(topics[neg])], round=rounds[neg][(i // 2) % len(rounds[neg])],
                person=people[(i // 3) % len(people)], date=dates[i % len(dates)], kind=KINDS[i % 4],
                summary=summaries[(i // 4) % len(summaries)],
                sources=[r.Citation(source="s1", credibility=2)] if i % 7 == 0 else []))
    return doc
