"""Actions for any assessment: what, who, by when, status, linked item or risk; overdue shown."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ccassure.domain.document import Action, AssessmentDocument
from ccassure.ui.a11y import name
from ccassure.ui.layouts import FocusFrameDelegate

STATUSES = (
    ("open", "Open"),
    ("in_progress", "In progress"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
)
COLUMNS = ("Ref", "Action", "Owner", "Due", "Status")


def due_text(action: Action, today: date) -> str:
    if action.due is None:
        return ""
    late = action.status in ("open", "in_progress") and action.due < today
    return f"{action.due.isoformat()}{' — overdue' if late else ''}"


class SetAction(QUndoCommand):
    """Add, change or remove one action (None on either side means absent)."""

    def __init__(self, panel: ActionsPanel, before: Action | None, after: Action | None) -> None:
        super().__init__("change an action")
        self.panel, self.before, self.after = panel, before, after

    def redo(self) -> None:
        self.panel.apply(self.before, self.after)

    def undo(self) -> None:
        self.panel.apply(self.after, self.before)


class ActionsPanel(QWidget):
    """A table of actions and a form for the chosen one; every change saves at once."""

    save_action = Signal(int, object)
    remove_action = Signal(int, str)

    def __init__(self, undo: QUndoStack, today: date) -> None:
        super().__init__()
        self.undo, self.today = undo, today
        self.assessment_id = 0
        self.entries: list[Action] = []
        self.editable = True
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Actions</h2>"))
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.setItemDelegate(FocusFrameDelegate(self.table))
        self.table.horizontalHeader().setStretchLastSection(True)
        name(self.table, "Actions", "Choose an action to edit it below; overdue ones say so")
        self.table.currentCellChanged.connect(lambda row, *_: self._show(row))
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.add_button = QPushButton("Add an a&ction")
        self.add_button.clicked.connect(self.add)
        self.delete_button = QPushButton("Remove this ac&tion")
        self.delete_button.clicked.connect(self.delete)
        for button in (self.add_button, self.delete_button):
            name(button, button.text().replace("&", ""))
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self._changed = QTimer(self, singleShot=True, interval=0)
        self._changed.timeout.connect(self._commit)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.description, self.owner, self.due = QLineEdit(), QLineEdit(), QLineEdit()
        self.due.setPlaceholderText("YYYY-MM-DD")
        self.status = QComboBox()
        for key, label in STATUSES:
            self.status.addItem(label, key)
        self.status.activated.connect(lambda _i: self._changed.start())
        self.link = QLineEdit()
        self.link.setPlaceholderText("an item key or a risk ref, e.g. R01")
        for label, field in (
            ("&Description:", self.description),
            ("&Owner:", self.owner),
            ("&Due:", self.due),
            ("&Status:", self.status),
            ("&Linked to:", self.link),
        ):
            caption = QLabel(label)
            caption.setBuddy(field)
            name(field, label.replace("&", "").rstrip(":"))
            if isinstance(field, QLineEdit):
                field.textEdited.connect(lambda _t: self._changed.start())
            form.addRow(caption, field)
        layout.addLayout(form)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        layout.addStretch(1)

    def load(self, document: AssessmentDocument, editable: bool) -> None:
        self.assessment_id = document.assessment.id or 0
        self.entries, self.editable = list(document.actions), editable
        self.add_button.setEnabled(editable)
        self.delete_button.setEnabled(editable)
        self._refresh(0)

    def _current(self) -> Action | None:
        row = self.table.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def _show(self, row: int) -> None:
        action = self.entries[row] if 0 <= row < len(self.entries) else None
        for field in (self.description, self.owner, self.due, self.link):
            field.blockSignals(True)
            field.setEnabled(action is not None)
            field.setReadOnly(not self.editable)
        self.status.setEnabled(action is not None and self.editable)
        if action is not None:
            self.description.setText(action.description)
            self.owner.setText(action.owner)
            self.due.setText(action.due.isoformat() if action.due else "")
            self.link.setText(action.link)
            self.status.setCurrentIndex(max(0, self.status.findData(action.status)))
        for field in (self.description, self.owner, self.due, self.link):
            field.blockSignals(False)

    def _commit(self) -> None:
        action = self._current()
        if action is None or not self.editable:
            return
        text = self.due.text().strip()
        try:
            due = date.fromisoformat(text) if text else None
        except ValueError:
            self.problem.setText("The due date needs the form YYYY-MM-DD; not saved yet.")
            return
        self.problem.setText("")
        changed = action.model_copy(
            update={
                "description": self.description.text().strip() or action.description,
                "owner": self.owner.text(),
                "due": due,
                "link": self.link.text().strip(),
                "status": self.status.currentData(),
            }
        )
        if changed != action:
            self.undo.push(SetAction(self, action, changed))

    def add(self) -> None:
        numbers = [int(a.ref[1:]) for a in self.entries if a.ref[1:].isdigit()]
        action = Action(ref=f"A{max(numbers, default=0) + 1:02d}", description="New action")
        self.undo.push(SetAction(self, None, action))
        self.description.setFocus()
        self.description.selectAll()

    def delete(self) -> None:
        action = self._current()
        if action is not None:
            self.undo.push(SetAction(self, action, None))

    def apply(self, before: Action | None, after: Action | None) -> None:
        target = after or before
        if target is None:
            return
        index = next((i for i, a in enumerate(self.entries) if a.ref == target.ref), None)
        if after is None:
            if index is not None:
                self.entries.pop(index)
            self.remove_action.emit(self.assessment_id, target.ref)
            self._refresh(max(0, (index or 0) - 1))
            return
        if index is None:
            self.entries.append(after)
            index = len(self.entries) - 1
        else:
            self.entries[index] = after
        self.save_action.emit(self.assessment_id, after)
        self._refresh(index)

    def _refresh(self, select: int) -> None:
        self.table.setRowCount(len(self.entries))
        labels = dict(STATUSES)
        for row, action in enumerate(self.entries):
            values = (
                action.ref,
                action.description,
                action.owner,
                due_text(action, self.today),
                labels.get(action.status, action.status),
            )
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        for column in range(self.table.columnCount()):  # long text wraps instead of hiding
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 320))
        self.table.resizeRowsToContents()
        self.table.blockSignals(True)
        self.table.setCurrentCell(min(select, len(self.entries) - 1), 0)
        self.table.blockSignals(False)
        self._show(self.table.currentRow())
