"""Where the bundled fonts, icons and demo data are found.

In an installed wheel or app bundle they live inside the package (``dossier/resources``);
in a source checkout they live in the top-level ``resources/`` folder.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def resources_root() -> Path:
    packaged = Path(__file__).resolve().parent / "resources"  # the package's own folder, as installed
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "resources"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("Dossier's resources folder is missing from this installation")


def resource_path(*parts: str) -> Path:
    return resources_root().joinpath(*parts)


DEMO_FILE = ("demo", "syria-israel-2026.json")
