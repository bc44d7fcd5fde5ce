"""PDF export benchmark: a synthetic negotiation dossier of about 500 pages, against the
same number of pages of plain reportlab paragraphs built in the same run.

    .venv/bin/python benchmarks/bench_pdf.py [--pages 500] [--write-results]

Prints both times and their ratio; ``--write-results`` also rewrites the PDF section of
benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import platform
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dossier.export.pdf import export_pdf  # noqa: E402
from dossier.model.records import (  # noqa: E402
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

WORDS = ("security withdrawal border guarantee monitoring sequence ceasefire corridor sanctions "
         "mechanism verification timetable assurance delegation envoy proposal draft principle").split()
KINDS = ["demand", "offer", "red_line", "concession", "assurance", "statement"]


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def synthetic(scale: int, seed: int = 7) -> Document:
    """A negotiation with ``scale`` rounds and people: about 4.8 pages per unit of scale."""
    rng = random.Random(seed)
    parties = [Party(id=p, name=n) for p, n in [("a", "Aland"), ("b", "Bland"), ("m", "Mediania")]]
    people = [Person(id=f"p{i}", name=f"Person {i}", native_name=("أسعد الشيباني" if i % 3 == 0 else
                                                                "בנימין נתניהו" if i % 3 == 1 else None),
                     party="abm"[i % 3], title=sentence(rng, 4), bio="\n".join(sentence(rng, 40) for _ in range(4)),
                     roles=[Role(title=sentence(rng, 3), organization="Ministry", start="2020")])
              for i in range(scale)]
    topics = [Topic(id=f"t{i}", negotiation="n", title=sentence(rng, 3)) for i in range(12)]
    sources = [Source(id=f"s{i}", title=sentence(rng, 6), publisher="Wire", reliability="ABCDEF"[i % 6],
                      url=f"https://example.org/{i}") for i in range(40)]
    rounds, positions = [], []
    for r in range(1, scale + 1):
        day = datetime.date(2020, 1, 1) + datetime.timedelta(days=9 * r)
        rounds.append(Round(id=f"r{r}", negotiation="n", number=r, start=day.isoformat(), venue="Geneva",
                            summary=sentence(rng, 60), topics=[f"t{(r + k) % 12}" for k in range(3)],
                            participants=[Participant(person=f"p{(r + k) % scale}") for k in range(4)],
                            sources=[Citation(source=f"s{r % 40}", credibility=2)]))
        for k in range(4):
            positions.append(Position(id=f"x{r}-{k}", negotiation="n", party="ab"[k % 2], topic=f"t{(r + k) % 12}",
                                      round=f"r{r}", person=f"p{(r + k) % scale}", kind=rng.choice(KINDS),
                                      summary=sentence(rng, 25), sources=[Citation(source=f"s{(r + k) % 40}",
                                                                                   credibility=3)]))
    events = [Event(id=f"e{i}", negotiation="n", date=f"{2020 + i // 12:04d}-{i % 12 + 1:02d}", title=sentence(rng, 5))
              for i in range(scale // 2)]
    negotiation = Negotiation(id="n", title="Synthetic talks", started="2020", parties=[
        NegotiationParty(party="a", role="party"), NegotiationParty(party="b", role="party"),
        NegotiationParty(party="m", role="mediator")])
    return Document(parties=parties, people=people, negotiations=[negotiation], topics=topics, rounds=rounds,
                    positions=positions, sources=sources, events=events)


def plain_reportlab(path: Path, pages: int) -> int:
    """``pages`` pages of plain paragraphs in a built-in font, for comparison."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    rng = random.Random(1)
    style = getSampleStyleSheet()["BodyText"]
    per_page = 7
    story = [Paragraph(sentence(rng, 70), style) for _ in range(pages * per_page)]
    doc = SimpleDocTemplate(str(path), pagesize=A4)
    doc.build(story)
    return doc.page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500, help="pages to aim for (default 500)")
    parser.add_argument("--write-results", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        doc = synthetic(scale=max(1, round(args.pages / 4.8)))
        started = time.perf_counter()
        dossier_pages = export_pdf(doc, Path(tmp) / "dossier.pdf", prepared=datetime.date(2026, 1, 1))
        dossier_s = time.perf_counter() - started
        started = time.perf_counter()
        plain_pages = plain_reportlab(Path(tmp) / "plain.pdf", dossier_pages)
        plain_s = time.perf_counter() - started
    ratio = dossier_s / plain_s
    print(f"dossier: {dossier_pages} pages in {dossier_s:.1f} s ({dossier_pages / dossier_s:.1f} pages/s)")
    print(f"plain reportlab: {plain_pages} pages in {plain_s:.1f} s ({plain_pages / plain_s:.1f} pages/s)")
    print(f"ratio: {ratio:.1f}")
    if args.write_results:
        write_results(dossier_pages, dossier_s, plain_pages, plain_s, ratio)


def write_results(dossier_pages, dossier_s, plain_pages, plain_s, ratio) -> None:
    path = ROOT / "benchmarks" / "RESULTS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    section = (
        "## PDF\n\n"
        "`benchmarks/bench_pdf.py --write-results`: a synthetic negotiation dossier (rounds, positions,\n"
        "matrix, profiles with Arabic and Hebrew names, sources annex) against the same number of pages of\n"
        "plain reportlab paragraphs (Helvetica, no tables), built in the same run. The dossier is built in\n"
        "two passes (contents page numbers, `Page x of y`), and shapes and reorders every text itself.\n\n"
        "| build | pages | seconds | pages/s |\n|---|---|---|---|\n"
        f"| dossier | {dossier_pages} | {dossier_s:.1f} | {dossier_pages / dossier_s:.1f} |\n"
        f"| plain reportlab | {plain_pages} | {plain_s:.1f} | {plain_pages / plain_s:.1f} |\n\n"
        f"Ratio dossier / plain: **{ratio:.1f}×**. Measured {datetime.date.today().isoformat()} on "
        f"{platform.machine()}, Python {platform.python_version()}, {_cpu_count()} CPU(s).\n"
    )
    pattern = re.compile(r"## PDF\n.*?(?=\n## |\Z)", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section.rstrip("\n") + "\n", text)  # a blank line before the next section
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def _cpu_count() -> int:
    import os

    return os.cpu_count() or 1


if __name__ == "__main__":
    main()
