"""Labels the window composes from pieces of user text keep the pieces in order."""

from __future__ import annotations

from dossier.ui.widgets.text import dot_joined

RLO, PDF, RLI, PDI = "\u202e", "\u202c", "\u2067", "\u2069"


def test_pieces_joined_on_screen_are_each_sealed():
    """The window joins pieces of user text with " · " (a round's title, dates and venue): an
    override left open in one piece ends with it, so the pieces after it keep their order."""
    assert dot_joined(["Round 5", f"Vienna{RLO}", "Muscat"]) == f"Round 5 · Vienna{RLO}{PDF} · Muscat"
    assert dot_joined([f"{RLI}talks", 12]) == f"{RLI}talks{PDI} · 12"
