"""Open review package…: choose it, give its passphrase, see the preview, choose, then apply."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from ccassure.domain.errors import CcassureError
from ccassure.ui.a11y import announce, name
from ccassure.ui.dialog_parts import known_failure, say_in_both
from ccassure.ui.package_send import PACKAGE_FILTER

if TYPE_CHECKING:
    from ccassure.services.package_results import PackagePreview, UnpackResult
    from ccassure.ui.main_window import MainWindow
    from ccassure.ui.package_preview import PackagePreviewDialog
    from ccassure.ui.tasks import TaskControl

OPEN_PACKAGE_KEY = "Ctrl+Shift+O"
PASSPHRASE_KINDS = ("passphrase", "wrong_passphrase")


def choose_package(parent: QWidget) -> Path | None:
    chosen, _ = QFileDialog.getOpenFileName(
        parent,
        "Open a review package",
        str(Path.home()),
        PACKAGE_FILTER,
        options=QFileDialog.Option.DontUseNativeDialog,
    )
    return Path(chosen) if chosen else None


class PassphraseDialog(QDialog):
    """The passphrase of an encrypted package; said again, with why, when one did not open it."""

    def __init__(self, path: Path, problem: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        heading = f"The package “{path.name}” is encrypted"
        self.setWindowTitle(heading)
        name(self, "Package passphrase", f"{heading}: give the passphrase its sender told you")
        form = QFormLayout(self)
        title = QLabel(f"<b>{html.escape(heading)}</b>")
        title.setWordWrap(True)
        form.addRow(title)
        self.problem = QLabel(problem or "Give the passphrase the sender told you.")
        self.problem.setWordWrap(True)
        name(self.problem, "Passphrase status", "Why the passphrase is asked for")
        form.addRow(self.problem)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        name(self.passphrase, "Package passphrase", "The passphrase the package was encrypted with")
        label = QLabel("&Passphrase:")
        label.setBuddy(self.passphrase)
        form.addRow(label, self.passphrase)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.open_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.open_button.setText("&Open")
        name(self.open_button, "Open", "Decrypt and verify the package")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        name(cancel, "Cancel", "Do not open the package")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)
        self.passphrase.setFocus()
        if problem:
            announce(self.problem, problem, assertive=True)


def nothing_changed(message: str) -> str:
    """The message as one sentence that says the store is as it was."""
    message = message.rstrip(". ")
    said = "nothing was changed" in message.lower()
    return message + ("." if said else "; nothing was changed.")


def refusal_box(parent: QWidget, error: BaseException) -> QMessageBox:
    """One readable message for a package that was refused; the store is as it was."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Review package not opened")
    box.setText(str(error))
    box.setInformativeText("Nothing in this store was changed.")
    box.setAccessibleName("Review package not opened")
    box.setAccessibleDescription(f"{error} Nothing in this store was changed.")
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.open()
    return box


class OpenPackageFlow(QObject):
    """Inspect in the background (asking a passphrase if needed), preview, then unpack."""

    def __init__(self, window: MainWindow, path: Path) -> None:
        super().__init__(window)  # the window keeps it alive until it is done
        self.window, self.path = window, path
        self.passphrase: str | None = None
        self.asking: PassphraseDialog | None = None
        self.dialog: PackagePreviewDialog | None = None
        self.refusal: QMessageBox | None = None

    def start(self) -> None:
        self.window.say(f"Checking {self.path.name}…")
        self._inspect(None)

    def _inspect(self, passphrase: str | None) -> None:
        context = self.window.context
        if context is None:
            self.deleteLater()
            return
        self.passphrase, path = passphrase, self.path

        def inspect(_control: TaskControl) -> tuple[PackagePreview, dict[str, str]]:
            preview = context.packages.inspect(path, passphrase)
            template = context.assessments.template_for(preview.remote)
            return preview, {item.key: item.prompt for _, item in template.items()}

        self.window.runner.run("check the review package", inspect, self._show, self._not_opened)

    def _not_opened(self, error: BaseException) -> None:
        if not isinstance(error, CcassureError):
            self.window.report(error)
            self.deleteLater()
            return
        if error.kind in PASSPHRASE_KINDS:
            wrong = "That passphrase does not open the package; try again."
            self._ask(wrong if error.kind == "wrong_passphrase" else "")
            return
        self.refusal = refusal_box(self.window, error)
        self.window.say(nothing_changed(f"Review package not opened: {error}"))
        self.refusal.finished.connect(lambda _result: self.deleteLater())

    def _ask(self, problem: str) -> None:
        self.asking = PassphraseDialog(self.path, problem, self.window)
        self.asking.accepted.connect(lambda: self._inspect(self._given()))
        self.asking.rejected.connect(self._gave_up)
        self.asking.open()

    def _given(self) -> str:
        asking, self.asking = self.asking, None
        assert asking is not None
        asking.deleteLater()
        return asking.passphrase.text()

    def _gave_up(self) -> None:
        if self.asking is not None:
            self.asking.deleteLater()
            self.asking = None
        self.window.say(f"{self.path.name} was not opened; nothing was changed")
        self.deleteLater()

    def _show(self, found: tuple[PackagePreview, dict[str, str]]) -> None:
        from ccassure.ui.package_preview import PackagePreviewDialog

        preview, prompts = found
        self.dialog = PackagePreviewDialog(preview, prompts, self.window)
        self.dialog.buttons.accepted.connect(self._apply)
        self.dialog.finished.connect(lambda _result: self._closed())
        self.dialog.open()
        self.window.say(preview.message())

    def _closed(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None
        self.deleteLater()

    def _apply(self) -> None:
        dialog, context = self.dialog, self.window.context
        if dialog is None or context is None or dialog.running:
            return
        if not dialog.apply_button.isEnabled():  # Enter in the dialog before every choice
            dialog.say("Choose keep mine or take theirs for every conflict first.", True)
            return
        path, passphrase, choices = self.path, self.passphrase, dialog.choices()

        def unpack(_control: TaskControl) -> UnpackResult:
            return context.packages.unpack(path, passphrase, choices)

        self.window.runner.run(
            "apply the review package", unpack, self._applied, self._failed, write=True
        )
        dialog.busy(True)
        dialog.say("Taking a backup of the store, then merging the package…")

    def _applied(self, result: UnpackResult) -> None:
        if self.dialog is not None:
            self.dialog.running = False
            self.dialog.accept()
        self.window.refresh(quiet=True)
        self.window.open_assessment(result.assessment_id, announce=result.message())

    def _failed(self, error: BaseException) -> None:
        dialog = self.dialog
        if dialog is not None:
            dialog.busy(False)
        known = known_failure(self.window, dialog, error)
        if dialog is None or known is None:
            return
        say_in_both(self.window, dialog, nothing_changed(f"Not applied: {known}"))
        dialog.apply_button.setFocus()


def open_package_file(window: MainWindow, path: Path) -> OpenPackageFlow | None:
    """Check a review package and show what it would change (nothing changes until Apply)."""
    if window.context is None:
        window.say("Open a store first: a package merges into the store that is open.")
        return None
    flow = OpenPackageFlow(window, path)
    flow.start()
    return flow


def open_package(window: MainWindow) -> OpenPackageFlow | None:
    """File → Open review package…: choose the file, then check it."""
    if window.context is None:
        window.say("Open a store first: a package merges into the store that is open.")
        return None
    path = choose_package(window)
    if path is None:
        return None
    return open_package_file(window, path)
