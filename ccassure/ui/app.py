"""Starts the desktop app: window first, then the store in the background."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from ccassure.services.paths import AppPaths
from ccassure.ui.errors import LOG_FILE, setup_log
from ccassure.ui.main_window import MainWindow, Opener
from ccassure.ui.settings import AppSettings
from ccassure.ui.tasks import TaskControl, TaskRunner

if TYPE_CHECKING:
    from ccassure.services.context import Context

FILE_FILTER = "ccassure stores (*.db);;All files (*)"


def opener_for(paths: AppPaths, store: Path, mode: str) -> Opener:
    def open_it(_control: TaskControl) -> Context:
        from ccassure.services.context import build_context

        return build_context(paths, mode, store_path=store)

    return open_it


def demo_opener(paths: AppPaths) -> Opener:
    def open_demo(_control: TaskControl) -> Context:
        from ccassure.services.context import build_demo_context

        return build_demo_context(paths)

    return open_demo


def ask_first_run(
    parent: QWidget, paths: AppPaths, settings: AppSettings
) -> tuple[Opener, str] | None:
    """The first-run choice; the store it leads to is remembered for next time."""
    from ccassure.ui.first_run import DEMO, NEW, OPEN, FirstRunDialog

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

    window.painted.connect(lambda: mark("paint"))
    window.dashboard_shown.connect(lambda: mark("dashboard"))


def run_gui(paths: AppPaths, demo: bool, store_given: bool) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("ccassure")
    app.setApplicationDisplayName("ccassure")
    settings = AppSettings(paths.data_dir)
    window = MainWindow(settings, TaskRunner(app), paths.logs / LOG_FILE)

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

    def after_first_paint() -> None:
        """Everything but the bare window waits until the window is on screen."""
        if choice is None:
            window.say("Choose where to start")
            QTimer.singleShot(0, lambda: _first_run(window, paths, settings))
        else:
            window.open_store(*choice)  # the store opens in the background while
        window.navigation  # noqa: B018  (the panes are built here on the UI thread)
        window.dashboard  # noqa: B018

    window.painted.connect(after_first_paint)
    window.dashboard_shown.connect(lambda: setup_log(paths.logs))  # off the start-up path
    return app.exec()


def _first_run(window: MainWindow, paths: AppPaths, settings: AppSettings) -> None:
    choice = ask_first_run(window, paths, settings)
    if choice is None:
        window.close()
        return
    window.open_store(*choice)
