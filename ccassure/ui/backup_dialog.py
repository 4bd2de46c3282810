"""Tools → Backups: automatic backups (folder, interval, how many), Back up now, Restore from."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidgetItem,
    QWidget,
)

from ccassure.domain.errors import CcassureError
from ccassure.services.backup_schedule import (
    HOURS_RANGE,
    KEEP_RANGE,
    AutoBackup,
    BackupOutcome,
    BackupPlan,
    auto_backups,
)
from ccassure.ui.a11y import announce, name
from ccassure.ui.dialog_parts import read_only_table, status_label

if TYPE_CHECKING:
    from ccassure.store.cipher import StoreKey
    from ccassure.ui.main_window import MainWindow
    from ccassure.ui.tasks import TaskControl

BACKUPS_KEY = "Ctrl+Shift+B"
HEADINGS = ("Written", "Size", "File")


def size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def ask_backup_file(parent: QWidget, folder: Path) -> Path | None:
    chosen, _ = QFileDialog.getOpenFileName(
        parent,
        "Restore from a backup",
        str(folder),
        "ccassure stores and backups (*.db *.bak);;All files (*)",
        options=QFileDialog.Option.DontUseNativeDialog,
    )
    return Path(chosen) if chosen else None


def ask_folder(parent: QWidget, folder: Path) -> Path | None:
    chosen = QFileDialog.getExistingDirectory(
        parent, "Folder for automatic backups", str(folder), QFileDialog.Option.DontUseNativeDialog
    )
    return Path(chosen) if chosen else None


def ask_restore(parent: QWidget, source: Path, store: Path) -> bool:
    answer = QMessageBox.question(
        parent,
        "Restore from a backup?",
        f"Replace everything in {store.name} with the backup {source.name}?\n\n"
        f"The current store is kept first, as a backup beside it in {store.parent}, "
        "so this can be undone by restoring that file. The backup is checked before "
        "anything changes.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


class BackupDialog(QDialog):
    """Every change to the plan is saved as it is made; backups run on background tasks."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.choose_folder: Callable[[QWidget, Path], Path | None] = ask_folder
        self.choose_backup: Callable[[QWidget, Path], Path | None] = ask_backup_file
        self.confirm_restore: Callable[[QWidget, Path, Path], bool] = ask_restore
        self.backups: list[AutoBackup] = []
        plan = window.settings.backup_plan
        self.setWindowTitle("Backups")
        name(self, "Backups", "Automatic backups of the store, and restoring from a backup")
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        intro = QLabel(
            "Each backup is a consistent copy of the store, read back and compared with it "
            "after writing. Automatic backups are written while ccassure is open, and only "
            "when the store has changed since the last one."
        )
        intro.setWordWrap(True)
        form.addRow(intro)
        self.enabled = QCheckBox("Back up a&utomatically")
        self.enabled.setChecked(plan.enabled)
        name(self.enabled, "Back up automatically", "Write a backup on a schedule while open")
        form.addRow(self.enabled)
        self.folder = QLineEdit(str(plan.folder))
        name(self.folder, "Backup folder", "Where automatic backups are written")
        self.browse = QPushButton("Br&owse…")
        name(self.browse, "Browse for the backup folder", "Choose the folder in a dialog")
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.browse)
        folder_label = QLabel("Fol&der:")
        folder_label.setBuddy(self.folder)
        form.addRow(folder_label, folder_row)
        self.every = QDoubleSpinBox()
        self.every.setRange(*HOURS_RANGE)
        self.every.setDecimals(2)
        self.every.setSingleStep(1.0)
        self.every.setSuffix(" hours")
        self.every.setValue(plan.every_hours)
        name(self.every, "Back up every, in hours", "Time between automatic backups")
        every_label = QLabel("&Interval:")
        every_label.setBuddy(self.every)
        form.addRow(every_label, self.every)
        self.keep = QSpinBox()
        self.keep.setRange(*KEEP_RANGE)
        self.keep.setValue(plan.keep)
        self.keep.setSuffix(" newest")
        name(self.keep, "Automatic backups to keep", "Older automatic backups are removed")
        keep_label = QLabel("Kee&p:")
        keep_label.setBuddy(self.keep)
        form.addRow(keep_label, self.keep)
        self.table = read_only_table(
            HEADINGS, "Automatic backups", "This store's automatic backups, newest first"
        )
        table_label = QLabel("Automatic &backups, newest first:")
        table_label.setBuddy(self.table)
        form.addRow(table_label)
        form.addRow(self.table)
        self.back_up_now = QPushButton("Back up &now")
        name(self.back_up_now, "Back up now", "Write a backup into the folder now")
        self.restore = QPushButton("&Restore from…")
        name(self.restore, "Restore from", "Replace the store with a backup; it is kept first")
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_up_now)
        buttons.addWidget(self.restore)
        buttons.addStretch(1)
        form.addRow(buttons)
        self.status = status_label("Status")
        form.addRow(self.status)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        form.addRow(close)
        self.enabled.toggled.connect(self.save_plan)
        self.folder.editingFinished.connect(self.save_plan)
        self.every.valueChanged.connect(self.save_plan)
        self.keep.valueChanged.connect(self.save_plan)
        self.browse.clicked.connect(self._browse)
        self.back_up_now.clicked.connect(self.start_backup)
        self.restore.clicked.connect(self.start_restore)
        self.resize(760, 520)
        self.refresh()

    def say(self, message: str, assertive: bool = False) -> None:
        self.status.setText(message)
        announce(self.status, message, assertive)

    def plan(self) -> BackupPlan:
        return BackupPlan(
            Path(self.folder.text().strip()).expanduser(),
            self.every.value(),
            self.keep.value(),
            self.enabled.isChecked(),
        )

    def save_plan(self) -> bool:
        plan = self.plan()
        problem = plan.problem()
        if problem:
            self.say(f"Not saved: {problem}.", assertive=True)
            return False
        changed = plan != self.window_.settings.backup_plan
        self.window_.settings.backup_plan = plan
        if changed:
            self.say(
                f"Automatic backups on: every {plan.every_hours:g} hours into {plan.folder}, "
                f"keeping the newest {plan.keep}."
                if plan.enabled
                else "Automatic backups off."
            )
            self.refresh()
        return True

    def _browse(self) -> None:
        chosen = self.choose_folder(self, self.plan().folder)
        if chosen is not None:
            self.folder.setText(str(chosen))
            self.save_plan()
        self.folder.setFocus()

    def refresh(self) -> None:
        """List this store's automatic backups in the folder (read off the UI thread)."""
        store, folder = self.window_.backup_timer.store_path(), self.plan().folder
        if store is None:
            self._show([])
            self.say("Open a store first: backups are of the store that is open.")
            return

        def read(_control: TaskControl) -> list[AutoBackup]:
            return auto_backups(store, folder)

        self.window_.runner.run("list the backups", read, self._show)

    def _show(self, backups: list[AutoBackup]) -> None:
        self.backups = backups
        self.table.setRowCount(len(backups))
        for row, backup in enumerate(backups):
            when = backup.taken_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            for column, text in enumerate((when, size_text(backup.size), backup.path.name)):
                item = QTableWidgetItem(text)
                item.setToolTip(str(backup.path))
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.setAccessibleDescription(
            f"{len(backups)} automatic backup{'s' if len(backups) != 1 else ''}, newest first"
        )

    def start_backup(self) -> None:
        if not self.save_plan():
            return
        task = self.window_.backup_timer.back_up(self.plan(), self._written, self._failed)
        if task is None:
            self.say("A backup is being written already; wait a moment.", assertive=True)
            return
        task.cancelled.connect(self._stopped)
        self.back_up_now.setEnabled(False)
        self.say("Writing a backup…")

    def _written(self, outcome: BackupOutcome) -> None:
        self.back_up_now.setEnabled(True)
        self.say(outcome.message)
        self.refresh()

    def _failed(self, error: BaseException) -> None:
        self.back_up_now.setEnabled(True)
        self.say(f"Backup failed: {error}", assertive=True)
        self.refresh()

    def _stopped(self) -> None:
        self.back_up_now.setEnabled(True)
        self.refresh()

    def start_restore(self) -> None:
        window = self.window_
        context = window.context
        if context is None:
            self.say("Open a store first: a backup replaces the store that is open.")
            return
        selected = self.table.currentRow()
        start = self.backups[selected].path if 0 <= selected < len(self.backups) else None
        source = self.choose_backup(self, start or self.plan().folder)
        store = context.store.path
        if source is None or not self.confirm_restore(self, source, store):
            self.say("Nothing was restored.")
            return
        from ccassure.services.stores import restore_store

        templates, opened = context.templates, context.store
        try:
            given, source_key = self._backup_key(source, opened.key)
        except CcassureError as exc:
            self._restore_failed(exc)
            return
        if not given:
            self.say("Nothing was restored.")
            return

        def work(_control: TaskControl) -> Path | None:
            with opened.claim_released():
                return restore_store(source, store, templates, opened.key, source_key)

        self.restore.setEnabled(False)
        self.say(f"Checking {source.name}, then restoring…")
        window.runner.run(
            "restore the store",
            work,
            lambda kept: self._restored(source, store, kept),
            self._restore_failed,
            write=True,
        )

    def _backup_key(self, source: Path, current: StoreKey | None) -> tuple[bool, StoreKey | None]:
        """The backup's key: the store's own, the keyring's, or its passphrase, asked here;
        (False, None) when the person cancels."""
        from ccassure.services.store_keys import KeyRequest, backup_key
        from ccassure.ui.store_unlock import ask_passphrase

        try:
            return True, backup_key(source, current)
        except CcassureError as exc:
            if exc.kind != "needs_passphrase":
                raise
        passphrase = ask_passphrase(self, source, wrong=False)
        if passphrase is None:
            return False, None
        return True, backup_key(source, current, KeyRequest(passphrase))

    def _restored(self, source: Path, store: Path, kept: Path | None) -> None:
        window = self.window_
        self.restore.setEnabled(True)
        where = f"; the previous store is kept at {kept}" if kept else ""
        message = f"Restored {store.name} from {source}{where}"
        self.say(message)
        window.pages.setCurrentWidget(window.loading)  # nothing read before the restore stays
        if window.paths is not None:
            from ccassure.ui.store_unlock import reopener

            window.open_store(reopener(window, window.paths, store), store.name)
        else:
            window.refresh()

        def shown() -> None:
            window.show_dashboard()  # pages read before the restore are left behind
            QTimer.singleShot(0, lambda: window.say(message))  # after "N assessments loaded"

        window.dashboard_shown.connect(shown, Qt.ConnectionType.SingleShotConnection)

    def _restore_failed(self, error: BaseException) -> None:
        self.restore.setEnabled(True)
        if not isinstance(error, CcassureError):
            self.window_.report(error)
            return
        self.say(f"Not restored: {error}", assertive=True)
        self.window_.say(f"Not restored: {error}")
        self.restore.setFocus()


def show_backups(window: MainWindow) -> BackupDialog:
    """Tools → Backups…: open the dialog over the window, the first setting focused."""
    dialog = BackupDialog(window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    dialog.enabled.setFocus(Qt.FocusReason.OtherFocusReason)
    return dialog
