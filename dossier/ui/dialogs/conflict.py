"""Someone else saved a record while you were editing it: say who, when and what, and let you choose.

Nothing is overwritten and nothing is dropped without the user seeing it: the dialog
lists, field by field, what the other analyst changed (their value beside the value you
typed) and what you changed. **Re-apply mine** saves your changes on top of their
version (where you both changed a field, yours is kept); **Keep theirs** drops your
changes and shows their version. A record they deleted can be re-created from yours.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from dossier.errors import StaleRecordError
from dossier.model.records import SINGULAR
from dossier.ui.dialogs.record_changes import changed_fields, describe_time, field_label, indent, value_text
from dossier.ui.translate import translator

MINE = "mine"
THEIRS = "theirs"


tr = translator("conflict")


def _label(record: object) -> str:
    from dossier.model.labels import record_label

    return record_label(record)


def conflict_text(error: StaleRecordError, before: object, mine: object) -> str:
    """The dialog's text: who changed the record and when, what they changed, what you changed."""
    who = error.changed_by or tr("Someone else")
    when = describe_time(error.changed_at)
    kind = SINGULAR.get(error.collection, error.collection)
    theirs = error.current
    lines: list[str] = []
    if theirs is None:
        lines.append(tr("{0} deleted the {1} “{2}” at {3}, after you opened it.").format(
            who, kind, _label(before), when))
        lines.append("")
        lines.append(tr("Your changes were not saved."))
    else:
        lines.append(tr("{0} changed the {1} “{2}” at {3}, after you opened it.").format(
            who, kind, _label(theirs), when))
        lines.append(tr("Your changes were not saved yet."))
        theirs_changed = changed_fields(before, theirs)
        mine_changed = set(changed_fields(before, mine))
        lines.append("")
        lines.append(tr("What {0} changed:").format(who))
        for name in theirs_changed:
            lines.append("  " + field_label(name))
            lines.append(tr("    theirs:"))
            lines.append(indent(value_text(getattr(theirs, name))))
            if name in mine_changed:
                lines.append(tr("    yours:"))
                lines.append(indent(value_text(getattr(mine, name))))
            else:
                lines.append(tr("    yours: unchanged (theirs stays either way)"))
        if not theirs_changed:
            lines.append(tr("  nothing you can see in this form"))
        only_mine = [n for n in changed_fields(before, mine) if n not in theirs_changed]
        if only_mine:
            lines.append("")
            lines.append(tr("What you changed that they did not:"))
            for name in only_mine:
                lines.append("  " + field_label(name))
                lines.append(indent(value_text(getattr(mine, name))))
    lines.append("")
    if theirs is None:
        lines.append(tr("Re-create mine saves the record again as you have it. "
                        "Keep it deleted drops your changes."))
    else:
        lines.append(tr("Re-apply mine saves your changes on top of their version "
                        "(where you both changed a field, yours is kept). "
                        "Keep theirs drops your changes and shows their version."))
    return "\n".join(lines)


def ask_conflict(parent: QWidget | None, error: StaleRecordError, before: object, mine: object) -> str:
    """Show the conflict and return ``MINE`` or ``THEIRS`` (closing the dialog keeps theirs)."""
    box = QMessageBox(QMessageBox.Icon.Warning, tr("Changed by someone else"),
                      conflict_text(error, before, mine), QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("conflictDialog")
    box.setTextFormat(Qt.TextFormat.PlainText)
    deleted = error.current is None
    mine_button = box.addButton(tr("Re-create mine") if deleted else tr("Re-apply mine"),
                                QMessageBox.ButtonRole.AcceptRole)
    theirs_button = box.addButton(tr("Keep it deleted") if deleted else tr("Keep theirs"),
                                  QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(theirs_button)
    box.setEscapeButton(theirs_button)
    box.exec()
    return MINE if box.clickedButton() is mine_button else THEIRS
