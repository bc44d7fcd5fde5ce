"""The story of each kind of dossier, from the sections."""

from __future__ import annotations

from reportlab.platypus import PageBreak, Spacer
from reportlab.platypus.flowables import Flowable, HRFlowable

from dossier.export.pdf import styles
from dossier.export.pdf.builder.chronology import ChronologySection
from dossier.export.pdf.builder.cover import CoverSection
from dossier.export.pdf.builder.glance import GlanceSection
from dossier.export.pdf.builder.layout import _keep_headings, _SectionBreak
from dossier.export.pdf.builder.matrix import MatrixSection
from dossier.export.pdf.builder.people import PeopleSection
from dossier.export.pdf.builder.rounds import RoundsSection
from dossier.export.pdf.builder.sources import SourcesSection
from dossier.export.pdf.builder.summary import SummarySection
from dossier.export.pdf.page import Anchor, Contents
from dossier.export.pdf.text import TextBlock
from dossier.model import analysis
from dossier.model.labels import status_word
from dossier.model.records import (
    Round,
)


class DossierBuilder(CoverSection, GlanceSection, SummarySection, ChronologySection, RoundsSection, MatrixSection,
                     PeopleSection, SourcesSection):
    """Makes the flowables of one export (``Scope``) from a document; each section is a mixin."""


def round_brief_title(builder: DossierBuilder, rnd: Round) -> str:
    """``Round 6: Vienna round (Cancelled)``: the round's title, with the word for a round
    that did not take place."""
    word = status_word(rnd)
    return builder.round_title(rnd) + (f" ({word.capitalize()})" if word else "")


def _not_recorded(builder: DossierBuilder) -> TextBlock | None:
    if not builder.missing:
        return None
    return builder.explain("Not recorded: " + "; ".join(builder.missing) + ".")


def story(builder: DossierBuilder) -> list[Flowable]:
    """The whole story for the builder's scope. The first page says what the paper is about
    (a profile: the person; a brief or a dossier: what a reader needs first); sections follow
    one another without empty pages, and a section with nothing to show is one line saying
    so. The sources annex comes last: it lists the sources cited by everything made before it."""
    scope = builder.scope
    neg = scope.negotiation
    flow: list[Flowable] = []
    if scope.kind == "person" and scope.person is not None:
        flow += [Anchor(f"profile-{scope.person.id}", scope.person.name, 0)]
        flow += builder.cover("Person profile", scope.person.name)
        at = len(flow)
        flow += builder.profile(scope.person, neg, level=1)
        flow += builder.sources_annex()
        line = _not_recorded(builder)
        if line is not None:
            flow.insert(at, line)
        return _keep_headings(flow)
    if scope.kind == "round" and scope.round is not None and neg is not None:
        word = status_word(scope.round)
        kind = "Round brief" + (f" — {word.capitalize()}" if word else "")
        flow += builder.cover(kind, f"{neg.title} — {round_brief_title(builder, scope.round)}")
        flow += builder.at_a_glance(neg, as_of=scope.round)
        at = len(flow)
        flow += [_SectionBreak(), Spacer(1, 10)]
        flow += builder.round_part(scope.round, level=0, style=styles.H1)
        flow += builder.matrix(neg, as_of=scope.round)
        title = f"Gaps as of {builder.round_heading(scope.round)}"
        gaps = analysis.gaps(builder.doc, neg.id, scope.round.id, ordered=builder.ordered(neg.id))
        if gaps.conflicts or gaps.answered or gaps.open:
            flow += [_SectionBreak(), *builder.heading(title, 1, styles.H2)]
            flow += builder.gap_tables(gaps)
        flow += builder.sources_annex()
        line = _not_recorded(builder)
        if line is not None:
            flow.insert(at, line)
        return _keep_headings(flow)
    title = neg.title if neg else "Negotiation dossier"
    flow += builder.cover("Negotiation dossier", title)
    if neg is None:
        flow.append(builder.note("This workspace holds no negotiation: there are no rounds, positions, people or "
                                 "sources to report."))
        return flow
    flow += builder.at_a_glance(neg)
    body: list[Flowable] = []
    body += builder.summary(neg)
    body += builder.timeline(neg)
    body += builder.chronology(neg)
    body += builder.rounds_section(neg)
    body += builder.matrix(neg)
    body += builder.people_section(neg)
    body += builder.sources_annex()
    contents_key = "contents"
    flow += [PageBreak(), Anchor(contents_key, "Contents", 0, contents=False), TextBlock("Contents", styles.H1),
             HRFlowable(width="100%", thickness=1.2, color=styles.ACCENT, spaceAfter=8),
             Contents(list(builder.contents))]
    line = _not_recorded(builder)
    if line is not None:
        flow.append(line)
    return _keep_headings(flow + body)
