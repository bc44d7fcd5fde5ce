"""PDF test fixtures: a dossier built once per session from the demo document (``demo_doc``,
shared by every test folder, is in ``tests/conftest.py``)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from dossier.export.pdf import export_pdf

PREPARED = datetime.date(2026, 1, 7)


@pytest.fixture(scope="session")
def demo_pdf(tmp_path_factory, demo_doc) -> tuple[Path, int]:
    out = tmp_path_factory.mktemp("pdf") / "demo.pdf"
    pages = export_pdf(demo_doc, out, author="Desk Officer", prepared=PREPARED, marking="SECRET // REL")
    return out, pages
