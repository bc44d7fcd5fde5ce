"""Shared test set-up: Qt offscreen, a private data directory, the demo document."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
DEMO_JSON = REPO / "resources" / "demo" / "syria-israel-2026.json"


@pytest.fixture(autouse=True)
def _private_home(tmp_path_factory, monkeypatch):
    """Every test gets its own DOSSIER_HOME, so nothing touches the user's workspace."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("DOSSIER_HOME", str(home))
    return home


@pytest.fixture
def demo_bytes() -> bytes:
    return DEMO_JSON.read_bytes()


@pytest.fixture
def demo_workspace(tmp_path):
    """A fresh demo workspace in a real SQLite file."""
    from dossier.services.demo import build_demo

    ws, _ = build_demo(tmp_path / "demo.sqlite")
    yield ws
    ws.close()


@pytest.fixture
def empty_workspace(tmp_path):
    from dossier.services.workspace import open_workspace

    ws = open_workspace(tmp_path / "empty.sqlite")
    yield ws
    ws.close()
