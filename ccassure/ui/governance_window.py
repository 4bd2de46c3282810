"""Governance summary: the board paper's three paragraphs, each with a Copy button."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from ccassure.domain.reporting.governance import HEADINGS
from ccassure.ui.a11y import announce, name
from ccassure.ui.tasks import TaskControl

if TYPE_CHECKING:
    from ccassure.services.context import Context
    from ccassure.services.governance import GovernanceSummary
    from ccassure.ui.main_window import MainWindow

COPY_TEXT = {
    "Equality comments": "Copy &equality comments",
    "Privacy comments": "Copy p&rivacy comments",
    "Environmental implications": "Copy en&vironmental implications",
}


class GovernanceWindow(QDialog):
    """Read from the store in the background; each paragraph is plain text, ready to copy."""

    def __init__(self, window: MainWindow, context: Context) -> None:
        super().__init__(window)
        self.window_, self.context = window, context
        self.setWindowTitle("Governance summary")
        name(self, "Governance summary", "Equality, privacy and environmental comments")
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        caption = QLabel("&Programme:")
        self.programme = QComboBox()
        name(self.programme, "Programme", "The programme the summary is about")
        caption.setBuddy(self.programme)
        row.addWidget(caption)
        row.addWidget(self.programme, 1)
        layout.addLayout(row)
        self.status = QLabel("Reading the store…")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.texts: dict[str, QPlainTextEdit] = {}
        self.copy_buttons: dict[str, QPushButton] = {}
        for heading in HEADINGS:
            title = QLabel(f"<b>{heading}</b>")
            text = QPlainTextEdit()
            text.setReadOnly(True)
            text.setTabChangesFocus(True)
            text.setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByKeyboard
                | Qt.TextInteractionFlag.TextSelectableByMouse
            )
            name(text, heading, f"The {heading.lower()} for the board paper, read-only")
            button = QPushButton(COPY_TEXT[heading])
            name(button, f"Copy {heading.lower()}", "Copy the paragraphs to the clipboard")
            button.setEnabled(False)
            button.clicked.connect(lambda _c=False, h=heading: self.copy(h))
            layout.addWidget(title)
            layout.addWidget(text, 1)
            layout.addWidget(button, alignment=Qt.AlignmentFlag.AlignLeft)
            self.texts[heading], self.copy_buttons[heading] = text, button
        buttons = QDialogButtonBox()
        self.close_button = buttons.addButton("&Close", QDialogButtonBox.ButtonRole.RejectRole)
        name(self.close_button, "Close", "Close the governance summary (Esc)")
        self.close_button.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(900, 760)
        self._programmes()

    def _programmes(self) -> None:
        governance = self.context.governance
        self.window_.runner.run(
            "read the programmes", lambda _c: governance.programmes(), self._listed, self._failed
        )

    def _listed(self, programmes: dict[str, str]) -> None:
        for key, title in programmes.items():
            self.programme.addItem(title, key)
        self.programme.currentIndexChanged.connect(lambda _i: self.load())
        if programmes:
            self.load()
        else:
            self._say("The store holds no programme yet.")

    def load(self) -> None:
        key = self.programme.currentData()
        governance = self.context.governance

        def work(_control: TaskControl) -> GovernanceSummary:
            return governance.summary(key)

        self._say("Writing the summary…")
        self.window_.runner.run("governance summary", work, self._loaded, self._failed)

    def _loaded(self, summary: GovernanceSummary) -> None:
        for heading, text in summary.paragraphs:
            self.texts[heading].setPlainText(text)
            self.copy_buttons[heading].setEnabled(True)
        self._say(f"Governance summary of {summary.programme}: three headings, ready to copy.")
        self.texts[HEADINGS[0]].setFocus(Qt.FocusReason.OtherFocusReason)

    def _failed(self, error: BaseException) -> None:
        self._say(f"The summary could not be written: {error}")
        self.window_.report(error)

    def copy(self, heading: str) -> None:
        clipboard = QApplication.clipboard()
        clipboard.setText(self.texts[heading].toPlainText())
        self._say(f"Copied the {heading.lower()} to the clipboard.")

    def _say(self, message: str) -> None:
        self.status.setText(message)
        announce(self.status, message)


def open_governance(window: MainWindow) -> GovernanceWindow | None:
    if window.context is None:
        window.say("Open a store first.")
        return None
    found = GovernanceWindow(window, window.context)
    found.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    found.show()
    found.raise_()
    found.activateWindow()
    return found
