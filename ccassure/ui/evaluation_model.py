"""The evaluation grid as a Qt table model: a row per criterion, a column per sample."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ccassure.domain.conformance import OUTCOME_LABELS
from ccassure.domain.document import Evaluation
from ccassure.domain.evaluation import GridRow
from ccassure.ui.models import tint

Index = QModelIndex | QPersistentModelIndex
FIXED = ("Level", "Checked", "Conformance (ACR)", "EIA")
SAMPLE_COLUMN = len(FIXED)
OUTCOME_HUES = {"failed": "critical", "passed": "approved", "cant_tell": "medium"}
TERM_HUES = {
    "does_not_support": "critical",
    "partially_supports": "medium",
    "supports": "approved",
}
ACCESSIBLE = Qt.ItemDataRole.AccessibleTextRole
DISPLAY = Qt.ItemDataRole.DisplayRole


class GridModel(QAbstractTableModel):
    """Read-only cells; the panel changes them through undoable commands."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[GridRow] = []
        self.samples: tuple[str, ...] = ()
        self.descriptions: dict[str, str] = {}

    def set_rows(
        self, rows: tuple[GridRow, ...], samples: tuple[str, ...], descriptions: dict[str, str]
    ) -> None:
        self.beginResetModel()
        self.rows, self.samples, self.descriptions = list(rows), samples, descriptions
        self.endResetModel()

    def replace_row(self, row: GridRow) -> int | None:
        """Show a criterion's new cells and conformance; its row, or None when filtered out."""
        number = row.criterion.number
        found = next((i for i, r in enumerate(self.rows) if r.criterion.number == number), None)
        if found is not None:
            self.rows[found] = row
            self.dataChanged.emit(self.index(found, 0), self.index(found, self.columnCount() - 1))
        return found

    def row_of(self, number: str) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r.criterion.number == number), None)

    def cell(self, index: Index) -> Evaluation | None:
        """The evaluation behind a sample column's cell."""
        if not index.isValid() or index.column() < SAMPLE_COLUMN:
            return None
        return self.rows[index.row()].cells[index.column() - SAMPLE_COLUMN]

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(FIXED) + len(self.samples)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if role in (DISPLAY, ACCESSIBLE) and 0 <= section < len(self.rows):
                return self.rows[section].criterion.label
            return None
        if not 0 <= section < self.columnCount():
            return None
        text = FIXED[section] if section < SAMPLE_COLUMN else self.samples[section - SAMPLE_COLUMN]
        if role in (DISPLAY, ACCESSIBLE):
            return text
        if role == Qt.ItemDataRole.ToolTipRole and section >= SAMPLE_COLUMN:
            return self.descriptions.get(text) or text
        return None

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        row, column = self.rows[index.row()], index.column()
        if column >= SAMPLE_COLUMN:
            return self._cell_data(row.cells[column - SAMPLE_COLUMN], role)
        result = row.conformance
        if role in (DISPLAY, ACCESSIBLE, Qt.ItemDataRole.ToolTipRole):
            if column == 0:
                return row.criterion.level if role == DISPLAY else f"Level {row.criterion.level}"
            if column == 1:
                return (
                    f"{result.checked} of {result.sample_size}"
                    if role == DISPLAY
                    else (result.progress)
                )
            if column == 2:
                return result.label
            return (
                ("linked" if role == DISPLAY else "linked to an EIA")
                if row.links
                else ("" if role == DISPLAY else "not linked")
            )
        if role == Qt.ItemDataRole.BackgroundRole and column == 2 and result.term:
            hue = TERM_HUES.get(result.term)
            return tint(hue) if hue else None
        return None

    @staticmethod
    def _cell_data(cell: Evaluation, role: int) -> Any:
        label = OUTCOME_LABELS[cell.outcome]
        if role == DISPLAY:
            text = "" if cell.outcome == "untested" else label
            return f"{text} *" if cell.notes else text
        if role == ACCESSIBLE:
            return f"{label}; notes: {cell.notes}" if cell.notes else label
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{label}: {cell.notes}" if cell.notes else label
        if role == Qt.ItemDataRole.BackgroundRole:
            hue = OUTCOME_HUES.get(cell.outcome)
            return tint(hue) if hue else None
        return None
