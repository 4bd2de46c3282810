"""Child process for the editor kill test: the real window types into an answer, then waits."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ccassure.services.paths import AppPaths
from ccassure.ui.main_window import MainWindow
from ccassure.ui.settings import AppSettings
from ccassure.ui.store_choice import opener_for
from ccassure.ui.tasks import TaskRunner


def wait(app: QApplication, done: object, limit: float = 60.0) -> None:
    end = time.monotonic() + limit
    while not done() and time.monotonic() < end:  # type: ignore[operator]
        app.processEvents()
        time.sleep(0.005)


def main(store: str, assessment_id: int, key: str, text: str) -> None:
    app = QApplication([])
    path = Path(store)
    paths = AppPaths(path.parent / "data", path)
    window = MainWindow(AppSettings(paths.data_dir), TaskRunner(), path.parent / "log", paths=paths)
    window.show()
    shown: list[bool] = []
    window.dashboard_shown.connect(lambda: shown.append(True))
    window.open_store(opener_for(paths, path, "open"), path.name)
    wait(app, lambda: shown)
    window.editing.edit(assessment_id)
    wait(app, lambda: window.pages.currentWidget() is window.editing.page)
    widget = window.editing.page.fields[key].widget
    widget.setFocus()
    for count, character in enumerate(text, 1):
        QTest.keyClicks(widget, character)
        pause = time.monotonic() + 0.08  # a quick typist: about 12 keys a second
        while time.monotonic() < pause:
            app.processEvents()
            time.sleep(0.002)
        print(count, flush=True)
    wait(app, lambda: window.runner.running == 0)
    print("SAVED", flush=True)
    time.sleep(120)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4])
