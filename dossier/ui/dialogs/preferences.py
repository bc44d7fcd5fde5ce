"""Edit ▸ Preferences…: the name your edits are recorded under in each record's history.

The name is kept in the app's settings and handed to the core through the
``DOSSIER_ANALYST`` environment variable of this process, which the core reads when a
workspace is opened (so a new name applies from the next workspace opened). A ``DOSSIER_ANALYST`` given when Dossier was started wins over the preference.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from dossier import config
from dossier.ui.analyst import _STARTED_WITH, SETTING, analyst_preference, apply_analyst_name
from dossier.ui.lazyqt import Qt


class PreferencesDialog(QDialog):
    def __init__(self, settings: QSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.settings = settings
        self.setObjectName("preferencesDialog")
        self.setWindowTitle(self.tr("Preferences"))
        self.name = QLineEdit(analyst_preference(settings))
        self.name.setObjectName("analystName")
        self.name.setPlaceholderText(config.analyst_name() or self.tr("your user name on this computer"))
        self.name.setMaxLength(120)
        note = QLabel(self.tr("Every change you save is recorded in the record's history under this name, "
                              "so that others in a team workspace see who changed what. A new name applies to the "
                              "workspaces you open from now on."))
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Your name:"), self.name)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        if _STARTED_WITH:
            override = QLabel(self.tr("Dossier was started with {0}={1}; that name is used until it is "
                                      "started without it.").format(config.ANALYST_ENV, _STARTED_WITH))
            override.setTextFormat(Qt.TextFormat.PlainText)
            override.setWordWrap(True)
            layout.addWidget(override)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(480, self.sizeHint().height())

    def accept(self) -> None:
        self.settings.setValue(SETTING, self.name.text().strip())
        self.settings.sync()
        apply_analyst_name(self.settings)
        super().accept()
