"""Draw the user guide's pictures of the editors: ``.venv/bin/python docs/screenshots/make.py``.

Each picture is the real window on the demo workspace (or on a new, empty one), drawn
offscreen at the given size and written beside this script.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

HERE = Path(__file__).resolve().parent
SIZE = (1280, 800)


def settle(app: QApplication) -> None:
    for _ in range(8):
        app.processEvents()


def window_on(ws, folder: Path):
    from dossier.ui.main_window import MainWindow

    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ws, settings, persist=False)
    window.resize(*SIZE)
    window.show()
    return window


def save(app: QApplication, widget, name: str) -> None:
    settle(app)
    path = HERE / name
    if not widget.grab().save(str(path), "PNG"):
        sys.exit(f"cannot write {path}")
    print(f"Wrote {path}")


def main() -> int:
    app = QApplication(sys.argv[:1])
    from dossier.services.demo import build_demo
    from dossier.services.workspace import open_workspace
    from dossier.ui.app import register_fonts

    register_fonts()
    folder = Path(tempfile.mkdtemp(prefix="dossier-shots-"))

    # an empty workspace: the welcome page and the New negotiation dialog
    empty = open_workspace(folder / "new.sqlite")
    window = window_on(empty, folder)
    window.statusBar().clearMessage()
    save(app, window, "welcome.png")

    def draw_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        dialog.title_edit.setText("Israel–Syria security talks")
        save(app, dialog, "new-negotiation.png")
        dialog.reject()

    QTimer.singleShot(0, draw_dialog)
    window.new_negotiation()
    window.close()
    empty.close()

    # the demo: each editor with a record chosen
    ws, _ = build_demo(folder / "demo.sqlite")
    window = window_on(ws, folder)
    window.statusBar().clearMessage()
    for key, name in (("negotiations", "negotiation-editor.png"), ("parties", "party-editor.png"),
                      ("topics", "topic-editor.png"), ("events", "event-editor.png")):
        window.show_pane(key)
        pane = window.current_pane()
        if key == "events":
            pane.browser.select(pane.model.record_id(pane.model.rowCount() - 1))
        save(app, window, name)
    window.show_pane("rounds")
    window.current_pane().new_record()
    save(app, window, "round-draft.png")
    window.current_pane().editor.discard()

    # the reader: the news report's document, its names marked, a passage chosen to code
    window.resize(1400, 860)
    window.open_record("sources", "art-paris-round-5")
    reader = window.current_pane().reader
    while reader.found is None:
        app.processEvents()
    text = reader.source.text
    passage = "the team is headed by Yair Lapid"
    start = text.index(passage)
    end = text.index(".", start) + 1
    reader.view.select_span(start, end)
    reader.candidates.setCurrentRow(0)
    save(app, window, "reader.png")
    window.close()
    ws.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
