"""Progress of a PDF layout: units of work counted as the flowables that carry them are drawn."""

from __future__ import annotations

import math
from collections.abc import Callable

from reportlab.platypus import Flowable

from ccassure.domain.report import Block, Report, Section, Table

Progress = Callable[[int, int], None]
TABLE_ROWS_PER_UNIT = 200


def block_units(block: Block) -> int:
    """A block is one unit of work; a table is one unit per TABLE_ROWS_PER_UNIT rows."""
    if isinstance(block, Table):
        return max(1, math.ceil(len(block.rows) / TABLE_ROWS_PER_UNIT))
    return 1


def report_units(report: Report) -> int:
    def units(section: Section) -> int:
        own = sum(block_units(block) for block in section.blocks)
        return own + sum(units(child) for child in section.children)

    return sum(units(section) for section in report.sections)


class ProgressTracker:
    """Counts work done and tells `progress` each time the whole number of units grows."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total = max(total, 1)
        self._progress = progress
        self._done = 0.0
        self._reported = -1

    def start(self) -> None:
        self._tell(0)

    def advance(self, units: float) -> None:
        self._done = min(self._done + units, float(self.total))
        self._tell(math.floor(self._done + 1e-9))

    def finish(self) -> None:
        self._done = float(self.total)
        self._tell(self.total)

    def _tell(self, done: int) -> None:
        if done > self._reported:
            self._reported = done
            if self._progress is not None:
                self._progress(done, self.total)


class ProgressMark(Flowable):
    """Takes no space; advances the tracker when the layout reaches it."""

    def __init__(self, tracker: ProgressTracker, units: float) -> None:
        super().__init__()
        self._tracker = tracker
        self._units = units

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return 0.0, 0.0

    def draw(self) -> None:
        self._tracker.advance(self._units)
