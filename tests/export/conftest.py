"""PDF test fixtures: the demo document and a dossier built from it once per session."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from dossier.export.pdf import export_pdf
from dossier.resources import DEMO_FILE, resource_path
from dossier.services.interchange import read_document

PREPARED = datetime.date(2026, 1, 7)


def load_demo():
    return read_document(resource_path(*DEMO_FILE).read_bytes())


@pytest.fixture(scope="session")
def demo_doc():
    return load_demo()


@pytest.fixture(scope="session")
def demo_pdf(tmp_path_factory, demo_doc) -> tuple[Path, int]:
    out = tmp_path_factory.mktemp("pdf") / "demo.pdf"
    pages = export_pdf(demo_doc, out, author="Desk Officer", prepared=PREPARED, marking="SECRET // REL")
    return out, pages
