"""``dossier analyse``: the analysis of one negotiation as data and as text for a terminal.

Everything here reads ``model.analysis``, so the command says what the GUI and the PDF
dossier say. ``report`` gives the ``--json`` shape (ids only, lists in the order the
dossier prints them); ``render_text`` the same content in words.

With an as-of round, the matrix, the gaps and the movement stop at that round (module
docstring of ``model.analysis``); the chronology keeps the rounds up to it in round order
and the events dated up to its end (its start when it has no end). The sources list holds
every source of the workspace with its number, in number order.
"""

from __future__ import annotations

from dossier.errors import DossierError
from dossier.model import analysis
from dossier.model.dates import display_date, display_range, sort_key
from dossier.model.enums import PositionKind
from dossier.model.labels import round_label_of
from dossier.model.records import Document, Negotiation, Position, Round
from dossier.model.text import quote_user_text


def choose_negotiation(doc: Document, negotiation_id: str | None, as_of: str | None) -> Negotiation:
    """The negotiation asked for: by id, else the as-of round's, else the only one."""
    if as_of is not None:
        rnd = analysis.find(doc.rounds, as_of, "rounds")
        if negotiation_id is not None and rnd.negotiation != negotiation_id:
            analysis.find(doc.negotiations, negotiation_id, "negotiations")
            raise DossierError(f"round {quote_user_text(as_of)} belongs to negotiation "
                               f"{quote_user_text(rnd.negotiation)}, not {quote_user_text(negotiation_id)}")
        negotiation_id = rnd.negotiation
    if negotiation_id is not None:
        return analysis.find(doc.negotiations, negotiation_id, "negotiations")
    if not doc.negotiations:
        raise DossierError("the workspace holds no negotiation to analyse")
    if len(doc.negotiations) > 1:
        ids = ", ".join(sorted(n.id for n in doc.negotiations))
        raise DossierError(f"the workspace holds {len(doc.negotiations)} negotiations; "
                           f"choose one with --negotiation: {ids}")
    return doc.negotiations[0]


class Analysis:
    """The reading of one negotiation as of a round (or now), computed once."""

    def __init__(self, doc: Document, negotiation_id: str | None = None, as_of: str | None = None):
        self.doc = doc
        self.negotiation = choose_negotiation(doc, negotiation_id, as_of)
        nid = self.negotiation.id
        self.as_of = as_of
        ordered = analysis.ordered_positions(doc, nid)
        self.matrix = analysis.matrix(doc, nid, as_of, ordered=ordered)
        self.gaps = analysis.gaps(doc, nid, as_of, cells=self.matrix.cells)
        self.latest_round = analysis.latest_round(doc, nid, as_of)
        self.movement = [(rnd, analysis.movement(doc, rnd.id, ordered=ordered))
                         for rnd in analysis.held_rounds(doc, nid, as_of)]
        self.chronology = analysis.chronology(doc, nid)
        if as_of is not None:
            rounds = {r.id for r in analysis.rounds_as_of(doc, as_of)}
            cut = analysis.find(doc.rounds, as_of, "rounds")
            last = cut.end or cut.start
            self.chronology = [e for e in self.chronology
                               if (e.record.id in rounds if e.is_round
                                   else last is None or sort_key(e.start) <= sort_key(last))]
        self.numbers = analysis.source_numbers(doc)

    def report(self) -> dict:
        """The ``--json`` shape."""
        gaps = self.gaps
        return {
            "negotiation": self.negotiation.id,
            "as_of": self.as_of,
            "latest_round": self.latest_round.id if self.latest_round else None,
            "matrix": [{"topic": topic, "party": party,
                        "standing": _id(cell.standing) if cell else None,
                        "remark": _id(cell.remark) if cell else None}
                       for topic in self.matrix.topics for party in self.matrix.parties
                       for cell in [self.matrix.cell(party, topic)]],
            "gaps": {
                "conflicts": [{"topic": g.topic, "claim": g.claim.id, "against": [p.id for p in g.against]}
                              for g in gaps.conflicts],
                "answered": [{"topic": g.topic, "claim": g.claim.id, "answers": [p.id for p in g.answers]}
                             for g in gaps.answered],
                "open": [{"topic": g.topic, "claim": g.claim.id, "unanswered_by": list(g.unanswered_by)}
                         for g in gaps.open],
            },
            "movement": [{"round": m.round, "topic": m.topic, "party": m.party, "change": str(m.change),
                          "before": _id(m.before), "now": _id(m.now)}
                         for _rnd, moves in self.movement for m in moves],
            "chronology": [{"kind": "round" if e.is_round else "event", "id": e.record.id,
                            "approximate": e.approximate} for e in self.chronology],
            "sources": [{"id": sid, "number": n} for sid, n in sorted(self.numbers.items(), key=lambda kv: kv[1])],
        }


def _id(position: Position | None) -> str | None:
    return position.id if position is not None else None


# ---------------------------------------------------------------- text
class _Words:
    def __init__(self, doc: Document):
        self.parties = {p.id: p.name for p in doc.parties}
        self.topics = {t.id: t.title for t in doc.topics}
        self.rounds = {r.id: r for r in doc.rounds}

    def party(self, pid: str) -> str:
        return _line(self.parties.get(pid, pid))

    def topic(self, tid: str) -> str:
        return _line(self.topics.get(tid, tid))

    def round(self, rnd: Round) -> str:
        name = _line(round_label_of(rnd))
        return name if analysis.took_place(rnd) else f"{name} ({rnd.status})"


def _line(text: str, limit: int = 0) -> str:
    """User text on one terminal line: controls shown as spaces, cut to ``limit``."""
    flat = "".join(" " if ord(c) < 32 or 0x7F <= ord(c) < 0xA0 or c in "\u2028\u2029" else c for c in text)
    flat = " ".join(flat.split())
    return flat if not limit or len(flat) <= limit else flat[: limit - 1] + "…"


def _position(p: Position, numbers: dict[str, int], doc_sources: dict) -> str:
    kind = "remark" if p.kind == PositionKind.STATEMENT else PositionKind(p.kind).label.lower()
    when = f" ({display_date(p.date)})" if p.date else ""
    cites = "".join(f" [S{numbers[c.source]} {doc_sources[c.source].reliability}{c.credibility}]"
                    for c in p.sources if c.source in numbers and c.source in doc_sources)
    return f"{kind}: {_line(p.summary, 90)}{when}{cites}"


def render_text(result: Analysis) -> str:
    doc, words = result.doc, _Words(result.doc)
    sources = {s.id: s for s in doc.sources}

    def said(p: Position | None) -> str:
        return _position(p, result.numbers, sources) if p is not None else "—"

    out: list[str] = []
    neg = result.negotiation
    out.append(f"{_line(neg.title)} ({neg.id})")
    cut = analysis.find(doc.rounds, result.as_of, "rounds") if result.as_of else None
    out.append(f"As of: {words.round(cut) if cut else 'now'}. Latest held round: "
               + (f"{words.round(result.latest_round)}, {display_range(result.latest_round.start, result.latest_round.end)}"
                  if result.latest_round else "none"))
    out += ["", "STANDING POSITIONS (the latest stance; later remarks beneath)"]
    for topic in result.matrix.topics:
        cells = [(party, result.matrix.cell(party, topic)) for party in result.matrix.parties]
        if not any(cell for _p, cell in cells):
            continue
        out.append(f"  {words.topic(topic)}")
        for party, cell in cells:
            if cell is None:
                out.append(f"    {words.party(party)}: no position")
            elif cell.standing is None:
                out.append(f"    {words.party(party)}: only remarks — {said(cell.remark)}")
            else:
                out.append(f"    {words.party(party)}: {said(cell.standing)}")
                if cell.remark is not None:
                    out.append(f"      later {said(cell.remark)}")
    out += ["", "GAPS (standing positions of the parties that negotiate)"]
    gaps = result.gaps
    for title, items in [("Conflicts", gaps.conflicts), ("Answered — to judge", gaps.answered),
                         ("Open", gaps.open)]:
        out.append(f"  {title}: {len(items) or 'none'}")
        for item in items:
            out.append(f"    {words.topic(item.topic)} — {words.party(item.claim.party)}'s {said(item.claim)}")
            if isinstance(item, analysis.Conflict):
                out += [f"      against {words.party(p.party)}'s {said(p)}" for p in item.against]
            elif isinstance(item, analysis.Answered):
                out += [f"      answered by {words.party(p.party)}'s {said(p)}" for p in item.answers]
            else:
                out.append("      not addressed by " + ", ".join(words.party(p) for p in item.unanswered_by))
    out += ["", "MOVEMENT (each held round against the previous held round)"]
    if not result.movement:
        out.append("  No held round yet.")
    quiet = [words.round(rnd) for rnd, moves in result.movement if not moves]
    if quiet:
        out.append(f"  {', '.join(quiet)}: no positions on record before or in {'it' if len(quiet) == 1 else 'them'}.")
    for rnd, moves in result.movement:
        if not moves:
            continue
        prev = analysis.previous_round(doc, rnd.id)
        out.append(f"  {words.round(rnd)}" + (f" since {words.round(prev)}" if prev else " (first held round)"))
        for m in moves:
            head = f"    {words.topic(m.topic)} — {words.party(m.party)}: {m.label}"
            if m.once:
                out.append(f"{head}; {said(m.now)}")
            else:
                out.append(f"{head}\n      before {said(m.before)}\n      now    {said(m.now)}")
    out += ["", "CHRONOLOGY (a date known only to the month or year comes after the days inside it)"]
    for entry in result.chronology:
        when = display_range(entry.start, entry.end, approximate=True)
        what = words.round(entry.record) if entry.is_round else _line(entry.record.title, 100)
        out.append(f"  {when}: {what}")
    out += ["", "SOURCES (numbers are the workspace's, the same in every dossier)"]
    for sid, number in sorted(result.numbers.items(), key=lambda kv: kv[1]):
        source = sources[sid]
        extra = ", ".join(x for x in [_line(source.publisher or ""), display_date(source.published)] if x)
        out.append(f"  S{number} {source.reliability}: {_line(source.title, 100)}" + (f" ({extra})" if extra else ""))
    return "\n".join(out) + "\n"
