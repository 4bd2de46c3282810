"""The Export report… dialog: format, file, and for a PDF whether and as whom to sign."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QWidget,
)

from ccassure.ui.a11y import announce, name
from ccassure.ui.dialog_parts import heading_label, identity_combo, ok_cancel, status_label

if TYPE_CHECKING:
    from ccassure.services.identities import IdentityView
    from ccassure.services.report_export import ExportedReport
    from ccassure.ui.tasks import Task

EXPORT_KEY = "Ctrl+Shift+E"
FORMAT_CHOICES: tuple[tuple[str, str, str, str], ...] = (
    ("pdf", "P&DF", "PDF files (*.pdf)", "A PDF for print and archive; it can be signed"),
    ("html", "&HTML", "HTML pages (*.html)", "An accessible web page, for publication"),
    ("json", "&JSON", "JSON documents (*.json)", "The whole assessment, to import elsewhere"),
)
FORMAT_NAMES = {"pdf": "PDF", "html": "HTML", "json": "JSON"}


@dataclass(frozen=True)
class ExportChoices:
    """What the dialog offers: the version, and the identities whose key is on this computer."""

    assessment_id: int
    title: str
    version: int
    identities: tuple[IdentityView, ...]


def suggested_name(title: str, version: int, fmt: str) -> str:
    """A file name from the title and version, without what Windows or POSIX forbid in one."""
    words = re.sub(r'[<>:"/\\|?*\x00-\x1f]+', " ", title).split()
    stem = " ".join(words)[:100].strip(" .") or "report"
    return f"{stem} v{version}.{fmt}"


def ask_export_path(parent: QWidget, caption: str, current: str, filters: str) -> Path | None:
    """The save dialog; the export dialog itself asks before replacing a file."""
    chosen, _ = QFileDialog.getSaveFileName(
        parent,
        caption,
        current,
        filters,
        options=QFileDialog.Option.DontUseNativeDialog | QFileDialog.Option.DontConfirmOverwrite,
    )
    return Path(chosen) if chosen else None


def ask_replace(parent: QWidget, path: Path) -> bool:
    answer = QMessageBox.question(
        parent,
        "Replace the file?",
        f"{path.name} already exists in {path.parent}. Replace it?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def exported_message(done: ExportedReport) -> str:
    signed = f", signed by {done.signed_by}," if done.signed_by else ""
    return (
        f"Exported {done.title}, version {done.version}, as {FORMAT_NAMES[done.fmt]}"
        f"{signed} to {done.path}"
    )


class ExportDialog(QDialog):
    """Format, file, and for a PDF whether and as whom to sign; Export runs in the background."""

    def __init__(self, choices: ExportChoices, folder: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.choices = choices
        self.ask_path: Callable[[QWidget, str, str, str], Path | None] = ask_export_path
        self.confirm_replace: Callable[[QWidget, Path], bool] = ask_replace
        heading = f"Export the report of {choices.title}, version {choices.version}"
        self.setWindowTitle(heading)
        name(self, "Export report", heading)
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(heading_label(heading))
        box = QGroupBox("Format")
        name(box, "Format")
        row = QHBoxLayout(box)
        self.formats = QButtonGroup(self)
        for number, (_fmt, text, _filters, description) in enumerate(FORMAT_CHOICES):
            radio = QRadioButton(text)
            name(radio, text.replace("&", ""), description)
            self.formats.addButton(radio, number)
            row.addWidget(radio)
        row.addStretch(1)
        self.formats.button(0).setChecked(True)
        form.addRow(box)
        self.file = QLineEdit(str(folder / suggested_name(choices.title, choices.version, "pdf")))
        name(self.file, "File", "Where the report is written; Choose… opens a file dialog")
        self.choose = QPushButton("&Choose…")
        name(self.choose, "Choose file", "Choose the folder and name of the file in a dialog")
        self.choose.clicked.connect(self._choose)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(self.choose)
        file_label = QLabel("&File:")
        file_label.setBuddy(self.file)
        form.addRow(file_label, file_row)
        self.sign = QCheckBox("Si&gn the PDF")
        form.addRow(self.sign)
        self.identity, self.key_files = identity_combo(choices.identities)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Approved by your name and role")
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        for label, widget, accessible, description in (
            ("&Identity:", self.identity, "Identity", "Who signs: your certificate and key"),
            ("&Reason:", self.reason, "Reason", "Why you sign; left empty: Approved by you"),
            ("Pass&phrase:", self.passphrase, "Passphrase", "Of the identity's key file"),
        ):
            name(widget, accessible, description)
            form.addRow(label, widget)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        name(self.progress, "Export progress", "How much of the report has been written")
        self.problem = status_label("Export status", "What the export is doing, or why it cannot")
        form.addRow(self.progress)
        form.addRow(self.problem)
        form.setRowVisible(self.progress, False)  # shown once an export starts
        self.buttons, self.export_button, self.cancel_button = ok_cancel(
            "E&xport",
            "Export",
            "Write the report to the file",
            "Close; while exporting, stop the export (Esc)",
        )
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.form = form
        self.running: Task | None = None
        self._explain_signing()
        self.formats.idClicked.connect(lambda _number: self._format_changed())
        self.sign.toggled.connect(lambda _checked: self._signing_shown())
        self.identity.currentIndexChanged.connect(lambda _index: self._signing_shown())
        self._signing_shown()
        self.setMinimumWidth(760)
        self.formats.button(0).setFocus()

    def _explain_signing(self) -> None:
        if self.choices.identities:
            name(self.sign, "Sign the PDF", "Sign the PDF report with one of your identities")
            return
        self.sign.setEnabled(False)
        name(
            self.sign,
            "Sign the PDF (no identity here)",
            "No identity with a key on this computer: create one in Tools, Identities",
        )
        self.sign.setText("Si&gn the PDF (no identity with a key on this computer)")

    def fmt(self) -> str:
        return FORMAT_CHOICES[max(0, self.formats.checkedId())][0]

    def fingerprint(self) -> str:
        return str(self.identity.currentData())

    def signing(self) -> bool:
        return self.fmt() == "pdf" and self.sign.isChecked() and bool(self.choices.identities)

    def path(self) -> Path | None:
        text = self.file.text().strip()
        return Path(text).expanduser() if text else None

    def _format_changed(self) -> None:
        fmt = self.fmt()
        path = self.path()
        if path is not None and path.suffix.lower().lstrip(".") in FORMAT_NAMES:
            self.file.setText(str(path.with_suffix(f".{fmt}")))
        self._signing_shown()

    def _signing_shown(self) -> None:
        pdf = self.fmt() == "pdf"
        self.form.setRowVisible(self.sign, pdf)
        signing = self.signing()
        self.form.setRowVisible(self.identity, signing)
        self.form.setRowVisible(self.reason, signing)
        self.form.setRowVisible(self.passphrase, signing and self.fingerprint() in self.key_files)
        self.adjustSize()  # grows and shrinks with the rows shown

    def _choose(self) -> None:
        fmt = self.fmt()
        filters = next(f for key, _text, f, _d in FORMAT_CHOICES if key == fmt)
        chosen = self.ask_path(
            self, f"Export the report as {FORMAT_NAMES[fmt]}", self.file.text(), filters
        )
        if chosen is not None:
            if not chosen.suffix:
                chosen = chosen.with_suffix(f".{fmt}")
            self.file.setText(str(chosen))
        self.file.setFocus()

    def problem_found(self) -> str:
        """What must be put right before exporting, or "" when it can go ahead."""
        path = self.path()
        if path is None:
            self.file.setFocus()
            return "Give the file to write the report to."
        if self.signing() and self.fingerprint() in self.key_files and not self.passphrase.text():
            self.passphrase.setFocus()
            return "Give the passphrase of your key file."
        return ""

    def say(self, message: str, assertive: bool = False) -> None:
        self.problem.setText(message)
        announce(self.problem, message, assertive=assertive)

    def busy(self, task: Task | None) -> None:
        """While exporting only Cancel (and Esc) works: it stops the export."""
        self.running = task
        idle = task is None
        controls: list[QWidget] = [self.export_button, self.choose, self.file, self.identity]
        controls += [self.reason, self.passphrase, *self.formats.buttons()]
        for widget in controls:
            widget.setEnabled(idle)
        self.sign.setEnabled(idle and bool(self.choices.identities))
        self.cancel_button.setText("Cancel" if idle else "&Stop export")
        self.cancel_button.setAccessibleName("Cancel" if idle else "Stop export")
        self.progress.setValue(0)
        self.form.setRowVisible(self.progress, not idle)  # only while exporting
        self.adjustSize()
        if not idle:
            self.cancel_button.setFocus()

    def reject(self) -> None:
        if self.running is not None:
            self.running.cancel()
            self.say("Stopping the export…")
            return
        super().reject()
