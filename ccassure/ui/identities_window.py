"""Tools → Identities: your signing identities and the signers you trust, with their keys."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ccassure.services.identities import MIN_PASSPHRASE, NEW_KEY_FILE_PROMPT, IdentityView
from ccassure.ui.a11y import announce, name
from ccassure.ui.dialog_parts import read_only_table, status_label

if TYPE_CHECKING:
    from ccassure.services.identities import IdentityService
    from ccassure.ui.main_window import MainWindow
    from ccassure.ui.tasks import TaskRunner

HEADINGS = ("Name", "Role", "Organisation", "Trusted", "Private key", "Fingerprint")


def _row(view: IdentityView) -> tuple[str, ...]:
    trust = "Trusted" if view.trusted else "Not trusted"
    key = {"none": "None on this computer"}.get(view.key, view.key.capitalize())
    return (view.name, view.role, view.organisation or "-", trust, key, view.fingerprint[:16])


class NewIdentityDialog(QDialog):
    """Name, role and organisation of a new identity."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Create a signing identity")
        form = QFormLayout(self)
        self.person = QLineEdit()
        self.role = QLineEdit()
        self.organisation = QLineEdit()
        for field, label, hint in (
            (self.person, "&Name", "Your name, as signatures show it"),
            (self.role, "R&ole", "For example Data Protection Officer"),
            (self.organisation, "Or&ganisation", "For example Metropolitan Police (optional)"),
        ):
            field.setMaxLength(64)
            name(field, label.replace("&", ""), hint)
            form.addRow(label, field)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class IdentitiesDialog(QDialog):
    """The identities in the store: create, import, export, trust, untrust and delete."""

    def __init__(
        self,
        identities: IdentityService,
        runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.identities, self.runner = identities, runner
        self.views: list[IdentityView] = []
        self.setWindowTitle("Identities")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Your identities sign reports; trusted signers' signatures count as trusted when "
            "a signed PDF is verified."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = read_only_table(
            HEADINGS, "Identities", "Known identities, whether trusted, and where keys are"
        )
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot, hint in (
            ("create", "&Create…", self.make_identity, "Create a new key and certificate"),
            ("import", "&Import PKCS#12…", self.import_pkcs12, "Import an organisation's file"),
            ("export", "E&xport certificate…", self.export, "Save the certificate to share"),
            ("trust", "T&rust a certificate file…", self.trust_file, "Trust another signer"),
            ("untrust", "&Untrust", self.untrust, "Keep the signer, but no longer trusted"),
            ("delete", "&Delete…", self.delete, "Forget the identity and delete its key"),
        ):
            button = QPushButton(text)
            name(button, text.replace("&", "").rstrip("…"), hint)
            button.clicked.connect(slot)
            row.addWidget(button)
            self.buttons[key] = button
        layout.addLayout(row)
        self.status = status_label("Status")
        layout.addWidget(self.status)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.table.itemSelectionChanged.connect(self._enable)
        self.resize(900, 420)
        self._enable()
        self.refresh()

    # --- questions to the person (tests replace these) -----------------------------------
    def ask_secret(self, title: str, label: str) -> str | None:
        text, ok = QInputDialog.getText(self, title, label, QLineEdit.EchoMode.Password)
        return text if ok else None

    def choose_file(self, title: str, filters: str, save: bool = False) -> str:
        chooser = QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName
        return chooser(self, title, "", filters)[0]

    def confirm(self, question: str) -> bool:
        answer = QMessageBox.question(self, "Delete identity", question)
        return answer == QMessageBox.StandardButton.Yes

    def new_identity(self) -> tuple[str, str, str] | None:
        dialog = NewIdentityDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.person.text(), dialog.role.text(), dialog.organisation.text()

    # --- work ------------------------------------------------------------------------------
    def selected(self) -> IdentityView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.views[rows[0].row()] if rows else None

    def _enable(self) -> None:
        chosen = self.selected()
        for key in ("export", "delete"):
            self.buttons[key].setEnabled(chosen is not None)
        self.buttons["untrust"].setEnabled(chosen is not None and chosen.trusted)

    def say(self, message: str, assertive: bool = False) -> None:
        self.status.setText(message)
        announce(self.status, message, assertive)

    def _run(self, label: str, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        self.say(f"{label}…")
        self.runner.run(label, lambda _control: work(), done, self._failed, write=True)

    def _failed(self, error: BaseException) -> None:
        self.say(f"Problem: {error}", assertive=True)

    def refresh(self, then: str = "") -> None:
        self._run("Reading identities", self.identities.list, lambda views: self._show(views, then))

    def _show(self, views: list[IdentityView], then: str) -> None:
        chosen = self.selected()
        self.views = list(views)
        self.table.setRowCount(len(views))
        for number, view in enumerate(views):
            for column, text in enumerate(_row(view)):
                self.table.setItem(number, column, QTableWidgetItem(text))
            if chosen is not None and view.fingerprint == chosen.fingerprint:
                self.table.selectRow(number)
        self.table.resizeColumnsToContents()
        count = f"{len(views)} identit{'y' if len(views) == 1 else 'ies'}"
        self.say(f"{then} {count}." if then else f"{count}.")
        self._enable()

    def _new_key_passphrase(self) -> str | None:
        first = self.ask_secret(
            "Passphrase for the key file",
            f"No usable OS keyring: the key goes to a file protected by a passphrase "
            f"(at least {MIN_PASSPHRASE} characters).",
        )
        if first is None:
            return None
        if self.ask_secret("Passphrase for the key file", "The same passphrase again:") != first:
            self.say("The two passphrases differ; nothing was created.", assertive=True)
            return None
        return first

    def make_identity(self) -> None:
        details = self.new_identity()
        if details is not None:
            self._run(
                "Checking the keyring",
                self.identities.key_storage,
                lambda s: self._make(s, details),
            )

    def _make(self, storage: Any, details: tuple[str, str, str]) -> None:
        passphrase = "" if storage.usable else self._new_key_passphrase()
        if passphrase is None:
            self.say("Nothing was created.")
            return
        self._run(
            "Creating the identity",
            lambda: self.identities.create(*details, ask=lambda _prompt: passphrase),
            lambda view: self.refresh(f"Created {view.name} ({view.key})."),
        )

    def import_pkcs12(self) -> None:
        path = self.choose_file("Import a PKCS#12 file", "PKCS#12 (*.p12 *.pfx);;All files (*)")
        if not path:
            return
        secret = self.ask_secret("Passphrase", f"Passphrase of {Path(path).name}:")
        if secret is None:
            return
        self._run(
            "Checking the keyring",
            self.identities.key_storage,
            lambda s: self._load(s, path, secret),
        )

    def _load(self, storage: Any, path: str, secret: str) -> None:
        key_file = "" if storage.usable else self._new_key_passphrase()
        if key_file is None:
            self.say("Nothing was imported.")
            return

        def ask(prompt: str) -> str:
            return key_file if prompt.endswith(NEW_KEY_FILE_PROMPT) else secret

        self._run(
            "Importing",
            lambda: self.identities.import_pkcs12(Path(path), ask),
            lambda view: self.refresh(f"Imported {view.name}."),
        )

    def export(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        path = self.choose_file("Export the certificate", "Certificate (*.pem)", save=True)
        if path:
            self._run(
                "Exporting",
                lambda: self.identities.export_certificate(Path(path), chosen.fingerprint, True),
                lambda view: self.say(f"Wrote the certificate of {view.name} to {path}."),
            )

    def trust_file(self) -> None:
        path = self.choose_file(
            "Trust a signer's certificate", "Certificates (*.pem *.crt *.cer *.der);;All files (*)"
        )
        if path:
            self._run(
                "Trusting",
                lambda: self.identities.trust_certificate(Path(path)),
                lambda view: self.refresh(f"{view.name} is trusted."),
            )

    def untrust(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self._run(
                "Untrusting",
                lambda: self.identities.untrust(chosen.fingerprint),
                lambda view: self.refresh(f"{view.name} is no longer trusted."),
            )

    def delete(self) -> None:
        chosen = self.selected()
        if chosen is None or not self.confirm(
            f"Delete {chosen.name} ({chosen.fingerprint[:16]}…)? Its private key on this "
            "computer is deleted too, and cannot be recovered."
        ):
            return
        self._run(
            "Deleting",
            lambda: self.identities.delete(chosen.fingerprint),
            lambda gone: self.refresh(f"{gone.message()}."),
        )


def open_identities(
    parent: QWidget, identities: IdentityService, runner: TaskRunner
) -> IdentitiesDialog:
    """Open the dialog over the window, the list focused."""
    dialog = IdentitiesDialog(identities, runner, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    dialog.table.setFocus(Qt.FocusReason.OtherFocusReason)
    return dialog


def show_identities(window: MainWindow) -> IdentitiesDialog | None:
    """Tools → Identities… on the window's open store."""
    if window.context is None:
        window.say("Open a store first: identities are kept in the store.")
        return None
    return open_identities(window, window.context.identities, window.runner)
