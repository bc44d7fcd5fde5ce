"""Run in a fresh process by ``run.py``: start a window, report when it is shown.

    python benchmarks/gui_probe.py bare
    python benchmarks/gui_probe.py app [--memory] -- DOSSIER-ARGS…

``bare`` shows a plain ``QMainWindow``; ``app`` runs the ``dossier`` command with the
given arguments. One JSON line goes to stdout with wall-clock times (the parent compares
them with the time it started the process): ``painted``, when the main window was first
drawn; ``shown``, when its workspace is shown too (Dossier draws its window first and
opens the workspace right after) and the pending events are processed; the modules
loaded by then; and with ``--memory`` the peak resident memory after visiting every pane
and scrolling the Positions list to its end. The window is then closed normally, so the
workspace is closed as a user would close it.
"""

from __future__ import annotations

import json
import os
import sys
import time


PAINTED: list[float] = []


def _main_window(app):
    return next((w for w in app.topLevelWidgets() if w.isWindow() and w.isVisible()
                 and w.metaObject().className() in ("QMainWindow", "MainWindow")), None)


def _peak_rss_mb(resource) -> float:
    """This program's peak resident memory. On Linux from VmHWM: ``ru_maxrss`` also counts
    the parent's memory at the fork that started this process (the benchmark runner's, which
    is large after the import and export benchmarks)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _report_when_ready(app, memory: bool) -> None:
    """Report once the window shows its workspace (a bare window at once)."""
    from PySide6.QtCore import QTimer

    window = _main_window(app)
    if window is not None and getattr(window, "ctx", True) is None:
        QTimer.singleShot(1, lambda: _report_when_ready(app, memory))
        return
    _report(app, memory)


def _report(app, memory: bool) -> None:
    app.processEvents()
    shown = time.time()
    out = {"shown": shown, "painted": PAINTED[0] if PAINTED else shown,
           "modules": sorted(m for m in sys.modules if "." not in m)}
    window = _main_window(app)
    if memory and window is not None:
        import resource

        for key in window.pane_keys:  # each pane is built when first shown
            window.show_pane(key)
            app.processEvents()
        positions = window.pane("positions")
        positions.tabs.setCurrentWidget(positions.list)
        app.processEvents()
        model = positions.list.model
        while model.canFetchMore():
            model.fetchMore()
        positions.list.table.scrollToBottom()
        app.processEvents()
        out["rows_loaded"] = model.rowCount()
        out["rss_peak_mb"] = _peak_rss_mb(resource)
    print(json.dumps(out), flush=True)
    if window is not None:
        window.close()
    app.quit()


def _hook_exec(memory: bool) -> None:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    original = QApplication.exec

    class FirstPaint(QObject):
        def eventFilter(self, obj, event) -> bool:
            if not PAINTED and event.type() == QEvent.Type.Paint:
                PAINTED.append(time.time())
            return False

    def exec_and_report(*_args):
        app = QApplication.instance()
        # Watch the main window itself, shown before the event loop starts. A filter on the
        # whole application would have PySide6 convert every event's receiver to its Python
        # type, creating the types and enums of every kind of widget the window holds: 30 ms
        # that a user never pays.
        window = _main_window(app)
        watcher = FirstPaint(app)
        if window is not None:
            window.installEventFilter(watcher)
        exec_and_report.watcher = watcher
        QTimer.singleShot(0, lambda: _report_when_ready(app, memory))
        return original()

    QApplication.exec = staticmethod(exec_and_report)


def main(argv: list[str]) -> int:
    mode, rest = argv[0], argv[1:]
    memory = "--memory" in rest
    if "--" in rest:
        rest = rest[rest.index("--") + 1:]
    _hook_exec(memory)
    if mode == "bare":
        from PySide6.QtWidgets import QApplication, QMainWindow

        app = QApplication(sys.argv[:1])
        window = QMainWindow()
        window.resize(1200, 800)
        window.show()
        return app.exec()
    sys.path.insert(0, __file__.rsplit("/benchmarks/", 1)[0])
    from dossier.cli import main as dossier_main

    return dossier_main(rest)


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    os._exit(code)  # the window and workspace are closed; interpreter teardown is not measured
