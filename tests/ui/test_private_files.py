"""In the app: the files it writes are private whatever the umask, and File ▸ Restore from
backup lists only the open workspace's own backups (never another workspace's whose name
starts the same, never what lies behind a ``backups`` folder that is a link)."""

from __future__ import annotations

import os
import shutil
import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from dossier.services.demo import build_demo
from dossier.store.sqlite import backups
from dossier.ui.dialogs.restore import RestoreDialog


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_json_export_and_settings_of_the_app_are_private(main_window, qtbot, tmp_path, umask_022):
    out = tmp_path / "out.json"
    task = main_window.start_export_json(out)
    with qtbot.waitSignal(task.signals.finished, timeout=20_000):
        pass
    qtbot.waitUntil(lambda: out.exists())
    assert mode(out) == 0o600

    from dossier import config
    from dossier.ui.app import make_settings

    settings = make_settings()
    settings.setValue("probe", 1)
    settings.sync()
    assert mode(config.data_dir() / "settings.ini") == 0o600


def test_restore_lists_only_this_workspaces_backups(qapp, tmp_path):
    talks = tmp_path / "talks.sqlite"
    other = tmp_path / "talks-20250101.sqlite"
    for path in (talks, other):
        build_demo(path)[0].close()
    own = backups.daily_backup(talks, now=datetime.now() - timedelta(days=2))
    others = backups.daily_backup(other, now=datetime.now())
    dialog = RestoreDialog(talks)
    try:
        assert dialog.backups == [own] and others.exists()
        assert dialog.table.rowCount() == 1
    finally:
        dialog.deleteLater()


def test_restore_names_a_backups_folder_that_is_a_link_and_lists_nothing_behind_it(qapp, tmp_path):
    talks = tmp_path / "talks.sqlite"
    build_demo(talks)[0].close()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(talks, elsewhere / "talks-20250101-090000.sqlite")
    (tmp_path / "backups").symlink_to(elsewhere, target_is_directory=True)
    dialog = RestoreDialog(talks)
    try:
        assert dialog.backups == [] and dialog.table.rowCount() == 0
        assert str(tmp_path / "backups") in dialog.intro.text() and "symbolic link" in dialog.intro.text()
    finally:
        dialog.deleteLater()


def test_the_app_refuses_to_export_over_its_workspace(main_window, qtbot):
    """JSON and PDF exports aimed at the open workspace end in a message; the file is untouched."""
    import hashlib

    from dossier.ui.dialogs.export_pdf import ExportPdfDialog
    from dossier.ui.workers import _running
    from modals import Modals, ok

    path = main_window.ctx.ws.path
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    modals = Modals(ok, ok)
    task = main_window.start_export_json(path)
    qtbot.waitUntil(lambda: task not in _running, timeout=20_000)
    dialog = ExportPdfDialog(main_window.ctx, main_window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.path.setText(str(path))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.task not in _running, timeout=20_000)
    qtbot.waitUntil(lambda: len(modals.seen) == 2, timeout=5_000)
    modals.stop()
    assert all("open workspace" in text for text in modals.texts), modals.texts
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
