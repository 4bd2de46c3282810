"""A table of records (risks, actions) with a form below; every change is undoable and saved."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ccassure.domain.document import Action, Impact, Risk
from ccassure.ui.a11y import name
from ccassure.ui.layouts import FocusFrameDelegate

Record = Risk | Action | Impact


def key_of(record: Record) -> str:
    """What identifies a record in its list: a ref, or an impact's characteristic."""
    return record.characteristic if isinstance(record, Impact) else record.ref


TEXT_FIELDS = frozenset(
    {
        "title",
        "source",
        "measures",
        "owner",
        "description",
        "link",
        "rationale",
        "evidence",
        "mitigation",
    }
)


def changed_fields(before: Record | None, after: Record | None) -> frozenset[str]:
    if before is None or after is None:
        return frozenset({"*"})
    old, new = before.model_dump(), after.model_dump()
    return frozenset(key for key in new if old[key] != new[key])


class SetRecord(QUndoCommand):
    """Add, change or remove one record (None on either side means absent)."""

    def __init__(self, panel: RecordPanel, before: Record | None, after: Record | None) -> None:
        super().__init__("change a record")
        self.panel, self.before, self.after = panel, before, after
        self.fields = changed_fields(before, after)

    def id(self) -> int:
        return 2

    def mergeWith(self, other: QUndoCommand) -> bool:
        # Typing into one text field is one step; every other change is a step of its own.
        same = (
            isinstance(other, SetRecord)
            and other.panel is self.panel
            and self.before is not None
            and self.after is not None
            and other.after is not None
            and key_of(other.after) == key_of(self.after)
            and other.fields == self.fields
            and self.fields <= TEXT_FIELDS
        )
        if same and isinstance(other, SetRecord):
            self.after = other.after
        return same

    def redo(self) -> None:
        self.panel.apply(self.before, self.after)

    def undo(self) -> None:
        self.panel.apply(self.after, self.before)


def record_table(columns: tuple[str, ...], label: str, description: str) -> QTableWidget:
    """A read-only table of records, one row selected, with a visible focus ring."""
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setTabKeyNavigation(False)
    table.setItemDelegate(FocusFrameDelegate(table))
    table.horizontalHeader().setStretchLastSection(True)
    name(table, label, description)
    return table


class RecordPanel(QWidget):
    """Subclasses give the columns, a new record, the row values and the form."""

    saved = Signal(int, object)  # assessment id, record
    removed = Signal(int, str)  # assessment id, ref
    columns: tuple[str, ...] = ()
    prefix = "R"

    def __init__(
        self, undo: QUndoStack, heading: str, description: str, add_text: str, remove_text: str
    ) -> None:
        super().__init__()
        self.undo = undo
        self.assessment_id = 0
        self.records: list[Record] = []
        self.editable = True
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(QLabel(f"<h2>{heading}</h2>"))
        self.table = record_table(self.columns, heading, description)
        self.table.currentCellChanged.connect(lambda row, *_: self.show_record(self._at(row)))
        row = QHBoxLayout()
        self.add_button = QPushButton(add_text)
        self.add_button.clicked.connect(self.add)
        self.delete_button = QPushButton(remove_text)
        self.delete_button.clicked.connect(self.delete)
        for button in (self.add_button, self.delete_button):
            name(button, button.text().replace("&", ""))
            row.addWidget(button)
        row.addStretch(1)
        self.buttons = row

    def new_record(self, ref: str) -> Record:
        raise NotImplementedError

    def row_values(self, record: Record) -> tuple[str, ...]:
        raise NotImplementedError

    def show_record(self, record: Record | None) -> None:
        raise NotImplementedError

    def after_change(self) -> None:
        """Anything that follows the records (heat maps, flags)."""

    def set_records(self, assessment_id: int, records: list[Record], editable: bool) -> None:
        self.assessment_id, self.records, self.editable = assessment_id, records, editable
        self.add_button.setEnabled(editable)
        self.delete_button.setEnabled(editable)
        self.refresh(0)

    def _at(self, row: int) -> Record | None:
        return self.records[row] if 0 <= row < len(self.records) else None

    def current(self) -> Record | None:
        return self._at(self.table.currentRow())

    def push(self, before: Record | None, after: Record | None) -> None:
        if self.editable and before != after:
            self.undo.push(SetRecord(self, before, after))

    def add(self) -> None:
        refs = [key_of(r) for r in self.records]
        numbers = [int(ref[1:]) for ref in refs if ref[1:].isdigit()]
        self.push(None, self.new_record(f"{self.prefix}{max(numbers, default=0) + 1:02d}"))

    def delete(self) -> None:
        record = self.current()
        if record is not None:
            self.push(record, None)

    def apply(self, before: Record | None, after: Record | None) -> None:
        """Show and save one change (from an edit, an undo or a redo)."""
        target = after or before
        if target is None:
            return
        key = key_of(target)
        index = next((i for i, r in enumerate(self.records) if key_of(r) == key), None)
        if after is None:
            if index is not None:
                self.records.pop(index)
            self.removed.emit(self.assessment_id, key)
            self.refresh(max(0, (index or 0) - 1))
            return
        if index is None:
            self.records.append(after)
            index = len(self.records) - 1
        else:
            self.records[index] = after
        self.saved.emit(self.assessment_id, after)
        self.refresh(index)

    def refresh(self, select: int) -> None:
        self.table.setRowCount(len(self.records))
        for row, record in enumerate(self.records):
            for column, value in enumerate(self.row_values(record)):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        for column in range(self.table.columnCount()):  # long text wraps instead of hiding
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 320))
        self.table.resizeRowsToContents()
        self.table.blockSignals(True)
        self.table.setCurrentCell(min(select, len(self.records) - 1), 0)
        self.table.blockSignals(False)
        self.show_record(self.current())
        self.after_change()
