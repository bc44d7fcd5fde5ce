"""The cover: kind, title, marking and the facts of what is printed."""

from __future__ import annotations

from reportlab.platypus import Spacer
from reportlab.platypus.flowables import Flowable, HRFlowable

from dossier.export.pdf import styles
from dossier.export.pdf.builder.base import BuilderBase
from dossier.export.pdf.builder.layout import ROLE_ORDER, _marking_box, _table, date_words, range_words
from dossier.export.pdf.text import Span, TextBlock, TextStyle, cut_to_fit
from dossier.model.enums import PartyRole
from dossier.model.labels import status_word


class CoverSection(BuilderBase):
    # ------------------------------------------------------------ cover
    def fitted(self, text: str, style: TextStyle, max_lines: int, width: float | None = None) -> TextBlock:
        """``text`` in at most ``max_lines`` lines of the page's width, ended with an ellipsis
        when cut (a cover has room for so much of a title; the full text prints inside)."""
        width = self.scope.width if width is None else width
        block = TextBlock(text, style)
        block.wrap(width, 1e6)
        if len(block._lines) <= max_lines:
            return block

        def fits(trial: str) -> bool:
            trial_block = TextBlock(trial, style)
            trial_block.wrap(width, 1e6)
            return len(trial_block._lines) <= max_lines

        return TextBlock(cut_to_fit(text, fits, shortest=1, word_within=0.8), style)

    def cover(self, kind_label: str, title: str) -> list[Flowable]:
        """The top of the first page: what the paper is, its title, the facts that belong to
        it (a round brief's are the round's, a profile's are the person's) and the marking."""
        scope = self.scope
        neg = scope.negotiation
        title_block = self.fitted(title, styles.COVER_TITLE, 4)
        if title_block.length() < len(title):  # a very long title: smaller, and still cut to fit
            title_block = self.fitted(title, styles.COVER_TITLE.but(size=15, leading=19), 8)
        flow: list[Flowable] = [Spacer(1, 12),
                                TextBlock(Span(kind_label.upper(), bold=True), styles.COVER_KIND.but(space_after=6)),
                                title_block,
                                HRFlowable(width="100%", thickness=2, color=styles.ACCENT, spaceBefore=4,
                                           spaceAfter=10)]
        pairs: list[tuple[str, str | None]] = []
        person, rnd = scope.person, scope.round
        if person is not None:
            pairs += [("Native script", person.native_name),
                      ("Current title", person.title),
                      ("Party", self.party_name(person.party) if person.party else None)]
            current = [r for r in person.roles if not r.end]
            if current:
                pairs.append(("Roles", "; ".join(
                    r.title + (f", {r.organization}" if r.organization else "")
                    + (f" (since {date_words(r.start)})" if r.start else "") for r in current)))
        elif rnd is not None:
            if neg is not None:
                pairs.append(("Negotiation", neg.title))
                names = [self.party_name(p.party) for p in neg.parties if p.role == PartyRole.PARTY]
                if names:
                    pairs.append(("Parties", ", ".join(names)))
            word = status_word(rnd)
            if word is None:
                status = "Held"
            elif word == "planned":
                status = "Planned: this round has not taken place yet"
            else:
                status = f"{word.capitalize()}: this round did not take place"
            pairs.append(("Round status", status))
            pairs.append(("Round dates", range_words(rnd.start, rnd.end)))
            pairs.append(("Round venue", rnd.venue))
            pairs.append(("Mediator", self.person_name(rnd.mediator) if rnd.mediator else None))
        elif neg is not None:
            for role in ROLE_ORDER:
                names = [self.party_name(p.party) for p in neg.parties if p.role == role]
                if names:
                    label = {"party": "Parties", "mediator": "Mediator", "observer": "Observers",
                             "host": "Host"}[role]
                    pairs.append((label, ", ".join(names)))
            pairs.append(("Status", neg.status.capitalize()))
            pairs.append(("Dates", range_words(neg.started, neg.ended) if neg.started or neg.ended
                          else "date unknown"))
        else:
            pairs.append(("Negotiation", "None recorded in this workspace"))
        pairs += [("Prepared", scope.prepared), ("Author", scope.author)]
        value_width = scope.width - 110
        rows = []
        for label, value in pairs:
            if not value:
                continue
            block = TextBlock(value, styles.COVER_FACT)
            block.wrap(value_width - 8, 1e6)
            if len(block._lines) > 4:  # the full text prints inside
                block = self.fitted(value, styles.COVER_FACT, 4, value_width - 8)
            rows.append([TextBlock(label, styles.COVER_FACT.but(bold=True, color=styles.MUTED)), block])
        flow.append(_table(rows, [110, value_width], header=False, zebra=False,
                           extra=[("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
        flow += [Spacer(1, 12), _marking_box(scope.marking, scope.width), Spacer(1, 14)]
        if neg is not None and neg.summary and scope.kind == "negotiation":
            flow += [Spacer(1, 6), TextBlock(neg.summary, styles.BODY.but(size=10.5, leading=15))]
        return flow

