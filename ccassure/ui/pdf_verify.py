"""File → Verify a signed PDF: each signature, its state in words, and the file's verdict."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ccassure.ui.a11y import announce, name

if TYPE_CHECKING:
    from ccassure.signing.pdf_signatures_verdict import PdfVerification, SignatureCheck
    from ccassure.ui.main_window import MainWindow
    from ccassure.ui.tasks import TaskRunner

Verifier = Callable[[Path], "PdfVerification"]
HEADINGS = ("Signer", "Organisation", "Signed at", "Intact", "Valid", "Trusted", "State")


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


def _trusted(check: SignatureCheck) -> str:
    if not check.trust_assessed:
        return "Not assessed"
    if check.trusted:
        return "Yes"
    if check.certificate_problem:
        return f"No ({check.certificate_problem})"
    return "No (known signer)" if check.known else "No (unknown)"


def _cells(check: SignatureCheck) -> tuple[str, ...]:
    trusted = _trusted(check)
    state = check.state_text + (f" ({check.problem})" if check.problem else "")
    return (
        check.signer,
        check.organisation or "-",
        check.signed_at.replace("T", " ") or "-",
        _yes(check.intact),
        _yes(check.valid),
        trusted,
        state,
    )


def verdict_text(found: PdfVerification) -> str:
    count = len(found.signatures)
    head = f"{count} signature{'s' if count != 1 else ''}. {found.state_text}."
    if found.state == "valid" and not found.all_trusted:
        head += " Not every signer is trusted in this store."
    return ("Verified: " if found.state == "valid" else "Failed: ") + head


class VerifyPdfDialog(QDialog):
    """Choose a PDF; it is verified in the background and each signature listed."""

    def __init__(self, verify: Verifier, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.verify, self.runner = verify, runner
        self.found: PdfVerification | None = None
        self.request = 0  # only the latest file chosen may show its result
        self.setWindowTitle("Verify a signed PDF")
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.choose = QPushButton("&Choose a PDF…")
        name(self.choose, "Choose a PDF", "Choose a signed PDF file to verify")
        self.choose.clicked.connect(self.choose_and_verify)
        row.addWidget(self.choose)
        self.file_label = QLabel("No file chosen.")
        self.file_label.setTextFormat(Qt.TextFormat.PlainText)
        name(self.file_label, "File")
        row.addWidget(self.file_label, 1)
        layout.addLayout(row)
        self.table = QTableWidget(0, len(HEADINGS))
        self.table.setHorizontalHeaderLabels(HEADINGS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        name(self.table, "Signatures", "Each signature in the file and its state")
        layout.addWidget(self.table)
        self.verdict = QLabel("")
        self.verdict.setTextFormat(Qt.TextFormat.PlainText)
        self.verdict.setWordWrap(True)
        name(self.verdict, "Result")
        layout.addWidget(self.verdict)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.resize(900, 360)

    def choose_file(self) -> str:
        """Ask for a file (tests replace this)."""
        return QFileDialog.getOpenFileName(self, "Verify a signed PDF", "", "PDF (*.pdf)")[0]

    def choose_and_verify(self) -> None:
        chosen = self.choose_file()
        if chosen:
            self.start(Path(chosen))

    def say(self, message: str, assertive: bool = False) -> None:
        self.verdict.setText(message)
        announce(self.verdict, message, assertive)

    def start(self, path: Path) -> None:
        self.request += 1
        token = self.request
        self.file_label.setText(str(path))
        self.table.setRowCount(0)
        self.found = None
        self.say(f"Verifying {path.name}…")
        self.runner.run(
            "verify a signed PDF",
            lambda _control: self.verify(path),
            lambda found: self._show(found, token),
            lambda error: self._failed(error, token),
        )

    def _show(self, found: PdfVerification, token: int) -> None:
        if token != self.request:
            return  # a file chosen earlier: another has been chosen since
        self.found = found
        self.table.setRowCount(len(found.signatures))
        for number, check in enumerate(found.signatures):
            for column, text in enumerate(_cells(check)):
                self.table.setItem(number, column, QTableWidgetItem(text))
        for column in range(len(HEADINGS) - 1):
            self.table.resizeColumnToContents(column)
        self.table.resizeRowsToContents()
        self.say(verdict_text(found), assertive=found.state != "valid")

    def _failed(self, error: BaseException, token: int) -> None:
        if token != self.request:
            return
        self.say(f"Cannot be verified: {error}", assertive=True)


def open_verify_pdf(parent: QWidget, verify: Verifier, runner: TaskRunner) -> VerifyPdfDialog:
    """Open the dialog over the window, its Choose button focused."""
    dialog = VerifyPdfDialog(verify, runner, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    dialog.choose.setFocus(Qt.FocusReason.OtherFocusReason)
    return dialog


def show_verify_pdf(window: MainWindow) -> VerifyPdfDialog:
    """File → Verify a signed PDF…; trusted signers come from the open store, if any."""
    from ccassure.services.pdf_signing import verify_file

    def verify(path: Path) -> PdfVerification:
        context = window.context
        return context.pdf_signing.verify_file(path) if context is not None else verify_file(path)

    return open_verify_pdf(window, verify, window.runner)
