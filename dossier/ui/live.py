"""Changes others save, shown without a restart: a thread waits on the workspace's change feed.

``LiveUpdates`` runs ``ChangeFeed.poll`` on its own ``QThread`` (the call blocks until a
change comes or its timeout passes) and hands what arrives to the GUI thread, where it is
announced through ``AppContext.sig_changed`` like any local change: each pane refreshes
what it shows of it, and a form with an edit in progress notes the change instead of
dropping the edit. ``stop`` ends the thread and closes the feed; the window calls it
before it closes the workspace or opens another.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QThread, Signal

from dossier.errors import DossierError
from dossier.services.live import ChangeFeed
from dossier.services.workspace import Change
from dossier.ui.context import AppContext
from dossier.ui.translate import translator

#: Seconds one poll waits for a change; also the longest ``stop`` waits for the thread.
POLL_TIMEOUT = 0.25
#: Seconds to wait before polling again after the feed failed (the server went away).
RETRY_AFTER = 3.0


tr = translator("live")


def merge_changes(changes: list[Change]) -> Change:
    """One change saying everything a batch of them says."""
    changed: dict[str, set[str]] = {}
    deleted: dict[str, set[str]] = {}
    everything = False
    for change in changes:
        everything = everything or change.everything
        for name, ids in change.changed.items():
            changed.setdefault(name, set()).update(ids)
        for name, ids in change.deleted.items():
            deleted.setdefault(name, set()).update(ids)
    return Change(changed={k: tuple(sorted(v)) for k, v in changed.items()},
                  deleted={k: tuple(sorted(v)) for k, v in deleted.items()}, everything=everything)


class _PollThread(QThread):
    sig_changes = Signal(object)  # list[Change]
    sig_problem = Signal(str)
    sig_recovered = Signal()

    def __init__(self, feed: ChangeFeed, parent: QObject | None = None):
        super().__init__(parent)
        self.feed = feed
        self.stopping = threading.Event()

    def run(self) -> None:
        failing = False
        while not self.stopping.is_set():
            try:
                changes = self.feed.poll(POLL_TIMEOUT)
            except Exception as exc:  # noqa: BLE001 - the thread must go on, and the user be told in words
                if not failing:
                    message = str(exc) if isinstance(exc, DossierError) else f"{type(exc).__name__}: {exc}"
                    self.sig_problem.emit(message)
                failing = True
                self.stopping.wait(RETRY_AFTER)
                continue
            if failing:
                failing = False
                self.sig_recovered.emit()
            if changes and not self.stopping.is_set():
                self.sig_changes.emit(list(changes))


class LiveUpdates(QObject):
    """Follows the workspace of ``ctx`` for changes saved elsewhere, until ``stop``."""

    def __init__(self, ctx: AppContext, parent: QObject | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.thread: _PollThread | None = None
        self.received = 0  # batches of changes announced, for the curious (and the tests)
        try:
            feed = ChangeFeed(ctx.ws)
        except DossierError as exc:
            ctx.sig_status.emit(tr("Changes saved elsewhere will not show until you reload: {0}").format(exc))
            return
        self.thread = _PollThread(feed)
        self.thread.sig_changes.connect(self._announce)
        self.thread.sig_problem.connect(self._problem)
        self.thread.sig_recovered.connect(
            lambda: self.ctx.sig_status.emit(tr("Following changes saved by others again")))
        self.thread.start()

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.isRunning()

    def _announce(self, changes: list[Change]) -> None:
        if self.thread is None or self.thread.stopping.is_set():
            return
        self.received += 1
        self.ctx.sig_changed.emit(merge_changes(changes))

    def _problem(self, message: str) -> None:
        self.ctx.sig_status.emit(tr("Changes saved by others cannot be followed for now: {0}").format(message))

    def stop(self) -> None:
        """End the thread and close the feed; waits for the poll under way (at most its timeout)."""
        thread, self.thread = self.thread, None
        if thread is None:
            return
        thread.stopping.set()
        thread.wait()
        try:
            thread.feed.close()
        except Exception:  # noqa: BLE001 - closing a feed whose server is gone must not stop the window closing
            pass
        thread.deleteLater()
