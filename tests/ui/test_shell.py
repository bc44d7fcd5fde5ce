"""The main window: panes, search, workspaces, background work, settings, screenshots."""

from __future__ import annotations

import dataclasses
import json
import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from dossier.services import interchange, records
from dossier.ui.dialogs.history import HistoryDialog
from dossier.ui.main_window import MainWindow


def test_window_shows_panes_workspace_and_negotiation(main_window):
    keys = [main_window.sidebar.item(i).data(Qt.ItemDataRole.UserRole) for i in range(main_window.sidebar.count())]
    assert keys == ["negotiations", "parties", "people", "topics", "rounds", "positions", "sources", "events",
                    "timeline"]
    assert "window-demo.sqlite" in main_window.windowTitle()
    assert main_window.ctx.negotiation_id == "il-sy-security"
    assert main_window.negotiation_box.currentData() == "il-sy-security"
    main_window.show_pane("sources")
    assert main_window.current_pane().key == "sources"
    menus = [a.text().replace("&", "") for a in main_window.menuBar().actions()]
    assert menus == ["File", "Edit", "View", "Help"]


def test_search_hit_opens_the_record_in_its_pane(main_window, qtbot):
    main_window.show_pane("sources")
    box = main_window.search_box
    main_window.focus_search()
    qtbot.keyClicks(box, "shaybani")
    box.run_search()
    assert box.hits.isVisible() and box.hits.count() >= 1
    first = box.hits.item(0).data(Qt.ItemDataRole.UserRole)
    assert first == ("people", "asaad-al-shaybani")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert main_window.current_pane().key == "people"
    pane = main_window.pane("people")
    assert pane.editor.record.id == "asaad-al-shaybani"
    assert pane.model.record_id(pane.table.currentIndex().row()) == "asaad-al-shaybani"
    assert not box.hits.isVisible()


def _answer_next_dialog(seen: list[str]) -> None:
    def close():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            assert box.textFormat() == Qt.TextFormat.PlainText
            box.accept()
        else:  # pragma: no cover - a failure shows up as no message seen
            QTimer.singleShot(20, close)

    QTimer.singleShot(0, close)


def test_opening_bad_files_shows_the_message_and_keeps_the_workspace(main_window, tmp_path):
    before = main_window.ctx.ws.path
    not_sqlite = tmp_path / "notes.sqlite"
    not_sqlite.write_text("just some text, not a database\n" * 20)
    seen: list[str] = []
    _answer_next_dialog(seen)
    assert not main_window.switch_workspace(not_sqlite)
    assert seen and "Traceback" not in seen[0] and "notes.sqlite" in seen[0]
    assert main_window.ctx.ws.path == before
    assert not_sqlite.read_text().startswith("just some text")

    _answer_next_dialog(seen)
    assert not main_window.switch_workspace(tmp_path / "missing.sqlite")
    assert "does not exist" in seen[1]


def test_open_another_workspace_and_recent_files(main_window, tmp_path):
    other = tmp_path / "other.sqlite"
    assert main_window.switch_workspace(other, create=True)
    assert main_window.ctx.ws.path == other
    assert "other.sqlite" in main_window.windowTitle()
    assert main_window.pane("people").model.total() == 0
    assert main_window.recent_files()[0] == str(other.resolve())
    assert main_window.negotiation_box.currentData() is None


def test_import_and_export_json_run_in_the_background(main_window, qtbot, tmp_path):
    out = tmp_path / "out.json"
    task = main_window.start_export_json(out)
    with qtbot.waitSignal(task.signals.finished, timeout=20_000):
        pass
    qtbot.waitUntil(lambda: out.exists())
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert len(exported["people"]) == 9

    exported["people"].append({**exported["people"][0], "id": "imported-person", "name": "Imported Person"})
    source = tmp_path / "in.json"
    source.write_text(json.dumps(exported), encoding="utf-8")
    task = main_window.start_import(source)
    with qtbot.waitSignal(task.signals.finished, timeout=20_000):
        pass
    assert task.error is None and not task.was_cancelled
    assert records.get(main_window.ctx.ws, "people", "imported-person").name == "Imported Person"
    qtbot.waitUntil(lambda: main_window.pane("people").model.row_of("imported-person") is not None)


def _import_in_app(main_window, qtbot, tmp_path, edit) -> None:
    """Export the workspace, ``edit`` the exported data, and import it back through the window."""
    exported = interchange.document_to_json(interchange.export_document(main_window.ctx.ws))
    edit(exported)
    source = tmp_path / "in.json"
    source.write_text(json.dumps(exported), encoding="utf-8")
    task = main_window.start_import(source)
    with qtbot.waitSignal(task.signals.finished, timeout=20_000):
        pass
    assert task.error is None
    qtbot.waitUntil(lambda: main_window.ctx.undo_stack.count() == 1)


def _add_a_person(exported: dict) -> None:
    exported["people"].append({"id": "imported-person", "name": "Imported <i>Person</i>"})


def test_an_import_in_the_app_can_be_undone(main_window, qtbot, tmp_path):
    ws = main_window.ctx.ws
    stack = main_window.ctx.undo_stack
    mine = records.list_all(ws, "people")[0]

    def edit(exported: dict) -> None:
        exported["people"][0] = {**exported["people"][0], "bio": "From <b>the file</b>"}
        _add_a_person(exported)

    _import_in_app(main_window, qtbot, tmp_path, edit)
    assert stack.undoText() == "Import in.json"
    assert main_window.statusBar().currentMessage() == \
        "Imported in.json: 1 record added, 41 replaced; Edit ▸ Undo takes it back"
    assert records.get(ws, "people", mine.id).bio == "From <b>the file</b>"
    dialog = HistoryDialog(ws, "people", mine.id, mine.name, main_window)
    qtbot.addWidget(dialog)
    newest = dialog.tree.topLevelItem(0)
    assert newest.text(2) == "Imported: Biography"
    assert newest.child(0).text(0).endswith(" → From <b>the file</b>")

    stack.undo()
    assert not records.exists(ws, "people", "imported-person")
    assert records.get(ws, "people", mine.id) == mine
    assert stack.count() == 0 and not stack.canRedo()  # to redo it, import the file again
    assert main_window.statusBar().currentMessage() == "Undid import in.json: 1 record removed, 41 put back as they were"
    qtbot.waitUntil(lambda: main_window.pane("people").model.row_of("imported-person") is None)


def test_an_import_undo_refused_says_why_and_changes_nothing(main_window, qtbot, tmp_path):
    ws = main_window.ctx.ws
    stack = main_window.ctx.undo_stack
    _import_in_app(main_window, qtbot, tmp_path, _add_a_person)
    person = records.get(ws, "people", "imported-person")
    records.update(ws, dataclasses.replace(person, title="Envoy"))  # another window's edit
    stack.undo()
    assert records.get(ws, "people", "imported-person").title == "Envoy"
    message = main_window.statusBar().currentMessage()
    assert message == "Could not undo import in.json: person 'imported-person' was changed since; nothing was changed"
    assert stack.count() == 0


def test_a_cancelled_import_writes_nothing(main_window, qtbot):
    from PySide6.QtCore import QThreadPool

    from dossier.model.records import Document, Person
    from dossier.services import interchange
    from dossier.ui.workers import Task

    ws = main_window.ctx.ws
    doc = Document(people=[Person(id=f"p{i}", name=f"P {i}") for i in range(50)])
    steps: list[tuple[int, int]] = []
    task = Task(lambda progress, is_cancelled: interchange.import_document(
        ws, doc, progress=lambda d, t: steps.append((d, t)), is_cancelled=is_cancelled))
    task.cancel()  # as the progress dialog's Cancel does
    with qtbot.waitSignal(task.signals.finished, timeout=20_000):
        QThreadPool.globalInstance().start(task)
    assert task.was_cancelled and task.error is None
    assert not records.exists(ws, "people", "p0")


def test_settings_remember_window_pane_splitter_and_workspace(main_window, qsettings_tmp, qtbot, tmp_path):
    main_window.show_pane("sources")
    pane = main_window.pane("sources")
    pane.browser.splitter.setSizes([500, 700])
    sizes = pane.browser.splitter.sizes()
    path = main_window.ctx.ws.path
    main_window.close()
    assert qsettings_tmp.value("window/pane") == "sources"
    assert qsettings_tmp.value("workspace/last") == str(path.resolve())

    from dossier.services.workspace import open_workspace

    again = MainWindow(open_workspace(path), qsettings_tmp)
    qtbot.addWidget(again)
    again.show()
    assert again.current_pane().key == "sources"
    restored = again.pane("sources").browser.splitter.sizes()
    # the splitter keeps its proportions whatever width the window gets
    assert abs(restored[0] / sum(restored) - sizes[0] / sum(sizes)) < 0.02
    again.close()


def test_screenshot_command_writes_a_png(tmp_path):
    out = tmp_path / "shot.png"
    env = {**os.environ, "DOSSIER_HOME": str(tmp_path / "home")}
    env.pop("QT_QPA_PLATFORM", None)
    env.pop("DISPLAY", None)
    result = subprocess.run([sys.executable, "-m", "dossier", "--demo", "--screenshot", str(out),
                             "--pane", "sources"], env=env, capture_output=True, text=True, timeout=120,
                            preexec_fn=lambda: os.umask(0o022))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # private, whatever the umask
    data = Path(out).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert (image.width(), image.height()) == (1400, 860)


def test_panes_are_built_when_first_shown(main_window):
    assert [p.key for p in main_window.panes] == ["people"]
    assert main_window.stack.count() == 9  # the others are stand-ins until shown
    rnd = records.find(main_window.ctx.ws, "rounds")[0]
    assert main_window.open_record("rounds", rnd.id)
    assert main_window.current_pane().key == "rounds"
    assert [p.key for p in main_window.panes] == ["people", "rounds"]
    assert main_window.pane("rounds").form.record.id == rnd.id
    main_window.show_pane("timeline")
    assert main_window.stack.currentWidget() is main_window.pane("timeline")
    assert [p.key for p in main_window.panes] == ["people", "rounds", "timeline"]


def test_the_sidebar_table_agrees_with_the_pane_classes(main_window):
    from dossier.ui.main_window import PANES, pane_classes

    classes = pane_classes()
    assert [(key, title, name) for key, title, name, _load in PANES] == \
        [(cls.key, cls.title, cls.__name__) for cls in classes]
    sidebar = [main_window.sidebar.item(i).text() for i in range(main_window.sidebar.count())]
    assert sidebar == [cls.title for cls in classes]


def test_a_pane_module_is_imported_when_the_pane_is_first_shown():
    code = ("import sys, os\n"
            "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
            "from dossier.services.demo import build_demo\n"
            "from dossier.ui.app import make_application\n"
            "from dossier.ui.main_window import MainWindow\n"
            "from PySide6.QtCore import QSettings\n"
            "app = make_application(icon=False)\n"
            "ws, _ = build_demo(sys.argv[1])\n"
            "window = MainWindow(ws, QSettings(sys.argv[1] + '.ini', QSettings.Format.IniFormat), persist=False)\n"
            "print(sorted(m for m in sys.modules if m.startswith('dossier.ui.panes.')))\n"
            "window.close(); ws.close()\n")
    with tempfile.TemporaryDirectory() as folder:
        out = subprocess.run([sys.executable, "-c", code, os.path.join(folder, "demo.sqlite")],
                             capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "['dossier.ui.panes.people']"


def test_the_window_is_drawn_before_the_workspace_opens(qtbot, demo_ws, qsettings_tmp):
    window = MainWindow(None, qsettings_tmp, persist=False)
    qtbot.addWidget(window)
    seen: list[object] = []
    window.after_first_paint(lambda: seen.append(window.ctx))
    window.show()
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [None] and window.panes == []
    window.show_workspace(demo_ws, ["note"], "positions")
    assert window.current_pane().key == "positions"
    assert [p.key for p in window.panes] == ["positions"]
    assert window.pane("positions").list.model.rowCount() > 0
    assert "note" in window.statusBar().currentMessage()
    window.close()


def test_the_window_module_loads_without_the_storage_layer():
    """What runs before the window is drawn does not import SQLAlchemy, the services, the error
    classes, the dialogs or the workers."""
    code = ("import sys, dossier.cli, dossier.ui.app, dossier.ui.main_window\n"
            "print(sorted(m for m in sys.modules if m == 'sqlalchemy' or m.startswith('dossier.services')\n"
            "             or m in ('dossier.errors', 'dossier.ui.context', 'dossier.ui.workers')\n"
            "             or m.startswith('dossier.ui.dialogs')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_a_window_made_before_its_workspace_records_edits_under_the_preferred_name(
        qtbot, tmp_path, qsettings_tmp, monkeypatch):
    """The app draws its window first and opens the workspace after: the analyst name from the
    preferences must already be in place when that workspace opens."""
    from dataclasses import replace

    from dossier.services import history, records
    from dossier.services.demo import build_demo
    from dossier.services.workspace import open_workspace
    from dossier.ui import analyst

    build_demo(tmp_path / "demo.sqlite")[0].close()
    monkeypatch.delenv("DOSSIER_ANALYST", raising=False)
    monkeypatch.setattr(analyst, "_STARTED_WITH", "")
    qsettings_tmp.setValue(analyst.SETTING, "Dana Analyst")
    window = MainWindow(None, qsettings_tmp, persist=False)
    qtbot.addWidget(window)
    ws = open_workspace(tmp_path / "demo.sqlite")
    window.show_workspace(ws, [])
    records.update(ws, replace(records.get(ws, "people", "ron-dermer"), notes="seen"))
    with ws.db.read() as conn:
        assert history.last_change(conn, "people", "ron-dermer")[0] == "Dana Analyst"
    window.close()
