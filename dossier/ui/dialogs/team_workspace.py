"""Opening a team workspace: a PostgreSQL database that several analysts share.

The address is ``postgresql://user@host:port/name``. When the server asks for a
password, the user is asked for it; it is used for this connection only and never
written to the settings (recent addresses are kept without it). A server that cannot
be reached or refuses the login is said in plain words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit, urlunsplit

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from dossier import config
from dossier.errors import DossierError
from dossier.ui.alerts import show_error
from dossier.ui.lazyqt import Qt
from dossier.ui.translate import translator

if TYPE_CHECKING:
    from dossier.ui.dialogs.open_problems import Opened

SCHEMES = config.POSTGRES_SCHEMES
#: How many times a wrong password may be typed before giving up.
PASSWORD_TRIES = 3


tr = translator("team")


def is_team_address(text: object) -> bool:
    return isinstance(text, str) and text.strip().lower().startswith(SCHEMES)


def without_password(url: str) -> str:
    """The address with any password taken out (what settings and titles may hold)."""
    parts = urlsplit(url.strip())
    if parts.password is None:
        return url.strip()
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    netloc = (f"{parts.username}@" if parts.username else "") + host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def with_password(url: str, password: str) -> str:
    """The address with ``password`` put in, for one connection attempt."""
    parts = urlsplit(without_password(url))
    user, _, host = parts.netloc.rpartition("@")
    netloc = f"{user}:{quote(password, safe='')}@{host}" if user else f":{quote(password, safe='')}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def address_problem(url: str) -> str | None:
    """Why ``url`` is not a team workspace address, or None."""
    if not is_team_address(url):
        return tr("A team workspace address starts with postgresql://, "
                  "as in postgresql://analyst@db.example.org:5432/dossier")
    parts = urlsplit(url.strip())
    if not parts.hostname and "host=" not in parts.query:
        return tr("The address names no server: postgresql://user@host:port/name")
    if not parts.path.strip("/"):
        return tr("The address names no database: postgresql://user@host:port/name")
    return None


def asks_for_password(error: DossierError) -> bool:
    text = str(error).lower()
    return "password" in text or "authentication failed" in text


class TeamAddressDialog(QDialog):
    """Asks for the address of a team workspace, offering the recent ones."""

    def __init__(self, recent: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("teamAddressDialog")
        self.setWindowTitle(self.tr("Open team workspace"))
        intro = QLabel(self.tr("The address of the team's PostgreSQL database, as your administrator gave it:\n"
                               "postgresql://user@host:port/name\n"
                               "Dossier asks for the password when the server wants one; it is not stored."))
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.address = QComboBox()
        self.address.setEditable(True)
        self.address.setObjectName("teamAddress")
        self.address.setMinimumWidth(460)
        self.address.addItems(recent)
        self.address.setCurrentText(recent[0] if recent else "postgresql://")
        self.address.lineEdit().setPlaceholderText("postgresql://user@host:5432/name")
        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e;")
        self.problem.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.address)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def url(self) -> str:
        return self.address.currentText().strip()

    def _accept(self) -> None:
        problem = address_problem(self.url())
        if problem:
            self.problem.setText(problem)
            self.problem.show()
            return
        self.accept()


def ask_password(parent: QWidget | None, url: str, again: bool) -> str | None:
    """The password for ``url``, typed hidden; None when cancelled."""
    dialog = QDialog(parent)
    dialog.setObjectName("passwordDialog")
    dialog.setWindowTitle(tr("Password"))
    text = (tr("The password was not accepted. Password for {0}:") if again
            else tr("The server asks for a password. Password for {0}:")).format(without_password(url))
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    field = QLineEdit()
    field.setObjectName("password")
    field.setEchoMode(QLineEdit.EchoMode.Password)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(label)
    layout.addWidget(field)
    layout.addWidget(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return field.text()


def open_team_interactively(parent: QWidget | None, url: str, *, readonly: bool = False) -> Opened | None:
    """Open the team workspace at ``url``, asking for a password when the server wants one.

    Returns None when the user cancels or it cannot be opened (after saying why, plainly).
    """
    from dossier.services.workspace import open_workspace
    from dossier.ui.dialogs.open_problems import Opened

    problem = address_problem(url)
    if problem:
        show_error(parent, tr("Cannot open team workspace"), problem)
        return None
    target = url.strip()
    tries = 0
    while True:
        try:
            return Opened(open_workspace(target, readonly=readonly), [])
        except DossierError as exc:
            if asks_for_password(exc) and tries < PASSWORD_TRIES:
                password = ask_password(parent, url, again=tries > 0 or urlsplit(target).password is not None)
                if password is None:
                    return None
                target = with_password(url, password)
                tries += 1
                continue
            show_error(parent, tr("Cannot open team workspace"), str(exc))
            return None
