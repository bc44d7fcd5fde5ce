"""The layers keep to their own: each module's imports, read from its source (those inside
functions too), never reach past the layer below it.

* The desktop app (``dossier/ui/``) and the command line (``dossier/cli.py``) reach the
  workspace through the services only: never the store, never SQLAlchemy.
* The services do not know their backend: no ``sqlite3``, no ``psycopg``, nothing of
  ``dossier.store.sqlite`` or ``dossier.store.postgres`` (the store's neutral modules serve them).
* Qt is the desktop app's alone: nothing outside ``dossier/ui/`` imports PySide6, and the
  core (model, store, services, export, cli) runs without loading it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "dossier"
CORE = ["dossier.model", "dossier.store", "dossier.services", "dossier.export", "dossier.cli"]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(path: Path) -> Iterator[tuple[int, str]]:
    """Every module ``path`` imports, with the line: ``import a.b``, ``from a import b`` (both
    ``a`` and ``a.b``, as ``b`` may be a module), relative imports resolved, anywhere in the
    file, and ``importlib.import_module("a.b")`` / ``__import__("a.b")`` with a literal name."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                above = package[: len(package) - (node.level - 1)]
                base = ".".join([*above, *([base] if base else [])])
            if base:
                yield node.lineno, base
            for alias in node.names:
                if alias.name != "*":
                    yield node.lineno, f"{base}.{alias.name}" if base else alias.name
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in ("import_module", "__import__"):
                yield node.lineno, node.args[0].value


def is_under(name: str, prefixes: Iterable[str]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def offenders(files: Iterable[Path], forbidden: Iterable[str]) -> list[str]:
    """``file:line imports module`` for each import of a forbidden module (or one below it)."""
    forbidden = tuple(forbidden)
    found = []
    for path in sorted(files):
        lines: dict[int, str] = {}
        for line, name in imported(path):
            if is_under(name, forbidden) and len(name) > len(lines.get(line, "")):
                lines[line] = name  # the most precise name a line imports
        found += [f"{path.relative_to(ROOT)}:{line} imports {name}" for line, name in sorted(lines.items())]
    return found


def python_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*.py") if "__pycache__" not in p.parts]


def test_the_app_and_the_command_line_reach_the_store_only_through_the_services():
    files = [*python_files(PACKAGE / "ui"), PACKAGE / "cli.py"]
    found = offenders(files, ["dossier.store", "sqlalchemy"])
    assert not found, "the store or SQLAlchemy imported by the app or the command line:\n" + "\n".join(found)


def test_the_services_do_not_know_their_backend():
    found = offenders(python_files(PACKAGE / "services"),
                      ["sqlite3", "psycopg", "psycopg2", "dossier.store.sqlite", "dossier.store.postgres"])
    assert not found, "a backend imported by the services:\n" + "\n".join(found)


def test_qt_is_imported_only_below_ui():
    files = [p for p in python_files(PACKAGE) if p.relative_to(PACKAGE).parts[0] != "ui"]
    found = offenders(files, ["PySide6", "shiboken6"])
    assert not found, "Qt imported outside dossier/ui:\n" + "\n".join(found)


def test_core_modules_do_not_load_pyside6():
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
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"Qt imported by the core: {out.stdout}"


def test_the_import_reader_sees_every_kind_of_import(tmp_path, monkeypatch):
    """The rules above see imports inside functions, relative ones and ``from PACKAGE import MODULE``."""
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    folder = tmp_path / "dossier" / "ui"
    folder.mkdir(parents=True)
    (tmp_path / "dossier" / "__init__.py").write_text("")
    (folder / "__init__.py").write_text("")
    probe = folder / "probe.py"
    probe.write_text(
        "import os\n"
        "def f():\n"
        "    from dossier.store.rows import count_records\n"
        "from ..store import database\n"
        "from dossier import store\n"
        "import sqlalchemy.orm as orm\n"
        "importlib.import_module('dossier.store.sqlite.files')\n"
        "from dossier.storefront import x\n"
    )
    found = offenders([probe], ["dossier.store", "sqlalchemy"])
    assert [entry.split(" ", 1)[0] for entry in found] == [
        "dossier/ui/probe.py:3", "dossier/ui/probe.py:4", "dossier/ui/probe.py:5", "dossier/ui/probe.py:6",
        "dossier/ui/probe.py:7"]
