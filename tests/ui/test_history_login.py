"""The history names the analyst as declared and, when it is another, the login that wrote the entry."""

from __future__ import annotations

import getpass

from dossier.model.records import Party
from dossier.services import history, records
from dossier.services.workspace import open_workspace
from dossier.ui.dialogs.history import HistoryDialog


def test_a_declared_name_that_is_not_the_login_shows_both(qtbot, tmp_path, monkeypatch):
    login = getpass.getuser()
    monkeypatch.setenv("DOSSIER_ANALYST", f"not-{login}")
    with open_workspace(tmp_path / "w.sqlite") as ws:
        records.create(ws, Party(id="p", name="Party", kind="state"))
        [entry] = history.for_record(ws, "parties", "p")
        assert entry.who == f"not-{login}" and entry.login == login
        dialog = HistoryDialog(ws, "parties", "p", "Party")
        qtbot.addWidget(dialog)
        assert dialog.tree.topLevelItem(0).text(1) == f"not-{login} (login {login})"
    monkeypatch.setenv("DOSSIER_ANALYST", login)
    with open_workspace(tmp_path / "w.sqlite") as ws:
        records.update(ws, Party(id="p", name="Party renamed", kind="state"))
        dialog = HistoryDialog(ws, "parties", "p", "Party")
        qtbot.addWidget(dialog)
        assert dialog.tree.topLevelItem(0).text(1) == login  # the same: said once
