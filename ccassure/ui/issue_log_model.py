"""The issue log as a Qt table model, paged in from the store as the view scrolls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush

from ccassure.domain.issue_log import LOG_COLUMNS, IssueLogPage, IssueLogRow
from ccassure.ui.models import STATUS_LABELS, Index, tint

HEADINGS = {
    "ref": "Ref",
    "title": "Issue",
    "severity": "Severity",
    "status": "Status",
    "criteria": "Criteria",
    "assistive_tech": "Assistive tech",
    "screen": "Screen",
    "found_on": "Found on",
}
SEVERITY_LABELS = {
    "blocker": "Blocker",
    "critical": "Critical",
    "serious": "Serious",
    "moderate": "Moderate",
    "minor": "Minor",
}
REF_ROLE = Qt.ItemDataRole.UserRole + 2
QUICK_ADD_KEY = "Ctrl+Shift+I"  # opens the quick-add form from anywhere in the editor
# Reads the page at (offset, limit) off the UI thread and hands it back on the UI thread.
PageReader = Callable[[int, int, Callable[[IssueLogPage], None]], None]


def cell_text(row: IssueLogRow, column: str) -> str:
    if column == "severity":
        return SEVERITY_LABELS.get(row.severity, row.severity)
    if column == "status":
        text = STATUS_LABELS.get(row.status, row.status)
        return f"{text} (needs review)" if row.needs_review else text
    if column == "found_on":
        return row.found_on.isoformat() if row.found_on else ""
    return str(getattr(row, column))


class IssueLogModel(QAbstractTableModel):
    """The rows of the current filter and sort; more are read as the view asks for them."""

    PAGE = 200

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[IssueLogRow] = []
        self.total = 0
        self.everything = 0
        self._read: PageReader | None = None
        self._busy = False
        self._generation = 0

    def reset(self, first: IssueLogPage, read: PageReader) -> None:
        """A new list (new filter or sort, or read again): its first page, and how to read on."""
        self._busy = True
        self._generation += 1  # a page still on its way belongs to the old list
        self.beginResetModel()
        self.rows, self.total, self.everything = list(first.rows), first.total, first.everything
        self._read = read
        self.endResetModel()
        self._busy = False

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(LOG_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(LOG_COLUMNS):
            return HEADINGS[LOG_COLUMNS[section]]
        return None

    def canFetchMore(self, parent: Index) -> bool:
        return (
            not self._busy
            and not parent.isValid()
            and len(self.rows) < self.total
            and self._read is not None
        )

    def fetchMore(self, parent: Index) -> None:
        read = self._read
        if not self.canFetchMore(parent) or read is None:
            return
        self._busy = True  # views and testers may ask for more from inside beginInsertRows
        generation = self._generation
        read(len(self.rows), self.PAGE, lambda page: self._append(page, generation))

    def _append(self, page: IssueLogPage, generation: int) -> None:
        if generation != self._generation:
            return
        try:
            if page.offset != len(self.rows):
                return  # not the page that was asked for
            if not page.rows:
                self.total = len(self.rows)  # the log shrank meanwhile: nothing more to read
                return
            start = len(self.rows)
            self.beginInsertRows(QModelIndex(), start, start + len(page.rows) - 1)
            self.rows.extend(page.rows)
            self.endInsertRows()
        finally:
            self._busy = False

    def release(self) -> None:
        """A page could not be read: let the view ask again later."""
        self._busy = False

    def row(self, index: Index) -> IssueLogRow | None:
        return self.rows[index.row()] if index.isValid() else None

    def place(self, ref: str) -> int:
        """The row of the issue with this ref among those read so far, or -1."""
        return next((n for n, row in enumerate(self.rows) if row.ref == ref), -1)

    def replace(self, row: IssueLogRow) -> None:
        """One issue changed: show it in its place, if it has been read."""
        place = self.place(row.ref)
        if place >= 0:
            self.rows[place] = row
            last = self.columnCount() - 1
            self.dataChanged.emit(self.index(place, 0), self.index(place, last))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = LOG_COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return cell_text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == "title":
            return row.title
        if role == Qt.ItemDataRole.BackgroundRole and column == "severity":
            colour = tint("critical" if row.severity == "blocker" else row.severity)
            return QBrush(colour) if colour is not None else None
        if role == REF_ROLE:
            return row.ref
        return None
