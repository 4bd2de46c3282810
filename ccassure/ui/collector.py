"""Garbage collection on the UI thread only: Qt objects freed from a worker thread crash."""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class UiThreadCollector(QObject):
    """Turns Python's automatic collector off (it runs on whichever thread allocates, and a
    cycle holding Qt objects must not be freed on a task's thread) and collects on a timer
    here instead, by the same generation thresholds."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect)
        self._timer.start(INTERVAL_MS)

    @staticmethod
    def collect() -> int:
        first, second, third = gc.get_threshold()
        young, middle, old = gc.get_count()
        if young <= first:
            return 0
        generation = 2 if old > third else 1 if middle > second else 0
        return gc.collect(generation)
