"""First run: create a store, open an existing one, or explore the demo programme."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ccassure.ui.a11y import name
from ccassure.ui.store_choice import DEMO, NEW, OPEN


class FirstRunDialog(QDialog):
    """Three clear choices; the answer is in `choice` after exec()."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to ccassure")
        name(self, "Welcome to ccassure", "Choose where to keep your assessments")
        self.choice = ""
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)  # grows with the text
        intro = QLabel(
            "<h2>Welcome to ccassure</h2>"
            "<p>ccassure keeps your DPIAs, equality impact assessments, accessibility testing "
            "and supplier environmental evidence in one store on this computer. "
            "Nothing is sent over the network.</p><p>Where would you like to start?</p>"
        )
        intro.setWordWrap(True)
        intro.setTextFormat(intro.textFormat().RichText)
        layout.addWidget(intro)
        for key, label, description in (
            (
                DEMO,
                "&Explore the demo programme",
                "Open the Command and Control replacement demo: sample DPIAs, an EIA, "
                "accessibility findings and supplier evidence",
            ),
            (NEW, "&Create a new store…", "Choose a file for a new, empty store"),
            (OPEN, "&Open an existing store…", "Choose a store file you already have"),
        ):
            button = QPushButton(label.replace("&&", "&"))
            name(button, label.replace("&", ""), description)
            button.setMinimumHeight(button.sizeHint().height() + 12)
            button.clicked.connect(lambda _=False, k=key: self._choose(k))
            layout.addWidget(button)
            hint = QLabel(description)
            hint.setWordWrap(True)
            hint.setBuddy(button)
            layout.addWidget(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        name(cancel, "Cancel", "Close ccassure without choosing")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 64)

    def showEvent(self, event: QShowEvent) -> None:
        """Wrapped text gets the height it needs at this width (200% text included)."""
        layout = self.layout()
        margin = layout.contentsMargins().left() * 2 if layout is not None else 0
        width = self.width() - margin
        for label in self.findChildren(QLabel):
            if label.wordWrap():
                label.setMinimumHeight(label.heightForWidth(width))
        self.adjustSize()
        super().showEvent(event)

    def _choose(self, key: str) -> None:
        self.choice = key
        self.accept()
