"""Tools → Backups and the backup timer, by keyboard, on the real window and real store files."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ccassure.services.backup_schedule import BackupPlan, auto_backups, default_plan
from ccassure.store.content_digest import row_digests
from ccassure.store.sqlite_file import inspect_store
from ccassure.ui import backup_timer
from ccassure.ui.backup_dialog import BackupDialog
from ccassure.ui.main_window import MainWindow
from ccassure.ui.settings import AppSettings
from ccassure.ui.store_choice import opener_for
from tests.test_ui_walk import clashes
from tests.ui_helpers import accessible_name, focusable, tab_cycle

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


def press(qtbot, dialog: QWidget, key: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    """Alt+letter, as a keyboard user moves to a field or presses a button."""
    dialog.activateWindow()
    qtbot.keyClick(QApplication.focusWidget() or dialog, key, ALT)
    QApplication.processEvents()


def type_over(qtbot, text: str) -> None:  # type: ignore[no-untyped-def]
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClick(focused, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(focused, text)


def open_dialog(qtbot, window: MainWindow) -> BackupDialog:  # type: ignore[no-untyped-def]
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_B, CTRL_SHIFT)
    qtbot.waitUntil(lambda: window.findChild(BackupDialog) is not None, timeout=5_000)
    dialog = window.findChild(BackupDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5_000)
    return dialog


def summary(path: Path, ident: int) -> str:
    db = sqlite3.connect(path)
    try:
        return str(
            db.execute("SELECT summary FROM assessment WHERE id = ?", (ident,)).fetchone()[0]
        )
    finally:
        db.close()


def test_tools_backups_by_keyboard_writes_a_verified_backup_then_restores_it(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    tools = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Tools")
    assert window.actions_by_name["backups"] in tools.actions()
    assert window.actions_by_name["backups"].text() == "&Backups…"
    dialog = open_dialog(qtbot, window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.enabled, timeout=5_000)
    assert not dialog.enabled.isChecked()  # off until chosen
    assert dialog.folder.text() == str(window.settings.data_dir / "backups")
    controls = focusable(dialog)
    assert [w for w in controls if not accessible_name(w).strip()] == []
    visited = tab_cycle(qtbot, dialog.enabled)
    assert [w for w in controls if w not in visited] == []
    assert clashes(window) == []

    folder = tmp_path / "our backups"
    press(qtbot, dialog, Qt.Key.Key_U)  # a button's mnemonic clicks it a moment later
    qtbot.waitUntil(lambda: window.settings.backup_plan.enabled, timeout=5_000)
    assert dialog.enabled.isChecked()
    press(qtbot, dialog, Qt.Key.Key_D)
    assert QApplication.focusWidget() is dialog.folder
    type_over(qtbot, str(folder))
    press(qtbot, dialog, Qt.Key.Key_I)  # leaving the folder field saves it
    assert QApplication.focusWidget() is dialog.every
    type_over(qtbot, "6")
    press(qtbot, dialog, Qt.Key.Key_P)
    assert QApplication.focusWidget() is dialog.keep
    type_over(qtbot, "3")
    assert window.settings.backup_plan == BackupPlan(folder, 6.0, 3, True)
    assert AppSettings(window.settings.data_dir).backup_plan == BackupPlan(folder, 6.0, 3, True)
    assert "every 6 hours" in dialog.status.text() and "newest 3" in dialog.status.text()

    press(qtbot, dialog, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Backup written:"), timeout=30_000)
    store = window.context.store.path  # type: ignore[union-attr]
    written = auto_backups(store, folder)
    assert len(written) == 1 and str(written[0].path) in dialog.status.text()
    assert window.status.text() == dialog.status.text()
    assert inspect_store(written[0].path).revision == inspect_store(store).revision
    assert row_digests(written[0].path) == row_digests(store)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10_000)
    assert dialog.table.item(0, 2).text() == written[0].path.name
    assert dialog.table.item(0, 1).text().endswith(("KB", "MB"))
    assert dialog.back_up_now.isEnabled()

    db = sqlite3.connect(store)
    db.execute("UPDATE assessment SET summary = 'after the backup' WHERE id = 4")
    db.commit()
    db.close()
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    offered: list[Path] = []

    def choose(_parent: QWidget, start: Path) -> Path:
        offered.append(start)
        return written[0].path

    dialog.choose_backup = choose  # type: ignore[method-assign]
    dialog.confirm_restore = lambda *_args: False  # type: ignore[method-assign]
    press(qtbot, dialog, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: dialog.status.text() == "Nothing was restored.", timeout=5_000)
    assert offered == [written[0].path]  # the chosen row is offered first
    assert summary(store, 4) == "after the backup"

    dialog.confirm_restore = lambda *_args: True  # type: ignore[method-assign]
    press(qtbot, dialog, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: window.status.text().startswith("Restored"), timeout=30_000)
    assert summary(store, 4) == summary(written[0].path, 4) != "after the backup"
    kept = Path(window.status.text().split("the previous store is kept at ")[1])
    assert summary(kept, 4) == "after the backup"
    assert window.context is not None and window.context.store.path == store
    assert window.pages.currentWidget() is window.dashboard

    not_a_store = tmp_path / "notes.db"
    not_a_store.write_text("name,value\n", "utf-8")
    before = hashlib.sha256(store.read_bytes()).hexdigest()
    dialog.choose_backup = lambda *_args: not_a_store  # type: ignore[method-assign]
    press(qtbot, dialog, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Not restored"), timeout=30_000)
    assert "not a ccassure store" in dialog.status.text()
    assert hashlib.sha256(store.read_bytes()).hexdigest() == before
    window.runner.wait()
    dialog.close()


def test_browse_and_a_plan_that_cannot_work(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.enabled, timeout=5_000)
    press(qtbot, dialog, Qt.Key.Key_D)
    type_over(qtbot, "relative/folder")
    qtbot.keyClick(dialog.folder, Qt.Key.Key_Tab)
    assert dialog.status.text() == "Not saved: choose a folder for the backups (a full path)."
    assert window.settings.backup_plan == default_plan(window.settings.data_dir)
    dialog.choose_folder = lambda _parent, _start: tmp_path / "chosen"  # type: ignore[method-assign]
    press(qtbot, dialog, Qt.Key.Key_O)
    qtbot.waitUntil(lambda: window.settings.backup_plan.folder == tmp_path / "chosen")
    assert dialog.folder.text() == str(tmp_path / "chosen")
    assert QApplication.focusWidget() is dialog.folder
    window.runner.wait()
    dialog.close()


def test_settings_keep_the_plan_per_data_directory(tmp_path: Path) -> None:
    settings = AppSettings(tmp_path / "one")
    assert settings.backup_plan == BackupPlan(tmp_path / "one" / "backups", 4.0, 10, False)
    chosen = BackupPlan(tmp_path / "elsewhere", 0.5, 25, True)
    settings.backup_plan = chosen
    assert AppSettings(tmp_path / "one").backup_plan == chosen
    assert not AppSettings(tmp_path / "two").backup_plan.enabled
    with (tmp_path / "one" / "settings.ini").open("a", encoding="utf-8") as ini:
        ini.write("\n[backup]\nkeep=many\n")
    assert AppSettings(tmp_path / "one").backup_plan.keep in (10, 25)


def set_mtime(store: Path, when: datetime) -> None:
    for path in (store, store.with_name(store.name + "-wal")):
        if path.exists():
            os.utime(path, (when.timestamp(), when.timestamp()))


def test_the_timer_writes_a_due_backup_only_when_the_store_changed(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    folder = tmp_path / "auto"
    window.settings.backup_plan = BackupPlan(folder, 4.0, 10, True)
    timer = window.backup_timer
    start = datetime.now(UTC).replace(microsecond=0)
    timer.now = lambda: start
    with qtbot.waitSignal(timer.written, timeout=30_000) as fired:
        timer.timer.setInterval(20)  # the real QTimer, checking often rather than every 5 min
    timer.timer.setInterval(backup_timer.CHECK_EVERY_MS)
    qtbot.waitUntil(lambda: timer.running is None)  # a check the fast timer may have begun
    store = window.context.store.path  # type: ignore[union-attr]
    first = fired.args[0]  # type: ignore[index]
    assert first.path == folder / f"{store.stem}-auto-{start:%Y%m%dT%H%M%S}Z.db"
    assert window.status.text().startswith(f"Backup written: {first.path}")
    assert inspect_store(first.path).revision == inspect_store(store).revision

    set_mtime(store, start - timedelta(minutes=1))  # not written since the backup
    assert checked(qtbot, timer, start + timedelta(hours=3)) is None  # not due
    assert checked(qtbot, timer, start + timedelta(hours=5)) is None  # due, but no change
    set_mtime(store, start + timedelta(minutes=1))  # written after it
    timer.now = lambda: start + timedelta(hours=5)
    with qtbot.waitSignal(timer.written, timeout=30_000):
        assert timer.check() is not None
        assert timer.check() is None  # one at a time
    assert [b.taken_at for b in auto_backups(store, folder)] == [
        start + timedelta(hours=5),
        start,
    ]
    window.settings.backup_plan = BackupPlan(folder, 4.0, 10, False)
    timer.now = lambda: start + timedelta(hours=50)
    assert timer.check() is None  # switched off


def checked(qtbot, timer: backup_timer.BackupTimer, now: datetime) -> object:  # type: ignore[no-untyped-def]
    """What a check at `now` came to: the backup written, or None."""
    timer.now = lambda: now
    with qtbot.waitSignal(timer.checked, timeout=30_000) as result:
        assert timer.check() is not None
    return result.args[0]  # type: ignore[index]


def test_a_store_opened_is_backed_up_soon_after(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path, demo_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "auto"
    window.settings.backup_plan = BackupPlan(folder, 4.0, 10, True)
    monkeypatch.setattr(backup_timer, "SOON_AFTER_OPENING_MS", 10)
    second = tmp_path / "second.db"
    shutil.copy(demo_store, second)
    assert window.paths is not None
    with qtbot.waitSignal(window.backup_timer.written, timeout=30_000) as fired:
        window.open_store(opener_for(window.paths, second, "open"), second.name)
    assert fired.args[0].path.name.startswith("second-auto-")  # type: ignore[index]
    window.runner.wait()


def test_a_failed_backup_is_said_and_shown_once(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    gone = tmp_path / "removed drive" / "backups"
    window.settings.backup_plan = BackupPlan(gone, 4.0, 10, True)
    timer = window.backup_timer
    with qtbot.waitSignal(timer.failed, timeout=30_000) as failed:
        assert timer.check() is not None
    message = failed.args[0]  # type: ignore[index]
    assert message.startswith(f"Backup failed: {gone}: cannot use this folder for backups")
    assert window.status.text() == message
    box = timer.error_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert box.informativeText().startswith(message)
    box.close()
    with qtbot.waitSignal(timer.failed, timeout=30_000):
        assert timer.check() is not None  # tried again at the next check ...
    assert timer.error_box is box and not box.isVisible()  # ... but not shown again
    assert not gone.parent.exists()
