"""PDF dossiers: a whole negotiation, one round's brief, or one person's profile.

``export_pdf`` is the one entry point; the command line and the GUI both call it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
from collections.abc import Callable
from pathlib import Path

from dossier import APP_NAME, __version__
from dossier.errors import DossierError
from dossier.files import replacing_privately
from dossier.gcpause import cyclic_gc_paused
from dossier.model import analysis
from dossier.model.records import Document
from dossier.model.text import seal_bidi

__all__ = ["export_pdf", "PAPERS"]

PAPERS = ("a4", "letter")


@contextlib.contextmanager
def _binary_streams():
    """Compressed streams written as binary, without reportlab's ASCII85 text wrapping (done in
    pure Python, a quarter larger, and not needed by any PDF reader)."""
    from reportlab import rl_config

    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = saved


def _choose_negotiation(doc: Document, negotiation_id: str | None):
    if negotiation_id is not None:
        return analysis.find(doc.negotiations, negotiation_id, "negotiations")
    if not doc.negotiations:
        return None
    if len(doc.negotiations) == 1:
        return doc.negotiations[0]
    ids = ", ".join(sorted(n.id for n in doc.negotiations))
    raise DossierError(f"the workspace holds {len(doc.negotiations)} negotiations; choose one of: {ids}")


def sealed_document(doc: Document) -> Document:
    """``doc`` with every text field's open bidi controls closed at its end (``seal_bidi``), so
    a field never reorders what a dossier prints after it on the same line (names joined by
    commas, a title after a name). Records without such a control are shared, not copied."""
    fields: dict[type, tuple[str, ...]] = {}

    def sealed(value):
        kind = type(value)
        if kind is str:
            return seal_bidi(value)
        if kind is list:
            new = [sealed(item) for item in value]
            return value if all(a is b for a, b in zip(new, value)) else new
        names = fields.get(kind)
        if names is None:
            names = fields[kind] = tuple(f.name for f in dataclasses.fields(kind)) \
                if dataclasses.is_dataclass(kind) else ()
        changes = {}
        for name in names:
            old = getattr(value, name)
            now = sealed(old)
            if now is not old:
                changes[name] = now
        return dataclasses.replace(value, **changes) if changes else value

    return sealed(doc)


def export_pdf(doc: Document, out_path: str | Path, *, negotiation_id: str | None = None,
               round_id: str | None = None, person_id: str | None = None,
               marking: str = "RESTRICTED", paper: str = "a4", author: str | None = None,
               prepared: datetime.date | None = None,
               progress: Callable[[int, int], None] | None = None,
               is_cancelled: Callable[[], bool] | None = None) -> int:
    """Write a PDF dossier of ``doc`` to ``out_path`` and return its page count.

    With ``round_id`` a round brief (its negotiation is the round's), with ``person_id``
    a person profile, otherwise the negotiation dossier of ``negotiation_id`` or of the
    only negotiation in ``doc`` (an empty dossier saying so when there is none).
    The file appears at ``out_path`` only when complete: it is written to a temporary
    file beside it and renamed. Raises ``NotFoundError`` for an unknown id,
    ``CancelledError`` when ``is_cancelled()`` turns true, ``DossierError`` for an
    ambiguous or invalid request.
    """
    from dossier.export.pdf import styles
    from dossier.export.pdf.builder import DossierBuilder, Scope, page_room, round_brief_title, story
    from dossier.export.pdf.fonts import SANS_REGULAR, register_fonts
    from dossier.export.pdf.page import DossierTemplate, Running, marking_block
    from dossier.export.pdf.text import forget_shaped_texts

    if round_id is not None and person_id is not None:
        raise DossierError("choose a round or a person, not both")
    if paper not in styles.PAPERS:
        raise DossierError(f"unknown paper size {paper!r}; choose a4 or letter")
    rnd = person = None
    if round_id is not None:
        rnd = analysis.find(doc.rounds, round_id, "rounds")
        if negotiation_id is not None and rnd.negotiation != negotiation_id:
            analysis.find(doc.negotiations, negotiation_id, "negotiations")
            raise DossierError(f"round {round_id} belongs to negotiation {rnd.negotiation}, not {negotiation_id}")
        negotiation = analysis.find(doc.negotiations, rnd.negotiation, "negotiations")
    else:
        if person_id is not None:
            person = analysis.find(doc.people, person_id, "people")
        negotiation = _choose_negotiation(doc, negotiation_id)
    kind = "round" if rnd else "person" if person else "negotiation"

    prepared = prepared or datetime.date.today()
    prepared_text = f"{prepared.day} {prepared.strftime('%b')} {prepared.year}"
    pagesize = styles.PAPERS[paper]
    width = pagesize[0] - 2 * styles.MARGIN_X
    scope = Scope(kind, negotiation, rnd, person, marking=marking, author=author, prepared=prepared_text,
                  width=width)
    register_fonts()
    forget_shaped_texts()  # each export shapes its own texts, then lets them go
    marking_block(marking, width)  # refused before any work when it cannot be printed whole
    page_room(pagesize)
    builder = DossierBuilder(sealed_document(doc), scope)
    flowables = story(builder)
    if kind == "round":
        title = f"{negotiation.title} — {round_brief_title(builder, rnd)} brief"
        subject = "Round brief"
    elif kind == "person":
        title = f"{person.name} — profile"
        subject = "Person profile"
    else:
        title = negotiation.title if negotiation else "Negotiation dossier"
        subject = "Negotiation dossier"
    running = Running(marking=marking, title=title, prepared=prepared_text)

    try:
        with replacing_privately(Path(out_path)) as temp_name:  # private, whole or not at all
            template = DossierTemplate(
                str(temp_name), pagesize=pagesize, running=running, progress=progress, is_cancelled=is_cancelled,
                expected=2 * len(flowables), title=title, author=author or "", subject=subject,
                creator=f"{APP_NAME} {__version__}", producer=f"{APP_NAME} {__version__}",
                lang="en", initialFontName=SANS_REGULAR,  # no standard Helvetica in the file
            )
            with _binary_streams(), cyclic_gc_paused():  # hundreds of thousands of flowables and runs
                for _attempt in range(4):  # until "Page x of y" prints the real y
                    template.multiBuild(flowables)
                    if template.pages_printed == template.page:
                        break
            pages = template.page
    finally:
        forget_shaped_texts()
    if progress is not None:
        progress(2 * len(flowables), 2 * len(flowables))
    return pages
