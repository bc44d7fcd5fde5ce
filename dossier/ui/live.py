"""Changes others save, shown without a restart: a thread waits on the workspace's change feed.

``LiveUpdates`` runs ``ChangeFeed.poll`` on its own ``QThread`` (the call blocks until a
change comes or its timeout passes) and hands what arrives to the GUI thread, where it is
announced through ``AppContext.sig_changed`` like any local change: each pane refreshes
what it shows of it, and a form with an edit in progress notes the change instead of
dropping the edit. ``stop`` ends the thread and closes the feed; the window calls it
before it closes the workspace or opens another.

When the feed loses its connection (a team workspace's server restarted, say), the status
bar says so for a while and a mark at its right stays until the feed is back ("Not
following changes", its tooltip saying why); the feed connects again by itself, and once
back the status bar says "Following changes again" and everything shown is read again.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import QLabel, QMainWindow

from dossier.errors import DossierError
from dossier.services.live import ChangeFeed
from dossier.services.workspace import Change
from dossier.ui.context import AppContext
from dossier.ui.translate import translator

#: Seconds one poll waits for a change; also the longest ``stop`` waits for the thread.
POLL_TIMEOUT = 0.25
#: Seconds to wait before polling again after the feed failed (the server went away); the
#: feed itself spaces its attempts to connect again.
RETRY_AFTER = 0.5


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
        failing, said = False, None
        while not self.stopping.is_set():
            try:
                changes = self.feed.poll(POLL_TIMEOUT)
            except Exception as exc:  # noqa: BLE001 - the thread must go on, and the user be told in words
                message = str(exc) if isinstance(exc, DossierError) else f"{type(exc).__name__}: {exc}"
                if message != said:  # each new reason, once
                    said = message
                    self.sig_problem.emit(message)
                failing = True
                self.stopping.wait(RETRY_AFTER)
                continue
            said = None
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
        self.following = False  # whether changes saved elsewhere arrive now
        self.lost = False  # whether the feed is without its connection (between a problem and recovery)
        self.mark: QLabel | None = None  # at the right of the window's status bar while lost
        try:
            feed = ChangeFeed(ctx.ws)
        except DossierError as exc:
            ctx.sig_status.emit(tr("Changes saved elsewhere will not show until you reload: {0}").format(exc))
            return
        if isinstance(parent, QMainWindow):
            self.mark = QLabel(tr("Not following changes"))
            self.mark.setObjectName("liveLostMark")
            self.mark.hide()
            parent.statusBar().addPermanentWidget(self.mark)
        self.following = True
        self.thread = _PollThread(feed)
        self.thread.sig_changes.connect(self._announce)
        self.thread.sig_problem.connect(self._problem)
        self.thread.sig_recovered.connect(self._recovered)
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
        if self.thread is None:
            return
        if self.mark is not None:
            self.mark.setToolTip(tr("Changes saved by others cannot be followed for now: {0}. "
                                    "Dossier keeps trying to connect again, and reads everything "
                                    "again once it is back.").format(message))
            self.mark.show()
        if not self.lost:  # the first reason said in the status bar; later ones in the mark's tooltip
            self.ctx.sig_status.emit(tr("Changes saved by others cannot be followed for now: {0}").format(message))
        self.lost, self.following = True, False

    def _recovered(self) -> None:
        if self.thread is None:
            return
        self.lost, self.following = False, True
        if self.mark is not None:
            self.mark.hide()
        self.ctx.sig_status.emit(tr("Following changes again"))

    def stop(self) -> None:
        """End the thread and close the feed; waits for the poll under way (at most its timeout,
        or, while a lost connection is being made again, that attempt's connect timeout)."""
        thread, self.thread = self.thread, None
        self.following = False
        mark, self.mark = self.mark, None
        if mark is not None:
            try:
                bar = mark.parentWidget()
                if bar is not None and hasattr(bar, "removeWidget"):
                    bar.removeWidget(mark)
                mark.deleteLater()
            except RuntimeError:  # gone already with the window
                pass
        if thread is None:
            return
        thread.stopping.set()
        thread.wait()
        try:
            thread.feed.close()
        except Exception:  # noqa: BLE001 - closing a feed whose server is gone must not stop the window closing
            pass
        thread.deleteLater()
