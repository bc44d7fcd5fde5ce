"""The name an analyst's edits are recorded under, kept in the app's settings.

It is handed to the core through the ``DOSSIER_ANALYST`` environment variable of this
process, which the core reads when a workspace is opened. A ``DOSSIER_ANALYST`` given when
Dossier was started wins over the preference. (Imported at start-up, before the window is
drawn: no widgets here; the dialog is ``dossier.ui.dialogs.preferences``.)
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from dossier import config

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings

SETTING = "analyst/name"
#: The name given in the environment when Dossier started, if any: it wins over the preference.
_STARTED_WITH = (os.environ.get(config.ANALYST_ENV) or "").strip()


def analyst_preference(settings: QSettings) -> str:
    return str(settings.value(SETTING, "", type=str) or "").strip()


def apply_analyst_name(settings: QSettings) -> None:
    """Make the preferred name the one the core records edits under (unless started with one)."""
    if _STARTED_WITH:
        return
    name = analyst_preference(settings)
    if name:
        os.environ[config.ANALYST_ENV] = name
    else:
        os.environ.pop(config.ANALYST_ENV, None)
