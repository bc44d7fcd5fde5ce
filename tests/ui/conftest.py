"""Fixtures for the desktop app's tests: offscreen Qt, private settings, demo workspaces."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402


@pytest.fixture(autouse=True)
def qsettings_tmp(tmp_path_factory, monkeypatch):
    """Settings live in a temporary INI file: tests never read or write the user's settings."""
    folder = tmp_path_factory.mktemp("settings")
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(folder))
        QSettings.setPath(QSettings.Format.NativeFormat, scope, str(folder))
    settings = QSettings(str(folder / "dossier-test.ini"), QSettings.Format.IniFormat)
    yield settings
    settings.sync()


@pytest.fixture
def demo_ws(demo_workspace):
    """The demo workspace of tests/conftest.py (``demo_workspace``), by its name in these tests."""
    return demo_workspace


@pytest.fixture
def demo(demo_workspace):
    """The demo workspace of tests/conftest.py (``demo_workspace``), by its name in test_messages."""
    return demo_workspace


@pytest.fixture
def ctx(qapp, demo_ws, qsettings_tmp):
    from dossier.services import records
    from dossier.ui.context import AppContext

    context = AppContext(demo_ws, qsettings_tmp)
    negotiations = records.list_all(demo_ws, "negotiations")
    context.set_negotiation(negotiations[0].id if negotiations else None)
    yield context
    context.detach()


@pytest.fixture
def main_window(qtbot, tmp_path, qsettings_tmp, demo_copy):
    """The real main window on a fresh demo workspace, shown offscreen."""
    from dossier.ui.app import register_fonts
    from dossier.ui.main_window import MainWindow

    register_fonts()
    ws = demo_copy(tmp_path / "window-demo.sqlite", open=True)
    window = MainWindow(ws, qsettings_tmp)
    qtbot.addWidget(window)
    window.resize(1400, 860)
    window.show()
    qtbot.waitExposed(window)
    yield window
    if window.ctx is not None:
        window.close()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_teardown(item):
    """Widgets are closed at teardown (pytest-qt, then fixtures); a test that failed midway may
    have left an edit that cannot be saved, and closing would wait on that question for ever."""
    with discarding_unsaved_edits():
        yield


class discarding_unsaved_edits:
    """While open, answer every "not saved" box (``editor.ask_leave``) with Discard.

    For teardown: a test that fails midway may leave an edit that cannot be saved, and
    closing the window would then wait on that question for ever.
    """

    def __enter__(self):
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        self.timer = None
        if QApplication.instance() is not None:
            self.timer = QTimer()
            self.timer.setInterval(10)
            self.timer.timeout.connect(self._answer)
            self.timer.start()
        return self

    def _answer(self) -> None:
        from PySide6.QtWidgets import QApplication

        box = QApplication.activeModalWidget()
        if box is not None and box.objectName() == "leaveEditBox":
            for button in box.buttons():
                if button.text().replace("&", "") == "Discard":
                    button.click()
                    return

    def __exit__(self, *exc):
        if self.timer is not None:
            self.timer.stop()
        return False
