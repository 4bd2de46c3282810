"""Automatic backups in the running app: a timer that writes a due backup in the background."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from ccassure.domain.errors import CcassureError
from ccassure.services.backup_schedule import (
    BackupOutcome,
    BackupPlan,
    backup_name,
    changed_since,
    due,
    last_backup,
    run_scheduled_backup,
)
from ccassure.ui.errors import show_error

if TYPE_CHECKING:
    from ccassure.store.cipher import StoreKey
    from ccassure.ui.main_window import MainWindow
    from ccassure.ui.tasks import Task, TaskControl

CHECK_EVERY_MS = 5 * 60 * 1000
SOON_AFTER_OPENING_MS = 60 * 1000


def _utc_now() -> datetime:
    return datetime.now(UTC)


class BackupTimer(QObject):
    """Checks every few minutes (and once soon after a store opens) whether a backup is due;
    writes it on a background task and says in the status bar when it was written or failed."""

    written = Signal(object)  # BackupOutcome
    checked = Signal(object)  # BackupOutcome, or None when none was written
    failed = Signal(str)

    def __init__(self, window: MainWindow, now: Callable[[], datetime] = _utc_now) -> None:
        super().__init__(window)
        self.window, self.now = window, now
        self.running: Task | None = None
        self._store: Path | None = None
        self._last_failure = ""
        self.error_box: QMessageBox | None = None
        self.timer = QTimer(self, interval=CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        window.dashboard_shown.connect(self._store_shown)

    def store_path(self) -> Path | None:
        context = self.window.context
        return context.store.path if context is not None else None

    def store_key(self) -> StoreKey | None:
        context = self.window.context
        return context.store.key if context is not None else None

    def _store_shown(self) -> None:
        path = self.store_path()
        if path is not None and path != self._store:  # a store was opened, not refreshed
            self._store = path
            QTimer.singleShot(SOON_AFTER_OPENING_MS, self.check)

    def check(self) -> Task | None:
        """In the background: write a backup if one is due and the store has changed since
        the last (the folder may be slow removable media); `checked` says what came of it."""
        store, plan = self.store_path(), self.window.settings.backup_plan
        if store is None or self.running is not None or not plan.enabled:
            return None
        now, key = self.now(), self.store_key()

        def work(control: TaskControl) -> BackupOutcome | None:
            last = last_backup(store, plan.folder)
            if not due(plan, last, now) or (last is not None and not changed_since(store, last)):
                return None
            control.check()
            return run_scheduled_backup(store, plan, now, key)

        return self._start(store, plan, now, work)

    def back_up(
        self,
        plan: BackupPlan,
        on_done: Callable[[BackupOutcome], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Task | None:
        """Write a backup now, whether due or not (Back up now); None if one is running."""
        store, key = self.store_path(), self.store_key()
        if store is None or self.running is not None:
            return None
        now = self.now()

        def work(control: TaskControl) -> BackupOutcome:
            control.check()
            return run_scheduled_backup(store, plan, now, key)

        task = self._start(store, plan, now, work)
        if on_done is not None:
            task.done.connect(on_done)
        if on_error is not None:
            task.failed.connect(on_error)
        return task

    def _start(
        self,
        store: Path,
        plan: BackupPlan,
        now: datetime,
        work: Callable[[TaskControl], BackupOutcome | None],
    ) -> Task:
        # A read task: the copy reads a snapshot, so saving goes on while it is written.
        task = self.window.runner.run("back up the store", work, self._written, self._failed)
        target = plan.folder / backup_name(store, now)
        task.cancelled.connect(lambda: self._cancelled(target))
        self.running = task
        return task

    def _written(self, outcome: BackupOutcome | None) -> None:
        self.running = None
        self.checked.emit(outcome)
        if outcome is None:  # not due, or nothing changed: nothing to say
            return
        self._last_failure = ""
        self.window.say(outcome.message)
        self.written.emit(outcome)

    def _failed(self, error: BaseException) -> None:
        self.running = None
        message = f"Backup failed: {error}"
        if message != self._last_failure:  # shown once, not again at every check
            self._last_failure = message
            shown = (
                CcassureError(message, error.kind) if isinstance(error, CcassureError) else error
            )
            self.error_box = show_error(self.window, shown, self.window.log_path)
        self.window.say(message)
        self.checked.emit(None)
        self.failed.emit(message)

    def _cancelled(self, target: Path) -> None:
        self.running = None
        written = target.exists()
        self.window.say(f"Backup written: {target}" if written else "Backup stopped")
