"""The story of each kind of dossier: negotiation dossier, round brief, person profile.

Every piece of user text reaches the page through :class:`TextBlock`, which never
parses markup. Citations print as ``[S2 B2]`` (the workspace's number of the source, its
reliability, the information's credibility) and link to the annex entry.

What the records *say* — round order, standing positions, gaps, movement, chronology,
titles as of a round, events of a round or a person, source numbers — comes from
:mod:`dossier.model.analysis`; this module only decides how it looks on paper.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from reportlab.lib.colors import HexColor, white
from reportlab.platypus import CondPageBreak, PageBreak, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable, HRFlowable

from dossier.export.pdf import styles
from dossier.export.pdf.page import Anchor, Contents
from dossier.export.pdf.text import Span, TextBlock, TextStyle
from dossier.export.pdf.timeline import legend_drawing, timeline_drawings
from dossier.model import analysis
from dossier.model.dates import display_date, display_range, is_approximate, sort_key
from dossier.model.enums import CREDIBILITY_LABELS, RELIABILITY_LABELS, PartyRole, PositionKind, RoundStatus
from dossier.model.palette import KIND_ORDER
from dossier.model.records import (
    Citation,
    Document,
    Event,
    Negotiation,
    Person,
    Position,
    Round,
    Source,
    source_number_label,
)

HUGE_CELL = 2500  # characters
ROLE_ORDER = [PartyRole.PARTY, PartyRole.MEDIATOR, PartyRole.OBSERVER, PartyRole.HOST]
#: how many words of a remark the matrix and the movement tables quote
FIRST_WORDS = 14
#: the colour of a later remark printed beneath a red line's dark cell
_ON_DARK = HexColor("#f3d9d9")

#: the word for a round that did not take place, by status
STATUS_WORDS = {RoundStatus.CANCELLED: "cancelled", RoundStatus.POSTPONED: "postponed",
                RoundStatus.PLANNED: "planned"}


def status_word(rnd: Round) -> str | None:
    """"cancelled", "postponed" or "planned" for a round that did not take place; None for a held one."""
    if analysis.took_place(rnd):
        return None
    return STATUS_WORDS.get(rnd.status, str(rnd.status))


def date_words(text: str | None, *, approximate: bool = False) -> str:
    """``dates.display_date``, saying "date unknown" for no date."""
    return display_date(text, approximate=approximate) if text else "date unknown"


range_words = display_range


def first_words(text: str, limit: int = FIRST_WORDS) -> str:
    """The first ``limit`` words of ``text`` on one line, with an ellipsis when cut."""
    words = text.split()
    if len(words) <= limit and len(text) <= 12 * limit:
        return " ".join(words)
    cut = " ".join(words[:limit])
    if len(cut) > 12 * limit:
        cut = cut[: 12 * limit].rstrip()
    return cut.rstrip(",;:—–- ") + "…"


@dataclass
class Scope:
    """What one export prints."""

    kind: str  # "negotiation", "round", "person"
    negotiation: Negotiation | None
    round: Round | None = None
    person: Person | None = None
    marking: str = "RESTRICTED"
    author: str | None = None
    prepared: str = ""
    width: float = 0.0


class _Table(Table):
    """A table that remembers its row heights for each (height, width, column widths) it was
    measured at: a build's second pass wraps the same tables at the same places again, and
    measuring every cell of every row is most of what a wrap costs."""

    _MEASURED = ("_rowHeights", "_rowpositions", "_height", "_hmax")
    #: the height of the page's frame (set by the export): a row taller than this splits inside
    page_room: float = 600.0

    def split(self, availWidth, availHeight):
        result = super().split(availWidth, availHeight)
        if result or self.splitInRow:
            return result
        heading = sum(h or 0 for h in self._rowHeights[:self.repeatRows]) if self.repeatRows else 0
        tallest = max((h for h in self._rowHeights if h is not None), default=0)
        if tallest > self.page_room - heading - 2 or getattr(self, "_postponed", False):
            # a row no page can hold, or one that did not fit at the top of a page either:
            # split inside it rather than fail
            self.splitInRow = 1
            if heading > self.page_room / 4:  # a heading row too tall to repeat on every page
                self.repeatRows = 0
            return super().split(availWidth, availHeight)
        return result

    def _calc_height(self, availHeight, availWidth, H=None, W=None):
        memo = self.__dict__.setdefault("_height_memo", {})
        key = (availHeight, availWidth, tuple(W) if W else None)
        known = memo.get(key)
        if known is not None:
            for name, value in zip(self._MEASURED, known, strict=True):
                setattr(self, name, list(value) if isinstance(value, list) else value)
            return
        super()._calc_height(availHeight, availWidth, H=H, W=W)
        memo[key] = tuple(list(v) if isinstance(v, list) else v for v in map(self.__getattribute__, self._MEASURED))

    def draw(self):
        if getattr(self.canv, "layout_only", False):  # a pass that only finds where things go
            return
        super().draw()


class _HeadingRoom(CondPageBreak):
    """Put before a heading: a new page unless the heading and the start of what follows it
    (a few lines, or a table's first rows) fit, so that no heading is left at the foot of a
    page. ``story`` tells each one what follows its heading."""

    #: at most this much of what follows is kept with the heading
    MOST = 150.0

    def __init__(self, fixed: float):
        super().__init__(fixed)
        self.fixed = fixed
        self.following: list[Flowable] = []

    def wrap(self, availWidth, availHeight):
        start = 0.0
        for following in self.following:
            if isinstance(following, TextBlock) and getattr(following, "is_heading", False):
                following.wrap(availWidth, 1e6)  # a heading right below this one goes with it whole
                start += following.height + following.spaceBefore + following.spaceAfter + 8
                continue
            start += _first_piece(following, availWidth)
            if not (isinstance(following, TextBlock) and len(following._lines) <= 1):
                break  # a one-line text (a native name, a short note) is kept with what follows it too
        self.height = self.fixed + min(start, self.MOST + 60) + 6  # and a little room for rules and padding
        return super().wrap(availWidth, availHeight)


class _SectionBreak(CondPageBreak):
    """A new page before a section only when less than a fifth of the page is left."""

    def __init__(self):
        super().__init__(0)

    def wrap(self, availWidth, availHeight):
        self.height = _Table.page_room / 5
        return super().wrap(availWidth, availHeight)


def _heading_text(title: str, style: TextStyle) -> TextBlock:
    block = TextBlock(title, style)
    block.is_heading = True
    return block


def _first_piece(flowable: Flowable, width: float) -> float:
    """The height of the least of ``flowable`` worth keeping with a heading above it."""
    if isinstance(flowable, TextBlock):
        flowable.wrap(width, 1e6)
        return min(len(flowable._lines), 3) * flowable.style.leading + flowable.spaceBefore + flowable.spaceAfter
    if isinstance(flowable, Table):
        flowable.wrap(width, 1e6)
        heights = flowable._rowHeights
        if sum(heights) <= _HeadingRoom.MOST * 0.8:  # a short table, such as a few facts: all of it
            return sum(heights)
        rows = 2 if flowable.repeatRows and len(heights) > 1 else 1
        return sum(heights[:rows])
    return 0.0


def _keep_headings(flow: list[Flowable]) -> list[Flowable]:
    """Tell each heading's room what follows its heading: the headings right after it (a
    section's title and its first subheading) and the first two flowables with a height
    after them, up to the next heading that has content before it."""
    for index, flowable in enumerate(flow):
        if isinstance(flowable, _HeadingRoom):
            shown: list[Flowable] = []
            content = 0
            for following in flow[index + 1:index + 16]:
                if isinstance(following, _HeadingRoom):
                    if content:
                        break
                    continue
                if isinstance(following, TextBlock) and getattr(following, "is_heading", False):
                    shown.append(following)
                elif isinstance(following, (TextBlock, Table)):
                    shown.append(following)
                    content += 1
                    if content == 2:
                        break
            flowable.following = shown[1:]  # shown[0] is the heading itself
    return flow


def page_room(pagesize: tuple[float, float]) -> None:
    """Tell the tables how tall the text frame of a page is (a row taller than it splits inside)."""
    _Table.page_room = pagesize[1] - styles.MARGIN_TOP - styles.MARGIN_BOTTOM


def _cell_length(cell) -> int:
    if isinstance(cell, TextBlock):
        return cell.length()
    if isinstance(cell, (list, tuple)):
        return sum(_cell_length(c) for c in cell)
    return 0


def _table(rows: list[list], widths: list[float], *, header: bool = True, zebra: bool = True,
           extra: Iterable[tuple] = ()) -> Table:
    # Rows move to the next page whole, unless a row is taller than any page (``_Table.split``).
    table = _Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, styles.RULE),
    ]
    if header:
        commands += [("BACKGROUND", (0, 0), (-1, 0), styles.HEADER_FILL),
                     ("LINEBELOW", (0, 0), (-1, 0), 0.8, styles.ACCENT)]
    if zebra:
        start = 1 if header else 0
        for row in range(start + 1, len(rows), 2):
            commands.append(("BACKGROUND", (0, row), (-1, row), styles.ZEBRA))
    table.setStyle(TableStyle([*commands, *extra]))
    return table


@dataclass
class DossierBuilder:
    doc: Document
    scope: Scope
    #: the workspace's number of every source (``analysis.source_numbers``)
    source_numbers: dict[str, int] = field(default_factory=dict)
    #: the sources this document cites, in the order it first cites them (filled as the story is made)
    cited: dict[str, None] = field(default_factory=dict)
    contents: list[tuple[int, str, str]] = field(default_factory=list)

    def __post_init__(self):
        self.parties = {p.id: p for p in self.doc.parties}
        self.people = {p.id: p for p in self.doc.people}
        self.topics = {t.id: t for t in self.doc.topics}
        self.sources = {s.id: s for s in self.doc.sources}
        self.rounds = {r.id: r for r in self.doc.rounds}
        self.source_numbers = analysis.source_numbers(self.doc)
        self._ordered: dict[str, analysis.Ordered] = {}
        self._placements: dict[str, dict[str, analysis.Placement]] = {}
        self._keys = 0
        #: how many approximately placed positions were printed so far (each calls for the note)
        self.approximate_count = 0
        #: what has no records, said in one line instead of an empty section
        self.missing: list[str] = []

    # ------------------------------------------------------------ small pieces
    def key(self, prefix: str) -> str:
        self._keys += 1
        return f"{prefix}-{self._keys}"

    def heading(self, title: str, level: int, style: TextStyle, *, contents: bool = True,
                key: str | None = None) -> list[Flowable]:
        key = key or self.key("h")
        if contents:
            self.contents.append((level, title, key))
        return [_HeadingRoom(style.leading + style.space_before + style.space_after),
                Anchor(key, title, level, contents), _heading_text(title, style)]

    def subheading(self, title: str) -> list[Flowable]:
        """A heading inside a section, moved to the next page when too little room is left
        for it and the start of what follows."""
        style = styles.H3
        return [_HeadingRoom(style.leading + style.space_before + style.space_after), _heading_text(title, style)]

    def section(self, title: str, *, new_page: bool = True) -> list[Flowable]:
        """A section's title. Sections follow one another on the same page; ``new_page`` only
        asks for a new page when this one has less than its bottom fifth left."""
        flow: list[Flowable] = [_SectionBreak(), Spacer(1, 10)] if new_page else []
        return flow + self.heading(title, 0, styles.H1) + [
            HRFlowable(width="100%", thickness=1.2, color=styles.ACCENT, spaceBefore=0, spaceAfter=8)]

    def note(self, text: str) -> TextBlock:
        return TextBlock(Span(text, italic=True), styles.BODY.but(color=styles.MUTED))

    def explain(self, text: str) -> TextBlock:
        """A sentence saying how to read what follows."""
        return TextBlock(text, styles.SMALL.but(space_after=6))

    def party_name(self, party_id: str | None) -> str:
        if party_id is None:
            return "—"
        party = self.parties.get(party_id)
        return party.name if party else party_id

    def person_name(self, person_id: str | None) -> str:
        if person_id is None:
            return "—"
        person = self.people.get(person_id)
        return person.name if person else person_id

    def topic_title(self, topic_id: str) -> str:
        topic = self.topics.get(topic_id)
        return topic.title if topic else topic_id

    def ordered(self, negotiation_id: str) -> analysis.Ordered:
        """The negotiation's positions in position order, sorted once per document."""
        if negotiation_id not in self._ordered:
            self._ordered[negotiation_id] = analysis.ordered_positions(self.doc, negotiation_id)
        return self._ordered[negotiation_id]

    def round_title(self, rnd: Round) -> str:
        if rnd.number is not None and rnd.title:
            return f"Round {rnd.number}: {rnd.title}"
        if rnd.number is not None:
            return f"Round {rnd.number}" + (f", {rnd.venue}" if rnd.venue else "")
        return rnd.title or (f"Round at {rnd.venue}" if rnd.venue else f"Round {rnd.id}")

    def venue_after_title(self, rnd: Round) -> str | None:
        """The round's venue where its title does not already name it."""
        return rnd.venue if rnd.venue and not (rnd.title is None and rnd.number is not None) else None

    def round_heading(self, rnd: Round) -> str:
        """The round's title, with the word for a round that did not take place."""
        word = status_word(rnd)
        return self.round_title(rnd) + (f" — {word}" if word else "")

    def short_round(self, rnd: Round) -> str:
        return f"Round {rnd.number}" if rnd.number is not None else self.round_title(rnd)

    # ------------------------------------------------------------ placement of round-less positions
    def placement(self, position: Position) -> analysis.Placement | None:
        """The placement of a position without a round when it is approximate, else None."""
        if position.round is not None:
            return None
        if position.negotiation not in self._placements:
            self._placements[position.negotiation] = analysis.placements(self.doc, position.negotiation)
        placed = self._placements[position.negotiation].get(position.id)
        return placed if placed is not None and placed.approximate else None

    def placement_words(self, position: Position) -> str | None:
        """``Approximately placed after Round 3 by its date (…)`` for a position without a round
        whose date does not say on which side of a round it falls; None otherwise."""
        placed = self.placement(position)
        if placed is None:
            return None
        self.approximate_count += 1
        if placed.undated:
            return "Approximately placed: no date and no round, so counted before every round"
        where = f"after {self.short_round(placed.after)}" if placed.after else "before every round"
        names = [self.short_round(r) for r in placed.spans]
        spans = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return (f"Approximately placed {where} by its date; {date_words(position.date)} also holds "
                f"the start of {spans}")

    def approximate_note(self) -> TextBlock:
        return TextBlock(
            "Approximately placed: a position given no round is placed among the rounds by its date. A date "
            "known only to the month or year counts as the end of that month or year, so when that period "
            "also holds the start of a round the position may in fact have come before it. To make the "
            "placement exact, give the position its full date (the day) or the round it was put forward in.",
            styles.SMALL.but(space_before=4, space_after=6))

    # ------------------------------------------------------------ citations
    def cite_spans(self, citations: list[Citation], *, color=None) -> list[Span]:
        """``[S2 B2]`` for each citation, by the workspace's source numbers; every source cited
        here is listed in the annex."""
        spans: list[Span] = []
        for citation in citations:
            number = self.source_numbers.get(citation.source)
            source = self.sources.get(citation.source)
            if number is None or source is None:
                continue
            self.cited.setdefault(citation.source)
            spans.append(Span(f" [{source_number_label(number)}\u00a0{source.reliability}{citation.credibility}]",
                              color=color or styles.LINK, link=f"src-{number}"))
        return spans

    def annexed_sources(self) -> list[str]:
        """The sources the document cites and the sources that carried them (``via``),
        by number."""
        listed: dict[str, None] = {}
        for source_id in self.cited:
            seen: set[str] = set()
            current: str | None = source_id
            while current and current in self.sources and current not in seen:
                seen.add(current)
                listed.setdefault(current)
                current = self.sources[current].via
        return sorted(listed, key=lambda sid: (self.source_numbers.get(sid, 1 << 62), sid))

    # ------------------------------------------------------------ cells
    def cell(self, text: str | None, *, style: TextStyle = styles.CELL, cite: list[Citation] = (),
             bold: bool = False) -> TextBlock:
        spans = [Span(text if text is not None else "—", bold=bold)] + self.cite_spans(list(cite))
        return TextBlock(spans, style)

    def head_row(self, *titles: str) -> list[TextBlock]:
        return [TextBlock(t, styles.CELL_HEAD) for t in titles]

    def facts(self, pairs: list[tuple[str, str | None]], label_width: float = 95) -> Table:
        rows = [[TextBlock(label, styles.LABEL), self.cell(value)] for label, value in pairs if value]
        if not rows:
            rows = [[TextBlock("", styles.LABEL), self.cell("—")]]
        return _table(rows, [label_width, self.scope.width - label_width], header=False, zebra=False,
                      extra=[("LINEBELOW", (0, 0), (-1, -1), 0.25, styles.RULE)])

    def kind_badge(self, kind: str) -> TextBlock:
        _fill, ink, _frame = styles.KIND_LOOK[PositionKind(kind)]
        return TextBlock(Span(PositionKind(kind).label.upper(), bold=True, color=ink),
                         styles.CELL.but(size=8, leading=10))

    # ------------------------------------------------------------ cover
    def fitted(self, text: str, style: TextStyle, max_lines: int, width: float | None = None) -> TextBlock:
        """``text`` in at most ``max_lines`` lines of the page's width, ended with an ellipsis
        when cut (a cover has room for so much of a title; the full text prints inside)."""
        width = self.scope.width if width is None else width
        block = TextBlock(text, style)
        block.wrap(width, 1e6)
        if len(block._lines) <= max_lines:
            return block
        low, high = 1, len(text)
        while low < high:  # the longest start that fits with its ellipsis
            middle = (low + high + 1) // 2
            trial = TextBlock(text[:middle].rstrip() + "…", style)
            trial.wrap(width, 1e6)
            if len(trial._lines) <= max_lines:
                low = middle
            else:
                high = middle - 1
        cut = text[:low]
        space = cut.rfind(" ")
        if space > low * 0.8:
            cut = cut[:space]
        return TextBlock(cut.rstrip(" ,;:—–-") + "…", style)

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

    # ------------------------------------------------------------ the first page
    def cut_off(self, neg: Negotiation) -> str | None:
        """The latest date on record for the negotiation (held rounds, positions, events and the
        sources they cite): the information cut-off."""
        dates: list[str] = []
        cited: list[Citation] = []
        for rnd in analysis.ordered_rounds(self.doc, neg.id):
            if analysis.took_place(rnd):
                dates += [d for d in (rnd.start, rnd.end) if d]
                cited += rnd.sources
        for position in self.doc.positions:
            if position.negotiation == neg.id:
                dates += [position.date] if position.date else []
                cited += position.sources
        for event in self.doc.events:
            if event.negotiation == neg.id:
                dates.append(event.date)
                cited += event.sources
        for citation in cited:
            source = self.sources.get(citation.source)
            if source is not None and source.published:
                dates.append(source.published)
        dates = [d for d in dates if d]
        return max(dates, key=sort_key) if dates else None

    def weak(self, position: Position) -> bool:
        """True when every citation of ``position`` is weak (reliability E or F, or credibility
        5 or 6), or it cites nothing."""
        for citation in position.sources:
            source = self.sources.get(citation.source)
            if source is not None and source.reliability not in ("E", "F") and citation.credibility not in (5, 6):
                return False
        return True

    def at_a_glance(self, neg: Negotiation, as_of: Round | None = None) -> list[Flowable]:
        """What a reader needs first, from the records: the latest held round and what changed
        in it, the gaps with their sides, the next planned round, the information cut-off, and
        the claims that rest only on weak sources."""
        flow: list[Flowable] = self.heading("At a glance", 0, styles.H2.but(space_before=6))
        rounds = analysis.ordered_rounds(self.doc, neg.id)
        latest = analysis.latest_round(self.doc, neg.id, as_of.id if as_of else None)
        after = rounds[rounds.index(latest) + 1:] if latest in rounds else rounds
        planned = next((r for r in after if r.status == RoundStatus.PLANNED), None)
        cut_off = self.cut_off(neg)

        def round_words(rnd: Round) -> str:
            venue = self.venue_after_title(rnd)
            return f"{self.round_title(rnd)} — {range_words(rnd.start, rnd.end)}" + (f", {venue}" if venue else "")

        previous = analysis.previous_round(self.doc, as_of.id) if as_of is not None else None
        facts: list[tuple[str, str | None]] = [
            ("Previous held round", round_words(previous) if previous else "none: this is the first")
            if as_of is not None else
            ("Latest held round", round_words(latest) if latest else "none has taken place"),
            ("Next planned round", round_words(planned) if planned else "none planned on record"),
            ("Information cut-off", f"{date_words(cut_off)} (the latest dated record)" if cut_off
             else "no dated record"),
        ]
        flow.append(self.facts(facts))
        lines: list[list[Span]] = []
        if latest is not None:
            prev = analysis.previous_round(self.doc, latest.id)
            moves = analysis.movement(self.doc, latest.id, ordered=self.ordered(neg.id))
            for move in moves:
                who = f"{self.party_name(move.party)} on {self.topic_title(move.topic)}"
                if move.change == analysis.Change.NEW and move.now.kind == PositionKind.RED_LINE and prev:
                    lines.append([Span("New red line: ", bold=True), Span(f"{who}: {first_words(move.now.summary)}")]
                                 + self.cite_spans(move.now.sources))
                elif move.change == analysis.Change.RESTATED and move.now.kind == PositionKind.RED_LINE:
                    lines.append([Span("Red line restated: ", bold=True),
                                  Span(f"{who}: {first_words(move.now.summary)}")] + self.cite_spans(move.now.sources))
                elif move.change == analysis.Change.KIND_CHANGED:
                    lines.append([Span(move.label.capitalize() + ": ", bold=True),
                                  Span(f"{who}: {first_words(move.now.summary)}")] + self.cite_spans(move.now.sources))
                elif move.change == analysis.Change.OFF_AGENDA:
                    lines.append([Span("Off the agenda: ", bold=True),
                                  Span(f"{self.topic_title(move.topic)} ({self.party_name(move.party)}'s "
                                       f"{PositionKind(move.now.kind).label.lower()} stands)")])
            if prev is None:
                flow.append(TextBlock(f"{self.short_round(latest)} is the first held round: there is no earlier "
                                      "one to say what changed since.", styles.BODY.but(space_before=6)))
            else:
                flow += self.subheading(f"What changed in {self.short_round(latest)} since {self.short_round(prev)}")
                if not lines:
                    lines.append([Span("No new red line, change of kind or topic off the agenda.")])
                others = sum(1 for m in moves if m.change in (analysis.Change.NEW, analysis.Change.RESTATED,
                                                               analysis.Change.REMARK)) - sum(
                    1 for m in moves if m.change in (analysis.Change.NEW, analysis.Change.RESTATED)
                    and m.now.kind == PositionKind.RED_LINE)
                if others:
                    lines.append([Span(f"{others} other new or restated stance{'s' if others != 1 else ''} or "
                                       "remark" + ("s" if others != 1 else "") + " (see the movement table).",
                                       color=styles.MUTED)])
                flow += [TextBlock([Span("•  ")] + line, styles.BODY.but(space_after=1, indent=8)) for line in lines]
        gaps = analysis.gaps(self.doc, neg.id, latest.id if latest else (as_of.id if as_of else None),
                             ordered=self.ordered(neg.id))
        gap_lines: list[list[Span]] = []

        def claim_words(claim: Position) -> list[Span]:
            return [Span(f"{self.party_name(claim.party)} ", bold=True),
                    Span(f"{PositionKind(claim.kind).label.lower()}: {first_words(claim.summary, 10)}")] \
                + self.cite_spans(claim.sources)

        for gap in gaps.conflicts:
            sides = "; ".join(f"{self.party_name(p.party)} {PositionKind(p.kind).label.lower()}: "
                              f"{first_words(p.summary, 8)}" for p in gap.against)
            gap_lines.append([Span("Conflict — ", bold=True, color=styles.MARKING),
                              Span(f"{self.topic_title(gap.topic)}: ", bold=True)] + claim_words(gap.claim)
                             + [Span(f" — against: {sides}")])
        for gap in gaps.answered:
            sides = "; ".join(f"{self.party_name(p.party)} {PositionKind(p.kind).label.lower()}: "
                              f"{first_words(p.summary, 8)}" for p in gap.answers)
            gap_lines.append([Span("Answered — to judge — ", bold=True),
                              Span(f"{self.topic_title(gap.topic)}: ", bold=True)] + claim_words(gap.claim)
                             + [Span(f" — answered by: {sides}")])
        for gap in gaps.open:
            gap_lines.append([Span("Open — ", bold=True), Span(f"{self.topic_title(gap.topic)}: ", bold=True)]
                             + claim_words(gap.claim)
                             + [Span(" — not yet addressed by " + ", ".join(self.party_name(p) for p in gap.unanswered_by))])
        flow += self.subheading("Gaps" + (f" as of {self.short_round(latest)}" if latest else ""))
        if gap_lines:
            flow += [TextBlock([Span("•  ")] + line, styles.BODY.but(space_after=1, indent=8)) for line in gap_lines]
        else:
            flow.append(TextBlock("No gaps: no negotiating party's standing demand or red line is on record.",
                                  styles.BODY))
        claims: list[Position] = []
        for gap in [*gaps.conflicts, *gaps.answered, *gaps.open]:
            if gap.claim not in claims:
                claims.append(gap.claim)
        weak = [c for c in claims if self.weak(c)]
        if weak:
            flow += self.subheading("Resting only on weak sources")
            flow.append(self.explain("Every citation of these claims grades the source E or F or the information "
                                     "5 or 6, or the claim cites nothing: treat them with care."))
            for claim in weak:
                spans = [Span("•  "), Span(f"{self.party_name(claim.party)}, "
                                                              f"{self.topic_title(claim.topic)}: ", bold=True),
                         Span(f"{PositionKind(claim.kind).label.lower()}: {first_words(claim.summary, 10)}")]
                spans += self.cite_spans(claim.sources) or [Span(" (no source cited)", italic=True,
                                                                 color=styles.MUTED)]
                flow.append(TextBlock(spans, styles.BODY.but(space_after=1, indent=8, color=styles.MARKING)))
        return flow

    # ------------------------------------------------------------ summary
    def fate_words(self, rnd: Round) -> str:
        """``Round 6 was cancelled``, ``Round 7 is planned for 3 Feb 2026``, ``Round 4 was held``."""
        word = status_word(rnd)
        if word == "planned":
            return f"{self.short_round(rnd)} is planned" + (f" for {range_words(rnd.start, rnd.end)}"
                                                            if rnd.start else "")
        return f"{self.short_round(rnd)} was {word or 'held'}"

    def latest_round_words(self, neg: Negotiation) -> str:
        """The latest held round, and what became of the rounds after it
        (``Round 5 … (Round 6 was cancelled)``)."""
        rounds = analysis.ordered_rounds(self.doc, neg.id)
        latest = analysis.latest_round(self.doc, neg.id)
        after = rounds[rounds.index(latest) + 1:] if latest else rounds
        later = [self.fate_words(r) for r in after if status_word(r)]
        if latest is None:
            words = "no round has taken place"
        else:
            venue = self.venue_after_title(latest)
            words = f"{self.round_title(latest)} — {range_words(latest.start, latest.end)}" + (
                f", {venue}" if venue else "")
        return words + (f" ({'; '.join(later)})" if later else "")

    def summary(self, neg: Negotiation) -> list[Flowable]:
        flow = self.section("Summary")
        rounds = analysis.ordered_rounds(self.doc, neg.id)
        held = [r for r in rounds if analysis.took_place(r)]
        counts = [f"{len(rounds)} recorded", f"{len(held)} held"]
        for status, word in STATUS_WORDS.items():
            n = sum(1 for r in rounds if r.status == status)
            if n:
                counts.append(f"{n} {word}")
        facts = [("Status", neg.status.capitalize()),
                 ("Rounds", ", ".join(counts) if rounds else "none recorded"),
                 ("Latest round", self.latest_round_words(neg) if rounds else "none recorded"),
                 ("Positions", str(sum(1 for p in self.doc.positions if p.negotiation == neg.id))),
                 ("Events", str(sum(1 for e in self.doc.events if e.negotiation == neg.id)))]
        gaps = analysis.gaps(self.doc, neg.id, ordered=self.ordered(neg.id))
        flow += self.heading("Gaps", 1, styles.H2, contents=False)
        flow += self.gap_tables(gaps)
        flow += self.heading("Key facts", 1, styles.H2, contents=False)
        flow.append(self.facts(facts))
        return flow

    GAPS_EXPLAINED = (
        "Gaps are read from each negotiating party's standing position on a topic: its latest red line, "
        "demand, offer, concession or assurance (a later statement is a remark and does not replace it); "
        "mediators, observers and hosts neither open nor close a gap. A red line or demand is a conflict "
        "where another party stands against it with a red line or demand of its own, or has made only "
        "remarks on the topic; answered — to judge where another party has met it with an offer, "
        "concession or assurance (both sides are shown: whether the answer meets the claim is the "
        "analyst's call); open where another party has not addressed the topic at all.")

    def gap_tables(self, gaps: analysis.Gaps) -> list[Flowable]:
        w = self.scope.width
        if not (gaps.conflicts or gaps.answered or gaps.open):
            return [self.note("No gaps: no negotiating party's standing demand or red line is on record.")]
        flow: list[Flowable] = [self.explain(self.GAPS_EXPLAINED)]
        empty = []
        if gaps.conflicts:
            flow += self.subheading("Conflicts")
            rows = [self.head_row("Topic", "Claim", "Stood against by")]
            for gap in gaps.conflicts:
                rows.append([self.cell(self.topic_title(gap.topic), bold=True), self.position_block(gap.claim),
                             _stack([self.position_block(p) for p in gap.against])])
            flow.append(_table(rows, [0.2 * w, 0.4 * w, 0.4 * w]))
        else:
            empty.append("conflicts")
        if gaps.answered:
            flow += self.subheading("Answered — to judge")
            rows = [self.head_row("Topic", "Claim", "Answered by (does it meet the claim?)")]
            for item in gaps.answered:
                rows.append([self.cell(self.topic_title(item.topic), bold=True), self.position_block(item.claim),
                             _stack([self.position_block(p) for p in item.answers])])
            flow.append(_table(rows, [0.2 * w, 0.4 * w, 0.4 * w]))
        else:
            empty.append("answered — to judge")
        if gaps.open:
            flow += self.subheading("Open")
            rows = [self.head_row("Topic", "Claim", "Not yet addressed by")]
            for item in gaps.open:
                rows.append([self.cell(self.topic_title(item.topic), bold=True), self.position_block(item.claim),
                             self.cell(", ".join(self.party_name(p) for p in item.unanswered_by))])
            flow.append(_table(rows, [0.2 * w, 0.56 * w, 0.24 * w]))
        else:
            empty.append("open")
        if empty:
            flow.append(self.explain("No gaps of " + ("these kinds" if len(empty) > 1 else "this kind") + ": "
                                     + "; ".join(empty) + "."))
        return flow

    def position_spans(self, position: Position, *, with_party: bool = False, with_topic: bool = False) -> list[Span]:
        kind = PositionKind(position.kind)
        spans = []
        if with_party:
            spans.append(Span(self.party_name(position.party) + " — ", bold=True))
        if with_topic:
            spans.append(Span(self.topic_title(position.topic) + " — ", bold=True))
        spans.append(Span(kind.label + ": ", bold=True,
                          color=styles.KIND_LOOK[PositionKind.RED_LINE][0] if kind == PositionKind.RED_LINE else None))
        spans.append(Span(position.summary))
        if position.date:
            spans.append(Span(f" ({date_words(position.date)})", color=styles.MUTED))
        spans += self.cite_spans(position.sources)
        placed = self.placement_words(position)
        if placed:
            spans.append(Span("\n" + placed, italic=True, color=styles.MUTED))
        return spans

    def position_block(self, position: Position) -> TextBlock:
        """A position with its party, as the gap tables print it."""
        return TextBlock(self.position_spans(position, with_party=True), styles.CELL)

    def brief_spans(self, position: Position, *, color=None, lead: str = "") -> list[Span]:
        """One line for a position quoted in passing: kind, date, first words, citations
        (``Statement, 29 Dec 2025: It is in Israel's interest… [S2 B2]``)."""
        kind = PositionKind(position.kind).label
        when = f", {date_words(position.date)}" if position.date else ""
        spans = [Span(f"{lead}{kind}{when}: ", bold=True, color=color),
                 Span(first_words(position.summary), color=color)]
        return spans + self.cite_spans(position.sources, color=color)

    # ------------------------------------------------------------ timeline, chronology
    def timeline(self, neg: Negotiation) -> list[Flowable]:
        entries = analysis.chronology(self.doc, neg.id)
        drawings = timeline_drawings(entries, self.scope.width)
        if not drawings:
            self.missing.append("timeline (no dated rounds or events)")
            return []
        flow = self.section("Timeline")
        flow += [legend_drawing(self.scope.width), Spacer(1, 8)]
        for drawing in drawings:
            flow += [drawing, Spacer(1, 10)]
        return flow

    def chronology(self, neg: Negotiation) -> list[Flowable]:
        entries = analysis.chronology(self.doc, neg.id)
        if not entries:
            self.missing.append("chronology (no rounds or events)")
            return []
        flow = self.section("Chronology", new_page=False)
        flow.append(self.explain(
            "Rounds and events in date order. A date known only to the month or year says so, and is listed "
            "after the dated entries of that month or year. Rounds that did not take place are listed where "
            "they were due, in grey, with the word."))
        w = self.scope.width
        rows = [self.head_row("Date", "What", "Details")]
        muted = styles.CELL.but(color=styles.MUTED)
        for entry in entries:
            record = entry.record
            if entry.is_round:
                when = range_words(entry.start, entry.end, approximate=True)
                word = status_word(record)
                venue = self.venue_after_title(record)
                if word:
                    rows.append([self.cell(when, style=muted),
                                 TextBlock(Span("Round", bold=True), muted),
                                 TextBlock([Span(self.round_title(record), bold=True, link=f"round-{record.id}"),
                                            Span(f" — {word}", bold=True, italic=True)]
                                           + ([Span(f", {venue}")] if venue else [])
                                           + self.cite_spans(record.sources), muted)])
                    continue
                rows.append([self.cell(when), TextBlock(Span("Round", bold=True, color=styles.ACCENT), styles.CELL),
                             TextBlock([Span(self.round_title(record), bold=True, link=f"round-{record.id}")]
                                       + ([Span(f" — {venue}")] if venue else [])
                                       + self.cite_spans(record.sources), styles.CELL)])
            else:
                rows.append([self.cell(date_words(record.date, approximate=True)), self.cell("Event"),
                             TextBlock([Span(record.title, bold=True)]
                                       + ([Span("\n" + record.description)] if record.description else [])
                                       + self.cite_spans(record.sources), styles.CELL)])
        return flow + [_table(rows, [0.2 * w, 0.1 * w, 0.7 * w])]

    def events_table(self, events: list[Event]) -> Table:
        w = self.scope.width
        rows = [self.head_row("Date", "Event")]
        for event in events:
            spans = [Span(event.title, bold=True)]
            if event.description:
                spans.append(Span("\n" + event.description))
            spans += self.cite_spans(event.sources)
            if event.people:
                spans.append(Span("\nNames: " + ", ".join(self.person_name(p) for p in event.people),
                                  color=styles.MUTED))
            rows.append([self.cell(date_words(event.date, approximate=True)), TextBlock(spans, styles.CELL)])
        return _table(rows, [0.2 * w, 0.8 * w])

    # ------------------------------------------------------------ rounds
    def rounds_section(self, neg: Negotiation) -> list[Flowable]:
        return self.listing("Rounds", analysis.ordered_rounds(self.doc, neg.id), self.round_part, "rounds")

    def listing(self, title: str, items: list, render, empty: str) -> list[Flowable]:
        """A section holding one part per item, parts separated by a thin rule; nothing but a
        word in ``missing`` when there are no items."""
        if not items:
            self.missing.append(empty)
            return []
        flow = self.section(title)
        for index, item in enumerate(items):
            if index:
                flow.append(HRFlowable(width="100%", thickness=0.5, color=styles.RULE, spaceBefore=10,
                                       spaceAfter=4))
            flow += render(item)
        return flow

    def round_part(self, rnd: Round, level: int = 1, style: TextStyle = styles.H2) -> list[Flowable]:
        w = self.scope.width
        word = status_word(rnd)
        flow = self.heading(self.round_heading(rnd), level, style, key=f"round-{rnd.id}")
        if word is None:
            status = "Held"
        elif word == "planned":
            status = "Planned — has not taken place yet"
        else:
            status = f"{word.capitalize()} — did not take place"
        facts = [("Dates", range_words(rnd.start, rnd.end, approximate=True)), ("Venue", rnd.venue),
                 ("Status", status), ("Mediator", self.person_name(rnd.mediator) if rnd.mediator else None)]
        if self.scope.kind != "round":  # a round brief's cover has the round's facts
            flow.append(self.facts(facts))
        missing: list[str] = []
        missing_at = len(flow)
        if rnd.summary:
            flow += [Spacer(1, 6), TextBlock(rnd.summary, styles.BODY)]
        if rnd.sources:
            flow.append(TextBlock([Span("Sources:", bold=True, color=styles.MUTED)] + self.cite_spans(rnd.sources),
                                  styles.SMALL.but(space_after=4)))
        flow += self.subheading("Participants" if word is None else "Participants expected")
        if rnd.participants:
            rows = [self.head_row("Party", "Person (title at the time of the round)", "Role in the round")]
            groups: dict[str | None, list] = {}
            for participant in rnd.participants:
                person = self.people.get(participant.person)
                party = participant.party or (person.party if person else None)
                groups.setdefault(party, []).append(participant)
            for party, members in groups.items():
                for i, participant in enumerate(members):
                    rows.append([self.cell(self.party_name(party) if i == 0 else "", bold=True),
                                 self.person_cell(participant.person, rnd), self.cell(participant.role or "")])
            flow.append(_table(rows, [0.22 * w, 0.48 * w, 0.30 * w], zebra=False))
        else:
            flow.pop(), flow.pop()  # no heading over nothing
            missing.append("participants")
        if rnd.topics:
            flow += self.subheading("Agenda")
            for topic_id in rnd.topics:
                topic = self.topics.get(topic_id)
                spans = [Span("•  "), Span(self.topic_title(topic_id), bold=True)]
                if topic and topic.category:
                    spans.append(Span(f" ({topic.category})", color=styles.MUTED))
                flow.append(TextBlock(spans, styles.BODY.but(space_after=1, indent=8)))
        else:
            missing.append("agenda")
        ordered = self.ordered(rnd.negotiation)
        put = [p for _key, p in ordered if p.round == rnd.id]
        if put:
            flow += self.subheading("Positions put forward")
            flow.append(self.positions_table(put))
        else:
            missing.append("positions put forward in this round")
        prev = analysis.previous_round(self.doc, rnd.id)
        if word is None:
            flow += self.roundless_part(rnd, prev)
        flow += self.round_events(rnd, prev, missing)
        flow += self.movement_part(rnd, prev)
        if missing:
            flow.insert(missing_at, self.explain("Not recorded: " + "; ".join(missing) + "."))
        return flow

    def roundless_part(self, rnd: Round, prev: Round | None) -> list[Flowable]:
        """The positions given no round that count with this held round by their date: after
        the previous held round, up to this one."""
        ordered = self.ordered(rnd.negotiation)
        earlier = {id(p) for p in analysis.positions_as_of(self.doc, rnd.negotiation, prev.id, ordered=ordered)} \
            if prev else set()
        loose = [p for p in analysis.positions_as_of(self.doc, rnd.negotiation, rnd.id, ordered=ordered)
                 if p.round is None and id(p) not in earlier]
        if not loose:
            return []
        since = f"since {self.short_round(prev)}" if prev else "up to this round"
        flow = self.subheading(f"Positions with no round, counted with this round by their date ({since})")
        flow.append(self.positions_table(loose))
        if any(self.placement(p) for p in loose):
            flow.append(self.approximate_note())
        return flow

    def round_events(self, rnd: Round, prev: Round | None, missing: list[str]) -> list[Flowable]:
        events = analysis.events_of_round(self.doc, rnd.id)
        if prev is not None:
            title, none = f"Events since {self.short_round(prev)}", f"events since {self.short_round(prev)}"
        else:
            title, none = "Events up to this round", "events up to this round"
        if not (rnd.start or rnd.end):
            missing.append("the round's date, so no events are placed with it")
            return []
        if not events:
            missing.append(none)
            return []
        flow = self.subheading(title)
        notes = []
        if prev is not None and is_approximate(prev.end or prev.start):
            notes.append(f"after the end of {date_words(prev.end or prev.start)}, as {self.short_round(prev)} is "
                         "dated only to it")
        if is_approximate(rnd.end or rnd.start):
            notes.append(f"up to the end of {date_words(rnd.end or rnd.start)}, as this round is dated only to it")
        if notes:
            flow.append(self.explain("Events are counted " + "; and ".join(notes) + "."))
        return flow + [self.events_table(events)]

    def movement_part(self, rnd: Round, prev: Round | None) -> list[Flowable]:
        w = self.scope.width
        word = status_word(rnd)
        name = self.short_round(rnd)
        if word is not None:
            flow = self.subheading("Movement")
            did = "has not taken place yet" if word == "planned" else "did not take place"
            return flow + [self.note(f"{name} {did} ({word}), so it has no movement of its own: movement is "
                                     "measured from one held round to the next.")]
        if prev is None:
            return self.subheading("Movement") + [self.note(
                f"{name} is the first round on record: there is no earlier held round to compare it with, "
                "and its positions are listed above.")]
        rounds = analysis.ordered_rounds(self.doc, rnd.negotiation)
        skipped = [r for r in rounds[rounds.index(prev) + 1: rounds.index(rnd)]]
        title = f"Movement since {self.short_round(prev)}, the previous held round"
        flow = self.subheading(title)
        if skipped:
            flow.append(self.explain("Between them: " + "; ".join(self.fate_words(r) for r in skipped) + "."))
        moves = analysis.movement(self.doc, rnd.id, ordered=self.ordered(rnd.negotiation))
        if not moves:
            return flow + [self.note("No positions before or in this round.")]
        unchanged = sum(1 for m in moves if m.change == analysis.Change.UNCHANGED)
        moves = [m for m in moves if m.change != analysis.Change.UNCHANGED]
        stand = (f"{unchanged} position{' stands' if unchanged == 1 else 's stand'} unchanged since "
                 f"{self.short_round(prev)} (see the position matrix)." if unchanged else "")
        if not moves:
            return flow + [self.note("Nothing changed: " + stand[0].lower() + stand[1:])]
        if stand:
            flow.append(self.explain("Only what changed is listed. " + stand))
        rows = [self.head_row("Topic", "Party", "Before", "Now", "Change")]
        extra = []
        for row, move in enumerate(moves, start=1):
            change = self.cell(move.label, bold=move.change not in (analysis.Change.UNCHANGED,
                                                                    analysis.Change.OFF_AGENDA))
            cells: list = [self.cell(self.topic_title(move.topic), bold=True), self.cell(self.party_name(move.party))]
            if move.once:
                once = TextBlock([Span("As before: ", bold=True, color=styles.MUTED)]
                                 + self.position_spans(move.before), styles.CELL)
                if once.length() <= HUGE_CELL:  # printed once across both columns
                    cells += [once, ""]
                    extra.append(("SPAN", (2, row), (3, row)))
                else:  # a row that must split across pages cannot span columns: said in words
                    cells += [self.short_position(move.before),
                              self.cell("as before", style=styles.CELL.but(italic=True, color=styles.MUTED))]
            else:
                now: list[Flowable] = [self.short_position(move.now)]
                others = [p for p in move.said if p is not move.now]
                if others:
                    now.append(TextBlock([Span(f"Also said since {self.short_round(prev)}:", italic=True,
                                               color=styles.MUTED)]
                                         + [s for p in others for s in self.brief_spans(p, color=styles.MUTED,
                                                                                       lead="\n")],
                                         styles.CELL.but(size=8, leading=10, color=styles.MUTED)))
                cells += [self.short_position(move.before), _stack(now)]
            rows.append(cells + [change])
        flow.append(_table(rows, [0.17 * w, 0.12 * w, 0.28 * w, 0.28 * w, 0.15 * w], extra=extra))
        return flow

    def person_cell(self, person_id: str, rnd: Round | None = None) -> TextBlock:
        """A person's name, and their title: as of ``rnd`` when given (``analysis.title_at``)."""
        person = self.people.get(person_id)
        spans = [Span(self.person_name(person_id), link=f"person-{person_id}" if self.scope.kind == "negotiation"
                      else None)]
        if person and person.native_name:
            spans.append(Span(f" ({person.native_name})"))
        title = (analysis.title_at(person, rnd) if rnd is not None else person.title) if person else None
        if title:
            spans.append(Span(f"\n{title}", color=styles.MUTED))
        return TextBlock(spans, styles.CELL)

    def short_position(self, position: Position | None) -> TextBlock:
        if position is None:
            return self.cell("—")
        return TextBlock(self.position_spans(position), styles.CELL)

    def position_row(self, position: Position) -> list:
        said = [self.person_name(position.person) if position.person else "",
                date_words(position.date) if position.date else ""]
        spans = [Span(position.summary)]
        if any(said):
            spans.append(Span("\n— " + ", ".join(x for x in said if x), color=styles.MUTED))
        spans += self.cite_spans(position.sources)
        placed = self.placement_words(position)
        if placed:
            spans.append(Span("\n" + placed, italic=True, color=styles.MUTED))
        return [self.cell(self.party_name(position.party), bold=True), self.cell(self.topic_title(position.topic)),
                self.kind_badge(position.kind), TextBlock(spans, styles.CELL)]

    def positions_table(self, positions: list[Position]) -> Table:
        w = self.scope.width
        rows = [self.head_row("Party", "Topic", "Kind", "Position")]
        rows += [self.position_row(p) for p in positions]
        return _table(rows, [0.14 * w, 0.2 * w, 0.13 * w, 0.53 * w], extra=self.kind_fills(positions, 2))

    def kind_fills(self, positions: list[Position], column: int, first_row: int = 1) -> list[tuple]:
        commands = []
        for row, position in enumerate(positions, start=first_row):
            fill, _, _ = styles.KIND_LOOK[PositionKind(position.kind)]
            commands.append(("BACKGROUND", (column, row), (column, row), fill))
        return commands

    # ------------------------------------------------------------ matrix
    MATRIX_EXPLAINED = (
        "Each cell holds the party's standing position on the topic: its latest red line, demand, offer, "
        "concession or assurance, with its kind in words; red lines are dark with a heavy frame. A later "
        "statement is a remark and does not replace the stance: the latest one made since is quoted beneath "
        "it in small type, on a paler ground. REMARK ONLY (dashed frame) marks a party that has made only "
        "statements on the topic; its latest statement fills the cell.")

    def matrix(self, neg: Negotiation, as_of: Round | None = None) -> list[Flowable]:
        title = "Position matrix" + (f" as of {self.round_heading(as_of)}" if as_of else "")
        table = analysis.matrix(self.doc, neg.id, as_of.id if as_of else None, ordered=self.ordered(neg.id))
        topic_ids = [t for t in table.topics if any(table.cell(p, t) for p in table.parties)]
        if not topic_ids:
            self.missing.append("positions" + (" as of this round" if as_of else "") + " (no position matrix)")
            return []
        flow = self.section(title)
        flow.append(self.legend())
        approximate_before = self.approximate_count
        parties = table.parties
        w = self.scope.width
        first = 0.2 * w
        col = (w - first) / len(parties)
        rows: list[list] = [[TextBlock("Topic", styles.CELL_HEAD)]
                            + [TextBlock(self.party_name(p), styles.CELL_HEAD) for p in parties]]
        extra: list[tuple] = [("GRID", (0, 0), (-1, -1), 0.4, styles.RULE)]
        frames: list[tuple] = []
        for topic_id in topic_ids:
            r = len(rows)
            cells = [table.cell(p, topic_id) for p in parties]
            later = {c: cell.remark for c, cell in enumerate(cells, start=1)
                     if cell is not None and cell.standing is not None and cell.remark is not None}
            rr = r + 1 if later else r  # the row of later remarks, when there is one
            row: list = [self.cell(self.topic_title(topic_id), bold=True)]
            for c, cell in enumerate(cells, start=1):
                if cell is None:
                    row.append(self.cell("no position", style=styles.CELL.but(color=styles.MUTED, italic=True)))
                elif cell.standing is None:
                    row.append(self.remark_only_block(cell.shown))
                    frames.append(("BOX", (c, r), (c, rr), 0.8, styles.MUTED, None, (2, 1.5)))
                else:
                    kind = PositionKind(cell.standing.kind)
                    fill, _ink, frame = styles.KIND_LOOK[kind]
                    row.append(self.stance_block(cell.standing))
                    extra.append(("BACKGROUND", (c, r), (c, r), fill))
                    if c in later:
                        extra.append(("BACKGROUND", (c, rr), (c, rr), _pale(fill)))
                    if frame > 1:
                        frames.append(("BOX", (c, r), (c, rr), frame, styles.INK))
                if c not in later and rr != r:
                    extra.append(("SPAN", (c, r), (c, rr)))
            rows.append(row)
            if later:
                beneath: list = [""] * (len(parties) + 1)
                for c, remark in later.items():
                    beneath[c] = self.later_remark_block(remark)
                rows.append(beneath)
                extra += [("SPAN", (0, r), (0, rr)), ("NOSPLIT", (0, r), (-1, rr))]
                extra += [("LINEBELOW", (c, r), (c, r), 0.6, white) for c in later]
        flow.append(_table(rows, [first] + [col] * len(parties), zebra=False, extra=[*extra, *frames]))
        if self.approximate_count > approximate_before:
            flow.append(Spacer(1, 6))
            flow.append(self.approximate_note())
        return flow

    def stance_block(self, position: Position) -> TextBlock:
        """A standing position as a matrix cell: its kind in words, its text, date and citations."""
        kind = PositionKind(position.kind)
        _fill, ink, _frame = styles.KIND_LOOK[kind]
        spans = [Span(kind.label.upper() + "\n", bold=True, color=ink), Span(position.summary, color=ink)]
        if position.date:
            spans.append(Span(f" ({date_words(position.date)})", color=ink))
        spans += self.cite_spans(position.sources, color=ink if kind == PositionKind.RED_LINE else None)
        placed = self.placement_words(position)
        if placed:
            spans.append(Span("\n" + placed, italic=True, color=ink))
        return TextBlock(spans, styles.CELL.but(color=ink))

    def remark_only_block(self, position: Position) -> TextBlock:
        """A cell holding only a remark: said in words, and drawn unlike any stance."""
        spans = [Span("REMARK ONLY", bold=True, color=styles.MUTED),
                 Span(f" · {PositionKind(position.kind).label.lower()}\n", color=styles.MUTED),
                 Span(position.summary, italic=True)]
        if position.date:
            spans.append(Span(f" ({date_words(position.date)})", color=styles.MUTED))
        spans += self.cite_spans(position.sources)
        placed = self.placement_words(position)
        if placed:
            spans.append(Span("\n" + placed, italic=True, color=styles.MUTED))
        return TextBlock(spans, styles.CELL)

    def later_remark_block(self, remark: Position) -> TextBlock:
        """The latest remark made after a standing position, beneath it in small type."""
        spans = [Span("Later remark — ", italic=True, color=styles.MUTED)]
        spans += self.brief_spans(remark, color=styles.MUTED)
        placed = self.placement_words(remark)
        if placed:
            spans.append(Span("\n" + placed, italic=True, color=styles.MUTED))
        return TextBlock(spans, styles.CELL.but(size=8, leading=10, color=styles.MUTED))

    def legend(self) -> Table:
        cells: list = []
        extra: list[tuple] = []
        for i, kind in enumerate(KIND_ORDER):
            fill, ink, frame = styles.KIND_LOOK[kind]
            cells.append(TextBlock(Span(kind.label.upper(), bold=True, color=ink),
                                   styles.CELL.but(size=8, leading=10, align="center")))
            extra.append(("BACKGROUND", (i, 0), (i, 0), fill))
            if frame > 1:
                extra.append(("BOX", (i, 0), (i, 0), frame, styles.INK))
        n = len(cells)
        cells.append(TextBlock(Span("REMARK ONLY", bold=True, color=styles.MUTED),
                               styles.CELL.but(size=8, leading=10, align="center")))
        extra.append(("BOX", (n, 0), (n, 0), 0.8, styles.MUTED, None, (2, 1.5)))
        note = TextBlock(self.MATRIX_EXPLAINED, styles.SMALL.but(align="start"))
        w = self.scope.width
        table = Table([cells, [note] + [""] * (len(cells) - 1)], colWidths=[w / len(cells)] * len(cells),
                      hAlign="LEFT")
        table.setStyle(TableStyle([("SPAN", (0, 1), (-1, 1)), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                   ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, 0), 4),
                                   ("LINEAFTER", (0, 0), (-2, 0), 2, white), *extra]))
        table.spaceAfter = 10
        return table

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

    # ------------------------------------------------------------ sources
    def sources_annex(self) -> list[Flowable]:
        listed = self.annexed_sources()
        if not listed:
            self.missing.append("sources cited")
            return []
        flow = self.section("Sources")
        flow.append(TextBlock(
            "References in the text read [S2 B2]: source S2, source reliability B, information credibility 2 "
            "(Admiralty grading). Source numbers are the workspace's: a source has the same number in every "
            "dossier, brief and profile printed from this workspace, so this list, which holds only the sources "
            "this document cites and those that carried them, may skip numbers.",
            styles.SMALL.but(space_after=8)))
        w = self.scope.width
        rows = [self.head_row("Ref.", "Grade", "Source")]
        for source_id in listed:
            source = self.sources[source_id]
            number = self.source_numbers[source_id]
            rows.append([
                _stack([Anchor(f"src-{number}"), self.cell(source_number_label(number), bold=True)]),
                self.cell(f"{source.reliability}\n{RELIABILITY_LABELS.get(source.reliability, '')}",
                          style=styles.CELL.but(size=8, leading=10)),
                TextBlock(self.source_spans(source), styles.CELL),
            ])
        flow.append(_table(rows, [0.08 * w, 0.17 * w, 0.75 * w]))
        flow.append(TextBlock("Information credibility: " + "; ".join(f"{k} {v.lower()}" for k, v in
                                                                    CREDIBILITY_LABELS.items()) + ".",
                              styles.SMALL.but(space_before=6)))
        return flow

    def source_spans(self, source: Source) -> list[Span]:
        spans = [Span(source.title, bold=True)]
        details = [x for x in [source.publisher, date_words(source.published) if source.published else None] if x]
        if details:
            spans.append(Span("\n" + " · ".join(details), color=styles.MUTED))
        chain = []
        seen = {source.id}
        current = source.via
        while current and current in self.sources and current not in seen:
            seen.add(current)
            chain.append(current)
            current = self.sources[current].via
        if chain:
            spans.append(Span("\nvia ", color=styles.MUTED))
            for i, via_id in enumerate(chain):
                via = self.sources[via_id]
                number = self.source_numbers.get(via_id)
                if i:
                    spans.append(Span(", which came via ", color=styles.MUTED))
                label = f"{source_number_label(number)} " if number else ""
                spans.append(Span(f"{label}{via.title}", color=styles.LINK, link=f"src-{number}" if number else None))
        if source.url:
            clickable = source.url.lower().startswith(("http://", "https://"))
            spans.append(Span("\n" + source.url, color=styles.LINK if clickable else styles.MUTED,
                              url=source.url if clickable else None))
        if source.notes:
            spans.append(Span("\n" + source.notes, italic=True, color=styles.MUTED))
        return spans


def _pale(colour, strength: float = 0.3) -> HexColor:
    """``colour`` mixed with white: ``strength`` of the colour is kept."""
    r, g, b = colour.red, colour.green, colour.blue
    return HexColor("#" + "".join(f"{int(255 - (255 - c * 255) * strength):02x}" for c in (r, g, b)))


def _marking_box(marking: str, width: float) -> Table:
    table = Table([[TextBlock(Span(marking, bold=True, color=styles.MARKING),
                              TextStyle(size=13, leading=17, align="center"))]], colWidths=[width * 0.6], hAlign="CENTER")
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.5, styles.MARKING),
                               ("TOPPADDING", (0, 0), (-1, -1), 7), ("BOTTOMPADDING", (0, 0), (-1, -1), 7)]))
    return table


def _stack(flowables: list[Flowable]) -> list[Flowable] | Flowable:
    return flowables if len(flowables) != 1 else flowables[0]


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
