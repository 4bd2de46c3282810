"""Starts the desktop app: window first, then the store in the background."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import MutableMapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication

from ccassure.services.paths import AppPaths, demo_store_path
from ccassure.ui.app_icon import DESKTOP_FILE_NAME, app_icon
from ccassure.ui.collector import UiThreadCollector
from ccassure.ui.errors import LOG_FILE, setup_log
from ccassure.ui.main_window import MainWindow, Opener
from ccassure.ui.settings import AppSettings
from ccassure.ui.store_choice import ask_first_run, demo_opener, opener_for
from ccassure.ui.tasks import TaskRunner

if TYPE_CHECKING:
    pass


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


BUNDLE_VARIABLES = ("QT_PLUGIN_PATH", "QML2_IMPORT_PATH")


def forget_bundle_environment(environ: MutableMapping[str, str], frozen: bool) -> None:
    """The frozen build's start-up points Qt at its own plug-ins through the environment; a
    program the app starts (xdg-open, the viewer of an attachment) must not inherit that, or
    a Qt viewer would load our plug-ins. Qt keeps the paths once it has read them."""
    if not frozen:
        return
    QCoreApplication.libraryPaths()
    for name in BUNDLE_VARIABLES:
        environ.pop(name, None)


def run_gui(paths: AppPaths, demo: bool, store_given: bool) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("ccassure")
    app.setApplicationDisplayName("ccassure")
    app.setDesktopFileName(DESKTOP_FILE_NAME)  # Wayland docks match the window to the .desktop
    app.setWindowIcon(app_icon())
    forget_bundle_environment(os.environ, getattr(sys, "frozen", False))
    UiThreadCollector(app)
    settings = AppSettings(paths.data_dir)
    window = MainWindow(settings, TaskRunner(app), paths.logs / LOG_FILE, paths=paths)

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
            if remembered == demo_store_path(paths)
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
        window.dashboard  # noqa: B018  (built on the UI thread while the store opens)

    window.painted.connect(after_first_paint)
    # A store that will not open (moved, damaged, newer) leads back to the first-run choice.
    window.fallback = lambda: _first_run(window, paths, settings)
    window.dashboard_shown.connect(lambda: setup_log(paths.logs))  # off the start-up path
    return app.exec()


def _first_run(window: MainWindow, paths: AppPaths, settings: AppSettings) -> None:
    choice = ask_first_run(window, paths, settings)
    if choice is None:
        window.close()
        return
    window.open_store(*choice)
