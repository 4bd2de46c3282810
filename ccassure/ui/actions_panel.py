"""Actions for any assessment: what, who, by when, status, linked item or risk; overdue shown."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit

from ccassure.domain.document import Action, AssessmentDocument
from ccassure.ui.a11y import name
from ccassure.ui.record_panel import Record, RecordPanel

STATUSES = (
    ("open", "Open"),
    ("in_progress", "In progress"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
)


def due_text(action: Action, today: date) -> str:
    if action.due is None:
        return ""
    late = action.status in ("open", "in_progress") and action.due < today
    return f"{action.due.isoformat()}{' — overdue' if late else ''}"


class ActionsPanel(RecordPanel):
    """A table of actions and a form for the chosen one; every change saves at once."""

    columns = ("Ref", "Action", "Owner", "Due", "Status")
    prefix = "A"

    def __init__(self, undo: QUndoStack, today: date) -> None:
        super().__init__(
            undo,
            "Actions",
            "Choose an action to edit it below; overdue ones say so",
            "Add an a&ction",
            "Remove this act&ion",
        )
        self.today = today
        self.layout_.addWidget(self.table)
        self.layout_.addLayout(self.buttons)
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
            ("Descri&ption:", self.description),
            ("&Owner:", self.owner),
            ("&Due:", self.due),
            ("St&atus:", self.status),
            ("&Linked to:", self.link),
        ):
            caption = QLabel(label)
            caption.setBuddy(field)
            name(field, label.replace("&", "").rstrip(":"))
            if isinstance(field, QLineEdit):
                field.textEdited.connect(lambda _t: self._changed.start())
            form.addRow(caption, field)
        self.layout_.addLayout(form)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.layout_.addWidget(self.problem)
        self.layout_.addStretch(1)

    def load(self, document: AssessmentDocument, editable: bool) -> None:
        self.set_records(document.assessment.id or 0, list(document.actions), editable)

    def new_record(self, ref: str) -> Record:
        return Action(ref=ref, description="New action")

    def row_values(self, record: Record) -> tuple[str, ...]:
        assert isinstance(record, Action)
        return (
            record.ref,
            record.description,
            record.owner,
            due_text(record, self.today),
            dict(STATUSES).get(record.status, record.status),
        )

    def add(self) -> None:
        super().add()
        self.description.setFocus()
        self.description.selectAll()

    def show_record(self, record: Record | None) -> None:
        texts = (self.description, self.owner, self.due, self.link)
        for field in texts:
            field.blockSignals(True)
            field.setEnabled(record is not None)
            field.setReadOnly(not self.editable)
        self.status.setEnabled(record is not None and self.editable)
        if isinstance(record, Action):
            self.description.setText(record.description)
            self.owner.setText(record.owner)
            self.due.setText(record.due.isoformat() if record.due else "")
            self.link.setText(record.link)
            self.status.setCurrentIndex(max(0, self.status.findData(record.status)))
        for field in texts:
            field.blockSignals(False)

    def _commit(self) -> None:
        action = self.current()
        if not isinstance(action, Action):
            return
        text = self.due.text().strip()
        try:
            due = date.fromisoformat(text) if text else None
        except ValueError:
            self.problem.setText("The due date needs the form YYYY-MM-DD; not saved yet.")
            return
        self.problem.setText("")
        self.push(
            action,
            action.model_copy(
                update={
                    "description": self.description.text().strip() or action.description,
                    "owner": self.owner.text(),
                    "due": due,
                    "link": self.link.text().strip(),
                    "status": self.status.currentData(),
                }
            ),
        )
