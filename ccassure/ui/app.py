"""Starts the desktop app: window first, then the store in the background."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from ccassure.services.context import Context, build_context, build_demo_context
from ccassure.services.paths import AppPaths
from ccassure.ui.errors import setup_log
from ccassure.ui.first_run import DEMO, NEW, OPEN, FirstRunDialog
from ccassure.ui.main_window import MainWindow, Opener
from ccassure.ui.settings import AppSettings
from ccassure.ui.tasks import TaskControl, TaskRunner

FILE_FILTER = "ccassure stores (*.db);;All files (*)"


def opener_for(paths: AppPaths, store: Path, mode: str) -> Opener:
    def open_it(_control: TaskControl) -> Context:
        return build_context(paths, mode, store_path=store)

    return open_it


def demo_opener(paths: AppPaths) -> Opener:
    return lambda _control: build_demo_context(paths)


def ask_first_run(
    parent: QWidget, paths: AppPaths, settings: AppSettings
) -> tuple[Opener, str] | None:
    """The first-run choice; the store it leads to is remembered for next time."""
    dialog = FirstRunDialog(parent)
    if not dialog.exec():
        return None
    if dialog.choice == DEMO:
        from ccassure.services.context import demo_store_path

        settings.store = demo_store_path(paths)
        return demo_opener(paths), "the demo programme"
    options = QFileDialog.Option.DontUseNativeDialog
    if dialog.choice == NEW:
        chosen, _ = QFileDialog.getSaveFileName(
            parent, "Create a new store", str(paths.store), FILE_FILTER, options=options
        )
        mode = "create"
    elif dialog.choice == OPEN:
        chosen, _ = QFileDialog.getOpenFileName(
            parent, "Open a store", str(paths.data_dir), FILE_FILTER, options=options
        )
        mode = "open"
    else:
        return None
    if not chosen:
        return ask_first_run(parent, paths, settings)
    settings.store = Path(chosen)
    return opener_for(paths, Path(chosen), mode), Path(chosen).name


class _FirstPaint(QObject):
    """Notes when the window first paints (for the start-up benchmark)."""

    def __init__(self, on_paint: Callable[[], None]) -> None:
        super().__init__()
        self._on_paint: Callable[[], None] | None = on_paint

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._on_paint is not None:
            callback, self._on_paint = self._on_paint, None
            QTimer.singleShot(0, callback)
        return False


def _bench_hooks(window: MainWindow, app: QApplication) -> None:
    """CCASSURE_BENCH_FILE: write first-paint and dashboard times (since epoch), then quit."""
    target = os.environ.get("CCASSURE_BENCH_FILE")
    if not target:
        return
    marks: dict[str, float] = {}

    def mark(name: str) -> None:
        marks[name] = time.time()
        if len(marks) == 2:
            Path(target).write_text(f"{marks['paint']} {marks['dashboard']}\n")
            app.quit()

    painter = _FirstPaint(lambda: mark("paint"))
    window.installEventFilter(painter)
    window._bench_filter = painter  # type: ignore[attr-defined]
    window.dashboard_shown.connect(lambda: mark("dashboard"))


def run_gui(paths: AppPaths, demo: bool, store_given: bool) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("ccassure")
    app.setApplicationDisplayName("ccassure")
    settings = AppSettings(paths.data_dir)
    window = MainWindow(settings, TaskRunner(app), setup_log(paths.logs))

    def excepthook(
        kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        window.report(error.with_traceback(trace))

    sys.excepthook = excepthook
    _bench_hooks(window, app)
    window.show()
    if demo:
        choice: tuple[Opener, str] | None = (demo_opener(paths), "the demo programme")
    elif store_given or paths.store.exists():
        choice = (opener_for(paths, paths.store, "open"), paths.store.name)
    elif settings.store is not None:
        remembered = settings.store
        choice = (
            (demo_opener(paths), "the demo programme")
            if remembered.parent.name == "demo"
            else (opener_for(paths, remembered, "open"), remembered.name)
        )
    else:
        choice = None
    if choice is None:
        window.say("Choose where to start")
        QTimer.singleShot(0, lambda: _first_run(window, paths, settings))
    else:
        opener, label = choice
        QTimer.singleShot(0, lambda: window.open_store(opener, label))
    return app.exec()


def _first_run(window: MainWindow, paths: AppPaths, settings: AppSettings) -> None:
    choice = ask_first_run(window, paths, settings)
    if choice is None:
        window.close()
        return
    window.open_store(*choice)
