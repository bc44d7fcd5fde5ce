"""Forms that only show: a workspace opened read-only can be read, searched and exported, not edited.

``lock_forms`` makes every field of a pane's forms read-only: text fields refuse typing,
drop-downs and the add/remove buttons of list editors are disabled, and tables in forms
ignore clicks and keys that would edit or tick them. Forms build some widgets anew for
each record (a drop-down per citation); those are locked as they appear. Buttons that
only read (open a link, export a PDF) and links to other records keep working.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QTextEdit,
    QWidget,
)

from dossier.ui.context import Pane
from dossier.ui.widgets.editor import RecordEditor
from dossier.ui.widgets.fields import LinkList

_MOUSE_EDITS = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick)
_KEY_EDITS = (Qt.Key.Key_Space, Qt.Key.Key_Select, Qt.Key.Key_F2, Qt.Key.Key_Return, Qt.Key.Key_Enter,
              Qt.Key.Key_Delete, Qt.Key.Key_Backspace)


def form_areas(pane: Pane) -> list[QWidget]:
    """The widgets of ``pane`` that hold its editing forms."""
    return list(pane.findChildren(RecordEditor))


def _is_editor(widget: QWidget) -> bool:
    """A compound field (a list of aliases, of citations…) that reports its own edits."""
    return any(isinstance(getattr(type(widget), name, None), Signal) for name in ("edited", "sig_edited"))


class FormLock(QObject):
    """Keeps the fields inside some widgets read-only, including fields added later."""

    def __init__(self, areas: list[QWidget], parent: QObject | None = None):
        super().__init__(parent)
        self.areas = list(areas)
        self._locked: set[QWidget] = set()
        self._no_input: set[QWidget] = set()  # item views (and their viewports) that ignore edits
        for area in self.areas:
            self._lock_tree(area)

    def _lock_tree(self, root: QWidget) -> None:
        for widget in [root, *root.findChildren(QWidget)]:
            self._lock(widget)

    def _inside_editor(self, widget: QWidget) -> bool:
        parent = widget.parentWidget()
        while parent is not None and parent not in self.areas:
            if _is_editor(parent):
                return True
            parent = parent.parentWidget()
        return False

    def _lock(self, widget: QWidget) -> None:
        if widget in self._locked:
            return
        self._locked.add(widget)
        widget.installEventFilter(self)  # to lock what is added to it later
        if isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox)):
            widget.setReadOnly(True)
        elif isinstance(widget, (QComboBox, QCheckBox, QRadioButton)):
            widget.setEnabled(False)
        elif isinstance(widget, QAbstractButton):
            if self._inside_editor(widget):
                widget.setEnabled(False)
        elif isinstance(widget, QAbstractItemView) and not isinstance(widget, LinkList):
            widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            self._no_input.update((widget, widget.viewport()))
            widget.viewport().installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.ChildPolished:
            child = event.child()
            if isinstance(child, QWidget):
                self._lock_tree(child)
            return False
        if obj in self._no_input:
            if kind in _MOUSE_EDITS:
                return True  # no ticking, no choosing a row to remove
            if kind == QEvent.Type.KeyPress and event.key() in _KEY_EDITS:
                return True
        return False


def lock_forms(pane: Pane) -> FormLock:
    """Make the forms of ``pane`` read-only for as long as the pane lives."""
    return FormLock(form_areas(pane), pane)
