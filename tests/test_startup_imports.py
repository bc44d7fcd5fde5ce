"""Start-up loads only what showing the main window needs: no reportlab, no Alembic, no ORM."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
original = QApplication.exec
def report():
    app = QApplication.instance()
    window = next((w for w in app.topLevelWidgets() if hasattr(w, "ctx")), None)
    if window is None or window.ctx is None:  # the window is drawn first, the workspace opened after
        QTimer.singleShot(5, report)
        return
    app.processEvents()
    print(json.dumps(sorted(sys.modules)), flush=True)
    for w in app.topLevelWidgets():
        w.close()
    app.quit()
def exec_and_report(*_a):
    QTimer.singleShot(0, report)
    return original()
QApplication.exec = staticmethod(exec_and_report)
from dossier.cli import main
sys.exit(main(["--db", sys.argv[1]]))
"""


def test_main_window_shows_without_reportlab_alembic_or_the_orm(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DOSSIER_HOME=str(tmp_path / "home"))
    workspace = str(tmp_path / "ws.sqlite")
    build = "import sys; from dossier.services.demo import build_demo; build_demo(sys.argv[1])[0].close()"
    built = subprocess.run([sys.executable, "-c", build, workspace], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    proc = subprocess.run([sys.executable, "-c", SCRIPT, workspace], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    modules = json.loads(next(line for line in proc.stdout.splitlines() if line.startswith("[")))
    assert "dossier.ui.main_window" in modules and "dossier.ui.panes.people" in modules
    assert "sqlalchemy" in modules
    loaded = sorted(m for m in modules if m.split(".")[0] in ("reportlab", "alembic") or m.startswith("sqlalchemy.orm"))
    assert loaded == []
