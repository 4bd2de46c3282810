"""The status bar: a message that is also announced, and progress with Cancel for slow work."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QStatusBar

from ccassure.ui.a11y import announce, name
from ccassure.ui.tasks import TaskRunner


class StatusArea(QObject):
    """Shows progress (and Cancel) only for work that takes more than half a second."""

    def __init__(self, bar: QStatusBar, runner: TaskRunner) -> None:
        super().__init__(bar)
        self.runner = runner
        self.label = QLabel("Starting")  # its text is its accessible name
        bar.addWidget(self.label, 1)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy, without a known end
        self.progress.setMaximumWidth(160)
        name(self.progress, "Working", "ccassure is reading or writing the store")
        self.cancel = QPushButton("Cancel")
        name(self.cancel, "Cancel", "Stop what ccassure is reading (saving always finishes)")
        self.cancel.clicked.connect(self.cancel_work)
        for widget in (self.progress, self.cancel):
            widget.hide()
            bar.addPermanentWidget(widget)
        self._timer = QTimer(self, singleShot=True, interval=500)
        self._timer.timeout.connect(self._show_progress)
        runner.busy_changed.connect(self._busy)

    def say(self, message: str) -> None:
        self.label.setText(message)
        announce(self.label, message)

    def _busy(self, running: int) -> None:
        window = self.label.window()
        window.setCursor(Qt.CursorShape.BusyCursor if running else Qt.CursorShape.ArrowCursor)
        if running:
            self._timer.start()
        else:
            self._timer.stop()
            self.progress.hide()
            self.cancel.hide()

    def _show_progress(self) -> None:
        if self.runner.running:
            self.progress.setToolTip(", ".join(self.runner.labels()))
            self.progress.show()
            self.cancel.show()
            announce(self.label, "Working…")

    def cancel_work(self) -> None:
        stopped = self.runner.cancel_reads()
        self.say(
            f"Cancelled {stopped} task{'s' if stopped != 1 else ''}"
            if stopped
            else "Saving cannot be cancelled; it will finish in a moment"
        )
