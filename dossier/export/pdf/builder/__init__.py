"""The story of each kind of dossier: negotiation dossier, round brief, person profile.

Every piece of user text reaches the page through :class:`TextBlock`, which never
parses markup. Citations print as ``[S2 B2]`` (the workspace's number of the source, its
reliability, the information's credibility) and link to the annex entry.

What the records *say* — round order, standing positions, gaps, movement, chronology,
titles as of a round, events of a round or a person, source numbers — comes from
:mod:`dossier.model.analysis`, and the words for rounds, kinds and statuses from
:mod:`dossier.model.labels`; this package only decides how it looks on paper.

``base`` holds the builder's state and small pieces; each section is a mixin of its own
module (``cover``, ``glance`` — the first page —, ``summary``, ``chronology``, ``rounds``,
``matrix``, ``people``, ``sources``); ``story`` puts them together as ``DossierBuilder``
and orders the sections of each kind of dossier; ``layout`` holds the tables, headings and
breaks they are made of.
"""

from dossier.export.pdf.builder.base import Scope
from dossier.export.pdf.builder.layout import first_words, page_room
from dossier.export.pdf.builder.story import DossierBuilder, round_brief_title, story

__all__ = ["DossierBuilder", "Scope", "first_words", "page_room", "round_brief_title", "story"]
