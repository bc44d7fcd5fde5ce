"""The demo workspace: the Israel–Syria security talks, shipped with Dossier."""

from __future__ import annotations

import os

from dossier import config
from dossier.resources import DEMO_FILE, resource_path
from dossier.services import interchange
from dossier.services.workspace import Workspace, open_workspace


def demo_bytes() -> bytes:
    return resource_path(*DEMO_FILE).read_bytes()


def build_demo(path: str | os.PathLike | None = None,
               lock_timeout: float = 0.0) -> tuple[Workspace, interchange.ImportReport]:
    """Create the demo workspace, or refresh its records to the shipped content.

    Records an analyst added to the demo workspace are kept; demo records are reset.
    """
    target = path if path is not None else config.demo_workspace_path()  # a file or a postgresql:// URL
    ws = open_workspace(target, lock_timeout=lock_timeout)
    try:
        report = interchange.import_json(ws, demo_bytes())
    except BaseException:
        ws.close()
        raise
    return ws, report
