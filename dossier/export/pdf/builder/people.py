"""Person profiles."""

from __future__ import annotations

from reportlab.platypus.flowables import Flowable

from dossier.export.pdf import styles
from dossier.export.pdf.builder.base import BuilderBase
from dossier.export.pdf.builder.layout import _table, date_words, range_words
from dossier.export.pdf.page import Anchor
from dossier.export.pdf.text import Span, TextBlock
from dossier.model import analysis
from dossier.model.dates import sort_key
from dossier.model.labels import status_word
from dossier.model.records import (
    Negotiation,
    Person,
)


class PeopleSection(BuilderBase):
    # ------------------------------------------------------------ people
    def people_in(self, neg: Negotiation) -> list[Person]:
        involved: list[str] = []
        party_ids = {p.party for p in neg.parties}
        for rnd in analysis.ordered_rounds(self.doc, neg.id):
            involved += [p.person for p in rnd.participants] + ([rnd.mediator] if rnd.mediator else [])
        involved += [p.person for p in self.doc.positions if p.negotiation == neg.id and p.person]
        for event in self.doc.events:
            if event.negotiation == neg.id:
                involved += event.people
        involved += [p.id for p in self.doc.people if p.party in party_ids]
        seen: dict[str, None] = {}
        for person_id in involved:
            if person_id in self.people:
                seen.setdefault(person_id)
        party_rank = {p.party: i for i, p in enumerate(neg.parties)}
        return sorted((self.people[i] for i in seen), key=lambda p: (party_rank.get(p.party, 99), p.name.casefold()))

    def people_section(self, neg: Negotiation) -> list[Flowable]:
        return self.listing("People", self.people_in(neg), lambda person: self.profile(person, neg), "people")

    def profile(self, person: Person, neg: Negotiation | None, level: int = 1) -> list[Flowable]:
        w = self.scope.width
        alone = self.scope.kind == "person"  # the cover already names the person, with title and party
        missing: list[str] = []
        if alone:
            flow: list[Flowable] = [Anchor(f"person-{person.id}")]
            if person.aliases:
                flow += [*self.subheading("Also written"), TextBlock("; ".join(person.aliases), styles.BODY)]
        else:
            flow = self.heading(person.name, level, styles.H2, key=f"person-{person.id}")
            if person.native_name:
                flow.append(TextBlock(person.native_name, styles.BODY.but(size=12, leading=17, color=styles.MUTED)))
            flow.append(self.facts([("Party", self.party_name(person.party) if person.party else None),
                                    ("Title", person.title),
                                    ("Also written", "; ".join(person.aliases) if person.aliases else None)]))
        if person.bio:
            flow += [*self.subheading("Biography"), TextBlock(person.bio, styles.BODY)]
        roles = [r for r in person.roles if r.end] if alone else person.roles  # current ones are on the cover
        if roles:
            flow += self.subheading("Earlier roles" if alone else "Roles")
            rows = [self.head_row("Title", "Organization", "Period")]
            ordered = sorted(roles, key=lambda r: sort_key(r.start))
            for role in ordered:
                period = range_words(role.start, role.end) if role.start or role.end else "date unknown"
                if role.start and not role.end:
                    period = f"since {date_words(role.start)}"
                rows.append([self.cell(role.title, bold=True), self.cell(role.organization or "—"), self.cell(period)])
            flow.append(_table(rows, [0.45 * w, 0.33 * w, 0.22 * w]))
        elif not (alone and person.roles):
            missing.append("roles")
        rounds = [r for r in (analysis.ordered_rounds(self.doc, neg.id) if neg else [])
                  if any(p.person == person.id for p in r.participants) or r.mediator == person.id]
        if rounds:
            flow += self.subheading("Rounds attended")
            for rnd in rounds:
                role = next((p.role for p in rnd.participants if p.person == person.id and p.role), None)
                if rnd.mediator == person.id:
                    role = "mediator"
                link = f"round-{rnd.id}" if self.scope.kind == "negotiation" else None
                venue = self.venue_after_title(rnd)
                spans = [Span("•  "), Span(self.round_title(rnd), bold=True, link=link),
                         Span(f" — {range_words(rnd.start, rnd.end)}" + (f", {venue}" if venue else ""))]
                word = status_word(rnd)
                if word:
                    spans.append(Span(f" — {word}", bold=True, italic=True, color=styles.MUTED))
                then = analysis.title_at(person, rnd)
                said = [x for x in [role, f"as {then}" if then and then != person.title else None] if x]
                if said:
                    spans.append(Span(f" ({'; '.join(said)})", color=styles.MUTED))
                flow.append(TextBlock(spans, styles.BODY.but(space_after=1, indent=8)))
        else:
            missing.append("rounds attended")
        events = analysis.events_naming(self.doc, person.id, neg.id if neg else None)
        if events:
            flow += [*self.subheading("Events naming them"), self.events_table(events)]
        else:
            missing.append("events naming them")
        positions = [p for p in self.doc.positions if p.person == person.id and (neg is None or
                                                                               p.negotiation == neg.id)]
        if positions:
            flow += self.subheading("Positions stated")
            if neg is not None:
                order = {id(p): i for i, (_key, p) in enumerate(self.ordered(neg.id))}
                positions.sort(key=lambda p: order.get(id(p), 0))
            else:
                positions.sort(key=lambda p: (sort_key(p.date), p.id))
            before = self.approximate_count
            flow.append(self.positions_table(positions))
            if self.approximate_count > before:
                flow.append(self.approximate_note())
        else:
            missing.append("positions stated")
        if person.notes:
            flow += [*self.subheading("Analyst notes"), TextBlock(Span(person.notes, italic=True), styles.BODY)]
        if missing:
            flow.append(self.explain("Not recorded: " + "; ".join(missing) + "."))
        return flow

