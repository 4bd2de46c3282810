"""Encrypted stores in the app: the passphrase asked on opening, and the choice for a new store."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ccassure.services.paths import AppPaths
from ccassure.ui.a11y import name
from ccassure.ui.tasks import TaskControl

if TYPE_CHECKING:
    from ccassure.services.context import Context
    from ccassure.ui.main_window import MainWindow, Opener

UNLOCK_KINDS = ("needs_passphrase", "wrong_passphrase")


@dataclass(frozen=True)
class StoreOpener:
    """Opens (or creates) a store in a background task; carries what unlocks or keys it."""

    paths: AppPaths
    store: Path
    mode: str
    passphrase: str | None = None
    encrypt: bool = False  # a new store: encrypted with the keyring, or new_passphrase
    new_passphrase: str | None = None

    def __call__(self, _control: TaskControl) -> Context:
        from ccassure.services.context import build_context
        from ccassure.services.store_keys import KeyRequest, forget_key, make_key

        new = make_key(self.new_passphrase) if self.encrypt and self.mode != "open" else None
        try:
            return build_context(
                self.paths,
                self.mode,
                store_path=self.store,
                keys=KeyRequest(self.passphrase),
                new_key=new.key if new else None,
            )
        except BaseException:
            if new is not None:
                forget_key(new)
            raise

    def with_passphrase(self, passphrase: str) -> StoreOpener:
        return replace(self, passphrase=passphrase)


def ask_passphrase(parent: QWidget, store: Path, wrong: bool) -> str | None:
    """The store's passphrase, or None when the person cancels."""
    dialog = QDialog(parent)
    dialog.setWindowTitle("Unlock the store")
    name(dialog, "Unlock the store", f"The store {store.name} is encrypted")
    dialog.setMinimumWidth(dialog.fontMetrics().averageCharWidth() * 56)
    layout = QVBoxLayout(dialog)
    layout.addWidget(QLabel("<h3>Unlock the store</h3>"))
    text = (
        "That passphrase does not open the store. Try again."
        if wrong
        else f"The store {store.name} is encrypted, and its key is not in this computer's "
        "keyring. Enter its passphrase."
    )
    label = QLabel(text)
    label.setWordWrap(True)
    layout.addWidget(label)
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    name(field, "Passphrase", text)
    form = QFormLayout()
    form.addRow("&Passphrase:", field)
    layout.addLayout(form)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText("&Unlock")
    name(ok, "Unlock", "Open the store with this passphrase")
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    name(cancel, "Cancel", "Do not open the store")
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    field.setFocus()
    if not dialog.exec() or not field.text():
        return None
    return field.text()


class NewStoreDialog(QDialog):
    """Encrypt a new store? On by default where the OS keyring can keep its key."""

    def __init__(self, parent: QWidget | None, store: Path, keyring_usable: bool) -> None:
        super().__init__(parent)
        self.setWindowTitle("Protect the new store")
        name(self, "Protect the new store", f"Encryption for {store.name}")
        self._keyring_usable = keyring_usable
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "<h3>Protect the new store</h3>"
            f"<p>{store.name} will hold OFFICIAL-SENSITIVE material. Encrypted, it cannot be "
            "read if the laptop is lost.</p>"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.encrypt = QCheckBox("&Encrypt the store")
        self.encrypt.setChecked(keyring_usable)
        name(self.encrypt, "Encrypt the store", "Recommended for OFFICIAL-SENSITIVE material")
        layout.addWidget(self.encrypt)
        self.use_keyring = QRadioButton("Keep the key in this computer's &keyring")
        self.use_keyring.setEnabled(keyring_usable)
        self.use_keyring.setChecked(keyring_usable)
        name(self.use_keyring, "Keep the key in this computer's keyring", "Nothing to type")
        self.use_passphrase = QRadioButton("Use a &passphrase")
        self.use_passphrase.setChecked(not keyring_usable)
        name(self.use_passphrase, "Use a passphrase", "Asked each time the store opens")
        layout.addWidget(self.use_keyring)
        layout.addWidget(self.use_passphrase)
        if not keyring_usable:
            note = QLabel("No OS keyring is available here: encryption needs a passphrase.")
            note.setWordWrap(True)
            layout.addWidget(note)
        self.first, self.second = QLineEdit(), QLineEdit()
        form = QFormLayout()
        for field, label, text in (
            (self.first, "Pass&phrase:", "Passphrase, at least 8 characters"),
            (self.second, "&Again:", "The passphrase again"),
        ):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            name(field, text.split(",")[0], text)
            form.addRow(label, field)
        layout.addLayout(form)
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        name(self.problem, "Problem", "What needs changing before the store is created")
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.create_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setText("C&reate store")
        name(self.create_button, "Create store", "Create the store with these choices")
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        name(cancel, "Cancel", "Do not create a store")
        buttons.accepted.connect(self._accept_if_ready)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for signal in (self.encrypt.toggled, self.use_passphrase.toggled):
            signal.connect(self._update)
        self._update()

    @property
    def passphrase(self) -> str | None:
        wanted = self.encrypt.isChecked() and self.use_passphrase.isChecked()
        return self.first.text() if wanted else None

    def _update(self) -> None:
        encrypting = self.encrypt.isChecked()
        self.use_keyring.setEnabled(encrypting and self._keyring_usable)
        self.use_passphrase.setEnabled(encrypting)
        typing = encrypting and self.use_passphrase.isChecked()
        self.first.setEnabled(typing)
        self.second.setEnabled(typing)

    def _accept_if_ready(self) -> None:
        from ccassure.services.errors import ServiceError
        from ccassure.services.store_keys import check_new_passphrase

        if self.passphrase is not None:
            problem = ""
            try:
                check_new_passphrase(self.first.text())
            except ServiceError as exc:
                problem = str(exc)
            if not problem and self.first.text() != self.second.text():
                problem = "The two passphrases differ."
            if problem:
                self.problem.setText(problem[0].upper() + problem[1:])
                name(self.problem, "Problem", problem)
                self.first.setFocus()
                return
        self.accept()


def choose_encryption(parent: QWidget, paths: AppPaths, store: Path) -> StoreOpener | None:
    """The opener for a new store, with the person's choice of encryption; None if cancelled."""
    from ccassure.services.store_keys import keyring_usable

    dialog = NewStoreDialog(parent, store, keyring_usable())
    if not dialog.exec():
        return None
    return StoreOpener(
        paths,
        store,
        "create",
        encrypt=dialog.encrypt.isChecked(),
        new_passphrase=dialog.passphrase,
    )


def unlock_and_retry(
    window: MainWindow, opening: tuple[Opener, str] | None, error: BaseException
) -> bool:
    """An encrypted store with no key here: ask its passphrase and open it again."""
    kind = getattr(error, "kind", "")
    if opening is None or kind not in UNLOCK_KINDS:
        return False
    opener, label = opening
    if not isinstance(opener, StoreOpener):
        return False
    window.say("The store is encrypted: enter its passphrase")
    passphrase = ask_passphrase(window, opener.store, kind == "wrong_passphrase")
    if passphrase is None:
        return False
    window.open_store(opener.with_passphrase(passphrase), label)
    return True


def reopener(window: MainWindow, paths: AppPaths, store: Path) -> StoreOpener:
    """Open the same store again (after a restore) with what unlocked it last time."""
    opening = window.current_opening
    last = opening[0] if opening is not None else None
    if isinstance(last, StoreOpener) and last.store == store:
        return replace(last, mode="open", encrypt=False, new_passphrase=None)
    return StoreOpener(paths, store, "open")
