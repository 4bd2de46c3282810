"""TaskRunner: work runs off the UI thread, results, errors and progress come back on it."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from ccassure.ui.tasks import CancelledError, TaskControl, TaskRunner

TIMEOUT = 10_000


@pytest.fixture
def runner(qapp: QApplication) -> Iterator[TaskRunner]:
    built = TaskRunner()
    yield built
    assert built.wait(TIMEOUT)


class Seen:
    """Which thread a callback ran on."""

    def __init__(self) -> None:
        self.ident = 0
        self.on_ui_thread = False

    def note(self) -> None:
        app = QApplication.instance()
        assert app is not None
        self.ident = threading.get_ident()
        self.on_ui_thread = QThread.currentThread() == app.thread()


def test_result_arrives_through_done_on_the_ui_thread(qtbot, runner: TaskRunner) -> None:  # type: ignore[no-untyped-def]
    worker, slot = Seen(), Seen()
    results: list[Any] = []
    payload = {"answer": 42}

    def work(control: TaskControl) -> dict[str, int]:
        worker.note()
        return payload

    def on_done(result: Any) -> None:
        slot.note()
        results.append(result)

    task = runner.run("read", work, on_done)
    with qtbot.waitSignal(task.done, timeout=TIMEOUT) as signal:
        pass
    assert signal.args == [payload]
    assert results == [payload] and results[0] is payload
    assert slot.on_ui_thread and slot.ident == threading.get_ident()
    assert worker.ident and worker.ident != threading.get_ident()
    assert not worker.on_ui_thread
    assert task.finished and runner.running == 0


def test_exception_arrives_through_failed_on_the_ui_thread(qtbot, runner: TaskRunner) -> None:  # type: ignore[no-untyped-def]
    error = ValueError("the store said no")
    caught: list[BaseException] = []
    slot = Seen()
    crashes: list[object] = []
    runner.task_failed.connect(lambda exc, label: crashes.append((exc, label)))
    done: list[object] = []

    def work(_control: TaskControl) -> None:
        raise error

    def on_error(exc: BaseException) -> None:
        slot.note()
        caught.append(exc)

    task = runner.run("save", work, done.append, on_error, write=True)
    with qtbot.waitSignal(task.failed, timeout=TIMEOUT):
        pass
    assert caught == [error] and caught[0] is error
    assert slot.on_ui_thread
    assert done == []
    assert crashes == []  # the task handled its own error: no crash report


def test_unhandled_exception_is_reported_by_task_failed_with_its_label(
    qtbot,  # type: ignore[no-untyped-def]
    runner: TaskRunner,
) -> None:
    def work(_control: TaskControl) -> None:
        raise RuntimeError("nobody handles this")

    with qtbot.waitSignal(runner.task_failed, timeout=TIMEOUT) as signal:
        task = runner.run("unhandled", work)
    error, label = signal.args
    assert isinstance(error, RuntimeError) and str(error) == "nobody handles this"
    assert label == "unhandled"
    assert task.finished


def test_write_tasks_never_overlap(qtbot, runner: TaskRunner) -> None:  # type: ignore[no-untyped-def]
    spans: list[tuple[float, float]] = []
    lock = threading.Lock()
    inside = [0, 0]  # running now, most at once

    def work(_control: TaskControl) -> None:
        with lock:
            inside[0] += 1
            inside[1] = max(inside[1], inside[0])
        start = time.perf_counter()
        time.sleep(0.05)
        end = time.perf_counter()
        with lock:
            inside[0] -= 1
            spans.append((start, end))

    tasks = [runner.run(f"write {n}", work, write=True) for n in range(5)]
    qtbot.waitUntil(lambda: all(t.finished for t in tasks), timeout=TIMEOUT)
    assert len(spans) == 5
    ordered = sorted(spans)
    for (_, end), (start, _) in itertools.pairwise(ordered):
        assert start >= end, f"write tasks overlapped: {ordered}"
    assert inside[1] == 1


def test_two_read_tasks_run_at_the_same_time(qtbot, runner: TaskRunner) -> None:  # type: ignore[no-untyped-def]
    both = threading.Barrier(2, timeout=5)
    threads: list[int] = []
    results: list[str] = []
    errors: list[BaseException] = []

    def work(_control: TaskControl) -> str:
        threads.append(threading.get_ident())
        both.wait()  # only passes if the other read is running too
        return "met"

    tasks = [runner.run(f"read {n}", work, results.append, errors.append) for n in range(2)]
    qtbot.waitUntil(lambda: all(t.finished for t in tasks), timeout=TIMEOUT)
    assert errors == []
    assert results == ["met", "met"]
    assert len(set(threads)) == 2


def test_a_write_waits_for_the_write_before_it(qtbot, runner: TaskRunner) -> None:  # type: ignore[no-untyped-def]
    """The same meeting, between two writes, never happens: the second waits its turn."""
    both = threading.Barrier(2, timeout=0.5)
    errors: list[BaseException] = []

    def work(_control: TaskControl) -> None:
        both.wait()

    tasks = [runner.run(f"write {n}", work, None, errors.append, write=True) for n in range(2)]
    qtbot.waitUntil(lambda: all(t.finished for t in tasks), timeout=TIMEOUT)
    assert errors and all(isinstance(e, threading.BrokenBarrierError) for e in errors)


def test_cancel_ends_a_task_with_cancelled(qtbot, runner: TaskRunner) -> None:  # type: ignore[no-untyped-def]
    started = threading.Event()
    loops = [0]
    done: list[object] = []
    failed: list[BaseException] = []
    crashes: list[object] = []
    runner.task_failed.connect(lambda exc, label: crashes.append(label))

    def work(control: TaskControl) -> str:
        started.set()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            control.check()
            loops[0] += 1
            time.sleep(0.005)
        return "never cancelled"

    task = runner.run("long", work, done.append)
    task.failed.connect(failed.append)
    assert started.wait(5)
    assert not task.control.cancelled
    with qtbot.waitSignal(task.cancelled, timeout=TIMEOUT):
        task.cancel()
    assert task.control.cancelled
    assert task.finished and runner.running == 0
    assert done == [] and failed == [] and crashes == []
    assert loops[0] > 0


def test_check_raises_cancelled_error_once_cancelled() -> None:
    control = TaskControl()
    control.check()
    control._cancel.set()
    with pytest.raises(CancelledError):
        control.check()


def test_progress_reports_arrive_in_order_before_done(qtbot, runner: TaskRunner) -> None:  # type: ignore[no-untyped-def]
    reported: list[int] = []
    threads: list[bool] = []
    seen_at_done: list[list[int]] = []

    def on_progress(percent: int) -> None:
        app = QApplication.instance()
        assert app is not None
        threads.append(QThread.currentThread() == app.thread())
        reported.append(percent)

    def work(control: TaskControl) -> str:
        for percent in (0, 25, 50, 150, -5, 100):
            control.progress(percent)
        return "finished"

    task = runner.run("import", work, lambda _r: seen_at_done.append(list(reported)))
    task.progress.connect(on_progress)
    with qtbot.waitSignal(task.done, timeout=TIMEOUT):
        pass
    assert reported == [0, 25, 50, 100, 0, 100]  # clamped to 0..100
    assert seen_at_done == [reported]
    assert all(threads)


def test_busy_changed_counts_up_and_back_to_zero(qtbot, runner: TaskRunner) -> None:  # type: ignore[no-untyped-def]
    counts: list[int] = []
    runner.busy_changed.connect(counts.append)
    go = threading.Event()

    def ok(_control: TaskControl) -> int:
        assert go.wait(5)
        return 1

    def broken(_control: TaskControl) -> None:
        assert go.wait(5)
        raise OSError("disk trouble")

    def cancellable(control: TaskControl) -> None:
        assert go.wait(5)
        control.check()

    tasks = [
        runner.run("ok", ok),
        runner.run("broken", broken, None, lambda _e: None, write=True),
        runner.run("cancelled", cancellable),
    ]
    assert counts == [1, 2, 3] and runner.running == 3
    tasks[2].cancel()
    go.set()
    qtbot.waitUntil(lambda: all(t.finished for t in tasks), timeout=TIMEOUT)
    assert counts == [1, 2, 3, 2, 1, 0]
    assert runner.running == 0
    assert runner.wait(TIMEOUT)


def test_garbage_is_collected_on_the_ui_thread_only(qtbot) -> None:  # type: ignore[no-untyped-def]
    import gc

    from PySide6.QtCore import QObject

    from ccassure.ui.collector import UiThreadCollector

    class Cycle:
        def __init__(self) -> None:
            self.me = self

    owner = QObject()
    was_enabled = gc.isenabled()
    try:
        UiThreadCollector(owner)
        assert not gc.isenabled()  # never on a task's thread
        for _ in range(gc.get_threshold()[0] + 10):
            Cycle()
        freed: list[int] = []
        qtbot.waitUntil(lambda: bool(freed.append(UiThreadCollector.collect()) or sum(freed)))
    finally:
        if was_enabled:
            gc.enable()
