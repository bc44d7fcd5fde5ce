"""Starting the desktop app: the QApplication, bundled fonts, settings, the first workspace."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

from dossier import APP_NAME, __version__, config
from dossier.resources import resource_path

SCREENSHOT_SIZE = (1400, 860)
APP_ID = "io.dossier.Dossier"  # names the desktop entry, the icon and the AppStream metainfo
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)


def _ensure_platform(screenshot: str | None) -> None:
    """Render screenshots without a display: pick Qt's offscreen platform when there is none."""
    if screenshot and not os.environ.get("QT_QPA_PLATFORM") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) and sys.platform.startswith("linux"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def register_fonts() -> list[str]:
    """Register every bundled .ttf so Arabic and Hebrew render where the system lacks them."""
    from PySide6.QtGui import QFontDatabase

    families: list[str] = []
    try:
        folder = resource_path("fonts")
    except FileNotFoundError:
        return families
    if not folder.is_dir():
        return families
    for font in sorted(folder.glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(font))
        if font_id >= 0:
            families += QFontDatabase.applicationFontFamilies(font_id)
    return families


def app_icon():
    """The application icon, at every size the desktop may draw it."""
    from PySide6.QtGui import QIcon

    icon = QIcon()
    for size in ICON_SIZES:
        path = resource_path("icons", f"dossier-{size}.png")
        if path.is_file():
            icon.addFile(str(path))
    return icon


def make_settings():
    """The app's settings: an INI file in DOSSIER_HOME when that is set, else the platform's place."""
    from PySide6.QtCore import QSettings

    if os.environ.get("DOSSIER_HOME"):
        settings = QSettings(str(config.data_dir() / "settings.ini"), QSettings.Format.IniFormat)
    else:
        settings = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_NAME, APP_NAME)
    _make_private(Path(settings.fileName()))
    return settings


def _make_private(path: Path) -> None:
    """Create the settings file private (0600, its new folders 0700) before Qt first writes it:
    Qt keeps the mode of a file that is there. Best effort: settings are not the user's data."""
    from dossier.files import create_private_if_absent, make_private_folders

    try:
        make_private_folders(path.parent)
        create_private_if_absent(path)
    except OSError:
        pass


def make_application(*, icon: bool = True):
    """The QApplication, named for the desktop; with ``icon``, its icon set now (``run_app`` sets
    it once the window is drawn: reading seven PNGs would delay the first paint)."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    if icon:
        app.setWindowIcon(app_icon())
    return app


def run_app(path: str | os.PathLike | None = None, *, screenshot: str | None = None, pane: str | None = None,
            readonly: bool = False) -> int:
    """Open the main window on the workspace at ``path`` (None: the last or default one).

    The window is shown first and the workspace opened as soon as it has been drawn, so
    the app answers at once however large the workspace; problems opening it (locked,
    damaged, a team server asking for a password) are asked over the window. With
    ``screenshot`` the window is rendered at a fixed size to that PNG and the app exits
    without waiting for the user.
    """
    _ensure_platform(screenshot)
    app = make_application(icon=bool(screenshot))

    from dossier.ui.analyst import apply_analyst_name
    from dossier.ui.main_window import MainWindow

    settings = make_settings()
    if screenshot:  # the workspace opens before the window, which would set the name otherwise
        apply_analyst_name(settings)
        register_fonts()
        _use_safeguards()
        opened = _open_quietly(team_address(path) or (Path(path) if path is not None
                                                       else config.default_workspace_path()), readonly)
        if opened is None:
            return 1
        window = MainWindow(opened.ws, settings, persist=False, notes=opened.notes)
        if pane:
            window.show_pane(pane)
        return _screenshot(app, window, Path(screenshot))

    from PySide6.QtCore import QCoreApplication

    window = MainWindow(None, settings)
    window.statusBar().showMessage(QCoreApplication.translate("run_app", "Opening the workspace…"))

    def open_first() -> None:
        app.setWindowIcon(app_icon())
        register_fonts()  # for names in Arabic and Hebrew scripts: the window's own text needs none
        _use_safeguards()
        opened = _open_first(window, settings, path, readonly)
        if opened is None:
            window.close()
            app.exit(1)
            return
        window.show_workspace(opened.ws, opened.notes, pane)
        # What is loaded by now (modules, the window) lives as long as the app: keep it out of
        # the collector's full passes, which would otherwise stall scrolling now and then.
        gc.freeze()

    window.after_first_paint(open_first)
    window.show()
    code = app.exec()
    if window.ctx is not None:  # quitting without closing the window still closes the workspace
        window.close()
    settings.sync()
    return code


def _use_safeguards() -> None:
    """Every workspace the app opens has its records checked before a pane draws one, unless it is
    exactly as this user's Dossier left it; no query may run longer than two minutes (see
    ``use_app_safeguards``). Loaded after the first paint, like the services."""
    from dossier.services.workspace import use_app_safeguards

    use_app_safeguards()


def _open_first(window, settings, path, readonly: bool):
    """The workspace the app starts on, asking over ``window`` when it is locked or damaged;
    None when none could be opened."""
    from dossier.ui.dialogs.open_problems import open_interactively
    from dossier.ui.dialogs.team_workspace import is_team_address, open_team_interactively

    address = team_address(path)
    if address is not None:
        return open_team_interactively(window, address, readonly=readonly)
    if path is None:
        last = settings.value("workspace/last", "", type=str)
        if last and is_team_address(last):
            opened = open_team_interactively(window, last)
            if opened is not None:
                return opened
            last = ""
        target = Path(last) if last and Path(last).exists() else config.default_workspace_path()
    else:
        target = Path(path)
    # locked: offer read-only; damaged: offer the newest good backup; else say why
    opened = open_interactively(window, target, readonly=readonly)
    if opened is None and path is None and target != config.default_workspace_path():
        opened = open_interactively(window, config.default_workspace_path())
    return opened


def team_address(path: str | os.PathLike | None) -> str | None:
    """The ``postgresql://`` address ``path`` stands for, or None for a file.

    A path object made from an address has lost one slash of ``//``; it is put back.
    """
    if path is None:
        return None
    text = os.fspath(path)
    for scheme in (s.removesuffix("://") for s in config.POSTGRES_SCHEMES):
        if text.startswith(scheme + "://"):
            return text
        if text.startswith(scheme + ":/"):
            return scheme + "://" + text[len(scheme) + 2:]
    return None


def _open_quietly(target, readonly: bool):
    """Open without dialogs (for screenshots): a problem is one line on stderr and None."""
    from dossier.errors import DossierError
    from dossier.services.workspace import open_workspace
    from dossier.ui.dialogs.open_problems import Opened

    try:
        return Opened(open_workspace(target, readonly=readonly), [])
    except DossierError as exc:
        print(f"dossier: {exc}", file=sys.stderr)
        return None


def _screenshot(app, window, out: Path) -> int:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    from dossier.files import write_private_bytes

    window.statusBar().clearMessage()  # passing news of this run (its daily backup) is not part of the picture
    window.resize(*SCREENSHOT_SIZE)
    window.show()
    for _ in range(5):
        app.processEvents()
    image = window.grab()
    window.close()
    app.processEvents()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    problem = None if image.save(buffer, "PNG") else "the picture could not be made"
    buffer.close()
    if problem is None:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            write_private_bytes(out, bytes(data))  # private, like every file Dossier makes
        except OSError as exc:
            problem = exc.strerror or str(exc)
    if problem:
        print(f"dossier: cannot write {out}: {problem}", file=sys.stderr)
        return 1
    print(f"Wrote {out}")
    return 0
