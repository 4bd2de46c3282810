"""Data tables laid out a frame at a time, with the header row repeated on every page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Flowable
from reportlab.platypus import Table as RLTable

from ccassure.reports.fonts import FontSet
from ccassure.reports.pdf_progress import ProgressMark, ProgressTracker
from ccassure.reports.pdf_styles import (
    CELL_LEADING,
    CELL_PADDING,
    CELL_SIZE,
    HEADER_FILL,
    INK,
    RULE,
)
from ccassure.reports.pdf_text import wrap_lines

LABEL_FILL = colors.HexColor("#eef2f5")
STRIPE_FILL = colors.HexColor("#f6f8fa")
FORCE_SPLIT = 0xFFFFFF


def grid_commands(fonts: FontSet, header: bool, label_column: bool) -> list[tuple[Any, ...]]:
    """Table style: small body text, a grid, a bold shaded header row or label column."""
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), fonts.regular, CELL_SIZE, CELL_LEADING),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
    ]
    if header:
        commands += [
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE_FILL]),
            ("FONT", (0, 0), (-1, 0), fonts.bold, CELL_SIZE, CELL_LEADING),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ]
    if label_column:
        commands += [
            ("FONT", (0, 0), (0, -1), fonts.bold, CELL_SIZE, CELL_LEADING),
            ("BACKGROUND", (0, 0), (0, -1), LABEL_FILL),
        ]
    return commands


class PagedTable(Flowable):
    """A table of any length: each split lays out only the rows that can fit in the space left.

    reportlab's own Table wraps and splits every remaining row each time a page fills, which
    grows with the square of the length; here the work per page is bounded by one page of rows.
    """

    def __init__(
        self,
        header: Sequence[str] | None,
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        fonts: FontSet,
        *,
        label_column: bool = False,
        frame_height: float,
        tracker: ProgressTracker | None = None,
        units: float = 0.0,
        start: int = 0,
        wrapped: dict[int, list[str]] | None = None,
    ) -> None:
        super().__init__()
        self._header = header
        self._rows = rows
        self._widths = list(widths)
        self._fonts = fonts
        self._label_column = label_column
        self._frame_height = frame_height
        self._tracker = tracker
        self._units = units
        self._start = start
        self._commands = grid_commands(fonts, header is not None, label_column)
        self._wrapped_rows = {} if wrapped is None else wrapped

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:  # noqa: N803
        return sum(self._widths), FORCE_SPLIT

    def split(self, aW: float, aH: float) -> list[Flowable]:  # noqa: N803
        header_rows = 0 if self._header is None else 1
        count = self._rows_reaching(aH)
        if count <= 0:
            return []
        window = self._window(count, split_in_row=False)
        parts = window.split(aW, aH)
        if not parts and self._first_row_overfills_a_frame(window):
            window = self._window(count, split_in_row=True)
            parts = window.split(aW, aH)
        if not parts:
            return []
        result: list[Flowable] = [parts[0]]
        consumed = count
        if len(parts) > 1:
            drawn = len(_cells_of(parts[0])) - header_rows
            rest_of_window = len(_cells_of(parts[1])) - header_rows
            if drawn + rest_of_window > count:
                result.append(parts[1])
            else:
                consumed = drawn
        if self._tracker is not None and self._rows:
            result.append(ProgressMark(self._tracker, self._units * consumed / len(self._rows)))
        for index in range(self._start, self._start + consumed):
            self._wrapped_rows.pop(index, None)
        if self._start + consumed < len(self._rows):
            result.append(self._from(self._start + consumed))
        return result

    def _rows_reaching(self, height: float) -> int:
        """Rows from the start, by their wrapped lines, up to and including the first that does
        not fit under the header in `height` (reportlab's split decides that one): a window
        of one frame's rows, not of as many single-line rows as a frame could hold."""
        used = self.opening_height(0)
        index = self._start
        while index < len(self._rows) and used <= height:
            used += self._row_height(index)
            index += 1
        return max(index - self._start, min(1, len(self._rows) - self._start))

    @property
    def row_count(self) -> int:
        return len(self._rows) - self._start

    def opening_height(self, rows: int) -> float:
        """The height of the header and the first `rows` rows: room to ask for before it starts."""
        last = min(self._start + rows, len(self._rows))
        heights = [self._row_height(index) for index in range(self._start, last)]
        if self._header is not None:
            header_lines = self._wrapped(self._header, bold_columns=len(self._widths))
            heights.append(_height_of(header_lines))
        return sum(heights)

    def _row_height(self, index: int) -> float:
        return _height_of(self._cells(index))

    def draw(self) -> None:
        """Never drawn itself: wrap always asks for a split into drawable tables."""

    def _window(self, count: int, *, split_in_row: bool) -> RLTable:
        data: list[list[str]] = []
        if self._header is not None:
            data.append(self._wrapped(self._header, bold_columns=len(self._widths)))
        data += [self._cells(index) for index in range(self._start, self._start + count)]
        return RLTable(
            data,
            colWidths=self._widths,
            style=self._commands,
            repeatRows=1 if self._header is not None else 0,
            splitInRow=int(CELL_LEADING * 2) if split_in_row else 0,
            hAlign="LEFT",
        )

    def _cells(self, index: int) -> list[str]:
        cells = self._wrapped_rows.get(index)
        if cells is None:
            bold_columns = 1 if self._label_column else 0
            cells = self._wrapped(self._rows[index], bold_columns=bold_columns)
            self._wrapped_rows[index] = cells
        return cells

    def _wrapped(self, row: Sequence[str], *, bold_columns: int) -> list[str]:
        """Cells as pre-wrapped plain strings: drawn as text, never parsed as markup."""
        cells = list(row[: len(self._widths)]) + [""] * (len(self._widths) - len(row))
        wrapped = []
        for index, (text, width) in enumerate(zip(cells, self._widths, strict=True)):
            font = self._fonts.bold if index < bold_columns else self._fonts.regular
            lines = wrap_lines(str(text), font, CELL_SIZE, width - 2 * CELL_PADDING)
            wrapped.append("\n".join(lines))
        return wrapped

    def _first_row_overfills_a_frame(self, window: RLTable) -> bool:
        heights: list[float] = getattr(window, "_rowHeights", [])
        header_rows = 0 if self._header is None else 1
        return sum(heights[: header_rows + 1]) > self._frame_height

    def _from(self, start: int) -> PagedTable:
        return PagedTable(
            self._header,
            self._rows,
            self._widths,
            self._fonts,
            label_column=self._label_column,
            frame_height=self._frame_height,
            tracker=self._tracker,
            units=self._units,
            start=start,
            wrapped=self._wrapped_rows,
        )


def _cells_of(table: Flowable) -> list[Any]:
    cells: list[Any] = getattr(table, "_cellvalues", [])
    return cells


def _height_of(cells: list[str]) -> float:
    lines = max((cell.count("\n") + 1 for cell in cells), default=1)
    return lines * CELL_LEADING + 2 * CELL_PADDING
