"""``seal_bidi`` closes what a field leaves open, by the rules of UAX #9, and nothing else."""

from __future__ import annotations

import pytest

from dossier.model.text import seal_bidi

LRE, RLE, PDF, LRO, RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"


@pytest.mark.parametrize(("text", "sealed"), [
    ("plain", "plain"),
    ("", ""),
    (f"a{RLO}b", f"a{RLO}b{PDF}"),
    (f"a{RLI}b", f"a{RLI}b{PDI}"),
    (f"{RLE}{LRI}x", f"{RLE}{LRI}x{PDI}{PDF}"),  # innermost first
    (f"{LRI}{RLE}x", f"{LRI}{RLE}x{PDF}{PDI}"),
    (f"{RLO}x{PDF}", f"{RLO}x{PDF}"),  # closed already: as it was
    (f"{FSI}x{PDI}{PDF}", f"{FSI}x{PDI}{PDF}"),  # a stray PDF closes nothing, adds nothing
    (f"{LRI}{RLE}x{PDI}", f"{LRI}{RLE}x{PDI}"),  # PDI closes the embedding inside its isolate
    (f"{RLE}{LRI}x{PDF}", f"{RLE}{LRI}x{PDF}{PDI}{PDF}"),  # PDF cannot close across an isolate
    (f"{RLO}x\ny", f"{RLO}x\ny"),  # a paragraph end closes everything
    (f"x\n{RLO}y", f"x\n{RLO}y{PDF}"),
    (RLE * 130, RLE * 130 + PDF * 130),  # beyond the deepest level too
])
def test_what_is_left_open_is_closed_at_the_end(text, sealed):
    assert seal_bidi(text) == sealed


def test_text_without_an_open_control_is_the_same_object():
    text = "عباس عراقچی \u200e(Abbas)"
    assert seal_bidi(text) is text

