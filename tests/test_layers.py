"""The core never imports Qt: model, store, services and export run headless."""

import subprocess
import sys

CORE = ["dossier.model", "dossier.store", "dossier.services", "dossier.export", "dossier.cli"]


def test_core_modules_do_not_import_pyside6():
    code = (
        "import importlib, pkgutil, sys\n"
        "import dossier\n"
        f"for root in {CORE!r}:\n"
        "    mod = importlib.import_module(root)\n"
        "    for info in pkgutil.walk_packages(getattr(mod, '__path__', []), root + '.'):\n"
        "        if '.migrations' in info.name: continue\n"
        "        importlib.import_module(info.name)\n"
        "bad = sorted(m for m in sys.modules if m.startswith('PySide6') or m.startswith('shiboken'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"Qt imported by the core: {out.stdout}"


def test_ui_does_import_pyside6_only_below_ui():
    import pathlib

    root = pathlib.Path(__file__).resolve().parent.parent / "dossier"
    offenders = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if "PySide6" in p.read_text(encoding="utf-8") and p.relative_to(root).parts[0] != "ui"
    ]
    assert offenders == []
