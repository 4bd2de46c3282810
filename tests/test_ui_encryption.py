"""Encrypted stores in the app: the passphrase asked by keyboard, and a new store encrypted."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit

from ccassure.services.paths import AppPaths
from ccassure.services.store_keys import make_key, unlock
from ccassure.store.cipher import SQLITE_MAGIC
from ccassure.store.sqlite_file import is_encrypted
from ccassure.store.store import Store
from ccassure.ui.main_window import MainWindow
from ccassure.ui.settings import AppSettings
from ccassure.ui.store_unlock import NewStoreDialog, StoreOpener
from ccassure.ui.tasks import TaskRunner
from tests.keyrings import MemoryKeyring

PASS = "a long enough passphrase"


def bare_window(qtbot, tmp_path: Path) -> tuple[MainWindow, AppPaths]:  # type: ignore[no-untyped-def]
    paths = AppPaths(tmp_path / "data", tmp_path / "data" / "ccassure.db")
    built = MainWindow(AppSettings(paths.data_dir), TaskRunner(), tmp_path / "log", paths=paths)
    qtbot.addWidget(built)
    built.show()
    return built, paths


class PassphraseAnswers:
    """Answers each passphrase dialog as it appears, by keyboard, and notes what it said."""

    def __init__(self, qtbot, answers: list[str]) -> None:  # type: ignore[no-untyped-def]
        self.qtbot, self.answers, self.prompts = qtbot, list(answers), []
        self.seen: set[int] = set()
        self.timer = QTimer()
        self.timer.timeout.connect(self.tick)
        self.timer.start(50)

    def tick(self) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog) or id(dialog) in self.seen or not self.answers:
            return
        self.seen.add(id(dialog))
        field = dialog.findChild(QLineEdit)
        assert field is not None and field.echoMode() == QLineEdit.EchoMode.Password
        assert field.accessibleName() == "Passphrase"
        self.prompts.append(" ".join(label.text() for label in dialog.findChildren(QLabel)))
        self.qtbot.keyClicks(field, self.answers.pop(0))
        self.qtbot.keyClick(field, Qt.Key.Key_Return)


def test_an_encrypted_store_opens_after_its_passphrase_is_typed(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window, paths = bare_window(qtbot, tmp_path)
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    new = make_key(PASS)
    Store.create(paths.store, new.key).close()
    assert is_encrypted(paths.store)
    answers = PassphraseAnswers(qtbot, ["wrong one!", PASS])  # asked again after a wrong one
    with qtbot.waitSignal(window.dashboard_shown, timeout=30_000):
        window.open_store(StoreOpener(paths, paths.store, "open"), "ccassure.db")
    answers.timer.stop()
    prompts = answers.prompts
    assert len(prompts) == 2
    assert "not in this computer's keyring" in prompts[0]
    assert "does not open" in prompts[1]
    assert window.context is not None and window.context.store.encrypted
    window.runner.wait()
    window.close()


def test_a_new_store_is_encrypted_by_default_with_a_keyring(
    qtbot, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:  # type: ignore[no-untyped-def]
    store = tmp_path / "new.db"
    dialog = NewStoreDialog(None, store, keyring_usable=True)
    qtbot.addWidget(dialog)
    assert dialog.encrypt.isChecked() and dialog.use_keyring.isChecked()
    assert not dialog.first.isEnabled()  # nothing to type with the keyring
    for control in (dialog.encrypt, dialog.use_keyring, dialog.use_passphrase, dialog.first):
        assert control.accessibleName()
    dialog.use_passphrase.setChecked(True)
    assert dialog.first.isEnabled()
    qtbot.keyClicks(dialog.first, "short")
    qtbot.keyClicks(dialog.second, "short")
    dialog.create_button.click()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "too short" in dialog.problem.text()
    dialog.use_keyring.setChecked(True)
    dialog.create_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.passphrase is None
    opener = StoreOpener(
        AppPaths(tmp_path, store), store, "create", encrypt=True, new_passphrase=None
    )
    context = opener(None)  # type: ignore[arg-type]
    context.close()
    assert not store.read_bytes().startswith(SQLITE_MAGIC)
    assert unlock(store) is not None  # the keyring's key opens it
    assert any(name.startswith("store-key:") for (_s, name) in memory_keyring.secrets)


def test_without_a_keyring_encryption_is_offered_with_a_passphrase(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = NewStoreDialog(None, tmp_path / "x.db", keyring_usable=False)
    qtbot.addWidget(dialog)
    assert not dialog.encrypt.isChecked() and not dialog.use_keyring.isEnabled()
    dialog.encrypt.setChecked(True)
    assert dialog.use_passphrase.isChecked() and dialog.first.isEnabled()
    qtbot.keyClicks(dialog.first, PASS)
    qtbot.keyClicks(dialog.second, PASS + "x")
    dialog.create_button.click()
    assert "differ" in dialog.problem.text()
