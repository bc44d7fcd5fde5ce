"""Slow work off the GUI thread, with a progress dialog and a Cancel button.

``run_task`` runs ``work(progress, is_cancelled)`` on the global ``QThreadPool``. The
work calls services only (each opens its own pooled connection) and never touches a
widget; it reports through ``progress(done, total)`` and stops when ``is_cancelled()``
turns true (services raise ``CancelledError`` then). Results and errors come back to
the GUI thread as signals.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from dossier.errors import CancelledError, DossierError
from dossier.ui.lazyqt import Qt

Work = Callable[[Callable[[int, int], None], Callable[[], bool]], object]


class TaskSignals(QObject):
    progress = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    #: emitted last, whatever the outcome
    finished = Signal()


class Task(QRunnable):
    def __init__(self, work: Work):
        super().__init__()
        self.setAutoDelete(False)
        self.work = work
        self.signals = TaskSignals()
        self._cancel = threading.Event()
        self.result: object = None
        self.error: str | None = None
        self.was_cancelled = False

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            self.result = self.work(self.signals.progress.emit, self.is_cancelled)
        except CancelledError:
            self.was_cancelled = True
            self.signals.cancelled.emit()
        except DossierError as exc:
            self.error = str(exc)
            self.signals.failed.emit(self.error)
        except Exception as exc:  # noqa: BLE001 - an unexpected failure must still reach the user
            self.error = f"{type(exc).__name__}: {exc}"
            traceback.print_exc()
            self.signals.failed.emit(self.error)
        else:
            if self.is_cancelled():
                self.was_cancelled = True
                self.signals.cancelled.emit()
            else:
                self.signals.succeeded.emit(self.result)
        self.signals.finished.emit()


#: tasks still running, kept alive until they finish
_running: set[Task] = set()


def run_task(parent: QWidget | None, title: str, label: str, work: Work,
             on_success: Callable[[object], None] | None = None,
             on_failure: Callable[[str], None] | None = None) -> Task:
    """Start ``work`` in the thread pool behind a modal progress dialog with Cancel."""
    task = Task(work)
    dialog = QProgressDialog(label, QProgressDialog.tr("Cancel"), 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.canceled.connect(task.cancel)

    def show_progress(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total > 0 else 0)

    def finish() -> None:
        dialog.canceled.disconnect(task.cancel)
        dialog.close()
        dialog.deleteLater()
        _running.discard(task)

    task.signals.progress.connect(show_progress, Qt.ConnectionType.QueuedConnection)
    if on_success is not None:
        task.signals.succeeded.connect(on_success, Qt.ConnectionType.QueuedConnection)
    if on_failure is not None:
        task.signals.failed.connect(on_failure, Qt.ConnectionType.QueuedConnection)
    task.signals.finished.connect(finish, Qt.ConnectionType.QueuedConnection)
    _running.add(task)
    QThreadPool.globalInstance().start(task)
    return task
