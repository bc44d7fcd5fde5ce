"""Where things live: the user's data directory and the default workspace."""

from __future__ import annotations

import os
from pathlib import Path

APP_DIR_NAME = "Dossier"
DEFAULT_WORKSPACE = "dossier.sqlite"
DEMO_WORKSPACE = "demo.sqlite"


def data_dir() -> Path:
    """``$DOSSIER_HOME`` when set, else the platform's user data directory."""
    override = os.environ.get("DOSSIER_HOME")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_DIR_NAME, appauthor=False))


def default_workspace_path() -> Path:
    return data_dir() / DEFAULT_WORKSPACE


def demo_workspace_path() -> Path:
    return data_dir() / DEMO_WORKSPACE
