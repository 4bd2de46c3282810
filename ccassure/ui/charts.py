"""Charts painted with Qt: bars and a heat map, keyboard-operable, each with a text twin."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ccassure.ui.a11y import announce
from ccassure.ui.models import tint


@dataclass(frozen=True)
class Element:
    """One bar or cell: what it says, its count, its colour key, and what it opens."""

    label: str
    value: int
    colour: str
    payload: object
    row: int = 0
    column: int = 0


class Chart(QWidget):
    """Shared behaviour: focus, arrow keys, Enter to open, a description for screen readers."""

    activated = Signal(object)

    def __init__(self, title: str, parent: QWidget | None = None, short: str = "") -> None:
        super().__init__(parent)
        self.title = title
        self.short = short or title
        self.elements: list[Element] = []
        self.current = 0
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(title)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.MinimumExpanding)
        self._rects: list[QRectF] = []

    def set_elements(self, elements: list[Element]) -> None:
        self.elements = elements
        self.current = min(self.current, max(0, len(elements) - 1))
        self.setAccessibleDescription(self.text_alternative())
        self.setToolTip(self.text_alternative())
        self.updateGeometry()
        self.update()

    def text_alternative(self) -> str:
        parts = [f"{e.label}: {e.value:,}" for e in self.elements]
        return f"{self.title}. " + "; ".join(parts) + ". Arrow keys move, Enter opens the items."

    def _move(self, step_row: int, step_column: int) -> None:
        if not self.elements:
            return
        here = self.elements[self.current]
        target = (here.row + step_row, here.column + step_column)
        found = next((i for i, e in enumerate(self.elements) if (e.row, e.column) == target), None)
        if found is None:
            return
        self.current = found
        element = self.elements[found]
        announce(self, f"{element.label}: {element.value:,}")
        self.update()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        moves = {
            Qt.Key.Key_Left: (0, -1),
            Qt.Key.Key_Right: (0, 1),
            Qt.Key.Key_Up: (-1, 0),
            Qt.Key.Key_Down: (1, 0),
        }
        key = Qt.Key(event.key())
        if key in moves:
            self._move(*moves[key])
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and self.elements:
            self.activated.emit(self.elements[self.current].payload)
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        for index, rect in enumerate(self._rects):
            if rect.contains(event.position()):
                self.current = index
                self.update()
                self.activated.emit(self.elements[index].payload)
                return
        super().mousePressEvent(event)

    def _unit(self) -> int:
        return self.fontMetrics().height()

    def _draw_focus(self, painter: QPainter) -> None:
        if self.hasFocus() and self._rects:
            pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), 3)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(self._rects[self.current].adjusted(-3, -3, 3, 3))

    def _fill(self, element: Element) -> QColor:
        return tint(element.colour) or self.palette().color(QPalette.ColorRole.Button)


class BarChart(Chart):
    """Vertical bars with the count above and the label below each bar."""

    def sizeHint(self) -> QSize:
        unit = self._unit()
        return QSize(max(4, len(self.elements)) * unit * 6, unit * 14)

    def minimumSizeHint(self) -> QSize:
        unit = self._unit()
        return QSize(max(4, len(self.elements)) * unit * 4, unit * 10)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        unit = self._unit()
        area = self.rect().adjusted(unit, unit * 2, -unit, -unit * 2)
        count = max(1, len(self.elements))
        slot = area.width() / count
        top = max([e.value for e in self.elements] + [1])
        self._rects = []
        for index, element in enumerate(self.elements):
            height = max(2.0, (area.height() - unit) * element.value / top)
            bar = QRectF(
                area.left() + slot * index + slot * 0.15, area.bottom() - height, slot * 0.7, height
            )
            self._rects.append(bar)
            painter.setPen(QPen(text, 1))
            painter.setBrush(self._fill(element))
            painter.drawRect(bar)
            painter.drawText(
                QRectF(bar.left() - slot * 0.15, bar.top() - unit * 1.3, slot, unit),
                Qt.AlignmentFlag.AlignCenter,
                f"{element.value:,}",
            )
            painter.drawText(
                QRectF(bar.left() - slot * 0.15, area.bottom() + 4, slot, unit * 1.5),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                element.label,
            )
        painter.setPen(QPen(text, 1))
        painter.drawLine(area.bottomLeft(), area.bottomRight())
        self._draw_focus(painter)


class HeatMap(Chart):
    """A grid (rows down, columns across) with the count and rating written in every cell."""

    def __init__(
        self,
        title: str,
        rows: list[str],
        columns: list[str],
        parent: QWidget | None = None,
        short: str = "",
    ) -> None:
        super().__init__(title, parent, short)
        self.row_labels, self.column_labels = rows, columns

    def sizeHint(self) -> QSize:
        unit = self._unit()
        return QSize(
            unit * (9 + 8 * len(self.column_labels)), unit * (3 + 3 * len(self.row_labels))
        )

    def minimumSizeHint(self) -> QSize:
        unit = self._unit()
        return QSize(
            unit * (7 + 5 * len(self.column_labels)), unit * (3 + 3 * len(self.row_labels))
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        unit = self._unit()
        left, top = unit * 9, unit * 2
        width = (self.width() - left - unit) / max(1, len(self.column_labels))
        height = (self.height() - top - unit) / max(1, len(self.row_labels))
        painter.setPen(QPen(text, 1))
        for column, label in enumerate(self.column_labels):
            painter.drawText(
                QRectF(left + column * width, 0, width, top), Qt.AlignmentFlag.AlignCenter, label
            )
        for row, label in enumerate(self.row_labels):
            painter.drawText(
                QRect(0, int(top + row * height), left - unit // 2, int(height)),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
        self._rects = []
        for element in self.elements:
            cell = QRectF(
                left + element.column * width, top + element.row * height, width, height
            ).adjusted(2, 2, -2, -2)
            self._rects.append(cell)
            painter.setBrush(self._fill(element))
            painter.setPen(QPen(text, 1))
            painter.drawRect(cell)
            painter.drawText(
                cell, Qt.AlignmentFlag.AlignCenter, f"{element.value:,}\n{element.colour}"
            )
        self._draw_focus(painter)
