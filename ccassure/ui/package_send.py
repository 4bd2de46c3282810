"""Send for review (pack)…: file, signer, note, passphrase; the package is written off the UI."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QWidget,
)

from ccassure.ui.a11y import announce, name
from ccassure.ui.dialog_parts import (
    checked_target,
    heading_label,
    identity_combo,
    known_failure,
    ok_cancel,
    say_in_both,
    status_label,
)
from ccassure.ui.export_dialog import ask_replace

if TYPE_CHECKING:
    from ccassure.services.identities import IdentityView
    from ccassure.services.package_results import PackResult
    from ccassure.ui.main_window import MainWindow
    from ccassure.ui.tasks import TaskControl

PACK_KEY = "Ctrl+Shift+R"
PACKAGE_FILTER = "Review packages (*.ccpack);;All files (*)"
MIN_PASSPHRASE = 8  # as the package service requires


@dataclass(frozen=True)
class PackChoices:
    """What the dialog offers: the version, and the trusted identities whose key is here."""

    assessment_id: int
    title: str
    version: int
    identities: tuple[IdentityView, ...]


def package_name(title: str, version: int) -> str:
    """`<title>-v<N>.ccpack`, without what Windows or POSIX forbid in a file name."""
    words = re.sub(r'[<>:"/\\|?*\x00-\x1f]+', " ", title).split()
    stem = " ".join(words)[:100].strip(" .") or "assessment"
    return f"{stem}-v{version}.ccpack"


def ask_package_path(parent: QWidget, current: str) -> Path | None:
    chosen, _ = QFileDialog.getSaveFileName(
        parent,
        "Write the review package to",
        current,
        PACKAGE_FILTER,
        options=QFileDialog.Option.DontUseNativeDialog | QFileDialog.Option.DontConfirmOverwrite,
    )
    return Path(chosen) if chosen else None


def written_message(done: PackResult) -> str:
    sealed = "encrypted, " if done.encrypted else ""
    return (
        f"Package written: {done.path} ({sealed}{done.size:,} bytes): “{done.title}” version "
        f"{done.version}, signed by {done.sender}"
    )


class PackDialog(QDialog):
    """File, signer, note for the reviewer and an optional passphrase; Pack writes the file."""

    def __init__(self, choices: PackChoices, folder: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.choices = choices
        self.ask_path: Callable[[QWidget, str], Path | None] = ask_package_path
        self.confirm_replace: Callable[[QWidget, Path], bool] = ask_replace
        heading = f"Send {choices.title}, version {choices.version}, for review"
        self.setWindowTitle(heading)
        name(self, "Send for review", heading)
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(heading_label(heading))
        self.file = QLineEdit(str(folder / package_name(choices.title, choices.version)))
        self.browse = QPushButton("&Browse…")
        name(self.browse, "Browse", "Choose the folder and name of the package in a dialog")
        self.browse.clicked.connect(self._browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(self.browse)
        self.identity, self.key_files = identity_combo(choices.identities)
        self.key_passphrase = QLineEdit()
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.encrypt = QCheckBox("&Encrypt with a passphrase")
        name(
            self.encrypt, "Encrypt with a passphrase", "Only someone given the passphrase opens it"
        )
        self.passphrase, self.again = QLineEdit(), QLineEdit()
        for secret in (self.key_passphrase, self.passphrase, self.again):
            secret.setEchoMode(QLineEdit.EchoMode.Password)
        rows: tuple[tuple[str, QWidget, str, str], ...] = (
            ("&File:", self.file, "File", "Where the package is written; Browse… opens a dialog"),
            ("&Signed by:", self.identity, "Signed by", "Whose identity signs the package"),
            ("&Key passphrase:", self.key_passphrase, "Key passphrase", "Of the key file"),
            ("&Note for the reviewer:", self.note, "Note for the reviewer", "Optional"),
        )
        for label_text, widget, accessible, description in rows:
            name(widget, accessible, description)
            label = QLabel(label_text)
            label.setBuddy(widget)
            form.addRow(label, file_row if widget is self.file else widget)
        form.addRow(self.encrypt)
        for label_text, widget, accessible, description in (
            ("Package &passphrase:", self.passphrase, "Package passphrase", "8 characters or more"),
            ("Passphrase a&gain:", self.again, "Passphrase again", "The same passphrase again"),
        ):
            name(widget, accessible, description)
            form.addRow(label_text, widget)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # packing reports no steps: busy until written
        name(self.progress, "Packing", "The package is being written")
        self.status = status_label("Package status", "What packing is doing, or why it cannot")
        form.addRow(self.progress)
        form.addRow(self.status)
        self.buttons, self.pack_button, self.cancel_button = ok_cancel(
            "Pa&ck",
            "Pack",
            "Write the signed package to the file",
            "Close without writing a package",
        )
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.form = form
        self.running = False
        self.identity.currentIndexChanged.connect(lambda _index: self._rows_shown())
        self.encrypt.toggled.connect(lambda _checked: self._rows_shown())
        self._rows_shown()
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 90)
        self.file.setFocus()

    def _rows_shown(self) -> None:
        self.form.setRowVisible(self.key_passphrase, self.fingerprint() in self.key_files)
        for secret in (self.passphrase, self.again):
            self.form.setRowVisible(secret, self.encrypt.isChecked())
        self.form.setRowVisible(self.progress, self.running)
        self.adjustSize()

    def fingerprint(self) -> str:
        return str(self.identity.currentData())

    def path(self) -> Path | None:
        text = self.file.text().strip()
        return Path(text).expanduser() if text else None

    def package_passphrase(self) -> str | None:
        return self.passphrase.text() if self.encrypt.isChecked() else None

    def _browse(self) -> None:
        chosen = self.ask_path(self, self.file.text())
        if chosen is not None:
            self.file.setText(str(chosen if chosen.suffix else chosen.with_suffix(".ccpack")))
        self.file.setFocus()

    def problem_found(self) -> str:
        """What must be put right before packing (focus moved there), or "" to go ahead."""
        problems: tuple[tuple[bool, QWidget, str], ...] = (
            (self.path() is None, self.file, "Give the file to write the package to."),
            (
                self.fingerprint() in self.key_files and not self.key_passphrase.text(),
                self.key_passphrase,
                "Give the passphrase of your key file.",
            ),
            (
                self.encrypt.isChecked() and len(self.passphrase.text()) < MIN_PASSPHRASE,
                self.passphrase,
                f"The package passphrase must be at least {MIN_PASSPHRASE} characters.",
            ),
            (
                self.encrypt.isChecked() and self.again.text() != self.passphrase.text(),
                self.again,
                "The two passphrases differ; type the same passphrase again.",
            ),
        )
        for found, widget, message in problems:
            if found:
                widget.setFocus()
                return message
        return ""

    def say(self, message: str, assertive: bool = False) -> None:
        self.status.setText(message)
        announce(self.status, message, assertive=assertive)

    def busy(self, running: bool) -> None:
        """While packing nothing can be changed; it finishes in a moment (a write is whole)."""
        self.running = running
        controls: list[QWidget] = [self.pack_button, self.cancel_button, self.file, self.browse]
        controls += [self.identity, self.key_passphrase, self.note, self.encrypt]
        for widget in (*controls, self.passphrase, self.again):
            widget.setEnabled(not running)
        self._rows_shown()

    def reject(self) -> None:
        if self.running:
            self.say("The package is being written; it finishes in a moment.")
            return
        super().reject()


class PackFlow(QObject):
    """Read the identities, show the dialog, pack on the write worker, then say what was written."""

    def __init__(self, window: MainWindow, assessment_id: int) -> None:
        super().__init__(window)  # the window keeps it alive until the dialog is done
        self.window, self.assessment_id = window, assessment_id
        self.dialog: PackDialog | None = None

    def start(self) -> None:
        context = self.window.context
        if context is None:
            return
        ident = self.assessment_id

        def load(_control: TaskControl) -> PackChoices:
            from ccassure.services.identities import LOCKED, NO_KEY

            summary = context.assessments.summary(ident)
            usable = tuple(
                v for v in context.identities.list() if v.key not in (NO_KEY, LOCKED) and v.trusted
            )
            return PackChoices(ident, summary.title, summary.version, usable)

        self.window.runner.run("read the identities", load, self._show, self.window.report)

    def _show(self, choices: PackChoices) -> None:
        if not choices.identities:
            self.window.say(
                "No identity with a key on this computer signs packages: create one in "
                "Tools → Identities (or import your organisation's PKCS#12 file)"
            )
            self.deleteLater()
            return
        folder = self.window.export_folder or Path.home()
        self.dialog = PackDialog(choices, folder, self.window)
        self.dialog.buttons.accepted.connect(self._pack)
        self.dialog.finished.connect(lambda _result: self._done())
        self.dialog.open()

    def _done(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.deleteLater()

    def _pack(self) -> None:
        dialog, context = self.dialog, self.window.context
        if dialog is None or context is None or dialog.running:
            return
        path = checked_target(dialog)
        if path is None:
            return
        ident, fingerprint, note = self.assessment_id, dialog.fingerprint(), dialog.note
        key_passphrase, passphrase = dialog.key_passphrase.text(), dialog.package_passphrase()
        text = note.toPlainText().strip()

        def pack(_control: TaskControl) -> PackResult:
            return context.packages.pack(
                ident,
                path,
                identity=fingerprint,
                passphrase=passphrase,
                note=text,
                ask=lambda _prompt: key_passphrase,
            )

        self.window.runner.run(
            "write the review package", pack, self._packed, self._failed, write=True
        )
        dialog.busy(True)
        dialog.say(f"Packing to {path}…")

    def _packed(self, done: PackResult) -> None:
        self.window.export_folder = done.path.parent
        if self.dialog is not None:
            self.dialog.busy(False)
            self.dialog.accept()
        self.window.say(written_message(done))

    def _failed(self, error: BaseException) -> None:
        dialog = self.dialog
        if dialog is not None:
            dialog.busy(False)
        known = known_failure(self.window, dialog, error)
        if dialog is None or known is None:
            return
        say_in_both(self.window, dialog, f"No package written: {known}")
        wrong_key = known.kind == "passphrase" and dialog.key_passphrase.isVisible()
        focus = dialog.key_passphrase if wrong_key else dialog.file
        focus.setFocus()
        focus.selectAll()


def start_pack(window: MainWindow, assessment_id: int) -> PackFlow:
    """Open the Send for review dialog for an assessment version."""
    flow = PackFlow(window, assessment_id)
    flow.start()
    return flow


def pack_shown(window: MainWindow) -> PackFlow | None:
    """File → Send for review (pack)…: for the assessment shown (its page or its editor)."""
    page = window.pages.currentWidget()
    ident = int(getattr(page, "assessment_id", 0) or 0)
    if window.context is None or not ident:
        window.say("Open an assessment first: the package holds the one shown.")
        return None
    return start_pack(window, ident)
