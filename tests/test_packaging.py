"""Dossier as users install it: the wheel in a clean virtual environment, and the frozen app.

Both run as real processes from a folder outside the checkout, so nothing can be found
through the source tree by accident.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from dossier import __version__

REPO = Path(__file__).resolve().parent.parent
APP_ID = "io.dossier.Dossier"
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)
LICENCE_FILES = ("LICENSE", "THIRD-PARTY-NOTICES")



def minimal_env(home: Path, **extra: str) -> dict[str, str]:
    """What a user's login shell would give: no virtual environment, no PYTHONPATH."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "DOSSIER_HOME": str(home / "data"),
           "QT_QPA_PLATFORM": "offscreen", "LANG": "C.UTF-8"}
    for name in ("SYSTEMROOT", "TMPDIR", "TEMP", "TMP"):  # Windows needs SYSTEMROOT to start at all
        if name in os.environ:
            env[name] = os.environ[name]
    env.update(extra)
    return env


def run(cmd: list, *, cwd: Path, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(c) for c in cmd], check=False, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, f"{cmd} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def all_font_names(path: Path) -> set[str]:
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(path).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object()["/BaseFont"]))
    return names


def old_workspace(path: Path) -> None:
    """A workspace at the first schema, with one person in it, as the first release left it."""
    from alembic import command

    from dossier.store import database
    from dossier.store.sqlite.connect import WRITE_OPTION, make_engine, set_wal
    from dossier.store.sqlite.files import APPLICATION_ID

    engine = make_engine(path)
    with engine.connect() as raw:
        conn = raw.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            command.upgrade(database._alembic_config(conn, database.MIGRATIONS_PACKAGE), "0001")
            conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    set_wal(engine)
    engine.dispose()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO parties (uid, name, kind) VALUES ('sy', 'Syria', 'state')")
        db.execute("INSERT INTO people (uid, name, native_name, party_id) "
                   "VALUES ('asaad', 'Asaad al-Shaybani', 'أسعد الشيباني', 1)")
    db.close()


def outside_checkout(path: Path) -> Path:
    assert REPO not in path.resolve().parents, f"{path} is inside the checkout"
    return path


# --- the wheel -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def installed_wheel(tmp_path_factory):
    """Build the wheel, install it with its dependencies into a brand-new virtual environment."""
    base = outside_checkout(tmp_path_factory.mktemp("wheel"))
    started = time.monotonic()
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-q",
         "-w", base / "dist", REPO], cwd=base, env={**os.environ, "PIP_NO_INPUT": "1"})
    wheels = list((base / "dist").glob("dossier-*.whl"))
    assert len(wheels) == 1, wheels
    run([sys.executable, "-m", "venv", base / "venv"], cwd=base, env=dict(os.environ))
    bindir = "Scripts" if sys.platform == "win32" else "bin"
    python = base / "venv" / bindir / ("python.exe" if sys.platform == "win32" else "python")
    pip_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    run([python, "-m", "pip", "install", "--disable-pip-version-check", "-q", wheels[0]], cwd=base,
        env={**pip_env, "PIP_NO_INPUT": "1"}, timeout=900)
    print(f"\nwheel {wheels[0].name}: {wheels[0].stat().st_size / 1e6:.2f} MB; "
          f"built and installed in {time.monotonic() - started:.0f} s")
    return wheels[0], base / "venv" / bindir


@pytest.mark.slow
def test_wheel_holds_resources_migrations_and_no_tests(installed_wheel):
    wheel, _ = installed_wheel
    names = set(zipfile.ZipFile(wheel).namelist())
    for size in ICON_SIZES:
        assert f"dossier/resources/icons/dossier-{size}.png" in names
    assert {"dossier/resources/icons/dossier.svg", f"dossier/resources/{APP_ID}.desktop",
            f"dossier/resources/{APP_ID}.metainfo.xml", "dossier/resources/demo/syria-israel-2026.json",
            "dossier/resources/fonts/OFL.txt", "dossier/resources/fonts/NotoSansArabic-Regular.ttf",
            "dossier/store/migrations/env.py", "dossier/store/migrations/script.py.mako",
            "dossier/store/migrations/versions/0001_workspace_tables.py"} <= names
    assert not [n for n in names if n.startswith("tests/") or "__pycache__" in n or n.endswith(".pyc")]


@pytest.mark.slow
def test_wheel_carries_the_licence_and_the_third_party_notices(installed_wheel):
    wheel, _ = installed_wheel
    with zipfile.ZipFile(wheel) as zf:
        dist_info = f"dossier-{__version__}.dist-info"
        for name in LICENCE_FILES:
            assert zf.read(f"{dist_info}/licenses/{name}") == (REPO / name).read_bytes()
        metadata = zf.read(f"{dist_info}/METADATA").decode("utf-8").splitlines()
    assert "License-Expression: Apache-2.0" in metadata
    assert {f"License-File: {name}" for name in LICENCE_FILES} <= set(metadata)


@pytest.mark.slow
def test_installed_wheel_finds_everything_inside_site_packages(installed_wheel, tmp_path):
    _, bindir = installed_wheel
    cwd = outside_checkout(tmp_path)
    python = bindir / ("python.exe" if sys.platform == "win32" else "python")
    probe = ("import dossier, dossier.resources as r; print(dossier.__file__); print(r.resources_root()); "
             "print(r.resource_path('icons', 'dossier-256.png').is_file())")
    out = run([python, "-c", probe], cwd=cwd, env=minimal_env(tmp_path)).stdout.splitlines()
    site = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                    cwd=cwd, env=minimal_env(tmp_path)).stdout.strip())
    assert Path(out[0]).parent == site / "dossier"
    assert Path(out[1]) == site / "dossier" / "resources"
    assert out[2] == "True"


@pytest.mark.slow
def test_installed_wheel_runs_its_commands_outside_the_checkout(installed_wheel, tmp_path):
    _, bindir = installed_wheel
    cwd = outside_checkout(tmp_path)
    env = minimal_env(tmp_path)
    dossier = bindir / "dossier"
    assert run([dossier, "--version"], cwd=cwd, env=env).stdout.strip() == f"Dossier {__version__}"
    out = run([dossier, "demo", "--db", "w.sqlite"], cwd=cwd, env=env).stdout
    assert "9 people" in out and (cwd / "w.sqlite").is_file()
    run([dossier, "export-pdf", "--db", "w.sqlite", "-o", "out.pdf"], cwd=cwd, env=env)
    assert (cwd / "out.pdf").read_bytes()[:4] == b"%PDF"
    check_pdf_file(cwd / "out.pdf")
    run([dossier, "--demo", "--screenshot", "shot.png", "--pane", "rounds"], cwd=cwd, env=env)
    assert png_size(cwd / "shot.png") == (1400, 860)


def check_pdf_file(path: Path) -> None:
    from pypdf import PdfReader

    assert path.read_bytes()[:5] == b"%PDF-"
    reader = PdfReader(path)
    assert len(reader.pages) > 5
    assert reader.metadata.creator == f"Dossier {__version__}"
    fonts = all_font_names(path)
    assert any("NotoSansArabic" in name for name in fonts), fonts  # bundled fonts were found


# --- the app bundle --------------------------------------------------------------------

@pytest.fixture(scope="module")
def app_bundle(tmp_path_factory):
    """Build the one-folder app with packaging/build-app.sh into a temporary folder."""
    if shutil.which("bash") is None:
        pytest.skip("building the app needs bash")
    base = outside_checkout(tmp_path_factory.mktemp("bundle"))
    started = time.monotonic()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PYTHON"] = sys.executable
    run(["bash", REPO / "packaging" / "build-app.sh", "--distpath", base / "dist", "--workpath", base / "work"],
        cwd=base, env=env, timeout=1500)
    folder = base / "dist" / "Dossier"
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())
    print(f"\napp bundle: {size / 1e6:.0f} MB in {sum(1 for _ in folder.rglob('*'))} files; "
          f"built in {time.monotonic() - started:.0f} s")
    return folder, size


def executable(folder: Path) -> Path:
    name = "dossier-cli.exe" if sys.platform == "win32" else "dossier"
    return folder / name


@pytest.mark.slow
def test_bundle_holds_what_the_app_needs_and_nothing_else(app_bundle):
    folder, size = app_bundle
    internal = folder / "_internal"
    resources = internal / "dossier" / "resources"
    for size_px in ICON_SIZES:
        assert (resources / "icons" / f"dossier-{size_px}.png").is_file()
    assert (resources / "fonts" / "NotoSansHebrew-Regular.ttf").is_file()
    assert (resources / "fonts" / "OFL.txt").is_file()
    assert (resources / "demo" / "syria-israel-2026.json").is_file()
    assert (resources / f"{APP_ID}.desktop").is_file()
    versions = internal / "dossier" / "store" / "migrations" / "versions"
    assert {p.name for p in versions.glob("*.py")} == {
        p.name for p in (REPO / "dossier" / "store" / "migrations" / "versions").glob("*.py")}
    assert (internal / "dossier" / "store" / "migrations" / "env.py").is_file()
    files = [p.relative_to(folder).as_posix() for p in folder.rglob("*")]
    for unwanted in ("pytest", "_pytest", "hypothesis", "pytestqt", "tkinter", "_tkinter",
                     "PyInstaller", "QtWebEngine", "Qt6Qml", "Qt6Quick", "Qt63D", "QtMultimedia", "QtCharts",
                     "Qt6Network", "sqlalchemy/testing", "Qt/translations", "QtDBus.abi3", "libssl", "_ssl.",
                     "plugins/generic/", "libqvkkhrdisplay", "libqtiff", "libqwebp", "libivi-shell",
                     "libvulkan-server", "Qt6WlShellIntegration"):
        found = [f for f in files if unwanted in f]
        assert not found, f"{unwanted} in the bundle: {found[:5]}"
    assert size < 160e6, f"the bundle grew to {size / 1e6:.0f} MB"


@pytest.mark.slow
def test_bundle_carries_the_licence_and_notices_for_what_it_ships(app_bundle):
    folder, _ = app_bundle
    for name in LICENCE_FILES:  # at the top, where a user looks, and beside the libraries
        assert (folder / name).read_bytes() == (REPO / name).read_bytes()
        assert (folder / "_internal" / name).read_bytes() == (REPO / name).read_bytes()
    if not sys.platform.startswith("linux"):
        return
    notices = (REPO / "THIRD-PARTY-NOTICES").read_text(encoding="utf-8")
    qt_lib = folder / "_internal" / "PySide6" / "Qt" / "lib"
    assert "Dossier/_internal/PySide6/Qt/lib/" in notices  # where the LGPL libraries can be replaced
    qt_files = sorted(p.name for p in qt_lib.glob("libQt6*.so.6"))
    assert "libQt6Core.so.6" in qt_files and not any(p.is_symlink() for p in qt_lib.iterdir())
    for name in qt_files:
        assert name in notices, f"{name} is not named where THIRD-PARTY-NOTICES says how to replace Qt"
    # every shared library the build copied in is named with its licence
    libraries = [p for p in (folder / "_internal").glob("lib*.so*") if not p.is_symlink()]
    libraries += list((folder / "_internal" / "pillow.libs").glob("lib*.so*"))
    unnamed = set()
    for path in libraries:
        stem = re.sub(r"(-[0-9a-f]{8})?\.so.*$", "", path.name)  # libxcb-9065bb12.so.1.1.0 -> libxcb
        if stem.startswith(("libpython", "libpyside6", "libshiboken6")):
            continue
        if stem not in notices and re.split(r"[-.]", stem)[0] not in notices:
            unnamed.add(path.name)
    assert not unnamed, f"THIRD-PARTY-NOTICES does not name {sorted(unnamed)}"


@pytest.mark.slow
def test_bundle_runs_without_the_virtual_environment(app_bundle, tmp_path):
    folder, _ = app_bundle
    cwd = outside_checkout(tmp_path)
    env = minimal_env(tmp_path)
    exe = executable(folder)
    assert run([exe, "--version"], cwd=cwd, env=env).stdout.strip() == f"Dossier {__version__}"

    out = run([exe, "demo"], cwd=cwd, env=env).stdout
    assert "9 people" in out and (tmp_path / "data" / "demo.sqlite").is_file()

    run([exe, "export-pdf", "--db", tmp_path / "data" / "demo.sqlite", "-o", "demo.pdf"], cwd=cwd, env=env)
    check_pdf_file(cwd / "demo.pdf")

    out = run([exe, "--demo", "--screenshot", "positions.png", "--pane", "positions"], cwd=cwd, env=env)
    assert png_size(cwd / "positions.png") == (1400, 860)
    assert (cwd / "positions.png").stat().st_size > 20_000  # a drawn window, not a blank image


@pytest.mark.slow
def test_bundle_upgrades_an_old_workspace_with_its_migrations(app_bundle, tmp_path):
    folder, _ = app_bundle
    old = tmp_path / "old.sqlite"
    old_workspace(old)
    env = minimal_env(tmp_path)
    out = run([executable(folder), "search", "--db", old, "shaybani"], cwd=tmp_path, env=env).stdout
    assert "asaad" in out  # the search index of migration 0002 was built from the old rows
    out = run([executable(folder), "check", "--db", old], cwd=tmp_path, env=env).stdout
    from dossier.store.database import SCHEMA_HEAD

    assert f"Schema: {SCHEMA_HEAD}" in out and "Integrity: ok" in out
    assert len(list(tmp_path.glob("old.sqlite.before-schema-*.bak"))) == 1  # the copy kept before upgrading


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="freedesktop menus are a Linux affair")
def test_bundle_adds_itself_to_the_application_menu(app_bundle, tmp_path):
    folder, _ = app_bundle
    share = tmp_path / "share"
    run(["bash", folder / "install-desktop-entry.sh", "--prefix", share], cwd=tmp_path, env=minimal_env(tmp_path))
    entry = share / "applications" / f"{APP_ID}.desktop"
    lines = entry.read_text(encoding="utf-8").splitlines()
    assert f"Exec={folder / 'dossier'}" in lines or f'Exec="{folder / "dossier"}"' in lines
    assert "Icon=io.dossier.Dossier" in lines
    for size in ICON_SIZES:
        assert png_size(share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png") == (size, size)
    assert (share / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    if shutil.which("desktop-file-validate"):
        run(["desktop-file-validate", entry], cwd=tmp_path, env=minimal_env(tmp_path))


# --- the licence -------------------------------------------------------------------------

def test_pyproject_declares_the_apache_licence_and_its_files():
    import tomllib

    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    project = pyproject["project"]
    assert project["license"] == "Apache-2.0"
    assert set(LICENCE_FILES) <= set(project["license-files"])
    assert set(LICENCE_FILES) <= set(pyproject["tool"]["hatch"]["build"]["targets"]["sdist"]["include"])
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text and "APPENDIX: How to apply the Apache License" in text


def test_third_party_notices_name_every_dependency_and_font():
    import tomllib

    notices = (REPO / "THIRD-PARTY-NOTICES").read_text(encoding="utf-8")
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"]) + list(project["optional-dependencies"]["postgresql"])
    for requirement in requirements:
        name = re.match(r"[A-Za-z0-9_.-]+", requirement).group().removesuffix("-essentials")
        assert re.search(re.escape(name), notices, re.IGNORECASE), f"{name} is not in THIRD-PARTY-NOTICES"
    for heading, licences in (("Qt 6 (", ["LGPL-3.0-only"]), ("PySide6 (", ["LGPL-3.0-only"]),
                              ("SQLAlchemy\n", ["MIT"]), ("Alembic\n", ["MIT"]), ("reportlab (", ["BSD"]),
                              ("platformdirs\n", ["MIT"]), ("python-bidi\n", ["Lesser General Public", "v3"]),
                              ("uharfbuzz\n", ["Apache-2.0", "HarfBuzz", "Old MIT"]),
                              ("Python (", ["PSF-2.0"]), ("Noto Sans,", ["OFL-1.1"])):
        start = notices.index("\n  " + heading) + 1  # an entry: its name at the margin, details indented
        end = re.compile(r"\n\n  \S").search(notices, start)
        entry = notices[start:end.start() if end else None]
        for licence in licences:
            assert licence in entry, f"{heading.strip()}: {licence!r} not in its entry:\n{entry}"
    assert "psycopg-binary\n(LGPL-3.0-only)" in notices
    fonts = REPO / "resources" / "fonts"
    assert "dossier/resources/fonts/OFL.txt" in notices and (fonts / "OFL.txt").is_file()
    assert len(list(fonts.glob("*.ttf"))) == 7 and "(7 files)" in notices
    for appendix in ("GNU LESSER GENERAL PUBLIC LICENSE", "Version 3, 29 June 2007",
                     "GNU GENERAL PUBLIC LICENSE", "PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2"):
        assert appendix in notices


# --- the app's identity on the desktop ---------------------------------------------------

def test_app_names_itself_and_shows_its_icon(qapp, tmp_path):
    from PySide6.QtCore import QSettings, QSize

    from dossier.services.demo import build_demo
    from dossier.ui.app import APP_ID, make_application
    from dossier.ui.main_window import MainWindow

    app = make_application()
    assert (app.applicationName(), app.applicationVersion()) == ("Dossier", __version__)
    assert app.desktopFileName() == APP_ID
    assert (REPO / "resources" / f"{APP_ID}.desktop").is_file()
    sizes = {(s.width(), s.height()) for s in app.windowIcon().availableSizes()}
    assert sizes == {(n, n) for n in ICON_SIZES}

    ws, _ = build_demo(tmp_path / "demo.sqlite")
    window = MainWindow(ws, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat), persist=False)
    try:
        assert "Dossier" in window.windowTitle()
        assert not window.windowIcon().isNull()
        assert window.windowIcon().pixmap(QSize(48, 48)).toImage() == app.windowIcon().pixmap(QSize(48, 48)).toImage()
    finally:
        if window.ctx is not None:
            window.close()
        ws.close()


def test_icon_pngs_are_renders_of_the_svg_at_their_size():
    import xml.etree.ElementTree as ET

    root = ET.parse(REPO / "resources" / "icons" / "dossier.svg").getroot()
    assert root.get("viewBox") == "0 0 512 512"
    for size in ICON_SIZES:
        assert png_size(REPO / "resources" / "icons" / f"dossier-{size}.png") == (size, size)
