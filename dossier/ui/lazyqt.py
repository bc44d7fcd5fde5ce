"""``Qt``, the namespace of Qt's enums, made when first used.

PySide6 builds every enum type of the namespace (over a hundred) the first time ``Qt`` is
taken from ``PySide6.QtCore``, about 15 ms. The main window is drawn without any of them, so
the modules on the way to it take ``Qt`` from here, and that cost falls after the first paint.
"""

from __future__ import annotations


class _Qt:
    def __getattr__(self, name: str):
        from PySide6.QtCore import Qt

        value = getattr(Qt, name)
        setattr(self, name, value)  # later look-ups are plain attributes
        return value


Qt = _Qt()
