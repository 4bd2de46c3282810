"""Runs service calls off the UI thread and brings results back by signal.

Reads run on a small pool; writes run on a pool of one thread, so they are serialised
(SQLite has one writer). Work returns plain values or frozen dataclasses, never live objects.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

RELEASE_AFTER_S = 1.0  # a pool thread leaves a runnable microseconds after it reports


class CancelledError(Exception):
    """Raised inside a task when its user cancelled it."""


@dataclass
class TaskControl:
    """Handed to the work: report progress, and check for cancellation."""

    _cancel: threading.Event = field(default_factory=threading.Event)
    _progress: Callable[[int], None] = lambda _value: None

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise CancelledError

    def progress(self, percent: int) -> None:
        self._progress(max(0, min(100, percent)))


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int)


class Task(QObject):
    """A running piece of work; connect to its signals, or cancel it."""

    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int)
    cancelled = Signal()

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label
        self.control = TaskControl()
        self.finished = False
        self.handles_errors = False
        self.write = False

    def cancel(self) -> None:
        self.control._cancel.set()


class _Runnable(QRunnable):
    def __init__(self, work: Callable[[TaskControl], Any], task: Task) -> None:
        super().__init__()
        self._work = work
        self._task = task
        self.signals = _Signals()
        self.returned = threading.Event()
        self.retired_at = 0.0
        task.control._progress = self.signals.progress.emit

    def run(self) -> None:
        try:
            result = self._work(self._task.control)
        except BaseException as exc:  # every failure reaches the UI as a signal
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)
        finally:
            self.returned.set()


def _no_progress(_percent: int) -> None:
    return None


class TaskRunner(QObject):
    """Owns the pools; `busy_changed` says how many tasks are running."""

    busy_changed = Signal(int)
    task_failed = Signal(object, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reads = QThreadPool(self)
        self._reads.setMaxThreadCount(2)
        self._writes = QThreadPool(self)
        self._writes.setMaxThreadCount(1)
        for pool in (self._reads, self._writes):
            # Threads live as long as the runner: each keeps one SQLite reader connection,
            # which a retired thread would otherwise leave open.
            pool.setExpiryTimeout(-1)
        # Python must keep each runnable (and its signals object) alive until it reports back,
        # and then until its pool thread has surely left it: its report arrives while the
        # thread is still returning, and freeing it then (on whichever thread the garbage
        # collector happens to run) crashes the process.
        self._running: dict[Task, _Runnable] = {}
        self._retired: list[_Runnable] = []

    def run(
        self,
        label: str,
        work: Callable[[TaskControl], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        write: bool = False,
    ) -> Task:
        task = Task(label)
        task.write = write
        runnable = _Runnable(work, task)
        runnable.setAutoDelete(False)
        runnable.signals.progress.connect(task.progress)
        runnable.signals.done.connect(lambda result: self._finish(task, result, None))
        runnable.signals.failed.connect(lambda exc: self._finish(task, None, exc))
        if on_done is not None:
            task.done.connect(on_done)
        if on_error is not None:
            task.failed.connect(on_error)
            task.handles_errors = True
        self._release_retired()
        self._running[task] = runnable
        self.busy_changed.emit(len(self._running))
        (self._writes if write else self._reads).start(runnable)
        return task

    def _finish(self, task: Task, result: Any, error: BaseException | None) -> None:
        task.finished = True
        runnable = self._running.pop(task, None)
        if runnable is not None:
            task.control._progress = _no_progress  # no cycle back through the signals
            runnable.retired_at = time.monotonic()
            self._retired.append(runnable)
        self._release_retired()
        self.busy_changed.emit(len(self._running))
        if isinstance(error, CancelledError) or (task.control.cancelled and not task.write):
            task.cancelled.emit()
        elif error is not None:
            if not task.handles_errors:
                self.task_failed.emit(error, task.label)
            task.failed.emit(error)
        else:
            task.done.emit(result)

    def _release_retired(self) -> None:
        """Let go (on this, the UI thread) of runnables whose threads left them a while ago."""
        now, kept = time.monotonic(), []
        for runnable in self._retired:
            if runnable.returned.is_set() and now - runnable.retired_at > RELEASE_AFTER_S:
                runnable.signals.deleteLater()
            else:
                kept.append(runnable)
        self._retired = kept

    @property
    def running(self) -> int:
        return len(self._running)

    def labels(self) -> list[str]:
        return [task.label for task in self._running]

    def cancel_reads(self) -> int:
        """Ask every running read to stop (writes always finish: they are all or nothing)."""
        cancelled = 0
        for task in self._running:
            if not task.write:
                task.cancel()
                cancelled += 1
        return cancelled

    def wait(self, msecs: int = 10_000) -> bool:
        """Block until every task has finished (for shutdown and tests)."""
        return bool(self._reads.waitForDone(msecs) and self._writes.waitForDone(msecs))
