"""Qt item models over dashboard data and item pages (each passes qtmodeltester)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import QApplication

from ccassure.domain.kinds import ISSUE_STATUS_LABELS
from ccassure.domain.summary import AssessmentSummary, ItemPage, ItemRow
from ccassure.services.item_query import OVERDUE_MARK

Index = QModelIndex | QPersistentModelIndex
KIND_LABELS = {
    "dpia": "DPIA",
    "eia": "EIA",
    "accessibility": "Accessibility",
    "environmental": "Environmental",
}
STATUS_LABELS = {
    "draft": "Draft",
    "in_review": "In review",
    "approved": "Approved",
    "changes_requested": "Changes requested",
    **ISSUE_STATUS_LABELS,
    "in_progress": "In progress",
    "done": "Done",
    "cancelled": "Cancelled",
}
STATUS_HUES = {
    "approved": "#2e7d32",
    "in_review": "#b26a00",
    "draft": "#1565c0",
    "changes_requested": "#c62828",
    "high": "#c62828",
    "medium": "#b26a00",
    "low": "#2e7d32",
    "critical": "#c62828",
    "serious": "#d84315",
    "moderate": "#b26a00",
    "minor": "#1565c0",
}
ROW_ROLE = Qt.ItemDataRole.UserRole + 1


def tint(key: str) -> QColor | None:
    """A status colour blended into the palette's base, so text keeps its contrast."""
    hue = STATUS_HUES.get(key)
    if hue is None:
        return None
    base = QApplication.palette().color(QPalette.ColorRole.Base)
    colour = QColor(hue)
    mix = 0.28
    return QColor(
        round(base.red() * (1 - mix) + colour.red() * mix),
        round(base.green() * (1 - mix) + colour.green() * mix),
        round(base.blue() * (1 - mix) + colour.blue() * mix),
    )


def status_text(summary: AssessmentSummary) -> str:
    return f"{STATUS_LABELS.get(summary.status, summary.status)} v{summary.version}"


class _Table(QAbstractTableModel):
    headings: tuple[str, ...] = ()
    row_headings: tuple[str, ...] = ()

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headings)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        names = self.headings if orientation == Qt.Orientation.Horizontal else self.row_headings
        return names[section] if 0 <= section < len(names) else None


class StatusMatrixModel(_Table):
    """Components down, assessment kinds across; each cell the status of what is there."""

    def __init__(self, kinds: Sequence[str]) -> None:
        super().__init__()
        self.kinds = tuple(kinds)
        self.headings = tuple(KIND_LABELS.get(k, k) for k in self.kinds)
        self.components: tuple[str, ...] = ()
        self.cells: dict[tuple[str, str], tuple[AssessmentSummary, ...]] = {}

    def load(
        self, components: Sequence[str], cells: dict[tuple[str, str], tuple[AssessmentSummary, ...]]
    ) -> None:
        self.beginResetModel()
        self.components, self.row_headings = tuple(components), tuple(components)
        self.cells = dict(cells)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.components)

    def summaries(self, index: Index) -> tuple[AssessmentSummary, ...]:
        if not index.isValid():
            return ()
        return self.cells.get((self.components[index.row()], self.kinds[index.column()]), ())

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        found = self.summaries(index)
        text = "\n".join(status_text(s) for s in found) or "None yet"
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            where = f"{self.headings[index.column()]} for {self.components[index.row()]}"
            titles = "; ".join(f"{s.title}: {status_text(s)}" for s in found)
            return f"{where}: {titles or 'no assessment yet'}"
        if role == Qt.ItemDataRole.BackgroundRole and found:
            colour = tint(found[0].status)
            return QBrush(colour) if colour else None
        return None


class CountsModel(_Table):
    """A small grid of counts (for example severity by status); each cell opens its items."""

    def __init__(
        self, rows: Sequence[tuple[str, str]], columns: Sequence[tuple[str, str]], caption: str
    ) -> None:
        super().__init__()
        self.row_keys = tuple(k for k, _ in rows)
        self.column_keys = tuple(k for k, _ in columns)
        self.row_headings = tuple(label for _, label in rows)
        self.headings = tuple(label for _, label in columns)
        self.caption = caption
        self.counts: dict[tuple[str, str], int] = {}

    def load(self, counts: dict[tuple[str, str], int]) -> None:
        self.beginResetModel()
        self.counts = dict(counts)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.row_keys)

    def keys(self, index: Index) -> tuple[str, str]:
        return (self.row_keys[index.row()], self.column_keys[index.column()])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        count = self.counts.get(self.keys(index), 0)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{count:,}"
        if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            row, column = self.row_headings[index.row()], self.headings[index.column()]
            return f"{count:,} {self.caption}: {row}, {column}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and count:
            colour = tint(self.row_keys[index.row()])
            return QBrush(colour) if colour else None
        return None


Fetch = Callable[[int, int], ItemPage]
# Runs a page fetch off the UI thread and hands the page back on it.
Background = Callable[[Callable[[], ItemPage], Callable[[ItemPage], None]], None]


class ItemsModel(_Table):
    """Rows behind a dashboard figure, fetched a page at a time as the view scrolls.

    With a `background` runner the pages are read off the UI thread (a deep page of 100,000
    issues takes a few hundred milliseconds); without one they are read in place.
    """

    PAGE = 200
    background: Background | None = None

    def __init__(
        self, headings: Sequence[str], fetch: Callable[[int, int], ItemPage] | None = None
    ) -> None:
        super().__init__()
        self.headings = tuple(headings)
        self._fetch = fetch
        self.rows: list[ItemRow] = []
        self.total = 0
        self._busy = False
        self._generation = 0

    def reset(
        self, headings: Sequence[str], fetch: Callable[[int, int], ItemPage], first: ItemPage
    ) -> None:
        self._busy = True
        self._generation += 1  # a page still on its way belongs to the old list
        self.beginResetModel()
        self.headings, self._fetch = tuple(headings), fetch
        self.rows, self.total = list(first.rows), first.total
        self.endResetModel()
        self._busy = False

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def canFetchMore(self, parent: Index) -> bool:
        return (
            not self._busy
            and not parent.isValid()
            and len(self.rows) < self.total
            and self._fetch is not None
        )

    def fetchMore(self, parent: Index) -> None:
        fetch = self._fetch
        if not self.canFetchMore(parent) or fetch is None:
            return
        self._busy = True  # views and testers may ask for more from inside beginInsertRows
        offset, generation = len(self.rows), self._generation
        if self.background is None:
            self._append(fetch(offset, self.PAGE), generation)
        else:
            self.background(
                lambda: fetch(offset, self.PAGE), lambda page: self._append(page, generation)
            )

    def _append(self, page: ItemPage, generation: int) -> None:
        if generation != self._generation:
            return
        try:
            if not page.rows:
                self.total = len(self.rows)
                return
            start = len(self.rows)
            self.beginInsertRows(QModelIndex(), start, start + len(page.rows) - 1)
            self.rows.extend(page.rows)
            self.endInsertRows()
        finally:
            self._busy = False

    def row(self, index: Index) -> ItemRow | None:
        return self.rows[index.row()] if index.isValid() else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.rows[index.row()]
        values = (item.ref, item.title, *item.details)
        column = index.column()
        text = values[column] if column < len(values) else ""
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return STATUS_LABELS.get(text, text) if column >= 2 else text
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            return item.title
        if role == Qt.ItemDataRole.BackgroundRole and text.endswith(OVERDUE_MARK):
            colour = tint("high")
            return QBrush(colour) if colour else None
        if role == ROW_ROLE:
            return item.assessment_id
        return None
