"""Where things live (the user's data directory, the default workspace) and the few settings
the headless core reads (the analyst's name)."""

from __future__ import annotations

import json
import os
from pathlib import Path

APP_DIR_NAME = "Dossier"
DEFAULT_WORKSPACE = "dossier.sqlite"
DEMO_WORKSPACE = "demo.sqlite"
SETTINGS_FILE = "settings.json"
#: Environment variable that names the analyst in the history of every edit.
ANALYST_ENV = "DOSSIER_ANALYST"


def os_user() -> str:
    """The operating system's name for the user running Dossier ("unknown user" where there is
    none to be had, as in some containers)."""
    import getpass

    try:
        return getpass.getuser()
    except Exception:
        return "unknown user"


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


def settings_path() -> Path:
    return data_dir() / SETTINGS_FILE


def read_settings() -> dict:
    """The settings file's content; an absent or unreadable file reads as no settings."""
    try:
        value = json.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def write_setting(name: str, value: object) -> None:
    from dossier.files import make_private_folders, write_private_text

    settings = read_settings()
    settings[name] = value
    path = settings_path()
    make_private_folders(path.parent)
    write_private_text(path, json.dumps(settings, ensure_ascii=False, indent=2))


def analyst_name() -> str | None:
    """The name history records for this analyst's edits: ``$DOSSIER_ANALYST``, else the
    ``analyst_name`` setting, else None (the workspace then uses the database or OS user)."""
    name = os.environ.get(ANALYST_ENV, "").strip()
    if name:
        return name
    value = read_settings().get("analyst_name")
    return value.strip() if isinstance(value, str) and value.strip() else None


#: How the address of a team workspace on PostgreSQL begins.
POSTGRES_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def is_postgres_url(target: object) -> bool:
    """Whether ``target`` names a team workspace on PostgreSQL rather than a file."""
    return isinstance(target, str) and target.startswith(POSTGRES_SCHEMES)
