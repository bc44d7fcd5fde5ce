"""The sidebar's panes, in order, each imported when first shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

# The services, the panes and what they import (SQLAlchemy among them) load when a
# workspace is first shown, so the window itself appears as soon as Qt can draw it.
if TYPE_CHECKING:
    from dossier.ui.context import Pane


def _negotiations() -> type[Pane]:
    from dossier.ui.panes.negotiations import NegotiationsPane

    return NegotiationsPane


def _parties() -> type[Pane]:
    from dossier.ui.panes.parties import PartiesPane

    return PartiesPane


def _topics() -> type[Pane]:
    from dossier.ui.panes.topics import TopicsPane

    return TopicsPane


def _events() -> type[Pane]:
    from dossier.ui.panes.events import EventsPane

    return EventsPane


def _people() -> type[Pane]:
    from dossier.ui.panes.people import PeoplePane

    return PeoplePane


def _rounds() -> type[Pane]:
    from dossier.ui.panes.rounds import RoundsPane

    return RoundsPane


def _positions() -> type[Pane]:
    from dossier.ui.panes.positions import PositionsPane

    return PositionsPane


def _sources() -> type[Pane]:
    from dossier.ui.panes.sources import SourcesPane

    return SourcesPane


def _timeline() -> type[Pane]:
    from dossier.ui.panes.timeline import TimelinePane

    return TimelinePane


#: The sidebar's panes in order: key, title, class name, and what imports the class. Each
#: pane's module is imported when the pane is first shown; the imports are written out so
#: that bundlers see them (``tests/ui/test_shell.py`` checks this agrees with the classes).
PANES: tuple[tuple[str, str, str, Callable[[], type[Pane]]], ...] = (
    ("negotiations", "Negotiations", "NegotiationsPane", _negotiations),
    ("parties", "Parties", "PartiesPane", _parties),
    ("people", "People", "PeoplePane", _people),
    ("topics", "Topics", "TopicsPane", _topics),
    ("rounds", "Rounds", "RoundsPane", _rounds),
    ("positions", "Positions", "PositionsPane", _positions),
    ("sources", "Sources", "SourcesPane", _sources),
    ("events", "Events", "EventsPane", _events),
    ("timeline", "Timeline", "TimelinePane", _timeline),
)
PANE_KEYS = tuple(key for key, *_rest in PANES)


def pane_class(index: int) -> type[Pane]:
    return PANES[index][3]()


def pane_classes() -> tuple[type[Pane], ...]:
    """The sidebar's pane classes, in order (importing every pane)."""
    return tuple(load() for *_rest, load in PANES)

