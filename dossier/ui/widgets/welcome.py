"""What an empty workspace shows: the three ways to begin."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class WelcomePage(QWidget):
    """Shown in place of the panes while the workspace holds no negotiation."""

    sig_new_negotiation = Signal()
    sig_open_demo = Signal()
    sig_import = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("welcomePage")
        card = QFrame(self)
        card.setObjectName("welcomeCard")
        card.setFixedWidth(540)
        title = QLabel(self.tr("This workspace is empty"), card)
        title.setObjectName("welcomeTitle")
        title.setStyleSheet("font-size: 17pt; font-weight: 600;")
        text = QLabel(self.tr(
            "Start by recording the negotiation you follow: its title and the parties at the table. "
            "Then add its rounds with their participants and agenda, and the positions each side holds, "
            "each tied to a graded source."), card)
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.PlainText)
        self.new_button = QPushButton(self.tr("New negotiation…"), card)
        self.new_button.setObjectName("welcomeNew")
        self.new_button.setDefault(True)
        self.new_button.setMinimumHeight(36)
        self.new_button.clicked.connect(lambda _c=False: self.sig_new_negotiation.emit())
        self.demo_button = QPushButton(self.tr("Open the demo workspace (Israel–Syria security talks)"), card)
        self.demo_button.setObjectName("welcomeDemo")
        self.demo_button.clicked.connect(lambda _c=False: self.sig_open_demo.emit())
        self.import_button = QPushButton(self.tr("Import an interchange file (JSON)…"), card)
        self.import_button.setObjectName("welcomeImport")
        self.import_button.clicked.connect(lambda _c=False: self.sig_import.emit())
        hint = QLabel(self.tr("People, parties and sources can be added at any time from the sidebar; "
                              "every edit is saved at once and can be undone with Ctrl+Z."), card)
        hint.setWordWrap(True)
        hint.setTextFormat(Qt.TextFormat.PlainText)
        hint.setStyleSheet("color: #5b6573;")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(12)
        inner.addWidget(title)
        inner.addWidget(text)
        inner.addSpacing(6)
        inner.addWidget(self.new_button)
        inner.addWidget(self.demo_button)
        inner.addWidget(self.import_button)
        inner.addSpacing(6)
        inner.addWidget(hint)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
