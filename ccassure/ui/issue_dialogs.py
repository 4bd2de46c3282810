"""Dialogs of the issue log: quick add, a retest, and one status for several issues."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ccassure.domain.document import Issue, Retest
from ccassure.domain.issue_log import STATUS_ORDER
from ccassure.ui.a11y import announce, name
from ccassure.ui.issue_fields import IssueFields
from ccassure.ui.models import STATUS_LABELS

QUICK_CAPTIONS = {
    "title": "T&itle",
    "screen": "Scree&n",
    "criteria": "&Criteria",
    "assistive_tech": "&Assistive technology",
    "at_version": "AT ve&rsion",
    "browser": "&Browser or client",
    "os": "&Operating system",
    "severity": "Se&verity",
    "steps": "&Steps to reproduce",
    "expected": "&Expected result",
    "actual": "Act&ual result",
}
OUTCOMES = (("passed", "Passed"), ("failed", "Failed"), ("cannot_test", "Cannot test"))


def note_label(parent: QWidget, label: str) -> QLabel:
    note = QLabel(parent)
    note.setWordWrap(True)
    note.setTextFormat(Qt.TextFormat.PlainText)
    name(note, label)
    return note


class QuickAddDialog(QDialog):
    """Log issue after issue from the keyboard; Enter on the last field or Ctrl+Enter adds."""

    submitted = Signal(object)  # a draft Issue; its ref is given when it is saved

    def __init__(self, known: Mapping[str, str], parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Quick add issues")
        name(self, "Quick add issues", "Enter on the last field or Ctrl+Enter adds; Esc closes")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Each issue is added with the next ref. Enter moves to the next field; Enter on "
            "the last field or Ctrl+Enter adds the issue. The screen, assistive technology, "
            "browser and operating system stay for the next one. Esc closes."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.fields = IssueFields(known, multiline=False, parent=self)
        self.fields.add_rows(form, QUICK_CAPTIONS)
        for field, widget in self.fields.widgets.items():
            if isinstance(widget, QLineEdit):
                widget.returnPressed.connect(lambda field=field: self._enter(field))
        layout.addLayout(form)
        self.note = note_label(self, "Quick add status")
        layout.addWidget(self.note)
        buttons = QDialogButtonBox()
        self.add_button = QPushButton("A&dd issue")
        name(self.add_button, "Add issue", "Ctrl+Enter, or Enter on the last field")
        self.close_button = QPushButton("Close")
        name(self.close_button, "Close", "Esc")
        for button in (self.add_button, self.close_button):
            button.setAutoDefault(False)
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.add_button.clicked.connect(self.submit)
        self.close_button.clicked.connect(self.reject)
        layout.addWidget(buttons)
        for key in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(key), self, self.submit)
        self.last_draft: Issue | None = None

    def start(self) -> None:
        """Show the form with the focus on the title."""
        self.show()
        self.raise_()
        self.activateWindow()
        self.fields.widgets["title"].setFocus(Qt.FocusReason.OtherFocusReason)

    def _enter(self, field: str) -> None:
        """Enter in a line (also when it takes a completion): the next field, or add."""
        QTimer.singleShot(0, self.submit if field == "actual" else self.focusNextChild)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if not isinstance(self.focusWidget(), QLineEdit):  # lines said so themselves
                self.focusNextChild()
            return
        super().keyPressEvent(event)

    def submit(self) -> None:
        problem = self.fields.problem()
        if problem:
            self.say(f"Not added: {problem}.")
            field = "title" if "title" in problem else "criteria"
            self.fields.widgets[field].setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.last_draft = Issue.model_validate({**self.fields.values(), "ref": "new"})
        self.fields.clear_for_next()
        self.fields.widgets["title"].setFocus(Qt.FocusReason.OtherFocusReason)
        self.say("Adding…")
        self.submitted.emit(self.last_draft)

    def added(self, issue: Issue) -> None:
        self.say(f"Added {issue.ref}: {issue.title}. Ready for the next issue.")

    def refused(self, draft: Issue, reason: str) -> None:
        """The issue was not saved: its values come back to the form with the reason."""
        self.fields.fill(draft)
        self.say(f"Not added: {reason}")

    def say(self, text: str) -> None:
        self.note.setText(text)
        announce(self.note, text)


class RetestDialog(QDialog):
    """A retest of one issue: when, the result, who, with what, and notes."""

    def __init__(self, issue: Issue, tester: str, today: date, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Retest {issue.ref}")
        name(self, f"Retest {issue.ref}: {issue.title}")
        layout = QVBoxLayout(self)
        heading = QLabel(f"{issue.ref}: {issue.title}")
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setWordWrap(True)
        layout.addWidget(heading)
        form = QFormLayout()
        self.tested_on = QLineEdit(today.isoformat())
        self.outcome = QComboBox()
        for key, text in OUTCOMES:
            self.outcome.addItem(text, key)
        self.tester = QLineEdit(tester)
        self.assistive_tech = QLineEdit(f"{issue.assistive_tech} {issue.at_version}".strip())
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        for caption, widget, hint in (
            ("Tested &on", self.tested_on, "A date as YYYY-MM-DD"),
            ("&Result", self.outcome, "Passed moves the issue to retest passed"),
            ("&Tester", self.tester, ""),
            ("&Assistive technology", self.assistive_tech, "and its version"),
            ("&Notes", self.notes, ""),
        ):
            label = QLabel(caption + ":")
            label.setBuddy(widget)
            name(widget, caption.replace("&", ""), hint)
            form.addRow(label, widget)
        layout.addLayout(form)
        self.note = note_label(self, "Retest status")
        layout.addWidget(self.note)
        _buttons(self, layout, "A&dd retest")
        self.outcome.setFocus()

    def accept(self) -> None:
        try:
            date.fromisoformat(self.tested_on.text().strip())
        except ValueError:
            self.note.setText("Tested on must be a date such as 2026-11-26.")
            announce(self.note, self.note.text())
            self.tested_on.setFocus()
            return
        super().accept()

    def retest(self) -> Retest:
        return Retest(
            tested_on=date.fromisoformat(self.tested_on.text().strip()),
            outcome=self.outcome.currentData(),
            tester=self.tester.text().strip(),
            assistive_tech=self.assistive_tech.text().strip(),
            notes=self.notes.toPlainText(),
        )


class StatusDialog(QDialog):
    """One status (and reason) for every chosen issue; won't fix needs a reason."""

    def __init__(self, count: int, parent: QWidget) -> None:
        super().__init__(parent)
        what = f"{count:,} issue{'s' if count != 1 else ''}"
        self.setWindowTitle(f"Set the status of {what}")
        name(self, f"Set the status of {what}")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.status = status_combo()
        self.reason = QLineEdit()
        for caption, widget, hint in (
            ("&Status", self.status, f"The new status of {what}"),
            ("&Reason", self.reason, "Needed for won't fix; kept with each issue"),
        ):
            label = QLabel(caption + ":")
            label.setBuddy(widget)
            name(widget, caption.replace("&", ""), hint)
            form.addRow(label, widget)
        layout.addLayout(form)
        self.note = note_label(self, "Status change")
        layout.addWidget(self.note)
        _buttons(self, layout, "Set s&tatus")
        self.status.setFocus()

    def accept(self) -> None:
        if self.status.currentData() == "wont_fix" and not self.reason.text().strip():
            self.note.setText("Won't fix needs a reason: say why it will not be fixed.")
            announce(self.note, self.note.text())
            self.reason.setFocus()
            return
        super().accept()


def status_combo() -> QComboBox:
    combo = QComboBox()
    for key in STATUS_ORDER:
        combo.addItem(STATUS_LABELS[key], key)
    return combo


def _buttons(dialog: QDialog, layout: QVBoxLayout, ok_text: str) -> None:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    ok = QPushButton(ok_text)
    name(ok, ok_text.replace("&", ""))
    buttons.addButton(ok, QDialogButtonBox.ButtonRole.AcceptRole)
    for button in buttons.buttons():  # Enter in a field means OK, never Cancel
        if isinstance(button, QPushButton):
            button.setAutoDefault(False)
    ok.setDefault(True)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
