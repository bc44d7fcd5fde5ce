"""Words the app shows, through Qt's translation, for code outside a widget's own ``tr``."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication


def translator(context: str) -> Callable[[str], str]:
    """``tr(text)`` for module-level code: ``text`` translated in Qt's ``context``."""

    def tr(text: str) -> str:
        return QCoreApplication.translate(context, text)

    return tr
