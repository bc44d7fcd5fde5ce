"""Every benchmark runs on the small size and yields a number, so none can rot.

Nothing here is timed against a limit: the figures themselves live in
benchmarks/RESULTS.md, measured by ``benchmarks/run.py``.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def run_module():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import run

        yield run
    finally:
        sys.path.remove(str(BENCHMARKS))


@pytest.mark.slow
def test_every_benchmark_gives_a_figure_on_the_small_size(run_module):
    figures = run_module.run("small", repeat=1)
    names = {f.name for f in figures}
    assert names >= set(run_module.BENCHMARKS)
    for figure in figures:
        assert isinstance(figure.value, float) and math.isfinite(figure.value) and figure.value >= 0, figure
        if figure.baseline is not None:
            assert math.isfinite(figure.baseline) and figure.baseline > 0, figure
    assert "| startup |" in run_module.table(figures)


def test_generator_is_deterministic_and_valid(run_module):
    import generate

    from dossier.services.interchange import read_document

    small = generate.Size(people=30, rounds=6, positions=60, sources=20, negotiations=2, events=4)
    first, again = generate.generated(small), generate.generated(small)
    assert first == again
    import json

    doc = read_document(json.dumps(first, ensure_ascii=False).encode("utf-8"))
    assert len(doc.people) == 30 and len(doc.positions) == 60 and len(doc.rounds) == 6
    text = json.dumps(first, ensure_ascii=False)
    assert any("\u0600" <= c <= "\u06ff" for c in text) and any("\u0590" <= c <= "\u05ff" for c in text)
    assert any(s.via for s in doc.sources)
    precisions = {len(p.date) for p in doc.positions if p.date}
    assert precisions >= {4, 7, 10} or len(doc.positions) < 100
